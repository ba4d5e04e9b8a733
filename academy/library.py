"""The course library as the web app sees it: read once, kept in memory,
re-read course by course when an author's edit lands in the courses folder.

A course whose new files have an error keeps being served in its last good
version, so that one mistake in one translation never takes a course away
from the learners enrolled in it; the errors are logged once, and the
admin's "Content" page shows them. A course broken from the start is not
served until it is fixed.

``academy preview`` reads with ``newest=True``: an author wants to see the
files as they are now, mistakes included, so the newest version is served
whenever it can be built at all.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from flask import current_app

from .content import Course, Library, Problem, course_folders, read_course
from .content.loader import STALE_TRANSLATION
from .content.model import freeze
from .content.paths import PATHS_FOLDER, load_paths
from .content.problems import Report
from .content_updates import folder_commit
from .timeutil import utcnow

SERVED = "served"  # the newest files are what learners see
PREVIOUS = "previous"  # the newest files have errors: learners see the last good version
REFUSED = "refused"  # no good version yet: not served


@dataclass(frozen=True)
class CourseState:
    """One course folder: the version learners are served, and what the
    newest files say."""

    id: str
    served: Course | None  # the last version without errors
    loaded_dt: datetime | None  # when ``served`` was read
    commit: str | None  # the courses folder's git commit when ``served`` was read
    problems: tuple[Problem, ...]  # of the newest files
    checked_dt: datetime  # when the newest files were read

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.level == "warning" and p.kind != STALE_TRANSLATION)

    @property
    def stale_translations(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.kind == STALE_TRANSLATION)

    @property
    def status(self) -> str:
        if self.served is None:
            return REFUSED
        return PREVIOUS if self.errors else SERVED


class LibraryCache:
    """``installed_dir``: DATA_DIR/courses when the courses are read from the
    shipped folder; once an update creates it, it is read instead.

    For ``academy preview``: ``newest`` serves the newest files of a course
    even when they have errors (as long as a course can be built from them);
    ``only`` reads that one course folder of ``courses_dir`` and no learning
    paths; ``root`` is the folder problems' paths are shown from (default:
    the courses folder's parent)."""

    def __init__(self, courses_dir: Path, languages, reload_seconds: float, logger, installed_dir: Path | None = None,
                 *, newest: bool = False, only: str | None = None, root: Path | None = None):
        self.courses_dir = Path(courses_dir)
        self.languages = tuple(languages)
        self.reload_seconds = reload_seconds
        self.logger = logger
        self.installed_dir = installed_dir
        self.newest = newest
        self.only = only
        self.root = None if root is None else Path(root)
        self.version = ""  # changes whenever a file of a course or learning path does
        self._lock = threading.Lock()
        self._library: Library | None = None
        self._states: dict[str, CourseState] = {}
        self._stamps: dict[str, int] = {}
        self._paths_stamp: int | None = None
        self._checked = 0.0
        self._missing_logged = False

    def get(self) -> Library:
        now = time.monotonic()
        if self._library is not None and now - self._checked < self.reload_seconds:
            return self._library
        with self._lock:
            if self._library is not None and now - self._checked < self.reload_seconds:
                return self._library
            self._check()
            self._checked = time.monotonic()
            return self._library

    def states(self) -> list[CourseState]:
        """Every course folder's state, by id (as fresh as ``get``)."""
        self.get()
        return [self._states[course_id] for course_id in sorted(self._states)]

    def refresh(self) -> None:
        """Look at the folder on the next ``get``, whatever the time."""
        self._checked = float("-inf")

    # -- reading -------------------------------------------------------------

    def _check(self) -> None:
        if self.installed_dir is not None and self.courses_dir != self.installed_dir and self.installed_dir.is_dir():
            self.logger.info("courses are now read from %s (made by an update)", self.installed_dir)
            self.courses_dir, self._stamps = self.installed_dir, {}
        if not self.courses_dir.is_dir():
            # Also for the instant of an update's swap: keep serving what was read.
            if not self._missing_logged:
                self.logger.error("the courses folder %s does not exist", self.courses_dir)
                self._missing_logged = True
            if self._library is None:
                self._library = Library()
            return
        self._missing_logged = False
        states, stamps, changed = {}, {}, self._library is None
        commit: list[str | None] = []  # read once, and only if a course changed
        for folder in self._course_folders():
            stamp = _fingerprint(folder)
            old = self._states.get(folder.name)
            if old is not None and self._stamps.get(folder.name) == stamp:
                states[folder.name], stamps[folder.name] = old, stamp
                continue
            if not commit:
                commit.append(folder_commit(self.courses_dir))
            states[folder.name], stamps[folder.name] = self._read(folder, old, commit[0]), stamp
            changed = True
        for course_id in sorted(set(self._states) - set(states)):
            self.logger.warning("course %s is no longer in the courses folder; it is not served", course_id)
            changed = True
        self._states, self._stamps = states, stamps
        paths_stamp = None if self.only else _fingerprint(self.courses_dir / PATHS_FOLDER)
        if changed or paths_stamp != self._paths_stamp:
            courses = {s.id: s.served for s in states.values() if s.served is not None}
            refused = tuple(s.id for s in states.values() if s.served is None)
            # Learning paths name courses: read again with the courses served now.
            report = Report(root=self._root())
            paths = {} if self.only else load_paths(self.courses_dir / PATHS_FOLDER, courses, refused, report,
                                                    self.languages)
            self._library = Library(
                freeze(courses),
                tuple(p for s in states.values() for p in s.problems) + tuple(report.problems),
                refused,
                freeze(paths),
            )
            self._paths_stamp = paths_stamp
        self.version = f"{hash((tuple(sorted(stamps.items())), paths_stamp)) & 0xFFFFFFFFFFFF:012x}"

    def _course_folders(self) -> list[Path]:
        if self.only is None:
            return course_folders(self.courses_dir)
        folder = self.courses_dir / self.only
        return [folder] if folder.is_dir() or folder.is_symlink() else []

    def _root(self) -> Path:
        return self.root or self.courses_dir.parent

    def _read(self, folder: Path, old: CourseState | None, commit: str | None) -> CourseState:
        result = read_course(folder, self.languages, root=self._root())
        now = utcnow()
        if result.servable or (self.newest and result.course is not None):
            state = CourseState(result.id, result.course, now, commit, result.problems, now)
        elif old is not None and not self.newest:
            state = CourseState(result.id, old.served, old.loaded_dt, old.commit, result.problems, now)
        else:
            state = CourseState(result.id, None, None, None, result.problems, now)
        self._log(old, state)
        return state

    def _log(self, old: CourseState | None, state: CourseState) -> None:
        """Errors once, when they appear or change; not at every check."""
        if old is not None and old.errors == state.errors:
            return
        for problem in state.errors:
            self.logger.error("%s", problem)
        if self.newest:  # the author's terminal: nobody else sees this version
            if state.served is None:
                self.logger.error("course %s cannot be read; its page in the preview shows why", state.id)
            elif old is not None and old.errors and not state.errors:
                self.logger.info("course %s: no errors now", state.id)
            return
        if state.status == REFUSED:
            self.logger.error("course %s has errors and is not served", state.id)
        elif state.status == PREVIOUS:
            self.logger.error("course %s: the new files have %d error(s); learners keep the version read at %s",
                              state.id, len(state.errors), state.loaded_dt.isoformat(timespec="seconds"))
        elif old is not None and old.errors:
            self.logger.info("course %s: the errors are fixed; the new version is served", state.id)


def _fingerprint(folder: Path) -> int:
    """Names, sizes and modification times of every file of a course: cheap
    to take, and changes on any edit, rename or git checkout."""
    entries = []
    for path in folder.rglob("*"):
        try:
            info = path.stat()
        except OSError:
            continue
        entries.append((str(path), info.st_size, info.st_mtime_ns))
    return hash(tuple(sorted(entries)))


def init_app(app) -> None:
    installed = (app.config["DATA_DIR"] / "courses").resolve()
    app.extensions["academy.library"] = LibraryCache(
        app.config["COURSES_DIR"],
        app.config["LANGUAGES"],
        float(app.config["CONTENT_RELOAD_SECONDS"]),
        app.logger,
        installed_dir=installed if app.config["COURSES_DIR"] == app.config["SHIPPED_COURSES_DIR"] else None,
    )


def library_cache() -> LibraryCache:
    return current_app.extensions["academy.library"]


def get_library() -> Library:
    return library_cache().get()
