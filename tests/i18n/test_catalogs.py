"""Every interface string is translated into Vietnamese, Chinese and Arabic."""

import pytest

from academy import catalogs


def test_every_interface_string_has_a_translation_in_every_language():
    assert catalogs.problems() == []


@pytest.mark.parametrize(("language", "word"), [("vi", "Khóa học"), ("zh", "课程"), ("ar", "الدورات")])
def test_pages_use_the_compiled_translations(client, language, word):
    page = client.get("/", headers={"Accept-Language": language}).get_data(as_text=True)
    assert word in page
