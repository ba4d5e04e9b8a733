"""Learning paths: paths/<id>/path.yml beside the courses, described per
language, checked like a course."""

from __future__ import annotations

from pathlib import Path

import pytest

from academy.content import load_library
from academy.content.stamp import stamp

PATH_YML = """format: 1
source_language: en
languages: [en, vi]
courses:
  - tiny-course
optional: []
recommended_for: [worker]
certificate: true
"""


@pytest.fixture
def with_path(tiny):
    folder = tiny.courses_dir / "paths" / "bike-basics"
    folder.mkdir(parents=True)
    (folder / "path.yml").write_text(PATH_YML, encoding="utf-8")
    (folder / "path.en.md").write_text("---\ntitle: Bike basics\nsummary: Ride safely.\n---\nStart with **the tiny course**.\n", encoding="utf-8")
    (folder / "path.vi.md").write_text("---\ntitle: Xe đạp cơ bản\nsummary: Đi xe an toàn.\n---\nBắt đầu.\n", encoding="utf-8")
    return folder


def problems(tiny) -> list[str]:
    return [str(p) for p in load_library(tiny.courses_dir, root=tiny.courses_dir).problems]


def test_a_path_is_read_with_its_courses_role_and_texts(tiny, with_path):
    library = load_library(tiny.courses_dir, root=tiny.courses_dir)
    path = library.get_path("bike-basics")
    assert (path.courses, path.optional, path.recommended_for, path.certificate) == (("tiny-course",), (), ("worker",), True)
    assert path.text("vi").title == "Xe đạp cơ bản"
    assert path.text("ar").title == "Bike basics"  # not described in Arabic: the source text
    assert "<strong>the tiny course</strong>" in path.text("en").description_html
    assert path.key == "path:bike-basics"


def test_the_paths_folder_is_not_read_as_a_course(tiny, with_path):
    library = load_library(tiny.courses_dir, root=tiny.courses_dir)
    assert list(library.courses) == ["tiny-course"] and library.refused == ()
    assert problems(tiny) == []


def test_a_path_naming_a_course_that_does_not_exist_is_an_error_on_its_line(tiny, with_path):
    (with_path / "path.yml").write_text(PATH_YML.replace("  - tiny-course\n", "  - tiny-course\n  - bicycle-repair\n"))
    assert problems(tiny) == [
        'paths/bike-basics/path.yml:6: error: course "bicycle-repair" does not exist; the courses are tiny-course'
    ]
    assert load_library(tiny.courses_dir).get_path("bike-basics") is None


def test_an_optional_course_that_does_not_exist_is_an_error_too(tiny, with_path):
    (with_path / "path.yml").write_text(PATH_YML.replace("optional: []", "optional: [gone]"))
    assert problems(tiny) == ['paths/bike-basics/path.yml:6: error: course "gone" does not exist; the courses are tiny-course']


def test_a_path_without_courses_is_an_error(tiny, with_path):
    (with_path / "path.yml").write_text(PATH_YML.replace("courses:\n  - tiny-course\n", ""))
    assert problems(tiny) == ['paths/bike-basics/path.yml:1: error: "courses" must list at least one course, in the order learners take them']


def test_an_unknown_role_is_an_error_naming_the_roles(tiny, with_path):
    (with_path / "path.yml").write_text(PATH_YML.replace("[worker]", "[pilot]"))
    assert problems(tiny) == [
        "paths/bike-basics/path.yml:7: error: \"recommended_for\" must name roles from worker, supervisor, manager, hr, trainer, buyer, not 'pilot'"
    ]


def test_an_unknown_key_in_path_yml_is_an_error(tiny, with_path):
    (with_path / "path.yml").write_text(PATH_YML + "colour: blue\n")
    assert problems(tiny) == [
        'paths/bike-basics/path.yml:9: error: unknown key "colour" in path.yml; expected certificate, courses, format, languages, '
        'optional, recommended_for, source_language'
    ]


def test_a_missing_description_in_an_offered_language_is_a_warning(tiny, with_path):
    (with_path / "path.vi.md").unlink()
    assert problems(tiny) == ["paths/bike-basics/path.vi.md: warning: the path description is not translated into vi; learners see the en text"]


def test_a_path_whose_course_is_refused_is_not_served_and_says_why(tiny, with_path):
    tiny.write("course.yml", tiny.read("course.yml").replace("format: 1", "format: 2"))
    library = load_library(tiny.courses_dir, root=tiny.courses_dir)
    assert library.get_path("bike-basics") is None
    assert "paths/bike-basics/path.yml: warning: course tiny-course has errors and is not served; the path is not served either until it is fixed" \
        in [str(p) for p in library.problems]


def test_a_stale_path_translation_is_a_warning_and_stamp_fixes_it(tiny, with_path):
    stamp(with_path / "path.vi.md")
    assert problems(tiny) == []
    (with_path / "path.en.md").write_text("---\ntitle: Bike basics\nsummary: Ride safely, always.\n---\n", encoding="utf-8")
    assert [p.split(": warning: ")[1][:24] for p in problems(tiny)] == ["translation may be stale"]
    stamp(with_path / "path.vi.md")
    assert problems(tiny) == []


def test_the_shipped_path_joins_the_harassment_course_and_the_hrdd_course():
    courses = Path(__file__).resolve().parents[2] / "courses"
    library = load_library(courses)
    path = library.get_path("workplace-rights-basics")
    assert path.courses == ("preventing-sexual-harassment", "hrdd-essentials")
    assert {lang: bool(path.texts.get(lang)) for lang in ("en", "vi", "zh", "ar")} == dict.fromkeys(("en", "vi", "zh", "ar"), True)
