"""Interface languages and how a request's language is chosen."""

from __future__ import annotations

import random
from dataclasses import dataclass

from flask import g, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_eval_context
from markupsafe import Markup

from .content import content_language


@dataclass(frozen=True)
class Language:
    code: str  # as in file names and catalogs
    name: str  # in the language itself
    html_lang: str  # for <html lang>
    direction: str  # "ltr" or "rtl"


LANGUAGES = {
    "en": Language("en", "English", "en", "ltr"),
    "vi": Language("vi", "Tiếng Việt", "vi", "ltr"),
    "zh": Language("zh", "简体中文", "zh-Hans", "ltr"),
    "ar": Language("ar", "العربية", "ar", "rtl"),
}
DEFAULT_LANGUAGE = "en"


def select_locale() -> str:
    """The choice made on this device (the language switch, kept in the
    session), then the account's language, then the browser's
    Accept-Language, then English. Signing in sets the session's choice to
    the account's language."""
    if "forced_locale" in g:
        return g.forced_locale
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    user_language = getattr(current_user, "language", None) if current_user else None
    if user_language in LANGUAGES:
        return user_language
    return request.accept_languages.best_match(list(LANGUAGES), default=DEFAULT_LANGUAGE)


def language(code: str) -> Language:
    return LANGUAGES.get(code) or LANGUAGES[DEFAULT_LANGUAGE]


def shuffle_stable(items, seed: str) -> list:
    """The same shuffle for the same seed (so a re-shown form keeps its
    order), and never the original order when there are two or more items."""
    shuffled = list(items)
    random.Random(seed).shuffle(shuffled)
    if len(shuffled) > 1 and shuffled == list(items):
        shuffled = shuffled[1:] + shuffled[:1]
    return shuffled


def request_translations():
    """The catalog of the language in use: flask-babel looks it up again for
    every string (about 10 µs, a page has dozens), this once per request and
    language. ``force_locale`` gives another locale object, so another lookup."""
    if not g:  # no application context: flask-babel's untranslated catalog
        return get_translations()
    locale = get_locale()
    cached = g.get("_academy_translations")
    if cached is None or cached[0] is not locale:
        cached = g._academy_translations = (locale, get_translations())
    return cached[1]


def template_functions(catalog) -> dict:
    """The template functions _(), gettext() and ngettext(), as Jinja's i18n
    extension makes them ("newstyle": the string is always %-formatted and
    autoescaped), reading the catalog ``catalog()`` returns."""
    @pass_eval_context
    def gettext(eval_ctx, string: str, **variables) -> str:
        text = catalog().ugettext(string)
        if eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    @pass_eval_context
    def ngettext(eval_ctx, singular: str, plural: str, num: int, **variables) -> str:
        variables.setdefault("num", num)
        text = catalog().ungettext(singular, plural, num)
        if eval_ctx.autoescape:
            text = Markup(text)
        return text % variables

    return {"_": gettext, "gettext": gettext, "ngettext": ngettext}


def init_app(app) -> None:
    # Macros imported without the page's context look the catalog up per
    # string (once per request); a page and what it includes get functions
    # bound to its catalog when it is rendered (inject_languages).
    app.jinja_env.globals.update(template_functions(request_translations))
    app.jinja_env.globals.update(format_date=format_date, format_datetime=format_datetime, format_decimal=format_decimal)
    app.jinja_env.filters["shuffle_stable"] = shuffle_stable
    app.jinja_env.globals["content_language"] = content_language

    @app.context_processor
    def inject_languages():
        code = str(get_locale() or DEFAULT_LANGUAGE)
        catalog = request_translations()
        return {"languages": LANGUAGES, "ui_language": language(code), **template_functions(lambda: catalog)}

    # The catalogs' language list is what the content pipeline accepts.
    app.config.setdefault("LANGUAGES", tuple(LANGUAGES))
