"""The CSV export opens in a spreadsheet with every script intact."""

import csv
import io
from datetime import datetime, timedelta

import pytest

from academy.cohorts import attendance

NAMES = ["Nguyễn Thị Mai", "王芳", "فاطمة الزهراء"]


@pytest.fixture
def export(client, login, tutor, cohort, course, add_learners, answer):
    mai, fang, fatima = add_learners(cohort, NAMES)
    graded = next(lesson for lesson in course.lessons if lesson.graded)
    answer(mai, graded)
    answer(fang, graded, correct=False)
    session = attendance.add_session(cohort, datetime.now() - timedelta(days=1), "in-person", "Room 7")
    attendance.record_attendance(session, {mai.id: "present", fang.id: "absent", fatima.id: "excused"})
    login(client, tutor)
    return client.get(f"/cohorts/{cohort.id}/export.csv")


def rows(response):
    return list(csv.reader(io.StringIO(response.data.decode("utf-8"), newline="")))


def test_the_export_is_utf8_with_a_byte_order_mark_and_crlf_lines(export):
    assert export.mimetype == "text/csv"
    assert export.data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in export.data and b"\n" not in export.data.replace(b"\r\n", b"")


def test_the_export_is_a_download(export):
    assert export.headers["Content-Disposition"].startswith("attachment;")


def test_non_latin_names_survive_the_round_trip(export):
    names = [row[0].lstrip("\ufeff") for row in rows(export)[1:]]
    assert sorted(names) == sorted(NAMES)


def test_each_row_has_progress_scores_and_attendance(export, course):
    header, *data = rows(export)
    by_name = {row[0]: dict(zip(header, row)) for row in data}
    graded = next(lesson for lesson in course.lessons if lesson.graded)
    score_column = next(h for h in header if h.endswith("best score (%)") and graded.source.title in h)
    assert by_name["Nguyễn Thị Mai"][score_column] == "100"
    assert by_name["王芳"][score_column] == "0"
    assert by_name["Nguyễn Thị Mai"]["In-person sessions attended"] == "1"
    assert by_name["فاطمة الزهراء"]["In-person sessions attended"] == "0"
    assert by_name["فاطمة الزهراء"][header[-1]] == "Excused"


def test_a_name_that_looks_like_a_formula_stays_text(client, login, tutor, cohort, add_learners):
    add_learners(cohort, ["=HYPERLINK(\"http://evil\")"])
    login(client, tutor)
    data = rows(client.get(f"/cohorts/{cohort.id}/export.csv"))
    assert data[1][0] == "'=HYPERLINK(\"http://evil\")"
