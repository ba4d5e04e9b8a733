"""The address printed on certificates never comes from the request's Host
header: it is PUBLIC_URL, else the address `academy serve` chose, else a
fixed default (with a warning to set ACADEMY_PUBLIC_URL)."""

import io
import logging

import pytest
from helpers import complete_course
from pypdf import PdfReader

from academy.certificates import services as certificates
from academy.web import DEFAULT_PUBLIC_URL


@pytest.fixture
def graduate(app, make_user, course):
    user = make_user("an", display_name="Phạm Văn An", language="en")
    complete_course(user, course)
    return user


@pytest.fixture
def certificate(graduate, course):
    return certificates.issue_if_eligible(graduate, course, "Academy")


def forge_host(client, host: str) -> dict:
    """Headers for a request whose Host header names ``host``, sent with the
    signed-in session (the test client keeps cookies per host)."""
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value, domain=host)
    return {"Host": host}


def printed(pdf: bytes) -> str:
    """The PDF's text and metadata, where the verify address is printed."""
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join([*(page.extract_text() for page in reader.pages), str(reader.metadata.get("/Subject"))])


def cached_pdfs(app, certificate) -> list[bytes]:
    return [path.read_bytes() for path in (app.config["DATA_DIR"] / "certificates" / certificate.id).glob("*.pdf")]


def test_a_forged_host_header_never_reaches_the_cached_certificate(app, client, login, graduate, certificate):
    login(client, graduate)
    forged = client.get(f"/certificates/{certificate.id}.pdf", headers=forge_host(client, "evil.example"))
    assert forged.status_code == 200
    [cached] = cached_pdfs(app, certificate)
    assert "evil.example" not in printed(cached)
    assert f"{DEFAULT_PUBLIC_URL}verify/{certificate.display_code}" in printed(cached)


def test_the_next_reader_of_the_certificate_gets_the_servers_address(app, client, login, graduate, certificate):
    login(client, graduate)
    client.get(f"/certificates/{certificate.id}.pdf", headers=forge_host(client, "evil.example"))
    later = client.get(f"/certificates/{certificate.id}.pdf")
    assert "evil.example" not in printed(later.data)


def test_the_configured_public_url_is_printed(app, client, login, graduate, certificate):
    app.config["PUBLIC_URL"] = "http://academy.factory.lan/"
    login(client, graduate)
    pdf = client.get(f"/certificates/{certificate.id}.pdf", headers=forge_host(client, "evil.example")).data
    assert f"http://academy.factory.lan/verify/{certificate.display_code}" in printed(pdf)


def test_the_address_serve_chose_is_printed_when_no_public_url_is_set(app, client, login, graduate, certificate):
    app.config["SERVE_URL"] = "http://192.168.4.7:8080/"
    login(client, graduate)
    pdf = client.get(f"/certificates/{certificate.id}.pdf", headers=forge_host(client, "evil.example")).data
    assert f"http://192.168.4.7:8080/verify/{certificate.display_code}" in printed(pdf)


def test_a_changed_public_url_renders_the_certificate_again(app, client, login, graduate, certificate):
    login(client, graduate)
    client.get(f"/certificates/{certificate.id}.pdf")
    app.config["PUBLIC_URL"] = "http://academy.factory.lan/"
    pdf = client.get(f"/certificates/{certificate.id}.pdf").data
    assert "http://academy.factory.lan/verify/" in printed(pdf)


def test_without_an_address_a_warning_says_to_set_academy_public_url_once(app, client, login, graduate, certificate,
                                                                           caplog):
    login(client, graduate)
    with caplog.at_level(logging.WARNING, logger=app.logger.name):
        client.get(f"/certificates/{certificate.id}.pdf")
        client.get(f"/certificates/{certificate.id}.pdf?lang=vi")
    warnings = [r for r in caplog.records if "ACADEMY_PUBLIC_URL" in r.getMessage()]
    assert len(warnings) == 1
