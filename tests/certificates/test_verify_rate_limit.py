"""/verify lookups are rate limited per client address: 30 a minute, then a
translated page that says to wait (429)."""

from __future__ import annotations

import pytest

from academy.ratelimit import RateLimiter


class Clock:
    def __init__(self):
        self.now = 5000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(app):
    """The lookups' limiter, on a clock the test moves."""
    clock = Clock()
    app.extensions["academy.verify_limiter"] = RateLimiter(app.config["VERIFY_LOOKUPS_PER_MINUTE"], 60, clock=clock)
    return clock


def look_up(client, address: str, code: str = "7KQ2-MX9P", **headers):
    return client.get(f"/verify/{code}", environ_base={"REMOTE_ADDR": address}, headers=headers)


def test_thirty_lookups_a_minute_are_answered(client, clock):
    assert {look_up(client, "192.168.1.50").status_code for _ in range(30)} == {404}


def test_the_31st_lookup_in_a_minute_from_one_address_is_refused(client, clock):
    for _ in range(30):
        look_up(client, "192.168.1.50")
    response = look_up(client, "192.168.1.50")
    assert response.status_code == 429 and response.headers["Retry-After"] == "60"


def test_the_refusal_says_to_wait_in_the_readers_language(client, clock):
    for _ in range(31):
        response = look_up(client, "192.168.1.50", **{"Accept-Language": "vi"})
    page = response.get_data(as_text=True)
    assert 'lang="vi"' in page and "Vui lòng đợi một phút" in page


def test_another_address_is_still_answered(client, clock):
    for _ in range(31):
        look_up(client, "192.168.1.50")
    assert look_up(client, "192.168.1.51").status_code == 404


def test_lookups_are_answered_again_once_the_minute_has_passed(client, clock):
    for _ in range(31):
        look_up(client, "192.168.1.50")
    clock.now += 60
    assert look_up(client, "192.168.1.50").status_code == 404


def test_a_lookup_through_the_form_counts_once(client, clock):
    answered = set()
    for _ in range(30):
        form = client.get("/verify?code=7kq2mx9p", environ_base={"REMOTE_ADDR": "192.168.1.50"})
        answered.add(client.get(form.headers["Location"], environ_base={"REMOTE_ADDR": "192.168.1.50"}).status_code)
    assert answered == {404}
    assert look_up(client, "192.168.1.50").status_code == 429


def test_a_forwarded_for_header_does_not_escape_the_limit_without_a_trusted_proxy(client, clock):
    for number in range(31):
        response = look_up(client, "192.168.1.50", **{"X-Forwarded-For": f"10.0.0.{number}"})
    assert response.status_code == 429


@pytest.fixture
def app_config(request):
    return getattr(request, "param", {})


@pytest.mark.parametrize("app_config", [{"TRUSTED_PROXIES": 1}], indirect=True)
def test_behind_a_trusted_proxy_each_forwarded_client_counts_on_its_own(client, clock):
    for _ in range(30):
        look_up(client, "127.0.0.1", **{"X-Forwarded-For": "192.168.1.50"})
    assert look_up(client, "127.0.0.1", **{"X-Forwarded-For": "192.168.1.50"}).status_code == 429
    assert look_up(client, "127.0.0.1", **{"X-Forwarded-For": "192.168.1.51"}).status_code == 404


def test_the_limit_is_thirty_lookups_a_minute_by_default(app):
    assert app.config["VERIFY_LOOKUPS_PER_MINUTE"] == 30
