import re

import pytest
from helpers import lesson_url, serve_copies, statements_sent

LANGS = {"en": ("en", "ltr"), "vi": ("vi", "ltr"), "zh": ("zh-Hans", "ltr"), "ar": ("ar", "rtl")}


def html_tag(page: str) -> str:
    return re.search(r"<html[^>]*>", page).group(0)


@pytest.mark.parametrize("code", LANGS)
def test_the_catalog_follows_the_browser_language(client, code):
    page = client.get("/", headers={"Accept-Language": f"{code};q=0.9"}).get_data(as_text=True)
    lang, direction = LANGS[code]
    assert f'lang="{lang}"' in html_tag(page)
    assert f'dir="{direction}"' in html_tag(page)


def test_a_chinese_browser_from_the_mainland_gets_simplified_chinese(client):
    page = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).get_data(as_text=True)
    assert 'lang="zh-Hans"' in html_tag(page)


def test_an_explicit_choice_beats_the_browser_language_and_is_remembered(client):
    response = client.get("/lang/ar?next=/", headers={"Accept-Language": "vi"})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert 'lang="ar" dir="rtl"' in html_tag(page)


def test_the_language_switch_never_redirects_to_another_host(client):
    response = client.get("/lang/vi?next=//evil.example/")
    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_not_found(client):
    assert client.get("/lang/xx").status_code == 404


def test_every_page_offers_every_language(client, course):
    page = client.get(f"/courses/{course.id}/").get_data(as_text=True)
    for name in ("English", "Tiếng Việt", "简体中文", "العربية"):
        assert name in page


def test_the_course_page_lists_modules_and_lessons_in_the_reader_language(client, course):
    page = client.get(f"/courses/{course.id}/", headers={"Accept-Language": "vi"}).get_data(as_text=True)
    for module in course.modules:
        assert module.text("vi").title in page
        for lesson in module.lessons:
            assert lesson.text("vi").title in page
    assert course.text("vi").summary in page


def test_a_lesson_shows_its_content_and_neighbours(client, course):
    first, second = course.lessons[0], course.lessons[1]
    page = client.get(lesson_url(course, second), headers={"Accept-Language": "zh"}).get_data(as_text=True)
    assert second.text("zh").title in page
    assert 'rel="prev"' in page and first.text("zh").title in page
    assert 'rel="next"' in page


def test_an_arabic_lesson_is_right_to_left(client, course):
    page = client.get(lesson_url(course, course.lessons[0]), headers={"Accept-Language": "ar"}).get_data(as_text=True)
    assert 'dir="rtl"' in html_tag(page)
    assert '<article class="lesson" lang="ar" dir="rtl">' in page


def test_an_unknown_course_gets_a_not_found_page_in_the_reader_language(client):
    response = client.get("/courses/no-such-course/", headers={"Accept-Language": "vi"})
    assert response.status_code == 404
    assert 'lang="vi"' in html_tag(response.get_data(as_text=True))


def test_an_unknown_lesson_is_not_found(client, course):
    assert client.get(f"/courses/{course.id}/{course.modules[0].id}/no-such-lesson").status_code == 404


def test_course_media_is_served_and_other_files_are_not(client, course):
    name = sorted(course.media)[0]
    response = client.get(f"/courses/{course.id}/media/{name}")
    assert response.status_code == 200
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]
    assert client.get(f"/courses/{course.id}/media/../course.yml").status_code == 404
    assert client.get(f"/courses/{course.id}/media/nothing.svg").status_code == 404


def test_the_lesson_images_point_at_served_media(client, course):
    lesson = next(lesson for lesson in course.lessons if "<img" in "".join(getattr(p, "html", "") for p in lesson.source.parts))
    url = lesson_url(course, lesson)
    page = client.get(url).get_data(as_text=True)
    src = re.search(r'<img src="([^"]+)"', page).group(1)
    from urllib.parse import urljoin

    assert client.get(urljoin(url, src)).status_code == 200


def test_a_lesson_missing_in_a_language_falls_back_with_a_notice(app, client, tmp_path):
    courses = serve_copies(app, tmp_path / "courses", app.config["COURSES_DIR"] / "climate-action-cycling")
    lesson_file = next((courses / "climate-action-cycling").glob("01-*/01-*.vi.md"))
    lesson_file.unlink()
    course = app.extensions["academy.library"].get().get("climate-action-cycling")
    lesson = course.lessons[0]
    page = client.get(lesson_url(course, lesson), headers={"Accept-Language": "vi"}).get_data(as_text=True)
    assert lesson.text("en").title in page
    assert '<article class="lesson" lang="en" dir="ltr">' in page
    assert 'class="notice"' in page


def test_an_edited_course_is_picked_up_without_a_restart(app, client, tmp_path):
    courses = serve_copies(app, tmp_path / "courses", app.config["COURSES_DIR"] / "climate-action-cycling")
    course_file = courses / "climate-action-cycling" / "course.en.md"
    course_file.write_text(course_file.read_text().replace("title:", "title: Edited —", 1))
    page = client.get("/courses/climate-action-cycling/").get_data(as_text=True)
    assert "Edited —" in page


def test_a_broken_course_is_refused_while_the_others_are_served(app, client, tmp_path):
    courses = serve_copies(app, tmp_path / "courses",
                           *(app.config["COURSES_DIR"] / name for name in ("climate-action-cycling", "hrdd-essentials")))
    (courses / "hrdd-essentials" / "course.yml").write_text("format: 1\nlanguages: [en]\nsource_language: en\ncolour: blue\n")
    assert client.get("/courses/climate-action-cycling/").status_code == 200
    assert client.get("/courses/hrdd-essentials/").status_code == 404


def test_a_server_error_shows_a_page_in_the_reader_language_without_a_trace(tmp_path, migrated_db):
    import shutil

    from academy import create_app

    shutil.copy(migrated_db, tmp_path / "academy.sqlite3")
    app = create_app({"DATA_DIR": str(tmp_path), "SECRET_KEY": "x"})

    @app.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = app.test_client().get("/boom", headers={"Accept-Language": "ar"})
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert 'lang="ar" dir="rtl"' in page and "secret internals" not in page and "Traceback" not in page


def signed_in_app_with_a_broken_view(tmp_path, migrated_db, view):
    """A non-testing app (errors become 500 pages) with a view that fails
    mid-transaction, and a client signed in as a learner."""
    import shutil

    from academy import create_app
    from academy.auth.services import create_user
    from academy.extensions import db

    shutil.copy(migrated_db, tmp_path / "academy.sqlite3")
    app = create_app({"DATA_DIR": str(tmp_path), "SECRET_KEY": "x", "WTF_CSRF_ENABLED": False})
    app.add_url_rule("/boom", "boom", view, methods=["POST"])
    with app.app_context():
        create_user("minh", "a long password", "Lý Văn Minh", language="vi")
        db.session.commit()
    client = app.test_client()
    assert client.post("/login", data={"username": "minh", "password": "a long password"}).status_code == 302
    return app, client


def test_a_database_error_mid_request_still_shows_the_error_page_and_the_next_request_works(tmp_path, migrated_db):
    from academy.auth.models import User
    from academy.extensions import db

    def duplicate_user():
        db.session.add(User(username="minh", display_name="again", password_hash="x"))
        db.session.flush()  # IntegrityError: the session needs a rollback before any other query

    _app, client = signed_in_app_with_a_broken_view(tmp_path, migrated_db, duplicate_user)
    response = client.post("/boom")
    assert response.status_code == 500
    assert 'lang="vi"' in response.get_data(as_text=True)  # the page, with the signed-in learner's language
    assert client.get("/my").status_code == 200


def test_an_error_page_that_cannot_be_shown_falls_back_to_plain_text(tmp_path, migrated_db, monkeypatch):
    from academy import errors

    def failing_template(*args, **kwargs):
        raise RuntimeError("the template is broken too")

    _app, client = signed_in_app_with_a_broken_view(tmp_path, migrated_db, lambda: 1 / 0)
    monkeypatch.setattr(errors, "render_template", failing_template)
    response = client.post("/boom")
    assert response.status_code == 500
    assert "Your earlier answers are saved" in response.get_data(as_text=True)
    assert "the template is broken" not in response.get_data(as_text=True)


def test_an_enrolled_learners_lesson_page_asks_the_database_who_is_signed_in_and_then_one_thing(
        app, client, make_user, login, course):
    """Who is signed in, then the learner's state in the lesson with the date
    their cohort opens its module: each round trip into SQLite lets other
    threads take the GIL, so a page that reads makes as few as it can."""
    login(client, make_user("an"))
    client.post(f"/courses/{course.id}/enroll")
    lesson = course.lessons[1]
    url = f"/courses/{course.id}/{lesson.module_id}/{lesson.id}"
    client.get(url)
    responses = []
    statements = statements_sent(lambda: responses.append(client.get(url)))
    assert responses[0].status_code == 200
    assert len(statements) == 2 and "login_sessions" in statements[0] and "module_openings" in statements[1]
