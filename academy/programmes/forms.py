from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from . import services


def organisation_choices() -> list[SelectChoice]:
    """The choices of an optional organisation select (a new account, a
    cohort): none, then every organisation by name, by id."""
    return [SelectChoice("", "—")] + [SelectChoice(str(o.id), o.name) for o in services.organisations()]


def chosen_id(value: str | None) -> int | None:
    """The id a select of ids sent; None for none (or anything else)."""
    return int(value) if value and value.isdigit() else None


class OrganisationForm(FlaskForm):
    name = StringField(_l("Name of the enterprise or site"), validators=[DataRequired(), Length(max=200)])
    country = SelectField(_l("Country"), validators=[DataRequired()])  # choices: the reader's language
    sector = SelectField(_l("Sector (optional)"), validators=[Optional()])
    parent = StringField(_l("Brand or programme it belongs to (optional)"), validators=[Optional(), Length(max=200)])


class ProfileForm(FlaskForm):
    """The learner's optional answers; only the fields the admin switched on
    are shown (the view removes the others)."""

    gender = SelectField(_l("Gender"), validators=[Optional()])
    job_role = SelectField(_l("Job role"), validators=[Optional()])
    age_band = SelectField(_l("Age"), validators=[Optional()])


class ReportForm(FlaskForm):
    """The report's period and filters: a GET form, so a report is a link
    that can be bookmarked and shared with another officer."""

    class Meta:
        csrf = False

    start = DateField(_l("From"), validators=[Optional()])
    end = DateField(_l("To"), validators=[Optional()])
    organisation = SelectField(_l("Organisation"), validators=[Optional()])
    country = SelectField(_l("Country"), validators=[Optional()])
    course = SelectField(_l("Course"), validators=[Optional()])
    modality = SelectField(_l("Modality"), validators=[Optional()])
    cohort = SelectField(_l("Cohort"), validators=[Optional()])

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError(_l("The last day must be on or after the first day."))
