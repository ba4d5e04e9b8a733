"""Settings the admin changes while the box runs (self-registration, the
organisation's name) and one-time values such as the setup token.

Kept in the database so that every app process sees the same value. Writes
are flushed; the view or command that changes a setting commits."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import db

DEFAULT_ORGANISATION = "Academy"


class Setting(db.Model):
    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(2000))


def get_setting(key: str, default: str | None = None) -> str | None:
    row = db.session.get(Setting, key)
    return row.value if row is not None else default


def set_setting(key: str, value: str) -> None:
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    db.session.flush()


def delete_setting(key: str) -> None:
    row = db.session.get(Setting, key)
    if row is not None:
        db.session.delete(row)
        db.session.flush()


def self_registration_open(default: bool) -> bool:
    """Whether anyone may create a learner account: the admin's choice, else
    the configured default."""
    value = get_setting("self_registration")
    return default if value is None else value == "on"


def organisation_name() -> str:
    """The issuing organisation, as the admin set it in the settings."""
    return get_setting("organisation") or DEFAULT_ORGANISATION
