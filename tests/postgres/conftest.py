"""A throwaway PostgreSQL server for the tests that ask for one.

Started from the machine's own PostgreSQL binaries (Debian's postgresql
package) on a Unix socket in a temporary folder; no TCP port is opened.
Skipped where PostgreSQL is not installed, failed in CI where it should be.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


def _pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(os.path.realpath(found)).parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    return Path(candidates[-1]).parent if candidates else None


def _as_server_user(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; run it as 'postgres' then."""
    if os.geteuid() != 0:
        return args
    return ["runuser", "-u", "postgres", "--", *args]


@pytest.fixture(scope="session")
def postgres_url():
    pg_bin = _pg_bin()
    if pg_bin is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed (Debian package 'postgresql')")
        pytest.skip("PostgreSQL is not installed")
    pytest.importorskip("psycopg")
    root = Path(tempfile.mkdtemp(prefix="academy-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        for path in (root, sockets):
            os.chown(path, owner.pw_uid, owner.pw_gid)
    subprocess.run(_as_server_user([str(pg_bin / "initdb"), "-D", str(data), "-U", "academy", "-A", "trust",
                                    "-E", "UTF8", "--locale=C.UTF-8"]), check=True, capture_output=True)
    options = f"-c listen_addresses='' -k {sockets} -c fsync=off"
    subprocess.run(_as_server_user([str(pg_bin / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(root / "log"),
                                    "-w", "start"]), check=True, capture_output=True)
    subprocess.run(_as_server_user([str(pg_bin / "createdb"), "-h", str(sockets), "-U", "academy", "academy"]),
                   check=True, capture_output=True)
    try:
        yield f"postgresql+psycopg://academy@/academy?host={sockets}"
    finally:
        subprocess.run(_as_server_user([str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
