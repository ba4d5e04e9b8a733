"""Choosing what a reader sees of a course in their language: pure rules
that the reader, the cohort pages and the certificates share."""

from __future__ import annotations

from dataclasses import dataclass

from .model import Course, Lesson, LessonText


def content_language(course: Course, ui_language: str) -> str:
    """The reader's language if the course offers it, else its source language."""
    return ui_language if course.has_language(ui_language) else course.source_language


def title_in(library, key: str, ui_language: str) -> str:
    """The title of a course or learning path (``path:<id>``) in the reader's
    language where it has one; the bare id when it is no longer offered."""
    found = library.course_or_path(key)
    return found.text(content_language(found, ui_language)).title if found else key.removeprefix("path:")


@dataclass(frozen=True)
class LessonView:
    lesson: Lesson
    text: LessonText
    wanted_language: str

    @property
    def is_fallback(self) -> bool:
        """True when the lesson is shown in another language than asked for."""
        return self.text.language != self.wanted_language


def lesson_view(course: Course, lesson: Lesson, ui_language: str) -> LessonView:
    wanted = content_language(course, ui_language)
    return LessonView(lesson, lesson.text(wanted), ui_language)
