"""The preview an author opens on their laptop: only with the printed link,
the newest files at every request, the answer keys and every problem with
its file and line on the page it belongs to, and nothing written to the
course folder."""

from __future__ import annotations

import io
import shutil
import zipfile

import pytest
from helpers import CsrfClient, answers_for, attempt_token
from markupsafe import escape

from academy.app import create_preview_app
from academy.auth.models import User
from academy.content import read_course
from academy.extensions import db
from academy.library import get_library
from academy.paths import resource

TOKEN = "the-token-printed-in-the-terminal"
COURSE = "climate-action-cycling"
QUIZ = "01-why-climate-action/03-check-your-understanding"
LESSON_URL = f"/courses/{COURSE}/why-climate-action/check-your-understanding"
NUMBERS_URL = f"/courses/{COURSE}/where-emissions-come-from/check-your-understanding"


@pytest.fixture
def repo(tmp_path):
    """The author's repository: one course in courses/."""
    folder = tmp_path / "repo"
    shutil.copytree(resource("courses") / COURSE, folder / "courses" / COURSE)
    return folder


@pytest.fixture
def courses(repo):
    return repo / "courses"


@pytest.fixture
def preview_app(tmp_path, migrated_db, repo, courses):
    data_dir = tmp_path / "preview-data"
    data_dir.mkdir()
    shutil.copy(migrated_db, data_dir / "academy.sqlite3")  # what the command makes with the migrations
    app = create_preview_app(courses, data_dir, TOKEN, root=repo,
                             config={"TESTING": True, "SQLITE_SYNCHRONOUS": "NORMAL"})
    app.test_client_class = CsrfClient
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def author(preview_app):
    """The author's browser, after opening the address the command printed."""
    client = preview_app.test_client()
    assert client.get(f"/?token={TOKEN}").status_code == 302
    return client


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def edit(courses, name: str, old: str, new: str) -> None:
    path = courses / COURSE / name
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def problems_of(repo, courses, level="error"):
    result = read_course(courses / COURSE, root=repo)
    return [p for p in result.problems if p.level == level]


def where(problem) -> str:
    return f"{problem.path}:{problem.line}" if problem.line else problem.path


# -- who may look ---------------------------------------------------------------

def test_a_visitor_without_the_printed_link_is_told_the_preview_is_private(preview_app):
    visitor = preview_app.test_client()
    response = visitor.get(LESSON_URL)
    assert response.status_code == 403
    html = response.get_data(as_text=True)
    assert "This preview is private" in html
    assert "answer-key" not in html and "Scope 2" not in html


def test_a_wrong_token_does_not_open_the_preview(preview_app):
    visitor = preview_app.test_client()
    assert visitor.get("/?token=guessed").status_code == 403
    refused = visitor.get(LESSON_URL)
    assert refused.status_code == 403
    assert "js/offline.js" not in refused.get_data(as_text=True)  # its refusal pages are the preview's too


def test_the_printed_link_lets_the_browser_in_and_leaves_the_token_out_of_the_address(preview_app):
    browser = preview_app.test_client()
    response = browser.get(f"/courses/{COURSE}/?token={TOKEN}&lang=vi")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/courses/{COURSE}/?lang=vi"
    assert 'id="preview-bar"' in page(browser, LESSON_URL)


def test_the_version_an_open_page_polls_is_private_too(preview_app, author):
    assert preview_app.test_client().get("/preview/version").status_code == 403
    assert author.get("/preview/version").get_json()["version"]


def test_no_setting_in_the_environment_points_the_preview_at_an_admins_data(tmp_path, courses, monkeypatch):
    monkeypatch.setenv("ACADEMY_DATA_DIR", str(tmp_path / "box"))
    monkeypatch.setenv("ACADEMY_DATABASE_URL", "postgresql+psycopg://academy@db/academy")
    monkeypatch.setenv("ACADEMY_COURSES_DIR", str(tmp_path / "box" / "courses"))
    app = create_preview_app(courses, tmp_path / "throwaway", TOKEN)
    assert app.config["DATA_DIR"] == tmp_path / "throwaway"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'throwaway' / 'academy.sqlite3'}"
    assert app.config["COURSES_DIR"] == courses.resolve()
    assert not (tmp_path / "box").exists()


# -- answer keys -----------------------------------------------------------------

def test_a_lesson_shows_each_questions_answer_key(author, preview_app):
    lesson = get_library().get(COURSE).lesson("why-climate-action", "check-your-understanding")
    html = page(author, LESSON_URL)
    assert html.count('class="answer-key"') == len(lesson.source.questions)
    assert '<li class="key-right">' in html and "Scope 2" in html
    assert str(escape("Right. Bought electricity is scope 2 for the company that uses it.")) in html  # feedback
    assert str(escape("Emissions from making the electricity, heat or steam a company buys are its scope 2.")) in html
    assert "scope three" in html  # a text question's accepted answers


def test_a_number_key_gives_the_range_that_counts_and_an_order_key_the_right_order(author):
    html = page(author, NUMBERS_URL)
    assert "answers from 39.5 to 40.5 count as correct" in html
    assert 'class="answer-key-order"' in html


@pytest.mark.parametrize(("code", "option", "direction"), [
    ("vi", "Phạm vi 2", "ltr"), ("zh", "范围二", "ltr"), ("ar", "النطاق 2", "rtl"),
])
def test_the_answer_keys_are_shown_in_every_language_of_the_course(author, courses, code, option, direction):
    author.get(f"/lang/{code}")
    html = page(author, LESSON_URL)
    assert f'dir="{direction}"' in html.split("<head>")[0]
    key = html.split('class="answer-key"', 1)[1].split("</aside>", 1)[0]
    assert option in key


# -- problems, where they apply ---------------------------------------------------

def break_a_vietnamese_option(courses):
    edit(courses, f"{QUIZ}.vi.md", "  - id: scope-2", "  - id: scope-two")


def test_an_error_in_a_lesson_is_shown_on_that_lesson_with_its_file_and_line(author, repo, courses):
    break_a_vietnamese_option(courses)
    errors = problems_of(repo, courses)
    assert errors and all(e.line for e in errors)
    html = page(author, LESSON_URL)
    for error in errors:
        assert where(error) in html
        assert str(escape(error.message)) in html
    assert "courses/climate-action-cycling/01-why-climate-action/03-check-your-understanding.vi.md:" in html


def test_a_lessons_errors_are_not_repeated_at_the_top_of_the_course_page(author, repo, courses):
    break_a_vietnamese_option(courses)
    html = page(author, f"/courses/{COURSE}/")
    assert all(where(e) not in html for e in problems_of(repo, courses))
    assert '<span class="tag tag-error">' in html  # the lesson is marked in the list


def test_a_problem_outside_the_lessons_is_shown_at_the_top_of_the_course_page(author, courses):
    (courses / COURSE / "01-why-climate-action" / "module.vi.md").unlink()
    html = page(author, f"/courses/{COURSE}/")
    assert "courses/climate-action-cycling/01-why-climate-action/module.vi.md</code> warning: module is not translated into vi" in html
    assert "module.vi.md" not in page(author, LESSON_URL)


def test_a_stale_translation_is_shown_as_a_warning_on_its_lesson(author, courses):
    edit(courses, f"{QUIZ}.vi.md", "title:", "source_hash: 0123456789\ntitle:")
    html = page(author, LESSON_URL)
    assert "Translations that may be out of date" in html
    assert "03-check-your-understanding.vi.md:2</code> warning: translation may be stale" in html


def test_a_course_without_problems_says_so(author):
    assert "No errors or warnings in the course files." in page(author, f"/courses/{COURSE}/")
    assert "No errors or warnings in this lesson’s files." in page(author, LESSON_URL)


def test_the_newest_files_are_shown_even_when_they_have_errors(author, courses):
    page(author, LESSON_URL)
    edit(courses, f"{QUIZ}.en.md", "title: Check your understanding", "title: What did you learn?")
    break_a_vietnamese_option(courses)
    html = page(author, LESSON_URL)
    assert "What did you learn?" in html
    assert "preview-has-errors" in html


# -- reload on save ----------------------------------------------------------------

def test_a_saved_change_shows_at_the_next_request(author, courses):
    assert "Scope 2" in page(author, LESSON_URL)
    edit(courses, f"{QUIZ}.en.md", "    text: Scope 2\n", "    text: Scope two, the electricity bought\n")
    assert "Scope two, the electricity bought" in page(author, LESSON_URL)


def test_the_version_an_open_page_polls_changes_when_a_file_is_saved(author, courses):
    first = author.get("/preview/version").get_json()["version"]
    assert author.get("/preview/version").get_json()["version"] == first
    assert f'data-version="{first}"' in page(author, LESSON_URL)
    edit(courses, f"{QUIZ}.zh.md", "title:", "title: 新")
    assert author.get("/preview/version").get_json()["version"] != first


def test_a_page_of_the_preview_asks_for_its_reload_script(author):
    html = page(author, LESSON_URL)
    assert '<script src="/static/js/preview.js" defer></script>' in html
    assert "js/offline.js" not in html  # no service worker that would outlive the preview


# -- what cannot be read at all ----------------------------------------------------

def test_a_course_that_cannot_be_read_shows_its_errors_instead_of_not_found(author, repo, courses):
    (courses / COURSE / "course.en.md").unlink()
    response = author.get(f"/courses/{COURSE}/")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "This course cannot be read" in html
    assert "courses/climate-action-cycling/course.en.md</code> error: the course description in the source language is missing" in html
    assert "This course cannot be read" in page(author, LESSON_URL)
    assert "Cannot be read: learners would not see it." in page(author, "/")


def test_a_lesson_that_cannot_be_read_shows_its_errors_instead_of_not_found(author, repo, courses):
    path = courses / COURSE / f"{QUIZ}.en.md"
    path.write_text(path.read_text(encoding="utf-8").removeprefix("---\n"), encoding="utf-8")
    html = page(author, LESSON_URL)
    assert "This lesson cannot be read" in html
    assert "03-check-your-understanding.en.md:1</code> error: the file must start with front matter" in html


def test_a_course_folder_that_does_not_exist_is_still_not_found(author):
    assert author.get("/courses/no-such-course/").status_code == 404


# -- answering ------------------------------------------------------------------------

def test_the_author_can_answer_a_quiz_and_see_the_result(author):
    lesson = get_library().get(COURSE).lesson("why-climate-action", "check-your-understanding")
    token = attempt_token(page(author, LESSON_URL))
    response = author.post(f"{LESSON_URL}/answers", data={**answers_for(lesson.source), "attempt": token})
    assert response.status_code == 303
    assert "Passed with 100%" in page(author, response.headers["Location"])


def test_starting_again_gives_a_new_learner_without_progress(author):
    lesson = get_library().get(COURSE).lesson("why-climate-action", "check-your-understanding")
    token = attempt_token(page(author, LESSON_URL))
    author.post(f"{LESSON_URL}/answers", data={**answers_for(lesson.source), "attempt": token})
    assert "Your best score" in page(author, LESSON_URL)
    response = author.post("/preview/restart", data={"next": LESSON_URL})
    assert response.headers["Location"] == LESSON_URL
    html = page(author, LESSON_URL)
    assert "Your best score" not in html and 'name="attempt"' in html


def test_starting_again_keeps_the_language_the_author_reads_in(author):
    author.get("/lang/vi")
    assert 'lang="vi"' in page(author, LESSON_URL)[:200]
    author.post("/preview/restart", data={"next": LESSON_URL})
    assert 'lang="vi"' in page(author, LESSON_URL)[:200]


# -- read-only -------------------------------------------------------------------------

def snapshot(folder):
    return sorted((p.relative_to(folder).as_posix(), p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*"))


def test_a_preview_session_writes_nothing_to_the_course_folder(author, repo, courses):
    before = snapshot(repo)
    lesson = get_library().get(COURSE).lesson("why-climate-action", "check-your-understanding")
    for code in ("en", "vi", "zh", "ar"):
        author.get(f"/lang/{code}")
        for url in ("/", f"/courses/{COURSE}/", LESSON_URL, NUMBERS_URL, "/preview/version"):
            page(author, url)
    assert author.get(f"/courses/{COURSE}/media/bicycle-hot-spots.svg").status_code == 200
    token = attempt_token(page(author, LESSON_URL))
    assert author.post(f"{LESSON_URL}/answers", data={**answers_for(lesson.source), "attempt": token}).status_code == 303
    author.post("/preview/restart")
    assert snapshot(repo) == before


def test_the_preview_refuses_to_install_or_roll_back_courses_even_for_an_admin(author, repo, courses):
    before = snapshot(repo)
    user = db.session.query(User).one()
    user.role = "admin"
    db.session.commit()
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("courses/other/course.yml", "format: 1\n")
    response = author.post("/admin/content/upload", data={"archive": (archive, "courses.zip")},
                           content_type="multipart/form-data")
    assert response.status_code == 403
    assert "never installs, changes or replaces courses" in response.get_data(as_text=True)
    assert author.post("/admin/content/rollback").status_code == 403
    assert snapshot(repo) == before


# -- a folder of courses, learning paths and assignments --------------------------------

@pytest.fixture
def shelf_author(tmp_path, migrated_db):
    """A preview of every shipped course and learning path."""
    shutil.copytree(resource("courses"), tmp_path / "shelf" / "courses")
    data_dir = tmp_path / "shelf-data"
    data_dir.mkdir()
    shutil.copy(migrated_db, data_dir / "academy.sqlite3")
    app = create_preview_app(tmp_path / "shelf" / "courses", data_dir, TOKEN, root=tmp_path / "shelf",
                             config={"TESTING": True, "SQLITE_SYNCHRONOUS": "NORMAL"})
    app.test_client_class = CsrfClient
    with app.app_context():
        client = app.test_client()
        client.get(f"/?token={TOKEN}")
        yield client, tmp_path / "shelf", data_dir
        db.session.remove()
        db.engine.dispose()


def test_a_folder_of_courses_is_previewed_with_its_learning_paths(shelf_author):
    client, _shelf, _data = shelf_author
    html = page(client, "/")
    assert html.count('<li>\n      <a href="/courses/') == 4
    path = next(iter(get_library().paths))
    assert page(client, f"/paths/{path}/")


def test_an_assignment_handed_in_during_a_preview_is_kept_in_the_temporary_data_only(shelf_author):
    client, shelf, data_dir = shelf_author
    before = snapshot(shelf)
    course = get_library().get("preventing-sexual-harassment")
    lesson = next(lesson for lesson in course.lessons if lesson.assignments)
    url = f"/courses/{course.id}/{lesson.module_id}/{lesson.id}/assignments/{lesson.assignments[0].id}"
    photo = (resource("static") / "icons" / "icon-192.png").read_bytes()
    response = client.post(url, data={"text": "Mine, in my words.", "action": "submit", "file": (io.BytesIO(photo), "p.png")},
                           content_type="multipart/form-data")
    assert response.status_code in (302, 303)
    assert len(list((data_dir / "submissions").rglob("*.*"))) == 1
    assert snapshot(shelf) == before


MISTAKES = {
    "broken YAML in a question": (f"{QUIZ}.en.md", "type: single", "type: single\n  bad: [indent"),
    "no correct option": (f"{QUIZ}.en.md", "    correct: true\n", ""),
    "a true/false without its answer": (f"{QUIZ}.en.md", "answer: false\n", ""),
    "a question of another type in a translation": (f"{QUIZ}.vi.md", "type: truefalse", "type: single"),
    "a typo in course.yml": ("course.yml", "format: 1", "format: 1\ncertficate: true"),
    "a module folder without lessons": ("course.yml", "format: 1", "format: 1"),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_every_page_of_a_course_with_a_common_mistake_still_shows(author, courses, mistake):
    lessons = [f"/courses/{COURSE}/{lesson.key}" for lesson in get_library().get(COURSE).lessons]
    name, old, new = MISTAKES[mistake]
    edit(courses, name, old, new)
    if mistake == "a module folder without lessons":
        (courses / COURSE / "09-later").mkdir()
        (courses / COURSE / "09-later" / "module.en.md").write_text("---\ntitle: Later\n---\n", encoding="utf-8")
    for code in ("en", "vi", "ar"):
        author.get(f"/lang/{code}")
        for url in ["/", f"/courses/{COURSE}/", *lessons]:
            assert author.get(url).status_code == 200, url
    assert "preview-has-errors" in page(author, f"/courses/{COURSE}/") + page(author, lessons[2])
