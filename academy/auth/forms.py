from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional

from ..i18n import LANGUAGES

LANGUAGE_CHOICES = [SelectChoice(code, lang.name, render_kw={"lang": lang.html_lang}) for code, lang in LANGUAGES.items()]


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired()], render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"})


class NewAccountForm(FlaskForm):
    display_name = StringField(_l("Your name (as it should appear on certificates)"), validators=[DataRequired(), Length(max=200)])
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=2, max=64)], render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password (at least 8 characters)"), validators=[DataRequired(), Length(min=8, max=200)], render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Password again"), validators=[DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))], render_kw={"autocomplete": "new-password"})
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    email = EmailField(_l("Email (optional)"), validators=[Optional(), Length(max=254)])


# cohorts: self-registration may carry a cohort's join code.
class RegisterForm(NewAccountForm):
    join_code = StringField(_l("Join code from your tutor (optional)"), validators=[Optional(), Length(max=40)],
                            render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "dir": "ltr"})


class PasswordForm(FlaskForm):
    # Asked for unless the person is replacing a temporary password (the view and the service decide).
    current = PasswordField(_l("Current password"), validators=[Optional(), Length(max=200)], render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("New password (at least 8 characters)"), validators=[DataRequired(), Length(min=8, max=200)], render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("New password again"), validators=[DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))], render_kw={"autocomplete": "new-password"})


class AccountForm(FlaskForm):
    display_name = StringField(_l("Your name (as it should appear on certificates)"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    email = EmailField(_l("Email (optional)"), validators=[Optional(), Length(max=254)])
