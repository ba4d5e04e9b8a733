"""Printed sheets for a class: the join sheet as a PDF.

The HTML comes from our own template (``cohorts/join_sheet.html``); the PDF is
rendered with WeasyPrint (imported only here: importing it costs 0.4 s) with
the fonts the certificates ship, through the certificates' URL fetcher, so
that it can read only this package's ``sheet`` folder and the font folder:
nothing from the network, nothing else from the disk.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from .services import format_join_code

SHEET_DIR = Path(__file__).resolve().parent / "sheet"


def join_url(base_url: str, code: str) -> str:
    """The page a learner opens to join: what the QR code holds."""
    return f"{base_url.rstrip('/')}/cohorts/join?code={quote(format_join_code(code))}"


def qr_svg(text: str) -> str:
    """An inline SVG QR code (class ``qr-code``), sized by the stylesheet."""
    from ..certificates.render import qr_svg as certificate_qr_svg

    return certificate_qr_svg(text)


def render_pdf(html: str, stylesheet: str = "join.css", title: str | None = None) -> bytes:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    from ..certificates.render import FONTS_CSS, make_url_fetcher

    fetcher = make_url_fetcher(SHEET_DIR)
    fonts = FontConfiguration()
    stylesheets = [
        CSS(url=FONTS_CSS.as_uri(), url_fetcher=fetcher, font_config=fonts),
        CSS(url=(SHEET_DIR / stylesheet).as_uri(), url_fetcher=fetcher, font_config=fonts),
    ]
    document = HTML(string=html, base_url=SHEET_DIR.as_uri() + "/", url_fetcher=fetcher).render(
        stylesheets=stylesheets, font_config=fonts)
    if title:
        document.metadata.title = title
    return document.write_pdf()
