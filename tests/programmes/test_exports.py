"""The report as CSV, as an Excel workbook and as a one-page PDF: the same
numbers as the page, small ones hidden the same way, in the reader's
language and script."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from academy.extensions import db

PERIOD = {"start": "2026-04-01", "end": "2026-06-30"}


@pytest.fixture
def world(make_organisation, learners, progress, course):
    saigon = make_organisation("Saigon Garments", "VN")
    women = learners(9, saigon, gender="woman", job_role="worker")
    men = learners(3, saigon, gender="man", job_role="worker")
    progress(women, course, lessons=len(course.lessons), completed=len(course.lessons), course_complete=True,
             certificate=True, score=85.0)
    progress(men, course, lessons=1)
    return saigon


@pytest.fixture
def signed_in(client, login, officer):
    def sign_in(language="en"):
        officer.language = language
        db.session.commit()
        login(client, officer)
        return client

    return sign_in


def rows_of(body: bytes) -> list[list[str]]:
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_the_csv_has_every_number_of_the_page_and_hides_the_small_ones(signed_in, world):
    response = signed_in().get("/reports/report.csv", query_string=PERIOD)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "impact-report-2026-04-01-2026-06-30.csv" in response.headers["Content-Disposition"]
    rows = rows_of(response.data)
    assert rows[0] == ["Section", "Group", "Measure", "Value"]
    assert ["Summary", "All learners", "Enrolled", "12"] in rows
    assert ["By gender", "Woman", "Enrolled", "9"] in rows
    assert ["By gender", "Man", "Enrolled", "<5"] in rows
    # 9 of 9 completed would say that none of the 3 men did.
    assert ["By gender", "Woman", "Completed", "–"] in rows
    assert ["By gender", "Man", "Completed", "<5"] in rows
    assert ["By organisation", "Saigon Garments", "Enrolled", "12"] in rows


def test_a_name_that_looks_like_a_formula_stays_text_in_the_csv(signed_in, make_organisation, learners, progress, course):
    organisation = make_organisation("=HYPERLINK(1)", "VN")
    progress(learners(6, organisation), course, lessons=1)
    rows = rows_of(signed_in().get("/reports/report.csv", query_string=PERIOD).data)
    assert any(row[1] == "'=HYPERLINK(1)" for row in rows)


def test_the_csv_is_in_the_readers_language(signed_in, world):
    rows = rows_of(signed_in("vi").get("/reports/report.csv", query_string=PERIOD).data)
    assert rows[0] == ["Phần", "Nhóm", "Chỉ số", "Giá trị"]


def workbook(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.data))


def test_the_workbook_has_a_summary_and_a_sheet_per_table(signed_in, world):
    book = workbook(signed_in().get("/reports/report.xlsx", query_string=PERIOD))
    assert book.sheetnames[0] == "Summary"
    assert {"By gender", "By job role", "By course", "By organisation", "Tutor-led sessions held"} <= set(book.sheetnames)
    summary = {row[0]: row[1] for row in book["Summary"].iter_rows(values_only=True) if row and row[0]}
    assert summary["Enrolled"] == 12 and summary["Certified"] == 9
    gender = [row for row in book["By gender"].iter_rows(values_only=True)]
    assert gender[0][:3] == ("Gender", "Enrolled", "Started")
    assert ("Man", "<5", "<5") == gender[2][:3]
    assert gender[-1][0] == "Total" and gender[-1][1] == 12


def test_the_workbook_reads_right_to_left_in_arabic(signed_in, world):
    book = workbook(signed_in("ar").get("/reports/report.xlsx", query_string=PERIOD))
    assert all(sheet.sheet_view.rightToLeft for sheet in book.worksheets)
    assert book.sheetnames[0] == "ملخّص"


def pdf_text(data: bytes) -> tuple[int, str]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "".join(page.extract_text() for page in reader.pages)


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["Impact report", "Enrolled", "By gender"]),
    ("vi", ["Báo cáo tác động", "Đã ghi danh"]),
    ("zh", ["影响报告", "已报名"]),
    ("ar", ["تقرير الأثر"]),
])
def test_the_pdf_summary_is_one_page_in_the_readers_script(signed_in, world, language, words):
    response = signed_in(language).get("/reports/report.pdf", query_string=PERIOD)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pages, text = pdf_text(response.data)
    assert pages == 1
    for word in words:
        assert word in text


def test_the_pdf_names_organisations_in_any_script(signed_in, make_organisation, learners, progress, course):
    for name, country in (("Công ty May Sài Gòn", "VN"), ("东莞自行车厂", "CN"), ("مصنع القاهرة", "EG")):
        progress(learners(5, make_organisation(name, country)), course, lessons=1)
    response = signed_in().get("/reports/report.pdf", query_string={**PERIOD})
    from academy.pdf import missing_characters

    assert missing_characters("Công ty May Sài Gòn 东莞自行车厂 مصنع القاهرة") == set()
    assert pdf_text(response.data)[0] == 1


def test_an_export_of_a_bad_period_is_refused(signed_in):
    assert signed_in().get("/reports/report.csv", query_string={"start": "2026-06-30", "end": "2026-01-01"}).status_code == 400


@pytest.mark.parametrize("suffix", ["csv", "xlsx", "pdf"])
def test_exports_are_for_admins_and_officers_only(client, login, tutor, suffix):
    login(client, tutor)
    assert client.get(f"/reports/report.{suffix}").status_code == 404


@pytest.mark.parametrize(("locale", "hours", "learners"), [("en", "1,234.5", "12,345"), ("vi", "1.234,5", "12.345")])
def test_the_page_and_the_pdf_write_numbers_as_the_readers_language_does_and_the_csv_plainly(app, locale, hours,
                                                                                              learners):
    from flask_babel import force_locale

    from academy.programmes.present import Section, number_text
    from academy.programmes.suppression import Cell, Row

    with app.test_request_context(), force_locale(locale):
        assert number_text(Cell(1234.5), 1) == hours and number_text(Cell(12345)) == learners
        assert number_text(Cell(3, "small")) == "<5"
        row = Row(None, {"hours": Cell(1234.5)})
        assert Section("s", "S", "G", (), row, ("hours",)).cell_text(row, "hours") == hours
    assert Cell(1234.5).export_value(1) == 1234.5  # what the CSV and the workbook get
