"""Reading course files: names, text, front matter and content hashes."""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .problems import Report
from .yamltext import YamlProblem, YMap, parse_yaml

ID_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
ID_RE = re.compile(rf"^{ID_PATTERN}$")
NUMBERED_RE = re.compile(rf"^(?P<number>\d+)-(?P<id>{ID_PATTERN})$")
LANG_FILE_RE = re.compile(r"^(?P<stem>.+)\.(?P<lang>[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\.md$")
# Files an author keeps for people browsing the repository, not for learners.
REPOSITORY_FILES = frozenset({"README.md", "LICENSE", "LICENSE.md", "CONTRIBUTING.md"})


def is_ignored(path: Path | str) -> bool:
    """Drafts: names starting with "." or "_"."""
    name = path if isinstance(path, str) else path.name
    return name.startswith((".", "_"))


def link_message(path: Path) -> str:
    """What the checker says about a symbolic link in a course folder."""
    what = "folder" if path.is_dir() else "file"
    return (f'"{path.name}" is a symbolic link; Academy never follows links in a course folder '
            f"(one could point at any file on the server): put the {what} itself here")


def special_message(path: Path) -> str:
    return f'"{path.name}" is not a regular file; a course holds only files and folders'


def entry_problem(path: Path) -> str | None:
    """Why a course folder entry must not be read (a symbolic link, a named
    pipe, a device...), or None for a plain file or folder. Never follows a
    link: looks at the entry itself."""
    try:
        mode = path.lstat().st_mode
    except OSError as exc:
        return f"cannot read the file: {exc.strerror}"
    if stat.S_ISLNK(mode):
        return link_message(path)
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        return special_message(path)
    return None


def walk_files(folder: Path, report: Report | None = None) -> Iterator[Path]:
    """The regular files under ``folder`` (sorted, drafts skipped), never
    entering a linked folder; each link or special file is reported."""
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        if report is not None:
            report.error(folder, None, f"cannot read the folder: {exc.strerror}")
        return
    for entry in entries:
        if is_ignored(entry):
            continue
        problem = entry_problem(entry)
        if problem is not None:
            if report is not None:
                report.error(entry, None, problem)
        elif entry.is_dir():
            yield from walk_files(entry, report)
        else:
            yield entry


def read_regular_file(path: Path) -> bytes:
    """The bytes of a regular file, never through a symbolic link and never
    waiting on a named pipe or a device. Raises OSError (ELOOP for a link)."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(0, "not a regular file")
        return handle.read()


def short_hash(data: bytes) -> str:
    """Git's blob hash (what `git hash-object FILE` prints), first 10 digits,
    so an author can compute it with the tools they already have.

    Line endings are hashed as "\n", as git stores them: a file checked out
    with CRLF on Windows has the same hash as on Linux."""
    data = data.replace(b"\r\n", b"\n")
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()[:10]


def read_text(path: Path, report: Report) -> str | None:
    try:
        data = read_regular_file(path)
    except OSError as exc:
        report.error(path, None, entry_problem(path) or f"cannot read the file: {exc.strerror}")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        report.error(path, line, "the file is not UTF-8 text; save it as UTF-8")
        return None
    return text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


@dataclass
class Document:
    meta: YMap
    body: str
    body_first_line: int


def split_front_matter(text: str, path: Path, report: Report) -> Document | None:
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        report.error(path, 1, 'the file must start with front matter: a line "---", then "title: ...", then "---"')
        return None
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if closing is None:
        report.error(path, 1, 'the front matter is not closed; add a line "---" after it')
        return None
    try:
        meta = parse_yaml("\n".join(lines[1:closing]), first_line=2)
    except YamlProblem as exc:
        report.error(path, exc.line, exc.message)
        return None
    if meta is None:
        meta = YMap()
        meta.line, meta.key_lines = 1, {}
    if not isinstance(meta, YMap):
        report.error(path, 2, "the front matter must be YAML keys such as \"title: ...\"")
        return None
    return Document(meta, "\n".join(lines[closing + 1:]), closing + 2)


def check_keys(meta: YMap, allowed: set[str], path: Path, report: Report, what: str) -> None:
    for key in meta:
        if key not in allowed:
            report.error(path, meta.key_lines.get(key, meta.line), f'unknown key "{key}" in {what}; expected {", ".join(sorted(allowed))}')


def text_field(meta: YMap, key: str, path: Path, report: Report, required: bool) -> str:
    value = meta.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            report.error(path, meta.line if meta else 1, f'"{key}" is required in the front matter')
        return ""
    if not isinstance(value, str):
        report.error(path, meta.key_lines[key], f'"{key}" must be text')
        return ""
    return value.strip()


def int_field(meta: YMap, key: str, path: Path, report: Report, low: int, high: int) -> int | None:
    value = meta.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdecimal() and low <= int(value) <= high:
        return int(value)
    report.error(path, meta.key_lines.get(key, meta.line), f'"{key}" must be a whole number from {low} to {high}, not {value!r}')
    return None
