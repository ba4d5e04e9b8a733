"""Which characters of a text the certificate fonts cannot draw.

WeasyPrint draws a character that no font has as a blank, without a warning.
Call :func:`missing_characters` on a learner's name (or any text that goes on
a certificate) before rendering, and refuse or warn when it is not empty.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent / "fonts"

#: The regular weight of each shipped font. The bold files cover the same
#: characters.
SHIPPED_FONTS: tuple[Path, ...] = (
    FONT_DIR / "NotoSans-Regular-subset.ttf",
    FONT_DIR / "NotoSansArabic-Regular-subset.ttf",
    FONT_DIR / "NotoSansSC-Regular-subset.woff2",
)

# Categories that are never drawn as a glyph of their own: controls, format
# characters (ZWJ, ZWNJ, LRM, RLM, soft hyphen...), separators.
_INVISIBLE_CATEGORIES = {"Cc", "Cf", "Zs", "Zl", "Zp"}


def missing_characters(text: str,
                       font_paths: Iterable[Path | str] = SHIPPED_FONTS) -> set[str]:
    """Return the characters of ``text`` that none of the fonts has.

    The text is first composed (NFC), as the shaper does, so that an ``e``
    followed by a combining acute counts as ``é`` when a font has ``é``. A
    combining mark left over after composition is checked like any other
    character. Whitespace, controls and invisible format characters (ZWJ,
    ZWNJ, direction marks, variation selectors) are ignored.
    """
    covered = _coverage(tuple(str(Path(path).resolve()) for path in font_paths))
    return {
        char for char in unicodedata.normalize("NFC", text)
        if ord(char) not in covered and not _is_invisible(char)
    }


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
