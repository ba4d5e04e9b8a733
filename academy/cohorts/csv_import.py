"""Creating accounts for a whole class from a CSV file.

The file has a header line naming its columns: ``display_name`` (required),
``username``, ``language`` and ``organisation`` (optional; the name of an
organisation the admin added, found by the lookup the caller passes). It
may be UTF-8 with or without a byte order mark (Excel's "CSV UTF-8"), or
UTF-16 with a byte order mark (Excel's "Unicode text"); commas, semicolons
or tabs separate the values.

Everything is checked before anything is created: :func:`read_class_list`
returns the learners to create or raises :class:`ClassListError` with every
problem and its line; :func:`import_class` then creates them all in one
transaction, or none.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import secrets
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlalchemy import insert, inspect, select
from sqlalchemy.exc import IntegrityError

from ..auth.models import User
from ..auth.services import (
    USERNAME_RE,
    AccountError,
    clean_display_name,
    hash_password,
    make_temporary_password,
    new_user,
    normalise_username,
)
from ..extensions import db
from ..i18n import LANGUAGES
from ..timeutil import utcnow
from .services import CohortError, new_member_rows

COLUMNS = ("display_name", "username", "language", "organisation")
COLUMN_ALIASES = {"organization": "organisation"}
MAX_LEARNERS = 300  # each account costs a deliberately slow password hash (about 0.1 s)
MAX_NAME_LENGTH = 200

# Besides the codes: each language's own name and its English name.
LANGUAGE_NAMES = {
    **{lang.name.casefold(): code for code, lang in LANGUAGES.items()},
    "english": "en", "vietnamese": "vi", "chinese": "zh", "arabic": "ar",
    "tieng viet": "vi", "中文": "zh", "汉语": "zh",
}


@dataclass(frozen=True)
class Problem:
    line: int
    code: str
    details: dict = field(default_factory=dict)


class ClassListError(Exception):
    """The file cannot be imported; ``problems`` lists every reason by line."""

    def __init__(self, problems: list[Problem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class NewLearner:
    line: int
    display_name: str
    username: str
    language: str
    username_generated: bool = False
    organisation_id: int | None = None  # None: the cohort's
    first_password: str = ""  # set by give_first_passwords
    password_hash: str = ""


# -- reading the file -------------------------------------------------------------

def decode(data: bytes) -> str:
    """The file's text; ClassListError naming each line that is not UTF-8."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise ClassListError([Problem(1, "not-utf8")]) from None
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    problems = []
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(Problem(number, "not-utf8"))
    raise ClassListError(problems)


def _delimiter(header: str) -> str:
    counts = {sep: header.count(sep) for sep in (",", ";", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def language_code(value: str, default: str) -> str | None:
    value = unicodedata.normalize("NFC", value.strip())
    if not value:
        return default
    folded = value.casefold().replace("_", "-")
    if folded in LANGUAGES:
        return folded
    if folded.split("-")[0] in LANGUAGES:  # vi-VN, zh-Hans, ar-EG
        return folded.split("-")[0]
    return LANGUAGE_NAMES.get(folded)


def read_class_list(data: bytes, default_language: str,
                    organisation_id_for: Callable[[str], int | None] | None = None) -> list[NewLearner]:
    """Check a whole class list; the learners to create, with a username each.
    ``organisation_id_for``: an organisation's id from its name (None: no
    such organisation); without it, any name in the organisation column is
    unknown."""
    text = decode(data)
    if not text.strip():
        raise ClassListError([Problem(1, "empty-file")])
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=_delimiter(first_line))
    problems: list[Problem] = []
    try:
        header = [unicodedata.normalize("NFKC", name).strip().casefold().replace(" ", "_") for name in next(reader)]
        header = [COLUMN_ALIASES.get(name, name) for name in header]
    except csv.Error as exc:
        raise ClassListError([Problem(1, "bad-csv", {"reason": str(exc)})]) from None
    for name in header:
        if name and name not in COLUMNS:
            problems.append(Problem(1, "unknown-column", {"column": name}))
    for name in COLUMNS:
        if header.count(name) > 1:
            problems.append(Problem(1, "column-twice", {"column": name}))
    if "display_name" not in header:
        problems.append(Problem(1, "missing-column", {"column": "display_name"}))
    if problems:
        raise ClassListError(problems)
    index = {name: header.index(name) for name in COLUMNS if name in header}

    rows: list[dict] = []
    last_line = 1
    try:
        for values in reader:
            line, last_line = last_line + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header) and any(v.strip() for v in values[len(header):]):
                problems.append(Problem(line, "too-many-values"))
                continue
            row = {name: (values[i] if i < len(values) else "").strip() for name, i in index.items()}
            rows.append({"line": line, **row})
    except csv.Error as exc:
        problems.append(Problem(reader.line_num, "bad-csv", {"reason": str(exc)}))

    if not rows and not problems:
        raise ClassListError([Problem(2, "no-learners")])
    if len(rows) > MAX_LEARNERS:
        raise ClassListError([Problem(rows[MAX_LEARNERS]["line"], "too-many-learners", {"max": MAX_LEARNERS})])

    checked = []
    seen: dict[str, int] = {}
    for row in rows:
        line = row["line"]
        name = clean_display_name(row.get("display_name", ""))
        language = language_code(row.get("language", ""), default_language)
        username = normalise_username(row.get("username", ""))
        organisation_name = row.get("organisation", "")
        organisation_id = organisation_id_for(organisation_name) if organisation_name and organisation_id_for else None
        if organisation_name and organisation_id is None:
            problems.append(Problem(line, "unknown-organisation", {"organisation": organisation_name}))
        if not name:
            problems.append(Problem(line, "no-name"))
        elif len(name) > MAX_NAME_LENGTH:
            problems.append(Problem(line, "name-too-long", {"max": MAX_NAME_LENGTH}))
        if language is None:
            problems.append(Problem(line, "bad-language", {"language": row.get("language", "")}))
        if username:
            if not USERNAME_RE.match(username):
                problems.append(Problem(line, "bad-username", {"username": row.get("username", "")}))
            elif username in seen:
                problems.append(Problem(line, "username-twice", {"username": username, "other": seen[username]}))
            else:
                seen[username] = line
        checked.append((line, name, username, language, organisation_id))

    if seen:
        taken = set(db.session.scalars(select(User.username).where(User.username.in_(list(seen)))))
        for username in sorted(taken, key=seen.get):
            problems.append(Problem(seen[username], "username-taken", {"username": username}))
    if problems:
        raise ClassListError(sorted(problems, key=lambda p: p.line))

    # The usernames made from names are looked up at once, not one query a row.
    bases = {name: username_from_name(name) for _line, name, username, _language, _organisation in checked if not username}
    reserved = set(seen) | _taken({base for base in bases.values() if base})
    learners = []
    for line, name, username, language, organisation_id in checked:
        generated = not username
        if generated:
            username = _free_username(name, reserved, bases.get(name))
        reserved.add(username)
        learners.append(NewLearner(line, name, username, language, generated, organisation_id))
    return learners


# -- usernames for people who have none ----------------------------------------------

def username_from_name(name: str) -> str | None:
    """A Latin-letter username from a name written in Latin letters, with
    Vietnamese tone marks dropped ("Nguyễn Thị Mai" -> "nguyen.thi.mai").
    None when the name has other letters (Arabic, Chinese): no transliteration
    is better than a wrong one."""
    text = name.replace("đ", "d").replace("Đ", "D")
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    if any(ch.isalpha() and not ch.isascii() for ch in text):
        return None
    words = re.findall(r"[a-z0-9]+", text.lower())
    candidate = ".".join(words)[:40].strip(".")
    return candidate if len(candidate) >= 2 else None


def _random_username() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "learner-" + "".join(secrets.choice(alphabet) for _ in range(5))


def _free_username(name: str, reserved: set[str], base: str | None) -> str:
    """``base``: username_from_name(name); ``reserved`` holds it if it is taken."""
    candidates = [base] + [f"{base}{n}" for n in range(2, 100)] if base else []
    if base and base not in reserved:
        return base  # already looked up (read_class_list)
    for candidate in candidates:
        if candidate not in reserved and not _exists(candidate):
            return candidate
    while True:
        candidate = _random_username()
        if candidate not in reserved and not _exists(candidate):
            return candidate


def _taken(usernames: set[str]) -> set[str]:
    if not usernames:
        return set()
    return set(db.session.scalars(select(User.username).where(User.username.in_(sorted(usernames)))))


def _exists(username: str) -> bool:
    return db.session.scalar(select(User.id).filter_by(username=username)) is not None


# -- creating the accounts ----------------------------------------------------------

# Class imports hash one password at a time, however many run: of the two
# hashes the server does at once (auth.services), one place and a core stay
# free for learners signing in and answering meanwhile, and the server's
# memory stays lower (scrypt takes 32 MB a hash). An import takes longer.
_IMPORT_HASHING = threading.Lock()


def give_first_passwords(learners: list[NewLearner]) -> list[NewLearner]:
    """A first password for each learner, hashed. Hashing is the slow part
    (scrypt, about 0.1 s each): it is done before the import takes the
    database's write lock, so that learners answering meanwhile never wait,
    and one at a time (_IMPORT_HASHING)."""
    prepared = []
    for item in learners:
        password = make_temporary_password()
        with _IMPORT_HASHING:
            password_hash = hash_password(password)
        prepared.append(replace(item, first_password=password, password_hash=password_hash))
    return prepared


def _insert_all(objects: list) -> None:
    """New ORM objects as one INSERT of many rows per table (their ids are
    not read back). The ORM would send one statement per object."""
    by_table: dict = {}
    for obj in objects:
        mapper = inspect(obj).mapper
        # The values the constructor set; the columns' defaults fill the rest.
        values = {attr.key: obj.__dict__[attr.key] for attr in mapper.column_attrs if attr.key in obj.__dict__}
        by_table.setdefault(mapper.local_table, []).append(values)
    for table, rows in by_table.items():
        if any(row.keys() != rows[0].keys() for row in rows):
            raise ValueError(f"rows for {table.name} set different columns")
        db.session.execute(insert(table).values(rows))


def import_class(cohort, course, learners: list[NewLearner], now=None, created_by=None) -> list[tuple[User, str]]:
    """Create every account (with its first password, to change at first
    sign-in), put it in the cohort and enrol it in the course: all or
    nothing. ``learners`` come from :func:`give_first_passwords`.
    ``created_by``: the tutor importing, who keeps managing the accounts.
    Returns (user, first password) pairs; the passwords are not kept."""
    if course is None or course.id != cohort.course_id:
        raise CohortError("course-unavailable")
    if any(not item.password_hash for item in learners):
        raise ValueError("give_first_passwords() first: hashing must not happen under the write lock")
    now = now or utcnow()
    accounts = []
    for item in learners:
        try:
            accounts.append(new_user(item.username, item.first_password, item.display_name, language=item.language,
                                     must_change_password=True, password_hash=item.password_hash,
                                     created_by=created_by))
        except AccountError as exc:
            raise ClassListError([Problem(item.line, exc.code, {"username": item.username})]) from None
    # The whole class in a few statements, not three a learner: the write
    # lock is held meanwhile, and every statement lets other threads run.
    taken = _taken({user.username for user in accounts})
    if taken:  # someone took a name since the check
        raise ClassListError([Problem(item.line, "username-taken", {"username": item.username})
                              for item in learners if normalise_username(item.username) in taken])
    # A savepoint: the import is all or nothing even inside a larger step.
    savepoint = db.session.begin_nested()
    try:
        _insert_all(accounts)
        users = {user.username: user for user in db.session.scalars(
            select(User).where(User.username.in_([user.username for user in accounts])))}
        created = [(users[account.username], item.first_password) for account, item in zip(accounts, learners)]
        # Not learning.enroll(): every row goes in this one savepoint.
        # A cohort on a learning path: a row per course (services.new_member_rows).
        _insert_all([row for user, _password in created for row in new_member_rows(cohort, user, course, now)])
        savepoint.commit()
    except ClassListError:
        savepoint.rollback()
        raise
    except IntegrityError:
        savepoint.rollback()
        raise ClassListError([Problem(1, "try-again")]) from None
    return created
