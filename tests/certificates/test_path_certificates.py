"""Learning path certificates: issued when the last course of a path the
learner is on completes, naming the path's courses, signed and checked like
a course certificate."""

from __future__ import annotations

import io

import pytest
from helpers import take_whole_course
from pypdf import PdfReader

from academy.certificates import services as certificates
from academy.certificates.render import extract_payload_from_pdf
from academy.certificates.signing import load_or_create_signing_key, verify_payload
from academy.extensions import db
from academy.learn import learning_paths as paths

PATH = "workplace-rights-basics"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


@pytest.fixture
def graduate(make_user, library, admin):
    """A learner on the path who has completed both its courses."""
    user = make_user("quynh", display_name="Vũ Như Quỳnh", language="vi")
    paths.enrol_in_path(user, library.get_path(PATH), library)
    take_whole_course(user, library.get("preventing-sexual-harassment"), admin)
    take_whole_course(user, library.get("hrdd-essentials"), admin)
    certificates.issue_after_completion(user, library.get("hrdd-essentials"), library)
    db.session.commit()
    return user


def test_completing_the_last_course_of_the_path_issues_the_path_certificate(graduate, library):
    certificate = certificates.active_certificate(graduate.id, "path:" + PATH)
    assert certificate is not None and certificate.is_path
    assert certificate.course_ids == ["preventing-sexual-harassment", "hrdd-essentials"]


def test_a_learner_not_on_the_path_gets_no_path_certificate(make_user, library, admin):
    user = make_user("tien")
    for course_id in ("preventing-sexual-harassment", "hrdd-essentials"):
        take_whole_course(user, library.get(course_id), admin)
    issued = certificates.issue_after_completion(user, library.get("hrdd-essentials"), library)
    assert issued.course is not None and issued.paths == ()


def test_the_path_certificate_is_issued_once(graduate, library):
    again = certificates.issue_after_completion(graduate, library.get("hrdd-essentials"), library)
    assert again.paths == ()


def test_the_pdf_names_the_path_and_lists_its_courses_in_the_learners_language(client, login, graduate):
    certificate = certificates.active_certificate(graduate.id, "path:" + PATH)
    login(client, graduate)
    text = " ".join(pdf_text(client.get(f"/certificates/{certificate.id}.pdf?lang=vi").data).split())
    assert "Những kiến thức cơ bản về quyền tại nơi làm việc" in text
    assert "Phòng, chống quấy rối tình dục tại nơi làm việc" in text
    assert "Những điều cốt lõi về thẩm định nhân quyền" in text


def test_the_signed_payload_carries_the_course_titles_and_verifies(app, client, login, graduate):
    certificate = certificates.active_certificate(graduate.id, "path:" + PATH)
    login(client, graduate)
    payload = extract_payload_from_pdf(client.get(f"/certificates/{certificate.id}.pdf?lang=en").data)
    fields = verify_payload(payload, load_or_create_signing_key(app.config["DATA_DIR"]).public_key())
    assert fields["course_id"] == "path:" + PATH and fields["course_title"] == "Workplace rights basics"
    assert fields["course_titles"] == ["Preventing sexual harassment at work", "Human-rights due diligence essentials"]


def test_the_verify_page_lists_the_paths_courses(client, graduate):
    certificate = certificates.active_certificate(graduate.id, "path:" + PATH)
    page = client.get(f"/verify/{certificate.display_code}").get_data(as_text=True)
    assert "Workplace rights basics" in page and "Human-rights due diligence essentials" in page


def test_my_learning_offers_the_path_certificate(client, login, graduate):
    certificate = certificates.active_certificate(graduate.id, "path:" + PATH)
    login(client, graduate)
    assert f"/certificates/{certificate.id}.pdf?lang=ar" in client.get("/my").get_data(as_text=True)


@pytest.mark.parametrize("language", ["zh", "ar"])
def test_the_path_certificate_prints_in_chinese_and_arabic(client, login, graduate, language):
    certificate = certificates.active_certificate(graduate.id, "path:" + PATH)
    login(client, graduate)
    response = client.get(f"/certificates/{certificate.id}.pdf?lang={language}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF")
