"""Organisations (the enterprises, or sites, a box serves) and the profile
a learner may give for the programme's reports.

Other tables refer to an organisation by a foreign key only
(``cohorts.organisation_id``, ``learner_profiles.organisation_id``): the
lower layers never import this module."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

__all__ = ["Organisation", "LearnerProfile", "GENDERS", "JOB_ROLES", "AGE_BANDS", "PROFILE_FIELDS", "SECTORS"]

# The values stored; the words are in programmes/words.py, in four languages.
GENDERS = ("woman", "man", "another", "prefer-not-to-say")
JOB_ROLES = ("worker", "supervisor", "manager", "staff")
AGE_BANDS = ("under-20", "20-29", "30-39", "40-49", "50-plus")
PROFILE_FIELDS = {"gender": GENDERS, "job_role": JOB_ROLES, "age_band": AGE_BANDS}
SECTORS = ("apparel", "electronics", "automotive", "cycling", "minerals", "batteries", "chemicals", "other")


def _one_of(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IS NULL OR {column} IN ({', '.join(repr(v) for v in values)})"


class Organisation(db.Model):
    """An enterprise (a factory, a site) whose workers learn on this box."""

    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(_one_of("sector", SECTORS), name="sector"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # The name as compared (NFKC, case-folded, spaces collapsed): a class
    # list may write "Saigon Garments" or "SAIGON  garments".
    name_key: Mapped[str] = mapped_column(String(200), unique=True)
    country: Mapped[str] = mapped_column(String(2))  # ISO 3166-1 alpha-2, e.g. "VN"
    sector: Mapped[str | None] = mapped_column(String(32))
    # The brand it supplies or the programme it takes part in (free text).
    parent: Mapped[str | None] = mapped_column(String(200))
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)


class LearnerProfile(db.Model):
    """What a learner chose to tell for the reports, and their organisation.
    Every field is optional; the row goes with the account (ON DELETE CASCADE)."""

    __tablename__ = "learner_profiles"
    __table_args__ = (
        CheckConstraint(_one_of("gender", GENDERS), name="gender"),
        CheckConstraint(_one_of("job_role", JOB_ROLES), name="job_role"),
        CheckConstraint(_one_of("age_band", AGE_BANDS), name="age_band"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id", ondelete="SET NULL"), index=True)
    gender: Mapped[str | None] = mapped_column(String(24))
    job_role: Mapped[str | None] = mapped_column(String(24))
    age_band: Mapped[str | None] = mapped_column(String(24))
    updated_dt: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
