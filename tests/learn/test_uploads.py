"""What a learner may attach: photos and PDFs recognised by their bytes,
nothing that a browser could run, written whole or not at all."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest

from academy.learn.uploads import UploadError, check_upload, store, submissions_dir

UPLOADS = Path(__file__).resolve().parents[1] / "fixtures" / "uploads"
JPEG = (UPLOADS / "notice-board.jpg").read_bytes()
PNG = (UPLOADS / "notice-board.png").read_bytes()
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
LIMIT = 5 * 1024 * 1024


def code_of(data: bytes, limit: int = LIMIT) -> str:
    with pytest.raises(UploadError) as caught:
        check_upload(data, limit)
    return caught.value.code


@pytest.mark.parametrize(("data", "kind"), [(JPEG, "jpeg"), (PNG, "png"), (PDF, "pdf")])
def test_a_photo_or_a_pdf_is_recognised_by_its_bytes(data, kind):
    assert check_upload(data, LIMIT) == kind


def test_an_svg_is_refused_whatever_it_contains():
    assert code_of(b'<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>') == "upload-type"


@pytest.mark.parametrize("data", [b"GIF89a" + b"\0" * 40, b"PK\x03\x04 a word document", b"MZ\x90\0 a program",
                                  b"<!doctype html><p>hello</p>", b"plain text"])
def test_any_other_kind_of_file_is_refused(data):
    assert code_of(data) == "upload-type"


def test_a_file_named_like_a_photo_is_judged_by_its_bytes_not_its_name():
    # check_upload never sees a name: an SVG renamed to photo.jpg is still an SVG.
    assert code_of(SVG) == "upload-type"


@pytest.mark.parametrize("markup", [b"<script>alert(1)</script>", b"<SCRIPT src=x>", b"<html><body>hi</body></html>",
                                    b"<!DOCTYPE html>", b"<iframe src=x>", b"javascript:alert(1)"])
def test_a_jpeg_carrying_html_or_a_script_is_refused(markup):
    assert code_of(JPEG[:200] + markup + JPEG[200:]) == "upload-unsafe-image"


def test_a_png_carrying_a_script_in_a_text_chunk_is_refused():
    assert code_of(PNG[:33] + b"\0\0\0\x20tEXtComment\0<script>alert(1)</script>" + PNG[33:]) == "upload-unsafe-image"


@pytest.mark.parametrize("body", [b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>", b"/J#61vaScript", b"/Launch"])
def test_a_pdf_with_javascript_or_a_launch_action_is_refused(body):
    assert code_of(PDF + body) == "upload-unsafe-pdf"


def test_javascript_hidden_in_a_compressed_pdf_stream_is_found():
    stream = zlib.compress(b"<< /S /JavaScript /JS (app.alert(1)) >>")
    assert code_of(PDF + b"1 0 obj << /Filter /FlateDecode >> stream\n" + stream + b"endstream") == "upload-unsafe-pdf"


def test_a_file_over_the_limit_is_refused_with_the_limit_in_megabytes():
    with pytest.raises(UploadError) as caught:
        check_upload(JPEG + b"\0" * (2 * 1024 * 1024), 2 * 1024 * 1024)
    assert (caught.value.code, caught.value.details) == ("upload-too-large", {"megabytes": 2})


def test_an_empty_file_is_refused():
    assert code_of(b"") == "upload-empty"


def test_a_stored_file_gets_a_random_name_and_leaves_no_temporary_file(tmp_path):
    first, second = store(tmp_path, "jpeg", JPEG), store(tmp_path, "jpeg", JPEG)
    assert first != second and first.endswith(".jpg") and len(first) == 36
    assert sorted(p.name for p in submissions_dir(tmp_path).iterdir()) == sorted([first, second])
    assert (submissions_dir(tmp_path) / first).read_bytes() == JPEG
