"""source_hash: a translation older than its source is reported as stale, and
`stamp` records that a translator has caught up, changing one line only."""

from __future__ import annotations

import hashlib

import pytest

from academy.content.stamp import StampError, stamp, translation_files

EN = "01-first-steps/01-welcome.en.md"
VI = "01-first-steps/01-welcome.vi.md"
AR = "01-first-steps/01-welcome.ar.md"


def git_blob_hash(data: bytes) -> str:
    """What `git hash-object FILE` prints, shortened to 10 digits."""
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()[:10]


def change_the_source(tiny) -> str:
    tiny.edit(EN, "Keep a notebook nearby.", "Keep a notebook and a pencil nearby.")
    return git_blob_hash(tiny.path(EN).read_bytes())


def test_the_fixture_translations_carry_the_git_blob_hash_of_their_source(tiny):
    assert f"source_hash: {git_blob_hash(tiny.path(EN).read_bytes())}\n" in tiny.read(VI)


def test_a_translation_whose_source_changed_is_reported_stale_with_the_stamp_command(tiny):
    old = git_blob_hash(tiny.path(EN).read_bytes())
    new = change_the_source(tiny)
    assert f"tiny-course/{VI}:3: warning: translation may be stale: source_hash is {old} but 01-welcome.en.md is now {new}; " \
           f"update the translation, then run: academy stamp tiny-course/{VI}" in tiny.warnings()


def test_a_stale_translation_is_a_warning_for_every_translation_of_the_file(tiny):
    change_the_source(tiny)
    assert [w.split(":")[0] for w in tiny.warnings()] == [f"tiny-course/{AR}", f"tiny-course/{VI}"]


def test_a_stale_translation_is_only_a_warning_so_the_course_is_served(tiny):
    change_the_source(tiny)
    assert "tiny-course" in tiny.load().courses


def test_a_stale_module_title_translation_is_reported(tiny):
    tiny.edit("02-next-steps/module.en.md", "title: Next steps", "title: What comes next")
    assert [w.split(": warning: ")[0] for w in tiny.warnings()] == [
        "tiny-course/02-next-steps/module.ar.md:3", "tiny-course/02-next-steps/module.vi.md:3",
    ]


def test_a_stale_course_description_translation_is_reported(tiny):
    tiny.edit("course.en.md", "A small course the tests read.", "A tiny course the tests read.")
    assert [w.split(": warning: ")[0] for w in tiny.warnings()] == ["tiny-course/course.ar.md:4", "tiny-course/course.vi.md:4"]


def test_a_translation_without_source_hash_is_never_reported_stale(tiny):
    tiny.edit(VI, f"source_hash: {git_blob_hash(tiny.path(EN).read_bytes())}\n", "")
    change_the_source(tiny)
    assert [w.split(":")[0] for w in tiny.warnings()] == [f"tiny-course/{AR}"]


def test_a_source_checked_out_with_windows_line_endings_keeps_its_hash(tiny):
    path = tiny.path(EN)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert tiny.problems() == []


def test_stamp_writes_the_current_source_hash_into_the_translation(tiny):
    new = change_the_source(tiny)
    stamp(tiny.path(VI))
    assert f"source_hash: {new}\n" in tiny.read(VI)


def test_stamp_returns_the_hash_it_wrote(tiny):
    new = change_the_source(tiny)
    assert stamp(tiny.path(VI)) == new


def test_after_stamp_the_translation_is_no_longer_stale(tiny):
    change_the_source(tiny)
    stamp(tiny.path(VI))
    assert [w.split(":")[0] for w in tiny.warnings()] == [f"tiny-course/{AR}"]


def test_stamp_changes_only_the_source_hash_line(tiny):
    before = tiny.read(VI).split("\n")
    new = change_the_source(tiny)
    stamp(tiny.path(VI))
    after = tiny.read(VI).split("\n")
    assert [(n, a) for n, (b, a) in enumerate(zip(before, after), start=1) if b != a] == [(3, f"source_hash: {new}")]


def test_stamp_keeps_the_length_of_the_file_in_lines(tiny):
    before = tiny.read(VI).count("\n")
    change_the_source(tiny)
    stamp(tiny.path(VI))
    assert tiny.read(VI).count("\n") == before


def test_stamp_adds_the_line_before_the_end_of_the_front_matter_when_there_is_none(tiny):
    tiny.write(VI, "---\ntitle: Chào mừng\n---\nXe đạp.\n")
    new = change_the_source(tiny)
    stamp(tiny.path(VI))
    assert tiny.read(VI) == f"---\ntitle: Chào mừng\nsource_hash: {new}\n---\nXe đạp.\n"


def test_stamp_keeps_windows_line_endings(tiny):
    path = tiny.path(VI)
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    before = path.read_bytes().split(b"\r\n")
    new = change_the_source(tiny)
    stamp(path)
    after = path.read_bytes().split(b"\r\n")
    assert [(n, a) for n, (b, a) in enumerate(zip(before, after), start=1) if b != a] == [(3, f"source_hash: {new}".encode())]


def test_stamp_keeps_a_byte_order_mark(tiny):
    path = tiny.path(VI)
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    change_the_source(tiny)
    stamp(path)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf---\n")


def test_stamp_on_an_up_to_date_translation_writes_nothing(tiny):
    path = tiny.path(VI)
    before = path.stat().st_mtime_ns
    assert (stamp(path), path.stat().st_mtime_ns) == (None, before)


def test_stamp_refuses_the_source_language_file(tiny):
    with pytest.raises(StampError, match="this is the source-language file; stamp its translations instead"):
        stamp(tiny.path(EN))


def test_stamp_refuses_a_translation_without_a_source_file(tiny):
    tiny.write("01-first-steps/05-orphan.vi.md", "---\ntitle: Mồ côi\n---\n")
    with pytest.raises(StampError, match="its source 05-orphan.en.md does not exist"):
        stamp(tiny.path("01-first-steps/05-orphan.vi.md"))


def test_stamp_refuses_a_file_without_front_matter(tiny):
    tiny.write(VI, "Chào mừng\n")
    with pytest.raises(StampError, match="the file has no front matter"):
        stamp(tiny.path(VI))


def test_stamp_reports_a_file_that_is_not_utf8(tiny):
    tiny.path(VI).write_bytes(b"---\ntitle: Ch\xe0o\n---\n")
    with pytest.raises(StampError, match="the file is not UTF-8 text"):
        stamp(tiny.path(VI))


def test_translation_files_of_a_course_are_every_translation_and_no_source_file(tiny):
    names = sorted(p.relative_to(tiny.dir).as_posix() for p in translation_files(tiny.dir))
    assert names == sorted(
        f"{stem}.{lang}.md"
        for stem in ("course", "01-first-steps/module", "01-first-steps/01-welcome", "01-first-steps/02-check",
                     "02-next-steps/module", "02-next-steps/01-wrap-up")
        for lang in ("vi", "ar")
    )


def test_translation_files_skip_drafts(tiny):
    tiny.write("01-first-steps/_03-draft.vi.md", "---\ntitle: Nháp\n---\n")
    assert tiny.path("01-first-steps/_03-draft.vi.md") not in translation_files(tiny.dir)
