"""Knowing whether `academy serve` runs on a data folder.

Every `academy serve` holds a shared lock on ``DATA_DIR/serve.lock`` for as
long as it runs; the operating system drops the lock when the process ends,
however it ends (a crash, kill -9, a power cut), so a stale lock cannot
block the admin. A restore asks for the lock exclusively: it gets it only
when no server runs. Several servers (PostgreSQL) share the lock.

POSIX: ``flock``. Windows: a byte-range lock (``msvcrt``), which cannot be
shared: the first server holds it, and a restore is refused while it runs.
"""

from __future__ import annotations

import os
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

LOCK_NAME = "serve.lock"
#: Whether several servers can hold the lock at once (not on Windows).
SHARED_LOCKS = fcntl is not None


class ServerRunning(Exception):
    """`academy serve` runs on this data folder."""


class _Lock:
    def __init__(self, data_dir: Path):
        Path(data_dir).mkdir(parents=True, exist_ok=True)
        self.path = Path(data_dir) / LOCK_NAME
        self._fd: int | None = None

    def _open(self) -> int:
        return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)

    def acquire(self, shared: bool) -> bool:
        """Take the lock without waiting; False when another process holds it."""
        fd = self._open()
        try:
            if fcntl is not None:
                fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
            else:
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            os.close(fd)
            return False
        self._fd = fd
        return True

    def release(self) -> None:
        if self._fd is None:
            return
        if fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        else:
            os.lseek(self._fd, 0, os.SEEK_SET)
            msvcrt.locking(self._fd, msvcrt.LK_UNLCK, 1)
        os.close(self._fd)
        self._fd = None


class ServeLock(_Lock):
    """Held by a running `academy serve` (shared between servers)."""

    def acquire(self) -> bool:  # type: ignore[override]
        return super().acquire(shared=True)


class MaintenanceLock(_Lock):
    """Held while the data folder is changed under the server's feet (a restore)."""

    def __enter__(self) -> MaintenanceLock:
        if not self.acquire(shared=False):
            raise ServerRunning(str(self.path.parent))
        return self

    def __exit__(self, *exc) -> None:
        self.release()


def server_running(data_dir: Path) -> bool:
    lock = _Lock(data_dir)
    if lock.acquire(shared=False):
        lock.release()
        return False
    return True
