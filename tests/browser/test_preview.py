"""An author keeps a lesson open in the preview while editing: the page
reloads by itself when a file is saved, and shows the mistake at once."""

from __future__ import annotations

import shutil

import pytest
from helpers import ServerThread

from academy.paths import resource

pytestmark = pytest.mark.browser

TOKEN = "browser-preview-token"
COURSE = "climate-action-cycling"
QUIZ = "01-why-climate-action/03-check-your-understanding"
LESSON_URL = f"/courses/{COURSE}/why-climate-action/check-your-understanding"


@pytest.fixture
def preview_server(tmp_path, migrated_db):
    from waitress.server import create_server

    from academy.app import create_preview_app

    repo = tmp_path / "repo"
    shutil.copytree(resource("courses") / COURSE, repo / "courses" / COURSE)
    data_dir = tmp_path / "preview-data"
    data_dir.mkdir()
    shutil.copy(migrated_db, data_dir / "academy.sqlite3")
    app = create_preview_app(repo / "courses", data_dir, TOKEN, only=COURSE, root=repo)
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    serving = ServerThread(server)
    yield f"http://127.0.0.1:{server.effective_port}", repo / "courses" / COURSE
    serving.stop()


@pytest.fixture
def laptop(browser, preview_server):
    """The author's browser, closed before the server stops (its page keeps polling)."""
    base_url, _course = preview_server
    context = browser.new_context(viewport={"width": 1000, "height": 900}, base_url=base_url)
    page = context.new_page()
    page.foreign_requests = []
    page.on("request", lambda request: None if request.url.startswith(base_url) else page.foreign_requests.append(request.url))
    yield page
    context.close()


def test_an_open_lesson_reloads_itself_when_a_file_is_saved(laptop, preview_server, screenshot):
    _base_url, course = preview_server
    page = laptop
    page.goto(f"{LESSON_URL}?token={TOKEN}")
    assert page.locator("article.lesson h1").inner_text() == "Check your understanding"
    assert page.locator("aside.answer-key").count() == 5

    source = course / f"{QUIZ}.en.md"
    source.write_text(source.read_text(encoding="utf-8").replace("title: Check your understanding", "title: What did you learn?", 1),
                      encoding="utf-8")
    page.locator("article.lesson h1", has_text="What did you learn?").wait_for(timeout=10_000)  # no reload asked for

    translation = course / f"{QUIZ}.vi.md"
    translation.write_text(translation.read_text(encoding="utf-8").replace("  - id: scope-2", "  - id: scope-two", 1),
                           encoding="utf-8")
    page.locator(".preview-has-errors").wait_for(timeout=10_000)
    assert "03-check-your-understanding.vi.md:11" in page.locator(".preview-problems").inner_text()
    screenshot(page, "preview-lesson-with-an-error")
    assert page.foreign_requests == []


def test_an_arabic_lesson_in_the_preview_reads_right_to_left_with_its_keys(laptop, screenshot):
    page = laptop
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"/?token={TOKEN}")
    page.goto(f"/lang/ar?next={LESSON_URL}")
    assert page.evaluate("document.documentElement.dir") == "rtl"
    assert page.locator("aside.answer-key").first.is_visible()
    screenshot(page, "preview-lesson-ar")
