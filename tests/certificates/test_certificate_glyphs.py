import unicodedata

import pytest
from fontTools.ttLib import TTFont

from academy.pdf import FONT_DIR, SHIPPED_FONTS, missing_characters

NAMES = [
    "Margaret O'Hara-Smith",
    "Nguyễn Thị Minh Khai",
    "Łukasz Żółkiewski",
    "Kaʻiulani Ōkalani",
    "王梓睿 李昊琪 张晟萱 陈昕奕 刘霆 黄堃 吴喆",
    "فاطمة الزهراء",
    "محمّد بن عبد الله",
]


@pytest.mark.parametrize("name", NAMES)
def test_shipped_fonts_draw_every_character_of_a_name(name):
    assert missing_characters(name) == set()


def test_an_emoji_is_reported_missing():
    assert missing_characters("Anna 🌟") == {"🌟"}


def test_a_cjk_extension_b_character_is_reported_missing():
    assert missing_characters("王𠀀") == {"𠀀"}


def test_spaces_joiners_and_direction_marks_are_never_missing():
    assert missing_characters("A\u00a0B\u200d\u200c\u200f\u200e\tC\n") == set()


def test_a_decomposed_vietnamese_name_counts_as_its_composed_letters():
    decomposed = unicodedata.normalize("NFD", "Nguyễn Thị")
    assert missing_characters(decomposed) == set()


def test_only_the_given_fonts_are_consulted():
    latin_only = [FONT_DIR / "NotoSans-Regular-subset.ttf"]
    assert missing_characters("Wang 王", latin_only) == {"王"}


@pytest.mark.parametrize("regular", SHIPPED_FONTS, ids=lambda path: path.name)
def test_each_bold_font_covers_the_same_characters_as_its_regular(regular):
    bold = regular.with_name(regular.name.replace("-Regular-", "-Bold-"))
    with TTFont(regular, lazy=True) as font:
        regular_characters = set(font.getBestCmap())
    with TTFont(bold, lazy=True) as font:
        assert set(font.getBestCmap()) == regular_characters
