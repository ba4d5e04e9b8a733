from __future__ import annotations

from datetime import timedelta

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
from ..timeutil import utcnow
from ..web import safe_next
from . import login_sessions, services
from .forms import AccountForm, LoginForm, NewAccountForm, PasswordForm, RegisterForm
from .models import User

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = None  # the sign-in page says why on its own
# No "basic" session protection: it only marks a session "not fresh" when
# the client's address or browser changes (Academy never asks for a fresh
# sign-in), and did so by rewriting the session cookie on every response to
# a client that kept the old one. A copied cookie is stopped by its
# server-side sign-in (login_sessions), not by this.
login_manager.session_protection = None


def _session_limits() -> tuple[timedelta, timedelta]:
    config = current_app.config
    return timedelta(days=config["SESSION_LIFETIME_DAYS"]), timedelta(hours=config["STAFF_IDLE_HOURS"])


@login_manager.user_loader
def load_user(session_id: str):
    """The account of a sign-in that is still good (login_sessions.find), or
    None: the cookie then signs in no one. A remember-me cookie, were there
    one, would come through here as well."""
    lifetime, staff_idle = _session_limits()
    now = utcnow()
    found = login_sessions.find(session_id, lifetime, staff_idle, now)
    if found is None:
        return None
    user, row = found
    if login_sessions.needs_touch(row, now):
        # At most once every LAST_SEEN_PRECISION per sign-in, a page view
        # notes the time (the staff idle timeout needs it); every other
        # request only reads. This runs first thing in the request: end its
        # read first, so that on SQLite the write starts a transaction of its
        # own and waits for the lock instead of failing on a stale snapshot.
        db.session.commit()
        login_sessions.touch(row.id, now)
        db.session.commit()
    return user


def sign_in(user: User) -> None:
    """A new session cookie for a sign-in that login_sessions.start() made
    and the view has committed."""
    session.clear()  # no session fixation
    login_user(user)
    session["lang"] = user.language


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
        login_sessions.prune(_session_limits()[0])
        login_sessions.start(user)
        db.session.commit()
        sign_in(user)
        return redirect(safe_next(request.args.get("next"), url_for("learn.my_learning")))
    return render_template("auth/login.html", form=form,
                           can_register=self_registration_open(current_app.config["SELF_REGISTRATION"]))


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        login_sessions.end(current_user.login_session_id)
        db.session.commit()
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
                course = cohorts.cohort_target(cohort, get_library())  # a course, or a learning path
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
        login_sessions.start(user)
        db.session.commit()  # the account, its cohort place and its sign-in: one step, one transaction
        sign_in(user)
        if cohort is not None:
            flash(_("Welcome! Your account is ready and you are in the cohort “%(name)s”.", name=cohort.name), "info")
            return redirect(url_for("learn.my_learning"))
        flash(_("Welcome! Your account is ready."), "info")
        return redirect(url_for("catalog.index"))
    return render_template("auth/register.html", form=form), 422 if form.errors else 200


@bp.route("/setup/<token>", methods=["GET", "POST"])
def setup(token: str):
    form = NewAccountForm()
    # A complete form goes straight to create_first_admin, whose first
    # statement uses the token up: of several posts sent at once, one makes
    # the admin and the others find the link used (404).
    if request.method == "POST" and form.validate_on_submit():
        try:
            user = services.create_first_admin(token, form.username.data, form.password.data,
                                               form.display_name.data, form.language.data)
        except services.AccountError as exc:
            db.session.rollback()  # the token stays for another try
            if exc.code == "bad-setup-token":
                abort(404)
            flash(message_for(exc), "error")
            return render_template("auth/setup.html", form=form, token=token), 422
        login_sessions.start(user)
        db.session.commit()
        sign_in(user)
        flash(_("You are the administrator of this Academy."), "info")
        return redirect(url_for("admin.users"))
    if not services.setup_token_valid(token):
        abort(404)
    if request.method == "GET":
        form.language.data = str(get_locale())
    return render_template("auth/setup.html", form=form, token=token), 422 if form.errors else 200


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = AccountForm(obj=current_user)
    if form.validate_on_submit():
        try:
            services.update_profile(current_user, form.display_name.data, form.language.data, form.email.data)
        except services.AccountError as exc:
            form.display_name.errors.append(message_for(exc))
            return render_template("auth/account.html", form=form), 422
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
        config = current_app.config
        try:
            services.change_password(current_user, form.password.data, form.current.data,
                                     keep_session_id=current_user.login_session_id,
                                     max_failures=config["LOGIN_MAX_FAILURES"], lock_seconds=config["LOGIN_LOCK_SECONDS"])
        except services.AccountError as exc:
            db.session.commit()  # a wrong current password counts for the throttle
            field = form.current if exc.code in ("wrong-current-password", "locked") else form.password
            field.errors.append(message_for(exc))
            return render_template("auth/password.html", form=form), 422
        db.session.commit()  # this sign-in stays; the account's others have ended
        flash(_("Your new password is saved."), "info")
        return redirect(url_for("learn.my_learning"))
    return render_template("auth/password.html", form=form), 422 if form.errors else 200


@bp.get("/account/export.json")
@login_required
def export():
    data = export_user_data(current_user)
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return Response(body, mimetype="application/json",
                    headers={"Content-Disposition": 'attachment; filename="academy-my-data.json"'})
