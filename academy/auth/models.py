"""People and how they sign in."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String
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
    # The tutor or admin who made this account (in "People" or with a class
    # list); that tutor may keep managing it. None: self-registered, made
    # from the shell, or its maker's account is gone.
    # Not a foreign key (see the migration): delete_user() clears it.
    created_by_id: Mapped[int | None] = mapped_column(index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)

    # The sign-in (a LoginSession id) this request came with; not a column.
    # flask-login keeps what get_id() returns in the session cookie.
    login_session_id = None

    def get_id(self) -> str:
        if not self.login_session_id:
            raise RuntimeError("sign in through academy.auth.login_sessions.start(), which gives the session its id")
        return self.login_session_id

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_tutor(self) -> bool:
        return self.role in ("tutor", "admin")

    @property
    def can_see_reports(self) -> bool:
        return self.role in ("admin", "officer")

    @property
    def signs_out_when_idle(self) -> bool:
        """Staff, who see other people's records: the idle timeout applies."""
        return self.is_tutor or self.can_see_reports


class LoginSession(db.Model):
    """One sign-in on one device. The session cookie carries only its id, so
    that signing out, a new password or an administrator can end it on the
    server: a cookie copied before then is worth nothing afterwards."""

    __tablename__ = "login_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # 32 random bytes, URL-safe
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_dt: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_dt: Mapped[datetime] = mapped_column(default=utcnow)  # to within LAST_SEEN_PRECISION
    ended_dt: Mapped[datetime | None] = mapped_column()


class LoginFailure(db.Model):
    """Failed sign-ins per account and per address, for the throttle.
    Kept in the database so that several app processes share it. The key is
    ``user:`` or ``addr:`` and a hash of the name or address: a fixed length
    whatever was typed, and no record of mistyped usernames."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    first_dt: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until_dt: Mapped[datetime | None] = mapped_column()
