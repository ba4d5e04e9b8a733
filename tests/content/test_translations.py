"""Translations: same structure as the source, agreeing answer keys, their own
text; missing translations fall back to the source."""

from __future__ import annotations

VI = "01-first-steps/02-check.vi.md"
AR = "01-first-steps/02-check.ar.md"
SOURCE_QUESTIONS = "heaviest-part, protective-gear, wheels-are-round, frame-metal, frame-weight, frame-steps"

FRAME_STEPS_VI = """
```quiz
id: frame-steps
type: order
question: Hãy sắp xếp các bước làm khung xe theo đúng thứ tự.
items:
  - id: cut
    text: Cắt ống
  - id: weld
    text: Hàn các ống lại với nhau
  - id: paint
    text: Sơn khung
```
"""


def first_fence_line(tiny, rel: str) -> int:
    return tiny.read(rel).split("\n").index("```quiz") + 1


def test_a_translation_missing_a_question_names_the_question_and_the_source_questions(tiny):
    tiny.edit(VI, FRAME_STEPS_VI, "")
    assert tiny.errors() == [
        f'tiny-course/{VI}:{first_fence_line(tiny, VI)}: error: question "frame-steps" is missing; the source has {SOURCE_QUESTIONS}'
    ]


def test_a_translation_with_an_extra_question_is_an_error_on_that_question(tiny):
    tiny.edit(VI, FRAME_STEPS_VI, FRAME_STEPS_VI + "\n```quiz\nid: bonus\ntype: truefalse\nquestion: Thêm?\nanswer: true\n```\n")
    assert tiny.errors() == [
        f'{tiny.where(VI, "id: bonus")}: error: question "bonus" is not in the source; the source has {SOURCE_QUESTIONS}'
    ]


def test_a_translation_with_questions_in_another_order_is_an_error(tiny):
    tiny.edit(VI, FRAME_STEPS_VI, "")
    tiny.edit(VI, "Bạn cần đạt 60% để qua bài.\n", "Bạn cần đạt 60% để qua bài.\n" + FRAME_STEPS_VI)
    assert tiny.errors() == [
        f"tiny-course/{VI}:{first_fence_line(tiny, VI)}: error: questions are in another order than in the source; the source has {SOURCE_QUESTIONS}"
    ]


def test_a_translation_missing_an_option_names_the_option_and_the_line(tiny):
    tiny.edit(VI, "  - id: pedals\n    text: Bàn đạp\n", "")
    options_line = tiny.line_of(VI, "    text: Khung xe") - 2
    assert tiny.errors() == [f'tiny-course/{VI}:{options_line}: error: option "pedals" is missing; the source has frame, pedals, chain']


def test_a_translation_with_an_extra_option_is_an_error(tiny):
    tiny.edit(VI, "    text: Xích\n", "    text: Xích\n  - id: bell\n    text: Chuông\n")
    options_line = tiny.line_of(VI, "    text: Khung xe") - 2
    assert tiny.errors() == [f'tiny-course/{VI}:{options_line}: error: option "bell" is not in the source; the source has frame, pedals, chain']


def test_a_translation_with_options_in_another_order_is_an_error(tiny):
    tiny.edit(VI, "  - id: pedals\n    text: Bàn đạp\n  - id: chain\n    text: Xích\n", "  - id: chain\n    text: Xích\n  - id: pedals\n    text: Bàn đạp\n")
    options_line = tiny.line_of(VI, "    text: Khung xe") - 2
    assert tiny.errors() == [f"tiny-course/{VI}:{options_line}: error: options are in another order than in the source; the source has frame, pedals, chain"]


def test_a_translation_missing_an_item_is_an_error(tiny):
    tiny.edit(VI, "  - id: paint\n    text: Sơn khung\n", "")
    assert tiny.errors() == [f'{tiny.where(VI, "items:")}: error: item "paint" is missing; the source has cut, weld, paint']


def test_a_translation_with_an_extra_item_is_an_error(tiny):
    tiny.edit(VI, "    text: Sơn khung\n", "    text: Sơn khung\n  - id: polish\n    text: Đánh bóng\n")
    assert tiny.errors() == [f'{tiny.where(VI, "items:")}: error: item "polish" is not in the source; the source has cut, weld, paint']


def test_a_translation_with_items_in_another_order_is_an_error(tiny):
    tiny.edit(VI, "  - id: weld\n    text: Hàn các ống lại với nhau\n  - id: paint\n    text: Sơn khung\n",
              "  - id: paint\n    text: Sơn khung\n  - id: weld\n    text: Hàn các ống lại với nhau\n")
    assert tiny.errors() == [f"{tiny.where(VI, 'items:')}: error: items are in another order than in the source; the source has cut, weld, paint"]


def test_a_translation_with_another_question_type_is_an_error_on_the_type_line(tiny):
    tiny.edit(VI, "id: heaviest-part\ntype: single", "id: heaviest-part\ntype: multiple")
    type_line = tiny.line_of(VI, "id: heaviest-part") + 1
    assert tiny.errors() == [
        f'tiny-course/{VI}:{type_line}: error: question "heaviest-part" is of type multiple here but single in the source'
    ]


def test_a_translation_with_another_type_and_the_keys_of_that_type_reports_only_the_type(tiny):
    tiny.edit(VI, "id: frame-steps\ntype: order\nquestion: Hãy sắp xếp các bước làm khung xe theo đúng thứ tự.\nitems:",
              "id: frame-steps\ntype: single\nquestion: Hãy sắp xếp các bước làm khung xe theo đúng thứ tự.\noptions:")
    type_line = tiny.line_of(VI, "id: frame-steps") + 1
    assert tiny.errors() == [f'tiny-course/{VI}:{type_line}: error: question "frame-steps" is of type single here but order in the source']


def test_a_translation_stating_a_correct_option_the_source_does_not_is_an_error(tiny):
    tiny.edit(VI, "    text: Bàn đạp\n", "    text: Bàn đạp\n    correct: true\n")
    correct_line = tiny.line_of(VI, "text: Bàn đạp") + 1
    assert tiny.errors() == [f'tiny-course/{VI}:{correct_line}: error: option "pedals" is correct: true here but false in the source']


def test_a_translation_stating_a_wrong_option_correct_false_is_an_error(tiny):
    tiny.edit(VI, "    text: Găng tay\n    correct: true", "    text: Găng tay\n    correct: false")
    correct_line = tiny.line_of(VI, "text: Găng tay") + 1
    assert tiny.errors() == [f'tiny-course/{VI}:{correct_line}: error: option "gloves" is correct: false here but true in the source']


def test_a_translation_may_leave_out_every_answer_key(tiny_course):
    # 02-check.ar.md states no correct, answer or tolerance at all.
    question = tiny_course.lesson("first-steps", "check").text("ar").question("wheels-are-round")
    assert question.answer is True


def test_a_translation_stating_another_true_false_answer_is_an_error(tiny):
    tiny.edit(VI, "question: Bánh xe đạp có hình tròn.\nanswer: true", "question: Bánh xe đạp có hình tròn.\nanswer: false")
    assert tiny.errors() == [f"{tiny.where(VI, 'answer: false')}: error: answer is false here but true in the source"]


def test_a_translation_stating_another_number_answer_is_an_error(tiny):
    tiny.edit(VI, "answer: 2\n", "answer: 3\n")
    assert tiny.errors() == [f"{tiny.where(VI, 'answer: 3')}: error: answer is 3 here but 2 in the source"]


def test_a_translation_stating_another_tolerance_is_an_error(tiny):
    tiny.edit(VI, "tolerance: 0.5", "tolerance: 1")
    assert tiny.errors() == [f"{tiny.where(VI, 'tolerance: 1')}: error: tolerance is 1 here but 0.5 in the source"]


def test_a_translation_writing_the_same_number_differently_agrees(tiny):
    tiny.edit(VI, "answer: 2\n", "answer: 2.0\n")
    assert tiny.errors() == []


def test_a_translated_text_question_needs_its_own_accept_list(tiny):
    tiny.edit(VI, "accept: [nhôm, aluminium]\n", "")
    assert tiny.errors() == [
        f'{tiny.where(VI, "id: frame-metal")}: error: "accept" must list at least one accepted answer, in this language'
    ]


def test_translated_option_texts_no_and_1_5_stay_strings(tiny):
    tiny.edit(VI, "    text: Bàn đạp", "    text: No")
    tiny.edit(VI, "    text: Xích", "    text: 1.5")
    question = tiny.course().lesson("first-steps", "check").text("vi").question("heaviest-part")
    assert [c.text for c in question.choices] == ["Khung xe", "No", "1.5"]


def test_a_translated_option_without_text_is_an_error(tiny):
    tiny.edit(VI, "    text: Bàn đạp\n", "")
    assert tiny.errors() == [f'{tiny.where(VI, "id: pedals")}: error: "text" is required']


def test_a_translated_question_with_an_error_of_its_own_is_not_also_reported_missing(tiny):
    tiny.edit(VI, "  - id: pedals", "  - id: Pedals")
    assert tiny.errors() == [f"{tiny.where(VI, 'id: Pedals')}: error: option id 'Pedals' must look like \"some-id\" (a-z, 0-9 and hyphens)"]


def test_a_source_question_with_broken_yaml_is_not_reported_again_in_every_translation(tiny):
    rel = "01-first-steps/02-check.en.md"
    tiny.edit(rel, "question: Bicycle wheels are round.", "question: Bicycle wheels: round?")
    assert tiny.errors() == [f"{tiny.where(rel, 'wheels: round?')}: error: invalid YAML: a value contains \": \"; put the whole value in quotes, such as \"Step 1: prepare\" "
        "(the YAML reader says: mapping values are not allowed here)"]


def test_a_question_id_used_twice_in_the_source_is_reported_there_and_not_blamed_on_the_translations(tiny):
    rel = "01-first-steps/02-check.en.md"
    tiny.edit(rel, "id: protective-gear", "id: heaviest-part")
    second_id_line = tiny.line_of(rel, "type: multiple") - 1
    assert tiny.errors() == [f'tiny-course/{rel}:{second_id_line}: error: question id "heaviest-part" is used twice in this lesson']


def test_an_unknown_key_in_a_translated_question_is_an_error(tiny):
    tiny.edit(VI, "accept: [nhôm, aluminium]", "accept: [nhôm, aluminium]\nhint: Kim loại nhẹ")
    assert tiny.errors() == [
        f'{tiny.where(VI, "hint:")}: error: unknown key "hint" in a text question; expected accept, explanation, id, question, type'
    ]


def test_a_lesson_missing_in_an_offered_language_is_a_warning(tiny):
    tiny.remove(AR)
    assert tiny.problems() == [
        f"tiny-course/{AR}: warning: lesson is not translated into ar; learners see the en version with a notice"
    ]


def test_a_lesson_missing_in_an_offered_language_falls_back_to_the_source(tiny):
    tiny.remove(AR)
    text = tiny.course().lesson("first-steps", "check").text("ar")
    assert (text.language, text.title) == ("en", "Check your understanding")


def test_a_module_missing_in_an_offered_language_is_a_warning(tiny):
    tiny.remove("02-next-steps/module.ar.md")
    assert tiny.problems() == [
        "tiny-course/02-next-steps/module.ar.md: warning: module is not translated into ar; learners see the en title"
    ]


def test_a_module_missing_in_an_offered_language_shows_the_source_title(tiny):
    tiny.remove("02-next-steps/module.ar.md")
    assert tiny.course().module("next-steps").text("ar").title == "Next steps"


def test_a_course_description_missing_in_an_offered_language_is_a_warning(tiny):
    tiny.remove("course.ar.md")
    assert tiny.problems() == ["tiny-course/course.ar.md: warning: the course description is not translated into ar; learners see the en text"]


def test_a_course_description_missing_in_an_offered_language_shows_the_source_text(tiny):
    tiny.remove("course.ar.md")
    assert tiny.course().text("ar").title == "Tiny course"


def test_a_language_offered_without_any_file_warns_for_every_file(tiny):
    tiny.edit("course.yml", "languages: [en, vi, ar]", "languages: [en, vi, ar, zh]")
    assert len(tiny.warnings()) == 1 + 2 + 3  # the course description, two modules, three lessons
