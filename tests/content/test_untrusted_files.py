"""Course files are untrusted: a symbolic link is never followed, a file that
is not a regular file is never read, and an SVG that could expand entities
is refused."""

from __future__ import annotations

import os
import threading

import pytest

from academy.content.stamp import StampError, stamp
from academy.svg import SVG_DECLARATION_PROBLEM, svg_is_unsafe, svg_problem

LINK = "is a symbolic link; Academy never follows links in a course folder"


def link_error(shown: str, what: str = "file") -> str:
    """The checker's line for a symbolic link at ``shown`` (a file or a folder)."""
    name = shown.rsplit("/", 1)[-1]
    return f'{shown}: error: "{name}" {LINK} (one could point at any file on the server): put the {what} itself here'

SIMPLE_SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'


@pytest.fixture
def outside(tmp_path):
    """A file outside the courses folder that a link could point at."""
    path = tmp_path / "secret"
    path.write_text("---\ntitle: stolen\n---\nthe server's secret\n", encoding="utf-8")
    return path


def test_a_symlinked_media_file_is_an_error(tiny, outside):
    tiny.path("media/logo.svg").symlink_to(outside)
    assert tiny.errors() == [link_error("tiny-course/media/logo.svg")]


def test_a_course_with_a_symlinked_media_file_is_refused(tiny, outside):
    tiny.path("media/logo.svg").symlink_to(outside)
    assert tiny.load().refused == ("tiny-course",)


def test_a_symlinked_folder_inside_media_is_an_error_and_not_walked(tiny, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "inside.svg").write_bytes(SIMPLE_SVG)
    tiny.path("media/more").symlink_to(elsewhere, target_is_directory=True)
    errors = tiny.errors()
    assert len(errors) == 1 and errors[0].startswith(f'tiny-course/media/more: error: "more" {LINK}')


def test_a_symlinked_media_folder_is_an_error(tiny, tmp_path):
    real = tmp_path / "real-media"
    tiny.path("media").rename(real)
    tiny.path("media").symlink_to(real, target_is_directory=True)
    assert any(e.startswith(f'tiny-course/media: error: "media" {LINK}') for e in tiny.errors())


def test_a_symlinked_lesson_file_is_an_error(tiny, outside):
    tiny.path("01-first-steps/03-extra.en.md").symlink_to(outside)
    assert tiny.errors() == [link_error("tiny-course/01-first-steps/03-extra.en.md")]


def test_a_symlinked_lesson_file_is_never_read(tiny, outside):
    tiny.path("01-first-steps/03-extra.en.md").symlink_to(outside)
    course = tiny.load().courses.get("tiny-course")
    assert course is None


def test_a_symlinked_module_folder_is_an_error(tiny, tmp_path):
    module = tmp_path / "module"
    module.mkdir()
    (module / "module.en.md").write_text("---\ntitle: Elsewhere\n---\n", encoding="utf-8")
    (module / "01-lesson.en.md").write_text("---\ntitle: Elsewhere\n---\nText.\n", encoding="utf-8")
    tiny.path("03-elsewhere").symlink_to(module, target_is_directory=True)
    assert tiny.errors() == [link_error("tiny-course/03-elsewhere", "folder")]


def test_a_symlinked_course_yml_is_an_error(tiny, tmp_path):
    real = tmp_path / "course.yml"
    tiny.path("course.yml").rename(real)
    tiny.path("course.yml").symlink_to(real)
    assert tiny.errors() == [link_error("tiny-course/course.yml")]


def test_a_symlinked_course_description_is_an_error(tiny, tmp_path):
    real = tmp_path / "course.vi.md"
    tiny.path("course.vi.md").rename(real)
    tiny.path("course.vi.md").symlink_to(real)
    assert link_error("tiny-course/course.vi.md") in tiny.errors()


def test_a_symlinked_course_folder_is_an_error(tiny, tmp_path):
    real = tmp_path / "real-course"
    tiny.dir.rename(real)
    (tiny.courses_dir / "linked-course").symlink_to(real, target_is_directory=True)
    library = tiny.load()
    assert [str(p) for p in library.problems] == [link_error("linked-course", "folder")]
    assert library.refused == ("linked-course",) and not library.courses


def test_a_symlink_in_a_draft_is_ignored_like_the_draft(tiny, outside):
    tiny.path("_notes.md").symlink_to(outside)
    assert tiny.errors() == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_in_place_of_a_lesson_is_an_error_and_never_blocks_the_loader(tiny):
    os.mkfifo(tiny.path("01-first-steps/03-pipe.en.md"))
    result = []
    worker = threading.Thread(target=lambda: result.append(tiny.errors()), daemon=True)
    worker.start()
    worker.join(10)
    pipe_error = ('tiny-course/01-first-steps/03-pipe.en.md: error: "03-pipe.en.md" is not a regular file; '
                  "a course holds only files and folders")
    assert result == [[pipe_error]]


def test_stamp_refuses_a_symlinked_translation(tiny, outside):
    target = tiny.path("01-first-steps/01-welcome.vi.md")
    target.unlink()
    target.symlink_to(outside)
    with pytest.raises(StampError, match="symbolic link"):
        stamp(target)
    assert "source_hash" not in outside.read_text(encoding="utf-8")


# -- SVG: no document type, no entities ---------------------------------------

BILLION_LAUGHS = (b'<?xml version="1.0"?>\n<!DOCTYPE svg [\n<!ENTITY a "aaaaaaaaaa">\n'
                  b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n]>\n'
                  b'<svg xmlns="http://www.w3.org/2000/svg"><text>&b;</text></svg>')


@pytest.mark.parametrize("svg", [
    BILLION_LAUGHS,
    b'<!doctype svg><svg xmlns="http://www.w3.org/2000/svg"/>',
    b'<svg xmlns="http://www.w3.org/2000/svg"><!EnTiTy x "y"></svg>',
    b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd"><svg/>',
    BILLION_LAUGHS.decode().encode("utf-16"),        # with a byte order mark
    BILLION_LAUGHS.decode().encode("utf-16-le"),     # without one
    BILLION_LAUGHS.decode().encode("utf-16-be"),
    BILLION_LAUGHS.decode().encode("utf-32"),
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'.decode().encode("utf-16"),
    b'<?xml version="1.0" encoding="cp037"?>' + b'<svg xmlns="http://www.w3.org/2000/svg"/>'.decode().encode("cp037"),
], ids=["entities", "lowercase-doctype", "mixed-case-entity", "public-dtd", "utf-16-bom", "utf-16-le", "utf-16-be",
        "utf-32", "utf-16-script", "ebcdic"])
def test_an_svg_with_a_doctype_entities_or_a_hidden_encoding_is_unsafe(svg):
    assert svg_is_unsafe(svg)


@pytest.mark.parametrize("svg", [
    SIMPLE_SVG,
    b'<?xml version="1.0" encoding="UTF-8"?>\n' + SIMPLE_SVG,
    b"<?xml version='1.0' encoding='iso-8859-1' standalone='no'?>\n" + SIMPLE_SVG,
    SIMPLE_SVG.decode().encode("utf-16"),
    b"\xef\xbb\xbf" + SIMPLE_SVG,
    '<svg xmlns="http://www.w3.org/2000/svg"><title>Xe đạp 自行车 دراجة</title></svg>'.encode(),
], ids=["plain", "utf-8-declared", "latin-1-declared", "utf-16", "utf-8-bom", "non-latin-title"])
def test_an_ordinary_svg_is_safe(svg):
    assert not svg_is_unsafe(svg)


def test_a_course_svg_with_entities_is_an_error_that_says_why(tiny):
    tiny.path("media/laughs.svg").write_bytes(BILLION_LAUGHS)
    assert tiny.errors() == [f"tiny-course/media/laughs.svg: error: {SVG_DECLARATION_PROBLEM}"]


def test_the_svg_declaration_problem_says_what_to_do():
    assert SVG_DECLARATION_PROBLEM == (
        "this SVG has a document type (<!DOCTYPE) or entity (<!ENTITY) declaration, which can make it expand to "
        "gigabytes when it is drawn; delete that part at the top of the file, or export it again as plain SVG")


def test_the_svg_problem_names_a_script(tiny):
    assert "script" in svg_problem(b"<svg><script>alert(1)</script></svg>")
