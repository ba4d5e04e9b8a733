"""The words for the stored values (gender, job role, age band, sector,
modality), in the reader's language. Functions, not constants: each call
translates into the language of the request (or of ``force_locale``)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import pgettext


def gender_words() -> dict[str, str]:
    return {"woman": _("Woman"), "man": _("Man"), "another": _("Another gender"),
            "prefer-not-to-say": _("Prefer not to say")}


def job_role_words() -> dict[str, str]:
    return {"worker": _("Worker"), "supervisor": _("Supervisor"), "manager": _("Manager"),
            "staff": pgettext("job role", "Office or support staff")}


def age_band_words() -> dict[str, str]:
    return {"under-20": _("Under 20"), "20-29": _("20 to 29"), "30-39": _("30 to 39"), "40-49": _("40 to 49"),
            "50-plus": _("50 or older")}


def profile_field_words() -> dict[str, str]:
    return {"gender": _("Gender"), "job_role": _("Job role"), "age_band": _("Age")}


def profile_value_words() -> dict[str, dict[str, str]]:
    return {"gender": gender_words(), "job_role": job_role_words(), "age_band": age_band_words()}


def sector_words() -> dict[str, str]:
    return {"apparel": _("Apparel and footwear"), "electronics": _("Electronics"), "automotive": _("Automotive"),
            "cycling": _("Bicycles"), "minerals": _("Minerals and metals"), "batteries": _("Batteries and recycling"),
            "chemicals": _("Chemicals"), "other": pgettext("sector", "Other")}


def modality_words() -> dict[str, str]:
    """How learners learn: a cohort's way of meeting, or on their own."""
    return {"in-person": _("In person"), "webinar": _("Webinar"), "self-study": _("Guided self-study"),
            "self-paced": _("Self-paced, without a cohort")}


def not_given() -> str:
    return _("Not given")
