"""`academy certificates verify FILE` on anything an admin may be handed:
one clear line and exit 1 for a file that is not a certificate, never a
traceback."""

from __future__ import annotations

import os

import pytest
from click.testing import CliRunner

from academy.certificates.render import MAX_PDF_BYTES, extract_payload_from_pdf, render_certificate_pdf
from academy.cli import main


@pytest.fixture(scope="module")
def certificate_pdf(make_document) -> bytes:
    return render_certificate_pdf(make_document("en"))


@pytest.fixture
def verify(tmp_path):
    """Run `academy certificates verify ARG` as the admin would, in a data
    folder of its own; returns (exit code, every line printed)."""
    def run(argument: str):
        result = CliRunner().invoke(main, ["certificates", "verify", argument],
                                    env={"ACADEMY_DATA_DIR": str(tmp_path / "data")})
        lines = (result.stdout + result.stderr).splitlines()
        return result.exit_code, lines, result.exception
    return run


def weasyprint_pdf_without_a_payload() -> bytes:
    from academy.pdf import html_to_pdf

    return html_to_pdf("<p>An ordinary letter.</p>", base_dir=os.getcwd(), stylesheets=[])


CASES = {
    "junk": (lambda pdf: b"This is not a PDF at all.\n", "not a PDF file"),
    "empty": (lambda pdf: b"", "the file is empty"),
    "truncated": (lambda pdf: pdf[: len(pdf) // 3], "not a readable PDF"),
    "header only": (lambda pdf: b"%PDF-1.7\n", "not a readable PDF"),
    "no payload": (lambda pdf: weasyprint_pdf_without_a_payload(), "no signed payload found in this PDF"),
    "garbled": (lambda pdf: pdf[:2000] + bytes(range(256)) * 40 + pdf[-500:], "not a readable PDF"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_file_that_is_not_a_certificate_gets_one_line_and_exit_1(case, verify, certificate_pdf, tmp_path):
    make, reason = CASES[case]
    path = tmp_path / "handed-over.pdf"
    path.write_bytes(make(certificate_pdf))
    code, lines, exception = verify(str(path))
    assert (code, len(lines)) == (1, 1), lines
    assert reason in lines[0] and str(path) in lines[0]
    assert exception is None or isinstance(exception, SystemExit)


def test_a_folder_gets_one_line_and_exit_1(verify, tmp_path):
    code, lines, exception = verify(str(tmp_path))
    assert (code, lines) == (1, [f"Error: {tmp_path}: a folder, not a PDF file"])
    assert exception is None or isinstance(exception, SystemExit)


def test_a_missing_file_gets_one_line_and_exit_1(verify, tmp_path):
    code, lines, _exception = verify(str(tmp_path / "nowhere.pdf"))
    assert (code, lines) == (1, [f"Error: {tmp_path / 'nowhere.pdf'}: no such file"])


def test_a_huge_file_is_refused_without_being_read(verify, tmp_path):
    path = tmp_path / "huge.pdf"
    with path.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # 50 MB of zeros, sparse on disk
    code, lines, _exception = verify(str(path))
    assert (code, lines) == (1, [f"Error: {path}: larger than {MAX_PDF_BYTES // 2**20} MB; a certificate PDF is far smaller"])


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_is_refused_without_waiting_for_a_writer(verify, tmp_path):
    path = tmp_path / "pipe.pdf"
    os.mkfifo(path)
    code, lines, _exception = verify(str(path))
    assert (code, lines) == (1, [f"Error: {path}: not a regular file"])


def test_a_real_certificate_still_verifies(verify, certificate_pdf, tmp_path, signing_key):
    from academy.certificates.signing import public_key_text

    path = tmp_path / "certificate.pdf"
    path.write_bytes(certificate_pdf)
    result = CliRunner().invoke(main, ["certificates", "verify", str(path), "--public-key", public_key_text(signing_key)],
                                env={"ACADEMY_DATA_DIR": str(tmp_path / "data")})
    assert result.exit_code == 0 and result.stdout.startswith("VALID")


def test_a_malformed_public_key_gets_one_line_and_exit_1(tmp_path, certificate_pdf):
    path = tmp_path / "certificate.pdf"
    path.write_bytes(certificate_pdf)
    result = CliRunner().invoke(main, ["certificates", "verify", str(path), "--public-key", "ed25519:not-a-key"],
                                env={"ACADEMY_DATA_DIR": str(tmp_path / "data")})
    assert result.exit_code == 1 and len((result.stdout + result.stderr).splitlines()) == 1


@pytest.mark.parametrize("case", sorted(CASES))
def test_extracting_from_bytes_that_are_not_a_certificate_raises_value_error_or_gives_none(case, certificate_pdf):
    make, _reason = CASES[case]
    try:
        assert extract_payload_from_pdf(make(certificate_pdf)) is None
    except ValueError:
        pass


def test_extracting_from_too_many_bytes_raises_value_error():
    with pytest.raises(ValueError, match="larger than"):
        extract_payload_from_pdf(b"%PDF-1.7\n" + bytes(MAX_PDF_BYTES))
