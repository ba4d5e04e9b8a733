"""Make the static font subsets that certificates embed.

Run from anywhere, on a Debian machine with ``fonts-noto-core`` and
``fonts-noto-cjk`` installed::

    python academy/fonts/_make_subsets.py

It reads the fonts under /usr/share/fonts and writes the subsets beside this
file, overwriting them. The output depends only on the source fonts and the
fontTools version, so running it twice gives the same files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset

HERE = Path(__file__).resolve().parent
NOTO = Path("/usr/share/fonts/truetype/noto")
NOTO_CJK = Path("/usr/share/fonts/opentype/noto")

# Keep the licence (13) and licence URL (14) with the usual names.
NAME_IDS = "0,1,2,3,4,5,6,13,14"

LATIN = ",".join([
    "U+0000-007F",  # Basic Latin
    "U+0080-00FF",  # Latin-1 Supplement
    "U+0100-017F",  # Latin Extended-A
    "U+0180-024F",  # Latin Extended-B
    "U+02B0-02FF",  # Spacing modifier letters (ʻokina, ˆ, ˜ in names)
    "U+0300-036F",  # Combining diacritical marks
    "U+1E00-1EFF",  # Latin Extended Additional (Vietnamese)
    "U+2000-206F",  # General punctuation
    "U+20A0-20CF",  # Currency symbols
    "U+25CC",       # Dotted circle, drawn by the shaper for a lone mark
])

ARABIC = ",".join([
    "U+0020-0040,U+00A0,U+00AB,U+00BB",  # what the font has of ASCII and Latin-1
    "U+0600-06FF",  # Arabic
    "U+0750-077F",  # Arabic Supplement
    "U+FB50-FDFF",  # Arabic Presentation Forms-A
    "U+FE70-FEFF",  # Arabic Presentation Forms-B
    "U+2000-206F",  # General punctuation (ZWNJ, ZWJ, LRM, RLM, ...)
    "U+25CC,U+2E41",
])

CJK = ",".join([
    "U+3000-303F",  # CJK symbols and punctuation
    "U+4E00-9FFF",  # CJK unified ideographs
    "U+FF00-FFEF",  # Halfwidth and fullwidth forms
])

# (output file, source file, font number in a collection, unicodes, keep all
# layout features). The Chinese subsets are WOFF2: as plain OpenType they
# weigh 9.2 MB per weight, as WOFF2 6.2 MB. render.py decompresses them once
# per process.
SUBSETS = [
    ("NotoSans-Regular-subset.ttf", NOTO / "NotoSans-Regular.ttf", None, LATIN, False),
    ("NotoSans-Bold-subset.ttf", NOTO / "NotoSans-Bold.ttf", None, LATIN, False),
    ("NotoSansArabic-Regular-subset.ttf", NOTO / "NotoSansArabic-Regular.ttf", None, ARABIC, True),
    ("NotoSansArabic-Bold-subset.ttf", NOTO / "NotoSansArabic-Bold.ttf", None, ARABIC, True),
    # Font number 2 of the collection is Noto Sans CJK SC (Simplified Chinese).
    ("NotoSansSC-Regular-subset.woff2", NOTO_CJK / "NotoSansCJK-Regular.ttc", 2, CJK, True),
    ("NotoSansSC-Bold-subset.woff2", NOTO_CJK / "NotoSansCJK-Bold.ttc", 2, CJK, True),
]


def subset_arguments(output: str, source: Path, font_number: int | None,
                     unicodes: str, all_features: bool) -> list[str]:
    """The pyftsubset command line (without the program name) for one subset."""
    # No hinting: PDF viewers and printers do not need it, and it halves the
    # Latin files.
    arguments = [str(source), f"--unicodes={unicodes}",
                 f"--output-file={HERE / output}", f"--name-IDs={NAME_IDS}",
                 "--no-hinting"]
    if font_number is not None:
        arguments.append(f"--font-number={font_number}")
    if all_features:
        arguments.append("--layout-features=*")
    if output.endswith(".woff2"):
        arguments.append("--flavor=woff2")
    return arguments


def main() -> int:
    missing = [str(source) for _, source, *_ in SUBSETS if not source.exists()]
    if missing:
        print("missing source fonts (apt-get install fonts-noto-core fonts-noto-cjk):",
              *missing, sep="\n  ", file=sys.stderr)
        return 1
    for output, source, font_number, unicodes, all_features in SUBSETS:
        arguments = subset_arguments(output, source, font_number, unicodes, all_features)
        print("pyftsubset", " ".join(repr(a) if "*" in a else a for a in arguments))
        subset.main(arguments)
        print(f"  -> {output}: {(HERE / output).stat().st_size / 1024:.0f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
