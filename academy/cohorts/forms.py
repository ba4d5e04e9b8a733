from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from ..auth.forms import LANGUAGE_CHOICES


def pacing_choices():
    return [SelectChoice("open", _l("Open: every module is available from the start")),
            SelectChoice("scheduled", _l("Scheduled: each module opens on a date you set"))]


def modality_choices():
    return [SelectChoice("in-person", _l("In person")), SelectChoice("webinar", _l("Webinar")),
            SelectChoice("self-study", _l("Self-study"))]


class CohortForm(FlaskForm):
    course = SelectField(_l("Course"), validators=[DataRequired()])
    name = StringField(_l("Name of the cohort"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language of the class"), choices=LANGUAGE_CHOICES)
    starts_on = DateField(_l("First day"), validators=[InputRequired(message=_l("Please enter a date."))])
    ends_on = DateField(_l("Last day"), validators=[InputRequired(message=_l("Please enter a date."))])
    pacing = RadioField(_l("Pacing"), choices=pacing_choices(), default="open")
    tutors = SelectMultipleField(_l("Tutors"), coerce=int)
    min_attendance_percent = IntegerField(
        _l("In-person sessions a learner must attend to complete, in percent (optional)"),
        validators=[Optional(), NumberRange(min=0, max=100, message=_l("Please enter a number from 0 to 100."))],
    )
    join_code_expires_on = DateField(_l("The join code works until (optional)"), validators=[Optional()])
    # programmes: the enterprise of the class; choices filled in by the view.
    organisation = SelectField(_l("Organisation (optional)"), validators=[Optional()], default="")

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The last day must be on or after the first day."))


class JoinForm(FlaskForm):
    code = StringField(_l("Join code"), validators=[DataRequired(message=_l("Please enter the join code your tutor gave you."))],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class ImportForm(FlaskForm):
    file = FileField(_l("Class list (CSV file)"), validators=[
        FileRequired(message=_l("Please choose a CSV file.")),
        FileAllowed(["csv", "txt"], message=_l("Please choose a CSV file.")),
    ])


class SessionForm(FlaskForm):
    starts_dt = DateTimeLocalField(_l("Date and time"), format=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                   validators=[InputRequired(message=_l("Please enter a date and a time."))])
    modality = RadioField(_l("How the class meets"), choices=modality_choices(), default="in-person")
    place = StringField(_l("Place or note (optional)"), validators=[Optional(), Length(max=300)])


def openings_form(modules, titles: dict[str, str], formdata=None, data=None):
    """One optional date per module; empty: open from the first day."""

    class OpeningsForm(FlaskForm):
        pass

    for module in modules:
        setattr(OpeningsForm, f"opens_{module.id}", DateField(titles[module.id], validators=[Optional()]))
    form = OpeningsForm(formdata=formdata, data=data) if formdata is not None else OpeningsForm(data=data)
    form.module_fields = [(module, form[f"opens_{module.id}"]) for module in modules]
    return form
