"""Who may open a view: decorators every blueprint uses. Anyone without the
role gets a 404, as if the page did not exist."""

from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required


def staff_required(view):
    """Tutors and admins."""
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_tutor:
            abort(404)
        return view(*args, **kwargs)
    return wrapper


def admin_required(view):
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.is_admin:
            abort(404)
        return view(*args, **kwargs)
    return wrapper


def reports_required(view):
    """Admins and programme officers: the impact reports."""
    @wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        if not current_user.can_see_reports:
            abort(404)
        return view(*args, **kwargs)
    return wrapper
