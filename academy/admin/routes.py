from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..access import admin_required, staff_required
from ..auth import services as accounts
from ..auth.models import User
from ..certificates.services import CertificateError, organisation_logo, save_organisation_logo
from ..extensions import db
from ..messages import message_for
from ..programmes import services as programmes
from ..settings import get_setting, self_registration_open, set_setting
from .forms import ROLE_CHOICES, ConfirmForm, CreateUserForm, SettingsForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _managed_user_or_404(user_id: int) -> User:
    """Admins manage everyone; tutors manage learners only."""
    user = db.session.get(User, user_id)
    if user is None or (not current_user.is_admin and user.role != "learner"):
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
                                        language=form.language.data, must_change_password=True)
        except accounts.AccountError as exc:
            flash(message_for(exc), "error")
        else:
            if form.organisation.data and form.organisation.data.isdigit():
                programmes.set_organisation(user, int(form.organisation.data))
            db.session.commit()
            new_password = (user, temporary)
            form = CreateUserForm(formdata=None)
            _organisation_choices(form)
    query = select(User).order_by(User.display_name)
    if not current_user.is_admin:
        query = query.filter_by(role="learner")
    return render_template("admin/users.html", form=form, users=db.session.scalars(query).all(),
                           new_password=new_password, confirm=ConfirmForm())


def _organisation_choices(form: CreateUserForm) -> None:
    form.organisation.choices = [("", "—")] + [(str(o.id), o.name) for o in programmes.organisations()]


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
