"""Assignment blocks: parsed with their criteria and review setting, checked
like questions, translated with the same ids in the same order."""

from __future__ import annotations

from academy.content import AssignmentPart

EN = "02-next-steps/01-wrap-up.en.md"
VI = "02-next-steps/01-wrap-up.vi.md"
AR = "02-next-steps/01-wrap-up.ar.md"

SOURCE = """
```assignment
id: your-bicycle
prompt: Describe the bicycle you ride to work.
criteria:
  - id: parts
    text: Names three parts
  - id: safety
    text: Says how the brakes are checked
review: tutor
```
"""

VIETNAMESE = """
```assignment
id: your-bicycle
prompt: Hãy mô tả chiếc xe đạp bạn đi làm.
criteria:
  - id: parts
    text: Nêu được ba bộ phận
  - id: safety
    text: Nói được cách kiểm tra phanh
```
"""

ARABIC = """
```assignment
id: your-bicycle
prompt: صِف الدراجة التي تذهب بها إلى العمل.
criteria:
  - id: parts
    text: يذكر ثلاثة أجزاء
  - id: safety
    text: يذكر كيف تُفحص المكابح
review: tutor
```
"""


def with_assignment(tiny, source=SOURCE, vietnamese=VIETNAMESE, arabic=ARABIC):
    for rel, block in ((EN, source), (VI, vietnamese), (AR, arabic)):
        tiny.write(rel, tiny.read(rel) + "\n" + block)


def test_an_assignment_is_read_with_its_prompt_criteria_and_review(tiny):
    with_assignment(tiny)
    lesson = tiny.course().lesson("next-steps", "wrap-up")
    (assignment,) = lesson.assignments
    assert (assignment.id, assignment.prompt, assignment.review) == ("your-bicycle", "Describe the bicycle you ride to work.", "tutor")
    assert [(c.id, c.text) for c in assignment.criteria] == [("parts", "Names three parts"), ("safety", "Says how the brakes are checked")]
    assert isinstance(lesson.source.parts[-1], AssignmentPart)


def test_a_translation_gives_its_own_words_and_keeps_the_sources_settings(tiny):
    with_assignment(tiny)
    lesson = tiny.course().lesson("next-steps", "wrap-up")
    translated = lesson.text("vi").assignment("your-bicycle")
    assert translated.prompt == "Hãy mô tả chiếc xe đạp bạn đi làm."
    assert [c.text for c in translated.criteria] == ["Nêu được ba bộ phận", "Nói được cách kiểm tra phanh"]
    assert translated.review == "tutor"


def test_an_assignment_without_criteria_and_without_review_by_anybody_is_valid(tiny):
    block = "\n```assignment\nid: note\nprompt: Write one sentence.\nreview: none\n```\n"
    with_assignment(tiny, block, block.replace("Write one sentence.", "Viết một câu."), block.replace("Write one sentence.", "اكتب جملة."))
    (assignment,) = tiny.course().lesson("next-steps", "wrap-up").assignments
    assert assignment.criteria == () and not assignment.needs_review


def test_a_source_assignment_without_review_is_an_error_naming_both_choices(tiny):
    with_assignment(tiny, SOURCE.replace("review: tutor\n", ""))
    assert tiny.errors() == [f'{tiny.where(EN, "id: your-bicycle")}: error: the assignment needs "review: tutor" (a tutor reviews each answer) or "review: none"']


def test_an_unknown_review_value_is_an_error_on_its_line(tiny):
    with_assignment(tiny, SOURCE.replace("review: tutor", "review: teacher"))
    assert tiny.errors() == [f'{tiny.where(EN, "review: teacher")}: error: "review" must be tutor or none, not \'teacher\'']


def test_an_unknown_key_in_an_assignment_is_an_error(tiny):
    with_assignment(tiny, SOURCE.replace("review: tutor", "review: tutor\npoints: 10"))
    assert tiny.errors() == [f'{tiny.where(EN, "points: 10")}: error: unknown key "points" in an assignment; expected criteria, id, prompt, review']


def test_an_assignment_without_a_prompt_is_an_error(tiny):
    with_assignment(tiny, SOURCE.replace("prompt: Describe the bicycle you ride to work.\n", ""))
    assert tiny.errors() == [f'{tiny.where(EN, "id: your-bicycle")}: error: "prompt" is required and must be text']


def test_a_criterion_twice_is_an_error_on_its_line(tiny):
    with_assignment(tiny, SOURCE.replace("  - id: safety", "  - id: parts"))
    line = tiny.line_of(EN, "text: Says how the brakes") - 1
    assert f"tiny-course/{EN}:{line}: error: criterion \"parts\" appears twice" in tiny.errors()


def test_an_assignment_may_not_share_an_id_with_a_question(tiny):
    quiz = "\n```quiz\nid: your-bicycle\ntype: truefalse\nquestion: Ready?\nanswer: true\n```\n"
    tiny.write(EN, tiny.read(EN) + quiz)
    tiny.write(VI, tiny.read(VI) + quiz.replace("Ready?", "Sẵn sàng?"))
    tiny.write(AR, tiny.read(AR) + quiz.replace("Ready?", "جاهز؟"))
    with_assignment(tiny)
    line = tiny.read(EN).split("\n").index("```assignment") + 2
    assert f'tiny-course/{EN}:{line}: error: id "your-bicycle" is used twice in this lesson' in tiny.errors()


def test_an_assignment_inside_an_admonition_is_an_error(tiny):
    tiny.write(EN, tiny.read(EN) + "\n::: note\n```assignment\nid: x\nprompt: y\nreview: none\n```\n:::\n")
    assert f'{tiny.where(EN, "```assignment")}: error: an assignment block must not be inside an admonition, a list or a quote' in tiny.errors()


def test_a_translation_missing_the_assignment_names_it(tiny):
    with_assignment(tiny, vietnamese="")
    assert tiny.errors() == [f'tiny-course/{VI}: error: assignment "your-bicycle" is missing; the source has your-bicycle']


def test_a_translation_with_another_assignment_id_is_an_error_on_that_block(tiny):
    with_assignment(tiny, vietnamese=VIETNAMESE.replace("id: your-bicycle", "id: my-bicycle"))
    errors = tiny.errors()
    assert f'{tiny.where(VI, "id: my-bicycle")}: error: assignment "my-bicycle" is not in the source; the source has your-bicycle' in errors


def test_a_translation_missing_a_criterion_names_it(tiny):
    with_assignment(tiny, vietnamese=VIETNAMESE.replace("  - id: safety\n    text: Nói được cách kiểm tra phanh\n", ""))
    assert tiny.errors() == [f'{tiny.where(VI, "criteria:")}: error: criterion "safety" is missing; the source has parts, safety']


def test_a_translation_with_criteria_in_another_order_is_an_error(tiny):
    swapped = VIETNAMESE.replace(
        "  - id: parts\n    text: Nêu được ba bộ phận\n  - id: safety\n    text: Nói được cách kiểm tra phanh\n",
        "  - id: safety\n    text: Nói được cách kiểm tra phanh\n  - id: parts\n    text: Nêu được ba bộ phận\n")
    with_assignment(tiny, vietnamese=swapped)
    assert tiny.errors() == [f'{tiny.where(VI, "criteria:")}: error: criteria are in another order than in the source; the source has parts, safety']


def test_a_translation_that_states_another_review_is_an_error(tiny):
    with_assignment(tiny, arabic=ARABIC.replace("review: tutor", "review: none"))
    assert tiny.errors() == [f'{tiny.where(AR, "review: none")}: error: review is none here but tutor in the source']


def test_an_assignment_in_a_course_description_is_an_error(tiny):
    tiny.write("course.en.md", tiny.read("course.en.md") + "\n```assignment\nid: x\nprompt: y\nreview: none\n```\n")
    assert f'{tiny.where("course.en.md", "```assignment")}: error: assignments belong in lesson files, not here' in tiny.errors()
