"""The impact report on a hub: the same report code (academy/programmes/
report.py) over the tables the boxes' bundles fill, which have the columns
the report reads. Learners count once their state has arrived (their role
is known) and while they are not erased; cancelled sessions do not count."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, cast, literal, null, select, union_all

from ..extensions import db
from .models import (
    HubAttendance,
    HubCertificate,
    HubCohort,
    HubEnrolment,
    HubLearner,
    HubLesson,
    HubMember,
    HubOrganisation,
    HubRevocation,
    HubSession,
)


class HubSource:
    def __init__(self, library, now: datetime | None = None, box_id: str | None = None):
        """``box_id``: one box only (default: every box)."""
        self.library = library
        self.now = now or datetime.now()
        only = (lambda column: column == box_id) if box_id else (lambda column: literal(True))
        self.learners = select(
            HubLearner.id.label("learner"), HubLearner.organisation_id.label("organisation"), HubLearner.gender,
            HubLearner.job_role, HubLearner.age_band,
        ).where(HubLearner.role == "learner", HubLearner.erased.is_(False), only(HubLearner.box_id)).subquery("learners")
        self.enrolments = select(
            HubEnrolment.learner_id.label("learner"), HubEnrolment.course_id, HubEnrolment.enrolled_dt,
            HubEnrolment.completed_dt, HubEnrolment.started_dt).subquery("enrolments")
        self.progress = select(
            HubLesson.learner_id.label("learner"), HubLesson.course_id, HubLesson.lesson_key,
            cast(null(), DateTime).label("started_dt"), HubLesson.completed_dt, HubLesson.best_score, HubLesson.minutes,
        ).subquery("progress")
        self.members = select(HubMember.learner_id.label("learner"), HubMember.course_id,
                              HubMember.cohort_id.label("cohort")).subquery("members")
        self.cohorts = select(HubCohort.id, HubCohort.name, HubCohort.course_id,
                              HubCohort.organisation_id.label("organisation")).where(only(HubCohort.box_id)).subquery("cohorts")
        self.organisations = select(HubOrganisation.id, HubOrganisation.name, HubOrganisation.country).where(
            only(HubOrganisation.box_id)).subquery("organisations")
        self.certificates = (
            select(HubCertificate.learner_id.label("learner"), HubCertificate.course_id, HubCertificate.issued_dt,
                   HubRevocation.revoked_dt)
            .outerjoin(HubRevocation, HubRevocation.certificate_id == HubCertificate.id).subquery("certs"))
        self.sessions = select(HubSession.id, HubSession.cohort_id.label("cohort"), HubSession.modality,
                               HubSession.starts_dt).where(HubSession.cancelled.is_(False), only(HubSession.box_id)
                                                           ).subquery("sessions")
        counted = [select(HubSession.id.label("session"), literal(status).label("status"), column.label("number"))
                   .where(column > 0) for status, column in (("present", HubSession.present_count),
                                                             ("absent", HubSession.absent_count),
                                                             ("excused", HubSession.excused_count))]
        self.attendance = union_all(
            select(HubAttendance.session_id.label("session"), HubAttendance.status, literal(1).label("number")),
            *counted).subquery("attendance")

    def minutes(self, progress):
        """Each lesson's minutes came with it, as the box counted them."""
        return progress.c.minutes

    def course_ids(self) -> list[str]:
        return sorted(set(self.library.courses) | set(db.session.scalars(select(HubEnrolment.course_id).distinct())))

