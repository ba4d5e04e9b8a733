"""The report as people read it: every table with its words in the reader's
language and the small numbers hidden (:mod:`.suppression`), and the
charts. The page, the CSV, the workbook and the PDF are all made from this
one :class:`ReportView`, so none of them can show what another hides."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import format_date, format_decimal
from flask_babel import gettext as _

from .charts import PAPER, Bar, bar_chart
from .models import AGE_BANDS, GENDERS, JOB_ROLES
from .report import MODALITIES, SESSION_MODALITIES, Report
from .services import country_name
from .suppression import COUNTS, Cell, Row, safe_sessions, safe_tables
from .words import age_band_words, gender_words, job_role_words, modality_words, not_given


def measure_words() -> dict[str, str]:
    return {
        "enrolled": _("Enrolled"), "started": _("Started"), "completed": _("Completed"), "certified": _("Certified"),
        "completion_rate": _("Completion rate (%)"), "average_score": _("Average best score (%)"),
        "hours": _("Hours of learning"),
    }


def session_measure_words() -> dict[str, str]:
    return {"sessions": _("Sessions held"), "present": _("Present"), "absent": _("Absent"), "excused": _("Excused"),
            "attendance_rate": _("Attendance (%)")}


def isolated(text: str) -> str:
    """A number or "<5" kept left to right inside any sentence (in Arabic,
    "<5" would otherwise be shown mirrored, as "5>")."""
    return f"\u2066{text}\u2069"


#: Digits after the point, per measure.
DIGITS = {"completion_rate": 0, "average_score": 0, "hours": 1, "attendance_rate": 0}


def number_text(cell: Cell, digits: int = 0) -> str:
    """A cell as the reader's language writes numbers ("1.234,5" in
    Vietnamese, "1,234.5" in English), or its mark ("<5", "–")."""
    if not cell.shown or cell.value is None:
        return cell.text()
    return format_decimal(cell.value, format="#,##0" + ("." + "0" * digits if digits else ""))


@dataclass(frozen=True)
class Section:
    id: str  # for anchors, sheet names and the CSV's first column
    title: str
    heading: str  # the first column's heading
    rows: tuple[tuple[str, Row], ...]  # (label, row)
    total: Row
    measures: tuple[str, ...]
    chart: object = None  # Markup

    def cell_text(self, row: Row, measure: str) -> str:
        return number_text(row.cells[measure], DIGITS.get(measure, 0))


@dataclass
class ReportView:
    report: Report
    period: str
    filters: list[tuple[str, str]]  # (what, chosen), for the filters set
    headline: list[tuple[str, Cell, int]] = field(default_factory=list)  # (label, cell, digits)
    reach: list[tuple[str, int]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    sessions: Section | None = None
    funnel: object = None  # Markup
    funnel_paper: object = None  # the same, sized for the PDF
    empty: bool = False

    @staticmethod
    def number_text(cell: Cell, digits: int = 0) -> str:
        return number_text(cell, digits)

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


def _labelled(keys, words: dict, none_word: str) -> list[tuple[object, str]]:
    return [(key, words.get(key, key) if key is not None else none_word) for key in keys]


def build_view(report: Report, locale: str, direction: str, course_titles: dict[str, str],
               cohort_names: dict | None = None) -> ReportView:
    filters = report.filters
    words = measure_words()
    period = _("%(start)s to %(end)s", start=format_date(filters.start, "medium"), end=format_date(filters.end, "medium"))
    chosen = []
    if filters.organisation_id is not None:
        chosen.append((_("Organisation"), report.organisation_names.get(filters.organisation_id, "?")))
    if filters.country:
        chosen.append((_("Country"), country_name(filters.country, locale)))
    if filters.course_id:
        chosen.append((_("Course"), course_titles.get(filters.course_id, filters.course_id)))
    if filters.modality:
        chosen.append((_("Modality"), modality_words().get(filters.modality, filters.modality)))
    if filters.cohort_id is not None:
        chosen.append((_("Cohort"), (cohort_names or {}).get(filters.cohort_id, "?")))
    view = ReportView(report, period, chosen, empty=report.total.enrolled == 0 and report.sessions_total.sessions == 0)

    view.reach = [(_("Organisations reached"), report.organisations_reached),
                  (_("Countries reached"), report.countries_reached)]

    measures = (*COUNTS, "completion_rate", "average_score", "hours")
    nobody = not_given()
    breakdowns = [
        ("gender", _("By gender"), _("Gender"), report.by_gender, _labelled([*GENDERS, None], gender_words(), nobody)),
        ("job-role", _("By job role"), _("Job role"), report.by_job_role, _labelled([*JOB_ROLES, None], job_role_words(), nobody)),
        ("age", _("By age"), _("Age"), report.by_age_band, _labelled([*AGE_BANDS, None], age_band_words(), nobody)),
        ("modality", _("By modality"), _("Modality"), report.by_modality,
         _labelled([m for m in MODALITIES if m in report.by_modality], modality_words(), nobody)),
        ("course", _("By course"), _("Course"), report.by_course,
         sorted(((key, course_titles.get(key, key)) for key in report.by_course), key=lambda item: item[1].casefold())),
        ("country", _("By country"), _("Country"), report.by_country,
         sorted(((key, country_name(key, locale) if key else _("No organisation")) for key in report.by_country),
                key=lambda item: (item[0] is None, item[1].casefold()))),
        ("organisation", _("By organisation"), _("Organisation"), report.by_organisation,
         sorted(((key, report.organisation_names.get(key, "?") if key is not None else _("No organisation"))
                 for key in report.by_organisation), key=lambda item: (item[0] is None, item[1].casefold()))),
    ]
    total, tables = safe_tables(report.total, [(groups, [key for key, _label in labelled])
                                               for _id, _title, _heading, groups, labelled in breakdowns])
    for measure in (*COUNTS, "completion_rate", "average_score", "hours"):
        view.headline.append((words[measure], total.cells[measure], DIGITS.get(measure, 0)))
    funnel_bars = [Bar(words[m], isolated(number_text(total.cells[m])), total.cells[m]) for m in COUNTS]
    funnel_title = _("Learners enrolled, started, completed and certified")
    # Bars are scaled to the largest *shown* number: a bar must not measure a hidden one.
    view.funnel = bar_chart(funnel_bars, funnel_title, direction)
    view.funnel_paper = bar_chart(funnel_bars, funnel_title, direction, size=PAPER)

    for (section_id, title, heading, groups, labelled), table in zip(breakdowns, tables):
        if section_id in ("gender", "job-role", "age") and set(groups) <= {None}:
            continue  # nobody answered this question (or it is not asked): nothing to break down
        rows = tuple((label, row) for (_key, label), row in zip(labelled, table.rows))
        chart = None
        if section_id in ("gender", "job-role", "age", "modality"):
            chart = bar_chart(
                [Bar(label, _("%(completed)s of %(enrolled)s completed", completed=isolated(number_text(row.cells["completed"])),
                                enrolled=isolated(number_text(row.cells["enrolled"]))), row.cells["enrolled"], row.cells["completed"])
                 for label, row in rows], title, direction)
        view.sections.append(Section(section_id, title, heading, rows, table.total, measures, chart))

    session_keys = [m for m in SESSION_MODALITIES if m in report.sessions]
    sessions = safe_sessions(report.sessions, report.sessions_total, session_keys)
    session_rows = tuple((modality_words().get(key, key), row) for key, row in zip(session_keys, sessions.rows))
    chart = bar_chart(
        [Bar(label, _("%(sessions)s sessions, %(present)s present", sessions=isolated(number_text(row.cells["sessions"])),
                      present=isolated(number_text(row.cells["present"]))), row.cells["sessions"])
         for label, row in session_rows], _("Tutor-led sessions held"), direction) if session_rows else None
    view.sessions = Section("sessions", _("Tutor-led sessions held"), _("Modality"), session_rows, sessions.total,
                            ("sessions", "present", "absent", "excused", "attendance_rate"), chart)
    return view


def all_measure_words() -> dict[str, str]:
    return {**measure_words(), **session_measure_words()}
