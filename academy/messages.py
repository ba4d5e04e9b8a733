"""Every message a person reads about a problem they can fix, in their
language: one table per domain, and :func:`message_for` to turn any
:class:`~academy.domain.DomainError` into its sentence. Domain code raises
codes; only the web layer turns them into words."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from .content_updates import UpdateError
from .domain import DomainError

ACCOUNT_MESSAGES = {
    "bad-username": _l("A username is 2 to 64 letters, digits, dots, hyphens or underscores, without spaces."),
    "bad-role": _l("Unknown role."),
    "password-too-short": _l("The password must have at least 8 characters."),
    "password-too-common": _l("This password is one of the most common ones, which are guessed first. Please choose another: a few words you will remember make a good password."),
    "wrong-current-password": _l("Your current password is not right."),
    "no-display-name": _l("Please give your name."),
    "username-taken": _l("This username is already taken. Please choose another."),
    "bad-credentials": _l("Wrong username or password."),
    "bad-setup-token": _l("This setup link is not valid any more."),
}

LEARNING_MESSAGES = {
    "not-enrolled": _l("Enrol in this course first; then your answers and progress are saved."),
    "graded-lesson": _l("This lesson is complete when you pass its questions."),
    "not-graded": _l("This lesson has no questions to answer."),
    "bad-attempt-id": _l("This form could not be matched to this lesson. Open the lesson again and answer once more."),
    "no-attempts-left": _l("You have used every attempt for this lesson."),
    "unknown-question": _l("The form had answers for questions this lesson does not have. Open the lesson again and answer once more."),
    "invalid-answers": _l("Some answers need your attention; nothing was saved yet."),
    "attempt-conflict": _l("These answers were not saved: this form was already sent with other answers, which are kept. Open the lesson again to answer once more."),
}

ANSWER_MESSAGES = {
    "unanswered": _l("Please answer this question."),
    "unknown-option": _l("That choice is not one of the options. Please choose again."),
    "too-many-values": _l("Please give one answer only."),
    "not-a-number": _l("Please enter a number, such as 12 or 12.5."),
    "too-long": _l("This answer is too long."),
    "bad-position": _l("Please choose a position for every item."),
    "same-position-twice": _l("Each position can be used once only."),
    "order-incomplete": _l("Please choose a position for every item."),
}

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
    "path-pacing": _l("A cohort on a learning path has open pacing: its courses have no module opening dates."),
}

CERTIFICATE_MESSAGES = {
    "could-not-issue": _l("The certificate could not be issued just now. Please open “My learning” again."),
    "logo-type": _l("The logo must be a PNG, JPG or SVG file."),
    "logo-unsafe": _l("This SVG has a script, a link to another host or a <!DOCTYPE> declaration; please save it as plain SVG or use a PNG."),
    "unsafe-logo": _l("The certificate cannot be printed: the organisation’s logo is not safe to print. Please ask the administrator to upload the logo again."),
}

TEACHING_MESSAGES = {
    # assignments, the learner's side
    "assignment-lesson": _l("This lesson is complete when your assignment is done."),
    "answer-locked": _l("This answer has been handed in and cannot be changed now."),
    "answer-empty": _l("Please write your answer, or add a photo or a PDF, before you hand it in."),
    "no-such-file": _l("That file is not part of your answer."),
    "no-file": _l("Please choose a photo or a PDF first."),
    "upload-empty": _l("The file is empty. Please choose the photo or PDF again."),
    "upload-type": _l("Please attach a photo (JPEG or PNG) or a PDF. Other kinds of file, such as drawings (SVG), Word documents or videos, cannot be attached."),
    "upload-unsafe-image": _l("This picture contains code for a web page, so it cannot be attached. Please take the photo again, or save it again as a new JPEG."),
    "upload-unsafe-pdf": _l("This PDF contains scripts or actions, so it cannot be attached. Please save it again as a plain PDF, for example with “Print to PDF”."),
    # reviewing
    "not-waiting": _l("This answer is not waiting for a review any more."),
    "mark-every-criterion": _l("Please mark every criterion as met or not yet."),
    "feedback-needed": _l("Please write what the learner should improve before you return the answer."),
    "bad-decision": _l("Please choose to accept the answer or to return it for another try."),
    # lesson feedback
    "feedback-empty": _l("Please choose “helpful” or “not helpful”, or write a comment."),
    "feedback-too-long": _l("Your comment is too long. Please keep it under 1,000 characters."),
    # learning paths
    "path-unavailable": _l("A course of this learning path is not available on this server at the moment."),
}

PROGRAMME_MESSAGES = {
    "no-organisation-name": _l("Please give the organisation a name."),
    "bad-country": _l("Please choose the country from the list."),
    "bad-sector": _l("Please choose a sector from the list, or none."),
    "bad-profile-value": _l("Please choose one of the answers offered."),
    # a hub (academy/sync)
    "bad-fingerprint": _l("A fingerprint has 32 letters and digits (0-9, A-F); the box shows it."),
}

_TABLES = (ACCOUNT_MESSAGES, LEARNING_MESSAGES, COHORT_MESSAGES, CERTIFICATE_MESSAGES, TEACHING_MESSAGES,
           PROGRAMME_MESSAGES)

# Updating the courses (the admin's "Content" page); nothing was changed in each case.
CONTENT_MESSAGES = {
    "unknown-source": _l("“%(name)s” is not a .zip file or a git bundle."),
    "bad-zip": _l("The zip file cannot be read. Make it again, or copy it again from the USB stick."),
    "unsafe-path": _l("The zip file has an entry that would land outside its folder (%(name)s). It was refused."),
    "symlink": _l("“%(name)s” is a symbolic link. Courses must hold real files: put the file itself in the zip."),
    "too-large": _l("The zip file unpacks to more than %(limit_mb)s MB."),
    "too-many-files": _l("The zip file holds more than %(limit)s files."),
    "no-courses": _l("No course was found in it. A course is a folder with a course.yml file."),
    "course-without-folder": _l("The zip file holds the files of one course without their folder. Zip the course's folder itself."),
    "git-missing": _l("git is not installed on this server, so a git bundle cannot be read. Install git, or upload a .zip file."),
    "git-failed": _l("git could not read the bundle: %(reason)s"),
    "git-no-head": _l("The bundle has no default branch (branches: %(branches)s). Make it with “git bundle create FILE HEAD main”."),
    "git-no-ref": _l("The bundle has no branch, tag or commit “%(ref)s”."),
    "git-checkout": _l("The courses folder (%(folder)s) is a git checkout: update it with “git pull” there."),
    "not-writable": _l("Academy cannot write in %(folder)s: %(reason)s"),
    "busy": _l("Another update of the courses is running. Please try again in a minute."),
    "no-previous": _l("There is no previous version of the courses to go back to."),
}


def message_for(error: DomainError) -> str:
    """The sentence for a domain error, in the request's language."""
    details = error.details
    if error.code == "locked":
        minutes = max(1, (details.get("seconds", 60) + 59) // 60)
        return ngettext(
            "Too many failed sign-ins. Please wait %(num)d minute and try again.",
            "Too many failed sign-ins. Please wait %(num)d minutes and try again.",
            minutes,
        )
    if error.code == "in-another-cohort":
        return _("You are already in the cohort “%(cohort)s” for this course. Ask your tutor if you need to change.",
                 cohort=details.get("cohort", ""))
    if error.code == "upload-too-large":
        return _("This file is too large. A photo or PDF can be at most %(megabytes)d MB; take the photo again at a lower size, or scan fewer pages.",
                 megabytes=details.get("megabytes", 5))
    if error.code == "too-many-files":
        return _("An answer can have at most %(limit)d photos or PDFs. Remove one before you add another.", limit=details.get("limit", 5))
    if error.code == "answer-too-long":
        return _("Your answer is too long: it can have at most %(limit)d characters.", limit=details.get("limit", 10000))
    if error.code == "missing-glyphs":
        return _("The certificate cannot be printed: the fonts have no letters for %(characters)s. Please ask the administrator.",
                 characters=details.get("characters", ""))
    if isinstance(error, UpdateError) and error.code in CONTENT_MESSAGES:
        return str(CONTENT_MESSAGES[error.code]) % details
    if error.code == "organisation-exists":
        return _("There is already an organisation called “%(name)s”.", name=details.get("name", ""))
    if error.code == "organisation-in-use":
        return _("Learners or cohorts belong to “%(name)s”, so it cannot be deleted.", name=details.get("name", ""))
    for table in _TABLES:
        if error.code in table:
            return str(table[error.code])
    return error.code


def answer_problems(error: DomainError) -> dict[str, str]:
    """For "invalid-answers": question id -> what to fix in that answer."""
    return {question_id: str(ANSWER_MESSAGES.get(code, code)) for question_id, code in error.details.items()}


# One whole sentence per problem, the line number inside it.
IMPORT_MESSAGES = {
    "not-utf8": _l("Line %(line)d is not in UTF-8. In your spreadsheet, save the file as “CSV UTF-8” and try again."),
    "empty-file": _l("The file is empty."),
    # The csv module's own reason is English and technical: the tutor gets a
    # hint they can act on instead.
    "bad-csv": _l("Line %(line)d cannot be read as CSV: a quotation mark may be missing, or the line has a character that does not belong there. Save the file again from the spreadsheet as “CSV UTF-8”."),
    "unknown-column": _l("Line %(line)d: there is no column called “%(column)s”. The columns are display_name, username, language and organisation."),
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
    "unknown-organisation": _l("Line %(line)d: there is no organisation called “%(organisation)s” on this server. Check the spelling, or ask the administrator to add it under Organisations."),
    "try-again": _l("The accounts could not be created because the list of people changed at the same time. Nothing was created; please try again."),
}


def import_message(problem) -> str:
    template = IMPORT_MESSAGES.get(problem.code)
    if template is None:
        return _("Line %(line)d: %(problem)s", line=problem.line, problem=problem.code)
    return str(template) % {"line": problem.line, **problem.details}


# What became of a bundle a hub received (academy/sync), for its admin.
SYNC_REASONS = {
    "not-a-bundle": _l("The file is not a complete bundle: it may be cut short, or be another file. Nothing was applied."),
    "bad-manifest": _l("The bundle's list of contents cannot be read. Nothing was applied."),
    "bad-signature": _l("The bundle's signature does not match the box's key: it was changed, or signed by another key. Nothing was applied."),
    "bad-hash": _l("A file in the bundle was changed or damaged. Nothing was applied."),
    "bad-count": _l("The bundle holds another number of records than it says. Nothing was applied."),
    "bad-lines": _l("The bundle's records cannot be read. Nothing was applied."),
    "key-mismatch": _l("The bundle is signed with another key than the one registered for this box. Nothing was applied."),
    "unknown-box": _l("The bundle comes from a box that is not registered. It is kept aside and applied when you register the box."),
    "revoked-box": _l("The bundle comes from a revoked box. It is kept aside, not applied."),
    "too-many-kept": _l("The bundle comes from a box that is not registered, and the hub already keeps as many bundles from such boxes as it may. Nothing was kept: register the boxes you know, then send the bundle again."),
    "fork": _l("Not applied: the box numbers events that this hub already holds differently. It was probably restored from an old backup. Give the box the acknowledgement: it numbers its new events again, and its next bundle is applied."),
}


def sync_result_message(result) -> str:
    """One sentence about a bundle a hub received."""
    if result.status in ("applied", "duplicate"):
        text = ngettext("Bundle %(bundle)s applied: %(num)d new event.", "Bundle %(bundle)s applied: %(num)d new events.",
                        result.applied, bundle=result.bundle_no)
        if result.duplicates:
            text += " " + ngettext("%(num)d event was already here.", "%(num)d events were already here.",
                                   result.duplicates)
        if result.gaps:
            text += " " + _("Still missing from this box: events %(ranges)s.",
                            ranges=", ".join(f"{a}–{b}" if a != b else str(a) for a, b in result.gaps))
        return text
    return str(SYNC_REASONS.get(result.reason, result.reason))
