"""What the preview shows beside the course: which course folders a folder
holds, and on which page each problem of the newest files belongs. Plain
functions, no Flask."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from types import MappingProxyType

from ..content import Course, Problem, find_courses
from ..content.files import LANG_FILE_RE, NUMBERED_RE
from ..library import CourseState


class NoCourses(Exception):
    """The folder given to ``academy preview`` holds no course."""


@dataclass(frozen=True)
class Target:
    """What ``academy preview DIR`` reads: ``courses_dir`` and, when DIR is
    one course, that course's folder name (``only``)."""

    courses_dir: Path
    only: str | None = None


def preview_target(folder: Path) -> Target:
    """DIR may be one course (it has a course.yml), a folder of course
    folders, or a repository whose ``courses/`` holds them."""
    folder = Path(folder).resolve()
    found, single = find_courses(folder)
    if found is None:
        raise NoCourses(f"{folder} holds no course: neither it nor a folder in it (or in its courses/) has a course.yml")
    return Target(found.parent, found.name) if single else Target(found)


def lesson_key_of(path: str) -> str | None:
    """``module/lesson`` of the lesson file a problem's path names. Read from
    the names alone, so that it also finds a lesson that could not be read
    and a translation that is not written yet."""
    parts = PurePosixPath(path).parts
    if len(parts) < 2:
        return None
    named, module = LANG_FILE_RE.match(parts[-1]), NUMBERED_RE.match(parts[-2])
    lesson = NUMBERED_RE.match(named["stem"]) if named else None
    if lesson is None or module is None:
        return None
    return f"{module['id']}/{lesson['id']}"


@dataclass(frozen=True)
class Placement:
    """Where a course's problems are shown: each lesson's own on that
    lesson's page, the rest (course.yml, descriptions, modules, media, a
    lesson that could not be built) at the top of the course page."""

    course: tuple[Problem, ...] = ()
    lessons: Mapping[str, tuple[Problem, ...]] = field(default_factory=lambda: MappingProxyType({}))

    def lesson(self, key: str) -> tuple[Problem, ...]:
        return self.lessons.get(key, ())

    def count(self, key: str, level: str) -> int:
        return sum(problem.level == level for problem in self.lesson(key))


def place_problems(problems, course: Course | None) -> Placement:
    keys = {lesson.key for lesson in course.lessons} if course is not None else set()
    lessons: dict[str, list[Problem]] = {}
    rest = []
    for problem in problems:
        key = lesson_key_of(problem.path)
        if key in keys:
            lessons.setdefault(key, []).append(problem)
        else:
            rest.append(problem)
    return Placement(tuple(rest), MappingProxyType({key: tuple(found) for key, found in lessons.items()}))


@dataclass(frozen=True)
class PreviewPage:
    """What a page of the preview adds, read once per request: the version
    of the files it shows (an open page polls for a newer one), and the
    problems of the newest files."""

    version: str
    states: tuple[CourseState, ...]
    other_problems: tuple[Problem, ...] = ()  # learning paths': no one course's

    def state(self, course_id: str) -> CourseState | None:
        return next((state for state in self.states if state.id == course_id), None)

    def placement(self, course: Course) -> Placement:
        state = self.state(course.id)
        return place_problems(state.problems if state is not None else (), course)


def preview_page(version: str, states, library_problems) -> PreviewPage:
    states = tuple(states)
    own = {problem for state in states for problem in state.problems}
    return PreviewPage(version, states, tuple(p for p in library_problems if p not in own))
