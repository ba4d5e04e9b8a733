from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, flash, json, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from ..cohorts import services as cohorts  # registering with a join code joins the cohort
from ..data_export import export_user_data
from ..extensions import db, login_manager
from ..library import get_library
from ..messages import message_for
from ..programmes.services import adopt_cohort_organisation
from ..settings import self_registration_open
from ..web import safe_next
from . import services
from .forms import AccountForm, LoginForm, NewAccountForm, PasswordForm, RegisterForm
from .models import User

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = None  # the sign-in page says why on its own


@login_manager.user_loader
def load_user(user_id: str):
    ident, _sep, version = user_id.partition(":")
    if not ident.isdigit() or not version.isdigit():
        return None
    user = db.session.get(User, int(ident))
    # A changed or reset password ends every other session.
    return user if user is not None and user.login_version == int(version) else None


@bp.before_app_request
def require_new_password():
    """A learner whose password was reset chooses a new one first."""
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in ("auth.password", "auth.logout", "static", "catalog.set_language")):
        return redirect(url_for("auth.password"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.username.data, form.password.data, request.remote_addr,
                current_app.config["LOGIN_MAX_FAILURES"], current_app.config["LOGIN_LOCK_SECONDS"],
            )
        except services.AccountError as exc:
            db.session.commit()  # the failed try counts for the throttle
            flash(message_for(exc), "error")
            return render_template("auth/login.html", form=form), 401 if exc.code == "bad-credentials" else 429
        db.session.commit()
        session.clear()  # no session fixation
        login_user(user)
        session["lang"] = user.language
        return redirect(safe_next(request.args.get("next"), url_for("learn.my_learning")))
    return render_template("auth/login.html", form=form,
                           can_register=self_registration_open(current_app.config["SELF_REGISTRATION"]))


@bp.post("/logout")
def logout():
    logout_user()
    session.pop("lang", None)
    return redirect(url_for("catalog.index"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    if not self_registration_open(current_app.config["SELF_REGISTRATION"]):
        abort(404)
    form = RegisterForm()
    if request.method == "GET":
        form.language.data = str(get_locale())
        form.join_code.data = request.args.get("join_code", "")[:40]  # cohorts: from the join link
    if form.validate_on_submit():
        # A join code is checked before the account exists, so a wrong or
        # expired code creates nothing.
        cohort = course = None
        if form.join_code.data and form.join_code.data.strip():
            try:
                cohort = cohorts.cohort_for_code(form.join_code.data)
                course = get_library().get(cohort.course_id)
                if course is None:
                    raise cohorts.CohortError("course-unavailable")
            except cohorts.CohortError as exc:
                form.join_code.errors.append(message_for(exc))
                return render_template("auth/register.html", form=form), 422
        try:
            user = services.create_user(form.username.data, form.password.data, form.display_name.data,
                                        language=form.language.data, email=form.email.data)
        except services.AccountError as exc:
            if exc.code in ("username-taken", "bad-username"):
                form.username.errors.append(message_for(exc))
            else:
                flash(message_for(exc), "error")
            return render_template("auth/register.html", form=form), 422
        if cohort is not None:  # join the class (a new account is in no other cohort)
            cohorts.join_cohort(user, cohort, course)
            adopt_cohort_organisation(user, cohort)  # programmes: the class's enterprise
        db.session.commit()  # the account and its cohort place: one step, one transaction
        session.clear()
        login_user(user)
        session["lang"] = user.language
        if cohort is not None:
            flash(_("Welcome! Your account is ready and you are in the cohort “%(name)s”.", name=cohort.name), "info")
            return redirect(url_for("learn.my_learning"))
        flash(_("Welcome! Your account is ready."), "info")
        return redirect(url_for("catalog.index"))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    if not services.setup_token_valid(token):
        abort(404)
    form = NewAccountForm()
    if request.method == "GET":
        form.language.data = str(get_locale())
    if form.validate_on_submit():
        try:
            user = services.create_first_admin(token, form.username.data, form.password.data,
                                               form.display_name.data, form.language.data)
        except services.AccountError as exc:
            flash(message_for(exc), "error")
            return render_template("auth/setup.html", form=form, token=token), 422
        db.session.commit()
        session.clear()
        login_user(user)
        session["lang"] = user.language
        flash(_("You are the administrator of this Academy."), "info")
        return redirect(url_for("admin.users"))
    return render_template("auth/setup.html", form=form, token=token)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = AccountForm(obj=current_user)
    if form.validate_on_submit():
        current_user.display_name = form.display_name.data.strip()
        current_user.language = form.language.data
        current_user.email = form.email.data or None
        db.session.commit()
        session["lang"] = current_user.language
        flash(_("Saved."), "info")
        return redirect(url_for("auth.account"))
    return render_template("auth/account.html", form=form)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, form.password.data)
        except services.AccountError as exc:
            flash(message_for(exc), "error")
            return render_template("auth/password.html", form=form), 422
        db.session.commit()
        login_user(current_user._get_current_object())  # the session follows the new login version
        flash(_("Your new password is saved."), "info")
        return redirect(url_for("learn.my_learning"))
    return render_template("auth/password.html", form=form)


@bp.get("/account/export.json")
@login_required
def export():
    data = export_user_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="academy-my-data.json"'})
