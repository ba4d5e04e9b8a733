"""Sign-ins kept on the server. Each sign-in (on one phone or computer) is a
row in ``login_sessions``; the session cookie carries only its random id.
A cookie is accepted while its row has not ended, for at most the absolute
lifetime, and for staff (tutors, admins, programme officers) only until
they have been idle for the staff idle time. Signing out ends the row, so a copy of the cookie taken
before is useless afterwards; a new or reset password ends the account's
other rows.

Plain functions like the other services: they flush, the view commits."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, or_, select, update

from ..extensions import db
from ..timeutil import utcnow
from .models import LoginSession, User

# last_seen_dt is written at most this often per session, so that reading
# a page is not a database write each time (only the idle timeout needs it,
# and five minutes either way do not matter for an eight-hour timeout).
LAST_SEEN_PRECISION = timedelta(minutes=5)
MAX_ID_LENGTH = 64

# Every request of a signed-in person runs this query: built once, it costs
# half of what building it each time does (SQLAlchemy statement and cache key).
_SIGN_IN = (select(User, LoginSession).join(LoginSession, LoginSession.user_id == User.id)
            .where(LoginSession.id == bindparam("session_id"), LoginSession.ended_dt.is_(None)))


def start(user: User, now: datetime | None = None) -> LoginSession:
    """A new sign-in for ``user``; ``user.get_id()`` is now its id."""
    now = now or utcnow()
    row = LoginSession(id=secrets.token_urlsafe(32), user_id=user.id, created_dt=now, last_seen_dt=now)
    db.session.add(row)
    db.session.flush()
    user.login_session_id = row.id
    return row


def find(session_id: str, lifetime: timedelta, staff_idle: timedelta,
         now: datetime | None = None) -> tuple[User, LoginSession] | None:
    """The account and its sign-in, if that sign-in is still good. One query."""
    if not session_id or len(session_id) > MAX_ID_LENGTH:
        return None
    now = now or utcnow()
    found = db.session.execute(_SIGN_IN, {"session_id": session_id}).first()
    if found is None:
        return None
    user, row = found
    if now - row.created_dt > lifetime or (user.signs_out_when_idle and now - row.last_seen_dt > staff_idle):
        return None
    user.login_session_id = row.id
    return user, row


def needs_touch(row: LoginSession, now: datetime | None = None) -> bool:
    return (now or utcnow()) - row.last_seen_dt >= LAST_SEEN_PRECISION


def touch(session_id: str, now: datetime | None = None) -> None:
    """Note that the sign-in is in use (call only when needs_touch says so)."""
    now = now or utcnow()
    db.session.execute(update(LoginSession).where(LoginSession.id == session_id, LoginSession.ended_dt.is_(None))
                       .values(last_seen_dt=now).execution_options(synchronize_session=False))
    db.session.flush()


def end(session_id: str, now: datetime | None = None) -> None:
    """Sign out: the cookie that carries this id stops working."""
    db.session.execute(update(LoginSession).where(LoginSession.id == session_id, LoginSession.ended_dt.is_(None))
                       .values(ended_dt=now or utcnow()).execution_options(synchronize_session=False))
    db.session.flush()


def end_all(user: User, now: datetime | None = None, keep: str | None = None) -> None:
    """End every sign-in of ``user`` (but ``keep``, the one in use)."""
    query = update(LoginSession).where(LoginSession.user_id == user.id, LoginSession.ended_dt.is_(None))
    if keep:
        query = query.where(LoginSession.id != keep)
    db.session.execute(query.values(ended_dt=now or utcnow()).execution_options(synchronize_session=False))
    db.session.flush()


def prune(lifetime: timedelta, now: datetime | None = None) -> None:
    """Forget sign-ins that have ended or outlived the lifetime."""
    cutoff = (now or utcnow()) - lifetime
    db.session.execute(delete(LoginSession).where(or_(LoginSession.ended_dt.is_not(None), LoginSession.created_dt < cutoff))
                       .execution_options(synchronize_session=False))
    db.session.flush()

