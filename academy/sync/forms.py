from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional


class RegisterBoxForm(FlaskForm):
    fingerprint = StringField(_l("Fingerprint of the box (it shows it with “academy sync identity”)"),
                              validators=[DataRequired(), Length(max=80)],
                              render_kw={"autocomplete": "off", "spellcheck": "false", "dir": "ltr"})
    name = StringField(_l("Name of the box, e.g. the factory where it stands"), validators=[Optional(), Length(max=200)])
    register_box = SubmitField(_l("Register the box"))


class UploadBundleForm(FlaskForm):
    file = FileField(_l("Bundle from a box (.zip)"), validators=[FileRequired(message=_l("Please choose a bundle file."))])
    import_bundle = SubmitField(_l("Import the bundle"))
