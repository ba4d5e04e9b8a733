"""Lesson feedback. Learners rate a lesson and comment at its end; admins
read, per course, lesson and language, the ratings, the comments and the
questions answered wrong most often, on a page and as CSV: a beta test read
lesson by lesson.

Who reads it: the admins. Course authors work in git, not on the box; the
admin who runs a beta test sends them the CSV (docs/authoring.md)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select

from ..access import admin_required
from ..cohorts.reports import QuestionStats, course_item_analysis
from ..content import content_language, lesson_view
from ..extensions import db
from ..learn import feedback as lesson_feedback
from ..learn.models import LessonFeedback
from ..learn.services import LearningError, enrollment_for
from ..library import get_library
from ..messages import message_for
from ..web import course_or_404, lesson_or_404, spreadsheet_text

bp = Blueprint("feedback", __name__)

HARDEST_SHOWN = 3  # questions listed per lesson and language


@bp.post("/courses/<course_id>/<module_id>/<lesson_id>/feedback")
@login_required
def send(course_id: str, module_id: str, lesson_id: str):
    course = course_or_404(course_id)
    lesson = lesson_or_404(course, module_id, lesson_id)
    rating = request.form.get("helpful")
    helpful = {"yes": True, "no": False}.get(rating)
    try:
        if enrollment_for(current_user, course.id) is None:
            raise LearningError("not-enrolled")
        read_in = lesson_view(course, lesson, str(get_locale())).text.language
        lesson_feedback.save_feedback(current_user, course, lesson, helpful, request.form.get("comment", ""), read_in)
    except LearningError as exc:
        flash(message_for(exc), "error")
    else:
        db.session.commit()
        flash(_("Thank you! Your feedback helps to improve this lesson."), "info")
    return redirect(url_for("catalog.lesson", course_id=course.id, module_id=module_id, lesson_id=lesson_id)
                    + "#lesson-feedback", 303)


# -- the admins' report -----------------------------------------------------------

@dataclass
class LanguageReport:
    language: str
    feedback: lesson_feedback.LanguageFeedback
    learners: int  # latest quiz attempts counted in this language
    hardest: list[QuestionStats] = field(default_factory=list)


@dataclass
class LessonReport:
    number: str  # "2.3"
    lesson: object
    languages: list[LanguageReport]

    @property
    def is_empty(self) -> bool:
        return not any(row.feedback.ratings or row.feedback.comments or row.learners for row in self.languages)


def course_report(course) -> list[LessonReport]:
    """Per lesson and language: ratings, comments and the questions most
    often answered wrong (each language's learners' latest attempts)."""
    feedback = lesson_feedback.course_feedback(course)
    analyses = {lang: {item.lesson.key: item for item in course_item_analysis(course, language=lang)}
                for lang in course.languages}
    report = []
    for m, module in enumerate(course.modules, start=1):
        for n, lesson in enumerate(module.lessons, start=1):
            rows = []
            for lang in course.languages:
                items = analyses[lang].get(lesson.key)
                hardest = sorted((q for q in (items.questions if items else []) if q.answered and q.correct < q.answered),
                                 key=lambda q: (q.percent_correct, -q.answered))[:HARDEST_SHOWN]
                got = feedback.get(lesson.key, {}).get(lang) or lesson_feedback.LanguageFeedback(lang)
                rows.append(LanguageReport(lang, got, items.learners if items else 0, hardest))
            for lang, got in feedback.get(lesson.key, {}).items():  # read in a language the course no longer offers
                if lang not in course.languages:
                    rows.append(LanguageReport(lang, got, 0, []))
            report.append(LessonReport(f"{m}.{n}", lesson, rows))
    return report


@bp.get("/admin/feedback")
@admin_required
def index():
    library = get_library()
    counts = {course_id: (ratings, comments) for course_id, ratings, comments in db.session.execute(
        select(LessonFeedback.course_id, func.count(LessonFeedback.helpful), func.count(func.nullif(LessonFeedback.comment, "")))
        .group_by(LessonFeedback.course_id))}
    ui = str(get_locale())
    courses = sorted(library.courses.values(), key=lambda c: c.text(content_language(c, ui)).title.casefold())
    return render_template("feedback/index.html", courses=courses, counts=counts, ui=ui)


@bp.get("/admin/feedback/<course_id>")
@admin_required
def course(course_id: str):
    course = course_or_404(course_id)
    lang = content_language(course, str(get_locale()))
    return render_template("feedback/course.html", course=course, lang=lang, report=course_report(course))


def _question_text(lesson, language: str, stats: QuestionStats) -> str:
    question = lesson.text(language).question(stats.question_id) or lesson.source.question(stats.question_id)
    return question.prompt if question else stats.question_id


@bp.get("/admin/feedback/<course_id>.csv")
@admin_required
def course_csv(course_id: str):
    course = course_or_404(course_id)
    out = io.StringIO()
    out.write("\ufeff")  # spreadsheet programs read UTF-8 (any script) with it
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_("Lesson"), _("Lesson id"), _("Title"), _("Language"), _("Helpful"), _("Not helpful"),
                     _("Comments"), _("Learners who answered the quiz"), _("Questions most often answered wrong")])
    for item in course_report(course):
        for row in item.languages:
            title = item.lesson.text(row.language).title
            hardest = "\n".join(f"{q.percent_correct}% — {_question_text(item.lesson, row.language, q)}" for q in row.hardest)
            comments = "\n".join(c.text for c in row.feedback.comments)
            writer.writerow([item.number, item.lesson.key, spreadsheet_text(title), row.language, row.feedback.helpful,
                             row.feedback.not_helpful, spreadsheet_text(comments), row.learners, spreadsheet_text(hardest)])
    return Response(out.getvalue(), mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="feedback-{course.id}.csv"'})


