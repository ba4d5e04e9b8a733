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
import mimetypes
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from .glyphs import FONT_DIR
from .signing import PAYLOAD_PATTERN, PAYLOAD_PREFIX

DEFAULT_DESIGN_DIR = Path(__file__).resolve().parent / "designs" / "default"
FONTS_CSS = FONT_DIR / "fonts.css"

#: Bumped when a change here changes the PDFs, so that cached PDFs made with
#: an older renderer are re-rendered (it is part of design_fingerprint).
RENDERER_VERSION = 1

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
)

#: PDF document information key holding the signed payload.
PDF_PAYLOAD_KEY = "AcademyCertificatePayload"

# A payload in extracted text, once whitespace is removed: the text may run
# on after the signature, so no end boundary.
_PAYLOAD_IN_TEXT = re.compile(
    rf"{PAYLOAD_PREFIX}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{{86}}")

# WeasyPrint (Pango, fontconfig) is not known to be thread-safe, and a WSGI
# server renders in threads: one render at a time per process. A render takes
# about 0.2 s and its PDF is cached by the caller.
_RENDER_LOCK = threading.Lock()

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


class DesignError(Exception):
    """The design cannot be rendered: missing file, a label the template
    needs, or a resource outside the allowed folders."""


class ResourceRefused(ValueError):
    """The renderer was asked for a URL it may not read."""


def render_certificate_pdf(doc: CertificateDocument,
                           design_dir: Path | None = None) -> bytes:
    """Render ``doc`` to PDF bytes with the design in ``design_dir``.

    ``design_dir`` defaults to the shipped design; an organisation can pass
    its own folder. Raises :class:`DesignError` when the design is broken.
    """
    import jinja2
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

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

    url_fetcher = make_url_fetcher(design_dir, doc.organisation_logo)
    with _RENDER_LOCK:
        font_config = FontConfiguration()
        try:
            stylesheets = [
                CSS(url=FONTS_CSS.as_uri(), url_fetcher=url_fetcher,
                    font_config=font_config),
                CSS(url=(design_dir / "theme.css").as_uri(), url_fetcher=url_fetcher,
                    font_config=font_config),
            ]
            document = HTML(string=html_text, base_url=design_dir.as_uri() + "/",
                            url_fetcher=url_fetcher).render(
                stylesheets=stylesheets, font_config=font_config)
        except FatalURLFetchingError as error:
            raise DesignError(f"{error} ({error.__cause__})") from error.__cause__

        metadata = document.metadata
        metadata.title = metadata.title or f"{doc.learner_name} - {doc.course_title}"
        metadata.description = (
            f"{doc.organisation_name}: {doc.course_title}, {doc.learner_name}. "
            f"{doc.code} {doc.verify_url}")
        metadata.keywords = [doc.code, doc.signed_payload]
        metadata.custom = {PDF_PAYLOAD_KEY: doc.signed_payload}
        metadata.lang = html_lang(doc.language)
        return document.write_pdf(custom_metadata=True)


def template_context(doc: CertificateDocument) -> dict:
    """The values a design's template.html gets (see docs/certificates.md)."""
    from babel import Locale
    from babel.dates import format_date
    from babel.lists import format_list
    from markupsafe import Markup

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
    }


def html_lang(language: str) -> str:
    """The ``lang`` attribute for a language code: zh is Simplified Chinese."""
    return _HTML_LANG.get(language, language)


def qr_text(verify_url: str, signed_payload: str) -> str:
    """What the QR code holds: the verify page's address with the payload."""
    separator = "&" if "?" in verify_url else "?"
    return f"{verify_url}{separator}p={signed_payload}"


def qr_svg(text: str) -> str:
    """An inline SVG QR code of ``text``, sized by CSS (class ``qr-code``).

    Error correction M (15 % may be damaged) with the standard four-module
    quiet zone; about version 17 (85 modules) for a typical payload.
    """
    import segno

    code = segno.make_qr(text, error="m")
    return code.svg_inline(border=4, omitsize=True, svgclass="qr-code",
                           lineclass=None, dark="#000", light="#fff")


# -- reading only our own files ---------------------------------------------

def make_url_fetcher(design_dir: Path, logo: Path | None = None):
    """A WeasyPrint URL fetcher that reads only files inside ``design_dir``
    or the shipped fonts folder, and the ``logo`` file.

    Anything else (http, data, other paths, ``..`` or symlinks out of the
    folders) raises :class:`ResourceRefused`, which stops the rendering.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    roots = (Path(design_dir).resolve(), FONT_DIR)
    files = (Path(logo).resolve(),) if logo else ()

    class LocalFilesFetcher(URLFetcher):
        def __init__(self):
            super().__init__(fail_on_errors=True)

        def fetch(self, url, headers=None):
            path = allowed_path(url, roots, files)
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            if content_type.startswith("text/"):
                content_type += "; charset=utf-8"
            return URLFetcherResponse(url, _read(path), {"Content-Type": content_type})

    return LocalFilesFetcher()


def allowed_path(url: str, roots: tuple[Path, ...], files: tuple[Path, ...] = ()) -> Path:
    """The local file ``url`` names, if it is inside one of ``roots`` or is
    one of ``files``; otherwise raise :class:`ResourceRefused`."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise ResourceRefused(f"only local files may be read, not {url[:80]}")
    path = Path(url2pathname(unquote(parts.path))).resolve()
    allowed = path in files or any(path.is_relative_to(root) for root in roots)
    if not allowed:
        raise ResourceRefused(f"{path} is outside the design and font folders")
    if not path.is_file():
        raise ResourceRefused(f"{path} does not exist")
    return path


def _read(path: Path) -> bytes:
    if path.parent == FONT_DIR and path.suffix == ".woff2":
        stat = path.stat()
        return _decompressed_font(path, stat.st_mtime_ns, stat.st_size)
    return path.read_bytes()


@lru_cache(maxsize=4)
def _decompressed_font(path: Path, mtime_ns: int, size: int) -> bytes:
    """A shipped WOFF2 font as plain OpenType, decompressed once per process
    (0.3 s each for the Chinese fonts) instead of by WeasyPrint on every
    render."""
    from fontTools.ttLib import woff2

    output = io.BytesIO()
    woff2.decompress(io.BytesIO(path.read_bytes()), output)
    return output.getvalue()


@lru_cache(maxsize=16)
def _jinja_environment(design_dir: Path):
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment

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
    ``None`` when it has none. Looks in the metadata first, then the text.

    Raises ``ValueError`` when the file is not a readable PDF.
    """
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    source = io.BytesIO(pdf) if isinstance(pdf, (bytes, bytearray)) else Path(pdf)
    try:
        reader = PdfReader(source)
        metadata = reader.metadata or {}
        for key in (f"/{PDF_PAYLOAD_KEY}", "/Keywords", "/Subject"):
            match = PAYLOAD_PATTERN.search(str(metadata.get(key) or ""))
            if match:
                return match.group()
        for page in reader.pages:
            text = re.sub(r"\s+", "", page.extract_text() or "")
            match = _PAYLOAD_IN_TEXT.search(text)
            if match:
                return match.group()
    except PyPdfError as error:
        raise ValueError(f"not a readable PDF: {error}") from error
    return None
