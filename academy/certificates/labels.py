"""The words a certificate prints, in the certificate's language."""

from flask_babel import force_locale, npgettext
from flask_babel import gettext as _


def certificate_labels(language: str, tutor_count: int = 1) -> dict[str, str]:
    with force_locale(language):
        return {
            "certificate_of_completion": _("Certificate of completion"),
            "this_certifies_that": _("This certifies that"),
            "has_completed": _("has completed the course"),
            "completed_on": _("Date"),
            "tutor": npgettext("certificate", "Tutor", "Tutors", max(tutor_count, 1)),
            "cohort": _("Cohort"),
            "code": _("Verification code"),
            "verify_at": _("Verify at"),
            "has_completed_path": _("has completed the learning path"),
            "courses": _("Courses"),
        }
