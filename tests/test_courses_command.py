"""`academy courses update SOURCE` and `academy courses rollback`: a new
version of the courses from a folder, a zip or a git bundle, checked, then
swapped in whole; the version it replaced kept for a rollback."""

from __future__ import annotations

import shutil
import subprocess
import zipfile

import pytest
from helpers import answers_for, attempt_token, lesson_url, shipped_courses

from academy.library import get_library

COURSE = "climate-action-cycling"
FINAL_CHECK = "03-reducing-emissions/03-check-your-understanding"
QUIZ_VI = "01-why-climate-action/03-check-your-understanding.vi.md"


@pytest.fixture
def app_config():
    return {"CONTENT_RELOAD_SECONDS": 0}


@pytest.fixture
def shipped(app):
    return app.config["SHIPPED_COURSES_DIR"]


@pytest.fixture
def source(app, shipped, tmp_path):
    """A new version of the courses as an author hands it over: a folder
    holding the course folders (here: the shipped ones)."""
    folder = tmp_path / "usb" / "courses"
    shutil.copytree(shipped, folder)
    return folder


@pytest.fixture
def academy(app):
    def run(*args: str):
        return app.test_cli_runner().invoke(args=list(args))

    return run


def installed(app):
    return app.config["DATA_DIR"] / "courses"


def rename_lesson(courses, old: str, new: str) -> None:
    for path in (courses / COURSE).glob(f"{old}.*.md"):
        path.rename(path.with_name(path.name.replace(old.rpartition("/")[2], new)))


def make_zip(folder, archive, prefix="courses"):
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.rglob("*")):
            zf.write(path, f"{prefix}/{path.relative_to(folder).as_posix()}")
    return archive


def git(*args, cwd):
    subprocess.run(["git", "-c", "user.name=Author", "-c", "user.email=author@example.org", *args], cwd=cwd, check=True,
                   capture_output=True)


def make_repository(courses):
    repo = courses.parent
    git("init", "--quiet", "--initial-branch=main", cwd=repo)
    git("add", ".", cwd=repo)
    git("commit", "--quiet", "-m", "Courses", cwd=repo)
    return repo, subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True).stdout.strip()


# -- installing ---------------------------------------------------------------------

def test_an_update_from_a_folder_is_installed_in_the_data_folder(app, academy, source):
    (source / COURSE / "course.en.md").write_text((source / COURSE / "course.en.md").read_text().replace("title: ", "title: New — ", 1))
    result = academy("courses", "update", str(source))
    assert result.exit_code == 0, result.output
    assert (installed(app) / COURSE / "course.en.md").read_text().count("title: New — ") == 1


def test_the_shipped_courses_are_never_changed(app, academy, source, shipped):
    before = (shipped / COURSE / "course.en.md").read_text()
    (source / COURSE / "course.en.md").write_text(before.replace("title: ", "title: New — ", 1))
    academy("courses", "update", str(source))
    assert (shipped / COURSE / "course.en.md").read_text() == before


def test_the_first_update_says_where_the_courses_are_read_from_now(app, academy, source):
    assert f"from now on Academy reads the courses from {installed(app)}" in academy("courses", "update", str(source)).output


def test_the_running_server_serves_the_new_version_after_an_update(app, academy, source):
    get_library()
    (source / COURSE / "course.en.md").write_text((source / COURSE / "course.en.md").read_text().replace("title: ", "title: New — ", 1))
    academy("courses", "update", str(source))
    assert get_library().get(COURSE).text("en").title.startswith("New — ")


def test_a_new_version_with_an_error_is_refused_and_nothing_is_installed(app, academy, source):
    (source / COURSE / "course.yml").write_text("format: 2\n")
    result = academy("courses", "update", str(source))
    assert (result.exit_code, "nothing was installed" in result.output, installed(app).exists()) == (1, True, False)


def test_a_refused_update_prints_each_error_with_its_file_and_line(app, academy, source):
    (source / COURSE / "course.yml").write_text((source / COURSE / "course.yml").read_text().replace("format: 1", "format: 2"))
    assert f"{COURSE}/course.yml:1: error: \"format\" must be 1" in academy("courses", "update", str(source)).output


def test_a_refused_update_leaves_no_scratch_folder_behind(app, academy, source):
    (source / COURSE / "course.yml").write_text("format: 2\n")
    academy("courses", "update", str(source))
    assert sorted(p.name for p in app.config["DATA_DIR"].iterdir() if "course" in p.name) == []


def test_warnings_are_allowed_by_default(app, academy, source):
    (source / COURSE / QUIZ_VI).unlink()
    assert academy("courses", "update", str(source)).exit_code == 0


def test_strict_refuses_warnings_too(app, academy, source):
    (source / COURSE / QUIZ_VI).unlink()
    result = academy("courses", "update", "--strict", str(source))
    assert (result.exit_code, installed(app).exists()) == (1, False)


def test_a_dry_run_shows_the_changes_and_installs_nothing(app, academy, source):
    shutil.rmtree(source / "hrdd-essentials")
    result = academy("courses", "update", "--dry-run", str(source))
    assert ("course removed: hrdd-essentials" in result.output, installed(app).exists()) == (True, False)


def test_an_update_from_a_zip_is_installed(app, academy, source, tmp_path):
    shutil.rmtree(source / "hrdd-essentials")
    result = academy("courses", "update", str(make_zip(source, tmp_path / "courses.zip")))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in installed(app).iterdir() if not p.name.startswith(".")) == sorted(
        p.name for p in source.iterdir() if not p.name.startswith("."))  # the courses, and paths/ beside them


def test_a_zip_entry_that_climbs_out_of_its_folder_is_refused(app, academy, source, tmp_path):
    archive = make_zip(source, tmp_path / "courses.zip")
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("courses/../../evil.txt", "owned")
    result = academy("courses", "update", str(archive))
    assert (result.exit_code, "would land outside its folder" in result.output) == (1, True)
    assert not list(app.config["DATA_DIR"].parent.rglob("evil.txt")) and not installed(app).exists()


def test_a_zip_with_a_symbolic_link_is_refused(app, academy, source, tmp_path):
    archive = make_zip(source, tmp_path / "courses.zip")
    with zipfile.ZipFile(archive, "a") as zf:
        link = zipfile.ZipInfo(f"courses/{COURSE}/media/passwd.svg")
        link.external_attr = 0o120777 << 16
        zf.writestr(link, "/etc/passwd")
    result = academy("courses", "update", str(archive))
    assert (result.exit_code, f"courses/{COURSE}/media/passwd.svg is a symbolic link" in result.output) == (1, True)


def test_a_folder_with_a_symbolic_link_is_refused(app, academy, source):
    (source / COURSE / "media" / "passwd.svg").symlink_to("/etc/passwd")
    result = academy("courses", "update", str(source))
    assert (result.exit_code, installed(app).exists()) == (1, False)


def test_a_zip_of_one_course_without_its_folder_is_refused_with_a_hint(app, academy, source, tmp_path):
    archive = tmp_path / "course.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted((source / COURSE).rglob("*")):
            zf.write(path, path.relative_to(source / COURSE).as_posix())
    assert "zip the course's folder itself" in academy("courses", "update", str(archive)).output


def test_merge_keeps_the_courses_the_zip_does_not_hold(app, academy, source, tmp_path):
    for name in ("hrdd-essentials", "chemical-safety-electronics"):
        shutil.rmtree(source / name)
    result = academy("courses", "update", "--merge", str(make_zip(source, tmp_path / "one.zip", prefix=".")))
    assert result.exit_code == 0, result.output
    assert set(get_library().courses) == set(shipped_courses())


def test_a_course_folder_given_alone_replaces_that_course_only(app, academy, source):
    (source / COURSE / "course.en.md").write_text((source / COURSE / "course.en.md").read_text().replace("title: ", "title: New — ", 1))
    assert academy("courses", "update", str(source / COURSE)).exit_code == 0
    assert (len(get_library().courses), get_library().get(COURSE).text("en").title.startswith("New — ")) == (
        len(shipped_courses()), True)


def test_an_update_from_a_git_bundle_records_its_commit(app, academy, source, tmp_path):
    repo, commit = make_repository(source)
    bundle = tmp_path / "courses.bundle"
    git("bundle", "create", str(bundle), "--all", cwd=repo)
    result = academy("courses", "update", str(bundle))
    assert result.exit_code == 0, result.output
    assert [s.commit for s in app.extensions["academy.library"].states()] == [commit] * len(shipped_courses())


def test_an_update_from_a_repository_takes_its_last_commit_not_uncommitted_edits(app, academy, source):
    repo, _commit = make_repository(source)
    (source / COURSE / "course.yml").write_text("format: 2\n")
    result = academy("courses", "update", str(repo))
    assert result.exit_code == 0, result.output


def test_a_git_bundle_without_git_installed_gets_a_clear_message(app, academy, source, tmp_path, monkeypatch):
    repo, _commit = make_repository(source)
    bundle = tmp_path / "courses.bundle"
    git("bundle", "create", str(bundle), "--all", cwd=repo)
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))
    result = academy("courses", "update", str(bundle))
    assert (result.exit_code, "git is not installed; install git, or bring the courses as a .zip file" in result.output) == (1, True)


def test_a_courses_folder_that_is_a_git_checkout_is_left_to_git(app, academy, source, tmp_path):
    make_repository(source)
    app.config["COURSES_DIR"] = source
    result = academy("courses", "update", str(source))
    assert (result.exit_code, "is a git checkout: update it with 'git pull' there" in result.output) == (1, True)


def test_something_that_is_not_a_course_source_is_refused_in_one_line(app, academy, tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    result = academy("courses", "update", str(tmp_path / "notes.txt"))
    assert (result.exit_code, result.output.strip().splitlines()[-1]) == (
        1, f"Error: {tmp_path / 'notes.txt'}: notes.txt is not a folder, a .zip file or a git bundle; nothing was installed"
    )


# -- what changed ----------------------------------------------------------------------

def test_the_update_lists_a_renamed_lesson_as_renamed(app, academy, source):
    rename_lesson(source, FINAL_CHECK, "03-final-check")
    assert (f"lesson renamed: {COURSE} reducing-emissions/check-your-understanding -> reducing-emissions/final-check"
            in academy("courses", "update", str(source)).output)


def test_a_lesson_renumbered_is_not_a_change(app, academy, source):
    for path in (source / COURSE / "03-reducing-emissions").glob("02-*.md"):
        path.rename(path.with_name("05" + path.name[2:]))
    assert "lesson" not in academy("courses", "update", str(source)).output.split("Installed in")[0].replace("course changed", "")


def test_the_update_lists_removed_lessons_and_courses(app, academy, source):
    for path in (source / COURSE / "03-reducing-emissions").glob("02-materials-data-and-design.*.md"):
        path.unlink()
    shutil.rmtree(source / "hrdd-essentials")
    output = academy("courses", "update", str(source)).output
    assert f"lesson removed: {COURSE} reducing-emissions/materials-data-and-design" in output
    assert "course removed: hrdd-essentials" in output


def test_the_update_lists_added_and_removed_questions(app, academy, source):
    path = source / COURSE / "03-reducing-emissions" / "03-check-your-understanding.en.md"
    path.write_text(path.read_text().replace("id: solar-share", "id: solar-portion"))
    for lang in ("vi", "zh", "ar"):
        other = path.with_name(f"03-check-your-understanding.{lang}.md")
        other.write_text(other.read_text().replace("id: solar-share", "id: solar-portion"))
    output = academy("courses", "update", str(source)).output
    assert f"question added: {COURSE} reducing-emissions/check-your-understanding solar-portion" in output
    assert f"question removed: {COURSE} reducing-emissions/check-your-understanding solar-share" in output


def test_the_update_counts_the_learners_with_records_in_a_renamed_lesson(app, academy, source, client, make_user, login):
    course = get_library().get(COURSE)
    lesson = course.lesson("reducing-emissions", "check-your-understanding")
    for name in ("an", "binh"):
        login(client, make_user(name))
        client.post(f"/courses/{COURSE}/enroll")
        token = attempt_token(client.get(lesson_url(course, lesson)).get_data(as_text=True))
        client.post(lesson_url(course, lesson) + "/answers", data={**answers_for(lesson.source), "attempt": token})
    rename_lesson(source, FINAL_CHECK, "03-final-check")
    assert (f"2 learner(s) have progress or attempts in {COURSE} reducing-emissions/check-your-understanding"
            in academy("courses", "update", str(source)).output)


# -- rolling back ----------------------------------------------------------------------

def test_rollback_puts_the_previous_version_back(app, academy, source):
    shutil.rmtree(source / "hrdd-essentials")
    academy("courses", "update", str(source))
    result = academy("courses", "rollback")
    assert result.exit_code == 0, result.output
    assert "course added: hrdd-essentials" in result.output
    assert "hrdd-essentials" in get_library().courses


def test_a_second_rollback_undoes_the_first(app, academy, source):
    shutil.rmtree(source / "hrdd-essentials")
    academy("courses", "update", str(source))
    academy("courses", "rollback")
    academy("courses", "rollback")
    assert "hrdd-essentials" not in get_library().courses


def test_rollback_without_a_previous_version_says_so(app, academy):
    result = academy("courses", "rollback")
    assert (result.exit_code, "there is no previous version to go back to" in result.output) == (1, True)


def test_a_second_update_keeps_the_first_as_the_previous_version(app, academy, source):
    academy("courses", "update", str(source))
    shutil.rmtree(source / "hrdd-essentials")
    academy("courses", "update", str(source))
    assert (installed(app).with_name("courses.previous") / "hrdd-essentials").is_dir()
