"""Certificates in the app: issued once on completion, downloaded by their
owner, verified by anyone, revoked and re-issued by the admin."""

import io
import re

import pytest
from flask_babel import force_locale
from helpers import complete_course
from pypdf import PdfReader
from sqlalchemy import func, select

from academy.certificates import services as certificates
from academy.certificates.models import Certificate
from academy.extensions import db
from academy.learn import services as learning
from academy.messages import message_for


@pytest.fixture
def graduate(app, make_user, course):
    user = make_user("linh", display_name="Trần Thị Linh", language="vi")
    complete_course(user, course)
    return user


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def embedded_fonts(data: bytes) -> set[str]:
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]).lstrip("/").split("+")[-1])
    return fonts


def test_completing_a_course_issues_one_certificate(client, login, graduate, course):
    login(client, graduate)
    client.get("/my")
    client.get("/my")
    assert db.session.scalar(select(func.count(Certificate.id))) == 1
    certificate = certificates.active_certificate(graduate.id, course.id)
    assert certificate.learner_name == "Trần Thị Linh" and certificate.course_version == course.version


def test_the_verification_code_is_easy_to_read_aloud(graduate, course):
    certificate = certificates.issue_if_eligible(graduate, course, "Academy")
    assert re.fullmatch(r"[A-HJ-KMNP-Z2-9]{4}-[A-HJ-KMNP-Z2-9]{4}", certificate.display_code)
    assert certificates.find_by_code(certificate.display_code.lower().replace("-", " ")) == certificate


def test_an_unfinished_course_has_no_certificate(make_user, course):
    learner = make_user()
    learning.enroll(learner, course)
    assert certificates.issue_if_eligible(learner, course, "Academy") is None


def test_the_learner_downloads_the_pdf_in_their_language(client, login, graduate, course):
    login(client, graduate)
    client.get("/my")
    certificate = certificates.active_certificate(graduate.id, course.id)
    response = client.get(f"/certificates/{certificate.id}.pdf?lang=vi")
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert "Trần Thị Linh" in text
    assert course.text("vi").title.split()[0] in text
    assert certificate.display_code in text
    assert all(name.startswith("Academy-Noto-Sans") for name in embedded_fonts(response.data))


@pytest.mark.parametrize("language", ["zh", "ar"])
def test_the_certificate_embeds_the_fonts_of_its_script(client, login, graduate, course, language):
    login(client, graduate)
    client.get("/my")
    certificate = certificates.active_certificate(graduate.id, course.id)
    data = client.get(f"/certificates/{certificate.id}.pdf?lang={language}").data
    expected = {"zh": "Academy-Noto-Sans-SC", "ar": "Academy-Noto-Sans-Arabic"}[language]
    assert any(expected in name for name in embedded_fonts(data))
    assert len(data) < 300_000


def test_the_pdf_is_rendered_once_and_then_served_from_the_cache(app, client, login, graduate, course):
    login(client, graduate)
    client.get("/my")
    certificate = certificates.active_certificate(graduate.id, course.id)
    first = client.get(f"/certificates/{certificate.id}.pdf?lang=en").data
    cached = list((app.config["DATA_DIR"] / "certificates" / certificate.id).glob("en-*.pdf"))
    assert len(cached) == 1 and cached[0].read_bytes() == first
    assert client.get(f"/certificates/{certificate.id}.pdf?lang=en").data == first


@pytest.mark.parametrize(("who", "status"), [("anonymous", 302), ("other", 404), ("admin", 200)])
def test_someone_elses_certificate_cannot_be_downloaded(app, login, make_user, graduate, course, who, status):
    certificate = certificates.issue_if_eligible(graduate, course, "Academy")
    client = app.test_client()
    if who != "anonymous":
        login(client, make_user(who, role="admin" if who == "admin" else "learner"))
    assert client.get(f"/certificates/{certificate.id}.pdf").status_code == status


def test_anyone_can_verify_a_valid_certificate(app, graduate, course):
    certificate = certificates.issue_if_eligible(graduate, course, "Academy")
    page = app.test_client().get(f"/verify/{certificate.display_code}").get_data(as_text=True)
    assert "Trần Thị Linh" in page and "flash-info" in page


def test_a_wrong_code_says_there_is_no_such_certificate(client):
    response = client.get("/verify/ABCD-EFGH", headers={"Accept-Language": "vi"})
    assert response.status_code == 404
    assert "flash-error" in response.get_data(as_text=True)


def test_a_revoked_certificate_says_revoked_and_why(client, graduate, course):
    certificate = certificates.issue_if_eligible(graduate, course, "Academy")
    certificates.revoke(certificate, "issued to the wrong person")
    page = client.get(f"/verify/{certificate.display_code}").get_data(as_text=True)
    assert "issued to the wrong person" in page and "flash-error" in page


def test_a_tampered_payload_does_not_verify_on_the_verify_page(app, client, graduate, course):
    from academy.certificates.signing import load_or_create_signing_key, sign_payload

    certificate = certificates.issue_if_eligible(graduate, course, "Academy")
    fields = certificates.signed_fields(certificate, "en", course.text("en").title)
    payload = sign_payload(fields, load_or_create_signing_key(app.config["DATA_DIR"]))
    head, body, signature = payload.split(".")
    tampered = f"{head}.{body[:-2]}{'A' if body[-2] != 'A' else 'B'}{body[-1]}.{signature}"
    assert "flash-error" not in client.get(f"/verify/{certificate.display_code}?p={payload}").get_data(as_text=True)
    assert "flash-error" in client.get(f"/verify/{certificate.display_code}?p={tampered}").get_data(as_text=True)


def test_the_cli_verifies_a_downloaded_pdf_with_the_public_key_only(app, client, login, graduate, course, tmp_path):
    login(client, graduate)
    client.get("/my")
    certificate = certificates.active_certificate(graduate.id, course.id)
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(client.get(f"/certificates/{certificate.id}.pdf?lang=ar").data)
    runner = app.test_cli_runner()
    public_key = runner.invoke(args=["certificates", "public-key"]).output.strip()
    assert public_key.startswith("ed25519:")
    result = runner.invoke(args=["certificates", "verify", str(pdf), "--public-key", public_key])
    assert result.exit_code == 0 and "VALID" in result.output and "Trần Thị Linh" in result.output


def test_the_cli_refuses_a_payload_signed_by_another_key(app, graduate, course, tmp_path):
    from academy.certificates.signing import load_or_create_signing_key, sign_payload

    certificate = certificates.issue_if_eligible(graduate, course, "Academy")
    stranger = load_or_create_signing_key(tmp_path / "stranger")
    forged = sign_payload(certificates.signed_fields(certificate, "en", "Forged"), stranger)
    result = app.test_cli_runner().invoke(args=["certificates", "verify", forged])
    assert result.exit_code == 1 and "NOT VALID" in result.output


def test_the_admin_reissues_a_certificate_with_a_corrected_name(client, login, make_user, graduate, course):
    certificate = certificates.issue_if_eligible(graduate, course, "Academy")
    graduate.display_name = "Trần Thùy Linh"
    db.session.commit()
    login(client, make_user("boss", role="admin"))
    client.post(f"/admin/certificates/{certificate.id}/reissue", data={"reason": "name corrected"})
    db.session.refresh(certificate)
    new = certificates.active_certificate(graduate.id, course.id)
    assert certificate.is_revoked and new.generation == 2 and new.learner_name == "Trần Thùy Linh"
    assert new.completed_on == certificate.completed_on


def test_a_learner_cannot_revoke_a_certificate(client, login, graduate, course):
    certificate = certificates.issue_if_eligible(graduate, course, "Academy")
    login(client, graduate)
    assert client.post(f"/admin/certificates/{certificate.id}/revoke", data={"reason": "x"}).status_code == 404
    db.session.refresh(certificate)
    assert not certificate.is_revoked


def test_a_name_the_fonts_cannot_print_is_refused_with_a_message(app, client, login, make_user, course):
    graduate = make_user("emoji", display_name="Linh \U0001F600")
    complete_course(graduate, course)
    certificate = certificates.active_certificate(graduate.id, course.id)
    login(client, graduate)
    response = client.get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 302
    assert "\U0001F600" in client.get("/my").get_data(as_text=True)


def test_a_cohort_attendance_rule_holds_the_certificate_until_it_is_met(app, client, login, make_user, course):
    from datetime import date, datetime, timedelta

    from academy.cohorts import attendance
    from academy.cohorts import services as cohorts

    tutor = make_user("coach", role="tutor", display_name="Lê Văn Tâm")
    cohort = cohorts.create_cohort(course, "Xưởng lắp ráp A", "vi", date.today() - timedelta(days=30),
                                   date.today() + timedelta(days=30), [tutor], min_attendance_percent=80)
    learner = make_user("worker", display_name="Võ Thị Sáu")
    cohorts.join_cohort(learner, cohort, course)
    session = attendance.add_session(cohort, datetime.now() - timedelta(days=2), "in-person", "Phòng họp 2")
    complete_course(learner, course)
    login(client, learner)
    assert "status-complete" in client.get("/my").get_data(as_text=True)
    assert certificates.active_certificate(learner.id, course.id) is None

    tutors_phone = app.test_client()
    login(tutors_phone, tutor)
    response = tutors_phone.post(f"/cohorts/{cohort.id}/sessions/{session.id}/attendance",
                                 data={f"status-{learner.id}": "present"})
    assert response.status_code == 302
    certificate = certificates.active_certificate(learner.id, course.id)
    assert certificate.cohort_name == "Xưởng lắp ráp A" and certificate.tutors == ("Lê Văn Tâm",)


def test_the_admin_uploads_a_logo_that_is_printed_on_certificates(app, client, login, make_user, course):
    import io as _io

    from academy.settings import get_setting

    logo = b'<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40"><circle cx="20" cy="20" r="18" fill="#0b5d4b"/></svg>'
    login(client, make_user("boss2", role="admin"))
    response = client.post("/admin/settings", data={"self_registration": "y", "organisation": "Hợp tác xã Dệt may",
                                                    "logo": (_io.BytesIO(logo), "logo.svg")}, content_type="multipart/form-data")
    assert response.status_code == 302
    assert get_setting("organisation") == "Hợp tác xã Dệt may"
    assert (app.config["DATA_DIR"] / "organisation-logo.svg").read_bytes() == logo
    graduate = make_user("graduate-after-logo")
    complete_course(graduate, course)
    certificate = certificates.active_certificate(graduate.id, course.id)
    assert certificate.organisation_name == "Hợp tác xã Dệt may"
    data = client.get(f"/certificates/{certificate.id}.pdf").data
    assert "HỢP TÁC XÃ DỆT MAY" in pdf_text(data).upper()  # the design prints it in capitals


def test_a_logo_with_a_script_is_refused(app, client, login, make_user):
    import io as _io

    evil = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    login(client, make_user("boss3", role="admin"))
    response = client.post("/admin/settings", data={"organisation": "X", "logo": (_io.BytesIO(evil), "logo.svg")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert not (app.config["DATA_DIR"] / "organisation-logo.svg").exists()


BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "aaaaaaaaaa">\n'
                  + b"".join(b'<!ENTITY %s "%s">\n' % (bytes([98 + i]), b"".join([b"&%s;" % bytes([97 + i])] * 10))
                             for i in range(8))
                  + b']>\n<svg xmlns="http://www.w3.org/2000/svg"><text>&i;</text></svg>')


def test_a_logo_with_entity_declarations_is_refused_with_a_message(app, client, login, make_user):
    import io as _io

    login(client, make_user("boss4", role="admin"))
    response = client.post("/admin/settings", data={"organisation": "X", "logo": (_io.BytesIO(BILLION_LAUGHS), "logo.svg")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert "&lt;!DOCTYPE&gt;" in response.get_data(as_text=True)
    assert not (app.config["DATA_DIR"] / "organisation-logo.svg").exists()


def test_a_logo_in_utf16_with_a_script_is_refused(app, client, login, make_user):
    import io as _io

    evil = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'.encode("utf-16")
    login(client, make_user("boss5", role="admin"))
    response = client.post("/admin/settings", data={"organisation": "X", "logo": (_io.BytesIO(evil), "logo.svg")},
                           content_type="multipart/form-data")
    assert response.status_code == 422
    assert not (app.config["DATA_DIR"] / "organisation-logo.svg").exists()


def test_an_unsafe_logo_saved_before_the_check_is_never_printed(app, client, login, graduate, course):
    (app.config["DATA_DIR"] / "organisation-logo.svg").write_bytes(BILLION_LAUGHS)
    certificate = certificates.issue_if_eligible(graduate, course)
    login(client, graduate)
    response = client.get(f"/certificates/{certificate.id}.pdf")
    assert response.status_code == 302
    assert not list((app.config["DATA_DIR"] / "certificates").glob("**/*.pdf"))


def test_the_learner_is_told_to_ask_the_administrator_about_an_unsafe_logo(app, client, login, graduate, course):
    (app.config["DATA_DIR"] / "organisation-logo.svg").write_bytes(BILLION_LAUGHS)
    certificate = certificates.issue_if_eligible(graduate, course)
    login(client, graduate)
    client.get(f"/certificates/{certificate.id}.pdf")
    with app.test_request_context(), force_locale(graduate.language):
        expected = message_for(certificates.CertificateError("unsafe-logo"))
    assert expected in client.get("/my").get_data(as_text=True)


def test_an_organisation_design_in_the_data_folder_replaces_the_shipped_one(app, client, login, graduate, course):
    import shutil

    from academy.certificates.render import DEFAULT_DESIGN_DIR

    design = app.config["DATA_DIR"] / "certificate-design"
    shutil.copytree(DEFAULT_DESIGN_DIR, design)
    template = design / "template.html"
    template.write_text(template.read_text().replace("<main class=\"statement\">", "<main class=\"statement\"><p>Tổng công ty May 10</p>", 1))
    certificate = certificates.issue_if_eligible(graduate, course)
    login(client, graduate)
    assert "Tổng công ty May 10" in pdf_text(client.get(f"/certificates/{certificate.id}.pdf?lang=vi").data)
