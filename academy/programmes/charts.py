"""Charts drawn on the server: inline SVG bars, no script, nothing to load.

Horizontal bars, one row per item: a line of text (the label and its
numbers) above a bar. The text is HTML, so a long name (an organisation, a
job role in Vietnamese) wraps on a 360 px phone instead of running off the
screen, and it reads right to left in Arabic like the rest of the page; each
bar is a small SVG whose widths are percentages, so it fills any width.
Right to left the bars grow from the right. A hidden number (<5) draws no
bar, and bars are scaled to the largest number shown: a bar never measures
a hidden one. The table beside each chart has the same numbers.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

from .suppression import Cell


@dataclass(frozen=True)
class Size:
    bar: int  # px
    css: str  # an extra class for the figure


SCREEN = Size(bar=14, css="")
PAPER = Size(bar=8, css=" chart-paper")  # the PDF summary

# Colours as attributes (the PDF renderer does not read `fill` from CSS);
# the page's stylesheet overrides them by class.
COLOURS = {"chart-track": "#f3f6f4", "chart-bar": "#0b5d4b", "chart-bar-light": "#9ccbbd"}


@dataclass(frozen=True)
class Bar:
    label: str
    text: str  # the numbers, as printed after the label
    whole: Cell  # the bar's length
    part: Cell | None = None  # a darker part of it (e.g. completed of enrolled)


def _width(cell: Cell | None, largest: float) -> float | None:
    if cell is None or not cell.shown or not cell.value or largest <= 0:
        return None
    return max(0.5, min(100.0, 100.0 * float(cell.value) / largest))


def _rect(width: float, css: str, rtl: bool, size: Size) -> str:
    x = 100.0 - width if rtl else 0.0
    return (f'<rect class="{css}" fill="{COLOURS[css]}" x="{x:.2f}%" y="0" width="{width:.2f}%" '
            f'height="{size.bar}" rx="2"></rect>')


def bar_chart(bars: list[Bar], title: str, direction: str = "ltr", largest: float | None = None,
              size: Size = SCREEN) -> Markup:
    """One chart. ``largest``: the value of a full-width bar (default: the
    largest value shown)."""
    rtl = direction == "rtl"
    if largest is None:
        largest = max((float(b.whole.value) for b in bars if b.whole.shown and b.whole.value), default=0.0)
    parts = [f'<figure class="chart{size.css}"><figcaption class="visually-hidden">{escape(title)}</figcaption>']
    for bar in bars:
        parts.append(f'<div class="chart-row"><p class="chart-text"><span class="chart-label">{escape(bar.label)}</span> '
                     f'{escape(bar.text)}</p>')
        parts.append(f'<svg class="chart-svg" xmlns="http://www.w3.org/2000/svg" width="100%" height="{size.bar}" '
                     f'aria-hidden="true" focusable="false">')
        parts.append(_rect(100.0, "chart-track", rtl, size))
        whole = _width(bar.whole, largest)
        if whole is not None:
            parts.append(_rect(whole, "chart-bar" if bar.part is None else "chart-bar-light", rtl, size))
            part = _width(bar.part, largest)
            if part is not None:
                parts.append(_rect(part, "chart-bar", rtl, size))
        parts.append("</svg></div>")
    parts.append("</figure>")
    return Markup("".join(parts))
