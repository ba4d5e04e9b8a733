"""Fixtures for the certificate tests: a signing key, translated labels and a
factory for certificate documents in each language."""

from datetime import date

import pytest

from academy.certificates.render import CertificateDocument
from academy.certificates.signing import Ed25519PrivateKey, sign_payload

LABELS = {
    "en": {
        "certificate_of_completion": "Certificate of completion",
        "this_certifies_that": "This certifies that",
        "has_completed": "has completed",
        "completed_on": "Date",
        "tutor": "Tutor",
        "cohort": "Cohort",
        "code": "Code",
        "verify_at": "Verify at",
    },
    "vi": {
        "certificate_of_completion": "Giấy chứng nhận hoàn thành",
        "this_certifies_that": "Chứng nhận",
        "has_completed": "đã hoàn thành khóa học",
        "completed_on": "Ngày",
        "tutor": "Giảng viên",
        "cohort": "Lớp",
        "code": "Mã",
        "verify_at": "Xác minh tại",
    },
    "zh": {
        "certificate_of_completion": "结业证书",
        "this_certifies_that": "兹证明",
        "has_completed": "已完成课程",
        "completed_on": "日期",
        "tutor": "导师",
        "cohort": "班级",
        "code": "证书编号",
        "verify_at": "验证网址",
    },
    "ar": {
        "certificate_of_completion": "شهادة إتمام",
        "this_certifies_that": "نشهد بأن",
        "has_completed": "قد أتمّ دورة",
        "completed_on": "التاريخ",
        "tutor": "المدرّب",
        "cohort": "الدفعة",
        "code": "الرمز",
        "verify_at": "للتحقق",
    },
}

# learner, course, organisation, cohort, tutors: each in the language's script.
SAMPLES = {
    "en": ("Margaret Hamilton", "Workplace Fire Safety", "Acme Garments Ltd",
           "Spring intake", ("Grace Hopper",)),
    "vi": ("Nguyễn Thị Minh Khai", "An toàn lao động trong xưởng may",
           "Công ty May Sài Gòn", "Ca sáng tháng 3", ("Trần Văn Đức", "Lê Thị Hồng")),
    "zh": ("王梓睿", "车间消防安全", "上海纺织有限公司", "三月早班", ("李昊琪",)),
    "ar": ("فاطمة الزهراء", "السلامة من الحرائق في مكان العمل", "مصنع النسيج الحديث",
           "دفعة الربيع", ("عمر خالد",)),
}

COMPLETED_ON = date(2025, 3, 15)


@pytest.fixture(scope="session")
def signing_key():
    return Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def make_fields():
    """Build the signed fields of a sample certificate in ``language``."""
    def make(language="en", **overrides):
        learner, course, organisation, cohort, _ = SAMPLES[language]
        fields = {
            "verification_code": "7KQ2-MX9P",
            "certificate_id": "b3f1c2d4e5f60718293a4b5c6d7e8f90",
            "learner_name": learner,
            "course_id": "fire-safety",
            "course_title": course,
            "content_version": "2025-03-01",
            "completed_on": COMPLETED_ON,
            "language": language,
            "organisation_name": organisation,
            "cohort_name": cohort,
        }
        fields.update(overrides)
        return fields
    return make


@pytest.fixture(scope="session")
def make_document(signing_key, make_fields):
    """Build a signed CertificateDocument in ``language``; keyword arguments
    replace the sample's learner name, course title or any other field."""
    def make(language="en", *, learner_name=None, course_title=None, **overrides):
        fields = make_fields(language)
        if learner_name:
            fields["learner_name"] = learner_name
        if course_title:
            fields["course_title"] = course_title
        values = {
            "learner_name": fields["learner_name"],
            "course_title": fields["course_title"],
            "completed_on": fields["completed_on"],
            "language": language,
            "code": fields["verification_code"],
            "verify_url": "https://academy.example.org/verify/7KQ2-MX9P",
            "signed_payload": sign_payload(fields, signing_key),
            "organisation_name": fields["organisation_name"],
            "labels": LABELS[language],
            "cohort_name": fields["cohort_name"],
            "tutor_names": SAMPLES[language][4],
        }
        values.update(overrides)
        return CertificateDocument(**values)
    return make
