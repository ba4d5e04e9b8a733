"""Reads a courses folder into a Library, reporting every problem at once.

A course with any error is refused (and its problems kept) while every other
course is served.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..svg import svg_problem
from .assignments import AssignmentReader
from .files import (
    ID_RE,
    LANG_FILE_RE,
    NUMBERED_RE,
    REPOSITORY_FILES,
    Document,
    check_keys,
    entry_problem,
    int_field,
    is_ignored,
    read_regular_file,
    read_text,
    short_hash,
    split_front_matter,
    text_field,
    walk_files,
)
from .markdown import HtmlPart, LinkContext, QuizBlock, render_body
from .model import AssignmentPart, Course, CourseText, Lesson, LessonText, Library, Module, ModuleText, QuestionPart, freeze
from .paths import PATHS_FOLDER, load_paths
from .problems import ERROR, Problem, Report
from .questions import QUESTION_TYPES, BlockContext, parse_question
from .yamltext import YamlProblem, YMap, parse_yaml

DEFAULT_LANGUAGES = ("en", "vi", "zh", "ar")
COURSE_KEYS = {"format", "source_language", "languages", "estimated_minutes", "pass_percent", "certificate", "tags"}
LESSON_KEYS = {"title", "minutes", "pass_percent", "max_attempts", "source_hash"}
MODULE_KEYS = {"title", "source_hash"}
COURSE_TEXT_KEYS = {"title", "summary", "source_hash"}
STALE_TRANSLATION = "stale-translation"


@dataclass
class CourseSettings:
    source_language: str = "en"
    languages: tuple[str, ...] = ("en",)
    estimated_minutes: int | None = None
    pass_percent: int = 80
    certificate: bool = False
    tags: tuple[str, ...] = ()


@dataclass
class LessonFiles:
    id: str
    number: int
    files: dict[str, Path] = field(default_factory=dict)  # language -> path


@dataclass
class ModuleFiles:
    id: str
    number: int
    path: Path
    texts: dict[str, Path] = field(default_factory=dict)
    lessons: dict[str, LessonFiles] = field(default_factory=dict)


def load_library(courses_dir: Path, languages=DEFAULT_LANGUAGES, root: Path | None = None) -> Library:
    """Every course folder under ``courses_dir``; ``languages`` are those the
    interface is translated into (a content file in another language is an
    error)."""
    courses_dir = Path(courses_dir)
    if not courses_dir.is_dir():
        report = Report(root=root)
        report.error(courses_dir, None, "the courses folder does not exist")
        return Library(problems=tuple(report.problems))
    courses, problems, refused = {}, [], []
    for course_dir in course_folders(courses_dir):
        result = read_course(course_dir, languages, root)
        problems.extend(result.problems)
        if result.servable:
            courses[result.id] = result.course
        else:
            refused.append(result.id)
    report = Report(root=root)
    paths = load_paths(courses_dir / PATHS_FOLDER, courses, refused, report, languages)
    return Library(freeze(courses), tuple(problems) + tuple(report.problems), tuple(refused), freeze(paths))


@dataclass(frozen=True)
class CourseResult:
    """One course folder as read: the course as far as it could be built
    (None if not at all) and every problem found in its files."""

    id: str
    path: Path
    course: Course | None
    problems: tuple[Problem, ...]

    @property
    def has_errors(self) -> bool:
        return any(p.level == ERROR for p in self.problems)

    @property
    def servable(self) -> bool:
        return self.course is not None and not self.has_errors


def course_folders(courses_dir: Path) -> list[Path]:
    """The folders of a courses folder that are courses (drafts left out),
    and any link there, so that reading it reports the link."""
    return [entry for entry in sorted(Path(courses_dir).iterdir())
            if (entry.is_symlink() or entry.is_dir()) and not is_ignored(entry) and entry.name != PATHS_FOLDER]


def find_courses(folder: Path) -> tuple[Path | None, bool]:
    """Where the courses of a repository an author works in are: the folder
    itself if it is a course (True), or holds course folders, or its
    ``courses/`` does (False); (None, False) if none of these."""
    folder = Path(folder)
    if (folder / "course.yml").is_file():
        return folder, True
    for candidate in (folder, folder / "courses"):
        if candidate.is_dir() and any((c / "course.yml").is_file() for c in course_folders(candidate)):
            return candidate, False
    return None, False


def read_course(course_dir: Path, languages=DEFAULT_LANGUAGES, root: Path | None = None) -> CourseResult:
    report = Report(root=root)
    problem = entry_problem(Path(course_dir))
    if problem is not None:  # a link is never followed, even to a whole course
        report.error(course_dir, None, problem)
        return CourseResult(Path(course_dir).name, Path(course_dir), None, tuple(report.problems))
    course = load_course(course_dir, report, languages)
    return CourseResult(Path(course_dir).name, Path(course_dir), course, tuple(report.problems))


def load_course(course_dir: Path, report: Report, languages=DEFAULT_LANGUAGES) -> Course | None:
    course_dir = Path(course_dir)
    if not ID_RE.match(course_dir.name):
        report.error(course_dir, None, f'course folder name "{course_dir.name}" must be an id such as "climate-action" (a-z, 0-9 and hyphens)')
        return None
    settings = _read_settings(course_dir, report, languages)
    if settings is None:
        return None
    layout = _scan_layout(course_dir, settings, report, languages)
    if layout is None:
        return None
    course_texts, modules_files, media = layout
    builder = _CourseBuilder(course_dir, settings, report, modules_files)
    texts = builder.course_texts(course_texts)
    modules = tuple(builder.module(m) for m in sorted(modules_files.values(), key=lambda m: m.number))
    if not texts or settings.source_language not in texts:
        return None
    return Course(
        id=course_dir.name,
        path=course_dir,
        source_language=settings.source_language,
        languages=settings.languages,
        estimated_minutes=settings.estimated_minutes,
        pass_percent=settings.pass_percent,
        certificate=settings.certificate,
        tags=settings.tags,
        version=_course_version(course_dir),
        texts=freeze(texts),
        modules=modules,
        media=frozenset(media),
    )


def _read_settings(course_dir: Path, report: Report, known_languages) -> CourseSettings | None:
    path = course_dir / "course.yml"
    if not path.is_file() and not path.is_symlink():
        report.error(path, None, "course.yml is missing; every course folder needs one (see the authoring guide)")
        return None
    problem = entry_problem(path)
    if problem is not None:
        report.error(path, None, problem)
        return None
    text = read_text(path, report)
    if text is None:
        return None
    try:
        data = parse_yaml(text)
    except YamlProblem as exc:
        report.error(path, exc.line, exc.message)
        return None
    if not isinstance(data, YMap):
        report.error(path, 1, "course.yml must be YAML keys such as \"format: 1\"")
        return None
    check_keys(data, COURSE_KEYS, path, report, "course.yml")
    mark = len(report.problems)
    line = data.key_lines.get
    settings = CourseSettings()
    if "format" not in data:
        report.error(path, 1, '"format" is missing; add "format: 1" (the course format version this platform reads)')
    elif data.get("format") != "1":
        report.error(path, line("format", 1), f'"format" must be 1 (the course format version this platform reads), not {data.get("format")!r}')
    langs = data.get("languages")
    if isinstance(langs, str):
        langs = [langs]
    if not isinstance(langs, list) or not langs or not all(isinstance(x, str) for x in langs):
        report.error(path, line("languages", 1), '"languages" must list the languages offered, such as [en, vi, zh, ar]')
        langs = []
    for lang in langs:
        if lang not in known_languages:
            report.error(path, line("languages", 1), f'language "{lang}" has no interface translation; available: {", ".join(known_languages)}')
    if len(set(langs)) != len(langs):
        report.error(path, line("languages", 1), '"languages" lists a language twice')
    settings.languages = tuple(dict.fromkeys(langs))
    source = data.get("source_language")
    if source is None:
        report.error(path, 1, '"source_language" is missing; it must be one of the languages listed in "languages"')
    elif not isinstance(source, str) or source not in settings.languages:
        report.error(path, line("source_language", 1), f'"source_language" must be one of the languages listed in "languages", not {source!r}')
    else:
        settings.source_language = source
    # Without a known format and languages the files cannot be read; a bad
    # value of another setting still lets the check go on and report the rest.
    readable = not report.errors_since(mark)
    for key, low, high in (("estimated_minutes", 1, 100_000), ("pass_percent", 0, 100)):
        value = int_field(data, key, path, report, low, high)
        if value is not None:
            setattr(settings, key, value)
    certificate = data.get("certificate")
    if certificate is not None:
        if str(certificate).lower() not in ("true", "false"):
            report.error(path, line("certificate", 1), f'"certificate" must be true or false, not {certificate!r}')
        settings.certificate = str(certificate).lower() == "true"
    tags = data.get("tags", [])
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        report.error(path, line("tags", 1), '"tags" must be a list of words')
        tags = []
    settings.tags = tuple(tags)
    return settings if readable else None


def _lang_of(path: Path, report: Report, settings: CourseSettings, known_languages) -> tuple[str, str] | None:
    match = LANG_FILE_RE.match(path.name)
    if not match:
        report.error(path, None, f'"{path.name}" has no language suffix; name it like "{path.stem}.{settings.source_language}.md" (or start it with "_" to keep it as a draft)')
        return None
    lang = match["lang"]
    if lang not in known_languages:
        report.error(path, None, f'language "{lang}" has no interface translation; available: {", ".join(known_languages)}')
        return None
    if lang not in settings.languages:
        report.warning(path, None, f'language "{lang}" is not offered in course.yml "languages"; learners will not see this file')
    return match["stem"], lang


def _scan_layout(course_dir: Path, settings: CourseSettings, report: Report, known_languages):
    course_texts: dict[str, Path] = {}
    modules: dict[str, ModuleFiles] = {}
    media: list[str] = []
    for entry in sorted(course_dir.iterdir()):
        if is_ignored(entry) or entry.name == "course.yml" or entry.name in REPOSITORY_FILES:
            continue
        problem = entry_problem(entry)
        if problem is not None:
            report.error(entry, None, problem)
            continue
        if entry.is_dir() and entry.name == "media":
            media.extend(_scan_media(entry, report))
            continue
        if entry.is_dir():
            match = NUMBERED_RE.match(entry.name)
            if not match:
                report.error(entry, None, f'folder "{entry.name}" must be named like "01-module-id" (number, hyphen, id)')
                continue
            module_id = match["id"]
            if module_id in modules:
                report.error(entry, None, f'module id "{module_id}" is used twice (also {modules[module_id].path.name})')
                continue
            module = ModuleFiles(module_id, int(match["number"]), entry)
            _scan_module(module, settings, report, known_languages)
            modules[module_id] = module
            continue
        named = _lang_of(entry, report, settings, known_languages) if entry.suffix == ".md" else None
        if entry.suffix != ".md":
            report.error(entry, None, "unexpected file; media files belong in media/")
        elif named and named[0] == "course":
            course_texts[named[1]] = entry
        elif named:
            report.error(entry, None, f'unexpected file "{entry.name}"; the course description is course.<language>.md, modules are folders')
    if settings.source_language not in course_texts:
        report.error(course_dir / f"course.{settings.source_language}.md", None, "the course description in the source language is missing")
        return None
    for lang in settings.languages:
        if lang not in course_texts:
            report.warning(course_dir / f"course.{lang}.md", None, f"the course description is not translated into {lang}; learners see the {settings.source_language} text")
    if not modules:
        report.error(course_dir, None, 'the course has no modules; add a folder such as "01-first-module"')
    return course_texts, modules, media


def _scan_media(media_dir: Path, report: Report) -> list[str]:
    names = []
    for path in walk_files(media_dir, report):
        if path.suffix.lower() == ".svg":
            try:
                problem = svg_problem(read_regular_file(path))
            except OSError as exc:
                problem = f"cannot read the file: {exc.strerror}"
            if problem is not None:
                report.error(path, None, problem)
                continue
        names.append(path.relative_to(media_dir).as_posix())
    return names


def _scan_module(module: ModuleFiles, settings: CourseSettings, report: Report, known_languages) -> None:
    for entry in sorted(module.path.iterdir()):
        if is_ignored(entry) or entry.name in REPOSITORY_FILES:
            continue
        problem = entry_problem(entry)
        if problem is not None:
            report.error(entry, None, problem)
            continue
        if entry.is_dir() or entry.suffix != ".md":
            report.error(entry, None, "unexpected entry in a module folder; modules hold module.<language>.md and lesson files")
            continue
        named = _lang_of(entry, report, settings, known_languages)
        if named is None:
            continue
        stem, lang = named
        if stem == "module":
            module.texts[lang] = entry
            continue
        match = NUMBERED_RE.match(stem)
        if not match:
            report.error(entry, None, f'lesson file "{entry.name}" must be named like "01-lesson-id.{lang}.md"')
            continue
        lesson = module.lessons.setdefault(match["id"], LessonFiles(match["id"], int(match["number"])))
        if lang in lesson.files:  # another file of this language already has the id
            report.error(entry, None, f'lesson id "{lesson.id}" is used twice (also {lesson.files[lang].name})')
            continue
        if int(match["number"]) != lesson.number:
            report.error(entry, None, f'lesson "{lesson.id}" is numbered {match["number"]} here but {lesson.number:02d} in another language; use one number in every language')
            continue
        lesson.files[lang] = entry


class _CourseBuilder:
    def __init__(self, course_dir: Path, settings: CourseSettings, report: Report, modules: dict[str, ModuleFiles]):
        self.dir = course_dir
        self.settings = settings
        self.report = report
        self.source = settings.source_language
        self._lesson_by_path = {
            path.resolve(): (module.id, lesson.id)
            for module in modules.values()
            for lesson in module.lessons.values()
            for path in lesson.files.values()
        }
        self._module_by_path = {
            path.resolve(): module.id for module in modules.values() for path in module.texts.values()
        }
        self._written: dict[Path, tuple[list[str], bool]] = {}  # source lesson file -> its question ids
        self._assignments_written: dict[Path, tuple[list[str], bool]] = {}  # the same for assignments

    def _links(self, path: Path, prefix: str) -> LinkContext:
        return LinkContext(path, self.dir, prefix, self._lesson_by_path.get, self._module_by_path.get)

    def _document(self, path: Path) -> Document | None:
        text = read_text(path, self.report)
        return None if text is None else split_front_matter(text, path, self.report)

    def _hash(self, path: Path) -> str:
        """The file's content hash; a file that changed into something else
        (a link, a folder) since the folder was scanned is an error."""
        try:
            return short_hash(read_regular_file(path))
        except OSError as exc:
            self.report.error(path, None, entry_problem(path) or f"cannot read the file: {exc.strerror}")
            return ""

    def _check_stale(self, path: Path, meta: YMap, source_path: Path, lang: str) -> None:
        stated = meta.get("source_hash")
        if lang == self.source or not stated:
            return
        current = self._hash(source_path)
        if current and str(stated) != current:
            self.report.warning(
                path, meta.key_lines.get("source_hash"),
                f"translation may be stale: source_hash is {stated} but {source_path.name} is now {current}; "
                f"update the translation, then run: academy stamp {self.report._show(path)}",
                kind=STALE_TRANSLATION,
            )

    def _html_only(self, path: Path, doc: Document, prefix: str) -> str:
        body = render_body(doc.body, doc.body_first_line, self._links(path, prefix), self.report)
        for block in body.quiz_blocks:
            self.report.error(path, block.fence_line, "questions belong in lesson files, not here")
        for block in body.assignment_blocks:
            self.report.error(path, block.fence_line, "assignments belong in lesson files, not here")
        return "".join(p.html for p in body.parts if isinstance(p, HtmlPart))

    def course_texts(self, paths: dict[str, Path]) -> dict[str, CourseText]:
        texts = {}
        for lang, path in paths.items():
            doc = self._document(path)
            if doc is None:
                continue
            check_keys(doc.meta, COURSE_TEXT_KEYS, path, self.report, "course front matter")
            title = text_field(doc.meta, "title", path, self.report, True)
            summary = text_field(doc.meta, "summary", path, self.report, True)
            self._check_stale(path, doc.meta, paths.get(self.source, path), lang)
            texts[lang] = CourseText(lang, title, summary, self._html_only(path, doc, ""))
        return texts

    def module(self, files: ModuleFiles) -> Module:
        texts = {}
        if self.source not in files.texts:
            self.report.error(files.path / f"module.{self.source}.md", None, "the module's source-language file is missing (it gives the module's title)")
        for lang, path in files.texts.items():
            doc = self._document(path)
            if doc is None:
                continue
            check_keys(doc.meta, MODULE_KEYS, path, self.report, "module front matter")
            title = text_field(doc.meta, "title", path, self.report, True)
            if self.source in files.texts:
                self._check_stale(path, doc.meta, files.texts[self.source], lang)
            texts[lang] = ModuleText(lang, title, self._html_only(path, doc, ""))
        for lang in self.settings.languages:
            if lang not in files.texts and self.source in files.texts:
                self.report.warning(files.path / f"module.{lang}.md", None, f"module is not translated into {lang}; learners see the {self.source} title")
        lessons = tuple(
            lesson
            for lesson_files in sorted(files.lessons.values(), key=lambda item: item.number)
            if (lesson := self.lesson(files, lesson_files)) is not None
        )
        if not files.lessons:
            self.report.error(files.path, None, 'the module has no lessons; add a file such as "01-first-lesson.en.md"')
        return Module(files.id, files.number, self.source, freeze(texts), lessons)

    def lesson(self, module: ModuleFiles, files: LessonFiles) -> Lesson | None:
        source_path = files.files.get(self.source)
        if source_path is None:
            some = next(iter(files.files.values()))
            self.report.error(some, None, f'lesson "{files.id}" has no source-language ({self.source}) file; the source defines the lesson')
            return None
        source_doc = self._document(source_path)
        if source_doc is None:
            return None
        meta = source_doc.meta
        check_keys(meta, LESSON_KEYS, source_path, self.report, "lesson front matter")
        source_text = self._lesson_text(source_path, source_doc, self.source, None)
        if source_text is None:
            return None
        texts = {self.source: source_text}
        for lang, path in files.files.items():
            if lang == self.source:
                continue
            doc = self._document(path)
            if doc is None:
                continue
            check_keys(doc.meta, LESSON_KEYS, path, self.report, "lesson front matter")
            self._check_stale(path, doc.meta, source_path, lang)
            text = self._lesson_text(path, doc, lang, source_text)
            if text is not None:
                texts[lang] = text
        for lang in self.settings.languages:
            if lang not in files.files:
                name = source_path.name.replace(f".{self.source}.md", f".{lang}.md")
                self.report.warning(module.path / name, None, f"lesson is not translated into {lang}; learners see the {self.source} version with a notice")
        pass_percent = int_field(meta, "pass_percent", source_path, self.report, 0, 100)
        return Lesson(
            id=files.id,
            module_id=module.id,
            position=files.number,
            minutes=int_field(meta, "minutes", source_path, self.report, 1, 10_000),
            pass_percent=self.settings.pass_percent if pass_percent is None else pass_percent,
            max_attempts=int_field(meta, "max_attempts", source_path, self.report, 1, 1_000),
            version=self._hash(source_path),
            source_language=self.source,
            texts=freeze(texts),
        )

    def _lesson_text(self, path: Path, doc: Document, lang: str, source: LessonText | None) -> LessonText | None:
        title = text_field(doc.meta, "title", path, self.report, True)
        body = render_body(doc.body, doc.body_first_line, self._links(path, "../"), self.report)
        ctx = BlockContext(self.report, path, is_source=source is None)
        questions, parts, seen, written = [], [], set(), []
        assignments, reader = [], AssignmentReader(self.report, path, source, seen, self._assignments_written)
        for part in body.parts:
            if isinstance(part, HtmlPart):
                parts.append(part)
                continue
            if part.kind == "assignment":
                if (assignment := reader.read(part)) is not None:
                    assignments.append(assignment)
                    parts.append(AssignmentPart(assignment.id))
                continue
            question = self._question(part, ctx, seen, source, written)
            if question is not None:
                questions.append(question)
                parts.append(QuestionPart(question.id))
        if source is None:
            # Complete unless a block's id could not be read (its YAML is broken) or an id
            # is used twice: then the translations' ids cannot be told right or wrong.
            ids = [question_id for question_id, _ in written]
            self._written[path] = (ids, len(written) == len(body.quiz_blocks) and len(set(ids)) == len(ids))
        else:
            self._check_question_parity(path, body.quiz_blocks, written, *self._written.get(source.path, ([], True)))
        reader.finish(body.assignment_blocks)
        return LessonText(lang, title, path, tuple(parts), tuple(questions), doc.meta.get("source_hash") or None,
                          tuple(assignments))

    def _question(self, block: QuizBlock, ctx: BlockContext, seen: set, source: LessonText | None, written: list):
        try:
            data = parse_yaml(block.text, block.first_line)
        except YamlProblem as exc:
            ctx.error(exc.line, exc.message)
            return None
        if isinstance(data, YMap) and isinstance(data.get("id"), str) and data["id"]:
            written.append((data["id"], data.line))
            original = source.question(data["id"]) if source is not None else None
            qtype = data.get("type")
            # Before parsing: the keys of another type would only be reported as unknown.
            if original is not None and qtype in QUESTION_TYPES and qtype != original.type:
                ctx.error(data.key_lines["type"], f'question "{original.id}" is of type {qtype} here but {original.type} in the source')
                return None
        question = parse_question(data, block.fence_line, ctx, seen)
        if question is None or source is None:
            return question
        original = source.question(question.id)
        if original is None:
            return question  # reported by the parity check
        return QUESTION_TYPES[question.type].merge(original, question, data, ctx)

    def _check_question_parity(self, path: Path, blocks, written: list, source_ids: list, source_complete: bool) -> None:
        source_ids = list(dict.fromkeys(source_ids))
        ids = list(dict.fromkeys(question_id for question_id, _ in written))
        listed = ", ".join(source_ids) or "no questions"
        line = blocks[0].fence_line if blocks else None
        for question_id in source_ids:
            if question_id not in ids:
                self.report.error(path, line, f'question "{question_id}" is missing; the source has {listed}')
        if not source_complete:
            return  # the source's own error is reported; its ids are not all known
        for question_id, question_line in written:
            if question_id not in source_ids:
                self.report.error(path, question_line, f'question "{question_id}" is not in the source; the source has {listed}')
        if set(ids) == set(source_ids) and ids != source_ids:
            self.report.error(path, line, f"questions are in another order than in the source; the source has {listed}")


def _course_version(course_dir: Path) -> str:
    """A hash over every file the course is made of: changes when any does."""
    digest = hashlib.sha1()
    for path in walk_files(course_dir):  # links and special files: reported by the scan, never read
        try:
            data = read_regular_file(path)
        except OSError:
            continue
        digest.update(path.relative_to(course_dir).as_posix().encode() + b"\0" + data + b"\0")
    return digest.hexdigest()[:12]
