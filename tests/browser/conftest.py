"""A real server (waitress, in a thread) and a real headless Chromium."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from helpers import ServerThread

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")
SCREENSHOTS = Path(os.environ.get("ACADEMY_SCREENSHOTS", Path(__file__).resolve().parents[2] / "build" / "screenshots"))


def chromium_path() -> str | None:
    return next((path for path in CHROMIUM_CANDIDATES if Path(path).exists()), shutil.which("chromium"))


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, migrated_db):
    from waitress.server import create_server

    from academy import create_app

    data_dir = tmp_path_factory.mktemp("browser-data")
    shutil.copy(migrated_db, data_dir / "academy.sqlite3")
    app = create_app({"DATA_DIR": str(data_dir), "SECRET_KEY": "browser-tests"})
    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    serving = ServerThread(server)
    yield f"http://127.0.0.1:{server.effective_port}", app
    serving.stop()


@pytest.fixture(scope="module")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run installs the Debian package 'chromium'")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic"],
        )
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, live_server):
    """A 360 px wide phone that records any request to another host."""
    base_url, _app = live_server
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=base_url, device_scale_factor=1)
    page = context.new_page()
    page.foreign_requests = []
    page.on("request", lambda request: None if request.url.startswith((base_url, "data:")) else page.foreign_requests.append(request.url))
    yield page
    context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
