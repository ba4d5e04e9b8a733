"""Small helpers every blueprint's views share: finding a course or a 404,
safe redirect targets, the address printed on paper."""

from __future__ import annotations

from flask import abort, current_app, request

from .content import Course, Lesson
from .library import get_library


def course_or_404(course_id: str) -> Course:
    course = get_library().get(course_id)
    if course is None:
        abort(404)
    return course


def lesson_or_404(course: Course, module_id: str, lesson_id: str) -> Lesson:
    lesson = course.lesson(module_id, lesson_id)
    if lesson is None:
        abort(404)
    return lesson


def safe_next(target: str | None, default: str) -> str:
    """Only a path on this server: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def public_base_url() -> str:
    """The address printed on certificates, join sheets and slips."""
    return current_app.config.get("PUBLIC_URL") or request.host_url
