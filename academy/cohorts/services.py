"""Cohort business logic: plain functions (to be written)."""

from __future__ import annotations

from datetime import date


def module_opens_on(user, course, module_id: str, today: date | None = None) -> date | None:
    """The date a module opens for this learner if it is not open yet
    (scheduled pacing in their cohort), else None."""
    return None
