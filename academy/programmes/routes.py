"""Programme pages: the organisations a box serves (admins), a learner's
optional profile (on their Account page), and the impact report with its
CSV, XLSX and PDF (admins and programme officers)."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from wtforms import SelectChoice

from ..access import admin_required, reports_required
from ..cohorts.services import local_today
from ..content import title_in
from ..extensions import db
from ..i18n import language
from ..library import get_library
from ..messages import message_for
from ..sync.source import HubSource
from ..web import ConfirmForm
from . import services
from .exports import report_csv, report_pdf, report_xlsx
from .forms import OrganisationForm, ProfileForm, ReportForm, chosen_id
from .models import Organisation
from .present import all_measure_words, build_view
from .report import MODALITIES, BoxSource, ReportFilters, compute_report, previous_quarter, quarter_of
from .words import modality_words, profile_value_words, sector_words

bp = Blueprint("programmes", __name__)


# -- organisations (admins) -------------------------------------------------------------

def _fill_organisation_form(form: OrganisationForm) -> None:
    form.country.choices = [SelectChoice("", "—")] + [SelectChoice(code, name)
                                                      for code, name in services.country_choices(str(get_locale()))]
    form.sector.choices = [SelectChoice("", "—")] + [SelectChoice(key, word) for key, word in sector_words().items()]


@bp.route("/admin/organisations", methods=["GET", "POST"])
@admin_required
def organisations():
    form = OrganisationForm()
    _fill_organisation_form(form)
    if form.validate_on_submit():
        try:
            organisation = services.create_organisation(form.name.data, form.country.data, form.sector.data or None,
                                                        form.parent.data)
        except services.ProgrammeError as exc:
            form.name.errors.append(message_for(exc))
        else:
            db.session.commit()
            flash(_("“%(name)s” is added.", name=organisation.name), "info")
            return redirect(url_for("programmes.organisations"))
    locale = str(get_locale())
    return render_template("programmes/organisations.html", form=form, organisations=services.organisations(),
                           counts=services.member_counts(), country_name=lambda code: services.country_name(code, locale),
                           sectors=sector_words()), 422 if form.errors else 200


def _organisation_or_404(organisation_id: int) -> Organisation:
    return db.session.get(Organisation, organisation_id) or abort(404)


@bp.route("/admin/organisations/<int:organisation_id>/edit", methods=["GET", "POST"])
@admin_required
def edit_organisation(organisation_id: int):
    organisation = _organisation_or_404(organisation_id)
    form = OrganisationForm(obj=organisation)
    _fill_organisation_form(form)
    if request.method == "GET":
        form.sector.data = organisation.sector or ""
    if form.validate_on_submit():
        try:
            services.update_organisation(organisation, form.name.data, form.country.data, form.sector.data or None,
                                         form.parent.data)
        except services.ProgrammeError as exc:
            form.name.errors.append(message_for(exc))
        else:
            db.session.commit()
            flash(_("Saved."), "info")
            return redirect(url_for("programmes.organisations"))
    return render_template("programmes/organisation_edit.html", form=form, organisation=organisation,
                           in_use=services.organisation_in_use(organisation), confirm=ConfirmForm()), 422 if form.errors else 200


@bp.post("/admin/organisations/<int:organisation_id>/delete")
@admin_required
def delete_organisation(organisation_id: int):
    organisation = _organisation_or_404(organisation_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        services.delete_organisation(organisation)
    except services.ProgrammeError as exc:
        flash(message_for(exc), "error")
        return redirect(url_for("programmes.edit_organisation", organisation_id=organisation.id))
    db.session.commit()
    flash(_("“%(name)s” is deleted.", name=organisation.name), "info")
    return redirect(url_for("programmes.organisations"))


# -- a learner's profile ------------------------------------------------------------------

def _profile_form(formdata=None) -> ProfileForm | None:
    """The profile form with the fields the admin switched on; None when
    none is."""
    enabled = services.enabled_profile_fields()
    if not enabled:
        return None
    form = ProfileForm(formdata=formdata) if formdata is not None else ProfileForm(formdata=None)
    values = profile_value_words()
    for name in ("gender", "job_role", "age_band"):
        if name in enabled:
            form[name].choices = [SelectChoice("", _("No answer"))] + [SelectChoice(k, w) for k, w in values[name].items()]
        else:
            del form[name]
    return form


@bp.app_template_global("profile_form")
def profile_form_global():
    """For the Account page: the profile form, filled in, or None."""
    if not current_user.is_authenticated:
        return None
    form = _profile_form()
    if form is not None:
        profile = services.profile_of(current_user)
        for name in ("gender", "job_role", "age_band"):
            if name in form:
                form[name].data = getattr(profile, name, None) or ""
    return form


@bp.app_template_global("organisation_of")
def organisation_of_global(user) -> str | None:
    return services.organisation_name_of(user)


@bp.post("/account/profile")
@login_required
def profile():
    form = _profile_form(request.form)
    if form is None:
        abort(404)
    try:
        if not form.validate_on_submit():
            raise services.ProgrammeError("bad-profile-value")
        services.update_profile(current_user, {name: form[name].data or None for name in ("gender", "job_role", "age_band")
                                               if name in form})
    except services.ProgrammeError as exc:
        flash(message_for(exc), "error")
    else:
        db.session.commit()
        flash(_("Saved."), "info")
    return redirect(url_for("auth.account"))


# -- the impact report --------------------------------------------------------------------

def report_source():
    """Where the numbers come from: this box's own records, or on a hub
    (ACADEMY_ROLE=hub) what every box sent (academy/sync)."""
    if current_app.config.get("ROLE") == "hub":
        return HubSource(get_library())
    return BoxSource(get_library())


def _course_titles(course_ids) -> dict[str, str]:
    """A title for each course, or learning path ("path:<id>", what a
    cohort on a path takes), in the reader's language where it has one."""
    library, ui = get_library(), str(get_locale())
    return {course_id: title_in(library, course_id, ui) for course_id in course_ids}


def _report_form(source) -> tuple[ReportForm, ReportFilters | None]:
    form = ReportForm(request.args)
    locale = str(get_locale())
    o, c = source.organisations, source.cohorts
    organisations = db.session.execute(select(o.c.id, o.c.name).order_by(func.lower(o.c.name))).all()
    countries = sorted({code for code, in db.session.execute(select(o.c.country).distinct()) if code},
                       key=lambda code: services.country_name(code, locale).casefold())
    cohorts = db.session.execute(select(c.c.id, c.c.name, c.c.course_id).order_by(func.lower(c.c.name))).all()
    # A cohort on a learning path takes "path:<id>": its learners enrol in
    # the path's courses, which are the ones to filter by.
    course_ids = sorted(set(source.course_ids()) | {row.course_id for row in cohorts if not row.course_id.startswith("path:")})
    titles = _course_titles(course_ids + sorted({row.course_id for row in cohorts if row.course_id.startswith("path:")}))
    everyone = SelectChoice("", _("All"))
    form.organisation.choices = [everyone] + [SelectChoice(str(i), name) for i, name in organisations]
    form.country.choices = [everyone] + [SelectChoice(code, services.country_name(code, locale)) for code in countries]
    form.course.choices = [everyone] + sorted((SelectChoice(i, titles[i]) for i in course_ids), key=lambda ch: ch.label.casefold())
    form.modality.choices = [everyone] + [SelectChoice(m, modality_words()[m]) for m in MODALITIES]
    form.cohort.choices = [everyone] + [SelectChoice(str(row.id), f"{row.name} ({titles.get(row.course_id, row.course_id)})")
                                        for row in cohorts]
    form.titles = titles
    form.cohort_names = {row.id: row.name for row in cohorts}
    default_start, default_end = quarter_of(local_today())
    if not form.start.raw_data:
        form.start.data = default_start
    if not form.end.raw_data:
        form.end.data = default_end
    if not form.validate():
        return form, None

    filters = ReportFilters(
        start=form.start.data or default_start, end=form.end.data or default_end,
        organisation_id=chosen_id(form.organisation.data), country=form.country.data or None,
        course_id=form.course.data or None, modality=form.modality.data or None, cohort_id=chosen_id(form.cohort.data))
    return form, filters


def _periods() -> list[tuple[str, date, date]]:
    today = local_today()
    this = quarter_of(today)
    last = previous_quarter(today)
    return [(_("This quarter"), *this), (_("Last quarter"), *last),
            (_("This year"), date(today.year, 1, 1), date(today.year, 12, 31)),
            (_("Last year"), date(today.year - 1, 1, 1), date(today.year - 1, 12, 31))]


def _view_for_request():
    source = report_source()
    form, filters = _report_form(source)
    if filters is None:
        return form, None
    report = compute_report(source, filters)
    ui = language(str(get_locale()))
    view = build_view(report, str(get_locale()), ui.direction, form.titles, form.cohort_names)
    return form, view


def _exported_view():
    """The report the query string asks for; a bad period is a 400 for a download."""
    _form, view = _view_for_request()
    if view is None:
        abort(400)
    return view


def _download(view, data, mimetype: str, suffix: str, disposition: str = "attachment") -> Response:
    filters = view.report.filters
    name = f"impact-report-{filters.start.isoformat()}-{filters.end.isoformat()}.{suffix}"
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": f'{disposition}; filename="{name}"'})


@bp.get("/reports")
@reports_required
def report():
    form, view = _view_for_request()
    return render_template("programmes/report.html", form=form, view=view, periods=_periods(),
                           words=all_measure_words()), 200 if view is not None else 422


@bp.get("/reports/report.csv")
@reports_required
def report_as_csv():
    view = _exported_view()
    return _download(view, report_csv(view), "text/csv", "csv")


@bp.get("/reports/report.xlsx")
@reports_required
def report_as_xlsx():
    view = _exported_view()
    data = report_xlsx(view, _("Impact report"), language(str(get_locale())).direction)
    return _download(view, data, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx")


@bp.get("/reports/report.pdf")
@reports_required
def report_as_pdf():
    view = _exported_view()
    ui = language(str(get_locale()))
    html = render_template("programmes/report_pdf.html", view=view, words=all_measure_words(),
                           html_lang=ui.html_lang, direction=ui.direction)
    return _download(view, report_pdf(html, _("Impact report")), "application/pdf", "pdf", disposition="inline")
