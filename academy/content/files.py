"""Reading course files: names, text, front matter and content hashes."""

from __future__ import annotations

import hashlib
import re
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


def short_hash(data: bytes) -> str:
    """Git's blob hash (what `git hash-object FILE` prints), first 10 digits,
    so an author can compute it with the tools they already have.

    Line endings are hashed as "\n", as git stores them: a file checked out
    with CRLF on Windows has the same hash as on Linux."""
    data = data.replace(b"\r\n", b"\n")
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()[:10]


def read_text(path: Path, report: Report) -> str | None:
    try:
        data = path.read_bytes()
    except OSError as exc:
        report.error(path, None, f"cannot read the file: {exc.strerror}")
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
