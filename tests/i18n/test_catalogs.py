"""Every interface string is translated into Vietnamese, Chinese and Arabic."""

import pytest

from academy import catalogs


def test_every_interface_string_has_a_translation_in_every_language():
    assert catalogs.problems() == []


@pytest.mark.parametrize(("language", "word"), [("vi", "Khóa học"), ("zh", "课程"), ("ar", "الدورات")])
def test_pages_use_the_compiled_translations(client, language, word):
    page = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
    assert word in page


def copy_translations(tmp_path):
    import shutil

    from academy.paths import resource

    target = tmp_path / "translations"
    shutil.copytree(resource("translations"), target)
    return target


def edit_po(path, msgid, new_string):
    from babel.messages.pofile import read_po, write_po

    with path.open("rb") as handle:
        catalog = read_po(handle, locale="vi")
    catalog.get(msgid).string = new_string
    with path.open("wb") as handle:
        write_po(handle, catalog)


def test_the_check_names_a_string_left_untranslated(tmp_path):
    translations = copy_translations(tmp_path)
    edit_po(catalogs.po_path("vi", translations), "Courses", "")
    assert any("not translated: 'Courses'" in line for line in catalogs.problems(translations=translations))


def test_the_check_notices_a_catalog_changed_but_not_compiled(tmp_path):
    translations = copy_translations(tmp_path)
    edit_po(catalogs.po_path("vi", translations), "Courses", "Các khóa học")
    assert any("out of date" in line for line in catalogs.problems(translations=translations))
    catalogs.compile_all(translations)
    assert catalogs.problems(translations=translations) == []


def test_a_template_switched_to_another_language_mid_request_speaks_it_and_then_the_readers_again(app):
    from flask import render_template_string
    from flask_babel import force_locale

    template = "{{ _('Courses') }} {{ ngettext('%(num)d attempt left', '%(num)d attempts left', 2) }}"
    with app.test_request_context(headers={"Accept-Language": "vi"}):
        assert render_template_string(template) == "Khóa học Còn 2 lượt làm bài"
        with force_locale("zh"):  # a join sheet printed in the class's language
            assert render_template_string(template).startswith("课程 ")
        assert render_template_string(template) == "Khóa học Còn 2 lượt làm bài"


def test_translated_template_strings_are_escaped_and_formatted_as_before(app):
    from flask import render_template_string

    with app.test_request_context(headers={"Accept-Language": "en"}):
        page = render_template_string("{{ _('Your best score: %(score)s%% (pass mark %(pass)d%%)', score='<b>', pass=80) }}")
    assert page == "Your best score: &lt;b&gt;% (pass mark 80%)"
