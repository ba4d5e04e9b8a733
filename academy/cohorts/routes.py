"""Cohort pages. Tutors see and change only the cohorts they tutor (any
other cohort is a 404), admins see all; a learner sees their own cohort's
schedule on "My learning" and joins with a code here."""

from __future__ import annotations

from datetime import timedelta

from babel.dates import format_skeleton
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    get_template_attribute,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from wtforms import SelectChoice

from ..access import staff_required
from ..auth.models import User
from ..certificates.services import issue_held_certificates, issue_if_eligible, issue_path_certificates
from ..content import content_language
from ..extensions import db
from ..i18n import language
from ..library import get_library
from ..messages import import_message, message_for
from ..pdf import qr_svg
from ..programmes import services as programmes
from ..programmes.forms import chosen_id, organisation_choices
from ..settings import self_registration_open
from ..web import ConfirmForm, public_base_url
from . import attendance as attendance_records
from . import reports, services
from .csv_import import ClassListError, give_first_passwords, import_class, read_class_list
from .export import attendance_words, cohort_csv, modality_words, status_words
from .forms import CohortForm, ImportForm, JoinForm, SessionForm, openings_form
from .sheets import join_url, render_sheet_pdf

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts")


# -- helpers ------------------------------------------------------------------------

def _cohort_or_404(cohort_id: int):
    cohort = services.managed_cohort(current_user, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def _lang(course) -> str:
    """The course's language for the tutor: theirs if the course has it."""
    return content_language(course, str(get_locale()))


def _target_or_notice(cohort):
    """The cohort's course, or its learning path (services.PathTarget)."""
    target = services.cohort_target(cohort, get_library())
    if target is None:
        abort(Response(render_template("cohorts/no_course.html", cohort=cohort), 404))
    return target


def _course_or_notice(cohort):
    """The course a page is about: the cohort's, or for a cohort on a path
    the one of its courses chosen with ?course= (the first by default)."""
    target = _target_or_notice(cohort)
    if not isinstance(target, services.PathTarget):
        return target
    chosen = request.args.get("course")
    course = next((c for c in target.courses if c.id == chosen), target.courses[0] if target.courses else None)
    if course is None:
        abort(Response(render_template("cohorts/no_course.html", cohort=cohort), 404))
    return course


def _issue_held(cohort) -> None:
    """After attendance or the rule changed: the certificates it held back,
    for each course of the cohort (and, on a path, the path's)."""
    library = get_library()
    target = services.cohort_target(cohort, library)
    for course in services.target_courses(target):
        issue_held_certificates(cohort, course)
    if isinstance(target, services.PathTarget):
        for _member, user in services.members_of(cohort):
            issue_path_certificates(user, library)


@bp.app_template_global("cohort_path_courses")
def cohort_path_courses_global(cohort) -> tuple:
    """For the cohort menu: the courses of a cohort on a path (else none)."""
    if cohort.path_id is None:
        return ()
    target = services.cohort_target(cohort, get_library())
    return target.courses if target is not None else ()


def _lesson_titles(course, lang: str) -> dict[str, str]:
    """"2.3 Title" for every lesson: module and lesson numbers as on the grid."""
    titles = {}
    for m, module in enumerate(course.modules, start=1):
        for n, lesson in enumerate(module.lessons, start=1):
            titles[lesson.key] = f"{m}.{n} {lesson.text(lang).title}"
    return titles


def _confirmed() -> None:
    if not ConfirmForm().validate_on_submit():
        abort(400)


def _fill_cohort_form(form: CohortForm, editing: bool) -> None:
    library = get_library()
    ui = str(get_locale())
    if editing:
        del form.course
    else:
        titles = {c.id: c.text(content_language(c, ui)).title for c in library.courses.values()}
        form.course.choices = [SelectChoice(course_id, title)
                               for course_id, title in sorted(titles.items(), key=lambda item: item[1].casefold())]
        form.course.choices += [  # a cohort on a learning path takes its courses in order
            SelectChoice(path.key, _("Learning path: %(title)s", title=path.text(content_language(path, ui)).title))
            for path in sorted(library.paths.values(), key=lambda p: p.text(content_language(p, ui)).title.casefold())]
    form.tutors.choices = [SelectChoice(t.id, t.display_name) for t in services.tutor_choices()]
    form.organisation.choices = organisation_choices()


def _chosen_tutors(form: CohortForm):
    chosen = [db.session.get(User, user_id) for user_id in form.tutors.data or []]
    tutors = [t for t in chosen if t is not None]
    if not current_user.is_admin and current_user.id not in {t.id for t in tutors}:
        tutors.insert(0, current_user._get_current_object())  # a tutor cannot lock themselves out
    return tutors or [current_user._get_current_object()]


def slip_words(languages) -> dict[str, dict[str, str]]:
    """The words on a credentials slip, in each learner's own language."""
    words = {}
    for code in languages:
        with force_locale(code):
            words[code] = {"cohort": _("Cohort:"), "address": _("Address:"), "username": _("Username:"),
                               "password": _("First password:")}
    return words


# -- cohorts --------------------------------------------------------------------------

@bp.get("/")
@staff_required
def index():
    cohorts = services.cohorts_for(current_user)
    counts = services.member_counts([c.id for c in cohorts])
    library = get_library()
    courses = {c.course_id: services.cohort_target(c, library) for c in cohorts}
    return render_template("cohorts/index.html", cohorts=cohorts, counts=counts, courses=courses,
                           lang_of=_lang, format_code=services.format_join_code)


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    form = CohortForm()
    _fill_cohort_form(form, editing=False)
    if request.method == "GET":
        today = services.local_today()
        form.starts_on.data, form.ends_on.data = today, today + timedelta(days=27)
        form.language.data = str(get_locale())
        form.tutors.data = [current_user.id]
    if form.validate_on_submit():
        course = services.target_for(form.course.data, get_library())
        if course is None:
            form.course.errors.append(_("Please choose one of the courses offered."))
        else:
            try:
                cohort = services.create_cohort(
                    course, form.name.data, form.language.data, form.starts_on.data, form.ends_on.data,
                    _chosen_tutors(form), form.pacing.data, form.min_attendance_percent.data,
                    form.join_code_expires_on.data, organisation_id=chosen_id(form.organisation.data))
            except services.CohortError as exc:
                flash(message_for(exc), "error")
            else:
                db.session.commit()
                flash(_("The cohort “%(name)s” is ready. Its join code is %(code)s.", name=cohort.name,
                        code=services.format_join_code(cohort.join_code)), "info")
                return redirect(url_for("cohorts.overview", cohort_id=cohort.id))
    return render_template("cohorts/edit.html", form=form, cohort=None), 422 if form.errors else 200


@bp.route("/<int:cohort_id>/edit", methods=["GET", "POST"])
@staff_required
def edit(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    form = CohortForm(obj=cohort)
    _fill_cohort_form(form, editing=True)
    if request.method == "GET":
        form.tutors.data = [t.id for t in cohort.tutors]
        form.organisation.data = str(cohort.organisation_id or "")
    if form.validate_on_submit():
        try:
            services.update_cohort(
                cohort, get_library().get(cohort.course_id), form.name.data, form.language.data,
                form.starts_on.data, form.ends_on.data, _chosen_tutors(form), form.pacing.data,
                form.min_attendance_percent.data, form.join_code_expires_on.data,
                organisation_id=chosen_id(form.organisation.data))
        except services.CohortError as exc:
            flash(message_for(exc), "error")
        else:
            programmes.adopt_for_members(cohort)  # members without an organisation get the cohort's
            _issue_held(cohort)
            db.session.commit()
            flash(_("Saved."), "info")
            return redirect(url_for("cohorts.overview", cohort_id=cohort.id))
    return render_template("cohorts/edit.html", form=form, cohort=cohort), 422 if form.errors else 200


@bp.get("/<int:cohort_id>/")
@staff_required
def overview(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    course = services.cohort_target(cohort, get_library())
    return render_template(
        "cohorts/overview.html", cohort=cohort, course=course, lang=_lang(course) if course else None,
        members=services.members_of(cohort), sessions=attendance_records.sessions_of(cohort),
        code=services.format_join_code(cohort.join_code), join_link=join_url(public_base_url(), cohort.join_code),
        code_expired=cohort.join_code_expires_on is not None and cohort.join_code_expires_on < services.local_today(),
        modalities=modality_words(), now=services.local_now(),
    )


@bp.post("/<int:cohort_id>/code")
@staff_required
def new_code(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    _confirmed()
    code = services.new_join_code(cohort)
    db.session.commit()
    flash(_("The new join code is %(code)s. The old code no longer works.", code=services.format_join_code(code)), "info")
    return redirect(url_for("cohorts.overview", cohort_id=cohort.id))


@bp.get("/<int:cohort_id>/join-sheet.pdf")
@staff_required
def join_sheet(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    course = _target_or_notice(cohort)
    lang = content_language(course, cohort.language)
    base = public_base_url()
    link = join_url(base, cohort.join_code)
    code = services.format_join_code(cohort.join_code)
    with force_locale(cohort.language):  # the sheet is for the learners: in the class's language
        html = render_template(
            "cohorts/join_sheet.html", cohort=cohort, course_title=course.text(lang).title, code=code,
            address=base.rstrip("/") + "/", link=link, qr=qr_svg(link),
            html_lang=language(cohort.language).html_lang, direction=language(cohort.language).direction,
        )
    pdf = render_sheet_pdf(html, title=f"{cohort.name} - {code}")
    return Response(pdf, mimetype="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="join-sheet-{cohort.join_code}.pdf"'})


@bp.route("/<int:cohort_id>/openings", methods=["GET", "POST"])
@staff_required
def openings(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    course = _course_or_notice(cohort)
    lang = _lang(course)
    titles = {m.id: f"{i}. {m.text(lang).title}" for i, m in enumerate(course.modules, start=1)}
    current = {f"opens_{o.module_id}": o.opens_on for o in cohort.openings}
    form = openings_form(course.modules, titles, data=current)
    if form.validate_on_submit():
        services.set_module_openings(cohort, course, {m.id: field.data for m, field in form.module_fields})
        db.session.commit()
        flash(_("The opening dates are saved."), "info")
        return redirect(url_for("cohorts.overview", cohort_id=cohort.id))
    return render_template("cohorts/openings.html", cohort=cohort, course=course, form=form,
                           lang=lang), 422 if form.errors else 200


# -- members ------------------------------------------------------------------------

@bp.route("/<int:cohort_id>/import", methods=["GET", "POST"])
@staff_required
def import_learners(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    course = _target_or_notice(cohort)
    form = ImportForm()
    problems = []
    if form.validate_on_submit():
        try:
            learners = read_class_list(form.file.data.read(), cohort.language, programmes.organisation_finder())
            # End the request's transaction (and its write lock) while the
            # passwords are hashed: learners' answers keep landing meanwhile.
            db.session.commit()
            learners = give_first_passwords(learners)
            created = import_class(cohort, course, learners, created_by=current_user._get_current_object())
            # programmes: each learner's organisation, else the cohort's.
            programmes.set_organisations({user.id: item.organisation_id or cohort.organisation_id
                                          for item, (user, _password) in zip(learners, created)
                                          if item.organisation_id or cohort.organisation_id})
            db.session.commit()
        except ClassListError as exc:
            problems = [import_message(p) for p in exc.problems]
        except services.CohortError as exc:
            problems = [message_for(exc)]
        else:
            return render_template("cohorts/credentials.html", slip_words=slip_words({u.language for u, _p in created}), cohort=cohort, course=course, lang=_lang(course),
                                   created=created, address=public_base_url().rstrip("/") + "/")
    status = 422 if problems or form.errors else 200
    return render_template("cohorts/import.html", cohort=cohort, form=form, problems=problems), status


@bp.post("/<int:cohort_id>/members/<int:user_id>/remove")
@staff_required
def remove_member(cohort_id: int, user_id: int):
    cohort = _cohort_or_404(cohort_id)
    _confirmed()
    found = services.member_of(cohort, user_id)
    if found is None:
        abort(404)
    services.remove_member(cohort, user_id)
    for course in services.target_courses(services.cohort_target(cohort, get_library())):
        issue_if_eligible(found[1], course)  # out of the cohort, out of its attendance rule
    db.session.commit()
    flash(_("%(name)s is no longer in this cohort. Their progress is kept.", name=found[1].display_name), "info")
    return redirect(url_for("cohorts.overview", cohort_id=cohort.id))


# -- sessions and attendance ----------------------------------------------------------

@bp.route("/<int:cohort_id>/sessions", methods=["GET", "POST"])
@staff_required
def sessions(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    form = SessionForm()
    if form.validate_on_submit():
        try:
            attendance_records.add_session(cohort, form.starts_dt.data, form.modality.data, form.place.data)
        except services.CohortError as exc:
            flash(message_for(exc), "error")
        else:
            db.session.commit()
            flash(_("The session is on the schedule."), "info")
            return redirect(url_for("cohorts.sessions", cohort_id=cohort.id))
    return render_template("cohorts/sessions.html", cohort=cohort, form=form, sessions=attendance_records.sessions_of(cohort),
                           modalities=modality_words(), now=services.local_now()), 422 if form.errors else 200


@bp.post("/<int:cohort_id>/sessions/<int:session_id>/delete")
@staff_required
def delete_session(cohort_id: int, session_id: int):
    cohort = _cohort_or_404(cohort_id)
    session = attendance_records.session_of(cohort, session_id) or abort(404)
    _confirmed()
    attendance_records.delete_session(session)
    _issue_held(cohort)
    db.session.commit()
    flash(_("The session and its attendance were deleted."), "info")
    return redirect(url_for("cohorts.sessions", cohort_id=cohort.id))


@bp.route("/<int:cohort_id>/sessions/<int:session_id>/attendance", methods=["GET", "POST"])
@staff_required
def attendance(cohort_id: int, session_id: int):
    cohort = _cohort_or_404(cohort_id)
    session = attendance_records.session_of(cohort, session_id) or abort(404)
    members = services.members_of(cohort)
    if request.method == "POST":
        _confirmed()
        statuses = {}
        for key, value in request.form.items():
            if key.startswith("status-") and key[7:].isdigit() and value:
                statuses[int(key[7:])] = value
        try:
            attendance_records.record_attendance(session, statuses)
        except services.CohortError as exc:
            flash(message_for(exc), "error")
        else:
            _issue_held(cohort)
            db.session.commit()
            flash(_("Attendance saved."), "info")
            return redirect(url_for("cohorts.attendance", cohort_id=cohort.id, session_id=session.id))
    return render_template("cohorts/attendance.html", cohort=cohort, session=session, members=members,
                           recorded=attendance_records.attendance_for_session(session), modalities=modality_words(),
                           words=attendance_words())


@bp.post("/<int:cohort_id>/sessions/<int:session_id>/everyone-present")
@staff_required
def everyone_present(cohort_id: int, session_id: int):
    cohort = _cohort_or_404(cohort_id)
    session = attendance_records.session_of(cohort, session_id) or abort(404)
    _confirmed()
    attendance_records.mark_everyone_present(session)
    _issue_held(cohort)
    db.session.commit()
    flash(_("Everyone not yet recorded is marked present. Change anyone who is not here."), "info")
    return redirect(url_for("cohorts.attendance", cohort_id=cohort.id, session_id=session.id))


# -- results ------------------------------------------------------------------------

def _inactive_days() -> int:
    days = request.args.get("days", type=int)
    return days if days is not None and 1 <= days <= 365 else 7


@bp.get("/<int:cohort_id>/dashboard")
@staff_required
def dashboard(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    course = _course_or_notice(cohort)
    lang = _lang(course)
    board = reports.cohort_dashboard(cohort, course, _inactive_days())
    words = status_words()
    return render_template("cohorts/dashboard.html", cohort=cohort, course=course, lang=lang, board=board,
                           titles=_lesson_titles(course, lang), grid_cells=_grid_cells(board, words))


def _grid_cells(board, words) -> list[Markup]:
    """Each learner's row of cells as HTML, rendering each distinct cell once
    (the grid of a large cohort is most of the page's time otherwise)."""
    render_cell = get_template_attribute("cohorts/_grid.html", "cell")
    rendered: dict = {}
    rows = []
    for row in board.rows:
        for cell in row.cells:
            if cell not in rendered:
                rendered[cell] = render_cell(cell, words)
        rows.append(Markup("").join(rendered[cell] for cell in row.cells))
    return rows


@bp.get("/<int:cohort_id>/questions")
@staff_required
def questions(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    course = _course_or_notice(cohort)
    lang = _lang(course)
    return render_template("cohorts/questions.html", cohort=cohort, course=course, lang=lang,
                           report=reports.item_analysis(cohort, course), titles=_lesson_titles(course, lang))


@bp.get("/<int:cohort_id>/learners/<int:user_id>")
@staff_required
def learner(cohort_id: int, user_id: int):
    cohort = _cohort_or_404(cohort_id)
    course = _course_or_notice(cohort)
    report = reports.learner_report(cohort, course, user_id)
    if report is None:
        abort(404)
    lang = _lang(course)
    return render_template("cohorts/learner.html", cohort=cohort, course=course, lang=lang, report=report,
                           titles=_lesson_titles(course, lang), modalities=modality_words(), words=attendance_words())


@bp.get("/<int:cohort_id>/export.csv")
@staff_required
def export(cohort_id: int):
    cohort = _cohort_or_404(cohort_id)
    course = _course_or_notice(cohort)
    board = reports.cohort_dashboard(cohort, course)
    body = cohort_csv(board, _lesson_titles(course, _lang(course)))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="cohort-{cohort.id}-progress.csv"'})


# -- learners: joining ------------------------------------------------------------------

@bp.route("/join", methods=["GET", "POST"])
def join():
    """The join link's page (the QR code holds it with ?code=...): signed-in
    learners confirm; others sign in or create an account first."""
    form = JoinForm()
    if request.method == "GET" and request.args.get("code"):
        form.code.data = services.format_join_code(services.normalise_join_code(request.args["code"]))[:20]
    if request.method == "POST":
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if form.validate_on_submit():
            try:
                cohort = services.cohort_for_code(form.code.data)
                services.join_cohort(current_user, cohort, services.cohort_target(cohort, get_library()))
                programmes.adopt_cohort_organisation(current_user, cohort)
            except services.CohortError as exc:
                form.code.errors.append(message_for(exc))
            else:
                db.session.commit()
                flash(_("Welcome to the cohort “%(name)s”! Your schedule is below.", name=cohort.name), "info")
                return redirect(url_for("learn.my_learning"))
        return render_template("cohorts/join.html", form=form, can_register=False), 422
    return render_template("cohorts/join.html", form=form, can_register=self_registration_open(
        current_app.config["SELF_REGISTRATION"]))


@bp.app_template_global("my_cohorts")
def my_cohorts_global():
    """For "My learning": the signed-in learner's cohorts and schedules."""
    if not current_user.is_authenticated:
        return []
    return reports.my_cohorts(current_user, get_library())


@bp.app_template_global("cohort_join_form")
def cohort_join_form_global():
    return JoinForm(formdata=None)


@bp.app_template_filter("cohort_when")
def cohort_when_filter(value) -> str:
    """A session's day and time, in the reader's language and its order of
    parts (a local wall-clock time: never shifted to another time zone)."""
    locale = get_locale()
    day = format_skeleton("yMMMEd", value, locale=locale)
    time = format_skeleton("Hm", value, locale=locale)
    return locale.datetime_formats["medium"].replace("{1}", day).replace("{0}", time)


@bp.app_template_global("cohort_words")
def cohort_words_global():
    return {"attendance": attendance_words(), "modalities": modality_words()}

