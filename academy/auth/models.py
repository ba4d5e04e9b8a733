"""People and how they sign in."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..timeutil import utcnow

# officer: a programme officer, who reads the impact reports and nothing else.
ROLES = ("learner", "tutor", "admin", "officer")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)  # stored case-folded
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16), default="learner")
    language: Mapped[str] = mapped_column(String(16), default="en")
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Bumped on a password change or reset: every other session ends.
    login_version: Mapped[int] = mapped_column(default=1)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    def get_id(self) -> str:
        return f"{self.id}:{self.login_version}"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_tutor(self) -> bool:
        return self.role in ("tutor", "admin")

    @property
    def can_see_reports(self) -> bool:
        return self.role in ("admin", "officer")


class LoginFailure(db.Model):
    """Failed sign-ins per account and per address, for the throttle.
    Kept in the database so that several app processes share it."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    first_dt: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until_dt: Mapped[datetime | None] = mapped_column()

