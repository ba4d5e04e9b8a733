"""Learning paths: several courses taken in order towards one goal.

A path is a folder in ``paths/`` inside the courses folder, written in git
like a course::

    courses/
      paths/
        workplace-rights-basics/        path id = folder name
          path.yml                      the courses, in order; settings
          path.en.md  path.vi.md ...    title, summary and description per language

``path.yml``::

    format: 1
    source_language: en
    languages: [en, vi, zh, ar]
    courses:                  # in order; the path is complete when every one is
      - preventing-sexual-harassment
      - hrdd-essentials
    optional: [chemical-safety-electronics]   # suggested alongside; not needed
    recommended_for: [worker, supervisor]     # optional; see RECOMMENDED_FOR
    certificate: true         # a path certificate naming its courses

A course named in a path must exist: a missing one is an error on its line
(``paths/x/path.yml:7``). Pure Python, like the rest of the pipeline.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .files import (
    ID_RE,
    LANG_FILE_RE,
    REPOSITORY_FILES,
    check_keys,
    is_ignored,
    read_text,
    short_hash,
    split_front_matter,
    text_field,
)
from .markdown import HtmlPart, LinkContext, render_body
from .model import LearningPath, PathText, freeze
from .problems import Report
from .yamltext import YamlProblem, YMap, YSeq, parse_yaml

#: The folder inside the courses folder that holds the paths; no course can
#: have this id.
PATHS_FOLDER = "paths"
PATH_KEYS = {"format", "source_language", "languages", "courses", "optional", "recommended_for", "certificate"}
PATH_TEXT_KEYS = {"title", "summary", "source_hash"}
#: Who a path is recommended for. The interface names each in the reader's
#: language (academy/catalog/routes.py).
RECOMMENDED_FOR = ("worker", "supervisor", "manager", "hr", "trainer", "buyer")


def load_paths(paths_dir: Path, courses, refused, report: Report, languages) -> dict[str, LearningPath]:
    """Every path under ``paths_dir``; ``courses`` are the valid courses by id
    and ``refused`` the ids of courses refused for their errors."""
    paths: dict[str, LearningPath] = {}
    if not paths_dir.is_dir():
        return paths
    for entry in sorted(paths_dir.iterdir()):
        if is_ignored(entry) or entry.name in REPOSITORY_FILES:
            continue
        if not entry.is_dir():
            report.error(entry, None, "unexpected file; each learning path is a folder holding path.yml")
            continue
        mark = len(report.problems)
        path = load_path(entry, courses, refused, report, languages)
        if path is not None and not report.errors_since(mark):
            paths[path.id] = path
    return paths


def _list_of_ids(data: YMap, key: str, file: Path, report: Report) -> list[tuple[str, int]]:
    raw = data.get(key)
    if raw is None or raw == "":
        return []
    if isinstance(raw, str):
        return [(raw, data.key_lines[key])]
    if not isinstance(raw, YSeq) or not all(isinstance(item, str) for item in raw):
        report.error(file, data.key_lines[key], f'"{key}" must be a list of ids, such as [first-course, second-course]')
        return []
    # A flow list ([a, b]) has all its items on the key's line.
    return list(zip(raw, raw.item_lines))


def load_path(path_dir: Path, courses, refused, report: Report, languages) -> LearningPath | None:
    if not ID_RE.match(path_dir.name):
        report.error(path_dir, None, f'path folder name "{path_dir.name}" must be an id such as "workplace-rights" (a-z, 0-9 and hyphens)')
        return None
    file = path_dir / "path.yml"
    if not file.is_file():
        report.error(file, None, "path.yml is missing; every learning path folder needs one (see the authoring guide)")
        return None
    text = read_text(file, report)
    if text is None:
        return None
    try:
        data = parse_yaml(text)
    except YamlProblem as exc:
        report.error(file, exc.line, exc.message)
        return None
    if not isinstance(data, YMap):
        report.error(file, 1, 'path.yml must be YAML keys such as "format: 1"')
        return None
    check_keys(data, PATH_KEYS, file, report, "path.yml")
    line = data.key_lines.get
    if data.get("format") != "1":
        report.error(file, line("format", 1), '"format" must be 1 (add "format: 1")')
    langs = data.get("languages")
    if isinstance(langs, str):
        langs = [langs]
    if not isinstance(langs, list) or not langs or not all(isinstance(x, str) for x in langs):
        report.error(file, line("languages", 1), '"languages" must list the languages the path is described in, such as [en, vi, zh, ar]')
        langs = []
    for lang in langs:
        if lang not in languages:
            report.error(file, line("languages", 1), f'language "{lang}" has no interface translation; available: {", ".join(languages)}')
    source = data.get("source_language")
    if not isinstance(source, str) or source not in langs:
        report.error(file, line("source_language", 1), f'"source_language" must be one of the languages listed in "languages", not {source!r}')
        source = None

    required = _list_of_ids(data, "courses", file, report)
    optional = _list_of_ids(data, "optional", file, report)
    if not required:
        report.error(file, line("courses", 1), '"courses" must list at least one course, in the order learners take them')
    seen: set[str] = set()
    unavailable = []
    for course_id, course_line in required + optional:
        if course_id in seen:
            report.error(file, course_line, f'course "{course_id}" is listed twice')
        seen.add(course_id)
        if course_id in refused:
            unavailable.append(course_id)
        elif course_id not in courses:
            known = ", ".join(sorted(courses)) or "none"
            report.error(file, course_line, f'course "{course_id}" does not exist; the courses are {known}')
    roles = _list_of_ids(data, "recommended_for", file, report)
    for role, role_line in roles:
        if role not in RECOMMENDED_FOR:
            report.error(file, role_line, f'"recommended_for" must name roles from {", ".join(RECOMMENDED_FOR)}, not {role!r}')
    certificate = data.get("certificate")
    if certificate is not None and str(certificate).lower() not in ("true", "false"):
        report.error(file, line("certificate", 1), f'"certificate" must be true or false, not {certificate!r}')
    if source is None:
        return None

    texts = _path_texts(path_dir, source, tuple(langs), report, languages)
    if source not in texts:
        return None
    if unavailable:
        report.warning(file, None, f'course {", ".join(unavailable)} has errors and is not served; '
                                   "the path is not served either until it is fixed")
        return None
    return LearningPath(
        id=path_dir.name, path=path_dir, source_language=source, languages=tuple(dict.fromkeys(langs)),
        courses=tuple(dict.fromkeys(c for c, _ in required)),
        optional=tuple(dict.fromkeys(c for c, _ in optional if c not in {r for r, _ in required})),
        recommended_for=tuple(dict.fromkeys(r for r, _ in roles)),
        certificate=str(certificate).lower() == "true", version=_path_version(path_dir), texts=freeze(texts),
    )


def _path_texts(path_dir: Path, source: str, offered: tuple[str, ...], report: Report, languages) -> dict[str, PathText]:
    files: dict[str, Path] = {}
    for entry in sorted(path_dir.iterdir()):
        if is_ignored(entry) or entry.name == "path.yml" or entry.name in REPOSITORY_FILES:
            continue
        match = LANG_FILE_RE.match(entry.name)
        if not entry.is_file() or not match or match["stem"] != "path":
            report.error(entry, None, "unexpected entry in a path folder; it holds path.yml and path.<language>.md files")
            continue
        lang = match["lang"]
        if lang not in languages:
            report.error(entry, None, f'language "{lang}" has no interface translation; available: {", ".join(languages)}')
            continue
        if lang not in offered:
            report.warning(entry, None, f'language "{lang}" is not offered in path.yml "languages"; learners will not see this file')
        files[lang] = entry
    if source not in files:
        report.error(path_dir / f"path.{source}.md", None, "the path description in the source language is missing")
    for lang in offered:
        if lang not in files:
            report.warning(path_dir / f"path.{lang}.md", None, f"the path description is not translated into {lang}; learners see the {source} text")
    texts = {}
    for lang, file in files.items():
        text = read_text(file, report)
        doc = split_front_matter(text, file, report) if text is not None else None
        if doc is None:
            continue
        check_keys(doc.meta, PATH_TEXT_KEYS, file, report, "path front matter")
        title = text_field(doc.meta, "title", file, report, True)
        summary = text_field(doc.meta, "summary", file, report, True)
        stated = doc.meta.get("source_hash")
        if lang != source and stated and source in files:
            current = short_hash(files[source].read_bytes())
            if str(stated) != current:
                report.warning(file, doc.meta.key_lines.get("source_hash"),
                               f"translation may be stale: source_hash is {stated} but {files[source].name} is now {current}; "
                               f"update the translation, then run: academy stamp {report._show(file)}")
        links = LinkContext(file, path_dir, "", lambda _path: None, lambda _path: None)
        body = render_body(doc.body, doc.body_first_line, links, report)
        for block in body.quiz_blocks + body.assignment_blocks:
            report.error(file, block.fence_line, "questions and assignments belong in lesson files, not here")
        html = "".join(p.html for p in body.parts if isinstance(p, HtmlPart))
        texts[lang] = PathText(lang, title, summary, html)
    return texts


def _path_version(path_dir: Path) -> str:
    digest = hashlib.sha1()
    for file in sorted(path_dir.iterdir()):
        if file.is_file() and not is_ignored(file):
            digest.update(file.name.encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:12]
