"""Front matter: present, closed, valid YAML, known keys, required titles."""

from __future__ import annotations

import pytest

WRAP_UP = "02-next-steps/01-wrap-up.en.md"


def test_a_file_without_front_matter_is_an_error_on_line_1(tiny):
    tiny.write(WRAP_UP, "# Wrap-up\n\nThe end.\n")
    assert tiny.errors() == [
        f'tiny-course/{WRAP_UP}:1: error: the file must start with front matter: a line "---", then "title: ...", then "---"'
    ]


def test_an_empty_file_is_missing_its_front_matter(tiny):
    tiny.write(WRAP_UP, "")
    assert tiny.errors() == [
        f'tiny-course/{WRAP_UP}:1: error: the file must start with front matter: a line "---", then "title: ...", then "---"'
    ]


def test_front_matter_that_is_not_closed_is_an_error(tiny):
    tiny.write(WRAP_UP, "---\ntitle: Wrap-up\n\nThe end.\n")
    assert tiny.errors() == [f'tiny-course/{WRAP_UP}:1: error: the front matter is not closed; add a line "---" after it']


def test_front_matter_may_be_closed_with_three_dots(tiny):
    tiny.write(WRAP_UP, "---\ntitle: Wrap-up\n...\nThe end.\n")
    assert tiny.course().lesson("next-steps", "wrap-up").source.title == "Wrap-up"


@pytest.mark.parametrize(
    ("rel", "what", "expected"),
    [
        ("course.en.md", "course front matter", "source_hash, summary, title"),
        ("01-first-steps/module.en.md", "module front matter", "source_hash, title"),
        ("01-first-steps/01-welcome.en.md", "lesson front matter", "max_attempts, minutes, pass_percent, source_hash, title"),
    ],
)
def test_an_unknown_front_matter_key_is_an_error_naming_the_known_keys(tiny, rel, what, expected):
    tiny.edit(rel, "title:", "author: Somebody\ntitle:")
    assert tiny.errors() == [f'{tiny.where(rel, "author:")}: error: unknown key "author" in {what}; expected {expected}']


def test_an_unknown_key_in_a_translation_front_matter_is_an_error(tiny):
    rel = "01-first-steps/02-check.vi.md"
    tiny.edit(rel, "title:", "tittle: Kiểm tra\ntitle:")
    assert tiny.errors() == [
        f'{tiny.where(rel, "tittle:")}: error: unknown key "tittle" in lesson front matter; '
        "expected max_attempts, minutes, pass_percent, source_hash, title"
    ]


def test_a_lesson_without_a_title_is_an_error(tiny):
    tiny.write(WRAP_UP, "---\nminutes: 3\n---\nThe end.\n")
    assert tiny.errors() == [f'tiny-course/{WRAP_UP}:2: error: "title" is required in the front matter']


def test_a_translation_without_a_title_is_an_error(tiny):
    rel = "02-next-steps/01-wrap-up.vi.md"
    tiny.edit(rel, "title: Tổng kết\n", "")
    assert tiny.errors() == [f'tiny-course/{rel}:2: error: "title" is required in the front matter']


def test_empty_front_matter_is_missing_its_title_on_line_1(tiny):
    tiny.write(WRAP_UP, "---\n---\nThe end.\n")
    assert tiny.errors() == [f'tiny-course/{WRAP_UP}:1: error: "title" is required in the front matter']


def test_a_blank_title_is_an_error(tiny):
    tiny.edit(WRAP_UP, "title: Wrap-up", 'title: "  "')
    assert tiny.errors() == [f'tiny-course/{WRAP_UP}:2: error: "title" is required in the front matter']


def test_a_module_without_a_title_is_an_error(tiny):
    rel = "02-next-steps/module.en.md"
    tiny.write(rel, "---\nsource_hash: abc\n---\n")
    assert tiny.errors() == [f'tiny-course/{rel}:2: error: "title" is required in the front matter']


def test_a_course_description_without_a_summary_is_an_error(tiny):
    tiny.edit("course.en.md", "summary: A small course the tests read.\n", "")
    assert tiny.errors() == ['tiny-course/course.en.md:2: error: "summary" is required in the front matter']


def test_a_title_that_is_a_list_is_an_error_on_its_line(tiny):
    tiny.edit(WRAP_UP, "title: Wrap-up", "minutes: 3\ntitle: [Wrap, up]")
    assert tiny.errors() == [f'tiny-course/{WRAP_UP}:3: error: "title" must be text']


def test_a_title_that_looks_like_a_number_or_a_boolean_stays_text(tiny):
    tiny.edit(WRAP_UP, "title: Wrap-up", "title: No")
    assert tiny.course().lesson("next-steps", "wrap-up").source.title == "No"


def test_invalid_yaml_in_front_matter_is_reported_on_its_line(tiny):
    rel = "01-first-steps/02-check.en.md"
    tiny.edit(rel, "pass_percent: 60", "pass_percent: 60: 70")
    assert tiny.errors() == [f"{tiny.where(rel, 'pass_percent:')}: error: invalid YAML: a value contains \": \"; put the whole value "
                             "in quotes, such as \"Step 1: prepare\" (the YAML reader says: mapping values are not allowed here)"]


def test_an_unclosed_quote_in_front_matter_is_reported_on_the_line_it_opens(tiny):
    tiny.edit(WRAP_UP, "title: Wrap-up", 'title: "Wrap-up')
    assert tiny.errors() == [f"tiny-course/{WRAP_UP}:2: error: invalid YAML: a quotation mark opened on this line is never closed; "
                             "close it at the end of the value (the YAML reader says: found unexpected end of stream)"]


def test_a_tab_indent_in_front_matter_is_reported_on_its_line(tiny):
    tiny.edit(WRAP_UP, "title: Wrap-up", "title: Wrap-up\n\tminutes: 3")
    assert tiny.errors() == [f"tiny-course/{WRAP_UP}:3: error: invalid YAML: a tab is used to indent; indent with spaces "
                             "(the YAML reader says: found character '\\t' that cannot start any token)"]


def test_a_control_character_in_front_matter_is_reported_on_its_line(tiny):
    tiny.edit(WRAP_UP, "title: Wrap-up", "minutes: 3\ntitle: Wrap\x07up")
    assert tiny.errors() == [f"tiny-course/{WRAP_UP}:3: error: invalid YAML: the character U+0007 is not allowed"]


def test_a_unicode_line_separator_does_not_shift_yaml_line_numbers(tiny):
    tiny.edit(WRAP_UP, "title: Wrap-up", "title: \"Wrap\u2028up\"\nminutes: [3")
    assert tiny.errors() == [f"tiny-course/{WRAP_UP}:3: error: invalid YAML: a list opened with \"[\" is not closed; "
                             "close it with \"]\" on the same line (the YAML reader says: expected ',' or ']', but got '<stream end>')"]


def test_front_matter_that_is_not_keys_is_an_error(tiny):
    tiny.write(WRAP_UP, "---\n- Wrap-up\n---\nThe end.\n")
    assert tiny.errors() == [f'tiny-course/{WRAP_UP}:2: error: the front matter must be YAML keys such as "title: ..."']


def test_a_key_written_twice_in_front_matter_is_an_error(tiny):
    tiny.edit(WRAP_UP, "title: Wrap-up", "title: Wrap-up\ntitle: The end")
    assert tiny.errors() == [f'tiny-course/{WRAP_UP}:3: error: "title" appears twice']


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("minutes: five", "\"minutes\" must be a whole number from 1 to 10000, not 'five'"),
        ("minutes: 0", "\"minutes\" must be a whole number from 1 to 10000, not '0'"),
        ("minutes: ²", "\"minutes\" must be a whole number from 1 to 10000, not '²'"),
        ("pass_percent: 101", "\"pass_percent\" must be a whole number from 0 to 100, not '101'"),
        ("max_attempts: 0", "\"max_attempts\" must be a whole number from 1 to 1000, not '0'"),
        ("max_attempts: [3]", "\"max_attempts\" must be a whole number from 1 to 1000, not ['3']"),
    ],
)
def test_a_bad_lesson_setting_is_an_error_on_its_line(tiny, line, message):
    tiny.edit(WRAP_UP, "title: Wrap-up", f"title: Wrap-up\n{line}")
    assert tiny.errors() == [f"tiny-course/{WRAP_UP}:3: error: {message}"]


def test_lesson_settings_are_read_from_the_source_language_file(tiny):
    tiny.edit("02-next-steps/01-wrap-up.vi.md", "title: Tổng kết", "title: Tổng kết\nminutes: 99\npass_percent: 10")
    lesson = tiny.course().lesson("next-steps", "wrap-up")
    assert (lesson.minutes, lesson.pass_percent) == (None, 75)
