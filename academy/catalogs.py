"""Keeping the interface catalogs whole: extract, update, compile, check.

Used by `academy translations ...` and by the test that fails when a
template string has no translation."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

from .paths import PACKAGE_DIR, resource

KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "pgettext": ((1, "c"), 2), "npgettext": ((1, "c"), 2, 3)}
METHOD_MAP = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[sd]")
TRANSLATED_LANGUAGES = ("vi", "zh", "ar")


def extract() -> Catalog:
    """Every interface string in the package's Python code and templates."""
    catalog = Catalog(project="academy", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE_DIR), METHOD_MAP, keywords=KEYWORDS, options_map={"**/templates/**.html": {"extensions": "jinja2.ext.i18n"}},
    ):
        catalog.add(message, None, [], auto_comments=comments, context=context)
    return catalog


def _read_po(path: Path, locale: str) -> Catalog:
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def po_path(language: str, translations: Path | None = None) -> Path:
    return (translations or resource("translations")) / language / "LC_MESSAGES" / "messages.po"


def write_template(catalog: Catalog, translations: Path | None = None) -> Path:
    path = (translations or resource("translations")) / "messages.pot"
    with path.open("wb") as handle:
        write_po(handle, catalog, omit_header=False, sort_output=True, no_location=True, width=100)
    return path


def update(template: Catalog, translations: Path | None = None) -> None:
    """Bring each language's .po in line with the template (new strings
    empty, removed strings dropped; no fuzzy guesses)."""
    for language in TRANSLATED_LANGUAGES:
        path = po_path(language, translations)
        catalog = _read_po(path, language)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        with path.open("wb") as handle:
            write_po(handle, catalog, sort_output=True, no_location=True, width=100)


def compile_all(translations: Path | None = None) -> None:
    for language in TRANSLATED_LANGUAGES:
        path = po_path(language, translations)
        catalog = _read_po(path, language)
        with path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog, use_fuzzy=False)


def _ids(message) -> tuple:
    return message.id if isinstance(message.id, tuple) else (message.id,)


def _strings(message) -> tuple:
    """A message's translation(s) as a tuple: the .po reader gives plural
    forms as a tuple, the .mo reader as a list."""
    value = message.string
    return tuple(value) if isinstance(value, (list, tuple)) else (value,)


def _key(message) -> tuple:
    """(first msgid, context) as text: the .mo reader gives a context as
    bytes and plural ids as a list."""
    context = message.context.decode() if isinstance(message.context, bytes) else message.context
    first = message.id[0] if isinstance(message.id, (list, tuple)) else message.id
    return first, context


def _index(catalog: Catalog) -> dict:
    return {_key(message): message for message in catalog if message.id}


def problems(template: Catalog | None = None, translations: Path | None = None) -> list[str]:
    """What is missing or wrong in the catalogs, one line each."""
    template = template or extract()
    found = []
    for language in TRANSLATED_LANGUAGES:
        path = po_path(language, translations)
        catalog = _read_po(path, language)
        for message in template:
            if not message.id:
                continue
            translated = catalog.get(message.id, context=message.context)
            strings = translated.string if translated else None
            strings = strings if isinstance(strings, tuple) else (strings,)
            if translated is None or not all(strings) or translated.fuzzy:
                found.append(f"{path}: not translated: {_ids(message)[0]!r}")
                continue
            expected = set(PLACEHOLDER_RE.findall(" ".join(_ids(message))))
            for string in strings:
                extra = set(PLACEHOLDER_RE.findall(string)) - expected
                if extra:
                    found.append(f"{path}: {_ids(message)[0]!r}: unknown placeholder(s) {sorted(extra)}")
        mo = path.with_suffix(".mo")
        if not mo.is_file():
            found.append(f"{mo}: not compiled; run: academy translations compile")
            continue
        with mo.open("rb") as handle:
            compiled = _index(read_mo(handle))
        for message in catalog:
            built = compiled.get(_key(message))
            if message.id and not message.fuzzy and (built is None or _strings(built) != _strings(message)):
                found.append(f"{mo}: out of date; run: academy translations compile")
                break
    return found
