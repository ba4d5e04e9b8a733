"""The parsed course library: frozen dataclasses, no Flask."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})


@dataclass(frozen=True)
class Choice:
    """An option of a single/multiple question, or an item of an order question."""

    id: str
    text: str
    feedback: str = ""
    correct: bool = False


@dataclass(frozen=True)
class Question:
    id: str
    type: str
    prompt: str
    line: int
    choices: tuple[Choice, ...] = ()
    answer: bool | float | None = None  # truefalse and number keys
    tolerance: float = 0.0
    accept: tuple[str, ...] = ()  # text questions, this language's accepted answers
    explanation: str = ""

    def choice(self, choice_id: str) -> Choice | None:
        return next((c for c in self.choices if c.id == choice_id), None)


@dataclass(frozen=True)
class HtmlPart:
    html: str


@dataclass(frozen=True)
class QuestionPart:
    question_id: str


@dataclass(frozen=True)
class Criterion:
    """One thing a tutor checks in an assignment's answer."""

    id: str
    text: str


@dataclass(frozen=True)
class Assignment:
    """A task the learner answers in their own words (and photos or a PDF);
    a tutor reviews it against its criteria, or nobody does (``review``
    "none")."""

    id: str
    prompt: str
    line: int
    criteria: tuple[Criterion, ...] = ()
    review: str = "tutor"  # "tutor" or "none"

    @property
    def needs_review(self) -> bool:
        return self.review == "tutor"

    def criterion(self, criterion_id: str) -> Criterion | None:
        return next((c for c in self.criteria if c.id == criterion_id), None)


@dataclass(frozen=True)
class AssignmentPart:
    assignment_id: str


@dataclass(frozen=True)
class LessonText:
    """One lesson in one language, rendered once."""

    language: str
    title: str
    path: Path
    parts: tuple[HtmlPart | QuestionPart | AssignmentPart, ...]
    questions: tuple[Question, ...]
    source_hash: str | None = None
    assignments: tuple[Assignment, ...] = ()

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)

    def assignment(self, assignment_id: str) -> Assignment | None:
        return next((a for a in self.assignments if a.id == assignment_id), None)


@dataclass(frozen=True)
class Lesson:
    id: str
    module_id: str
    position: int
    minutes: int | None
    pass_percent: int
    max_attempts: int | None
    version: str  # hash of the source-language file
    source_language: str
    texts: Mapping[str, LessonText]

    @property
    def key(self) -> str:
        """Unique within a course: ``module/lesson``."""
        return f"{self.module_id}/{self.id}"

    @property
    def source(self) -> LessonText:
        return self.texts[self.source_language]

    @property
    def graded(self) -> bool:
        return bool(self.source.questions)

    @property
    def assignments(self) -> tuple[Assignment, ...]:
        """The lesson's assignments (the source language's: ids, criteria, review)."""
        return self.source.assignments

    @property
    def question_ids(self) -> tuple[str, ...]:
        return tuple(q.id for q in self.source.questions)

    def text(self, language: str) -> LessonText:
        """The lesson in ``language``, or in the source language if untranslated."""
        return self.texts.get(language) or self.source


@dataclass(frozen=True)
class ModuleText:
    language: str
    title: str
    intro_html: str


@dataclass(frozen=True)
class Module:
    id: str
    position: int
    source_language: str
    texts: Mapping[str, ModuleText]
    lessons: tuple[Lesson, ...]

    def text(self, language: str) -> ModuleText:
        return self.texts.get(language) or self.texts[self.source_language]


@dataclass(frozen=True)
class CourseText:
    language: str
    title: str
    summary: str
    description_html: str


@dataclass(frozen=True)
class Course:
    id: str
    path: Path
    source_language: str
    languages: tuple[str, ...]
    estimated_minutes: int | None
    pass_percent: int
    certificate: bool
    tags: tuple[str, ...]
    version: str  # hash over every file of the course
    texts: Mapping[str, CourseText]
    modules: tuple[Module, ...]
    media: frozenset[str] = frozenset()  # file names under media/

    def text(self, language: str) -> CourseText:
        return self.texts.get(language) or self.texts[self.source_language]

    def has_language(self, language: str) -> bool:
        return language in self.languages

    @property
    def lessons(self) -> tuple[Lesson, ...]:
        return tuple(lesson for module in self.modules for lesson in module.lessons)

    def module(self, module_id: str) -> Module | None:
        return next((m for m in self.modules if m.id == module_id), None)

    def lesson(self, module_id: str, lesson_id: str) -> Lesson | None:
        module = self.module(module_id)
        if module is None:
            return None
        return next((lesson for lesson in module.lessons if lesson.id == lesson_id), None)

    def lesson_by_key(self, key: str) -> Lesson | None:
        module_id, _, lesson_id = key.partition("/")
        return self.lesson(module_id, lesson_id)

    def neighbours(self, lesson: Lesson) -> tuple[Lesson | None, Lesson | None]:
        lessons = self.lessons
        index = next(i for i, item in enumerate(lessons) if item.key == lesson.key)
        previous = lessons[index - 1] if index > 0 else None
        following = lessons[index + 1] if index + 1 < len(lessons) else None
        return previous, following


@dataclass(frozen=True)
class PathText:
    language: str
    title: str
    summary: str
    description_html: str


@dataclass(frozen=True)
class LearningPath:
    """Courses taken in order towards one goal (``paths/<id>/path.yml``).
    A learner completes the path when every course in ``courses`` is
    complete; ``optional`` courses are suggested alongside."""

    id: str
    path: Path
    source_language: str
    languages: tuple[str, ...]
    courses: tuple[str, ...]
    optional: tuple[str, ...]
    recommended_for: tuple[str, ...]
    certificate: bool
    version: str
    texts: Mapping[str, PathText]

    def text(self, language: str) -> PathText:
        return self.texts.get(language) or self.texts[self.source_language]

    def has_language(self, language: str) -> bool:
        return language in self.languages

    @property
    def all_courses(self) -> tuple[str, ...]:
        return self.courses + self.optional

    @property
    def key(self) -> str:
        """How a path is named where a course id would stand (certificates,
        cohorts): ``path:<id>``. No course id contains a colon."""
        return f"path:{self.id}"


@dataclass(frozen=True)
class Library:
    """Every valid course, keyed by id, plus what was wrong with the rest."""

    courses: Mapping[str, Course] = field(default_factory=lambda: MappingProxyType({}))
    problems: tuple = ()
    refused: tuple[str, ...] = ()
    paths: Mapping[str, LearningPath] = field(default_factory=lambda: MappingProxyType({}))  # content/paths.py

    def get(self, course_id: str) -> Course | None:
        return self.courses.get(course_id)

    def get_path(self, path_id: str):
        return self.paths.get(path_id)

    def course_or_path(self, key: str):
        """The course, or the learning path, a course id names where a path
        may stand too (certificates, cohorts: ``path:<id>``, LearningPath.key)."""
        return self.get_path(key[len("path:"):]) if key.startswith("path:") else self.get(key)


def freeze(mapping: dict) -> Mapping:
    return MappingProxyType(dict(mapping))
