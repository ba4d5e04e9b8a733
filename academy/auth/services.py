"""Accounts: creating, signing in (with a throttle), passwords, deletion and
the first administrator. Plain functions with explicit arguments; they
flush, and the view or command that performs the whole step commits."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from datetime import timedelta

from sqlalchemy import delete, select
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain import DomainError, readable_code
from ..extensions import db
from ..i18n import LANGUAGES
from ..settings import delete_setting, get_setting, set_setting
from ..timeutil import utcnow
from .models import ROLES, LoginFailure, User

USERNAME_RE = re.compile(r"^[\w.-]{2,64}$")
# werkzeug's default (scrypt) is memory-hard; the tests swap in a cheaper one.
PASSWORD_HASH_METHOD = "scrypt"
MIN_PASSWORD_LENGTH = 8


class AccountError(DomainError):
    """Something the person can fix; ``code`` picks the translated message."""


def hash_password(password: str) -> str:
    """The stored form of a password. Slow on purpose (scrypt): a step that
    hashes many (a class import) does it before taking the write lock."""
    return generate_password_hash(password, method=PASSWORD_HASH_METHOD)


def normalise_username(username: str) -> str:
    """Usernames compare case-insensitively, in any script."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).filter_by(username=normalise_username(username)))


def check_password_strength(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password-too-short", minimum=MIN_PASSWORD_LENGTH)


def create_user(username: str, password: str, display_name: str = "", role: str = "learner",
                language: str = "en", email: str | None = None, must_change_password: bool = False,
                *, password_hash: str | None = None) -> User:
    """A new account. ``password_hash``: ``password`` already hashed with
    :func:`hash_password` (a class import does it beforehand)."""
    username = normalise_username(username)
    if not USERNAME_RE.match(username):
        raise AccountError("bad-username")
    if role not in ROLES:
        raise AccountError("bad-role")
    if language not in LANGUAGES:
        language = "en"
    check_password_strength(password)
    if find_user(username) is not None:
        raise AccountError("username-taken", username=username)
    display_name = unicodedata.normalize("NFC", display_name.strip()) or username
    user = User(
        username=username, display_name=display_name[:200], email=(email or None), role=role,
        language=language, password_hash=password_hash or hash_password(password), must_change_password=must_change_password,
    )
    db.session.add(user)
    db.session.flush()
    return user


# -- signing in, with a throttle --------------------------------------------------

def _failure_keys(username: str, address: str | None) -> list[str]:
    keys = [f"user:{normalise_username(username)}"]
    if address:
        keys.append(f"addr:{address}")
    return keys


def locked_for(username: str, address: str | None, now=None) -> int:
    """Seconds until this account or address may try again (0: now)."""
    now = now or utcnow()
    waits = []
    for key in _failure_keys(username, address):
        row = db.session.get(LoginFailure, key)
        if row is not None and row.locked_until_dt is not None and row.locked_until_dt > now:
            waits.append(int((row.locked_until_dt - now).total_seconds()) + 1)
    return max(waits, default=0)


def _record_failure(username: str, address: str | None, max_failures: int, lock_seconds: int, now) -> None:
    window = timedelta(seconds=lock_seconds)
    for key in _failure_keys(username, address):
        row = db.session.get(LoginFailure, key)
        if row is None or now - row.first_dt > window:
            if row is None:
                row = LoginFailure(key=key)
                db.session.add(row)
            row.count, row.first_dt, row.locked_until_dt = 0, now, None
        row.count += 1
        # An address is shared by a whole factory behind one router: allow it more.
        limit = max_failures if key.startswith("user:") else max_failures * 4
        if row.count >= limit:
            row.locked_until_dt = now + window
    db.session.flush()


def authenticate(username: str, password: str, address: str | None, max_failures: int = 5,
                 lock_seconds: int = 300, now=None) -> User:
    """The user, or AccountError("locked", seconds=...) / ("bad-credentials")."""
    now = now or utcnow()
    wait = locked_for(username, address, now)
    if wait:
        raise AccountError("locked", seconds=wait)
    user = find_user(username)
    if user is None or not check_password_hash(user.password_hash, password):
        if user is None:  # same cost either way: no telling which usernames exist
            check_password_hash(_DUMMY_HASH, password)
        _record_failure(username, address, max_failures, lock_seconds, now)
        raise AccountError("bad-credentials")
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == f"user:{user.username}"))
    db.session.flush()
    return user


_DUMMY_HASH = generate_password_hash(secrets.token_hex(8))


def change_password(user: User, new_password: str) -> None:
    check_password_strength(new_password)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    user.login_version += 1
    db.session.flush()


def reset_password(user: User, temporary_password: str | None = None) -> str:
    """Give a learner a temporary password they must change at next sign-in."""
    temporary = temporary_password or make_temporary_password()
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    user.login_version += 1
    db.session.flush()
    return temporary


def make_temporary_password(length: int = 10) -> str:
    """Read from a printed sheet and typed on a phone: readable letters only."""
    return readable_code(length)


def delete_user(user: User) -> None:
    """A learner and everything recorded about them."""
    db.session.delete(user)
    db.session.flush()


# -- first-run setup ------------------------------------------------------------------

def has_admin() -> bool:
    return db.session.scalar(select(User.id).filter_by(role="admin").limit(1)) is not None


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_setup_token() -> str | None:
    """A one-time token for creating the first admin, while there is none."""
    if has_admin():
        return None
    token = secrets.token_urlsafe(24)
    set_setting("setup_token", _hash_token(token))
    return token


def setup_token_valid(token: str) -> bool:
    stored = get_setting("setup_token")
    return bool(stored) and not has_admin() and secrets.compare_digest(stored, _hash_token(token or ""))


def create_first_admin(token: str, username: str, password: str, display_name: str, language: str) -> User:
    if not setup_token_valid(token):
        raise AccountError("bad-setup-token")
    user = create_user(username, password, display_name, role="admin", language=language)
    delete_setting("setup_token")
    return user
