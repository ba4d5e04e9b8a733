"""Benchmark: rendering one certificate PDF in each language.

    python bench/certificates.py

"first" is the first render in a fresh Python process, WeasyPrint import and
font loading included; "warm" is the median of 5 renders after it in one
process. Goal (issue 5): under 1 s warm and under 300 KB.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from academy.certificates.render import (  # noqa: E402
    LABEL_KEYS,
    CertificateDocument,
    render_certificate_pdf,
)
from academy.certificates.signing import Ed25519PrivateKey, sign_payload  # noqa: E402

LANGUAGES = ("en", "vi", "zh", "ar")
WARM_RUNS = 5

SAMPLES = {
    "en": ("Margaret Hamilton", "Workplace Fire Safety", "Acme Garments Ltd",
           ["Certificate of completion", "This certifies that", "has completed", "Date",
            "Tutor", "Cohort", "Code", "Verify at"]),
    "vi": ("Nguyễn Thị Minh Khai", "An toàn lao động trong xưởng may", "Công ty May Sài Gòn",
           ["Giấy chứng nhận hoàn thành", "Chứng nhận", "đã hoàn thành khóa học", "Ngày",
            "Giảng viên", "Lớp", "Mã", "Xác minh tại"]),
    "zh": ("王梓睿", "车间消防安全", "上海纺织有限公司",
           ["结业证书", "兹证明", "已完成课程", "日期", "导师", "班级", "证书编号", "验证网址"]),
    "ar": ("فاطمة الزهراء", "السلامة من الحرائق في مكان العمل", "مصنع النسيج الحديث",
           ["شهادة إتمام", "نشهد بأن", "قد أتمّ دورة", "التاريخ", "المدرّب", "الدفعة",
            "الرمز", "للتحقق"]),
}


def sample_document(language: str, key: Ed25519PrivateKey) -> CertificateDocument:
    learner, course, organisation, labels = SAMPLES[language]
    fields = {
        "verification_code": "7KQ2-MX9P",
        "certificate_id": "b3f1c2d4e5f60718293a4b5c6d7e8f90",
        "learner_name": learner,
        "course_id": "fire-safety",
        "course_title": course,
        "content_version": "2025-03-01",
        "completed_on": date(2025, 3, 15),
        "language": language,
        "organisation_name": organisation,
        "cohort_name": "2025-03",
    }
    return CertificateDocument(
        learner_name=learner, course_title=course, completed_on=date(2025, 3, 15),
        language=language, code="7KQ2-MX9P",
        verify_url="https://academy.example.org/verify/7KQ2-MX9P",
        signed_payload=sign_payload(fields, key), organisation_name=organisation,
        labels=dict(zip(LABEL_KEYS, labels)), cohort_name="2025-03",
        tutor_names=("Grace Hopper",))


def first_render(language: str) -> float:
    """Render once in this (fresh) process and return the seconds it took."""
    doc = sample_document(language, Ed25519PrivateKey.generate())
    start = time.perf_counter()
    render_certificate_pdf(doc)
    return time.perf_counter() - start


def main() -> None:
    if sys.argv[1:2] == ["--first"]:
        print(json.dumps(first_render(sys.argv[2])))
        return

    key = Ed25519PrivateKey.generate()
    print(f"{'language':<9} {'first s':>8} {'warm s':>8} {'PDF KB':>7}")
    for language in LANGUAGES:
        first = json.loads(subprocess.run(
            [sys.executable, __file__, "--first", language],
            check=True, capture_output=True, text=True).stdout)
        doc = sample_document(language, key)
        pdf = render_certificate_pdf(doc)  # warms this process up
        times = []
        for _ in range(WARM_RUNS):
            start = time.perf_counter()
            pdf = render_certificate_pdf(doc)
            times.append(time.perf_counter() - start)
        print(f"{language:<9} {first:>8.2f} {statistics.median(times):>8.3f} "
              f"{len(pdf) / 1024:>7.0f}")


if __name__ == "__main__":
    main()
