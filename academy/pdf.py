"""PDFs from our own HTML: certificates and join sheets alike.

One place for what every PDF needs: the shipped fonts (``academy/fonts``)
and a check that they can draw a text, a WeasyPrint URL fetcher that reads
only named local folders (nothing from the network, nothing else from the
disk), one render at a time, and QR codes as inline SVG.

Plain Python, no Flask. WeasyPrint, fontTools and pypdf are imported where
they are used: importing WeasyPrint alone costs about 0.4 s, and most
processes (a CLI command, a worker serving lessons) never render a PDF.
"""

from __future__ import annotations

import io
import mimetypes
import threading
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import segno

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONTS_CSS = FONT_DIR / "fonts.css"

#: The regular weight of each shipped font. The bold files cover the same
#: characters.
SHIPPED_FONTS: tuple[Path, ...] = (
    FONT_DIR / "NotoSans-Regular-subset.ttf",
    FONT_DIR / "NotoSansArabic-Regular-subset.ttf",
    FONT_DIR / "NotoSansSC-Regular-subset.woff2",
)

# WeasyPrint (Pango, fontconfig) is not known to be thread-safe, and a WSGI
# server renders in threads: one render at a time per process. A render takes
# about 0.2 s; callers cache what they render.
RENDER_LOCK = threading.Lock()


class ResourceRefused(ValueError):
    """The renderer was asked for a URL it may not read."""


class PdfResourceError(Exception):
    """A stylesheet or image of the document could not be read (the cause
    is a :class:`ResourceRefused` or an I/O error)."""


def html_to_pdf(html: str, base_dir: Path, stylesheets: Iterable[Path], *, readable_files: Iterable[Path] = (),
                title: str | None = None, default_title: str | None = None,
                metadata: Mapping[str, object] | None = None) -> bytes:
    """Render ``html`` with the shipped fonts, then ``stylesheets``.

    WeasyPrint may read only files under ``base_dir``, the fonts folder and
    ``readable_files``. ``title`` replaces the HTML's own title;
    ``default_title`` is used when it has none. ``metadata`` sets further document fields
    (``description``, ``keywords``, ``lang``, ``custom``: a dict written as
    custom PDF keys). Raises :class:`PdfResourceError` when a resource
    cannot be read."""
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration
    from weasyprint.urls import FatalURLFetchingError

    base_dir = Path(base_dir).resolve()
    fetcher = make_url_fetcher((base_dir,), tuple(readable_files))
    with RENDER_LOCK:
        fonts = FontConfiguration()
        try:
            sheets = [CSS(url=path.as_uri(), url_fetcher=fetcher, font_config=fonts)
                      for path in (FONTS_CSS, *stylesheets)]
            document = HTML(string=html, base_url=base_dir.as_uri() + "/", url_fetcher=fetcher).render(
                stylesheets=sheets, font_config=fonts)
        except FatalURLFetchingError as error:
            raise PdfResourceError(f"{error} ({error.__cause__})") from error.__cause__
        if title or not document.metadata.title:
            document.metadata.title = title or default_title
        custom = dict((metadata or {}).get("custom") or {})
        for name, value in (metadata or {}).items():
            if name != "custom":
                setattr(document.metadata, name, value)
        if custom:
            document.metadata.custom = custom
            return document.write_pdf(custom_metadata=True)
        return document.write_pdf()


def qr_svg(text: str) -> str:
    """An inline SVG QR code of ``text``, sized by CSS (class ``qr-code``).

    Error correction M (15 % may be damaged) with the standard four-module
    quiet zone; a scanner reads it even printed at 60 dpi.
    """
    code = segno.make_qr(text, error="m")
    return code.svg_inline(border=4, omitsize=True, svgclass="qr-code", lineclass=None, dark="#000", light="#fff")


# -- which characters the fonts can draw -------------------------------------

# Categories that are never drawn as a glyph of their own: controls, format
# characters (ZWJ, ZWNJ, LRM, RLM, soft hyphen...), separators.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}


def missing_characters(text: str, font_paths: Iterable[Path | str] = SHIPPED_FONTS) -> set[str]:
    """Return the characters of ``text`` that none of the fonts has.

    WeasyPrint draws such a character as a blank, without a warning: check
    a learner's name (or any printed text) before rendering.

    The text is first composed (NFC), as the shaper does, so that an ``e``
    followed by a combining acute counts as ``é`` when a font has ``é``. A
    combining mark left over after composition is checked like any other
    character. Whitespace, controls and invisible format characters (ZWJ,
    ZWNJ, direction marks, variation selectors) are ignored.
    """
    covered = _coverage(tuple(str(Path(path).resolve()) for path in font_paths))
    return {char for char in unicodedata.normalize("NFC", text) if ord(char) not in covered and not _is_invisible(char)}


def _is_invisible(char: str) -> bool:
    code_point = ord(char)
    return (
        char.isspace()
        or unicodedata.category(char) in _INVISIBLE_CATEGORIES
        or 0xFE00 <= code_point <= 0xFE0F       # variation selectors
        or 0xE0100 <= code_point <= 0xE01EF     # variation selectors supplement
    )


@lru_cache(maxsize=8)
def _coverage(font_paths: tuple[str, ...]) -> frozenset[int]:
    """The union of the fonts' cmaps. Cached: reading the Chinese font takes
    about 0.3 s."""
    return frozenset().union(*(_cmap(path) for path in font_paths))


@lru_cache(maxsize=32)
def _cmap(font_path: str) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    with TTFont(font_path, lazy=True) as font:
        return frozenset(font.getBestCmap())


# -- reading only our own files ----------------------------------------------

def make_url_fetcher(roots: Iterable[Path], files: Iterable[Path] = ()):
    """A WeasyPrint URL fetcher that reads only files inside ``roots`` or
    the shipped fonts folder, and the named ``files``.

    Anything else (http, data, other paths, ``..`` or symlinks out of the
    folders) raises :class:`ResourceRefused`, which stops the rendering.
    """
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    allowed_roots = (*(Path(root).resolve() for root in roots), FONT_DIR)
    allowed_files = tuple(Path(path).resolve() for path in files)

    class LocalFilesFetcher(URLFetcher):
        def __init__(self):
            super().__init__(fail_on_errors=True)

        def fetch(self, url, headers=None):
            path = allowed_path(url, allowed_roots, allowed_files)
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
