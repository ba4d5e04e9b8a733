"""The library the server keeps: a course whose new files have errors keeps
its last good version for the learners; the errors are logged once."""

from __future__ import annotations

import logging
import shutil

import pytest
from helpers import answers_for, attempt_token, lesson_url, serve_copies
from sqlalchemy import select

from academy.extensions import db
from academy.learn.models import Attempt
from academy.library import PREVIOUS, REFUSED, SERVED, LibraryCache

COURSE = "climate-action-cycling"
QUIZ_VI = "01-why-climate-action/03-check-your-understanding.vi.md"
QUIZ_EN = "01-why-climate-action/03-check-your-understanding.en.md"


@pytest.fixture
def courses(app, tmp_path):
    """A courses folder of the server's own, with one shipped course; the
    server looks at it on every request."""
    return serve_copies(app, tmp_path / "courses", app.config["COURSES_DIR"] / COURSE)


@pytest.fixture
def cache(app, courses):
    return app.extensions["academy.library"]


def break_a_vietnamese_option(courses):
    """The mistake a translator makes: one option of a question left out."""
    path = courses / COURSE / QUIZ_VI
    lines = path.read_text(encoding="utf-8").split("\n")
    start = next(i for i, line in enumerate(lines) if line.strip() == "- id: scope-2")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip().startswith("- id:"))
    path.write_text("\n".join(lines[:start] + lines[end:]), encoding="utf-8")


@pytest.fixture
def learner(make_user, client, login, cache):
    user = make_user("hoa", language="vi")
    login(client, user)
    client.post(f"/courses/{COURSE}/enroll")
    return user


def test_a_course_whose_new_files_have_an_error_stays_in_the_catalog(client, courses, cache):
    title = cache.get().get(COURSE).text("en").title
    break_a_vietnamese_option(courses)
    page = client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert title in page
    assert "No courses are available yet" not in page


def test_an_enrolled_learner_still_finds_the_course_in_my_learning(client, courses, learner, cache):
    title = cache.get().get(COURSE).text("vi").title
    break_a_vietnamese_option(courses)
    assert title in client.get("/my").get_data(as_text=True)


def test_answers_sent_while_the_new_files_are_broken_are_graded(client, courses, learner, cache):
    course = cache.get().get(COURSE)
    lesson = course.lesson("why-climate-action", "check-your-understanding")
    token = attempt_token(client.get(lesson_url(course, lesson)).get_data(as_text=True))
    break_a_vietnamese_option(courses)
    response = client.post(lesson_url(course, lesson) + "/answers", data={**answers_for(lesson.text("vi")), "attempt": token})
    assert response.status_code == 303
    assert db.session.scalar(select(Attempt.score).filter_by(user_id=learner.id)) == 100.0


def test_the_learners_see_the_last_good_version_not_the_broken_one(courses, cache):
    served = cache.get().get(COURSE)
    (courses / COURSE / QUIZ_EN).write_text((courses / COURSE / QUIZ_EN).read_text() + "\n```quiz\nid: broken\n```\n")
    assert cache.get().get(COURSE) is served


def test_the_state_of_a_course_with_broken_new_files_names_the_error_with_its_line(courses, cache):
    cache.get()
    break_a_vietnamese_option(courses)
    state = cache.states()[0]
    options_line = (courses / COURSE / QUIZ_VI).read_text(encoding="utf-8").split("\n").index("options:") + 1
    assert (state.status, [str(p).split(": error: ")[0] for p in state.errors]) == (
        PREVIOUS, [f"courses/{COURSE}/{QUIZ_VI}:{options_line}"]
    )


def test_the_errors_of_new_files_are_logged_once_not_at_every_check(courses, cache, caplog):
    cache.get()
    break_a_vietnamese_option(courses)
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            cache.get()
    assert [r.getMessage() for r in caplog.records if "learners keep the version" in r.getMessage()] == [
        f"course {COURSE}: the new files have 1 error(s); learners keep the version read at "
        f"{cache.states()[0].loaded_dt.isoformat(timespec='seconds')}"
    ]


def test_a_fixed_course_is_served_in_its_new_version(courses, cache):
    cache.get()
    original = (courses / COURSE / QUIZ_VI).read_text(encoding="utf-8")
    break_a_vietnamese_option(courses)
    cache.get()
    (courses / COURSE / QUIZ_VI).write_text(original.replace("title:", "title: Mới —", 1), encoding="utf-8")
    assert (cache.states()[0].status, cache.get().get(COURSE).lessons[2].text("vi").title.startswith("Mới —")) == (SERVED, True)


def test_a_course_broken_from_the_start_is_listed_with_its_errors_but_not_served(app, client, courses, cache):
    break_a_vietnamese_option(courses)
    state = cache.states()[0]
    assert (state.status, len(state.errors), cache.get().get(COURSE)) == (REFUSED, 1, None)
    assert client.get(f"/courses/{COURSE}/").status_code == 404


def test_a_stale_translation_is_listed_in_the_state(courses, cache):
    cache.get()
    translation = courses / COURSE / QUIZ_VI
    translation.write_text(translation.read_text(encoding="utf-8").replace("title:", "source_hash: 0123456789\ntitle:", 1),
                           encoding="utf-8")
    assert [p.path for p in cache.states()[0].stale_translations] == [f"courses/{COURSE}/{QUIZ_VI}"]


def test_only_the_changed_course_is_read_again(app, courses, cache):
    shutil.copytree(app.config["COURSES_DIR"] / "hrdd-essentials", courses / "hrdd-essentials")
    before = cache.get()
    break_a_vietnamese_option(courses)
    assert cache.get().get("hrdd-essentials") is before.get("hrdd-essentials")


def test_the_state_records_the_git_commit_of_the_courses_folder(courses, cache):
    git = courses / ".git"
    (git / "refs" / "heads").mkdir(parents=True)
    (git / "HEAD").write_text("ref: refs/heads/main\n")
    (git / "refs" / "heads" / "main").write_text("4b825dc642cb6eb9a060e54bf8d69288fbee4904\n")
    assert cache.states()[0].commit == "4b825dc642cb6eb9a060e54bf8d69288fbee4904"


# -- academy preview: the newest files, as they are ----------------------------------

@pytest.fixture
def newest(app, courses):
    return LibraryCache(courses, app.config["LANGUAGES"], 0, app.logger, newest=True)


def test_a_preview_serves_the_newest_files_even_with_their_errors(courses, newest):
    newest.get()
    break_a_vietnamese_option(courses)
    translation = courses / COURSE / QUIZ_EN
    translation.write_text(translation.read_text(encoding="utf-8").replace("title:", "title: New —", 1), encoding="utf-8")
    course = newest.get().get(COURSE)
    assert course.lessons[2].text("en").title.startswith("New —")
    assert len(newest.states()[0].errors) == 1


def test_a_preview_keeps_no_older_version_of_a_course_that_can_no_longer_be_read(courses, newest):
    newest.get()
    (courses / COURSE / "course.en.md").unlink()
    assert (newest.get().get(COURSE), newest.get().refused) == (None, (COURSE,))


def test_a_preview_of_one_course_reads_that_folder_alone(app, courses):
    shutil.copytree(app.config["COURSES_DIR"] / "hrdd-essentials", courses / "hrdd-essentials")
    one = LibraryCache(courses, app.config["LANGUAGES"], 0, app.logger, newest=True, only="hrdd-essentials")
    assert list(one.get().courses) == ["hrdd-essentials"]


def test_the_version_changes_when_a_file_is_saved_and_only_then(courses, newest):
    newest.get()
    first = newest.version
    newest.get()
    assert newest.version == first
    break_a_vietnamese_option(courses)
    newest.get()
    assert newest.version != first
