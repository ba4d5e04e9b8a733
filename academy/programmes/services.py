"""Organisations and learner profiles: plain functions the views, the CLI
and the tests call alike. They flush; the view that performs the step
commits. A problem the admin or learner can fix is a :class:`ProgrammeError`
whose code picks a translated message (academy/messages.py)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping

from babel import Locale
from sqlalchemy import func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ..cohorts.models import Cohort, CohortMember
from ..domain import DomainError
from ..extensions import db
from ..settings import get_setting, set_setting
from .models import PROFILE_FIELDS, SECTORS, LearnerProfile, Organisation

# Territory codes Babel knows that are not countries (or not ISO 3166-1).
_NOT_COUNTRIES = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}


class ProgrammeError(DomainError):
    """Something the admin or learner can fix; ``code`` picks the message."""


# -- countries ----------------------------------------------------------------------

def country_codes() -> tuple[str, ...]:
    """Every ISO 3166-1 alpha-2 country code Babel can name."""
    return tuple(sorted(code for code in Locale("en").territories
                        if len(code) == 2 and code.isalpha() and code.isupper() and code not in _NOT_COUNTRIES))


def country_name(code: str | None, locale: str) -> str:
    """A country's name in the reader's language ("VN" -> "Việt Nam" in vi)."""
    if not code:
        return ""
    try:
        return Locale.parse(locale).territories.get(code, code)
    except (ValueError, TypeError):
        return code


def country_choices(locale: str) -> list[tuple[str, str]]:
    """(code, name) for every country, sorted by the name in ``locale``."""
    names = Locale.parse(locale).territories
    return sorted(((code, names.get(code, code)) for code in country_codes()), key=lambda item: item[1].casefold())


# -- organisations ------------------------------------------------------------------

def name_key(name: str) -> str:
    """How two organisation names compare: any case, any width, spaces collapsed."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name or "")).strip().casefold()


def _check(name: str, country: str, sector: str | None) -> None:
    if not name_key(name):
        raise ProgrammeError("no-organisation-name")
    if country not in country_codes():
        raise ProgrammeError("bad-country")
    if sector and sector not in SECTORS:
        raise ProgrammeError("bad-sector")


def _name_taken(key: str, other_than: int | None = None) -> bool:
    query = select(Organisation.id).filter_by(name_key=key)
    if other_than is not None:
        query = query.where(Organisation.id != other_than)
    return db.session.scalar(query) is not None


def create_organisation(name: str, country: str, sector: str | None = None, parent: str | None = None,
                        now=None) -> Organisation:
    _check(name, country, sector)
    key = name_key(name)
    if _name_taken(key):
        raise ProgrammeError("organisation-exists", name=name.strip())
    organisation = Organisation(name=unicodedata.normalize("NFC", name.strip())[:200], name_key=key[:200],
                                country=country, sector=sector or None, parent=(parent or "").strip()[:200] or None)
    if now is not None:
        organisation.created_dt = now
    try:
        with db.session.begin_nested():
            db.session.add(organisation)
    except IntegrityError:  # the same name added at the same moment (a double click)
        raise ProgrammeError("organisation-exists", name=name.strip()) from None
    return organisation


def update_organisation(organisation: Organisation, name: str, country: str, sector: str | None = None,
                        parent: str | None = None) -> None:
    _check(name, country, sector)
    key = name_key(name)
    if _name_taken(key, other_than=organisation.id):
        raise ProgrammeError("organisation-exists", name=name.strip())
    try:
        with db.session.begin_nested():
            organisation.name, organisation.name_key = unicodedata.normalize("NFC", name.strip())[:200], key[:200]
            organisation.country, organisation.sector = country, sector or None
            organisation.parent = (parent or "").strip()[:200] or None
    except IntegrityError:  # another organisation took the name meanwhile
        db.session.refresh(organisation)
        raise ProgrammeError("organisation-exists", name=name.strip()) from None


def organisation_in_use(organisation: Organisation) -> bool:
    return (db.session.scalar(select(LearnerProfile.user_id).filter_by(organisation_id=organisation.id).limit(1)) is not None
            or db.session.scalar(select(Cohort.id).filter_by(organisation_id=organisation.id).limit(1)) is not None)


def delete_organisation(organisation: Organisation) -> None:
    """Only an organisation nobody belongs to (a typo, a test); one in use
    is kept (ProgrammeError "organisation-in-use")."""
    if organisation_in_use(organisation):
        raise ProgrammeError("organisation-in-use", name=organisation.name)
    db.session.delete(organisation)
    db.session.flush()


def organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name_key)))


def organisation_lookup() -> dict[str, int]:
    """Name key -> id, for reading a class list's organisation column."""
    return dict(db.session.execute(select(Organisation.name_key, Organisation.id)).all())


def organisation_finder() -> Callable[[str], int | None]:
    """For a class list's organisation column: a name, as typed, to its id."""
    lookup = organisation_lookup()
    return lambda name: lookup.get(name_key(name))


def member_counts() -> dict[int, int]:
    """Organisation id -> learners who belong to it."""
    return dict(db.session.execute(
        select(LearnerProfile.organisation_id, func.count()).where(LearnerProfile.organisation_id.is_not(None))
        .group_by(LearnerProfile.organisation_id)).all())


# -- profiles -----------------------------------------------------------------------

PROFILE_SETTING = "profile_fields"


def enabled_profile_fields() -> tuple[str, ...]:
    """The profile fields the admin switched on, in a fixed order."""
    chosen = set((get_setting(PROFILE_SETTING) or "").split(","))
    return tuple(name for name in PROFILE_FIELDS if name in chosen)


def set_enabled_profile_fields(names: Iterable[str]) -> None:
    chosen = set(names)
    unknown = chosen - set(PROFILE_FIELDS)
    if unknown:
        raise ValueError(f"unknown profile fields: {sorted(unknown)}")
    set_setting(PROFILE_SETTING, ",".join(name for name in PROFILE_FIELDS if name in chosen))


def profile_of(user) -> LearnerProfile | None:
    return db.session.get(LearnerProfile, user.id)


def organisation_name_of(user) -> str | None:
    """The name of the organisation the learner belongs to, if any."""
    profile = profile_of(user)
    organisation = db.session.get(Organisation, profile.organisation_id) if profile and profile.organisation_id else None
    return organisation.name if organisation else None


def _profile_row(user_id: int) -> LearnerProfile:
    """The learner's profile row, made on first use. Two requests making it
    at once (two tabs) meet the primary key: the loser reads the winner's."""
    row = db.session.get(LearnerProfile, user_id)
    if row is not None:
        return row
    try:
        with db.session.begin_nested():
            row = LearnerProfile(user_id=user_id)
            db.session.add(row)
    except IntegrityError:
        row = db.session.get(LearnerProfile, user_id, populate_existing=True)
    return row


def update_profile(user, values: Mapping[str, str | None]) -> LearnerProfile:
    """Set the learner's answers to the profile fields given (an empty value
    clears one). Every field is optional; an unknown value is refused."""
    for name, value in values.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(f"unknown profile field {name!r}")
        if value and value not in PROFILE_FIELDS[name]:
            raise ProgrammeError("bad-profile-value", field=name)
    row = _profile_row(user.id)
    for name, value in values.items():
        setattr(row, name, value or None)
    db.session.flush()
    return row


def set_organisation(user, organisation_id: int | None) -> None:
    _profile_row(user.id).organisation_id = organisation_id
    db.session.flush()


def set_organisations(assignments: Mapping[int, int]) -> None:
    """user id -> organisation id for many learners (a class import)."""
    _give_organisations(assignments)


def _give_organisations(assignments: Mapping[int, int], only_where_none: bool = False) -> int:
    """Set many learners' organisations in a few statements, not several a
    learner (a class import runs this under the write lock): one INSERT of
    the profile rows that do not exist yet, one UPDATE per organisation for
    the others (``only_where_none``: only those without an organisation).
    Returns how many learners it gave an organisation."""
    if not assignments:
        return 0
    existing = set(db.session.scalars(select(LearnerProfile.user_id).where(LearnerProfile.user_id.in_(list(assignments)))))
    new_rows = [{"user_id": user_id, "organisation_id": organisation_id}
                for user_id, organisation_id in assignments.items() if user_id not in existing]
    try:
        with db.session.begin_nested():
            if new_rows:
                db.session.execute(insert(LearnerProfile), new_rows)
    except IntegrityError:  # a learner's own profile made meanwhile (PostgreSQL): row by row, as _profile_row does
        for row in new_rows:
            _profile_row(row["user_id"])
        db.session.flush()
        existing |= {row["user_id"] for row in new_rows}
        new_rows = []
    changed = len(new_rows)
    by_organisation: dict[int, list[int]] = {}
    for user_id, organisation_id in assignments.items():
        if user_id in existing:
            by_organisation.setdefault(organisation_id, []).append(user_id)
    for organisation_id, user_ids in by_organisation.items():
        query = update(LearnerProfile).where(LearnerProfile.user_id.in_(user_ids))
        if only_where_none:
            query = query.where(LearnerProfile.organisation_id.is_(None))
        changed += db.session.execute(query.values(organisation_id=organisation_id)).rowcount or 0
    db.session.flush()
    return changed


def adopt_cohort_organisation(user, cohort) -> None:
    """A learner who joins a class of an enterprise, and belongs to none
    yet, belongs to that enterprise from now on. Called by the views that
    put a learner in a cohort (one explicit call, see docs/architecture.md)."""
    if cohort.organisation_id is None:
        return
    row = _profile_row(user.id)
    if row.organisation_id is None:
        row.organisation_id = cohort.organisation_id
        db.session.flush()


def adopt_for_members(cohort) -> int:
    """Every member of the cohort without an organisation gets the cohort's
    (when the cohort's organisation is set or changed). Returns how many."""
    if cohort.organisation_id is None:
        return 0
    member_ids = db.session.scalars(select(CohortMember.user_id).filter_by(cohort_id=cohort.id))
    return _give_organisations(dict.fromkeys(member_ids, cohort.organisation_id), only_where_none=True)
