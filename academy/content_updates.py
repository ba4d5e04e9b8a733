"""Updating the courses folder as a whole: a new version from a folder, a zip
or a git bundle is unpacked beside the courses folder, checked, and swapped
in with directory renames, so that learners never see half a copy; the
version it replaces is kept for a rollback. Also: what changed between two
versions, and which git commit a courses folder holds.

Plain functions, no Flask: ``academy courses update`` and the admin's
"Content" page call the same ones (docs/operations.md, "Updating courses").
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .content import Course, CourseResult, course_folders, read_course
from .content.files import is_ignored
from .domain import DomainError
from .timeutil import utcnow

MARKER = ".academy-source.json"  # what an installed courses folder came from (ignored by the loader)
LOCK = ".courses-update.lock"
STALE_LOCK_SECONDS = 3600
MAX_UNPACKED_BYTES = 2 * 1024**3  # a zip bomb stops here
MAX_FILES = 50_000
GIT_TIMEOUT_SECONDS = 300
_SHA = re.compile(r"^[0-9a-f]{40}(?:[0-9a-f]{24})?$")
_BUNDLE_HEADERS = (b"# v2 git bundle", b"# v3 git bundle")


class UpdateError(DomainError):
    """The update or rollback cannot be done; ``code`` says why and nothing
    was changed."""


# -- which version a courses folder holds ------------------------------------

def read_marker(courses_dir: Path) -> dict | None:
    try:
        data = json.loads((Path(courses_dir) / MARKER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def folder_commit(courses_dir: Path) -> str | None:
    """The git commit the courses folder holds: recorded by an update, or
    read from the git checkout it is in (pure Python: HEAD, loose refs,
    packed-refs, linked worktrees)."""
    courses_dir = Path(courses_dir)
    marker = read_marker(courses_dir)
    if marker is not None:
        commit = marker.get("commit")
        return commit if isinstance(commit, str) and _SHA.match(commit) else None
    for folder in (courses_dir, *courses_dir.parents):
        dotgit = folder / ".git"
        try:
            if dotgit.is_dir():
                return _head_commit(dotgit)
            if dotgit.is_file():  # a linked worktree or submodule: "gitdir: <path>"
                text = dotgit.read_text(encoding="utf-8").strip()
                if text.startswith("gitdir:"):
                    return _head_commit((folder / text[len("gitdir:"):].strip()).resolve())
                return None
        except OSError:
            return None
    return None


def _head_commit(gitdir: Path) -> str | None:
    head = (gitdir / "HEAD").read_text(encoding="utf-8").strip()
    if not head.startswith("ref:"):
        return head if _SHA.match(head) else None  # detached
    ref = head[len("ref:"):].strip()
    common = gitdir
    if (gitdir / "commondir").is_file():
        common = (gitdir / (gitdir / "commondir").read_text(encoding="utf-8").strip()).resolve()
    for base in (gitdir, common):
        if (base / ref).is_file():
            value = (base / ref).read_text(encoding="utf-8").strip()
            return value if _SHA.match(value) else None
    packed = common / "packed-refs"
    if packed.is_file():
        for line in packed.read_text(encoding="utf-8").splitlines():
            sha, _, name = line.partition(" ")
            if name.strip() == ref and _SHA.match(sha):
                return sha
    return None  # a branch without a commit yet


# -- what changed ----------------------------------------------------------------

@dataclass(frozen=True)
class Changes:
    """What differs between two versions of the courses. Ids are what
    learners' records point at; a renamed lesson is a lesson whose id changed
    while it kept its module's number, its own number and its questions (the
    files were renamed, nothing else); a renamed module kept its number."""

    courses_added: tuple[str, ...] = ()
    courses_removed: tuple[str, ...] = ()
    courses_changed: tuple[str, ...] = ()
    modules_added: tuple[tuple[str, str], ...] = ()  # (course, module)
    modules_removed: tuple[tuple[str, str], ...] = ()
    modules_renamed: tuple[tuple[str, str, str], ...] = ()  # (course, old, new)
    lessons_added: tuple[tuple[str, str], ...] = ()  # (course, "module/lesson")
    lessons_removed: tuple[tuple[str, str], ...] = ()
    lessons_renamed: tuple[tuple[str, str, str], ...] = ()  # (course, old key, new key)
    questions_added: tuple[tuple[str, str, str], ...] = ()  # (course, lesson key, question)
    questions_removed: tuple[tuple[str, str, str], ...] = ()

    @property
    def none(self) -> bool:
        return not any(getattr(self, name) for name in self.__dataclass_fields__)

    def retired_lessons(self) -> dict[str, set[str]]:
        """Per course, the lesson keys learners' records may point at that the
        new version no longer has (removed or renamed)."""
        retired: dict[str, set[str]] = {}
        for course_id, key in self.lessons_removed:
            retired.setdefault(course_id, set()).add(key)
        for course_id, old, _new in self.lessons_renamed:
            retired.setdefault(course_id, set()).add(old)
        return retired

    def lines(self) -> list[str]:
        """One English line per change, for the command line."""
        lines = [f"course added: {c}" for c in self.courses_added]
        lines += [f"course removed: {c}" for c in self.courses_removed]
        lines += [f"course changed: {c}" for c in self.courses_changed]
        lines += [f"module added: {c} {m}" for c, m in self.modules_added]
        lines += [f"module removed: {c} {m}" for c, m in self.modules_removed]
        lines += [f"module renamed: {c} {old} -> {new}" for c, old, new in self.modules_renamed]
        lines += [f"lesson added: {c} {k}" for c, k in self.lessons_added]
        lines += [f"lesson removed: {c} {k}" for c, k in self.lessons_removed]
        lines += [f"lesson renamed: {c} {old} -> {new}" for c, old, new in self.lessons_renamed]
        lines += [f"question added: {c} {k} {q}" for c, k, q in self.questions_added]
        lines += [f"question removed: {c} {k} {q}" for c, k, q in self.questions_removed]
        return lines


def compare(old: dict[str, Course], new: dict[str, Course]) -> Changes:
    found: dict[str, list] = {name: [] for name in Changes.__dataclass_fields__}
    for course_id in sorted(set(new) - set(old)):
        found["courses_added"].append(course_id)
    for course_id in sorted(set(old) - set(new)):
        found["courses_removed"].append(course_id)
    for course_id in sorted(set(old) & set(new)):
        before, after = old[course_id], new[course_id]
        if before.version != after.version:
            found["courses_changed"].append(course_id)
        _compare_course(course_id, before, after, found)
    return Changes(**{name: tuple(items) for name, items in found.items()})


def _compare_course(course_id: str, before: Course, after: Course, found: dict[str, list]) -> None:
    old_modules = {m.id: m for m in before.modules}
    new_modules = {m.id: m for m in after.modules}
    gone_modules = [old_modules[m] for m in old_modules if m not in new_modules]
    fresh_modules = [new_modules[m] for m in new_modules if m not in old_modules]
    for module in gone_modules:
        twin = next((m for m in fresh_modules if m.position == module.position), None)
        if twin is not None:
            fresh_modules.remove(twin)
            found["modules_renamed"].append((course_id, module.id, twin.id))
        else:
            found["modules_removed"].append((course_id, module.id))
    found["modules_added"] += [(course_id, m.id) for m in fresh_modules]

    def place(course: Course, lesson) -> tuple:
        return course.module(lesson.module_id).position, lesson.position, lesson.question_ids

    old_lessons = {lesson.key: lesson for lesson in before.lessons}
    new_lessons = {lesson.key: lesson for lesson in after.lessons}
    fresh = [new_lessons[k] for k in new_lessons if k not in old_lessons]
    pairs = [(old_lessons[k], new_lessons[k]) for k in old_lessons if k in new_lessons]
    for key, lesson in old_lessons.items():
        if key in new_lessons:
            continue
        twin = next((f for f in fresh if place(after, f) == place(before, lesson)), None)
        if twin is None:
            found["lessons_removed"].append((course_id, key))
        else:
            fresh.remove(twin)
            found["lessons_renamed"].append((course_id, key, twin.key))
            pairs.append((lesson, twin))
    found["lessons_added"] += [(course_id, lesson.key) for lesson in fresh]
    for was, now in pairs:
        found["questions_added"] += [(course_id, now.key, q) for q in now.question_ids if q not in was.question_ids]
        found["questions_removed"] += [(course_id, now.key, q) for q in was.question_ids if q not in now.question_ids]


def courses_in(courses_dir: Path | None, languages) -> dict[str, Course]:
    """Every course of a folder as far as it can be read, errors or not:
    what its learners' records point at."""
    if courses_dir is None or not Path(courses_dir).is_dir():
        return {}
    results = (read_course(folder, languages) for folder in course_folders(courses_dir))
    return {result.id: result.course for result in results if result.course is not None}


# -- where an update goes --------------------------------------------------------

def previous_dir(target: Path) -> Path:
    return target.with_name(target.name + ".previous")


def update_target(courses_dir: Path, data_dir: Path, shipped_dir: Path) -> Path:
    """The folder an update replaces. The shipped courses (inside the
    installed package) are never written to: the first update goes to
    DATA_DIR/courses, which Academy then reads instead. A git checkout is
    left to git: replacing it would throw its history away."""
    courses_dir, installed = Path(courses_dir).resolve(), (Path(data_dir) / "courses").resolve()
    if courses_dir == Path(shipped_dir).resolve():
        return installed
    if courses_dir != installed and any((folder / ".git").exists() for folder in (courses_dir, courses_dir.parent)):
        raise UpdateError("git-checkout", folder=str(courses_dir))
    return courses_dir


def courses_dir_for(configured: Path, data_dir: Path, shipped_dir: Path) -> Path:
    """The folder to read courses from: the configured one, except that the
    shipped courses give way to DATA_DIR/courses once an update made it."""
    installed = Path(data_dir) / "courses"
    if Path(configured).resolve() == Path(shipped_dir).resolve() and installed.is_dir():
        return installed.resolve()
    return Path(configured).resolve()


# -- reading a source ------------------------------------------------------------

@dataclass(frozen=True)
class Source:
    name: str  # as the admin gave it: a path or an uploaded file's name
    kind: str  # "folder", "zip", "git"
    commit: str | None = None
    notes: tuple[str, ...] = ()


def source_kind(path: Path) -> str:
    if path.is_dir():
        return "git" if _is_repository(path) else "folder"
    if path.is_file():
        with path.open("rb") as handle:
            head = handle.read(16)
        if head.startswith(_BUNDLE_HEADERS):
            return "bundle"
        if zipfile.is_zipfile(path):
            return "zip"
        raise UpdateError("unknown-source", name=path.name)
    raise UpdateError("no-source", name=str(path))


def _is_repository(path: Path) -> bool:
    return (path / ".git").exists() or ((path / "HEAD").is_file() and (path / "objects").is_dir())


def _unpack(source: Path, into: Path, name: str, ref: str | None) -> tuple[Path, Source, bool]:
    """The source's files in ``into``; returns the folder they are in, what
    the source was, and whether that folder's name is the author's (a
    folder or a repository) rather than an archive's."""
    kind = source_kind(source)
    if kind == "zip":
        target = into / "archive"
        _extract_zip(source, target)
        return target, Source(name, "zip"), False
    if kind == "bundle":
        target = into / "archive"
        commit = _git_checkout(source, target, ref)
        return target, Source(name, "git", commit), False
    target = into / source.resolve().name
    if kind == "git":
        if shutil.which("git") is not None:
            commit = _git_checkout(source, target, ref)
            return target, Source(name, "git", commit), True
        if not (source / ".git").exists():  # a bare repository has no files to copy
            raise UpdateError("git-missing")
        _copy_folder(source, target)
        note = "git is not installed: the files were copied as they are in the folder, uncommitted edits included"
        return target, Source(name, "folder", folder_commit(source), (note,)), True
    _copy_folder(source, target)
    return target, Source(name, "folder"), True


def _copy_folder(source: Path, target: Path) -> None:
    for folder, dirs, files in os.walk(source):
        if Path(folder) == source and ".git" in dirs:
            dirs.remove(".git")
        for entry in dirs + files:
            if (Path(folder) / entry).is_symlink():
                raise UpdateError("symlink", name=(Path(folder) / entry).relative_to(source).as_posix())
    shutil.copytree(source, target, ignore=lambda folder, names: [".git"] if Path(folder) == source else [])


def _member_path(name: str) -> tuple[str, ...] | None:
    """The parts of a zip entry's path, or None if it would land outside
    the folder it is unpacked into (zip-slip)."""
    name = name.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return None
    parts = tuple(part for part in name.split("/") if part not in ("", "."))
    if any(part == ".." for part in parts):
        return None
    return parts


def _extract_zip(archive: Path, target: Path) -> None:
    try:
        with zipfile.ZipFile(archive) as zf:
            members = zf.infolist()
            if len(members) > MAX_FILES:
                raise UpdateError("too-many-files", limit=MAX_FILES)
            written = 0
            for info in members:
                parts = _member_path(info.filename)
                if parts is None:
                    raise UpdateError("unsafe-path", name=info.filename)
                if stat.S_ISLNK(info.external_attr >> 16):
                    raise UpdateError("symlink", name=info.filename)
                if not parts or parts[0] == "__MACOSX":
                    continue
                path = target.joinpath(*parts)
                if info.is_dir():
                    path.mkdir(parents=True, exist_ok=True)
                    continue
                path.parent.mkdir(parents=True, exist_ok=True)
                with zf.open(info) as src, path.open("xb") as dst:
                    while chunk := src.read(1024 * 1024):
                        written += len(chunk)
                        if written > MAX_UNPACKED_BYTES:
                            raise UpdateError("too-large", limit_mb=MAX_UNPACKED_BYTES // 1024**2)
                        dst.write(chunk)
    except FileExistsError as exc:  # the same name twice: which one would the author mean?
        raise UpdateError("bad-zip", reason=f"it holds {Path(exc.filename).name} twice") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise UpdateError("bad-zip", reason=str(exc)) from None
    target.mkdir(parents=True, exist_ok=True)


def _git(*args: str, cwd: Path | None = None) -> str:
    git = shutil.which("git")
    if git is None:
        raise UpdateError("git-missing")
    env = {**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_ASKPASS": "", "LC_ALL": "C"}
    try:
        done = subprocess.run([git, "-c", "safe.directory=*", "-c", "advice.detachedHead=false", *args], cwd=cwd,
                              check=False, env=env, capture_output=True, text=True, timeout=GIT_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise UpdateError("git-failed", reason=f"git took longer than {GIT_TIMEOUT_SECONDS} s") from None
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise UpdateError("git-failed", reason=lines[-1] if lines else f"git exited with {done.returncode}")
    return done.stdout.strip()


def _git_checkout(source: Path, target: Path, ref: str | None) -> str:
    """Clone a repository or bundle (no network: a local path), check out
    ``ref`` (default: its HEAD, or its only branch), and keep the files
    without the .git folder. Returns the commit."""
    _git("clone", "--quiet", "--no-checkout", "--no-hardlinks", "--", str(source.resolve()), str(target))
    candidates = [ref, f"origin/{ref}"] if ref else ["HEAD"]
    commit = next((c for c in (_rev_parse(target, name) for name in candidates) if c), None)
    if commit is None and not ref:
        branches = [b for b in _git("for-each-ref", "--format=%(refname:short)", "refs/remotes/origin", cwd=target).split()
                    if b != "origin/HEAD"]
        if len(branches) != 1:
            raise UpdateError("git-no-head", branches=", ".join(b.removeprefix("origin/") for b in branches))
        commit = _rev_parse(target, branches[0])
    if commit is None:
        raise UpdateError("git-no-ref", ref=ref or "HEAD")
    _git("checkout", "--quiet", "--force", "--detach", commit, cwd=target)
    _remove_tree(target / ".git")
    for folder, dirs, files in os.walk(target):
        for entry in dirs + files:
            if (Path(folder) / entry).is_symlink():
                raise UpdateError("symlink", name=(Path(folder) / entry).relative_to(target).as_posix())
    return commit


def _rev_parse(repo: Path, name: str) -> str | None:
    try:
        value = _git("rev-parse", "--verify", "--quiet", f"{name}^{{commit}}", cwd=repo)
    except UpdateError as exc:
        if exc.code == "git-failed":
            return None
        raise
    return value if _SHA.match(value) else None


def _find_courses(tree: Path, named: bool) -> tuple[Path, bool]:
    """The folder of ``tree`` that holds the course folders, unwrapping the
    one folder a zip tool or a repository adds around them. Returns it and
    whether it is a single course (its own course.yml)."""
    folder = tree
    for _ in range(4):
        if (folder / "course.yml").is_file():
            if folder == tree and not named:
                raise UpdateError("course-without-folder")
            return folder, True
        for candidate in (folder, folder / "courses"):
            if candidate.is_dir() and any((c / "course.yml").is_file() for c in course_folders(candidate)):
                return candidate, False
        entries = [e for e in folder.iterdir() if not is_ignored(e)] if folder.is_dir() else []
        if len(entries) != 1 or not entries[0].is_dir():
            break
        folder = entries[0]
    raise UpdateError("no-courses")


# -- staging, installing, rolling back ---------------------------------------------

@dataclass
class Update:
    """A new version of the courses, unpacked and checked beside the folder
    it would replace; nothing learners see has changed yet."""

    target: Path  # the folder the new version replaces
    current: Path | None  # where the courses are read from now
    work: Path  # scratch folder beside ``target`` (same file system: renames are atomic)
    tree: Path  # the new courses folder, complete
    source: Source
    results: list[CourseResult] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)

    @property
    def problems(self):
        return [problem for result in self.results for problem in result.problems]

    @property
    def error_count(self) -> int:
        return sum(p.level == "error" for p in self.problems)

    @property
    def warning_count(self) -> int:
        return sum(p.level == "warning" for p in self.problems)

    def refused(self, strict: bool) -> bool:
        return bool(self.error_count or (strict and self.warning_count))


@contextmanager
def staged_update(source: Path, *, target: Path, current: Path | None, languages, merge: bool = False,
                  ref: str | None = None, name: str | None = None):
    """Unpack and check ``source`` beside ``target``; yields the Update. The
    scratch folder is removed when the block ends, installed or not.

    ``merge`` keeps the courses the source does not hold (a zip of one
    course); a source that is itself one course's folder always merges."""
    target = Path(target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        work = Path(tempfile.mkdtemp(prefix=".courses-update-", dir=target.parent))
    except OSError as exc:
        raise UpdateError("not-writable", folder=str(target.parent), reason=exc.strerror or str(exc)) from None
    try:
        unpacked, info, named = _unpack(Path(source), work / "source", name or str(source), ref)
        root, single = _find_courses(unpacked, named)
        tree = work / "new"
        if merge or single:
            if current is not None and current.is_dir():
                shutil.copytree(current, tree, symlinks=True,
                                ignore=lambda folder, names: [n for n in names if n in (".git", MARKER)] if Path(folder) == current else [])
            else:
                tree.mkdir()
            for course_dir in [root] if single else course_folders(root):
                if (tree / course_dir.name).exists():
                    _remove_tree(tree / course_dir.name)
                os.rename(course_dir, tree / course_dir.name)
        else:
            os.rename(root, tree)
        (tree / MARKER).unlink(missing_ok=True)
        _remove_tree(tree / ".git")
        update = Update(target, current, work, tree, info)
        update.results = [read_course(folder, languages, root=tree) for folder in course_folders(tree)]
        new = {r.id: r.course for r in update.results if r.course is not None}
        update.changes = compare(courses_in(current, languages), new)
        yield update
    finally:
        _remove_tree(work)


def install(update: Update) -> Path:
    """Swap the new version in: the folder it replaces becomes
    ``<target>.previous`` (the one before that is deleted). Returns that
    folder. Two renames; a reader sees the old version or the new one."""
    target, previous = update.target, previous_dir(update.target)
    _write_marker(update.tree, update.source)
    with _locked(target.parent):
        if previous.exists():
            os.rename(previous, update.work / "old-previous")
        if target.exists():
            os.rename(target, previous)
        elif update.current is not None and update.current.is_dir():
            # The first update over the shipped courses: keep them for a rollback.
            shutil.copytree(update.current, previous, symlinks=True,
                            ignore=lambda folder, names: [".git"] if Path(folder) == update.current else [])
        try:
            os.rename(update.tree, target)
        except OSError as exc:
            if previous.exists() and not target.exists() and update.current == target:
                os.rename(previous, target)
            raise UpdateError("not-writable", folder=str(target.parent), reason=exc.strerror or str(exc)) from None
    return previous


def rollback(target: Path, languages) -> Changes:
    """Swap the previous version back in (the current one becomes the
    previous: a second rollback undoes the first). Returns what changes."""
    target, previous = Path(target), previous_dir(Path(target))
    if not previous.is_dir():
        raise UpdateError("no-previous", folder=str(previous))
    changes = compare(courses_in(target, languages), courses_in(previous, languages))
    with _locked(target.parent):
        work = Path(tempfile.mkdtemp(prefix=".courses-rollback-", dir=target.parent))
        try:
            if target.exists():
                os.rename(target, work / "current")
            os.rename(previous, target)
            if (work / "current").exists():
                os.rename(work / "current", previous)
        finally:
            _remove_tree(work)
    return changes


def _write_marker(tree: Path, source: Source) -> None:
    data = {"source": source.name, "kind": source.kind, "commit": source.commit,
            "installed": utcnow().isoformat(timespec="seconds") + "Z"}
    (tree / MARKER).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


@contextmanager
def _locked(folder: Path):
    """One update or rollback at a time (the command line and the admin page
    may try at once). A lock left by a crash is taken over after an hour."""
    lock = folder / LOCK
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
            break
        except FileExistsError:
            try:
                age = time.time() - lock.stat().st_mtime
            except OSError:
                continue
            if age < STALE_LOCK_SECONDS:
                raise UpdateError("busy", lock=str(lock)) from None
            lock.unlink(missing_ok=True)
    else:
        raise UpdateError("busy", lock=str(lock))
    try:
        os.write(fd, str(os.getpid()).encode())
        os.close(fd)
        yield
    finally:
        lock.unlink(missing_ok=True)


def _remove_tree(path: Path) -> None:
    def make_writable(function, name, _exc):  # git's read-only pack files on Windows
        os.chmod(name, stat.S_IWRITE)
        function(name)

    if not path.exists():
        return
    if sys.version_info >= (3, 12):
        shutil.rmtree(path, onexc=make_writable)
    else:
        shutil.rmtree(path, onerror=make_writable)
