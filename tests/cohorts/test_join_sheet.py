"""The join sheet: a PDF with the code, the address and a QR code."""

import io

import pytest
from pypdf import PdfReader


@pytest.fixture
def app_config():
    return {"PUBLIC_URL": "http://192.168.1.20:8080/"}


@pytest.fixture
def sheet(client, login, tutor, cohort):
    login(client, tutor)
    return client.get(f"/cohorts/{cohort.id}/join-sheet.pdf")


def text_of(response) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)


def test_the_join_sheet_is_a_pdf(sheet):
    assert sheet.status_code == 200 and sheet.mimetype == "application/pdf"
    assert sheet.data.startswith(b"%PDF")


def test_the_join_sheet_shows_the_code(sheet, cohort):
    assert f"{cohort.join_code[:4]}-{cohort.join_code[4:]}" in text_of(sheet)


def test_the_join_sheet_shows_the_configured_address(sheet):
    assert "http://192.168.1.20:8080/" in text_of(sheet)


def test_the_join_sheet_is_in_the_language_of_the_class(sheet, cohort):
    assert cohort.language == "vi"
    assert str(PdfReader(io.BytesIO(sheet.data)).trailer["/Root"]["/Lang"]) == "vi"


def test_the_join_sheet_prints_names_in_chinese(client, login, tutor, make_cohort):
    cohort = make_cohort(name="王芳的班级", language="zh")
    login(client, tutor)
    assert "王芳的班级" in text_of(client.get(f"/cohorts/{cohort.id}/join-sheet.pdf"))


def test_the_qr_code_holds_the_join_link(client, login, tutor, cohort):
    from flask import template_rendered

    from academy.pdf import qr_svg

    seen = []

    def record(sender, template, context, **extra):
        seen.append(context)

    login(client, tutor)
    template_rendered.connect(record, client.application)
    try:
        client.get(f"/cohorts/{cohort.id}/join-sheet.pdf")
    finally:
        template_rendered.disconnect(record, client.application)
    link = f"http://192.168.1.20:8080/cohorts/join?code={cohort.join_code[:4]}-{cohort.join_code[4:]}"
    context = next(c for c in seen if "qr" in c)
    assert context["link"] == link
    assert context["qr"] == qr_svg(link)


def test_the_join_link_is_shown_to_the_tutor(client, login, tutor, cohort):
    login(client, tutor)
    page = client.get(f"/cohorts/{cohort.id}/").get_data(as_text=True)
    assert f"http://192.168.1.20:8080/cohorts/join?code={cohort.join_code[:4]}-{cohort.join_code[4:]}" in page


def forge_host(client, host: str) -> dict:
    """Headers for a request whose Host header names ``host``, sent with the
    signed-in session (the test client keeps cookies per host)."""
    cookie = client.get_cookie("session")
    client.set_cookie("session", cookie.value, domain=host)
    return {"Host": host}


def test_a_forged_host_header_never_reaches_the_join_sheet(app, client, login, tutor, cohort):
    app.config["PUBLIC_URL"] = None
    login(client, tutor)
    sheet = client.get(f"/cohorts/{cohort.id}/join-sheet.pdf", headers=forge_host(client, "evil.example"))
    assert sheet.status_code == 200
    assert "evil.example" not in text_of(sheet)


def test_a_forged_host_header_never_reaches_the_join_link_on_the_overview(app, client, login, tutor, cohort):
    app.config["PUBLIC_URL"] = None
    login(client, tutor)
    page = client.get(f"/cohorts/{cohort.id}/", headers=forge_host(client, "evil.example")).get_data(as_text=True)
    assert "evil.example" not in page
