"""Translated messages for the cohort errors a tutor or learner can run into,
and for each problem a class list can have (always with its line)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

COHORT_MESSAGES = {
    "no-code": _l("Please enter the join code your tutor gave you."),
    "unknown-code": _l("This join code is not right. Check it with your tutor and type it again."),
    "expired-code": _l("This join code has expired. Ask your tutor for a new one."),
    "course-unavailable": _l("The course of this cohort is not available on this server at the moment. Please tell your tutor."),
    "no-name": _l("Please give the cohort a name."),
    "bad-language": _l("Please choose one of the languages offered."),
    "ends-before-start": _l("The end date must be on or after the start date."),
    "bad-pacing": _l("Please choose open or scheduled pacing."),
    "bad-tutors": _l("A cohort needs at least one tutor, and every tutor must have a tutor account."),
    "bad-percent": _l("The attendance required must be a number from 0 to 100."),
    "unknown-module": _l("That module is not in this course."),
    "bad-modality": _l("Please choose in person, webinar or self-study."),
    "bad-attendance-status": _l("Please choose present, absent or excused."),
    "not-a-member": _l("That learner is not in this cohort."),
}


def cohort_message(error) -> str:
    if error.code == "in-another-cohort":
        return _("You are already in the cohort “%(cohort)s” for this course. Ask your tutor if you need to change.",
                 cohort=error.details.get("cohort", ""))
    return str(COHORT_MESSAGES.get(error.code, error.code))


# One whole sentence per problem, the line number inside it.
IMPORT_MESSAGES = {
    "not-utf8": _l("Line %(line)d is not in UTF-8. In your spreadsheet, save the file as “CSV UTF-8” and try again."),
    "empty-file": _l("The file is empty."),
    # The csv module's own reason is English and technical: the tutor gets a
    # hint they can act on instead.
    "bad-csv": _l("Line %(line)d cannot be read as CSV: a quotation mark may be missing, or the line has a character that does not belong there. Save the file again from the spreadsheet as “CSV UTF-8”."),
    "unknown-column": _l("Line %(line)d: there is no column called “%(column)s”. The columns are display_name, username and language."),
    "column-twice": _l("Line %(line)d: the column “%(column)s” appears twice."),
    "missing-column": _l("Line %(line)d: the column “%(column)s” is missing. The first line must name the columns, for example: display_name,username,language"),
    "too-many-values": _l("Line %(line)d has more values than there are columns. Put names that contain a comma in double quotes."),
    "no-learners": _l("The file has no learners, only the line with the column names."),
    "too-many-learners": _l("Line %(line)d: a file can hold at most %(max)d learners. Please split the class into several files."),
    "no-name": _l("Line %(line)d: the name (display_name) is missing."),
    "name-too-long": _l("Line %(line)d: the name is longer than %(max)d characters."),
    "bad-language": _l("Line %(line)d: “%(language)s” is not a language of this server. Use en, vi, zh or ar, or leave it empty for the cohort's language."),
    "bad-username": _l("Line %(line)d: the username “%(username)s” is not valid. A username is 2 to 64 letters, digits, dots, hyphens or underscores, without spaces."),
    "username-twice": _l("Line %(line)d: the username “%(username)s” is also on line %(other)d."),
    "username-taken": _l("Line %(line)d: the username “%(username)s” is already taken by another account."),
    "password-too-short": _l("Line %(line)d: the account could not be created. Please try again."),
    "bad-role": _l("Line %(line)d: the account could not be created. Please try again."),
    "try-again": _l("The accounts could not be created because the list of people changed at the same time. Nothing was created; please try again."),
}


def import_message(problem) -> str:
    template = IMPORT_MESSAGES.get(problem.code)
    if template is None:
        return _("Line %(line)d: %(problem)s", line=problem.line, problem=problem.code)
    return str(template) % {"line": problem.line, **problem.details}
