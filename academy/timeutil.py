"""Time in one place: aware UTC everywhere, stored naive-UTC on SQLite."""

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)
