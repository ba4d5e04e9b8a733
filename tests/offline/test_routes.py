"""What a phone is given to work without a connection: the service worker,
the app manifest, the list of what to save of a course, and the box's
certificate authority."""

import pytest
from cryptography import x509
from helpers import answers_for, attempt_token, lesson_url
from markupsafe import escape

from academy.tls import box_certificate, fingerprint, tls_files


def test_the_service_worker_is_served_from_the_root_and_checked_for_updates(client):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    assert response.headers["Service-Worker-Allowed"] == "/"


def test_every_page_registers_the_worker_with_the_version_of_its_assets(client):
    page = client.get("/").get_data(as_text=True)
    assert 'data-sw-url="/sw.js?v=' in page
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page


def test_the_app_manifest_has_icons_and_speaks_the_readers_language(client):
    response = client.get("/manifest.webmanifest", headers={"Accept-Language": "ar"})
    assert response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["lang"] == "ar" and manifest["dir"] == "rtl" and manifest["display"] == "standalone"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"any", "192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert client.get(icon["src"]).status_code == 200


@pytest.fixture
def saving_learner(client, make_user, login, course):
    user = make_user("ngoc", language="vi")
    login(client, user)
    client.post(f"/courses/{course.id}/enroll")
    return user


def test_a_course_lists_every_lesson_its_media_and_assets_for_saving(client, course):
    listing = client.get(f"/offline/courses/{course.id}/vi.json")
    assert listing.headers["Cache-Control"] == "no-store"
    data = listing.get_json()
    urls = [item["url"] for item in data["items"]]
    assert data["title"] == course.text("vi").title and data["url"] == f"/courses/{course.id}/"
    pages = [item["url"] for item in data["items"] if item["kind"] == "page"]
    assert pages == [f"/courses/{course.id}/"] + [lesson_url(course, lesson) for lesson in course.lessons]
    assert any("/media/" in url for url in urls) and "/static/css/academy.css" in urls and "/offline" in urls
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_the_content_version_changes_with_the_language(client, course):
    versions = {client.get(f"/offline/courses/{course.id}/{lang}.json").get_json()["version"] for lang in ("en", "vi", "ar")}
    assert len(versions) == 3


def test_nothing_a_phone_saves_holds_an_answer_key_even_after_the_learner_answered(client, saving_learner, course):
    graded = next(lesson for lesson in course.lessons if lesson.graded)
    token = attempt_token(client.get(lesson_url(course, graded)).get_data(as_text=True))
    client.post(lesson_url(course, graded) + "/answers", data={**answers_for(graded.text("vi")), "attempt": token})
    keys = [str(escape(text)) for lesson in course.lessons for lesson_text in lesson.texts.values()
            for question in lesson_text.questions
            for text in [question.explanation, *(choice.feedback for choice in question.choices)] if text]
    items = client.get(f"/offline/courses/{course.id}/vi.json").get_json()["items"]
    assert not any("/attempts/" in item["url"] for item in items)
    for item in items:
        if item["kind"] == "page":
            page = client.get(item["url"], headers={"X-Academy-Offline": "save"}).get_data(as_text=True)
            assert not [key for key in keys if key in page], item["url"]


def test_an_unknown_course_or_language_has_no_list(client, course):
    assert client.get("/offline/courses/no-such-course/en.json").status_code == 404
    assert client.get(f"/offline/courses/{course.id}/xx.json").status_code == 404


def test_the_offline_page_is_a_page_of_its_own(client):
    page = client.get("/offline", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert 'id="offline-saved-list"' in page and "Không kết nối được với Academy" in page


# -- the box's certificate authority ---------------------------------------------

def test_without_a_box_authority_there_is_nothing_to_install(client):
    assert client.get("/ca").status_code == 404
    assert client.get("/ca.crt").status_code == 404


@pytest.fixture
def box_ca(app):
    return box_certificate(tls_files(app.config["DATA_DIR"]), ["192.168.1.20"], hostname="factory-box").ca


def test_the_authority_certificate_is_downloaded_as_a_ca_certificate(client, box_ca):
    response = client.get("/ca.crt")
    assert response.mimetype == "application/x-x509-ca-cert"
    assert response.headers["Content-Disposition"] == "attachment; filename=academy-ca.crt"
    assert x509.load_der_x509_certificate(response.data) == box_ca


@pytest.mark.parametrize(("language", "android", "iphone"), [
    ("en", "Steps on Android", "Steps on iPhone"),
    ("vi", "Các bước trên Android", "Các bước trên iPhone"),
    ("zh", "Android 上的步骤", "iPhone 上的步骤"),
    ("ar", "الخطوات على Android", "الخطوات على iPhone"),
])
def test_the_install_page_shows_the_fingerprint_a_code_and_steps_for_both_phones(client, box_ca, language, android, iphone):
    page = client.get("/ca", headers={"Accept-Language": language}).get_data(as_text=True)
    assert fingerprint(box_ca) in page
    assert '<svg' in page and 'class="qr-code"' in page
    assert android in page and iphone in page
    assert "Academy on factory-box" in page


def test_the_install_page_opens_the_steps_for_the_phone_it_is_read_on(client, box_ca):
    iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile Safari/604.1"
    page = client.get("/ca", headers={"User-Agent": iphone}).get_data(as_text=True)
    assert 'id="iphone" open' in page and 'id="android" open' not in page


def test_the_install_page_leads_to_the_secure_address_when_https_is_served(app, client, box_ca):
    app.config.update(HTTP_PORT=8080, HTTPS_PORT=8443)
    page = client.get("/ca", base_url="http://192.168.1.20:8080").get_data(as_text=True)
    assert 'href="https://192.168.1.20:8443/"' in page
    secure = client.get("/ca", base_url="https://192.168.1.20:8443").get_data(as_text=True)
    assert "http://192.168.1.20:8080/ca" in secure  # the code leads phones to plain HTTP, which they can open


def test_the_install_page_links_only_to_a_secure_address_the_certificate_names(app, client, box_ca):
    app.config.update(HTTP_PORT=8080, HTTPS_PORT=8443, HTTPS_HOSTS=["academy.lan", "localhost"], HTTPS_NAME="academy.lan")
    page = client.get("/ca", base_url="http://203.0.113.9:8080").get_data(as_text=True)
    assert 'href="https://academy.lan:8443/"' in page and "https://203.0.113.9" not in page


def test_the_install_page_works_on_an_ipv6_address(app, client, box_ca):
    app.config.update(HTTP_PORT=8080, HTTPS_PORT=8443, HTTPS_HOSTS=["::1", "localhost"], HTTPS_NAME=None)
    page = client.get("/ca", base_url="http://[::1]:8080").get_data(as_text=True)
    assert 'href="https://[::1]:8443/"' in page
