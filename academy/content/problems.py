"""Problems found in course content, reported as ``path:line: level: message``."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    level: str
    message: str
    kind: str = ""  # what sort of problem, where a reader needs it: "stale-translation"

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.level}: {self.message}"


@dataclass
class Report:
    """Collects every problem of a run, so an author sees them all at once.

    ``root`` is the folder paths are shown relative to (an author runs the
    check from the repository, and wants paths they can click)."""

    root: Path | None = None
    problems: list[Problem] = field(default_factory=list)

    def _show(self, path: Path | str) -> str:
        path = Path(path)
        if self.root is not None:
            try:
                # The folder resolved, not the entry itself: a symbolic link
                # is shown where it is, not where it points.
                return (path.parent.resolve() / path.name).relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return path.as_posix()

    def error(self, path: Path | str, line: int | None, message: str) -> None:
        self.problems.append(Problem(self._show(path), line, ERROR, message))

    def warning(self, path: Path | str, line: int | None, message: str, kind: str = "") -> None:
        self.problems.append(Problem(self._show(path), line, WARNING, message, kind))

    def errors_since(self, mark: int) -> bool:
        return any(p.level == ERROR for p in self.problems[mark:])

    @property
    def has_errors(self) -> bool:
        return any(p.level == ERROR for p in self.problems)
