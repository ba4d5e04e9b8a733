"""Printed sheets for a class: the join sheet as a PDF.

The HTML comes from our own template (``cohorts/join_sheet.html``); the PDF
is rendered by :mod:`academy.pdf` with the shipped fonts, reading only this
package's ``sheet`` folder and the font folder.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

from ..pdf import html_to_pdf
from .services import format_join_code

SHEET_DIR = Path(__file__).resolve().parent / "sheet"


def join_url(base_url: str, code: str) -> str:
    """The page a learner opens to join: what the QR code holds."""
    return f"{base_url.rstrip('/')}/cohorts/join?code={quote(format_join_code(code))}"


def render_sheet_pdf(html: str, stylesheet: str = "join.css", title: str | None = None) -> bytes:
    return html_to_pdf(html, SHEET_DIR, [SHEET_DIR / stylesheet], title=title)
