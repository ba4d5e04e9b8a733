"""Parts of pages kept once rendered (academy/fragments.py): they follow the
course's files, the reader's language and role, and never carry one
person's data to another."""

from __future__ import annotations

import re

import pytest
from helpers import CSRF_RE, serve_copies


COURSE = "climate-action-cycling"
MODULE = "02-where-emissions-come-from"
LESSON = f"/courses/{COURSE}/where-emissions-come-from/bicycle-hot-spots"


@pytest.fixture
def courses(app, tmp_path):
    """A courses folder the server reads again on every request."""
    return serve_copies(app, tmp_path / "courses", app.config["COURSES_DIR"] / COURSE)


def retitle(path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def page(client, url=LESSON, language="en") -> str:
    response = client.get(url, headers={"Accept-Language": language})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_edited_module_and_lesson_title_shows_on_the_next_view_of_a_lesson(client, courses):
    before = page(client)
    assert "Where a bicycle&#39;s emissions come from" in before and "Life cycle assessment in brief" in before
    retitle(courses / COURSE / MODULE / "module.en.md", "title: Where a bicycle's emissions come from",
            "title: Where the emissions of a bicycle come from")
    retitle(courses / COURSE / MODULE / "01-life-cycle-assessment.en.md", "title: Life cycle assessment in brief",
            "title: Life cycle assessment, briefly")
    after = page(client)
    assert "Where the emissions of a bicycle come from" in after and "Life cycle assessment, briefly" in after
    assert "Life cycle assessment in brief" not in after


def test_the_same_lesson_in_two_languages_keeps_each_its_own_words(client, courses):
    english, vietnamese = page(client, language="en"), page(client, language="vi")
    assert "Skip to content" in english and "Skip to content" not in vietnamese
    assert page(client, language="en") == english.replace(csrf(english), csrf(page(client, language="en")))


def csrf(html: str) -> str:
    match = CSRF_RE.search(html)
    return match.group(1) if match else ""


def test_the_menu_follows_the_role_of_whoever_reads_the_page(app, make_user, login):
    admin, learner = app.test_client(), app.test_client()
    login(admin, make_user("boss", role="admin"))
    login(learner, make_user("lan"))
    assert "/admin/content" in page(admin, "/my")
    assert "/admin/content" not in page(learner, "/my")
    assert "/admin/content" in page(admin, "/my")


def test_each_reader_gets_their_own_form_token_and_account_on_a_page_the_others_read(app, make_user, login):
    first, second = app.test_client(), app.test_client()
    one, two = make_user("an"), make_user("binh")
    login(first, one)
    login(second, two)
    a, b = page(first, "/my"), page(second, "/my")
    assert csrf(a) and csrf(b) and csrf(a) != csrf(b)
    assert re.search(r'data-user="(\d+)"', a).group(1) == str(one.id)
    assert re.search(r'data-user="(\d+)"', b).group(1) == str(two.id)
    assert all(token == csrf(a) for token in re.findall(r'name="csrf_token" value="([^"]+)"', a))


def test_the_language_links_of_each_page_come_back_to_that_page(client, courses):
    lesson, catalog = page(client), page(client, "/")
    lesson_links = re.findall(r'href="(/lang/[^"]+)"', lesson)
    catalog_links = re.findall(r'href="(/lang/[^"]+)"', catalog)
    assert len(lesson_links) == len(catalog_links) == 4
    assert all("bicycle-hot-spots" in link for link in lesson_links)
    assert not any("bicycle-hot-spots" in link for link in catalog_links)


def test_addresses_do_not_each_get_a_cached_part(app, client, courses):
    """Any visitor can type new addresses: the cache must not grow with them."""
    page(client)
    kept = len(app.extensions["academy.fragments"])
    for n in range(5):
        html = page(client, f"{LESSON}?n={n}")
        assert f"?next={LESSON}%3Fn%3D{n}" in html
    assert len(app.extensions["academy.fragments"]) == kept
