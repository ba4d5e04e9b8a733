"""`academy check` and `academy stamp`: what an author runs in git and in CI."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from academy.cli import main

WELCOME_EN = "01-first-steps/01-welcome.en.md"


@pytest.fixture
def academy(tmp_path, monkeypatch):
    """Run `academy ...` from the folder that holds the copied course, with its
    data folder in tmp_path; returns the click Result."""
    data_dir = tmp_path / "data"
    monkeypatch.chdir(tmp_path)

    def run(*args: str):
        return CliRunner().invoke(main, list(args), env={"ACADEMY_DATA_DIR": str(data_dir)}, catch_exceptions=False)

    return run


def test_check_exits_0_for_a_valid_course(academy, tiny):
    assert academy("check", "courses").exit_code == 0


def test_check_prints_a_summary_for_a_valid_course(academy, tiny):
    assert "1 course(s) valid, 0 refused; 0 error(s), 0 warning(s)" in academy("check", "courses").output


def test_check_exits_1_when_a_course_has_an_error(academy, tiny):
    tiny.edit("course.yml", "format: 1", "format: 2")
    assert academy("check", "courses").exit_code == 1


def test_check_prints_each_problem_with_its_path_relative_to_the_working_folder(academy, tiny):
    tiny.edit("course.yml", "format: 1", "format: 2")
    assert academy("check", "courses").stdout.splitlines() == [
        "courses/tiny-course/course.yml:1: error: \"format\" must be 1 (the course format version this platform reads), not '2'"
    ]


def test_check_reports_every_problem_in_one_run(academy, tiny):
    tiny.edit("course.yml", "certificate: true", "certificate: maybe")
    tiny.write("01-first-steps/03-Bad_Name.en.md", "---\ntitle: x\n---\n")
    assert len(academy("check", "courses").stdout.splitlines()) == 2


def test_check_exits_0_when_there_are_only_warnings(academy, tiny):
    tiny.remove("01-first-steps/02-check.ar.md")
    assert academy("check", "courses").exit_code == 0


def test_check_strict_exits_1_when_there_are_warnings(academy, tiny):
    tiny.remove("01-first-steps/02-check.ar.md")
    assert academy("check", "--strict", "courses").exit_code == 1


def test_check_strict_exits_1_for_a_stale_translation(academy, tiny):
    tiny.edit(WELCOME_EN, "Keep a notebook nearby.", "Keep a pencil nearby.")
    assert academy("check", "--strict", "courses").exit_code == 1


def test_check_strict_exits_0_for_a_valid_course(academy, tiny):
    assert academy("check", "--strict", "courses").exit_code == 0


def test_the_shipped_courses_pass_check_strict(academy):
    result = academy("check", "--strict")
    assert (result.exit_code, result.stdout) == (0, "")


def test_check_in_a_course_repository_checks_its_courses_not_the_shipped_ones(academy, tiny, monkeypatch):
    tiny.edit("course.yml", "format: 1", "format: 2")
    monkeypatch.chdir(tiny.courses_dir)
    result = academy("check")
    assert (result.exit_code, result.stdout.splitlines()) == (1, [
        "tiny-course/course.yml:1: error: \"format\" must be 1 (the course format version this platform reads), not '2'"
    ])


def test_check_in_a_repository_with_a_courses_folder_checks_that_folder(academy, tiny):
    tiny.edit("course.yml", "format: 1", "format: 2")
    assert academy("check").stdout.splitlines() == [
        "courses/tiny-course/course.yml:1: error: \"format\" must be 1 (the course format version this platform reads), not '2'"
    ]


def test_check_inside_a_course_folder_checks_that_course_with_paths_from_there(academy, tiny, monkeypatch):
    tiny.edit("course.yml", "format: 1", "format: 2")
    monkeypatch.chdir(tiny.dir)
    assert academy("check").stdout.splitlines() == [
        "course.yml:1: error: \"format\" must be 1 (the course format version this platform reads), not '2'"
    ]


def test_check_says_which_folder_it_checks_when_it_found_the_courses_itself(academy, tiny):
    assert f"Checking the courses in {tiny.courses_dir}" in academy("check").stderr


def test_stamp_from_the_command_line_clears_the_stale_warning(academy, tiny):
    tiny.edit(WELCOME_EN, "Keep a notebook nearby.", "Keep a pencil nearby.")
    academy("stamp", "courses/tiny-course/01-first-steps/01-welcome.vi.md", "courses/tiny-course/01-first-steps/01-welcome.ar.md")
    assert academy("check", "--strict", "courses").exit_code == 0


def test_stamp_of_a_course_folder_stamps_every_stale_translation(academy, tiny):
    tiny.edit(WELCOME_EN, "Keep a notebook nearby.", "Keep a pencil nearby.")
    assert academy("stamp", "courses/tiny-course").stdout.splitlines() == [
        f"courses/tiny-course/01-first-steps/01-welcome.{lang}.md: source_hash {tiny.course().lesson('first-steps', 'welcome').version}"
        for lang in ("ar", "vi")
    ]


def test_stamp_of_a_source_file_fails_with_a_message(academy, tiny):
    result = academy("stamp", f"courses/tiny-course/{WELCOME_EN}")
    assert (result.exit_code, "this is the source-language file" in result.output) == (1, True)


def test_check_reports_a_symlinked_media_file_and_exits_1(academy, tiny, tmp_path):
    secret = tmp_path / "data" / "secret_key"
    secret.parent.mkdir()
    secret.write_text("0123456789abcdef", encoding="ascii")
    tiny.path("media/logo.svg").symlink_to(secret)
    result = academy("check", "courses")
    assert result.exit_code == 1
    expected = ('courses/tiny-course/media/logo.svg: error: "logo.svg" is a symbolic link; Academy never follows '
                "links in a course folder (one could point at any file on the server): put the file itself here")
    assert result.stdout.splitlines() == [expected]
