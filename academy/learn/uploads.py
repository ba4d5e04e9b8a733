"""Files a learner attaches to an assignment: a photo (JPEG, PNG) or a PDF.

What a file is comes from its first bytes, never from its name or the type
the browser claims. An image that carries HTML or a script (a "polyglot"
that a browser might run if it ever sniffed it) is refused, and so is a PDF
with JavaScript or a launch action; SVG and every other type are refused
outright. A file is written under a random name to a temporary file and
renamed into place, so a crash never leaves half a file under a real name.
"""

from __future__ import annotations

import os
import re
import secrets
import tempfile
import zlib
from pathlib import Path

from ..domain import DomainError

JPEG_MAGIC = b"\xff\xd8\xff"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PDF_MAGIC = b"%PDF-"
EXTENSIONS = {"jpeg": "jpg", "png": "png", "pdf": "pdf"}
MIME_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "pdf": "application/pdf"}
SUBMISSIONS_FOLDER = "submissions"

# Markup that has no business in a photo: a browser that sniffed the file as
# HTML would run it. Only tags of five letters or more, and "javascript:":
# shorter ones (<a, <svg) turn up by chance in the compressed bytes of a
# photo often enough to refuse an honest one now and then.
_MARKUP_IN_IMAGE = re.compile(
    rb"<\s*/?\s*(?:script|html|body|iframe|object|embed|!doctype)\b|javascript:", re.IGNORECASE)
# PDF names that run code or open other programs, also inside compressed
# streams and with #xx escapes (/J#61vaScript is /JavaScript).
_ACTIVE_PDF = re.compile(rb"/(?:JavaScript|JS|Launch|RichMedia|XFA)\b")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
_MAX_INFLATED = 20 * 1024 * 1024


class UploadError(DomainError):
    """A file that cannot be attached; ``code`` picks the learner's message."""


def sniff(data: bytes) -> str | None:
    """"jpeg", "png" or "pdf" from the first bytes, or None."""
    if data.startswith(JPEG_MAGIC):
        return "jpeg"
    if data.startswith(PNG_MAGIC) and data[12:16] == b"IHDR":
        return "png"
    if data.startswith(PDF_MAGIC):
        return "pdf"
    return None


def check_upload(data: bytes, max_bytes: int) -> str:
    """The kind of an acceptable file, or UploadError: "upload-empty",
    "upload-too-large", "upload-type" (not a JPEG, PNG or PDF: SVG, GIF,
    HEIC, an executable...), "upload-unsafe-image", "upload-unsafe-pdf"."""
    if not data:
        raise UploadError("upload-empty")
    if len(data) > max_bytes:
        raise UploadError("upload-too-large", megabytes=max(1, max_bytes // (1024 * 1024)))
    kind = sniff(data)
    if kind is None:
        raise UploadError("upload-type")
    if kind in ("jpeg", "png") and _MARKUP_IN_IMAGE.search(data):
        raise UploadError("upload-unsafe-image")
    if kind == "pdf" and pdf_is_active(data):
        raise UploadError("upload-unsafe-pdf")
    return kind


def pdf_is_active(data: bytes) -> bool:
    """A PDF with JavaScript, a launch action, rich media or an XFA form,
    in its plain bytes or in a compressed (Flate) stream."""
    def active(chunk: bytes) -> bool:
        return _ACTIVE_PDF.search(_PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), chunk)) is not None

    if active(data):
        return True
    budget = _MAX_INFLATED
    for match in _PDF_STREAM.finditer(data):
        try:
            inflated = zlib.decompressobj().decompress(match.group(1), budget)
        except zlib.error:
            continue  # not Flate (an image, say): nothing to read
        budget -= len(inflated)
        if active(inflated):
            return True
        if budget <= 0:
            return True  # a zip bomb, or far more than an assignment needs: refuse
    return False


def submissions_dir(data_dir: Path) -> Path:
    return Path(data_dir) / SUBMISSIONS_FOLDER


def store(data_dir: Path, kind: str, data: bytes) -> str:
    """Write an accepted file under a new random name; returns the name.
    The file appears whole or not at all."""
    folder = submissions_dir(data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".upload-", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        while True:
            name = f"{secrets.token_hex(16)}.{EXTENSIONS[kind]}"
            try:
                os.link(temporary, folder / name)  # never replaces another answer's file
                return name
            except FileExistsError:
                continue
            except OSError:  # a file system without hard links: rename into the free name
                if (folder / name).exists():
                    continue
                os.replace(temporary, folder / name)
                return name
    finally:
        Path(temporary).unlink(missing_ok=True)


def discard(data_dir: Path, stored_name: str) -> None:
    """Remove a stored file (its row is gone, or never made it)."""
    if stored_name and "/" not in stored_name and not stored_name.startswith("."):
        (submissions_dir(data_dir) / stored_name).unlink(missing_ok=True)


def stored_path(data_dir: Path, stored_name: str) -> Path:
    return submissions_dir(data_dir) / stored_name
