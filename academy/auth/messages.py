from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

ACCOUNT_MESSAGES = {
    "bad-username": _l("A username is 2 to 64 letters, digits, dots, hyphens or underscores, without spaces."),
    "bad-role": _l("Unknown role."),
    "password-too-short": _l("The password must have at least 8 characters."),
    "username-taken": _l("This username is already taken. Please choose another."),
    "bad-credentials": _l("Wrong username or password."),
    "bad-setup-token": _l("This setup link is not valid any more."),
}


def account_message(error) -> str:
    if error.code == "locked":
        minutes = max(1, (error.details.get("seconds", 60) + 59) // 60)
        return ngettext(
            "Too many failed sign-ins. Please wait %(num)d minute and try again.",
            "Too many failed sign-ins. Please wait %(num)d minutes and try again.",
            minutes,
        )
    return str(ACCOUNT_MESSAGES.get(error.code, error.code))
