"""Fixtures for the content pipeline: a fresh copy of the tiny fixture course
that a test may break in one place, and helpers to read what the checker said.

The fixture's translations carry source_hash: after editing one of its
source-language (en) files, run `academy stamp tests/fixtures/courses/valid/tiny-course`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from academy.content import DEFAULT_LANGUAGES, load_library

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "courses"
VALID_COURSE = FIXTURES / "valid" / "tiny-course"


class CourseCopy:
    """A copy of ``tiny-course`` inside a courses folder of its own.

    Problems are shown relative to that courses folder, so a test expects
    ``tiny-course/01-first-steps/02-check.vi.md:14: error: ...``."""

    def __init__(self, courses_dir: Path, name: str = "tiny-course"):
        self.courses_dir = courses_dir
        self.dir = courses_dir / name
        shutil.copytree(VALID_COURSE, self.dir)

    # -- files ------------------------------------------------------------
    def path(self, rel: str) -> Path:
        return self.dir / rel

    def read(self, rel: str) -> str:
        return self.path(rel).read_text(encoding="utf-8")

    def write(self, rel: str, text: str) -> Path:
        path = self.path(rel)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def edit(self, rel: str, old: str, new: str) -> None:
        """Replace ``old`` (which must occur exactly once) with ``new``."""
        text = self.read(rel)
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
        self.write(rel, text.replace(old, new))

    def remove(self, rel: str) -> None:
        path = self.path(rel)
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()

    def line_of(self, rel: str, text: str) -> int:
        """The number of the one line of ``rel`` that contains ``text``."""
        lines = [n for n, line in enumerate(self.read(rel).split("\n"), start=1) if text in line]
        assert len(lines) == 1, f"{text!r} is on lines {lines} of {rel}"
        return lines[0]

    def where(self, rel: str, text: str | None = None) -> str:
        """``tiny-course/<rel>`` or ``tiny-course/<rel>:<line of text>``, as problems show it."""
        shown = f"{self.dir.name}/{rel}"
        return shown if text is None else f"{shown}:{self.line_of(rel, text)}"

    def quiz_lesson(self, quiz_yaml: str, rel: str = "01-first-steps/03-extra.en.md") -> str:
        """Write a source-language lesson holding one ```quiz block; returns its path."""
        self.write(rel, f"---\ntitle: Extra\n---\nOne more question.\n\n```quiz\n{quiz_yaml}```\n")
        return rel

    # -- the checker --------------------------------------------------------
    def load(self, languages=DEFAULT_LANGUAGES):
        return load_library(self.courses_dir, languages, root=self.courses_dir)

    def problems(self, languages=DEFAULT_LANGUAGES) -> list[str]:
        return [str(p) for p in self.load(languages).problems]

    def errors(self, languages=DEFAULT_LANGUAGES) -> list[str]:
        return [str(p) for p in self.load(languages).problems if p.level == "error"]

    def warnings(self, languages=DEFAULT_LANGUAGES) -> list[str]:
        return [str(p) for p in self.load(languages).problems if p.level == "warning"]

    def course(self, languages=DEFAULT_LANGUAGES):
        library = self.load(languages)
        assert self.dir.name in library.courses, [str(p) for p in library.problems]
        return library.courses[self.dir.name]


@pytest.fixture
def tiny(tmp_path) -> CourseCopy:
    """A fresh copy of the valid fixture course, for one test to break."""
    return CourseCopy(tmp_path / "courses")


@pytest.fixture(scope="module")
def tiny_course():
    """The valid fixture course as loaded (read-only, shared by a module's tests)."""
    library = load_library(VALID_COURSE.parent, root=VALID_COURSE.parent)
    assert not library.problems, [str(p) for p in library.problems]
    return library.courses["tiny-course"]
