"""The valid fixture course, read into the model: what a learner will see."""

from __future__ import annotations

import hashlib

from academy.content import QUESTION_TYPES, HtmlPart, QuestionPart


def test_the_valid_fixture_course_loads_without_any_problem(tiny):
    assert tiny.problems() == []


def test_the_valid_fixture_course_uses_every_question_type(tiny_course):
    lesson = tiny_course.lesson("first-steps", "check")
    assert sorted(q.type for q in lesson.source.questions) == sorted(QUESTION_TYPES)


def test_course_settings_come_from_course_yml(tiny_course):
    settings = (
        tiny_course.source_language, tiny_course.languages, tiny_course.estimated_minutes,
        tiny_course.pass_percent, tiny_course.certificate, tiny_course.tags,
    )
    assert settings == ("en", ("en", "vi", "ar"), 20, 75, True, ("safety", "basics"))


def test_module_and_lesson_ids_are_the_names_without_their_numbers(tiny_course):
    assert [lesson.key for lesson in tiny_course.lessons] == ["first-steps/welcome", "first-steps/check", "next-steps/wrap-up"]


def test_lesson_settings_in_the_source_file_override_the_course_pass_mark(tiny_course):
    lesson = tiny_course.lesson("first-steps", "check")
    assert (lesson.minutes, lesson.pass_percent, lesson.max_attempts) == (4, 60, 3)


def test_a_lesson_without_pass_percent_uses_the_course_pass_mark(tiny_course):
    assert tiny_course.lesson("first-steps", "welcome").pass_percent == 75


def test_a_lesson_with_questions_is_graded_and_one_without_is_not(tiny_course):
    graded = {lesson.id: lesson.graded for lesson in tiny_course.lessons}
    assert graded == {"welcome": False, "check": True, "wrap-up": False}


def test_every_offered_language_has_its_own_lesson_text(tiny_course):
    lesson = tiny_course.lesson("first-steps", "check")
    assert {lang: lesson.text(lang).title for lang in ("en", "vi", "ar")} == {
        "en": "Check your understanding",
        "vi": "Kiểm tra hiểu biết của bạn",
        "ar": "تحقق من فهمك",
    }


def test_a_translation_carries_the_answer_keys_of_the_source(tiny_course):
    question = tiny_course.lesson("first-steps", "check").text("ar").question("heaviest-part")
    assert [(c.id, c.text, c.correct) for c in question.choices] == [
        ("frame", "الإطار", True), ("pedals", "الدواسات", False), ("chain", "السلسلة", False),
    ]


def test_a_translation_that_leaves_out_the_number_answer_gets_the_source_answer_and_tolerance(tiny_course):
    question = tiny_course.lesson("first-steps", "check").text("ar").question("frame-weight")
    assert (question.answer, question.tolerance) == (2.0, 0.5)


def test_a_translated_text_question_keeps_its_own_accept_list(tiny_course):
    question = tiny_course.lesson("first-steps", "check").text("vi").question("frame-metal")
    assert question.accept == ("nhôm", "aluminium")


def test_lesson_parts_keep_text_and_questions_in_the_order_written(tiny_course):
    parts = tiny_course.lesson("first-steps", "check").source.parts
    assert [type(p).__name__ if isinstance(p, HtmlPart) else p.question_id for p in parts] == [
        "HtmlPart", "heaviest-part", "protective-gear", "wheels-are-round", "frame-metal", "frame-weight", "frame-steps",
    ]


def test_question_parts_name_questions_the_lesson_has(tiny_course):
    text = tiny_course.lesson("first-steps", "check").text("vi")
    assert all(text.question(p.question_id) for p in text.parts if isinstance(p, QuestionPart))


def test_media_files_of_the_course_are_listed(tiny_course):
    assert tiny_course.media == frozenset({"bicycle.svg"})


def test_the_course_version_changes_when_any_file_changes(tiny):
    before = tiny.course().version
    tiny.edit("02-next-steps/01-wrap-up.ar.md", "الخلاصة", "الملخص")
    assert tiny.course().version != before


def test_a_lesson_version_is_the_git_blob_hash_of_its_source_file(tiny):
    data = tiny.path("01-first-steps/02-check.en.md").read_bytes()
    git_blob = hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()[:10]
    assert tiny.course().lesson("first-steps", "check").version == git_blob
