"""course.yml: required keys, unknown keys, and the value of each key."""

from __future__ import annotations

import pytest

VALID = "format: 1\nsource_language: en\nlanguages: [en, vi, ar]\n"


def test_a_course_without_course_yml_is_an_error(tiny):
    tiny.remove("course.yml")
    assert tiny.errors() == [
        "tiny-course/course.yml: error: course.yml is missing; every course folder needs one (see the authoring guide)"
    ]


def test_a_course_without_course_yml_is_refused(tiny):
    tiny.remove("course.yml")
    assert tiny.load().refused == ("tiny-course",)


def test_only_format_source_language_and_languages_are_required(tiny):
    tiny.write("course.yml", VALID)
    assert tiny.errors() == []


def test_optional_settings_have_defaults(tiny):
    tiny.write("course.yml", VALID)
    course = tiny.course()
    assert (course.estimated_minutes, course.pass_percent, course.certificate, course.tags) == (None, 80, False, ())


def test_an_unknown_key_in_course_yml_is_an_error_naming_the_known_keys(tiny):
    tiny.edit("course.yml", "certificate: true", "certficate: true")
    assert tiny.errors() == [
        'tiny-course/course.yml:6: error: unknown key "certficate" in course.yml; '
        "expected certificate, estimated_minutes, format, languages, pass_percent, source_language, tags"
    ]


def test_a_missing_format_is_an_error(tiny):
    tiny.edit("course.yml", "format: 1\n", "")
    assert tiny.errors() == [
        'tiny-course/course.yml:1: error: "format" is missing; add "format: 1" (the course format version this platform reads)'
    ]


def test_a_format_other_than_1_is_an_error(tiny):
    tiny.edit("course.yml", "format: 1", "format: 2")
    assert tiny.errors() == [
        "tiny-course/course.yml:1: error: \"format\" must be 1 (the course format version this platform reads), not '2'"
    ]


def test_a_missing_source_language_is_an_error(tiny):
    tiny.edit("course.yml", "source_language: en\n", "")
    assert tiny.errors() == [
        'tiny-course/course.yml:1: error: "source_language" is missing; it must be one of the languages listed in "languages"'
    ]


def test_a_source_language_not_among_the_languages_is_an_error(tiny):
    tiny.edit("course.yml", "source_language: en", "source_language: zh")
    assert tiny.errors() == [
        "tiny-course/course.yml:2: error: \"source_language\" must be one of the languages listed in \"languages\", not 'zh'"
    ]


def test_missing_languages_is_an_error(tiny):
    tiny.edit("course.yml", "languages: [en, vi, ar]\n", "")
    assert 'tiny-course/course.yml:1: error: "languages" must list the languages offered, such as [en, vi, zh, ar]' in tiny.errors()


def test_an_empty_list_of_languages_is_an_error(tiny):
    tiny.edit("course.yml", "languages: [en, vi, ar]", "languages: []")
    assert 'tiny-course/course.yml:3: error: "languages" must list the languages offered, such as [en, vi, zh, ar]' in tiny.errors()


def test_a_language_listed_twice_is_an_error(tiny):
    tiny.edit("course.yml", "languages: [en, vi, ar]", "languages: [en, vi, ar, vi]")
    assert tiny.errors() == ['tiny-course/course.yml:3: error: "languages" lists a language twice']


def test_a_language_without_interface_translation_is_an_error_in_course_yml(tiny):
    tiny.edit("course.yml", "languages: [en, vi, ar]", "languages: [en, vi, ar, fr]")
    assert tiny.errors() == [
        'tiny-course/course.yml:3: error: language "fr" has no interface translation; available: en, vi, zh, ar'
    ]


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("pass_percent: 120", "\"pass_percent\" must be a whole number from 0 to 100, not '120'"),
        ("pass_percent: 80%", "\"pass_percent\" must be a whole number from 0 to 100, not '80%'"),
        ("pass_percent: 7.5", "\"pass_percent\" must be a whole number from 0 to 100, not '7.5'"),
        ("estimated_minutes: 0", "\"estimated_minutes\" must be a whole number from 1 to 100000, not '0'"),
        ("estimated_minutes: an hour", "\"estimated_minutes\" must be a whole number from 1 to 100000, not 'an hour'"),
        ("certificate: yes", "\"certificate\" must be true or false, not 'yes'"),
        ("tags: {climate: true}", '"tags" must be a list of words'),
        ("tags: [climate, [cycling]]", '"tags" must be a list of words'),
    ],
)
def test_a_bad_setting_value_is_an_error_on_its_line(tiny, line, message):
    tiny.write("course.yml", VALID + line + "\n")
    assert tiny.errors() == [f"tiny-course/course.yml:4: error: {message}"]


def test_a_single_tag_may_be_written_without_brackets(tiny):
    tiny.write("course.yml", VALID + "tags: safety\n")
    assert tiny.course().tags == ("safety",)


def test_invalid_yaml_in_course_yml_is_reported_on_the_line_of_the_mistake(tiny):
    tiny.write("course.yml", "format: 1\nsource_language: en\nlanguages: [en, vi, ar\npass_percent: 80\n")
    assert tiny.errors() == ["tiny-course/course.yml:3: error: invalid YAML: a list opened with \"[\" is not closed; "
                             "close it with \"]\" on the same line (the YAML reader says: expected ',' or ']', but got ':')"]


def test_a_key_written_twice_in_course_yml_is_an_error(tiny):
    tiny.write("course.yml", VALID + "languages: [en]\n")
    assert tiny.errors() == ['tiny-course/course.yml:4: error: "languages" appears twice']


def test_course_yml_that_is_a_list_is_an_error(tiny):
    tiny.write("course.yml", "- format: 1\n- source_language: en\n")
    assert tiny.errors() == ['tiny-course/course.yml:1: error: course.yml must be YAML keys such as "format: 1"']


def test_an_empty_course_yml_is_an_error(tiny):
    tiny.write("course.yml", "")
    assert tiny.errors() == ['tiny-course/course.yml:1: error: course.yml must be YAML keys such as "format: 1"']


def test_a_course_with_a_bad_setting_value_is_refused(tiny):
    tiny.edit("course.yml", "pass_percent: 75", "pass_percent: most")
    assert tiny.load().refused == ("tiny-course",)


def test_a_bad_setting_value_does_not_hide_the_problems_in_lesson_files(tiny):
    tiny.edit("course.yml", "pass_percent: 75", "pass_percent: most")
    tiny.edit("02-next-steps/01-wrap-up.en.md", "title: Wrap-up", "titel: Wrap-up")
    assert len(tiny.errors()) == 3  # the setting, the unknown key and the missing title


def test_an_unknown_format_version_stops_the_check_of_that_course(tiny):
    tiny.edit("course.yml", "format: 1", "format: 2")
    tiny.edit("02-next-steps/01-wrap-up.en.md", "title: Wrap-up", "titel: Wrap-up")
    assert len(tiny.errors()) == 1
