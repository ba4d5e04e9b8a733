"""The factory Wi-Fi drops while a learner is in a course: what they see, and
that every answer reaches the database exactly once.

The box is served as in production (academy serve --https): plain HTTP and
HTTPS with the box's own certificate authority, in one waitress loop. The
learner's phone reaches it through a relay that can drop the connection
(like the Wi-Fi), and Playwright's offline switch tells the page so (it does
not reach the service worker, the relay does). Chromium maps the LAN-like
name academy.lan to this machine, so that http://academy.lan is not a
secure context (no service worker) and https://academy.lan is one, trusted
through the box certificate's public key."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from helpers import ServerThread, answers_for

pytestmark = pytest.mark.browser

COURSE_ID = "chemical-safety-electronics"
PASSWORD = "a good long password"
HOST = "academy.lan"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


class Relay:
    """A TCP relay in front of the box. ``drop()`` cuts every connection and
    refuses new ones, as a dead Wi-Fi would; ``restore()`` lets them through."""

    def __init__(self, target_port: int):
        self.target = ("127.0.0.1", target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.lock = threading.Lock()
        self.sockets: set[socket.socket] = set()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target)
            with self.lock:
                self.sockets.update((client, upstream))
            threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()

    def _pump(self, source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def drop(self):
        self.up = False
        with self.lock:
            for sock in self.sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
            self.sockets.clear()

    def restore(self):
        self.up = True

    def close(self):
        self.drop()
        self.listener.close()


class Box:
    """One Academy box: the app, its HTTP and HTTPS relays, its certificate."""

    def __init__(self, app, http: Relay, https: Relay, certificate, runner):
        self.app, self.http, self.https, self.certificate, self.runner = app, http, https, certificate, runner

    @property
    def http_url(self) -> str:
        return f"http://{HOST}:{self.http.port}"

    @property
    def https_url(self) -> str:
        return f"https://{HOST}:{self.https.port}"

    def attempts(self, username: str, lesson=None) -> int:
        from sqlalchemy import func, select

        from academy.auth.models import User
        from academy.extensions import db
        from academy.learn.models import Attempt

        with self.app.app_context():
            query = select(func.count(Attempt.id)).join(User, User.id == Attempt.user_id).where(User.username == username)
            if lesson is not None:
                query = query.where(Attempt.lesson_key == lesson.key)
            count = db.session.scalar(query)
            db.session.remove()
            return count

    def course(self, course_id: str = COURSE_ID):
        from academy.library import get_library

        with self.app.app_context():
            return get_library().get(course_id)

    def add_learner(self, username: str, language: str):
        from academy.auth.services import create_user
        from academy.extensions import db

        with self.app.app_context():
            create_user(username, PASSWORD, username.title(), role="learner", language=language)
            db.session.commit()
            db.session.remove()

    def close(self):
        self.http.close()
        self.https.close()
        self.runner.stop()


@pytest.fixture(scope="module")
def box_tls(tmp_path_factory):
    """The box's certificate authority and certificate, made as `academy
    serve --https` makes them; every box of these tests uses them."""
    from academy.tls import box_certificate, tls_files

    data_dir = tmp_path_factory.mktemp("box-tls")
    box_certificate(tls_files(data_dir), [], [HOST])
    return data_dir / "tls"


def start_box(tmp_path_factory, migrated_db, tls_folder, config: dict | None = None) -> Box:
    from academy import create_app
    from academy.tls import box_certificate, tls_files
    from academy.tls_server import create_servers, server_context

    data_dir = tmp_path_factory.mktemp("offline-box")
    shutil.copy(migrated_db, data_dir / "academy.sqlite3")
    shutil.copytree(tls_folder, data_dir / "tls")
    app = create_app({"DATA_DIR": str(data_dir), "SECRET_KEY": "offline-tests", **(config or {})})
    failing: set[str] = set()

    @app.before_request
    def break_down():
        """The box fails (503) for paths starting with one of ``failing``."""
        from flask import request

        if any(request.path.startswith(prefix) for prefix in failing):
            return "the box is busy", 503
    files = tls_files(data_dir)
    certificate = box_certificate(files, [], [HOST])
    runner, plain, secure = create_servers(app, host="127.0.0.1", port=0, https_port=0, threads=4,
                                           ssl_context=server_context(files.cert, files.key))
    serving = ServerThread(runner)
    http, https = Relay(plain.effective_port), Relay(secure.effective_port)
    app.config.update(HTTP_PORT=http.port, HTTPS_PORT=https.port)  # as `academy serve --https` does
    box = Box(app, http, https, certificate, serving)
    box.failing = failing
    return box


@pytest.fixture(scope="module")
def box(tmp_path_factory, migrated_db, box_tls):
    box = start_box(tmp_path_factory, migrated_db, box_tls)
    yield box
    box.close()


@pytest.fixture(scope="module")
def lan_browser(box_tls):
    """Chromium that finds academy.lan on this machine and trusts the box's
    certificate (by its public key) as a phone that installed the box's
    authority would."""
    from playwright.sync_api import sync_playwright

    from academy.tls import spki_sha256

    path = next((p for p in CHROMIUM_CANDIDATES if Path(p).exists()), shutil.which("chromium"))
    if path is None:
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic",
                  f"--host-resolver-rules=MAP {HOST} 127.0.0.1",
                  f"--ignore-certificate-errors-spki-list={spki_sha256(box_certificate_of(box_tls))}"],
        )
        yield browser
        browser.close()


def box_certificate_of(tls_folder):
    from cryptography import x509

    return x509.load_pem_x509_certificate((tls_folder / "box.crt").read_bytes())


def phone_at(browser, base_url: str):
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=base_url, device_scale_factor=1)
    page = context.new_page()
    return context, page


def sign_in(page, username: str):
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url("**/my")


def enrol(page, course_id: str = COURSE_ID):
    page.goto(f"/courses/{course_id}/")
    page.click(f'form[action="/courses/{course_id}/enroll"] button')
    page.wait_for_url(f"**/courses/{course_id}/*/*")


def lesson_path(lesson, course_id: str = COURSE_ID) -> str:
    return f"/courses/{course_id}/{lesson.module_id}/{lesson.id}"


def answer_all(page, lesson, language: str):
    """Answer every question right (order questions through their position
    selects, which the move buttons keep in step)."""
    for name, value in answers_for(lesson.text(language)).items():
        values = value if isinstance(value, list) else [value]
        page.evaluate("""([name, values]) => {
            for (const field of document.querySelectorAll(`[name="${name}"]`)) {
                if (field.type === "radio" || field.type === "checkbox") field.checked = values.includes(field.value);
                else field.value = values[0];
            }
        }""", [name, values])


def drop(context, relay: Relay):
    relay.drop()
    context.set_offline(True)


def restore(context, relay: Relay):
    relay.restore()
    context.set_offline(False)


def eventually(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def graded_lessons(course):
    return [lesson for lesson in course.lessons if lesson.graded]


# -- a: plain HTTP on a LAN name (no service worker) ---------------------------------

def test_on_plain_http_an_answer_given_without_a_connection_waits_and_is_sent_when_it_returns(box, lan_browser, screenshot):
    box.add_learner("lan-huong", "vi")
    course = box.course()
    first, second = graded_lessons(course)[:2]
    context, page = phone_at(lan_browser, box.http_url)
    sign_in(page, "lan-huong")
    enrol(page)
    assert page.evaluate("window.isSecureContext") is False
    page.goto(f"/courses/{COURSE_ID}/")
    assert page.locator("#offline-save").is_hidden()  # no service worker here: saving is offered at the secure address
    assert page.locator("#offline-secure-hint").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(page, "offline-http-course-vi")

    page.goto(lesson_path(first))
    drop(context, box.http)
    answer_all(page, first, "vi")
    page.click(".quiz-submit button[type=submit]")
    queued = page.locator(".quiz-queued")
    queued.wait_for()
    assert "Đang chờ gửi" in queued.inner_text()
    assert "1" in page.locator("#offline-status .offline-waiting").inner_text()
    assert box.attempts("lan-huong", first) == 0
    screenshot(page, "offline-http-waiting-vi")

    restore(context, box.http)
    page.locator(".quiz-queued a").wait_for()  # "See your result"
    assert page.locator("#offline-status .offline-waiting").count() == 0
    assert box.attempts("lan-huong", first) == 1
    screenshot(page, "offline-http-sent-vi")

    # Again, but the tab is closed before the connection returns.
    page.goto(lesson_path(second))
    drop(context, box.http)
    answer_all(page, second, "vi")
    page.click(".quiz-submit button[type=submit]")
    page.locator(".quiz-queued").wait_for()
    page.close()
    restore(context, box.http)
    page = context.new_page()
    page.goto("/my")
    assert eventually(lambda: box.attempts("lan-huong", second) == 1)
    # The reload may come between the server recording the answer and the
    # page forgetting its copy: the reloaded page then sends it again, and
    # the server answers with the attempt it has (still one, below).
    page.reload()
    assert eventually(lambda: page.locator("#offline-status .offline-waiting").count() == 0)
    screenshot(page, "offline-http-sent-later-vi")
    assert box.attempts("lan-huong", first) == 1 and box.attempts("lan-huong", second) == 1
    context.close()


# -- b: the form's CSRF token expires while the answers wait ----------------------------

@pytest.fixture(scope="module")
def short_token_box(tmp_path_factory, migrated_db, box_tls):
    """A box whose forms' CSRF tokens last 3 seconds (the session lasts)."""
    box = start_box(tmp_path_factory, migrated_db, box_tls, {"WTF_CSRF_TIME_LIMIT": 3})
    yield box
    box.close()


def test_an_answer_waiting_longer_than_its_form_token_lasts_is_still_recorded_once(short_token_box, lan_browser, screenshot):
    box = short_token_box
    box.add_learner("lan-bao", "en")
    course = box.course()
    first, second = graded_lessons(course)[:2]
    context, page = phone_at(lan_browser, box.http_url)
    sign_in(page, "lan-bao")
    enrol(page)

    page.goto(lesson_path(first))
    drop(context, box.http)
    answer_all(page, first, "en")
    page.click(".quiz-submit button[type=submit]")
    page.locator(".quiz-queued").wait_for()
    time.sleep(4)  # the form's token has expired; the session has not
    restore(context, box.http)
    page.locator(".quiz-queued a").wait_for()
    assert "Your answers were sent." in page.locator(".quiz-queued").inner_text()
    screenshot(page, "offline-expired-token-sent-en")
    assert box.attempts("lan-bao", first) == 1

    # Online all along, but the lesson was open longer than the token lasts.
    page.goto(lesson_path(second))
    answer_all(page, second, "en")
    time.sleep(4)
    page.click(".quiz-submit button[type=submit]")
    page.wait_for_url("**/attempts/*")
    assert page.locator(".result-summary").is_visible()
    assert box.attempts("lan-bao", second) == 1
    context.close()


# -- c: HTTPS with the box's certificate authority: a saved course ---------------------

def wait_for_service_worker(page):
    page.wait_for_function("navigator.serviceWorker && navigator.serviceWorker.controller !== null", timeout=15000)


def save_course(page, course_id: str = COURSE_ID):
    page.goto(f"/courses/{course_id}/")
    section = page.locator("#offline-save")
    section.wait_for()
    page.click(".offline-save-button")
    page.locator(".offline-remove-button").wait_for()  # shown once the whole course is saved
    return section.locator(".offline-save-state").inner_text()


def cached_versions(page, course_id: str = COURSE_ID) -> list[str]:
    return page.evaluate("id => caches.keys().then(names => names.filter(n => n.startsWith('academy-course:' + id + ':')))",
                         course_id)


def test_on_https_a_saved_course_is_read_and_answered_in_arabic_without_a_connection(box, lan_browser, screenshot):
    box.add_learner("lan-fatima", "ar")
    course = box.course()
    lessons = graded_lessons(course)
    context, page = phone_at(lan_browser, box.https_url)
    sign_in(page, "lan-fatima")
    assert page.evaluate("window.isSecureContext") is True
    enrol(page)
    wait_for_service_worker(page)

    saved = save_course(page)
    assert re.search(r"\d", saved), saved  # the size saved
    assert page.locator("html").get_attribute("dir") == "rtl"
    screenshot(page, "offline-https-saved-ar")

    drop(context, box.https)
    target = lessons[-1]  # a lesson the learner has not opened yet
    page.goto(lesson_path(target))
    assert page.locator("h1").inner_text() == target.text("ar").title
    assert page.locator("html").get_attribute("dir") == "rtl"
    answer_all(page, target, "ar")
    page.click(".quiz-submit button[type=submit]")
    page.locator(".quiz-queued").wait_for()
    screenshot(page, "offline-https-waiting-ar")

    page.goto("/my")  # not saved: the offline page lists what is
    assert page.locator("#offline-saved-list a").inner_text() == course.text("ar").title
    screenshot(page, "offline-https-offline-page-ar")
    assert box.attempts("lan-fatima", target) == 0

    restore(context, box.https)
    assert eventually(lambda: box.attempts("lan-fatima", target) == 1)
    page.goto(lesson_path(target))  # may come before the phone forgets its copy (see above)
    assert eventually(lambda: page.locator("#offline-status .offline-waiting").count() == 0)
    time.sleep(1)
    assert box.attempts("lan-fatima", target) == 1
    context.close()


# -- d: a new content version of a saved course ----------------------------------------

@pytest.fixture(scope="module")
def editable_box(tmp_path_factory, migrated_db, box_tls):
    """A box whose course folder a test may edit (changes are seen at once)."""
    from academy.paths import resource

    courses = tmp_path_factory.mktemp("courses") / "courses"
    shutil.copytree(resource("courses") / COURSE_ID, courses / COURSE_ID)
    box = start_box(tmp_path_factory, migrated_db, box_tls, {"COURSES_DIR": str(courses), "CONTENT_RELOAD_SECONDS": 0})
    box.courses_dir = courses
    yield box
    box.close()


def test_a_new_version_of_a_saved_course_replaces_the_old_copy_only_once_it_is_complete(editable_box, lan_browser, screenshot):
    box = editable_box
    box.add_learner("lan-minh", "en")
    course = box.course()
    lesson = next(lesson for lesson in course.lessons if not lesson.graded)
    context, page = phone_at(lan_browser, box.https_url)
    sign_in(page, "lan-minh")
    enrol(page)
    wait_for_service_worker(page)
    save_course(page)
    first_version = cached_versions(page)
    assert len(first_version) == 1

    # The author publishes a new version; the box fails while it is fetched.
    source = next((box.courses_dir / COURSE_ID).glob(f"*-{lesson.module_id}/*-{lesson.id}.en.md"))
    source.write_text(source.read_text(encoding="utf-8") + "\nAdded in the second version.\n", encoding="utf-8")
    box.failing.add(f"/courses/{COURSE_ID}/media/")
    page.goto(f"/courses/{COURSE_ID}/")
    page.locator(".offline-save-state", has_text="The copy on this phone still works").wait_for(timeout=30000)
    assert page.locator(".offline-save-button").inner_text() == "Try again"
    screenshot(page, "offline-update-interrupted-en")
    assert len(cached_versions(page)) == 2 and first_version[0] in cached_versions(page)

    drop(context, box.https)
    page.goto(lesson_path(lesson))
    assert page.locator("h1").inner_text() == lesson.text("en").title
    assert "Added in the second version." not in page.locator(".lesson").inner_text()

    restore(context, box.https)
    box.failing.clear()
    page.goto(f"/courses/{COURSE_ID}/")
    assert eventually(lambda: len(cached_versions(page)) == 1 and cached_versions(page) != first_version, timeout=30)
    assert "Saved on this phone" in page.locator(".offline-save-state").inner_text()
    screenshot(page, "offline-update-complete-en")

    drop(context, box.https)
    page.goto(lesson_path(lesson))
    assert "Added in the second version." in page.locator(".lesson").inner_text()
    context.close()


# -- e: a new user sets up their phone from the certificate page ------------------------

ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"


@pytest.mark.parametrize("language", ["en", "vi", "zh", "ar"])
def test_a_new_user_installs_the_box_certificate_from_the_page_on_a_phone(box, lan_browser, screenshot, tmp_path, language):
    from academy.tls import der, fingerprint

    context = lan_browser.new_context(viewport={"width": 360, "height": 740}, base_url=box.http_url,
                                      user_agent=ANDROID, accept_downloads=True)
    page = context.new_page()
    page.goto(f"/lang/{language}?next=/ca")
    assert page.locator("details#android").get_attribute("open") is not None  # the phone's own steps, opened
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert fingerprint(box.certificate.ca) in page.locator(".fingerprint").inner_text()
    screenshot(page, f"offline-ca-page-{language}")

    with page.expect_download() as download:
        page.click("a[href='/ca.crt']")
    saved = tmp_path / "academy-ca.crt"
    download.value.save_as(saved)
    assert download.value.suggested_filename == "academy-ca.crt"
    assert saved.read_bytes() == der(box.certificate.ca)

    page.click(f"a[href='{box.https_url}/']")
    page.wait_for_url(f"{box.https_url}/")
    assert page.evaluate("window.isSecureContext") is True
    context.close()
