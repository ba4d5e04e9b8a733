"""The built wheel carries everything the box needs and runs on its own."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest
from helpers import shipped_courses

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "--disable-pip-version-check", "-w", str(out), str(REPO)], check=True)
    return next(out.glob("academy-*.whl"))


@pytest.fixture(scope="module")
def venv(tmp_path_factory, wheel) -> Path:
    """A fresh virtualenv with the wheel installed; its dependencies come
    from this environment's site-packages (no network needed)."""
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(root)], check=True)
    python = root / "bin" / "python"
    site = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          check=True, capture_output=True, text=True).stdout.strip()
    Path(site, "deps-from-test-env.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--disable-pip-version-check", str(wheel)], check=True)
    return root


def test_the_wheel_carries_static_files_catalogs_courses_and_migrations(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    for expected in ("academy/_bundled/static/css/academy.css", "academy/_bundled/translations/ar/LC_MESSAGES/messages.mo",
                     "academy/_bundled/courses/climate-action-cycling/course.yml", "academy/_bundled/migrations/env.py",
                     "academy/_bundled/courses/paths/workplace-rights-basics/path.yml",
                     "academy/templates/base.html"):
        assert expected in names


def test_the_installed_wheel_checks_its_own_courses(venv, tmp_path):
    result = subprocess.run([str(venv / "bin" / "academy"), "check", "--strict"], cwd=tmp_path, capture_output=True, text=True,
                            env={**os.environ, "ACADEMY_DATA_DIR": str(tmp_path / "data")})
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(shipped_courses())} course(s) valid, 0 refused" in result.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_the_installed_wheel_serves_lessons_from_its_bundled_files(venv, tmp_path):
    port = free_port()
    env = {**os.environ, "ACADEMY_DATA_DIR": str(tmp_path / "data")}
    server = subprocess.Popen([str(venv / "bin" / "academy"), "serve", "--host", "127.0.0.1", "--port", str(port)],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise AssertionError(server.stdout.read() if server.poll() is not None else "server did not start")
                time.sleep(0.2)
        for path in ("/", "/courses/hrdd-essentials/", "/static/css/academy.css"):
            assert urllib.request.urlopen(base + path, timeout=5).status == 200
        page = urllib.request.urlopen(urllib.request.Request(base + "/", headers={"Accept-Language": "vi"}), timeout=5).read().decode()
        assert "Khóa học" in page
        module = subprocess.run([str(venv / "bin" / "python"), "-c", "import academy; print(academy.__file__)"],
                                cwd=tmp_path, capture_output=True, text=True).stdout
        assert str(venv) in module
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0]
    assert "/setup/" in output  # the one-time link for the first administrator
