"""Stamping ``source_hash`` into translations once a translator caught up.

The only place the platform writes to course files, and only when an author
asks: it changes the one front-matter line and nothing else.
"""

from __future__ import annotations

import re
from pathlib import Path

from .files import LANG_FILE_RE, entry_problem, is_ignored, short_hash
from .yamltext import YMap, parse_yaml

_HASH_LINE = re.compile(r"^source_hash\s*:.*$")


class StampError(Exception):
    pass


# A course folder has course.yml; a learning path's folder has path.yml.
SETTINGS_FILES = ("course.yml", "path.yml")


def _settings_file(course_dir: Path) -> Path:
    return next((course_dir / name for name in SETTINGS_FILES if (course_dir / name).is_file()), course_dir / "course.yml")


def _source_language(course_dir: Path) -> str:
    settings = _settings_file(course_dir)
    try:
        data = parse_yaml(settings.read_text(encoding="utf-8"))
    except Exception as exc:  # any unreadable course.yml is reported the same way
        raise StampError(f"{settings}: cannot read the source language ({exc})") from None
    if not isinstance(data, YMap) or not isinstance(data.get("source_language"), str):
        raise StampError(f"{settings}: no source_language")
    return data["source_language"]


def _course_dir_of(path: Path) -> Path:
    for parent in [path.parent, *path.parents]:
        if any((parent / name).is_file() for name in SETTINGS_FILES):
            return parent
    raise StampError(f"{path}: not inside a course folder (no course.yml above it)")


def translation_files(target: Path) -> list[Path]:
    """The translation files a path stands for: one file, or every
    translation in a course folder (or in every course under a folder)."""
    if target.is_file():
        return [target]
    if not target.is_dir():
        raise StampError(f"{target}: no such file or folder")
    found = []
    for path in sorted(target.rglob("*.md")):
        if any(is_ignored(p) for p in path.relative_to(target).parts) or not LANG_FILE_RE.match(path.name):
            continue
        course_dir = _course_dir_of(path)
        if LANG_FILE_RE.match(path.name)["lang"] != _source_language(course_dir):
            found.append(path)
    return found


def stamp(path: Path) -> str | None:
    """Write the current source hash into one translation file; returns the
    hash, or None when the file already carried it."""
    match = LANG_FILE_RE.match(path.name)
    if not match:
        raise StampError(f"{path}: not a <name>.<language>.md file")
    problem = entry_problem(path)
    if problem is not None:  # never write through a link to a file elsewhere
        raise StampError(f"{path}: {problem}")
    course_dir = _course_dir_of(path)
    source_lang = _source_language(course_dir)
    if match["lang"] == source_lang:
        raise StampError(f"{path}: this is the source-language file; stamp its translations instead")
    source = path.with_name(f"{match['stem']}.{source_lang}.md")
    if not source.is_file():
        raise StampError(f"{path}: its source {source.name} does not exist")
    current = short_hash(source.read_bytes())
    try:  # bytes, not read_text(): that would turn CRLF into LF and rewrite every line
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        raise StampError(f"{path}: the file is not UTF-8 text; save it as UTF-8") from None
    bom = "\ufeff" if text.startswith("\ufeff") else ""  # the checker reads such files too
    text = text[len(bom):]
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.split(newline)
    if not lines or lines[0].strip() != "---":
        raise StampError(f"{path}:1: the file has no front matter")
    closing = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if closing is None:
        raise StampError(f"{path}:1: the front matter is not closed")
    new_line = f"source_hash: {current}"
    for index in range(1, closing):
        if _HASH_LINE.match(lines[index]):
            if lines[index] == new_line:
                return None
            lines[index] = new_line
            break
    else:
        lines.insert(closing, new_line)
    path.write_text(bom + newline.join(lines), encoding="utf-8", newline="")
    return current
