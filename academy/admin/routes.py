from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from ..access import admin_required, staff_required
from ..auth import services as accounts
from ..auth.models import User
from ..certificates.services import CertificateError, organisation_logo, save_organisation_logo
from ..cohorts import services as cohorts
from ..config import course_upload_limit
from ..content_updates import UpdateError, install, previous_dir, read_marker, rollback, staged_update, update_target
from ..extensions import db
from ..learn.services import impact_of
from ..library import library_cache
from ..messages import message_for
from ..programmes import services as programmes
from ..programmes.forms import chosen_id, organisation_choices
from ..settings import get_setting, self_registration_open, set_setting
from ..web import ConfirmForm, allow_larger_bodies
from .forms import ROLE_CHOICES, CourseUploadForm, CreateUserForm, SettingsForm

bp = Blueprint("admin", __name__, url_prefix="/admin")
allow_larger_bodies(bp, {"admin.upload_courses": course_upload_limit})  # a zip or bundle of courses


def _managed_user_or_404(user_id: int) -> User:
    """Admins manage everyone; a tutor the learners of their cohorts and the
    accounts they made (cohorts.services.may_manage). Anyone else: 404."""
    user = db.session.get(User, user_id)
    if user is None or not cohorts.may_manage(current_user, user):
        abort(404)
    return user


@bp.route("/users", methods=["GET", "POST"])
@staff_required
def users():
    form = CreateUserForm()
    if not current_user.is_admin:
        form.role.choices = [ROLE_CHOICES[0]]
    _organisation_choices(form)
    new_password = None
    if form.validate_on_submit():
        try:
            temporary = accounts.make_temporary_password()
            user = accounts.create_user(form.username.data, temporary, form.display_name.data, role=form.role.data,
                                        language=form.language.data, must_change_password=True,
                                        created_by=current_user._get_current_object())
        except accounts.AccountError as exc:
            flash(message_for(exc), "error")
        else:
            organisation_id = chosen_id(form.organisation.data)
            if organisation_id:
                programmes.set_organisation(user, organisation_id)
            db.session.commit()
            new_password = (user, temporary)
            form = CreateUserForm(formdata=None)
            _organisation_choices(form)
    return render_template("admin/users.html", form=form, users=cohorts.learners_managed_by(current_user),
                           new_password=new_password, confirm=ConfirmForm())


def _organisation_choices(form: CreateUserForm) -> None:
    form.organisation.choices = organisation_choices()


@bp.post("/users/<int:user_id>/reset-password")
@staff_required
def reset_password(user_id: int):
    user = _managed_user_or_404(user_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    temporary = accounts.reset_password(user)
    db.session.commit()
    return render_template("admin/password_reset.html", user=user, temporary=temporary)


@bp.post("/users/<int:user_id>/delete")
@admin_required
def delete_user(user_id: int):
    user = _managed_user_or_404(user_id)
    if user.id == current_user.id:
        flash(_("You cannot delete your own account here."), "error")
        return redirect(url_for("admin.users"))
    if not ConfirmForm().validate_on_submit():
        abort(400)
    name = user.display_name
    accounts.delete_user(user)
    db.session.commit()
    flash(_("%(name)s and all their records were deleted.", name=name), "info")
    return redirect(url_for("admin.users"))


@bp.route("/settings", methods=["GET", "POST"])
@admin_required
def settings():
    form = SettingsForm()
    if form.validate_on_submit():
        # The logo first: a refused file leaves every setting as it was.
        if form.logo.data:
            try:
                save_organisation_logo(current_app.config["DATA_DIR"], form.logo.data.filename, form.logo.data.read())
            except CertificateError as exc:
                flash(message_for(exc), "error")
                return render_template("admin/settings.html", form=form, has_logo=False), 422
        set_setting("self_registration", "on" if form.self_registration.data else "off")
        set_setting("organisation", form.organisation.data.strip())
        programmes.set_enabled_profile_fields(
            name for name, asked in (("gender", form.ask_gender.data), ("job_role", form.ask_job_role.data),
                                     ("age_band", form.ask_age_band.data)) if asked)
        db.session.commit()
        flash(_("Saved."), "info")
        return redirect(url_for("admin.settings"))
    form.self_registration.data = self_registration_open(current_app.config["SELF_REGISTRATION"])
    form.organisation.data = get_setting("organisation", "")
    asked = programmes.enabled_profile_fields()
    form.ask_gender.data, form.ask_job_role.data, form.ask_age_band.data = (
        "gender" in asked, "job_role" in asked, "age_band" in asked)
    has_logo = organisation_logo(current_app.config["DATA_DIR"]) is not None
    return render_template("admin/settings.html", form=form, has_logo=has_logo)


# -- content: which version of each course learners see, and new versions ---------------

def _content_page(form=None, status: int = 200, **report):
    """The "Content" page; ``report`` holds what an upload or rollback did."""
    config = current_app.config
    try:
        target, target_problem = update_target(config["COURSES_DIR"], config["DATA_DIR"], config["SHIPPED_COURSES_DIR"]), None
    except UpdateError as exc:
        target, target_problem = None, message_for(exc)
    cache = library_cache()
    source = read_marker(cache.courses_dir)
    try:
        installed_dt = datetime.fromisoformat(str(source["installed"]).removesuffix("Z")) if source else None
    except (KeyError, ValueError):
        installed_dt = None
    return render_template(
        "admin/content.html", states=cache.states(), source=source,
        installed_dt=installed_dt,
        courses_dir=f"\u2066{cache.courses_dir}\u2069",  # a left-to-right path inside any sentence (bidi isolate)
        target_problem=target_problem, can_roll_back=target is not None and previous_dir(target).is_dir(),
        form=form or CourseUploadForm(formdata=None), confirm=ConfirmForm(), **report,
    ), status


@bp.get("/content")
@admin_required
def content():
    return _content_page()


@bp.post("/content/upload")
@admin_required
def upload_courses():
    form = CourseUploadForm()
    if not form.validate_on_submit():
        return _content_page(form, 422)
    config = current_app.config
    name = secure_filename(form.archive.data.filename or "") or "upload"
    fd, upload = tempfile.mkstemp(prefix=".course-upload-", suffix=Path(name).suffix, dir=config["DATA_DIR"])
    try:
        with os.fdopen(fd, "wb") as handle:
            form.archive.data.save(handle)
        target = update_target(config["COURSES_DIR"], config["DATA_DIR"], config["SHIPPED_COURSES_DIR"])
        with staged_update(Path(upload), target=target, current=library_cache().courses_dir, languages=config["LANGUAGES"],
                           merge=form.merge.data, name=name) as update:
            if update.refused(form.strict.data):
                return _content_page(form, 422, refused=update)
            impact = impact_of(update.changes)
            install(update)
    except UpdateError as exc:
        flash(message_for(exc), "error")
        return _content_page(form, 422)
    finally:
        os.unlink(upload)
    library_cache().refresh()
    current_app.logger.info("courses updated from %s by %s", name, current_user.username)
    return _content_page(installed=update, changes=update.changes, impact=impact)


@bp.post("/content/rollback")
@admin_required
def rollback_courses():
    if not ConfirmForm().validate_on_submit():
        abort(400)
    config = current_app.config
    try:
        target = update_target(config["COURSES_DIR"], config["DATA_DIR"], config["SHIPPED_COURSES_DIR"])
        changes = rollback(target, config["LANGUAGES"])
    except UpdateError as exc:
        flash(message_for(exc), "error")
        return _content_page(status=422)
    library_cache().refresh()
    current_app.logger.info("courses rolled back by %s", current_user.username)
    return _content_page(rolled_back=True, changes=changes, impact=impact_of(changes))
