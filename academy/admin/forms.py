from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from ..auth.forms import LANGUAGE_CHOICES

ROLE_CHOICES = [SelectChoice("learner", _l("Learner")), SelectChoice("tutor", _l("Tutor")), SelectChoice("admin", _l("Administrator")),
                SelectChoice("officer", _l("Programme officer (reports only)"))]


class CreateUserForm(FlaskForm):
    display_name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    username = StringField(_l("Username"), validators=[DataRequired(), Length(min=2, max=64)], render_kw={"autocapitalize": "none"})
    language = SelectField(_l("Language"), choices=LANGUAGE_CHOICES)
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default="learner")
    # programmes: choices (the organisations) filled in by the view.
    organisation = SelectField(_l("Organisation (optional)"), validators=[Optional()], default="")


class SettingsForm(FlaskForm):
    self_registration = BooleanField(_l("Anyone can create their own learner account"))
    organisation = StringField(_l("Organisation name (shown on certificates)"), validators=[Optional(), Length(max=200)])
    # programmes: what learners are asked for the reports (each answer optional).
    ask_gender = BooleanField(_l("Ask learners for their gender (optional for them)"))
    ask_job_role = BooleanField(_l("Ask learners for their job role (optional for them)"))
    ask_age_band = BooleanField(_l("Ask learners for their age band (optional for them)"))
    logo = FileField(_l("Organisation logo for certificates (PNG, JPG or SVG, up to 500 KB; optional)"), validators=[
        FileAllowed(["png", "jpg", "jpeg", "svg"], _l("The logo must be a PNG, JPG or SVG file.")),
        FileSize(max_size=500 * 1024, message=_l("The logo must be at most 500 KB.")),
    ])


class CourseUploadForm(FlaskForm):
    """A new version of the courses; the file is checked before anything changes."""

    archive = FileField(_l("New courses: a .zip file or a git bundle"), validators=[
        FileRequired(_l("Please choose a file.")),
        FileAllowed(["zip", "bundle"], _l("The file must be a .zip file or a git bundle (.bundle).")),
    ])
    merge = BooleanField(_l("Keep the courses that the file does not contain"))
    strict = BooleanField(_l("Refuse the file for warnings too (missing or outdated translations)"))
