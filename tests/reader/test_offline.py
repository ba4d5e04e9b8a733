"""No page, stylesheet or script refers to another host; pages stay light."""

import re
from urllib.parse import urljoin, urlsplit

import pytest
from helpers import lesson_url

REFERENCE_RE = re.compile(r'(?:src|href|action|poster|srcset)\s*=\s*"([^"]*)"|url\(\s*[\'"]?([^\'")]+)', re.I)
EXTERNAL_LINK_RE = re.compile(r'<a [^>]*href="https?://[^"]*"[^>]*class="external"|<a [^>]*class="external"[^>]*href="https?://[^"]*"')


def references(html: str) -> list[str]:
    """Every URL a page refers to, except the ordinary external links an
    author wrote in a lesson (marked class="external")."""
    html = EXTERNAL_LINK_RE.sub("", html)
    return [a or b for a, b in REFERENCE_RE.findall(html)]


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return not parts.netloc and parts.scheme in ("", "data", "mailto")


def all_pages(library):
    yield "/"
    yield "/login"
    for course in library.courses.values():
        yield f"/courses/{course.id}/"
        for lesson in course.lessons:
            yield lesson_url(course, lesson)


@pytest.mark.parametrize("language", ["en", "vi", "zh", "ar"])
def test_no_page_of_any_course_refers_to_another_host(client, library, language):
    seen_assets = set()
    for url in all_pages(library):
        response = client.get(url, headers={"Accept-Language": language})
        assert response.status_code == 200, url
        for ref in references(response.get_data(as_text=True)):
            assert is_local(ref), f"{url} refers to {ref}"
            target = urljoin(url, ref)
            if target.startswith("/static/"):
                seen_assets.add(urlsplit(target).path)
    for asset in seen_assets:
        if not asset.endswith((".css", ".js", ".svg")):  # images (the app icons) refer to nothing
            continue
        body = client.get(asset).get_data(as_text=True)
        for ref in references(body):
            assert is_local(ref), f"{asset} refers to {ref}"


def test_every_page_forbids_loading_from_other_hosts(client):
    policy = client.get("/").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy


def test_a_lesson_page_with_its_stylesheet_weighs_under_100_kb(client, library):
    css = len(client.get("/static/css/academy.css").data)
    heaviest = max(len(client.get(lesson_url(c, l)).data) for c in library.courses.values() for l in c.lessons)
    assert heaviest + css < 100_000, (heaviest, css)
