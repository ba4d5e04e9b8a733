"""`academy preview DIR`, run as an author runs it: a real process that says
what it found and where to look, serves the course with its answer keys,
and leaves nothing behind: no data folder of the admin's touched, its
temporary data deleted when it stops, the course folder unchanged."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from http.cookiejar import CookieJar

import pytest
from click.testing import CliRunner

from academy.cli import main
from academy.paths import resource

COURSE = "climate-action-cycling"
LESSON = "why-climate-action/check-your-understanding"


@pytest.fixture
def course_dir(tmp_path):
    folder = tmp_path / "repo" / "courses" / COURSE
    shutil.copytree(resource("courses") / COURSE, folder)
    return folder


class Preview:
    """`python -m academy preview ARGS` in a process of its own; its
    temporary folder goes under ``tmp`` and ACADEMY_DATA_DIR points at a
    folder that must never be made."""

    def __init__(self, tmp_path, *args):
        self.tmp = tmp_path / "tmp"
        self.tmp.mkdir()
        self.admin_data = tmp_path / "admin-data"
        self.admin_database = tmp_path / "admins.sqlite3"
        env = {**os.environ, "TMPDIR": str(self.tmp), "ACADEMY_DATA_DIR": str(self.admin_data),
               "ACADEMY_DATABASE_URL": f"sqlite:///{self.admin_database}"}
        self.process = subprocess.Popen([sys.executable, "-m", "academy", "preview", *map(str, args), "--port", "0"],
                                        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.lines: queue.Queue = queue.Queue()
        self.output: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.put(line)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        while True:
            try:
                line = self.lines.get(timeout=timeout)
            except queue.Empty:
                raise AssertionError(f"no line with {text!r} in: {''.join(self.output)}") from None
            self.output.append(line)
            if text in line:
                return line

    def stop(self, signum=signal.SIGINT) -> int:
        """Ctrl+C (or another signal); the exit status, once every line is read."""
        self.process.send_signal(signum)
        code = self.process.wait(timeout=30)
        self.reader.join(10)
        while not self.lines.empty():
            self.output.append(self.lines.get())
        return code


@pytest.fixture
def running(tmp_path, course_dir):
    preview = Preview(tmp_path, course_dir)
    yield preview
    if preview.process.poll() is None:
        preview.process.kill()
        preview.process.wait()


def browser():
    return urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))


def snapshot(folder):
    return sorted((p.relative_to(folder).as_posix(), p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*"))


def test_the_command_names_the_course_it_found_and_an_address_on_this_computer_only(running):
    assert f"{COURSE}: Climate action for the cycling industry (0 error(s), 0 warning(s))" in running.wait_for(f"  {COURSE}: ")
    address = running.wait_for("?token=").strip()
    assert address.startswith("http://127.0.0.1:")
    assert f"/courses/{COURSE}/?token=" in address


def test_the_printed_address_opens_the_course_with_its_answer_keys(running):
    address = running.wait_for("?token=").strip()
    opener = browser()
    assert "Climate action for the cycling industry" in opener.open(address, timeout=10).read().decode()
    lesson = opener.open(address.split("/courses/")[0] + f"/courses/{COURSE}/{LESSON}", timeout=10).read().decode()
    assert 'class="answer-key"' in lesson


def test_without_the_printed_address_the_preview_shows_nothing(running):
    address = running.wait_for("?token=").strip()
    with pytest.raises(urllib.error.HTTPError) as refused:
        browser().open(address.split("?")[0], timeout=10)
    assert refused.value.code == 403


def test_stopping_deletes_the_temporary_data_and_touches_no_data_folder_and_no_course_file(running, course_dir):
    before = snapshot(course_dir.parent.parent)
    address = running.wait_for("?token=").strip()
    opener = browser()
    opener.open(address, timeout=10).read()
    opener.open(address.split("/courses/")[0] + f"/courses/{COURSE}/{LESSON}", timeout=10).read()
    assert [p.name for p in running.tmp.iterdir()][0].startswith("academy-preview-")
    assert running.stop() == 0
    assert running.output[-1] == "Preview stopped; its temporary data is deleted.\n"
    assert list(running.tmp.iterdir()) == []
    assert not running.admin_data.exists() and not running.admin_database.exists()
    assert snapshot(course_dir.parent.parent) == before


def test_a_sigterm_stops_the_preview_as_cleanly_as_ctrl_c(running):
    running.wait_for("?token=")
    assert running.stop(signal.SIGTERM) == 0
    assert list(running.tmp.iterdir()) == []


def test_a_sigterm_while_the_preview_starts_still_deletes_its_temporary_data(running):
    running.wait_for("Previewing")
    assert running.stop(signal.SIGTERM) in (0, 1)  # stopped, or aborted before it listened
    assert list(running.tmp.iterdir()) == []


def test_a_folder_without_a_course_is_refused_in_one_line(tmp_path):
    result = CliRunner().invoke(main, ["preview", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {tmp_path.resolve()} holds no course: neither it nor a folder in it (or in its courses/) has a course.yml"
    ]


def test_a_port_in_use_is_refused_in_one_line(tmp_path, course_dir):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "-m", "academy", "preview", str(course_dir), "--port", str(port)],
                                cwd=tmp_path, capture_output=True, text=True, timeout=60,
                                env={**os.environ, "TMPDIR": str(tmp_path)})
    assert result.returncode == 1
    assert f"Error: cannot listen on 127.0.0.1 port {port}" in result.stderr
    assert "Traceback" not in result.stderr
