"""A cohort's progress, scores and attendance as a CSV file that spreadsheet
programs open correctly in any script: UTF-8 with a byte order mark, CRLF
line ends, one row per learner, headings in the tutor's language."""

from __future__ import annotations

import csv
import io

from flask_babel import format_date, format_datetime
from flask_babel import gettext as _

from ..learn import services as learning
from ..web import spreadsheet_text
from .reports import Dashboard

def status_words() -> dict[str, str]:
    return {
        learning.COMPLETE: _("Complete"),
        learning.FAILED: _("Not passed yet"),
        learning.IN_PROGRESS: _("In progress"),
        learning.NOT_STARTED: _("Not started"),
    }


def attendance_words() -> dict[str | None, str]:
    return {"present": _("Present"), "absent": _("Absent"), "excused": _("Excused"), None: ""}


def modality_words() -> dict[str, str]:
    return {"in-person": _("In person"), "webinar": _("Webinar"), "self-study": _("Self-study")}


def cohort_csv(dashboard: Dashboard, lesson_titles: dict[str, str]) -> bytes:
    statuses, present, modality = status_words(), attendance_words(), modality_words()
    yes, no = _("yes"), _("no")
    header = [_("Name"), _("Username"), _("Language"), _("Joined"), _("Last activity"),
              _("Lessons complete"), _("Course complete")]
    for lesson in dashboard.lessons:
        header.append(lesson_titles[lesson.key])
        if lesson.graded:
            header.append(_("%(lesson)s: best score (%%)", lesson=lesson_titles[lesson.key]))
    header += [_("In-person sessions attended"), _("In-person sessions held"), _("Attendance (%)"),
               _("Attendance requirement met")]
    for session in dashboard.sessions:
        header.append(spreadsheet_text(f"{format_datetime(session.starts_dt, 'short', rebase=False)} {modality[session.modality]}"))

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in dashboard.rows:
        cells = [
            spreadsheet_text(row.user.display_name), spreadsheet_text(row.user.username), row.user.language,
            format_date(row.member.joined_dt.date(), "short"),
            format_date(row.last_activity_dt.date(), "short") if row.last_activity_dt else "",
            row.completed, yes if row.is_complete else no,
        ]
        for lesson, cell in zip(dashboard.lessons, row.cells):
            cells.append(statuses[cell.status])
            if lesson.graded:
                cells.append("" if cell.score is None else f"{cell.score:g}")
        share = row.attendance
        cells += [share.present, share.held, "" if share.percent is None else share.percent,
                  yes if row.attendance_met else no]
        cells += [present[row.statuses.get(session.id)] for session in dashboard.sessions]
        writer.writerow(cells)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
