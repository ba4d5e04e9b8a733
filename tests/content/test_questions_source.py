"""Questions in the source language: ids, types, keys and each type's answer key.

Each test writes one extra source-language lesson holding one ```quiz block
(its translations are missing, which is only a warning)."""

from __future__ import annotations

import pytest

SINGLE = """\
id: brakes
type: single
question: Which brake works best in the rain?
options:
  - id: disc
    text: A disc brake
    correct: true
  - id: rim
    text: A rim brake
"""


def quiz_errors(tiny, quiz_yaml: str) -> tuple[str, list[str]]:
    rel = tiny.quiz_lesson(quiz_yaml)
    return rel, tiny.errors()


def test_a_valid_single_choice_question_in_a_new_lesson_loads(tiny):
    tiny.quiz_lesson(SINGLE)
    assert tiny.course().lesson("first-steps", "extra").question_ids == ("brakes",)


def test_a_question_id_that_is_not_an_id_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, SINGLE.replace("id: brakes", "id: Brakes_1"))
    assert errors == [f'{tiny.where(rel, "id: Brakes_1")}: error: question id "Brakes_1" must look like "some-id" (a-z, 0-9 and hyphens)']


def test_a_question_without_an_id_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, SINGLE.replace("id: brakes\n", ""))
    assert errors == [f'{tiny.where(rel, "type: single")}: error: the question needs an "id"']


def test_an_option_id_that_is_not_an_id_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, SINGLE.replace("id: rim", "id: Rim Brake"))
    assert errors == [f"{tiny.where(rel, 'id: Rim Brake')}: error: option id 'Rim Brake' must look like \"some-id\" (a-z, 0-9 and hyphens)"]


def test_an_option_without_an_id_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, SINGLE.replace("  - id: rim\n    text:", "  - text:"))
    assert errors == [f'{tiny.where(rel, "A rim brake")}: error: option id None must look like "some-id" (a-z, 0-9 and hyphens)']


def test_an_item_id_that_is_not_an_id_is_an_error(tiny):
    quiz = "id: steps\ntype: order\nquestion: Order them.\nitems:\n  - id: first\n    text: One\n  - id: Second\n    text: Two\n"
    rel, errors = quiz_errors(tiny, quiz)
    assert errors == [f"{tiny.where(rel, 'id: Second')}: error: item id 'Second' must look like \"some-id\" (a-z, 0-9 and hyphens)"]


def test_two_questions_with_the_same_id_in_a_lesson_are_an_error(tiny):
    rel = "01-first-steps/03-extra.en.md"
    tiny.write(rel, f"---\ntitle: Extra\n---\n```quiz\n{SINGLE}```\n\n```quiz\n{SINGLE}```\n")
    # The second block's "id: brakes" is on line 17 (its fence is on line 16).
    assert tiny.errors() == [f'tiny-course/{rel}:17: error: question id "brakes" is used twice in this lesson']


def test_the_same_question_id_in_two_lessons_is_allowed(tiny):
    tiny.quiz_lesson(SINGLE.replace("id: brakes", "id: heaviest-part"))
    assert tiny.errors() == []


def test_two_options_with_the_same_id_are_an_error(tiny):
    rel, errors = quiz_errors(tiny, SINGLE + "  - id: disc\n    text: Another disc\n")
    assert errors == [f'tiny-course/{rel}:16: error: option "disc" appears twice']


def test_two_items_with_the_same_id_are_an_error(tiny):
    quiz = "id: steps\ntype: order\nquestion: Order them.\nitems:\n  - id: cut\n    text: Cut\n  - id: cut\n    text: Cut again\n"
    rel, errors = quiz_errors(tiny, quiz)
    assert errors == [f'tiny-course/{rel}:13: error: item "cut" appears twice']


def test_an_unknown_question_type_is_an_error_naming_the_types(tiny):
    rel, errors = quiz_errors(tiny, SINGLE.replace("type: single", "type: essay"))
    assert errors == [
        f"{tiny.where(rel, 'type: essay')}: error: unknown question type 'essay'; expected one of single, multiple, truefalse, text, number, order"
    ]


def test_a_question_without_a_type_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, SINGLE.replace("type: single\n", ""))
    assert errors == [
        f'{tiny.where(rel, "id: brakes")}: error: the question needs a "type", one of single, multiple, truefalse, text, number, order'
    ]


def test_an_unknown_key_in_a_question_is_an_error_naming_the_keys_of_its_type(tiny):
    rel, errors = quiz_errors(tiny, SINGLE + "hint: Think of water.\n")
    assert errors == [
        f'{tiny.where(rel, "hint:")}: error: unknown key "hint" in a single question; expected explanation, id, options, question, type'
    ]


def test_an_answer_key_of_another_type_is_an_unknown_key(tiny):
    rel, errors = quiz_errors(tiny, SINGLE + "answer: true\n")
    assert errors == [
        f'{tiny.where(rel, "answer: true")}: error: unknown key "answer" in a single question; expected explanation, id, options, question, type'
    ]


def test_an_unknown_key_in_an_option_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, SINGLE.replace("    correct: true", "    correct: true\n    points: 2"))
    assert errors == [f'{tiny.where(rel, "points:")}: error: unknown key "points" in option; expected correct, feedback, id, text']


def test_a_question_without_its_question_text_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, SINGLE.replace("question: Which brake works best in the rain?\n", ""))
    assert errors == [f'{tiny.where(rel, "id: brakes")}: error: "question" is required']


def test_an_option_without_text_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, SINGLE.replace("    text: A rim brake\n", ""))
    assert errors == [f'{tiny.where(rel, "id: rim")}: error: "text" is required']


def test_an_option_that_is_not_a_mapping_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, SINGLE + "  - A hand brake\n")
    assert errors == [f"{tiny.where(rel, 'A hand brake')}: error: each option needs an id and a text"]


def test_a_question_with_one_option_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, SINGLE.replace("  - id: rim\n    text: A rim brake\n", ""))
    assert errors == [f'{tiny.where(rel, "options:")}: error: "options" must list at least two options']


def test_an_explanation_that_is_a_list_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, SINGLE + "explanation: [Water, on, rims]\n")
    assert errors == [f'{tiny.where(rel, "explanation:")}: error: "explanation" must be text']


def test_a_single_choice_question_without_a_correct_option_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, SINGLE.replace("    correct: true\n", ""))
    assert errors == [f"{tiny.where(rel, 'options:')}: error: a single-choice question needs exactly one option with correct: true; found 0"]


def test_a_single_choice_question_with_two_correct_options_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, SINGLE + "    correct: true\n")
    assert errors == [f"{tiny.where(rel, 'options:')}: error: a single-choice question needs exactly one option with correct: true; found 2"]


def test_correct_must_be_true_or_false(tiny):
    rel, errors = quiz_errors(tiny, SINGLE.replace("correct: true", "correct: yes"))
    assert errors == [f"{tiny.where(rel, 'correct: yes')}: error: \"correct\" must be true or false, not 'yes'"]


def test_a_multiple_choice_question_without_a_correct_option_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, SINGLE.replace("type: single", "type: multiple").replace("    correct: true\n", ""))
    assert errors == [f"{tiny.where(rel, 'options:')}: error: a multiple-choice question needs at least one option with correct: true"]


def test_a_multiple_choice_question_with_every_option_correct_is_allowed(tiny):
    tiny.quiz_lesson(SINGLE.replace("type: single", "type: multiple") + "    correct: true\n")
    assert tiny.errors() == []


TRUEFALSE = "id: gears\ntype: truefalse\nquestion: Gears need oil.\nanswer: true\n"


def test_a_true_false_question_without_an_answer_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, TRUEFALSE.replace("answer: true\n", ""))
    assert errors == [f'{tiny.where(rel, "id: gears")}: error: a true/false question needs "answer: true" or "answer: false"']


def test_a_true_false_question_with_a_blank_answer_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, TRUEFALSE.replace("answer: true", "answer:"))
    assert errors == [f'{tiny.where(rel, "id: gears")}: error: a true/false question needs "answer: true" or "answer: false"']


def test_a_true_false_answer_other_than_true_or_false_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, TRUEFALSE.replace("answer: true", "answer: yes"))
    assert errors == [f"{tiny.where(rel, 'answer: yes')}: error: \"answer\" must be true or false, not 'yes'"]


def test_a_true_false_answer_may_be_written_with_capitals(tiny):
    tiny.quiz_lesson(TRUEFALSE.replace("answer: true", "answer: False"))
    assert tiny.course().lesson("first-steps", "extra").source.question("gears").answer is False


TEXT = "id: metal\ntype: text\nquestion: Which metal rusts?\naccept: [iron, steel]\n"


def test_a_text_question_without_accept_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, TEXT.replace("accept: [iron, steel]\n", ""))
    assert errors == [f'{tiny.where(rel, "id: metal")}: error: "accept" must list at least one accepted answer, in this language']


def test_a_text_question_with_an_empty_accept_list_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, TEXT.replace("[iron, steel]", "[]"))
    assert errors == [f'{tiny.where(rel, "accept:")}: error: "accept" must list at least one accepted answer, in this language']


def test_a_text_question_with_a_blank_accepted_answer_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, TEXT.replace("[iron, steel]", '[iron, " "]'))
    assert errors == [f'{tiny.where(rel, "accept:")}: error: "accept" must list at least one accepted answer, in this language']


def test_a_single_accepted_answer_may_be_written_without_brackets(tiny):
    tiny.quiz_lesson(TEXT.replace("[iron, steel]", "iron"))
    assert tiny.course().lesson("first-steps", "extra").source.question("metal").accept == ("iron",)


def test_accepted_answers_that_look_like_numbers_or_booleans_stay_text(tiny):
    tiny.quiz_lesson(TEXT.replace("[iron, steel]", "[No, 1.5, 007, true]"))
    assert tiny.course().lesson("first-steps", "extra").source.question("metal").accept == ("No", "1.5", "007", "true")


NUMBER = "id: pressure\ntype: number\nquestion: Tyre pressure in bar?\nanswer: 4.5\ntolerance: 0.5\n"


def test_a_number_question_without_an_answer_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, NUMBER.replace("answer: 4.5\n", ""))
    assert errors == [f'{tiny.where(rel, "id: pressure")}: error: a number question needs "answer"']


def test_a_number_question_with_a_blank_answer_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, NUMBER.replace("answer: 4.5", "answer:"))
    assert errors == [f'{tiny.where(rel, "id: pressure")}: error: a number question needs "answer"']


@pytest.mark.parametrize("value", ["four", "4,5", "nan", "inf", "[4]"])
def test_a_number_answer_that_is_not_a_finite_number_is_an_error(tiny, value):
    rel, errors = quiz_errors(tiny, NUMBER.replace("answer: 4.5", f"answer: {value}"))
    shown = repr(["4"]) if value == "[4]" else repr(value)
    assert errors == [f'{tiny.where(rel, "answer:")}: error: "answer" must be a number, not {shown}']


def test_a_tolerance_that_is_not_a_number_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, NUMBER.replace("tolerance: 0.5", "tolerance: a little"))
    assert errors == [f"{tiny.where(rel, 'tolerance:')}: error: \"tolerance\" must be a number, not 'a little'"]


def test_a_negative_tolerance_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, NUMBER.replace("tolerance: 0.5", "tolerance: -0.5"))
    assert errors == [f'{tiny.where(rel, "tolerance:")}: error: "tolerance" must not be negative']


def test_a_number_question_without_tolerance_needs_the_exact_answer(tiny):
    tiny.quiz_lesson(NUMBER.replace("tolerance: 0.5\n", ""))
    question = tiny.course().lesson("first-steps", "extra").source.question("pressure")
    assert (question.answer, question.tolerance) == (4.5, 0.0)


ORDER = "id: steps\ntype: order\nquestion: Order them.\nitems:\n  - id: cut\n    text: Cut\n  - id: weld\n    text: Weld\n"


def test_an_order_question_with_one_item_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, ORDER.replace("  - id: weld\n    text: Weld\n", ""))
    assert errors == [f'{tiny.where(rel, "items:")}: error: "items" must list at least two items']


def test_an_order_question_without_items_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, "id: steps\ntype: order\nquestion: Order them.\n")
    assert errors == [f'{tiny.where(rel, "id: steps")}: error: "items" must list at least two items']


def test_an_item_marked_correct_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, ORDER.replace("    text: Cut\n", "    text: Cut\n    correct: true\n"))
    assert errors == [f'{tiny.where(rel, "correct: true")}: error: unknown key "correct" in item; expected id, text']


def test_an_order_question_keeps_its_items_in_the_written_order(tiny):
    tiny.quiz_lesson(ORDER)
    assert [c.id for c in tiny.course().lesson("first-steps", "extra").source.question("steps").choices] == ["cut", "weld"]


def test_a_quiz_block_that_is_not_a_mapping_is_an_error_on_its_fence(tiny):
    rel, errors = quiz_errors(tiny, "- just\n- a list\n")
    assert errors == [f"{tiny.where(rel, '```quiz')}: error: a quiz block must be a YAML mapping with id, type and question"]


def test_an_empty_quiz_block_is_an_error_on_its_fence(tiny):
    rel, errors = quiz_errors(tiny, "")
    assert errors == [f"{tiny.where(rel, '```quiz')}: error: a quiz block must be a YAML mapping with id, type and question"]


def test_invalid_yaml_in_a_quiz_block_is_reported_on_its_line(tiny):
    rel, errors = quiz_errors(tiny, SINGLE.replace("question: Which brake works best in the rain?", "question: Which brake: disc or rim?"))
    assert errors == [f"{tiny.where(rel, 'question:')}: error: invalid YAML: a value contains \": \"; put the whole value in quotes, "
                      "such as \"Step 1: prepare\" (the YAML reader says: mapping values are not allowed here)"]


def test_an_unclosed_bracket_in_a_quiz_block_is_reported_on_its_line(tiny):
    rel, errors = quiz_errors(tiny, TEXT.replace("[iron, steel]", "[iron, steel") + "explanation: Iron rusts.\n")
    assert errors == [f"{tiny.where(rel, 'accept:')}: error: invalid YAML: a list opened with \"[\" is not closed; "
                      "close it with \"]\" on the same line (the YAML reader says: expected ',' or ']', but got ':')"]


def test_a_key_without_a_colon_in_a_quiz_block_is_reported_on_its_line(tiny):
    rel, errors = quiz_errors(tiny, TEXT.replace("question: Which", "question Which"))
    assert errors == [f"{tiny.where(rel, 'question Which')}: error: invalid YAML: a key has no \":\" after it; write it as key: value "
                      "(the YAML reader says: could not find expected ':')"]


def test_a_badly_indented_option_is_reported_on_its_line(tiny):
    rel, errors = quiz_errors(tiny, SINGLE.replace("  - id: rim", " - id: rim"))
    assert errors == [f"{tiny.where(rel, ' - id: rim')}: error: invalid YAML: this line is not indented like the lines above it; "
                      "line it up, with spaces, with the key or list item it belongs to "
                      "(the YAML reader says: expected <block end>, but found '<block sequence start>')"]


def test_a_second_yaml_document_in_a_quiz_block_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, TRUEFALSE + "---\nid: more\n")
    assert errors == [
        f"tiny-course/{rel}:11: error: invalid YAML: a line \"---\" starts a second YAML document here; "
        "remove it (each question needs a quiz block of its own) "
        "(the YAML reader says: expected a single document in the stream, but found another document)"
    ]


def test_a_yaml_alias_bomb_is_refused(tiny):
    bomb = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    for name, previous in zip("bcdefg", "abcdef"):
        bomb += f"{name}: &{name} [" + ",".join([f"*{previous}"] * 9) + "]\n"
    rel, errors = quiz_errors(tiny, TRUEFALSE + bomb)
    # The line is where the expanding value was first written; only the message matters here.
    assert [e.partition(": ")[2] for e in errors] == ["error: invalid YAML: too many values (aliases expanding?)"]


def test_a_yaml_merge_key_is_an_error(tiny):
    rel, errors = quiz_errors(tiny, TRUEFALSE + "<<: {explanation: x}\n")
    assert errors == [f"{tiny.where(rel, '<<:')}: error: YAML merge keys (<<) are not supported"]


def test_a_question_with_an_error_is_left_out_and_the_course_refused(tiny):
    tiny.quiz_lesson(TRUEFALSE.replace("answer: true", "answer: maybe"))
    assert tiny.load().refused == ("tiny-course",)


def test_question_text_that_looks_like_a_boolean_stays_text(tiny):
    tiny.quiz_lesson(TRUEFALSE.replace("question: Gears need oil.", "question: yes"))
    assert tiny.course().lesson("first-steps", "extra").source.question("gears").prompt == "yes"


def test_option_texts_no_and_1_5_stay_strings(tiny):
    tiny.quiz_lesson(SINGLE.replace("text: A disc brake", "text: No").replace("text: A rim brake", "text: 1.5"))
    question = tiny.course().lesson("first-steps", "extra").source.question("brakes")
    assert [c.text for c in question.choices] == ["No", "1.5"]


def test_feedback_and_explanation_are_kept_for_after_the_answer(tiny):
    tiny.quiz_lesson(SINGLE.replace("    text: A rim brake", "    text: A rim brake\n    feedback: Wet rims slip.") + "explanation: Discs stay dry.\n")
    question = tiny.course().lesson("first-steps", "extra").source.question("brakes")
    assert (question.choice("rim").feedback, question.explanation) == ("Wet rims slip.", "Discs stay dry.")
