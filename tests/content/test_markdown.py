"""Lesson bodies: media, links, raw HTML, admonitions, tables, SVG files."""

from __future__ import annotations

WELCOME = "01-first-steps/01-welcome.en.md"
WRAP_UP = "02-next-steps/01-wrap-up.en.md"
IMAGE = "![A bicycle](../media/bicycle.svg)"


def html_of(course, module_id: str, lesson_id: str, language: str = "en") -> str:
    text = course.lesson(module_id, lesson_id).text(language)
    return "".join(part.html for part in text.parts if hasattr(part, "html"))


def test_a_remote_image_is_an_error(tiny):
    tiny.edit(WELCOME, IMAGE, "![A bicycle](https://example.org/bicycle.png)")
    assert tiny.errors() == [
        f'{tiny.where(WELCOME, "![A bicycle]")}: error: image "https://example.org/bicycle.png" is not a local file; '
        "put it in the course's media/ folder (the platform runs without internet)"
    ]


def test_a_protocol_relative_image_is_a_remote_image(tiny):
    tiny.edit(WELCOME, IMAGE, "![A bicycle](//example.org/bicycle.png)")
    assert tiny.errors() == [
        f'{tiny.where(WELCOME, "![A bicycle]")}: error: image "//example.org/bicycle.png" is not a local file; '
        "put it in the course's media/ folder (the platform runs without internet)"
    ]


def test_an_image_inside_a_paragraph_is_reported_on_its_own_line(tiny):
    tiny.edit(WELCOME, IMAGE, "A picture follows\non the next line:\n![A bicycle](http://example.org/b.png)")
    assert tiny.errors() == [
        f'{tiny.where(WELCOME, "![A bicycle]")}: error: image "http://example.org/b.png" is not a local file; '
        "put it in the course's media/ folder (the platform runs without internet)"
    ]


def test_an_image_outside_media_is_an_error(tiny):
    tiny.write("01-first-steps/_photo.svg", "<svg/>")
    tiny.edit(WELCOME, IMAGE, "![A bicycle](_photo.svg)")
    assert tiny.errors() == [
        f"{tiny.where(WELCOME, '![A bicycle]')}: error: image \"_photo.svg\" must be inside the course's media/ folder"
    ]


def test_an_image_written_media_slash_in_a_lesson_says_to_write_dot_dot_media(tiny):
    tiny.edit(WELCOME, IMAGE, "![A bicycle](media/bicycle.svg)")
    assert tiny.errors() == [
        f"{tiny.where(WELCOME, '![A bicycle]')}: error: image \"media/bicycle.svg\" must be inside the course's media/ folder; "
        "write \"../media/bicycle.svg\" (the path is relative to this file)"
    ]


def test_a_link_written_media_slash_in_a_lesson_says_to_write_dot_dot_media(tiny):
    tiny.edit(WELCOME, IMAGE, "[The drawing](media/bicycle.svg)")
    assert tiny.errors() == [
        f"{tiny.where(WELCOME, '[The drawing]')}: error: link \"media/bicycle.svg\": no such file; "
        "write \"../media/bicycle.svg\" (the path is relative to this file)"
    ]


def test_an_image_in_another_course_is_outside_media(tiny):
    tiny.edit(WELCOME, IMAGE, "![A bicycle](../../other-course/media/bicycle.svg)")
    assert tiny.errors() == [
        f"{tiny.where(WELCOME, '![A bicycle]')}: error: image \"../../other-course/media/bicycle.svg\" must be inside the course's media/ folder"
    ]


def test_an_image_path_from_the_site_root_is_an_error(tiny):
    tiny.edit(WELCOME, IMAGE, "![A bicycle](/media/bicycle.svg)")
    assert tiny.errors() == [
        f'{tiny.where(WELCOME, "![A bicycle]")}: error: image "/media/bicycle.svg" must be a path relative to this file, such as ../media/figure.svg'
    ]


def test_a_missing_image_is_an_error(tiny):
    tiny.edit(WELCOME, IMAGE, "![A bicycle](../media/tricycle.svg)")
    assert tiny.errors() == [f'{tiny.where(WELCOME, "![A bicycle]")}: error: image "../media/tricycle.svg" does not exist']


def test_an_image_path_with_a_nul_byte_is_reported_not_raised(tiny):
    tiny.edit(WELCOME, IMAGE, "![A bicycle](../media/bi%00cycle.svg)")
    assert tiny.errors() == [
        f"{tiny.where(WELCOME, '![A bicycle]')}: error: image \"../media/bi%00cycle.svg\" must be inside the course's media/ folder"
    ]


def test_an_image_name_too_long_for_the_file_system_is_reported_not_raised(tiny):
    src = "../media/" + "a" * 300 + ".svg"
    tiny.edit(WELCOME, IMAGE, f"![A bicycle]({src})")
    assert tiny.errors() == [f'{tiny.where(WELCOME, "![A bicycle]")}: error: image "{src}" does not exist']


def test_a_local_image_is_served_from_the_course_media_folder(tiny_course):
    assert '<img src="../media/bicycle.svg" alt="A bicycle" loading="lazy" />' in html_of(tiny_course, "first-steps", "welcome")


def test_an_image_in_a_media_subfolder_keeps_its_subfolder(tiny):
    tiny.write("media/parts/wheel.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    tiny.edit(WELCOME, IMAGE, "![A wheel](../media/parts/wheel.svg)")
    assert '<img src="../media/parts/wheel.svg"' in html_of(tiny.course(), "first-steps", "welcome")


def test_a_link_to_a_missing_file_is_an_error(tiny):
    tiny.edit(WRAP_UP, "01-welcome.vi.md", "01-welcom.vi.md")
    assert tiny.errors() == [f'{tiny.where(WRAP_UP, "01-welcom.vi.md")}: error: link "../01-first-steps/01-welcom.vi.md": no such file']


def test_a_link_outside_the_course_is_an_error(tiny):
    tiny.edit(WRAP_UP, "../01-first-steps/01-welcome.vi.md", "../../../secrets.txt")
    assert tiny.errors() == [f'{tiny.where(WRAP_UP, "secrets.txt")}: error: link "../../../secrets.txt" points outside the course']


def test_a_link_from_the_site_root_is_an_error(tiny):
    tiny.edit(WRAP_UP, "../01-first-steps/01-welcome.vi.md", "/courses/tiny-course")
    assert tiny.errors() == [f'{tiny.where(WRAP_UP, "/courses/tiny-course")}: error: link "/courses/tiny-course" must be a path relative to this file']


def test_a_link_to_a_file_that_is_no_lesson_is_an_error(tiny):
    tiny.edit(WRAP_UP, "../01-first-steps/01-welcome.vi.md", "../README.md")
    assert tiny.errors() == [
        f'{tiny.where(WRAP_UP, "README.md")}: error: link "../README.md" is not a lesson, module or media file of this course'
    ]


def test_a_link_to_a_lesson_file_becomes_a_link_to_the_lesson(tiny_course):
    assert '<a href="../next-steps/wrap-up">wrap-up</a>' in html_of(tiny_course, "first-steps", "welcome")


def test_a_link_to_a_lesson_file_in_another_language_leads_to_the_lesson_in_the_readers_language(tiny_course):
    # wrap-up.en.md links to 01-welcome.vi.md; the reader's language is chosen by the page, not the link.
    assert '<a href="../first-steps/welcome">the welcome lesson</a>' in html_of(tiny_course, "next-steps", "wrap-up")


def test_a_link_with_an_anchor_keeps_the_anchor(tiny):
    tiny.edit(WRAP_UP, "01-welcome.vi.md)", "01-welcome.vi.md#weights)")
    assert 'href="../first-steps/welcome#weights"' in html_of(tiny.course(), "next-steps", "wrap-up")


def test_a_link_in_the_course_description_is_relative_to_the_course_page(tiny_course):
    assert '<a href="first-steps/welcome">the welcome lesson</a>' in tiny_course.text("en").description_html


def test_a_link_to_a_module_file_leads_to_the_module_on_the_course_page(tiny):
    tiny.edit(WRAP_UP, "../01-first-steps/01-welcome.vi.md", "../01-first-steps/module.ar.md")
    assert 'href="../#module-first-steps"' in html_of(tiny.course(), "next-steps", "wrap-up")


def test_a_link_to_a_media_file_leads_to_the_media_file(tiny):
    tiny.edit(WRAP_UP, "../01-first-steps/01-welcome.vi.md", "../media/bicycle.svg")
    assert 'href="../media/bicycle.svg"' in html_of(tiny.course(), "next-steps", "wrap-up")


def test_an_external_link_is_kept_and_marked_external(tiny_course):
    assert (
        '<a href="https://www.un.org/" class="external" rel="external noopener noreferrer">the UN site</a>'
        in html_of(tiny_course, "first-steps", "welcome")
    )


def test_a_mailto_link_is_kept_as_written(tiny):
    tiny.edit(WRAP_UP, "../01-first-steps/01-welcome.vi.md", "mailto:trainer@example.org")
    assert '<a href="mailto:trainer@example.org">the welcome lesson</a>' in html_of(tiny.course(), "next-steps", "wrap-up")


def test_a_javascript_link_is_not_made_a_link(tiny):
    tiny.edit(WRAP_UP, "../01-first-steps/01-welcome.vi.md", "javascript:alert(1)")
    assert "<a " not in html_of(tiny.course(), "next-steps", "wrap-up")


def test_raw_html_is_shown_as_text(tiny):
    tiny.edit(WRAP_UP, "You can always", 'You can <b onclick="x()">always</b>')
    assert "You can &lt;b onclick=&quot;x()&quot;&gt;always&lt;/b&gt;" in html_of(tiny.course(), "next-steps", "wrap-up")


def test_a_raw_html_block_is_shown_as_text(tiny):
    tiny.edit(WRAP_UP, "You can always", '<div class="box">\nYou can always')
    assert "<p>&lt;div class=&quot;box&quot;&gt;" in html_of(tiny.course(), "next-steps", "wrap-up")


def test_a_script_tag_is_an_error(tiny):
    tiny.edit(WRAP_UP, "You can always", "<script>alert(1)</script>\nYou can always")
    assert tiny.errors() == [
        f"tiny-course/{WRAP_UP}:4: error: scripts, iframes and embedded objects are not allowed (the platform runs without internet)"
    ]


def test_an_iframe_is_an_error_on_its_own_line(tiny):
    tiny.edit(WRAP_UP, "You can always", 'Watch this:\n<iframe src="https://video.example.org/x"></iframe>\nYou can always')
    assert tiny.errors() == [
        f"{tiny.where(WRAP_UP, '<iframe')}: error: scripts, iframes and embedded objects are not allowed (the platform runs without internet)"
    ]


def test_a_script_tag_in_a_table_cell_is_an_error(tiny):
    tiny.edit(WELCOME, "| Frame | 2 kg |", "| Frame | <script>x</script> |")
    assert tiny.errors() == [
        f"{tiny.where(WELCOME, '<script>')}: error: scripts, iframes and embedded objects are not allowed (the platform runs without internet)"
    ]


def test_a_script_tag_inside_code_is_allowed_as_an_example(tiny):
    tiny.edit(WRAP_UP, "You can always", "Never paste `<script>` into a lesson.\n\nYou can always")
    assert tiny.errors() == []


def test_an_admonition_is_rendered_as_a_box_of_its_kind(tiny_course):
    assert '<div class="admonition admonition-warning">\n<p>Never ride a bicycle with loose brakes.</p>\n</div>' in html_of(
        tiny_course, "first-steps", "welcome"
    )


def test_an_admonition_title_is_rendered_above_its_text(tiny_course):
    assert (
        '<div class="admonition admonition-tip">\n<p class="admonition-title">Before you start</p>\n<p>Keep a notebook nearby.</p>\n</div>'
        in html_of(tiny_course, "first-steps", "welcome")
    )


def test_an_admonition_title_in_vietnamese_is_kept(tiny_course):
    assert '<p class="admonition-title">Trước khi bắt đầu</p>' in html_of(tiny_course, "first-steps", "welcome", "vi")


def test_an_admonition_title_is_escaped(tiny):
    tiny.edit(WELCOME, "::: tip Before you start", "::: tip Fish & <chips>")
    assert '<p class="admonition-title">Fish &amp; &lt;chips&gt;</p>' in html_of(tiny.course(), "first-steps", "welcome")


def test_a_note_admonition_is_rendered(tiny):
    tiny.edit(WELCOME, "::: warning", "::: note")
    assert '<div class="admonition admonition-note">' in html_of(tiny.course(), "first-steps", "welcome")


def test_a_table_is_wrapped_in_a_scrolling_box(tiny_course):
    html = html_of(tiny_course, "first-steps", "welcome")
    assert '<div class="table-scroll"><table>' in html and "</table>\n</div>" in html


def test_an_svg_with_a_script_is_refused(tiny):
    tiny.write("media/evil.svg", '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    assert tiny.errors() == [
        "tiny-course/media/evil.svg: error: this SVG has a script, an event handler, a foreignObject or a link to another host; draw it without them"
    ]


def test_an_svg_with_an_event_handler_is_refused(tiny):
    tiny.write("media/evil.svg", '<svg xmlns="http://www.w3.org/2000/svg"><rect onload="alert(1)"/></svg>')
    assert tiny.errors() == [
        "tiny-course/media/evil.svg: error: this SVG has a script, an event handler, a foreignObject or a link to another host; draw it without them"
    ]


def test_an_svg_loading_an_image_from_another_host_is_refused(tiny):
    tiny.write("media/remote.svg", '<svg xmlns="http://www.w3.org/2000/svg"><image href="https://example.org/x.png"/></svg>')
    assert tiny.errors() == [
        "tiny-course/media/remote.svg: error: this SVG has a script, an event handler, a foreignObject or a link to another host; draw it without them"
    ]


def test_a_plain_svg_naming_its_xml_namespace_is_accepted(tiny_course):
    assert "bicycle.svg" in tiny_course.media


def test_questions_in_a_module_introduction_are_an_error(tiny):
    rel = "01-first-steps/module.en.md"
    tiny.edit(rel, "What a bicycle is made of.", "What a bicycle is made of.\n\n```quiz\nid: q\ntype: truefalse\nquestion: Q?\nanswer: true\n```")
    assert tiny.errors() == [f"{tiny.where(rel, '```quiz')}: error: questions belong in lesson files, not here"]


def test_a_fenced_block_with_another_info_string_is_code_not_a_question(tiny):
    tiny.edit(WRAP_UP, "You can always", "```yaml\nid: q\ntype: essay\n```\n\nYou can always")
    assert '<pre><code class="language-yaml">id: q\ntype: essay\n</code></pre>' in html_of(tiny.course(), "next-steps", "wrap-up")


def test_emphasis_next_to_chinese_full_width_punctuation_needs_the_punctuation_outside(tiny):
    # CommonMark: "**投诉。**每" does not open/close emphasis; "**投诉**。每" does.
    tiny.edit(WRAP_UP, "You can always", "**投诉。**每 and **投诉**。每\n\nYou can always")
    assert "<p>**投诉。**每 and <strong>投诉</strong>。每</p>" in html_of(tiny.course(), "next-steps", "wrap-up")


def test_an_unknown_admonition_kind_is_an_error(tiny):
    tiny.edit(WELCOME, "::: tip Before you start", "::: tipp Before you start")
    assert tiny.errors() == [f'{tiny.where(WELCOME, "::: tipp")}: error: unknown admonition "tipp"; use ::: note, ::: tip or ::: warning']


def test_an_admonition_kind_with_a_capital_is_unknown(tiny):
    tiny.edit(WELCOME, "::: warning", "::: Warning")
    assert tiny.errors() == [f'{tiny.where(WELCOME, "::: Warning")}: error: unknown admonition "Warning"; use ::: note, ::: tip or ::: warning']


def test_a_quiz_block_inside_an_admonition_is_an_error(tiny):
    rel = "01-first-steps/03-extra.en.md"
    tiny.write(rel, "---\ntitle: Extra\n---\n::: tip\n```quiz\nid: q\ntype: truefalse\nquestion: Q?\nanswer: true\n```\n:::\n")
    assert tiny.errors() == [f"{tiny.where(rel, '```quiz')}: error: a quiz block must not be inside an admonition, a list or a quote"]


def test_a_code_block_marked_quiz_with_a_capital_is_a_warning_on_its_fence(tiny):
    rel = "01-first-steps/03-extra.en.md"
    tiny.write(rel, "---\ntitle: Extra\n---\nOne question.\n\n```Quiz\nid: q\ntype: truefalse\nquestion: Q?\nanswer: true\n```\n")
    assert [p for p in tiny.warnings() if rel in p] == [
        f"{tiny.where(rel, '```Quiz')}: warning: a code block marked \"Quiz\" is shown as code, not as a question; "
        "write ```quiz in lower case"
    ]


def test_a_yaml_code_block_holding_a_question_is_a_warning_on_its_fence(tiny):
    rel = "01-first-steps/03-extra.en.md"
    tiny.write(rel, "---\ntitle: Extra\n---\nOne question.\n\n```yaml\nid: q\ntype: truefalse\nquestion: Q?\nanswer: true\n```\n")
    assert [p for p in tiny.warnings() if rel in p] == [
        f"{tiny.where(rel, '```yaml')}: warning: this code block marked \"yaml\" has the keys of a question (type, question) "
        "but is shown as code; start it with ```quiz to make it a question"
    ]


def test_a_yaml_code_block_that_is_not_a_question_is_not_reported(tiny):
    rel = "01-first-steps/03-extra.en.md"
    tiny.write(rel, "---\ntitle: Extra\n---\nA setting:\n\n```yaml\nspeed: 20\ntype: road\n```\n")
    assert [p for p in tiny.problems() if rel in p] == []


def test_a_quiz_block_inside_a_list_is_an_error(tiny):
    rel = "01-first-steps/03-extra.en.md"
    tiny.write(rel, "---\ntitle: Extra\n---\n- First:\n\n  ```quiz\n  id: q\n  type: truefalse\n  question: Q?\n  answer: true\n  ```\n")
    assert tiny.errors() == [f"{tiny.where(rel, '```quiz')}: error: a quiz block must not be inside an admonition, a list or a quote"]
