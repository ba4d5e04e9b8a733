"""The report as files: CSV, an XLSX workbook and a one-page PDF summary.

All three are made from the same :class:`~.present.ReportView` as the page:
hidden numbers stay hidden ("<5", "–"). Words are in the reader's language;
names an admin typed that a spreadsheet would take for a formula stay text.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from flask_babel import gettext as _

from ..pdf import html_to_pdf
from ..web import spreadsheet_text
from .present import DIGITS, ReportView, all_measure_words

PDF_DIR = Path(__file__).resolve().parent / "pdf"

def _sections(view: ReportView):
    return [*view.sections, view.sessions]


def report_csv(view: ReportView) -> bytes:
    """One line per number: section, group, measure, value (a long table a
    spreadsheet can pivot: plain numbers, without the page's grouping, or
    the printed mark). UTF-8 with a byte order mark, CRLF."""
    words = all_measure_words()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("Section"), _("Group"), _("Measure"), _("Value")])
    about = _("Report")
    writer.writerow([about, "", _("Period"), view.period])
    for what, chosen in view.filters:
        writer.writerow([about, "", what, spreadsheet_text(chosen)])
    summary = _("Summary")
    for label, cell, digits in view.headline:
        writer.writerow([summary, _("All learners"), label, cell.export_value(digits)])
    for label, number in view.reach:
        writer.writerow([summary, "", label, number])
    for section in _sections(view):
        for label, row in [*section.rows, (_("Total"), section.total)]:
            for measure in section.measures:
                writer.writerow([section.title, spreadsheet_text(label), words[measure],
                                 row.cells[measure].export_value(DIGITS.get(measure, 0))])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    name = _SHEET_NAME_BAD.sub(" ", title).strip()[:31] or "Sheet"
    candidate, number = name, 2
    while candidate in used:
        candidate = f"{name[:28]} {number}"
        number += 1
    used.add(candidate)
    return candidate


def report_xlsx(view: ReportView, title: str, direction: str) -> bytes:
    """A workbook: a summary sheet, then one sheet per table."""
    # Imported here: openpyxl adds about 16 MB to every server process that
    # loads it, and only an admin's download needs it.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    words = all_measure_words()
    bold = Font(bold=True)
    heading_fill = PatternFill("solid", fgColor="F3F6F4")
    book = Workbook()
    used: set[str] = set()
    summary = book.active
    summary.title = _sheet_name(_("Summary"), used)
    summary.append([title])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append([_("Period"), view.period])
    for what, chosen in view.filters:
        summary.append([what, spreadsheet_text(chosen)])
    summary.append([])
    for label, cell, digits in view.headline:
        summary.append([label, cell.export_value(digits)])
    for label, number in view.reach:
        summary.append([label, number])
    summary.append([])
    summary.append([_("<5: fewer than 5 learners. –: hidden so that a small number cannot be worked out.")])
    summary.column_dimensions["A"].width = 34
    summary.column_dimensions["B"].width = 28
    for section in _sections(view):
        sheet = book.create_sheet(_sheet_name(section.title, used))
        sheet.append([section.heading, *(words[m] for m in section.measures)])
        for cell in sheet[1]:
            cell.font, cell.fill = bold, heading_fill
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        for label, row in [*section.rows, (_("Total"), section.total)]:
            sheet.append([spreadsheet_text(label), *(row.cells[m].export_value(DIGITS.get(m, 0)) for m in section.measures)])
        for cell in sheet[sheet.max_row]:
            cell.font = bold
        sheet.column_dimensions["A"].width = 34
        for column in "BCDEFGHI":
            sheet.column_dimensions[column].width = 14
        sheet.freeze_panes = "B2"
    for sheet in book.worksheets:
        sheet.sheet_view.rightToLeft = direction == "rtl"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def report_pdf(html: str, title: str) -> bytes:
    """The one-page summary, with the shipped fonts (every script)."""
    return html_to_pdf(html, PDF_DIR, [PDF_DIR / "report.css"], title=title)
