"""Every table, imported in one place so Alembic and create_all see them all."""

from .auth.models import LoginFailure, User  # noqa: F401
from .certificates.models import Certificate  # noqa: F401
from .cohorts.models import Attendance, Cohort, CohortMember, CohortSession, ModuleOpening, cohort_tutors  # noqa: F401
from .learn.models import (  # noqa: F401
    Attempt,
    Enrollment,
    LessonFeedback,
    LessonProgress,
    PathEnrollment,
    Submission,
    SubmissionFile,
    SubmissionReview,
)
from .programmes.models import LearnerProfile, Organisation  # noqa: F401
from .settings import Setting  # noqa: F401
from .sync.models import (  # noqa: F401
    HubAttendance, HubBox, HubBundle, HubCertificate, HubCohort, HubEnrolment, HubLearner, HubLesson, HubMember,
    HubOrganisation, HubReceived, HubRevocation, HubSession, OutboxEvent, SentSession, SyncLearner,
)
