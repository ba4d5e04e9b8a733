"""SVG files Academy serves or prints, and what makes one unsafe: course
media (checked by the course loader) and the organisation's logo (checked
on upload and again before every certificate is rendered).

Plain Python: the loader and the certificate renderer both use it without
loading each other.
"""

from __future__ import annotations

import re

_SVG_ACTIVE = re.compile(rb"<\s*script\b|<\s*foreignObject\b|\bon[a-z]+\s*=|(?:href|src)\s*=\s*[\"'](?:https?:)?//", re.IGNORECASE)
# A document type or entity declaration: entities can expand a small file to
# gigabytes ("billion laughs") or read other files (external entities).
_SVG_DECLARATIONS = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# The encoding an XML declaration names, and those in which every ASCII
# byte still means its ASCII character (so that the searches above see what
# a parser sees). Any other (EBCDIC, UTF-7...) is refused.
_XML_ENCODING = re.compile(rb"""^(?:\xef\xbb\xbf)?\s*<\?xml\b[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_ASCII_COMPATIBLE = re.compile(rb"(?:utf-?8|(?:us-)?ascii|iso[-_]?8859[-_]?\d{1,2}|latin-?\d|(?:windows|cp)-?125\d)", re.IGNORECASE)
_WIDE_ENCODINGS = ("utf-32", "utf-16", "utf-32-le", "utf-32-be", "utf-16-le", "utf-16-be")
SVG_ACTIVE_PROBLEM = "this SVG has a script, an event handler, a foreignObject or a link to another host; draw it without them"
SVG_DECLARATION_PROBLEM = (
    "this SVG has a document type (<!DOCTYPE) or entity (<!ENTITY) declaration, which can make it expand to "
    "gigabytes when it is drawn; delete that part at the top of the file, or export it again as plain SVG")


def svg_problem(data: bytes) -> str | None:
    """Why an SVG must never be served or printed, or None when it may be:
    a script, an event handler, a foreignObject or a link to another host;
    a document type or entity declaration; an encoding that would hide
    either from this check.

    A file with NUL bytes is not UTF-8 (XML allows no NUL character): it is
    checked as each UTF-16 and UTF-32 reading it decodes as, since that is
    what an XML parser would detect."""
    if b"\0" in data:
        texts = []
        for encoding in _WIDE_ENCODINGS:
            try:
                texts.append(data.decode(encoding).encode("utf-8"))
            except UnicodeDecodeError:
                continue
        if not texts:
            return "this SVG is neither UTF-8 nor UTF-16 text; save it as UTF-8"
    else:
        declared = _XML_ENCODING.match(data)
        if declared and not _ASCII_COMPATIBLE.fullmatch(declared.group(1).strip()):
            name = declared.group(1).decode("ascii", "replace")
            return f'this SVG declares the encoding "{name}", which Academy cannot check; save it as UTF-8'
        texts = [data]
    for text in texts:
        if _SVG_DECLARATIONS.search(text):
            return SVG_DECLARATION_PROBLEM
        if _SVG_ACTIVE.search(text):
            return SVG_ACTIVE_PROBLEM
    return None


def svg_is_unsafe(data: bytes) -> bool:
    """True when :func:`svg_problem` finds a reason to refuse the SVG."""
    return svg_problem(data) is not None
