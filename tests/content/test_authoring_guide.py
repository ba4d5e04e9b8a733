"""The authoring guide's question examples are valid course content."""

from __future__ import annotations

import re
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
