"""Lesson Markdown: CommonMark with tables and admonitions, local media,
lesson links rewritten for the reader, raw HTML shown as text, and the
```quiz and ```assignment blocks cut out for their parsers."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from mdit_py_plugins.container import container_plugin

from .model import HtmlPart
from .problems import Report

ADMONITIONS = ("note", "tip", "warning")
BLOCK_KINDS = ("quiz", "assignment")  # fenced blocks that are not code: questions.py, assignments.py
_ACTIVE_HTML = re.compile(r"<\s*(script|iframe|object|embed)\b", re.IGNORECASE)
_QUESTION_KEY = re.compile(r"^question\s*:", re.MULTILINE)
_TYPE_KEY = re.compile(r"^type\s*:", re.MULTILINE)


def _render_admonition(kind: str):
    def render(self, tokens, idx, options, env):
        token = tokens[idx]
        if token.nesting != 1:
            return "</div>\n"
        title = token.info.strip()[len(kind):].strip()
        heading = f'<p class="admonition-title">{escapeHtml(title)}</p>\n' if title else ""
        return f'<div class="admonition admonition-{kind}">\n{heading}'

    return render


def _render_table_open(self, tokens, idx, options, env):
    # Wide tables scroll inside their own box on a 360 px phone.
    return '<div class="table-scroll">' + self.renderToken(tokens, idx, options, env)


def _render_table_close(self, tokens, idx, options, env):
    return self.renderToken(tokens, idx, options, env) + "</div>\n"


@lru_cache(maxsize=1)
def markdown_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    for kind in ADMONITIONS:
        container_plugin(md, kind, render=_render_admonition(kind))
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    return md


@dataclass
class QuizBlock:
    text: str
    first_line: int  # line of the first YAML line in the file
    fence_line: int
    kind: str = "quiz"  # or "assignment"


@dataclass
class RenderedBody:
    parts: list = field(default_factory=list)  # HtmlPart | QuizBlock, in order
    quiz_blocks: list[QuizBlock] = field(default_factory=list)
    assignment_blocks: list[QuizBlock] = field(default_factory=list)


@dataclass
class LinkContext:
    """Where the Markdown file sits, and how its links become URLs.

    ``prefix`` is the relative path from the page that shows this text to the
    course page: "../" for a lesson page (/courses/c/m/l), "" for the course
    page (/courses/c/). Relative URLs keep the pipeline free of Flask and work
    under any URL prefix.
    """

    path: Path
    course_dir: Path
    prefix: str
    lesson_for_file: Callable[[Path], tuple[str, str] | None]
    module_for_file: Callable[[Path], str | None]


def render_body(body: str, first_line: int, links: LinkContext, report: Report) -> RenderedBody:
    md = markdown_parser()
    env: dict = {}
    tokens = md.parse(body, env)
    result = RenderedBody()
    chunk: list = []

    def flush():
        if chunk:
            html = md.renderer.render(chunk, md.options, env)
            if html.strip():
                result.parts.append(HtmlPart(html))
            chunk.clear()

    for token in tokens:
        line = first_line + token.map[0] if token.map else first_line
        kind = token.info.strip().split(" ")[0] if token.type == "fence" else ""
        if token.type == "fence" and kind not in BLOCK_KINDS:
            hint = _quiz_lookalike(kind, token.content)
            if hint:
                report.warning(links.path, line, hint)
        if kind in BLOCK_KINDS:
            if token.level > 0:  # the question would split its box into two broken halves
                report.error(links.path, line, f"{'an' if kind == 'assignment' else 'a'} {kind} block must not be inside an admonition, a list or a quote")
            flush()
            block = QuizBlock(token.content, line + 1, line, kind)
            result.parts.append(block)
            (result.quiz_blocks if kind == "quiz" else result.assignment_blocks).append(block)
            continue
        if token.type == "inline":
            kind = token.content.split("\n")[0][3:].strip().split(" ")[0] if token.content.startswith(":::") else ""
            if kind:  # a typo such as "::: tipp" would show as text
                report.error(links.path, line, f'unknown admonition "{kind}"; use ::: note, ::: tip or ::: warning')
            _check_inline(token, line, links, report)
        chunk.append(token)
    flush()
    return result


def _quiz_lookalike(info: str, content: str) -> str | None:
    """A code block that was surely meant as a question: shown as code, it
    would be silently ungraded."""
    if info.lower() == "quiz":
        return f'a code block marked "{info}" is shown as code, not as a question; write ```quiz in lower case'
    if info.lower() in ("", "yaml", "yml") and _QUESTION_KEY.search(content) and _TYPE_KEY.search(content):
        marked = f'marked "{info}" ' if info else ""
        return (f"this code block {marked}has the keys of a question (type, question) but is shown as code; "
                "start it with ```quiz to make it a question")
    return None


def _check_inline(token, line: int, links: LinkContext, report: Report) -> None:
    children = token.children or ()
    active_reported = False
    for child in children:
        # A paragraph spans lines: report the line the child is on.
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "text" and not active_reported and _ACTIVE_HTML.search(child.content):
            report.error(links.path, line, "scripts, iframes and embedded objects are not allowed (the platform runs without internet)")
            active_reported = True
        if child.type == "image":
            src = child.attrGet("src") or ""
            url = _media_url(src, line, links, report)
            if url:
                child.attrSet("src", url)
                child.attrSet("loading", "lazy")
        elif child.type == "link_open":
            href = child.attrGet("href") or ""
            url = href if _is_external(href) else _link_url(href, line, links, report)
            if url is None:
                continue
            child.attrSet("href", url)
            if _is_external(url):
                child.attrSet("class", "external")
                child.attrSet("rel", "external noopener noreferrer")


def _is_external(url: str) -> bool:
    scheme = urlsplit(url).scheme.lower()
    return scheme in ("http", "https") or url.startswith("//")


def _local_target(url: str, links: LinkContext) -> Path | None:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path:
        return None
    try:
        return (links.path.parent / unquote(parts.path)).resolve()
    except (OSError, ValueError):  # e.g. a NUL byte in the path
        return None


def _exists(path: Path, kind: str = "any") -> bool:
    """Like Path.exists()/is_file(), but False for names the OS refuses (too long, NUL)."""
    try:
        return path.is_file() if kind == "file" else path.exists()
    except (OSError, ValueError):
        return False


def _media_url(src: str, line: int, links: LinkContext, report: Report) -> str | None:
    if _is_external(src) or urlsplit(src).scheme:
        report.error(links.path, line, f'image "{src}" is not a local file; put it in the course\'s media/ folder (the platform runs without internet)')
        return None
    if src.startswith("/"):
        report.error(links.path, line, f'image "{src}" must be a path relative to this file, such as ../media/figure.svg')
        return None
    target = _local_target(src, links)
    media_dir = (links.course_dir / "media").resolve()
    if target is None or not target.is_relative_to(media_dir):
        report.error(links.path, line, f'image "{src}" must be inside the course\'s media/ folder{_media_hint(src, links)}')
        return None
    if not _exists(target, "file"):
        report.error(links.path, line, f'image "{src}" does not exist')
        return None
    return f"{links.prefix}media/{target.relative_to(media_dir).as_posix()}"


def _media_hint(url: str, links: LinkContext) -> str:
    """For "media/x.svg" written in a lesson (whose media/ is one folder up):
    the path to write instead. Paths are relative to the file, as on a git host."""
    path = unquote(urlsplit(url).path).removeprefix("./")
    if not path.startswith("media/") or ".." in path.split("/") or links.path.parent == links.course_dir:
        return ""
    suggested = os.path.relpath(links.course_dir / path, links.path.parent).replace(os.sep, "/")
    return f'; write "{suggested}" (the path is relative to this file)'


def _link_url(href: str, line: int, links: LinkContext, report: Report) -> str | None:
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path:
        return None  # external, mailto: or an anchor on the same page: left as written
    if href.startswith("/"):
        report.error(links.path, line, f'link "{href}" must be a path relative to this file')
        return None
    target = _local_target(href, links)
    course_dir = links.course_dir.resolve()
    if target is None or not target.is_relative_to(course_dir):
        report.error(links.path, line, f'link "{href}" points outside the course')
        return None
    if not _exists(target):
        report.error(links.path, line, f'link "{href}": no such file{_media_hint(href, links)}')
        return None
    fragment = f"#{parts.fragment}" if parts.fragment else ""
    media_dir = (course_dir / "media")
    if target.is_relative_to(media_dir) and target.is_file():
        return f"{links.prefix}media/{target.relative_to(media_dir).as_posix()}{fragment}"
    lesson = links.lesson_for_file(target)
    if lesson is not None:
        return f"{links.prefix}{lesson[0]}/{lesson[1]}{fragment}"
    module_id = links.module_for_file(target)
    if module_id is not None:
        return f"{links.prefix or './'}#module-{module_id}"
    if target.name.startswith("course.") or target == course_dir:
        return links.prefix or "./"
    report.error(links.path, line, f'link "{href}" is not a lesson, module or media file of this course')
    return None
