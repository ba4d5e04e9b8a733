"""The authoring guide's question examples are valid course content."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from academy.content import QUESTION_TYPES, load_library

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"
QUIZ_EXAMPLE = re.compile(r"^````markdown\n```quiz\n(.*?)```\n````$", re.MULTILINE | re.DOTALL)
COURSE_YML = "format: 1\nsource_language: en\nlanguages: [en, vi, ar]\n"


def guide_examples() -> list[str]:
    return QUIZ_EXAMPLE.findall(GUIDE.read_text(encoding="utf-8"))


def language_of(quiz_yaml: str) -> str:
    if re.search(r"[\u0600-\u06ff]", quiz_yaml):
        return "ar"
    return "vi" if re.search(r"[ạ-ỹăđơư]", quiz_yaml) else "en"


@pytest.fixture
def guide_course(tmp_path):
    """A course with one lesson per example pair of the guide: the source
    example and its translation."""
    course = tmp_path / "courses" / "guide-examples"
    (course / "01-examples").mkdir(parents=True)
    (course / "course.yml").write_text(COURSE_YML)
    (course / "course.en.md").write_text("---\ntitle: Guide\nsummary: The guide's examples.\n---\n")
    (course / "01-examples" / "module.en.md").write_text("---\ntitle: Examples\n---\n")
    for number, quiz in enumerate(guide_examples()):
        lesson = f"{number // 2 + 1:02d}-example-{number // 2 + 1}"
        (course / "01-examples" / f"{lesson}.{language_of(quiz)}.md").write_text(
            f"---\ntitle: Example\n---\n```quiz\n{quiz}```\n", encoding="utf-8"
        )
    return tmp_path / "courses"


def test_the_guide_shows_a_source_and_a_translation_of_every_question_type():
    types = [re.search(r"^type: (\w+)$", quiz, re.MULTILINE)[1] for quiz in guide_examples()]
    assert types == [name for name in QUESTION_TYPES for _ in range(2)]


def test_the_guide_pairs_each_source_example_with_a_translation():
    assert [language_of(quiz) == "en" for quiz in guide_examples()] == [True, False] * len(QUESTION_TYPES)


def test_the_guides_question_examples_pass_the_check(guide_course):
    library = load_library(guide_course, root=guide_course)
    assert [str(p) for p in library.problems if p.level == "error"] == []


ASSIGNMENT_EXAMPLE = re.compile(r"^````markdown\n```assignment\n(.*?)```\n````$", re.MULTILINE | re.DOTALL)
PATH_YML_EXAMPLE = re.compile(r"^```yaml\n(format: 1\nsource_language: en\nlanguages: \[en, vi, zh, ar\]\ncourses:.*?)```$", re.MULTILINE | re.DOTALL)


def test_the_guides_assignment_example_and_its_translation_pass_the_check(tmp_path):
    source, translation = ASSIGNMENT_EXAMPLE.findall(GUIDE.read_text(encoding="utf-8"))
    course = tmp_path / "courses" / "guide-assignment"
    (course / "01-examples").mkdir(parents=True)
    (course / "course.yml").write_text("format: 1\nsource_language: en\nlanguages: [en, vi]\n")
    (course / "course.en.md").write_text("---\ntitle: Guide\nsummary: The guide's assignment.\n---\n")
    (course / "01-examples" / "module.en.md").write_text("---\ntitle: Examples\n---\n")
    for lang, block in (("en", source), ("vi", translation)):
        (course / "01-examples" / f"01-task.{lang}.md").write_text(f"---\ntitle: Task\n---\n```assignment\n{block}```\n", encoding="utf-8")
    library = load_library(tmp_path / "courses")
    assert [str(p) for p in library.problems if p.level == "error"] == []
    assert library.get("guide-assignment").lessons[0].assignments[0].review == "tutor"


def test_the_guides_path_example_is_a_valid_path_yml(tmp_path):
    (example,) = PATH_YML_EXAMPLE.findall(GUIDE.read_text(encoding="utf-8"))
    courses = tmp_path / "courses"
    shipped = Path(__file__).resolve().parents[2] / "courses"
    for course_id in ("preventing-sexual-harassment", "hrdd-essentials", "chemical-safety-electronics"):
        shutil.copytree(shipped / course_id, courses / course_id)
    folder = courses / "paths" / "guide-path"
    folder.mkdir(parents=True)
    (folder / "path.yml").write_text(example)
    for lang in ("en", "vi", "zh", "ar"):
        (folder / f"path.{lang}.md").write_text("---\ntitle: Guide path\nsummary: From the guide.\n---\n")
    library = load_library(courses)
    assert [str(p) for p in library.problems] == []
    assert library.get_path("guide-path").optional == ("chemical-safety-electronics",)
