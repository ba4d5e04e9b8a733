"""Grading: reading a submitted form (read_answer) and marking it (is_correct),
for every question type."""

from __future__ import annotations

import unicodedata

import pytest

from academy.content import QUESTION_TYPES, AnswerError, Choice, Question, normalise_text

SINGLE = Question(
    id="brakes", type="single", prompt="?", line=1,
    choices=(Choice("disc", "Disc", correct=True), Choice("rim", "Rim"), Choice("drum", "Drum")),
)
MULTIPLE = Question(
    id="gear", type="multiple", prompt="?", line=1,
    choices=(Choice("gloves", "Gloves", correct=True), Choice("goggles", "Goggles", correct=True), Choice("radio", "Radio")),
)
TRUE = Question(id="round", type="truefalse", prompt="?", line=1, answer=True)
FALSE = Question(id="square", type="truefalse", prompt="?", line=1, answer=False)
TEXT = Question(id="metal", type="text", prompt="?", line=1, accept=("nhôm", "aluminium", "cá"))
NUMBER = Question(id="weight", type="number", prompt="?", line=1, answer=2.0, tolerance=0.5)
EXACT = Question(id="count", type="number", prompt="?", line=1, answer=30.0)
ORDER = Question(
    id="steps", type="order", prompt="?", line=1,
    choices=(Choice("cut", "Cut"), Choice("weld", "Weld"), Choice("paint", "Paint")),
)


def grade(question: Question, form: dict[str, list[str]]) -> bool:
    qtype = QUESTION_TYPES[question.type]
    return qtype.is_correct(question, qtype.read_answer(question, form))


def answer(question: Question, *values: str) -> bool:
    return grade(question, {f"q-{question.id}": list(values)})


def order(*item_ids: str) -> dict[str, list[str]]:
    """The form a learner sends after putting items in this order."""
    return {f"q-steps-{item_id}": [str(position)] for position, item_id in enumerate(item_ids, start=1)}


# -- single -------------------------------------------------------------------

def test_single_choice_is_correct_for_the_correct_option():
    assert answer(SINGLE, "disc") is True


def test_single_choice_is_wrong_for_another_option():
    assert answer(SINGLE, "rim") is False


def test_single_choice_left_blank_reads_as_no_answer():
    assert QUESTION_TYPES["single"].read_answer(SINGLE, {}) is None


def test_single_choice_left_blank_is_wrong():
    assert answer(SINGLE) is False


def test_single_choice_with_an_unknown_option_id_raises_answer_error():
    with pytest.raises(AnswerError, match="unknown-option"):
        answer(SINGLE, "tyre")


def test_single_choice_with_two_options_raises_answer_error():
    with pytest.raises(AnswerError, match="too-many-values"):
        answer(SINGLE, "disc", "rim")


def test_single_choice_correct_answer_is_the_correct_option_id():
    assert QUESTION_TYPES["single"].correct_answer(SINGLE) == "disc"


# -- multiple -----------------------------------------------------------------

def test_multiple_choice_is_correct_for_exactly_the_correct_options():
    assert answer(MULTIPLE, "gloves", "goggles") is True


def test_multiple_choice_ignores_the_order_options_are_sent_in():
    assert answer(MULTIPLE, "goggles", "gloves") is True


def test_multiple_choice_missing_one_correct_option_is_wrong():
    assert answer(MULTIPLE, "gloves") is False


def test_multiple_choice_with_one_wrong_option_more_is_wrong():
    assert answer(MULTIPLE, "gloves", "goggles", "radio") is False


def test_multiple_choice_with_every_option_is_wrong():
    assert answer(MULTIPLE, "radio", "gloves", "goggles") is False


def test_multiple_choice_reads_options_in_their_own_order_without_repeats():
    assert QUESTION_TYPES["multiple"].read_answer(MULTIPLE, {"q-gear": ["goggles", "gloves", "goggles"]}) == ["gloves", "goggles"]


def test_multiple_choice_left_blank_is_wrong():
    assert answer(MULTIPLE) is False


def test_multiple_choice_with_an_unknown_option_id_raises_answer_error():
    with pytest.raises(AnswerError, match="unknown-option"):
        answer(MULTIPLE, "gloves", "helmet")


# -- truefalse ----------------------------------------------------------------

def test_true_false_is_correct_for_the_answer_true():
    assert answer(TRUE, "true") is True


def test_true_false_is_wrong_for_the_other_answer():
    assert answer(TRUE, "false") is False


def test_true_false_is_correct_for_the_answer_false():
    assert answer(FALSE, "false") is True


def test_true_false_left_blank_is_wrong_even_when_the_answer_is_false():
    assert answer(FALSE) is False


def test_true_false_with_another_value_raises_answer_error():
    with pytest.raises(AnswerError, match="unknown-option"):
        answer(TRUE, "yes")


# -- text ---------------------------------------------------------------------

def test_text_answer_is_correct_for_an_accepted_answer():
    assert answer(TEXT, "aluminium") is True


def test_text_answer_ignores_case():
    assert answer(TEXT, "ALUMINIUM") is True


def test_text_answer_ignores_surrounding_spaces():
    assert answer(TEXT, "  aluminium \t") is True


def test_text_answer_ignores_repeated_spaces_inside():
    question = Question(id="metal", type="text", prompt="?", line=1, accept=("stainless steel",))
    assert answer(question, "stainless   steel") is True


def test_text_answer_typed_in_decomposed_vietnamese_matches_a_composed_accept_entry():
    typed = unicodedata.normalize("NFD", "nhôm")
    assert typed != "nhôm" and answer(TEXT, typed) is True


def test_text_answer_typed_composed_matches_a_decomposed_accept_entry():
    question = Question(id="metal", type="text", prompt="?", line=1, accept=(unicodedata.normalize("NFD", "Nhôm"),))
    assert answer(question, "nhôm") is True


def test_text_answer_keeps_tone_marks_significant():
    assert answer(TEXT, "ca") is False


def test_text_answer_without_the_circumflex_is_wrong():
    assert answer(TEXT, "nhom") is False


def test_text_answer_with_a_tone_mark_matches_exactly_that_tone():
    assert answer(TEXT, "Cá") is True


def test_text_answer_that_is_not_accepted_is_wrong():
    assert answer(TEXT, "steel") is False


def test_text_answer_left_blank_reads_as_no_answer():
    assert QUESTION_TYPES["text"].read_answer(TEXT, {"q-metal": ["   "]}) is None


def test_text_answer_is_read_in_nfc():
    assert QUESTION_TYPES["text"].read_answer(TEXT, {"q-metal": [unicodedata.normalize("NFD", " nhôm ")]}) == "nhôm"


def test_text_answer_longer_than_500_characters_raises_answer_error():
    with pytest.raises(AnswerError, match="too-long"):
        answer(TEXT, "a" * 501)


def test_normalise_text_folds_case_spaces_and_composition():
    assert normalise_text(unicodedata.normalize("NFD", "  Thép   KHÔNG gỉ ")) == "thép không gỉ"


# -- number -------------------------------------------------------------------

def test_number_answer_is_correct_for_the_answer():
    assert answer(NUMBER, "2") is True


@pytest.mark.parametrize("typed", ["1.5", "2.5"])
def test_number_answer_at_the_tolerance_boundary_is_correct(typed):
    assert answer(NUMBER, typed) is True


@pytest.mark.parametrize("typed", ["1.49", "2.51"])
def test_number_answer_just_outside_the_tolerance_is_wrong(typed):
    assert answer(NUMBER, typed) is False


def test_number_answer_accepts_a_comma_as_decimal_separator():
    assert QUESTION_TYPES["number"].read_answer(NUMBER, {"q-weight": ["2,25"]}) == 2.25


def test_number_answer_reads_a_single_comma_as_the_decimal_point_not_a_thousands_separator():
    assert QUESTION_TYPES["number"].read_answer(NUMBER, {"q-weight": ["1,000"]}) == 1.0


def test_number_answer_accepts_arabic_indic_digits():
    assert QUESTION_TYPES["number"].read_answer(NUMBER, {"q-weight": ["٢٥"]}) == 25.0


def test_number_answer_accepts_the_arabic_decimal_separator():
    assert QUESTION_TYPES["number"].read_answer(NUMBER, {"q-weight": ["٢٫٥"]}) == 2.5


def test_number_answer_accepts_eastern_arabic_indic_digits():
    assert QUESTION_TYPES["number"].read_answer(NUMBER, {"q-weight": ["۲"]}) == 2.0


def test_number_answer_accepts_full_width_digits():
    assert QUESTION_TYPES["number"].read_answer(NUMBER, {"q-weight": ["２"]}) == 2.0


def test_number_answer_ignores_surrounding_spaces():
    assert answer(NUMBER, " 2 ") is True


def test_number_answer_without_tolerance_must_be_exact():
    assert (answer(EXACT, "30"), answer(EXACT, "30.1")) == (True, False)


def test_number_answer_forgives_floating_point_noise():
    assert answer(EXACT, "30.0000000001") is True


@pytest.mark.parametrize("typed", ["two", "2 kg", "nan", "inf", "1e999", "--2"])
def test_number_answer_that_is_not_a_number_raises_answer_error(typed):
    with pytest.raises(AnswerError, match="not-a-number"):
        answer(NUMBER, typed)


def test_number_answer_left_blank_is_wrong():
    assert answer(NUMBER) is False


# -- order --------------------------------------------------------------------

def test_order_in_the_source_order_is_correct():
    assert grade(ORDER, order("cut", "weld", "paint")) is True


def test_order_with_two_items_swapped_is_wrong():
    assert grade(ORDER, order("cut", "paint", "weld")) is False


def test_order_reads_items_sorted_by_position():
    form = {"q-steps-cut": ["2"], "q-steps-weld": ["3"], "q-steps-paint": ["1"]}
    assert QUESTION_TYPES["order"].read_answer(ORDER, form) == ["paint", "cut", "weld"]


def test_order_left_blank_reads_as_no_answer():
    assert QUESTION_TYPES["order"].read_answer(ORDER, {}) is None


def test_order_with_an_item_without_position_raises_answer_error():
    with pytest.raises(AnswerError, match="order-incomplete"):
        grade(ORDER, {"q-steps-cut": ["1"], "q-steps-weld": ["2"]})


def test_order_with_two_items_in_one_position_raises_answer_error():
    with pytest.raises(AnswerError, match="same-position-twice"):
        grade(ORDER, {"q-steps-cut": ["1"], "q-steps-weld": ["1"], "q-steps-paint": ["2"]})


@pytest.mark.parametrize("position", ["0", "4", "first"])
def test_order_with_a_position_out_of_range_raises_answer_error(position):
    with pytest.raises(AnswerError, match="bad-position"):
        grade(ORDER, {"q-steps-cut": [position], "q-steps-weld": ["2"], "q-steps-paint": ["3"]})


def test_order_correct_answer_is_the_source_order():
    assert QUESTION_TYPES["order"].correct_answer(ORDER) == ["cut", "weld", "paint"]


# -- on the fixture course ----------------------------------------------------------

def test_a_vietnamese_lesson_accepts_its_own_accepted_answer(tiny_course):
    question = tiny_course.lesson("first-steps", "check").text("vi").question("frame-metal")
    assert answer(question, "NHÔM") is True


def test_an_arabic_lesson_grades_the_single_choice_with_the_source_key(tiny_course):
    question = tiny_course.lesson("first-steps", "check").text("ar").question("heaviest-part")
    assert (answer(question, "frame"), answer(question, "chain")) == (True, False)


def test_an_arabic_lesson_grades_the_number_with_the_source_answer_and_tolerance(tiny_course):
    question = tiny_course.lesson("first-steps", "check").text("ar").question("frame-weight")
    assert answer(question, "٢٫٤") is True
