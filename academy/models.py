"""Every table, imported in one place so Alembic and create_all see them all."""

from .auth.models import LoginFailure, Setting, User  # noqa: F401
from .learn.models import Attempt, Enrollment, LessonProgress  # noqa: F401
from .cohorts.models import *  # noqa: F401,F403
from .certificates.models import Certificate  # noqa: F401
