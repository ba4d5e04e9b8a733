"""Folders and file names: ids, numbers, languages, drafts, refused courses."""

from __future__ import annotations

import shutil

from academy.content import load_library

LESSON = "---\ntitle: Extra\n---\nSome text.\n"
MODULE = "---\ntitle: Extra module\n---\n"


def test_a_course_folder_name_that_is_not_an_id_is_an_error(tiny):
    tiny.dir.rename(tiny.courses_dir / "Tiny_Course")
    assert tiny.errors() == [
        'Tiny_Course: error: course folder name "Tiny_Course" must be an id such as "climate-action" (a-z, 0-9 and hyphens)'
    ]


def test_a_course_with_a_bad_folder_name_is_refused(tiny):
    tiny.dir.rename(tiny.courses_dir / "Tiny_Course")
    assert tiny.load().refused == ("Tiny_Course",)


def test_a_module_folder_without_a_number_is_an_error(tiny):
    tiny.write("extras/module.en.md", MODULE)
    assert tiny.errors() == [
        'tiny-course/extras: error: folder "extras" must be named like "01-module-id" (number, hyphen, id)'
    ]


def test_a_module_id_with_capitals_or_underscores_is_an_error(tiny):
    tiny.write("03-More_Steps/module.en.md", MODULE)
    assert tiny.errors() == [
        'tiny-course/03-More_Steps: error: folder "03-More_Steps" must be named like "01-module-id" (number, hyphen, id)'
    ]


def test_a_lesson_file_name_that_is_not_number_and_id_is_an_error(tiny):
    tiny.write("01-first-steps/03-Quiz_Two.en.md", LESSON)
    assert tiny.errors() == [
        'tiny-course/01-first-steps/03-Quiz_Two.en.md: error: lesson file "03-Quiz_Two.en.md" must be named like "01-lesson-id.en.md"'
    ]


def test_two_modules_with_the_same_id_are_an_error(tiny):
    shutil.copytree(tiny.path("02-next-steps"), tiny.path("03-first-steps"))
    assert tiny.errors() == [
        'tiny-course/03-first-steps: error: module id "first-steps" is used twice (also 01-first-steps)'
    ]


def test_two_lessons_with_the_same_id_in_one_module_are_an_error(tiny):
    tiny.write("01-first-steps/03-welcome.en.md", LESSON)
    assert tiny.errors() == [
        'tiny-course/01-first-steps/03-welcome.en.md: error: lesson id "welcome" is used twice (also 01-welcome.en.md)'
    ]


def test_the_same_lesson_id_in_two_modules_is_allowed(tiny):
    tiny.write("02-next-steps/02-welcome.en.md", LESSON)
    assert tiny.errors() == []


def test_a_lesson_numbered_differently_in_one_language_is_an_error(tiny):
    tiny.path("01-first-steps/02-check.ar.md").rename(tiny.path("01-first-steps/03-check.ar.md"))
    assert tiny.errors() == [
        'tiny-course/01-first-steps/03-check.ar.md: error: lesson "check" is numbered 03 here but 02 in another language; use one number in every language'
    ]


def test_renumbering_a_lesson_in_every_language_keeps_its_id_and_key(tiny):
    for lang in ("en", "vi", "ar"):
        tiny.path(f"01-first-steps/02-check.{lang}.md").rename(tiny.path(f"01-first-steps/07-check.{lang}.md"))
    lesson = tiny.course().lesson("first-steps", "check")
    assert (lesson.id, lesson.key, lesson.position) == ("check", "first-steps/check", 7)


def test_renumbering_a_lesson_changes_its_place_in_the_module(tiny):
    for lang in ("en", "vi", "ar"):
        tiny.path(f"01-first-steps/02-check.{lang}.md").rename(tiny.path(f"01-first-steps/00-check.{lang}.md"))
    assert [lesson.id for lesson in tiny.course().module("first-steps").lessons] == ["check", "welcome"]


def test_renumbering_a_lesson_keeps_its_question_ids(tiny):
    for lang in ("en", "vi", "ar"):
        tiny.path(f"01-first-steps/02-check.{lang}.md").rename(tiny.path(f"01-first-steps/09-check.{lang}.md"))
    assert tiny.course().lesson("first-steps", "check").question_ids == (
        "heaviest-part", "protective-gear", "wheels-are-round", "frame-metal", "frame-weight", "frame-steps",
    )


def test_a_markdown_file_without_a_language_suffix_is_an_error(tiny):
    tiny.write("01-first-steps/03-notes.md", LESSON)
    assert tiny.errors() == [
        'tiny-course/01-first-steps/03-notes.md: error: "03-notes.md" has no language suffix; '
        'name it like "03-notes.en.md" (or start it with "_" to keep it as a draft)'
    ]


def test_a_file_in_a_language_without_interface_translation_is_an_error(tiny):
    tiny.write("01-first-steps/01-welcome.fr.md", LESSON)
    assert tiny.errors() == [
        'tiny-course/01-first-steps/01-welcome.fr.md: error: language "fr" has no interface translation; available: en, vi, zh, ar'
    ]


def test_a_language_the_interface_is_translated_into_may_be_used_like_the_shipped_ones(tiny):
    tiny.edit("course.yml", "languages: [en, vi, ar]", "languages: [en, vi, ar, fr]")
    tiny.write("01-first-steps/01-welcome.fr.md", "---\ntitle: Bienvenue\n---\nUn vélo.\n")
    assert tiny.course(languages=("en", "vi", "zh", "ar", "fr")).lesson("first-steps", "welcome").text("fr").title == "Bienvenue"


def test_a_file_in_a_language_the_course_does_not_offer_is_a_warning(tiny):
    tiny.write("01-first-steps/01-welcome.zh.md", "---\ntitle: 欢迎\n---\n自行车。\n")
    assert tiny.warnings() == [
        'tiny-course/01-first-steps/01-welcome.zh.md: warning: language "zh" is not offered in course.yml "languages"; learners will not see this file'
    ]


def test_a_lesson_without_its_source_language_file_is_an_error(tiny):
    tiny.write("01-first-steps/03-extra.vi.md", LESSON)
    assert tiny.errors() == [
        'tiny-course/01-first-steps/03-extra.vi.md: error: lesson "extra" has no source-language (en) file; the source defines the lesson'
    ]


def test_a_module_without_its_source_language_file_is_an_error(tiny):
    tiny.remove("02-next-steps/module.en.md")
    assert tiny.errors() == [
        "tiny-course/02-next-steps/module.en.md: error: the module's source-language file is missing (it gives the module's title)"
    ]


def test_a_module_without_lessons_is_an_error(tiny):
    tiny.write("03-empty/module.en.md", MODULE)
    assert tiny.errors() == [
        'tiny-course/03-empty: error: the module has no lessons; add a file such as "01-first-lesson.en.md"'
    ]


def test_a_course_without_its_source_language_description_is_an_error(tiny):
    tiny.remove("course.en.md")
    assert tiny.errors() == [
        "tiny-course/course.en.md: error: the course description in the source language is missing"
    ]


def test_a_course_without_modules_is_an_error(tiny):
    tiny.remove("01-first-steps")
    tiny.remove("02-next-steps")
    assert 'tiny-course: error: the course has no modules; add a folder such as "01-first-module"' in tiny.errors()


def test_a_file_that_is_not_markdown_beside_course_yml_is_an_error(tiny):
    tiny.write("notes.txt", "to do\n")
    assert tiny.errors() == ["tiny-course/notes.txt: error: unexpected file; media files belong in media/"]


def test_a_markdown_file_beside_course_yml_that_is_not_the_course_description_is_an_error(tiny):
    tiny.write("about.en.md", LESSON)
    assert tiny.errors() == [
        'tiny-course/about.en.md: error: unexpected file "about.en.md"; the course description is course.<language>.md, modules are folders'
    ]


def test_an_image_inside_a_module_folder_is_an_error(tiny):
    tiny.write("01-first-steps/photo.png", "not really a png")
    assert tiny.errors() == [
        "tiny-course/01-first-steps/photo.png: error: unexpected entry in a module folder; modules hold module.<language>.md and lesson files"
    ]


def test_files_starting_with_an_underscore_are_ignored_as_drafts(tiny):
    tiny.write("01-first-steps/_03-draft.en.md", "no front matter, ```quiz\nbroken: [\n```\n")
    assert tiny.problems() == []


def test_files_starting_with_a_dot_are_ignored(tiny):
    tiny.write("01-first-steps/.03-hidden.en.md", "no front matter at all")
    assert tiny.problems() == []


def test_a_module_folder_starting_with_an_underscore_is_ignored(tiny):
    tiny.write("_03-later/01-broken.en.md", "no front matter at all")
    assert tiny.problems() == []


def test_a_course_folder_starting_with_an_underscore_is_neither_served_nor_refused(tiny):
    tiny.write("course.yml", "this is: [not valid")
    tiny.dir.rename(tiny.courses_dir / "_tiny-course")
    library = tiny.load()
    assert (dict(library.courses), library.refused, library.problems) == ({}, (), ())


def test_a_readme_in_a_course_folder_is_ignored(tiny):
    tiny.write("README.md", "# Notes for people browsing the repository\n")
    assert tiny.problems() == []


def test_a_readme_in_a_module_folder_is_ignored(tiny):
    tiny.write("01-first-steps/README.md", "# About this module\n")
    assert tiny.problems() == []


def test_a_file_that_is_not_utf8_is_reported_with_the_line_of_the_first_bad_byte(tiny):
    tiny.path("02-next-steps/01-wrap-up.en.md").write_bytes(b"---\ntitle: Wrap-up\n---\nCaf\xe9 au lait.\n")
    assert tiny.errors() == [
        "tiny-course/02-next-steps/01-wrap-up.en.md:4: error: the file is not UTF-8 text; save it as UTF-8"
    ]


def test_a_file_with_a_utf8_byte_order_mark_is_read(tiny):
    path = tiny.path("02-next-steps/01-wrap-up.vi.md")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert tiny.course().lesson("next-steps", "wrap-up").text("vi").title == "Tổng kết"


def test_a_file_with_windows_line_endings_is_read(tiny):
    path = tiny.path("02-next-steps/01-wrap-up.vi.md")
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert tiny.problems() == []


def test_a_broken_course_is_refused_while_a_valid_one_is_served(tiny):
    shutil.copytree(tiny.dir, tiny.courses_dir / "broken-course")
    (tiny.courses_dir / "broken-course" / "course.yml").write_text("format: 2\nsource_language: en\nlanguages: [en]\n")
    library = tiny.load()
    assert (sorted(library.courses), library.refused) == (["tiny-course"], ("broken-course",))


def test_the_problems_of_a_refused_course_are_kept(tiny):
    shutil.copytree(tiny.dir, tiny.courses_dir / "broken-course")
    (tiny.courses_dir / "broken-course" / "course.yml").write_text("format: 2\nsource_language: en\nlanguages: [en]\n")
    assert tiny.errors() == [
        "broken-course/course.yml:1: error: \"format\" must be 1 (the course format version this platform reads), not '2'"
    ]


def test_a_course_with_only_warnings_is_served(tiny):
    tiny.remove("01-first-steps/02-check.ar.md")
    library = tiny.load()
    assert (sorted(library.courses), library.refused) == (["tiny-course"], ())


def test_a_missing_courses_folder_is_reported_not_raised(tmp_path):
    library = load_library(tmp_path / "nowhere", root=tmp_path)
    assert [str(p) for p in library.problems] == ["nowhere: error: the courses folder does not exist"]


def test_a_language_tag_with_a_region_may_be_used_when_the_interface_has_it(tiny):
    tiny.edit("course.yml", "languages: [en, vi, ar]", "languages: [en, vi, ar, pt-BR]")
    tiny.write("01-first-steps/01-welcome.pt-BR.md", "---\ntitle: Boas-vindas\n---\nUma bicicleta.\n")
    course = tiny.course(languages=("en", "vi", "ar", "pt-BR"))
    assert course.lesson("first-steps", "welcome").text("pt-BR").title == "Boas-vindas"


def test_renumbering_a_module_reorders_the_modules_and_keeps_its_id(tiny):
    tiny.path("02-next-steps").rename(tiny.path("00-next-steps"))
    for lang in ("en", "vi", "ar"):
        tiny.edit(f"01-first-steps/01-welcome.{lang}.md", "../02-next-steps/", "../00-next-steps/")
    assert [(m.id, m.position) for m in tiny.course().modules] == [("next-steps", 0), ("first-steps", 1)]


def test_moving_a_lesson_to_another_module_changes_its_key(tiny):
    for lang in ("en", "vi", "ar"):
        tiny.path(f"01-first-steps/02-check.{lang}.md").rename(tiny.path(f"02-next-steps/02-check.{lang}.md"))
    assert [lesson.key for lesson in tiny.course().lessons] == ["first-steps/welcome", "next-steps/wrap-up", "next-steps/check"]


def test_problems_are_shown_relative_to_the_root_passed_to_load_library(tiny):
    tiny.edit("course.yml", "format: 1", "format: 2")
    library = load_library(tiny.courses_dir, root=tiny.courses_dir.parent)
    assert [p.path for p in library.problems] == ["courses/tiny-course/course.yml"]
