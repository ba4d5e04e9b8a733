"""Which courses `academy preview DIR` reads, and on which page each problem
of the newest files is shown."""

from __future__ import annotations

import shutil

import pytest

from academy.content import Problem, read_course
from academy.paths import resource
from academy.preview.services import NoCourses, Target, lesson_key_of, place_problems, preview_target

COURSE = "climate-action-cycling"


@pytest.fixture
def repo(tmp_path):
    shutil.copytree(resource("courses") / COURSE, tmp_path / "repo" / "courses" / COURSE)
    return tmp_path / "repo"


def test_a_course_folder_is_previewed_alone(repo):
    assert preview_target(repo / "courses" / COURSE) == Target((repo / "courses").resolve(), COURSE)


def test_a_folder_of_courses_is_previewed_whole(repo):
    assert preview_target(repo / "courses") == Target((repo / "courses").resolve())


def test_a_repository_is_previewed_through_its_courses_folder(repo):
    assert preview_target(repo) == Target((repo / "courses").resolve())


def test_a_folder_without_a_course_is_refused(tmp_path):
    (tmp_path / "notes").mkdir()
    with pytest.raises(NoCourses, match="holds no course"):
        preview_target(tmp_path)


@pytest.mark.parametrize(("path", "key"), [
    ("courses/bike/01-first-steps/02-check.vi.md", "first-steps/check"),
    ("01-first-steps/10-wrap-up.pt-BR.md", "first-steps/wrap-up"),
    ("courses/bike/01-first-steps/module.vi.md", None),
    ("courses/bike/course.en.md", None),
    ("courses/bike/media/x.svg", None),
    ("courses/bike/course.yml", None),
])
def test_the_lesson_a_problem_belongs_to_is_read_from_the_file_name(path, key):
    assert lesson_key_of(path) == key


def test_a_lessons_problems_go_to_that_lesson_and_the_rest_to_the_course_page(repo):
    course = read_course(repo / "courses" / COURSE, root=repo).course
    lesson_problem = Problem(f"courses/{COURSE}/01-why-climate-action/03-check-your-understanding.vi.md", 11, "error", "x")
    missing_translation = Problem(f"courses/{COURSE}/01-why-climate-action/02-scope-1-2-and-3.pt.md", None, "warning", "y")
    module_problem = Problem(f"courses/{COURSE}/01-why-climate-action/module.vi.md", None, "warning", "z")
    unbuilt_lesson = Problem(f"courses/{COURSE}/01-why-climate-action/09-not-there.en.md", 1, "error", "w")
    placement = place_problems([lesson_problem, missing_translation, module_problem, unbuilt_lesson], course)
    assert placement.lesson("why-climate-action/check-your-understanding") == (lesson_problem,)
    assert placement.lesson("why-climate-action/scope-1-2-and-3") == (missing_translation,)
    assert placement.course == (module_problem, unbuilt_lesson)
    assert placement.count("why-climate-action/check-your-understanding", "error") == 1
