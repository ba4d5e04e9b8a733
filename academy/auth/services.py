"""Accounts: creating, signing in (with a throttle), passwords, display
names, deletion and the first administrator. Plain functions with explicit
arguments; they flush, and the view or command that performs the whole step
commits. Server-side sign-in sessions are in ``login_sessions.py``."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

from sqlalchemy import and_, case, delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from werkzeug.security import check_password_hash, generate_password_hash

from ..domain import DomainError, readable_code
from ..extensions import db
from ..i18n import LANGUAGES
from ..settings import Setting, get_setting, set_setting
from ..timeutil import utcnow
from . import login_sessions
from .models import ROLES, LoginFailure, User

USERNAME_RE = re.compile(r"^[\w.-]{2,64}$")
# werkzeug's default (scrypt) is memory-hard; the tests swap in a cheaper one.
PASSWORD_HASH_METHOD = "scrypt"
MIN_PASSWORD_LENGTH = 8
MAX_DISPLAY_NAME_LENGTH = 200
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt")
# An address is shared by a whole factory behind one router: it gets more tries.
ADDRESS_FAILURES_FACTOR = 4


class AccountError(DomainError):
    """Something the person can fix; ``code`` picks the translated message."""


# scrypt takes 32 MB of memory and ~0.1 s of a core per hash: a class
# signing in at once would take 8 x 32 MB under waitress's 8 threads. Two at
# a time keep every core busy and the server's memory bounded (bench/load.py).
_HASHING = threading.BoundedSemaphore(2)


def hash_password(password: str) -> str:
    """The stored form of a password. Slow on purpose (scrypt): a step that
    hashes many (a class import) does it before taking the write lock."""
    with _HASHING:
        return generate_password_hash(password, method=PASSWORD_HASH_METHOD)


def password_matches(password_hash: str, password: str) -> bool:
    with _HASHING:
        return check_password_hash(password_hash, password)


def normalise_username(username: str) -> str:
    """Usernames compare case-insensitively, in any script."""
    return unicodedata.normalize("NFKC", username).strip().casefold()


def find_user(username: str) -> User | None:
    return db.session.scalar(select(User).filter_by(username=normalise_username(username)))


# -- display names ------------------------------------------------------------------

# Joiners shape Persian, Indic scripts and emoji: the only format characters kept.
_KEPT_FORMAT_CHARACTERS = {"\u200c", "\u200d"}


def clean_display_name(name: str | None) -> str:
    """A name as it is stored and shown to others: NFC, on one line, with
    single spaces, and without control characters or invisible format
    characters. Those include the bidirectional overrides, embeddings,
    isolates and marks (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F,
    U+061C), with which a name could reverse or hide the text around it on
    a tutor's page or a certificate, and zero-width spaces that make two
    names look the same. Every form, the class import and the shell pass
    names through here (create_user, update_profile, the CSV import)."""
    text = unicodedata.normalize("NFC", name or "")
    kept = []
    for ch in text:
        category = unicodedata.category(ch)
        if category in ("Zl", "Zp") or ch in "\t\n\v\f\r\x85":
            kept.append(" ")
        elif category in ("Cc", "Cs") or (category == "Cf" and ch not in _KEPT_FORMAT_CHARACTERS):
            continue
        else:
            kept.append(ch)
    return unicodedata.normalize("NFC", " ".join("".join(kept).split()))


# -- passwords -----------------------------------------------------------------------

@cache
def common_passwords() -> frozenset[str]:
    """The shipped list of the most common passwords, case-folded."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def check_password_strength(password: str) -> None:
    """At least 8 characters and not one of the most common passwords (in
    any case). No rules about digits or symbols: they make passwords harder
    to remember, not to guess."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError("password-too-short", minimum=MIN_PASSWORD_LENGTH)
    if password.strip().casefold() in common_passwords():
        raise AccountError("password-too-common")


def create_user(username: str, password: str, display_name: str = "", role: str = "learner",
                language: str = "en", email: str | None = None, must_change_password: bool = False,
                created_by: User | None = None, *, password_hash: str | None = None) -> User:
    """A new account. ``created_by``: the tutor or admin who made it, who
    may then manage it (cohorts.services.may_manage). ``password_hash``:
    ``password`` already hashed with :func:`hash_password` (a class import
    does it before it takes the write lock)."""
    user = new_user(username, password, display_name, role, language, email, must_change_password, created_by,
                    password_hash=password_hash)
    if find_user(user.username) is not None:
        raise AccountError("username-taken", username=user.username)
    db.session.add(user)
    db.session.flush()
    return user


def new_user(username: str, password: str, display_name: str = "", role: str = "learner",
             language: str = "en", email: str | None = None, must_change_password: bool = False,
             created_by: User | None = None, *, password_hash: str | None = None) -> User:
    """The account :func:`create_user` makes, checked but not yet added: a
    step that makes many (a class import) checks the usernames and adds them
    all at once. Raises AccountError like create_user (not for a taken name)."""
    username = normalise_username(username)
    if not USERNAME_RE.match(username):
        raise AccountError("bad-username")
    if role not in ROLES:
        raise AccountError("bad-role")
    if language not in LANGUAGES:
        language = "en"
    check_password_strength(password)
    return User(
        username=username, display_name=(clean_display_name(display_name) or username)[:MAX_DISPLAY_NAME_LENGTH], email=(email or None),
        role=role, language=language, password_hash=password_hash or hash_password(password),
        must_change_password=must_change_password, created_by_id=created_by.id if created_by is not None else None,
    )


def update_profile(user: User, display_name: str, language: str, email: str | None) -> None:
    """What a person changes on their account page."""
    name = clean_display_name(display_name)
    if not name:
        raise AccountError("no-display-name")
    user.display_name = name[:MAX_DISPLAY_NAME_LENGTH]
    user.language = language if language in LANGUAGES else user.language
    user.email = email or None
    db.session.flush()


# -- the sign-in throttle ----------------------------------------------------------------
#
# Every attempt first counts itself, in one atomic statement per key (INSERT
# ... ON CONFLICT DO UPDATE SET count = count + 1 ... RETURNING count), and
# only an attempt whose count is within the limit gets its password checked.
# Parallel guesses therefore get exactly ``max_failures`` checks, and no
# update is lost. A sign-in that succeeds takes its count back.
#
# The row stays locked by the attempt's transaction while the password is
# checked (on SQLite the whole database's write lock, about 0.1 s with
# scrypt): sign-ins run one at a time, which a 2-core box does anyway.


@dataclass(frozen=True)
class _Count:
    key: str
    limit: int
    count: int
    first_dt: datetime
    locked_until_dt: datetime | None

    @property
    def over_limit(self) -> bool:
        return self.count > self.limit

    def wait(self, now: datetime, window: timedelta) -> int:
        until = self.locked_until_dt or self.first_dt + window
        return max(1, int((until - now).total_seconds()) + 1)


def _failure_key(kind: str, value: str) -> str:
    """A fixed-length key, whatever was typed: kind and a hash of the value."""
    return f"{kind}:" + hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _user_key(username: str) -> str:
    return _failure_key("user", normalise_username(username))


def _expired(table, now: datetime, window: timedelta):
    """A row whose lock (or, without one, whose window) is over."""
    return or_(and_(table.c.locked_until_dt.is_not(None), table.c.locked_until_dt <= now),
               and_(table.c.locked_until_dt.is_(None), table.c.first_dt <= now - window))


def _count_attempt(key: str, limit: int, now: datetime, window: timedelta) -> _Count:
    """Add one to the key's count in one statement; an expired row starts over."""
    table = LoginFailure.__table__
    dialect = db.session.get_bind().dialect.name
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect]
    expired = _expired(table, now, window)
    statement = insert(table).values(key=key, count=1, first_dt=now, locked_until_dt=None)
    statement = statement.on_conflict_do_update(index_elements=[table.c.key], set_={
        "count": case((expired, 1), else_=table.c.count + 1),
        "first_dt": case((expired, now), else_=table.c.first_dt),
        "locked_until_dt": case((expired, None), else_=table.c.locked_until_dt),
    }).returning(table.c.count, table.c.first_dt, table.c.locked_until_dt)
    count, first_dt, locked_until_dt = db.session.execute(statement).one()
    return _Count(key, limit, count, first_dt, locked_until_dt)


def _prune_failures(keep: list[str], now: datetime, window: timedelta) -> None:
    """Forget rows whose time is over (not this attempt's own). Rows another
    sign-in holds are skipped (PostgreSQL), so two pruners never wait on
    each other."""
    table = LoginFailure.__table__
    old = (select(table.c.key).where(_expired(table, now, window), table.c.key.not_in(keep))
           .with_for_update(skip_locked=True))
    db.session.execute(delete(table).where(table.c.key.in_(old)))


def _throttle_keys(username: str, address: str | None, max_failures: int) -> list[tuple[str, int]]:
    keys = [(_user_key(username), max_failures)]
    if address:
        keys.append((_failure_key("addr", address), max_failures * ADDRESS_FAILURES_FACTOR))
    return keys


def _count_attempts(keys: list[tuple[str, int]], now: datetime, window: timedelta) -> list[_Count]:
    counts = [_count_attempt(key, limit, now, window) for key, limit in keys]
    _prune_failures([key for key, _limit in keys], now, window)
    over = [c.wait(now, window) for c in counts if c.over_limit]
    if over:
        raise AccountError("locked", seconds=max(over))
    return counts


def _record_failure(counts: list[_Count], now: datetime, window: timedelta) -> None:
    """This failure used a key's last try: lock it for the whole window."""
    for counted in counts:
        if counted.count >= counted.limit:
            db.session.execute(update(LoginFailure).where(LoginFailure.key == counted.key)
                               .values(locked_until_dt=now + window))
    db.session.flush()


def _take_back(counts: list[_Count]) -> None:
    """A success was no failure: the account starts afresh, and the address
    gets its try back."""
    user_key, *others = counts
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == user_key.key))
    for counted in others:
        db.session.execute(update(LoginFailure).where(LoginFailure.key == counted.key, LoginFailure.count > 0)
                           .values(count=LoginFailure.count - 1))
        db.session.execute(delete(LoginFailure).where(LoginFailure.key == counted.key, LoginFailure.count <= 0))
    db.session.flush()


def authenticate(username: str, password: str, address: str | None, max_failures: int = 5,
                 lock_seconds: int = 300, now=None) -> User:
    """The user, or AccountError("locked", seconds=...) / ("bad-credentials").
    An account (any username typed) gets ``max_failures`` tries and an
    address four times as many; then they wait ``lock_seconds``."""
    now = now or utcnow()
    window = timedelta(seconds=lock_seconds)
    counts = _count_attempts(_throttle_keys(username, address, max_failures), now, window)
    user = find_user(username)
    if user is None or not password_matches(user.password_hash, password):
        if user is None:  # same cost either way: no telling which usernames exist
            password_matches(_DUMMY_HASH, password)
        _record_failure(counts, now, window)
        raise AccountError("bad-credentials")
    _take_back(counts)
    return user


def unlock(username: str) -> bool:
    """Lift the sign-in lock of an account; whether there was anything to lift."""
    result = db.session.execute(delete(LoginFailure).where(LoginFailure.key == _user_key(username)))
    db.session.flush()
    return bool(result.rowcount)


def is_locked(username: str, now=None) -> bool:
    row = db.session.get(LoginFailure, _user_key(username))
    return row is not None and row.locked_until_dt is not None and row.locked_until_dt > (now or utcnow())


_DUMMY_HASH = generate_password_hash(secrets.token_hex(8))


# -- changing and resetting passwords --------------------------------------------------------

def change_password(user: User, new_password: str, current_password: str | None = None,
                    keep_session_id: str | None = None, max_failures: int = 5, lock_seconds: int = 300,
                    now=None) -> None:
    """A person sets their own password. They give the current one, unless
    they are choosing theirs in place of a temporary one from a tutor or an
    admin. Wrong current passwords count against the account's sign-in
    limit. Every other sign-in of the account ends."""
    now = now or utcnow()
    check_password_strength(new_password)
    if not user.must_change_password:
        window = timedelta(seconds=lock_seconds)
        counts = _count_attempts([(_user_key(user.username), max_failures)], now, window)
        if not password_matches(user.password_hash, current_password or ""):
            _record_failure(counts, now, window)
            raise AccountError("wrong-current-password")
        _take_back(counts)
    user.password_hash = hash_password(new_password)
    user.must_change_password = False
    login_sessions.end_all(user, now, keep=keep_session_id)
    db.session.flush()


def reset_password(user: User, temporary_password: str | None = None, now=None) -> str:
    """Give a learner a temporary password they must change at next sign-in.
    Their sessions end and a sign-in lock on the account is lifted."""
    temporary = temporary_password or make_temporary_password()
    check_password_strength(temporary)
    user.password_hash = hash_password(temporary)
    user.must_change_password = True
    login_sessions.end_all(user, now or utcnow())
    unlock(user.username)
    db.session.flush()
    return temporary


def make_temporary_password(length: int = 10) -> str:
    """Read from a printed sheet and typed on a phone: readable letters only."""
    while True:
        password = readable_code(length)
        if password.casefold() not in common_passwords():
            return password


def delete_user(user: User) -> None:
    """A learner and everything recorded about them. Accounts this one made
    forget their maker (created_by_id is not a foreign key; see the model)."""
    db.session.execute(update(User).where(User.created_by_id == user.id).values(created_by_id=None))
    db.session.delete(user)
    db.session.flush()


# -- first-run setup ------------------------------------------------------------------

SETUP_TOKEN_KEY = "setup_token"


def has_admin() -> bool:
    return db.session.scalar(select(User.id).filter_by(role="admin").limit(1)) is not None


def _hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def issue_setup_token() -> str | None:
    """A one-time token for creating the first admin, while there is none."""
    if has_admin():
        return None
    token = secrets.token_urlsafe(24)
    set_setting(SETUP_TOKEN_KEY, _hash_token(token))
    return token


def setup_token_valid(token: str) -> bool:
    stored = get_setting(SETUP_TOKEN_KEY)
    return bool(stored) and not has_admin() and secrets.compare_digest(stored, _hash_token(token or ""))


def create_first_admin(token: str, username: str, password: str, display_name: str, language: str) -> User:
    """The first administrator, once. The token is used up first, by one
    conditional DELETE: of several requests sent at once, the one whose
    DELETE removed the row goes on, the others get bad-setup-token. (The
    statement is also the step's first, so that on SQLite it waits for the
    write lock instead of failing on a stale read.) Should the account then
    be refused, the view rolls back and the token is there again."""
    claimed = db.session.execute(delete(Setting).where(Setting.key == SETUP_TOKEN_KEY,
                                                       Setting.value == _hash_token(token or "")))
    if claimed.rowcount != 1 or has_admin():
        raise AccountError("bad-setup-token")
    return create_user(username, password, display_name, role="admin", language=language)
