"""Render a certificate to PDF from plain data and a design folder.

A design is a folder holding ``template.html`` (Jinja2) and ``theme.css``.
The renderer fills the template with the values described in
docs/certificates.md, adds the shipped fonts (``fonts/fonts.css``) and the
theme, and lets WeasyPrint read only the design folder, the fonts folder and
the organisation's logo. The signed payload goes into the printed text, the
QR code and the PDF's metadata, where :func:`extract_payload_from_pdf` finds
it again.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import stat
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

import jinja2
from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup

from ..pdf import FONT_DIR, PdfResourceError, html_to_pdf, qr_svg
from ..svg import svg_problem
from .signing import PAYLOAD_PATTERN, PAYLOAD_PREFIX

DEFAULT_DESIGN_DIR = Path(__file__).resolve().parent / "designs" / "default"

#: Bumped when a change here changes the PDFs, so that cached PDFs made with
#: an older renderer are re-rendered (it is part of design_fingerprint).
RENDERER_VERSION = 2

#: The labels the default design prints. The caller passes them translated
#: into the certificate's language.
LABEL_KEYS = (
    "certificate_of_completion",  # "Certificate of completion"
    "this_certifies_that",        # "This certifies that"
    "has_completed",              # "has completed"
    "completed_on",               # "Date"
    "tutor",                      # "Tutor" (or "Tutors")
    "cohort",                     # "Cohort"
    "code",                       # "Code"
    "verify_at",                  # "Verify at"
    "has_completed_path",         # "has completed the learning path" (path certificates)
    "courses",                    # "Courses" (the list a path certificate prints)
)

#: PDF document information key holding the signed payload.
PDF_PAYLOAD_KEY = "AcademyCertificatePayload"

#: The largest file :func:`extract_payload_from_pdf` reads. A certificate
#: is under 300 KB; anything far larger is not one, and is not read.
MAX_PDF_BYTES = 10 * 2**20
#: Pages searched for a payload in the text (a certificate has one).
MAX_PDF_PAGES = 3

# A payload in extracted text, once whitespace is removed: the text may run
# on after the signature, so no end boundary.
_PAYLOAD_IN_TEXT = re.compile(
    rf"{PAYLOAD_PREFIX}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{{86}}")

# HTML lang attribute for a language code, where it is not the code itself.
_HTML_LANG = {"zh": "zh-Hans"}


@dataclass(frozen=True, kw_only=True)
class CertificateDocument:
    """Everything printed on one certificate, already in its language."""

    learner_name: str
    course_title: str
    completed_on: date
    language: str                   # "en", "vi", "zh", "ar", ...
    code: str                       # the short verification code
    verify_url: str                 # e.g. https://academy.example/verify/7KQ2-MX9P
    signed_payload: str             # from signing.sign_payload
    organisation_name: str
    labels: Mapping[str, str]       # LABEL_KEYS, translated
    organisation_logo: Path | None = None
    cohort_name: str | None = None
    tutor_names: tuple[str, ...] = ()
    course_titles: tuple[str, ...] = ()  # a learning path's courses, in order; empty for a course


class DesignError(Exception):
    """The design cannot be rendered: missing file, a label the template
    needs, or a resource outside the allowed folders."""


class UnsafeLogo(DesignError):
    """The organisation logo is an SVG that must not be drawn (a script, a
    link to another host, entity declarations...)."""


def logo_problem(logo: Path | None) -> str | None:
    """Why the organisation logo must not be printed, or None. A logo saved
    before a check existed (or put in the data folder by hand) is checked
    here again, on every render."""
    if logo is None or Path(logo).suffix.lower() != ".svg":
        return None
    try:
        return svg_problem(Path(logo).read_bytes())
    except OSError as error:
        return f"cannot read it: {error.strerror}"


def render_certificate_pdf(doc: CertificateDocument,
                           design_dir: Path | None = None) -> bytes:
    """Render ``doc`` to PDF bytes with the design in ``design_dir``.

    ``design_dir`` defaults to the shipped design; an organisation can pass
    its own folder. Raises :class:`DesignError` when the design is broken.
    """
    design_dir = Path(design_dir or DEFAULT_DESIGN_DIR).resolve()
    for name in ("template.html", "theme.css"):
        if not (design_dir / name).is_file():
            raise DesignError(f"the design folder {design_dir} has no {name}")

    try:
        html_text = _jinja_environment(design_dir).get_template(
            "template.html").render(template_context(doc))
    except jinja2.UndefinedError as error:
        raise DesignError(f"template.html needs a value it was not given: {error}") from error
    except jinja2.TemplateError as error:
        raise DesignError(f"template.html cannot be rendered: {error}") from error

    problem = logo_problem(doc.organisation_logo)
    if problem is not None:
        raise UnsafeLogo(f"the organisation logo {doc.organisation_logo} is not printed: {problem}")
    logo = (Path(doc.organisation_logo),) if doc.organisation_logo else ()
    try:
        return html_to_pdf(
            html_text, design_dir, [design_dir / "theme.css"], readable_files=logo,
            default_title=f"{doc.learner_name} - {doc.course_title}",
            metadata={
                "description": f"{doc.organisation_name}: {doc.course_title}, {doc.learner_name}. {doc.code} {doc.verify_url}",
                "keywords": [doc.code, doc.signed_payload],
                "lang": html_lang(doc.language),
                "custom": {PDF_PAYLOAD_KEY: doc.signed_payload},
            },
        )
    except PdfResourceError as error:
        raise DesignError(str(error)) from error.__cause__


def template_context(doc: CertificateDocument) -> dict:
    """The values a design's template.html gets (see docs/certificates.md)."""
    locale = Locale.parse(doc.language.replace("-", "_"))
    logo = Path(doc.organisation_logo).resolve() if doc.organisation_logo else None
    return {
        "lang": html_lang(doc.language),
        "dir": "rtl" if locale.character_order == "right-to-left" else "ltr",
        "language": doc.language,
        "learner_name": doc.learner_name,
        "course_title": doc.course_title,
        "completed_on": format_date(doc.completed_on, format="long", locale=locale),
        "completed_on_iso": doc.completed_on.isoformat(),
        "code": doc.code,
        "verify_url": doc.verify_url,
        "qr_svg": Markup(qr_svg(qr_text(doc.verify_url, doc.signed_payload))),
        "signed_payload": doc.signed_payload,
        "organisation_name": doc.organisation_name,
        "organisation_logo": logo.as_uri() if logo else None,
        "cohort_name": doc.cohort_name,
        "tutor_names": list(doc.tutor_names),
        "tutor_names_text": format_list(list(doc.tutor_names), locale=locale)
        if doc.tutor_names else "",
        "labels": dict(doc.labels),
        "course_titles": list(doc.course_titles),
        "is_path": bool(doc.course_titles),
    }


def html_lang(language: str) -> str:
    """The ``lang`` attribute for a language code: zh is Simplified Chinese."""
    return _HTML_LANG.get(language, language)


def qr_text(verify_url: str, signed_payload: str) -> str:
    """What the QR code holds: the verify page's address with the payload."""
    separator = "&" if "?" in verify_url else "?"
    return f"{verify_url}{separator}p={signed_payload}"


@lru_cache(maxsize=16)
def _jinja_environment(design_dir: Path):
    # Sandboxed: an organisation's template can format the values it is
    # given, nothing more.
    return ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader(design_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        auto_reload=True,
    )


# -- caching and verification helpers --------------------------------------

def design_fingerprint(design_dir: Path | None = None) -> str:
    """A short hash of a design folder's files, the shipped fonts and the
    renderer version: a cached PDF made under another fingerprint is stale."""
    design_dir = Path(design_dir or DEFAULT_DESIGN_DIR).resolve()
    digest = hashlib.sha256(f"renderer {RENDERER_VERSION}\n".encode())
    for path in sorted(design_dir.rglob("*")):
        relative = path.relative_to(design_dir)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            digest.update(f"design {relative.as_posix()} {path.stat().st_size}\n".encode())
            digest.update(path.read_bytes())
    for path in sorted(FONT_DIR.iterdir()):
        # The font files are large: their names and sizes stand for them.
        digest.update(f"font {path.name} {path.stat().st_size}\n".encode())
    return digest.hexdigest()[:16]


def extract_payload_from_pdf(pdf: bytes | Path | str) -> str | None:
    """The signed payload of a certificate PDF (bytes or a file path), or
    ``None`` when it has none. Looks in the metadata first, then the text
    of the first pages.

    Raises ``ValueError`` with a short reason (one line, for the admin) when
    the file cannot be read or is not a readable PDF: a folder, a named pipe,
    an empty file, one larger than :data:`MAX_PDF_BYTES` (refused before it
    is read), junk, a truncated or damaged PDF.
    """
    data = bytes(pdf) if isinstance(pdf, (bytes, bytearray)) else _read_capped(Path(pdf))
    if len(data) > MAX_PDF_BYTES:
        raise ValueError(_TOO_LARGE)
    if not data:
        raise ValueError("the file is empty")
    if b"%PDF-" not in data[:1024]:
        raise ValueError("not a PDF file")
    try:
        return _payload_in(data)
    except RecursionError:
        raise ValueError("not a readable PDF: nested too deeply") from None
    except Exception as error:  # pypdf raises anything on a damaged file: this is the boundary
        reason = str(error).strip().splitlines()[0][:120] if str(error).strip() else type(error).__name__
        raise ValueError(f"not a readable PDF: {reason}") from error


_TOO_LARGE = f"larger than {MAX_PDF_BYTES // 2**20} MB; a certificate PDF is far smaller"


def _read_capped(path: Path) -> bytes:
    """The file's bytes, if it is a regular file of at most MAX_PDF_BYTES;
    never waits on a named pipe, never reads more than that."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except FileNotFoundError:
        raise ValueError("no such file") from None
    except IsADirectoryError:
        raise ValueError("a folder, not a PDF file") from None
    except OSError as error:
        raise ValueError(f"cannot read the file: {error.strerror}") from None
    try:
        status = os.fstat(fd)
        if stat.S_ISDIR(status.st_mode):
            raise ValueError("a folder, not a PDF file")
        if not stat.S_ISREG(status.st_mode):
            raise ValueError("not a regular file")
        if status.st_size > MAX_PDF_BYTES:
            raise ValueError(_TOO_LARGE)
        chunks, size = [], 0
        while size <= MAX_PDF_BYTES and (chunk := os.read(fd, 2**20)):
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _payload_in(data: bytes) -> str | None:
    from pypdf import PdfReader

    # pypdf logs what it repairs in a damaged file; the caller says what counts.
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    reader = PdfReader(io.BytesIO(data))
    metadata = reader.metadata or {}
    for key in (f"/{PDF_PAYLOAD_KEY}", "/Keywords", "/Subject"):
        match = PAYLOAD_PATTERN.search(str(metadata.get(key) or ""))
        if match:
            return match.group()
    for index in range(min(len(reader.pages), MAX_PDF_PAGES)):
        text = re.sub(r"\s+", "", reader.pages[index].extract_text() or "")
        match = _PAYLOAD_IN_TEXT.search(text)
        if match:
            return match.group()
    return None
