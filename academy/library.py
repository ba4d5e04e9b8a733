"""The course library as the web app sees it: read once, kept in memory,
re-read when an author's edit lands in the courses folder."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from flask import current_app

from .content import Library, load_library


class LibraryCache:
    def __init__(self, courses_dir: Path, languages, reload_seconds: float, logger):
        self.courses_dir = courses_dir
        self.languages = tuple(languages)
        self.reload_seconds = reload_seconds
        self.logger = logger
        self._lock = threading.Lock()
        self._library: Library | None = None
        self._stamp = None
        self._checked = 0.0

    def _fingerprint(self):
        """Names, sizes and modification times of every file: cheap to take,
        and changes on any edit, rename or git checkout."""
        entries = []
        for path in self.courses_dir.rglob("*"):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((str(path), stat.st_size, stat.st_mtime_ns))
        return hash(tuple(sorted(entries)))

    def get(self) -> Library:
        now = time.monotonic()
        if self._library is not None and now - self._checked < self.reload_seconds:
            return self._library
        with self._lock:
            if self._library is not None and now - self._checked < self.reload_seconds:
                return self._library
            stamp = self._fingerprint()
            if self._library is None or stamp != self._stamp:
                library = load_library(self.courses_dir, self.languages, root=self.courses_dir.parent)
                for problem in library.problems:
                    if problem.level == "error":
                        self.logger.error("%s", problem)
                for course_id in library.refused:
                    self.logger.error("course %s has errors and is not served", course_id)
                self._library, self._stamp = library, stamp
            self._checked = time.monotonic()
            return self._library


def init_app(app) -> None:
    app.extensions["academy.library"] = LibraryCache(
        app.config["COURSES_DIR"],
        app.config["LANGUAGES"],
        float(app.config["CONTENT_RELOAD_SECONDS"]),
        app.logger,
    )


def get_library() -> Library:
    return current_app.extensions["academy.library"].get()
