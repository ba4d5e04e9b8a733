"""Academy under load: req/s and latency per page, lost answers, peak memory.

Starts `academy serve` (waitress) on a free loopback port with a fresh
temporary data folder and the shipped courses, registers learners over HTTP
(each registration signs its learner in), enrols them in a course, then puts
each scenario under load at a fixed number of concurrent connections for a
fixed time, one after the other:

    static CSS, a lesson (anonymous), the same lesson signed in, a quiz lesson
    signed in, My learning, quiz submissions (POST), the sign-in page, and quiz
    answers while a tutor imports a 300-row class list.

It prints one table (req/s, p50, p99, errors, ratio to the static file, the
goal and whether it is met), the server's peak RSS, and the answers lost: quiz
submissions the server confirmed but that are missing from the database, plus
those that failed. Then it stops the server and deletes the data folder. Only
127.0.0.1 is ever contacted.

    python bench/load.py [--seconds 8] [--connections 32] [--threads 8] [--learners 40] [--json FILE]

Load generators, and why:

* wrk (C, `apt-get install wrk`) for every GET scenario. A Python client would
  share the two cores with the server and could become the bottleneck for the
  static file; wrk costs little. A small Lua script gives each request the
  next learner's cookie (round robin over the signed-in learners) and writes
  wrk's numbers as JSON.
* Python threads, one keep-alive http.client connection each, for the quiz
  answers. Every submission spends a one-time attempt token, so the bench
  must know exactly which submission was confirmed (303 to /attempts/<id>)
  to find lost answers afterwards, and must stop cleanly when the tokens run
  out or the class import ends. The server needs milliseconds per answer,
  the client far less: the table shows the cores used by the server, by the
  client (with wrk) and by other processes during each scenario.

Quiz submissions use tokens fetched beforehand (GET the quiz lesson per
learner, untimed). During the class import each connection instead behaves
like a learner: open the quiz lesson, submit; only the submissions count.
"""

from __future__ import annotations

import argparse
import collections
import concurrent.futures
import http.client
import json
import math
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

HOST = "127.0.0.1"
STATIC_CSS = "/static/css/academy.css"
COURSE = "climate-action-cycling"
READING_LESSON = f"/courses/{COURSE}/where-emissions-come-from/bicycle-hot-spots"  # no questions
QUIZ_LESSON = f"/courses/{COURSE}/why-climate-action/check-your-understanding"
IMPORT_COURSE = "hrdd-essentials"  # another course, so the class does not touch the learners' progress
IMPORT_ROWS = 300
LANGUAGES = ("en", "vi", "zh", "ar")
PASSWORD = "bench-password-1"
HTTP_TIMEOUT = 30  # longer than SQLite's 15 s busy timeout, so a waiting answer is measured, not dropped
IMPORT_TIMEOUT = 300
TOKEN_MARGIN = 2.5  # tokens fetched: this many times what the quiz lesson's GET rate suggests (a POST is faster)
ATTEMPT_LOCATION = re.compile(r"/attempts/(\d+)$")

STATIC = "static CSS"
SIGNED_IN_LESSON = "lesson, signed in"
MY_LEARNING = "My learning"
SUBMISSIONS = "quiz submissions (POST)"
DURING_IMPORT = f"quiz answers, {IMPORT_ROWS}-row import"
RSS_GOAL_MB = 150

# The goals of the hardening work: text for the table, and the test.
GOALS = {
    SIGNED_IN_LESSON: (">= 0.60x", lambda r: r.ratio >= 0.6),
    MY_LEARNING: (">= 0.50x", lambda r: r.ratio >= 0.5),
    SUBMISSIONS: (">= 0.25x, 0 lost, 0 err", lambda r: r.ratio >= 0.25 and r.errors == 0 and r.lost == 0),
    DURING_IMPORT: ("p99 < 1 s", lambda r: r.rate > 0 and r.p99 < 1.0),
}

# Rotates the learners' cookies (when BENCH_COOKIES names a file, one Cookie
# header a line), counts failing statuses, and writes wrk's summary as JSON to
# BENCH_RESULT. Without cookies no request() is defined, so wrk sends its fixed
# request at full speed.
WRK_SCRIPT = r"""
local cookie_file = os.getenv("BENCH_COOKIES")
local threads = {}

function setup(thread)
  thread:set("offset", #threads)
  table.insert(threads, thread)
end

if cookie_file then
  local requests, position = {}, 0
  function init(args)
    for line in io.lines(cookie_file) do
      table.insert(requests, wrk.format(nil, nil, {Cookie = line}))
    end
    position = offset * 7  -- threads start at different learners
  end
  function request()
    position = position % #requests + 1
    return requests[position]
  end
end

failed = {}
function response(status, headers, body)
  if status >= 400 then
    failed[status] = (failed[status] or 0) + 1
  end
end

function done(summary, latency, requests)
  local statuses = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("failed")) do
      statuses[status] = (statuses[status] or 0) + count
    end
  end
  local parts = {}
  for status, count in pairs(statuses) do
    table.insert(parts, string.format('"%d": %d', status, count))
  end
  local e = summary.errors
  local out = io.open(os.getenv("BENCH_RESULT"), "w")
  out:write(string.format(
    '{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"p50_us": %.0f, "p99_us": %.0f, "failed_statuses": {%s}}',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), table.concat(parts, ", ")))
  out:close()
end
"""


# -- results --------------------------------------------------------------------------

@dataclass
class Result:
    name: str
    rate: float  # responses per second
    p50: float  # seconds
    p99: float
    errors: int  # 4xx/5xx, timeouts, broken connections; for answers: anything but a confirmed save
    note: str = ""
    failed_answers: int = 0  # quiz submissions sent but not confirmed
    ratio: float = 0.0  # rate / the static file's rate, filled in at the end
    lost: int = 0  # confirmed answers missing from the database, filled in at the end
    confirmed: set[int] = field(default_factory=set)  # attempt ids the server confirmed
    cores: tuple[float, float, float] = (0.0, 0.0, 0.0)  # CPU used: server, bench client + wrk, other processes


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile; 0 for no values."""
    if not sorted_values:
        return 0.0
    return sorted_values[max(math.ceil(fraction * len(sorted_values)) - 1, 0)]


class Answers:
    """Thread-safe tally of quiz submissions: latency, confirmed attempt ids,
    failures; and quiz pages that failed to open, so no answer could be sent."""

    def __init__(self):
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.confirmed: set[int] = set()
        self.failures: collections.Counter[str] = collections.Counter()
        self.pages_failed = 0

    def page_failed(self) -> None:
        with self.lock:
            self.pages_failed += 1

    def record(self, seconds: float, attempt_id: int | None, failure: str | None) -> None:
        """`seconds`: until the response, or until the submission failed (a
        timeout counts with the time the learner waited)."""
        with self.lock:
            self.latencies.append(seconds)
            if attempt_id is not None:
                self.confirmed.add(attempt_id)
            if failure is not None:
                self.failures[failure] += 1

    def result(self, name: str, elapsed: float, note: str = "") -> Result:
        latencies = sorted(self.latencies)
        failures = [f"{count} {kind}" for kind, count in self.failures.most_common()]
        if self.pages_failed:
            failures.append(f"{self.pages_failed} quiz pages that did not open")
        note = "; ".join(part for part in (note, "failed: " + ", ".join(failures) if failures else "") if part)
        failed_answers = sum(self.failures.values())
        return Result(name, len(latencies) / elapsed if elapsed else 0.0, percentile(latencies, 0.5),
                      percentile(latencies, 0.99), failed_answers + self.pages_failed, note,
                      failed_answers=failed_answers, confirmed=set(self.confirmed))


# -- a small HTTP client with a cookie jar -----------------------------------------------

@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def location(self) -> str:
        return urllib.parse.urlsplit(self.headers.get("Location", "")).path

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Browser:
    """One keep-alive connection and a cookie jar, like one phone's browser."""

    def __init__(self, port: int, cookies: dict[str, str] | None = None, timeout: float = HTTP_TIMEOUT):
        self.port, self.timeout = port, timeout
        self.cookies = dict(cookies or {})
        self.connection: http.client.HTTPConnection | None = None

    def cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.cookies.items())

    def request(self, method: str, path: str, body: bytes | str | None = None, content_type: str | None = None,
                cookie: str | None = None) -> Response:
        """Raises OSError or http.client.HTTPException when the connection breaks."""
        headers = {"Cookie": self.cookie_header() if cookie is None else cookie}
        if content_type:
            headers["Content-Type"] = content_type
        reused = self.connection is not None
        if self.connection is None:
            self.connection = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
        start = time.perf_counter()
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
            self.close()
            if not reused:
                raise
            # The server closed a keep-alive connection that sat idle (it
            # does after 30 s): a browser opens a new one and sends again.
            return self.request(method, path, body, content_type, cookie)
        except (OSError, http.client.HTTPException):
            self.close()  # a fresh connection next time
            raise
        seconds = time.perf_counter() - start
        if cookie is None:
            self._keep_cookies(response.headers.get_all("Set-Cookie") or [])
        return Response(response.status, response.headers, data, seconds)

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        for header in set_cookies:
            name, _, value = header.split(";", 1)[0].partition("=")
            if value and "max-age=0" not in header.lower():
                self.cookies[name.strip()] = value.strip()
            else:
                self.cookies.pop(name.strip(), None)

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, fields: list[tuple[str, str]]) -> Response:
        return self.request("POST", path, urllib.parse.urlencode(fields), "application/x-www-form-urlencoded")

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


# -- reading forms the way a browser submits them ------------------------------------------

@dataclass
class Control:
    name: str
    kind: str  # input type, or "select"
    value: str = ""
    checked: bool = False  # checkbox or radio
    options: list[tuple[str, bool]] = field(default_factory=list)  # select: (value, selected)
    question: str | None = None  # the quiz question's fieldset id, if any


@dataclass
class Form:
    action: str
    controls: list[Control] = field(default_factory=list)

    def names(self) -> set[str]:
        return {control.name for control in self.controls}

    def defaults(self) -> list[tuple[str, str]]:
        """What a browser sends when nothing is changed."""
        fields = []
        for control in self.controls:
            if control.kind in ("radio", "checkbox"):
                if control.checked:
                    fields.append((control.name, control.value or "on"))
            elif control.kind == "select":
                chosen = [value for value, selected in control.options if selected]
                fields += [(control.name, value) for value in chosen or [v for v, _ in control.options[:1]]]
            elif control.kind not in ("submit", "button", "file"):
                fields.append((control.name, control.value))
        return fields


class FormScanner(HTMLParser):
    """Collects the forms of a page with their controls."""

    def __init__(self):
        super().__init__()
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._question: str | None = None
        self._select: Control | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = Form(a.get("action") or "")
            self.forms.append(self._form)
        elif tag == "fieldset":
            self._question = a.get("id")
        elif self._form is None or (tag != "option" and not a.get("name")):
            return
        elif tag in ("input", "button"):
            kind = (a.get("type") or "text").lower() if tag == "input" else tag
            self._form.controls.append(Control(a["name"], kind, a.get("value") or "", "checked" in a,
                                               question=self._question))
        elif tag == "select":
            self._select = Control(a["name"], "select", question=self._question)
            self._form.controls.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select.options.append((a.get("value") or "", "selected" in a))

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "fieldset":
            self._question = None
        elif tag == "select":
            self._select = None


def forms_on(page: str) -> list[Form]:
    scanner = FormScanner()
    scanner.feed(page)
    return scanner.forms


def form_with(page: str, name: str) -> Form:
    """The page's first form with a control of this name."""
    for form in forms_on(page):
        if name in form.names():
            return form
    raise RuntimeError(f"no form with a field {name!r} on the page")


def form_posting_to(page: str, action_end: str) -> Form:
    for form in forms_on(page):
        if form.action.endswith(action_end):
            return form
    raise RuntimeError(f"no form posting to ...{action_end} on the page")


def quiz_answers(form: Form) -> list[tuple[str, str]]:
    """A complete, valid set of answers (right or wrong does not matter here):
    the first choice of each question, "3" in text boxes, and the items of an
    ordering question in the order shown."""
    fields, answered = [], set()
    next_position: collections.Counter[str] = collections.Counter()
    for control in form.controls:
        if control.kind == "hidden":  # csrf_token and the attempt token
            fields.append((control.name, control.value))
        elif control.kind in ("radio", "checkbox") and control.name not in answered:
            fields.append((control.name, control.value))
            answered.add(control.name)
        elif control.kind == "text":
            fields.append((control.name, "3"))
        elif control.kind == "select":
            positions = [value for value, _ in control.options if value]
            fields.append((control.name, positions[next_position[control.question]]))
            next_position[control.question] += 1
    return fields


# -- the server ----------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def server_environment(data_dir: Path) -> dict[str, str]:
    """This process's environment without any ACADEMY_* setting (no outside
    database or courses), with the temporary data folder."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("ACADEMY_")}
    env["ACADEMY_DATA_DIR"] = str(data_dir)
    return env


def start_server(port: int, env: dict[str, str], log_path: Path) -> subprocess.Popen:
    with open(log_path, "wb") as log:  # the child keeps its own copy of the file
        server = subprocess.Popen([sys.executable, "-m", "academy", "serve", "--host", HOST, "--port", str(port)],
                                  env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"academy serve exited with {server.returncode}:\n{log_path.read_text()[-2000:]}")
        probe = Browser(port, timeout=2)
        try:
            if probe.get(STATIC_CSS).status == 200:
                return server
        except OSError:
            time.sleep(0.2)
        finally:
            probe.close()
    raise RuntimeError(f"academy serve did not answer within 60 s:\n{log_path.read_text()[-2000:]}")


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait(timeout=5)


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/<pid>/status")


LOG_RECORD = re.compile(r"^(\[\d{4}-\d\d-\d\d |(DEBUG|INFO|WARNI|WARNING|ERROR|CRITI|CRITICAL)\b)")
EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception): ")


def logged_exceptions(log_path: Path) -> list[str]:
    """The distinct exceptions in the server's log: the last exception line of
    each log record (a chained traceback ends with the one that escaped)."""
    kinds: dict[str, None] = {}  # ordered set
    last = None
    for line in log_path.read_text(errors="replace").splitlines() + ["INFO end"]:
        if LOG_RECORD.match(line):
            if last:
                kinds[last[:140]] = None
            last = None
        elif EXCEPTION_LINE.match(line):
            last = line
    return list(kinds)


def reset_peak_rss(pid: int) -> bool:
    """Start VmHWM again from the current RSS (Linux 4.0+); False if not allowed."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


class CpuMeter:
    """Cores used during a scenario by the server, by this bench with its wrk
    children, and by every other process on the machine (which makes the
    numbers low and unrepeatable: look at that column first)."""

    def __init__(self, server_pid: int):
        self.server_pid = server_pid
        self.tick = os.sysconf("SC_CLK_TCK")

    def snapshot(self) -> tuple[float, float, float, float]:
        """(wall, whole machine, server, bench) in seconds."""
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
        user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in fields[:8])
        machine = (user + nice + system + irq + softirq + steal) / self.tick
        server_fields = Path(f"/proc/{self.server_pid}/stat").read_text().rsplit(")", 1)[1].split()
        server = (int(server_fields[11]) + int(server_fields[12])) / self.tick  # utime + stime
        times = os.times()  # children: wrk runs that have ended
        bench = times.user + times.system + times.children_user + times.children_system
        return time.monotonic(), machine, server, bench

    def measure(self, scenario) -> Result:
        """Run a scenario and note the cores used meanwhile on its result."""
        before = self.snapshot()
        result = scenario()
        wall, machine, server, bench = (b - a for a, b in zip(before, self.snapshot()))
        result.cores = (server / wall, bench / wall, max(machine - server - bench, 0.0) / wall)
        return result


def stored_attempt_ids(data_dir: Path) -> set[int]:
    database = sqlite3.connect(f"file:{data_dir / 'academy.sqlite3'}?mode=ro", uri=True)
    try:
        return {row[0] for row in database.execute("SELECT id FROM attempts")}
    finally:
        database.close()


# -- people ------------------------------------------------------------------------

def expect(response: Response, statuses: tuple[int, ...], what: str) -> Response:
    if response.status not in statuses:
        raise RuntimeError(f"{what}: HTTP {response.status}\n{response.text[:500]}")
    return response


def register_learner(port: int, number: int) -> Browser:
    """A learner registered (and so signed in) over HTTP and enrolled in the course."""
    browser = Browser(port)
    form = form_with(expect(browser.get("/register"), (200,), "registration page").text, "username")
    fields = dict(form.defaults())
    fields.update(username=f"bench-learner-{number:03d}", display_name=f"Bench Learner {number}",
                  password=PASSWORD, confirm=PASSWORD, language=LANGUAGES[number % len(LANGUAGES)])
    expect(browser.post_form("/register", list(fields.items())), (302, 303), "registration")
    course_page = expect(browser.get(f"/courses/{COURSE}/"), (200,), "course page").text
    enrol = form_posting_to(course_page, "/enroll")
    expect(browser.post_form(enrol.action, enrol.defaults()), (302, 303), "enrolment")
    return browser


def create_tutor(port: int, env: dict[str, str]) -> Browser:
    """A tutor made with the CLI (password on stdin), then signed in over HTTP."""
    subprocess.run([sys.executable, "-m", "academy", "users", "create", "bench-tutor", "--role", "tutor",
                    "--password-stdin"], input=PASSWORD + "\n", env=env, text=True, check=True,
                   capture_output=True, timeout=120)
    browser = Browser(port, timeout=IMPORT_TIMEOUT)
    form = form_with(expect(browser.get("/login"), (200,), "sign-in page").text, "password")
    fields = dict(form.defaults())
    fields.update(username="bench-tutor", password=PASSWORD)
    expect(browser.post_form("/login", list(fields.items())), (302, 303), "tutor sign-in")
    return browser


def create_cohort(tutor: Browser) -> int:
    form = form_with(expect(tutor.get("/cohorts/new"), (200,), "new cohort page").text, "name")
    fields = [(name, value) for name, value in form.defaults() if name not in ("course", "name")]
    fields += [("course", IMPORT_COURSE), ("name", "Bench import class")]
    response = expect(tutor.post_form("/cohorts/new", fields), (302, 303), "new cohort")
    return int(re.search(r"/cohorts/(\d+)/", response.location).group(1))


def class_list_csv(rows: int) -> bytes:
    """Names only, as a tutor's spreadsheet usually is: the usernames are made from them."""
    lines = ["display_name,language"]
    lines += [f"Nguyễn Thị Học Viên {n:03d},{LANGUAGES[n % len(LANGUAGES)]}" for n in range(1, rows + 1)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def multipart(fields: list[tuple[str, str]], file_field: str, file_name: str, data: bytes) -> tuple[bytes, str]:
    boundary = "bench-" + os.urandom(8).hex()
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; filename="{file_name}"\r\n'
                 f"Content-Type: text/csv\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def import_class(tutor: Browser, cohort_id: int, rows: int) -> Response:
    path = f"/cohorts/{cohort_id}/import"
    form = form_with(expect(tutor.get(path), (200,), "import page").text, "file")
    fields = [(name, value) for name, value in form.defaults() if name != "file"]
    body, content_type = multipart(fields, "file", "class-list.csv", class_list_csv(rows))
    return tutor.request("POST", path, body, content_type)


# -- quiz answers -------------------------------------------------------------------

@dataclass
class Submission:
    cookie: str
    body: str


def fresh_submission(learner: Browser) -> Submission:
    """Open the quiz lesson (a fresh attempt token) and fill in its form."""
    page = expect(learner.get(QUIZ_LESSON), (200,), "quiz lesson").text
    return Submission(learner.cookie_header(), urllib.parse.urlencode(quiz_answers(form_with(page, "attempt"))))


def fetch_submissions(learners: list[Browser], count: int) -> list[Submission]:
    """`count` ready-to-send submissions, spread over the learners (untimed)."""
    per_learner = math.ceil(count / len(learners))

    def fetch(learner: Browser) -> list[Submission]:
        return [fresh_submission(learner) for _ in range(per_learner)]

    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        batches = list(pool.map(fetch, learners))
    # Interleave the learners, so that concurrent submissions come from different people.
    return [batch[i] for i in range(per_learner) for batch in batches]


def submit(browser: Browser, submission: Submission, answers: Answers) -> None:
    start = time.perf_counter()
    try:
        response = browser.request("POST", f"{QUIZ_LESSON}/answers", submission.body,
                                   "application/x-www-form-urlencoded", cookie=submission.cookie)
    except (OSError, http.client.HTTPException) as exc:
        kind = "timeout" if isinstance(exc, TimeoutError) else type(exc).__name__
        answers.record(time.perf_counter() - start, None, kind)
        return
    saved = ATTEMPT_LOCATION.search(response.location) if response.status == 303 else None
    if saved:
        answers.record(response.seconds, int(saved.group(1)), None)
    elif response.status == 303:  # sent back to the lesson with a message: not saved
        answers.record(response.seconds, None, "303 to the lesson")
    else:
        answers.record(response.seconds, None, f"HTTP {response.status}")


def submit_prepared(port: int, submissions: list[Submission], seconds: float, connections: int) -> Result:
    """Send prepared submissions from `connections` keep-alive connections for `seconds`."""
    queue = collections.deque(submissions)
    answers = Answers()
    start = time.monotonic()
    ran_out_after: list[float] = []
    deadline = start + seconds

    def connection():
        browser = Browser(port)
        while time.monotonic() < deadline:
            try:
                submission = queue.popleft()
            except IndexError:
                ran_out_after.append(time.monotonic() - start)
                break
            submit(browser, submission, answers)
        browser.close()

    elapsed = run_threads(connection, connections)
    note = f"the {len(submissions)} tokens ran out after {min(ran_out_after):.1f} s" if ran_out_after else ""
    return answers.result(SUBMISSIONS, elapsed, note)


def answers_during_import(port: int, learners: list[Browser], tutor: Browser, cohort_id: int,
                          connections: int) -> Result:
    """Each connection opens the quiz lesson and submits it, again and again,
    from the moment the import is sent until its response comes back."""
    answers = Answers()
    import_done = threading.Event()
    outcome = {}

    def tutor_imports():
        try:
            response = import_class(tutor, cohort_id, IMPORT_ROWS)
            outcome["text"] = f"the import answered HTTP {response.status} after {response.seconds:.1f} s"
        except (OSError, http.client.HTTPException) as exc:
            outcome["text"] = f"the import failed: {exc!r}"
        finally:
            import_done.set()

    def learner(number: int):
        browser = Browser(port, learners[number % len(learners)].cookies)
        while not import_done.is_set():
            try:
                submission = fresh_submission(browser)
            except (OSError, http.client.HTTPException, RuntimeError):
                answers.page_failed()
                time.sleep(0.5)  # a learner reloads after a moment, not in a tight loop
                continue
            submit(browser, submission, answers)
        browser.close()

    importer = threading.Thread(target=tutor_imports)
    importer.start()
    elapsed = run_threads(learner, connections, with_index=True)
    importer.join()
    return answers.result(DURING_IMPORT, elapsed, outcome["text"])


def run_threads(target, count: int, with_index: bool = False) -> float:
    """Run `count` threads to the end; the seconds they took."""
    threads = [threading.Thread(target=target, args=(i,) if with_index else ()) for i in range(count)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - start


# -- wrk -------------------------------------------------------------------------------

def run_wrk(name: str, port: int, path: str, args, work_dir: Path, cookies: list[str] | None = None) -> Result:
    script, result_file = work_dir / "bench.lua", work_dir / "wrk-result.json"
    script.write_text(WRK_SCRIPT)
    env = {**os.environ, "BENCH_RESULT": str(result_file)}
    if cookies:
        cookie_file = work_dir / "cookies.txt"
        cookie_file.write_text("\n".join(cookies) + "\n")
        env["BENCH_COOKIES"] = str(cookie_file)
    command = ["wrk", f"-t{min(args.threads, args.connections)}", f"-c{args.connections}", f"-d{args.seconds}s",
               f"--timeout={HTTP_TIMEOUT}s", "-s", str(script), f"http://{HOST}:{port}{path}"]
    subprocess.run(command, env=env, check=True, capture_output=True, timeout=args.seconds + HTTP_TIMEOUT + 30)
    numbers = json.loads(result_file.read_text())
    failures = {f"HTTP {status}": count for status, count in sorted(numbers["failed_statuses"].items())}
    failures.update({kind: numbers[kind] for kind in ("connect", "read", "write", "timeout") if numbers[kind]})
    note = "failed: " + ", ".join(f"{count} {kind}" for kind, count in failures.items()) if failures else ""
    return Result(name, numbers["requests"] / (numbers["duration_us"] / 1e6), numbers["p50_us"] / 1e6,
                  numbers["p99_us"] / 1e6, sum(failures.values()), note)


# -- the report -------------------------------------------------------------------------

@dataclass
class Report:
    header: str
    results: list[Result]
    rss_run_mb: float  # peak over the whole run, seeding included
    rss_scenarios_mb: float | None  # peak during the scenarios only (None: could not reset VmHWM)
    exceptions: list[str]

    def answer_rows(self) -> list[Result]:
        return [r for r in self.results if r.name in (SUBMISSIONS, DURING_IMPORT)]

    def numbers(self) -> dict:
        rows = self.answer_rows()
        return {
            "header": self.header,
            "scenarios": [{"name": r.name, "req_per_s": round(r.rate, 1), "p50_ms": round(r.p50 * 1000, 1),
                           "p99_ms": round(r.p99 * 1000, 1), "errors": r.errors, "ratio_to_static": round(r.ratio, 3),
                           "goal": GOALS.get(r.name, ("",))[0], "goal_met": goal_met(r), "note": r.note,
                           "cores_server_client_other": [round(c, 2) for c in r.cores]}
                          for r in self.results],
            "peak_rss_mb": round(self.rss_run_mb, 1),
            "peak_rss_scenarios_mb": None if self.rss_scenarios_mb is None else round(self.rss_scenarios_mb, 1),
            "answers_confirmed": sum(len(r.confirmed) for r in rows),
            "answers_lost": sum(r.lost for r in rows),
            "answers_failed": sum(r.failed_answers for r in rows),
            "server_exceptions": self.exceptions,
        }


def goal_met(result: Result) -> bool | None:
    goal = GOALS.get(result.name)
    return None if goal is None else goal[1](result)


def print_report(report: Report) -> None:
    print(report.header)
    print()
    print(f"| {'scenario':<28} | {'req/s':>5} | {'p50 ms':>7} | {'p99 ms':>7} | {'errors':>6} | {'x static':>8} "
          f"| {'goal':<23} | {'met':<7} | {'cores srv/cli/other':<19} |")
    print(f"|{'-' * 30}|{'-' * 6}:|{'-' * 8}:|{'-' * 8}:|{'-' * 7}:|{'-' * 9}:|{'-' * 25}|{'-' * 9}|{'-' * 21}|")
    for r in report.results:
        met = goal_met(r)
        verdict = "" if met is None else ("met" if met else "not met")
        cores = "/".join(f"{c:.2f}" for c in r.cores)
        print(f"| {r.name:<28} | {r.rate:>5.0f} | {r.p50 * 1000:>7.1f} | {r.p99 * 1000:>7.1f} | {r.errors:>6} "
              f"| {r.ratio:>7.2f}x | {GOALS.get(r.name, ('',))[0]:<23} | {verdict:<7} | {cores:<19} |")
    numbers = report.numbers()
    print()
    scenarios_only = ("" if report.rss_scenarios_mb is None
                      else f"; {report.rss_scenarios_mb:.0f} MB during the scenarios alone, after seeding")
    print(f"Peak RSS of the server: {report.rss_run_mb:.0f} MB over the whole run{scenarios_only} "
          f"(goal < {RSS_GOAL_MB} MB: {'met' if report.rss_run_mb < RSS_GOAL_MB else 'not met'})")
    print(f"Answers lost: {numbers['answers_lost']} confirmed by the server but missing from the database "
          f"(of {numbers['answers_confirmed']} confirmed); {numbers['answers_failed']} submissions failed")
    print("cores srv/cli/other: CPU used during the scenario by the server, by the bench client and wrk, and by "
          "other processes (if that last one is not near 0, the run was disturbed)")
    for r in report.results:
        if r.note:
            print(f"  {r.name}: {r.note}")
    if report.exceptions:
        print("Exceptions in the server's log:")
        for text in report.exceptions:
            print(f"  {text}")


def git_revision() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=Path(__file__).parent, text=True,
                              capture_output=True, timeout=10, check=False).stdout.strip() or "unknown"
    except OSError:
        return "unknown"


# -- main ---------------------------------------------------------------------------

def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=8, help="time per scenario (default 8)")
    parser.add_argument("--connections", type=int, default=32, help="concurrent connections (default 32)")
    parser.add_argument("--threads", type=int, default=8, help="wrk threads (default 8)")
    parser.add_argument("--learners", type=int, default=40, help="signed-in learners (default 40)")
    parser.add_argument("--json", type=Path, help="also write the numbers to this file")
    return parser.parse_args()


def seed(port: int, env: dict[str, str], learners: int) -> tuple[list[Browser], Browser, int]:
    """Learners registered 8 at a time (as many as waitress has threads, like a
    class signing up together), a tutor, and the cohort the tutor imports into."""
    with concurrent.futures.ThreadPoolExecutor(8) as pool:
        signed_in = list(pool.map(lambda n: register_learner(port, n), range(1, learners + 1)))
    tutor = create_tutor(port, env)
    return signed_in, tutor, create_cohort(tutor)


def run_scenarios(args, port: int, work_dir: Path, cpu: CpuMeter, learners: list[Browser], tutor: Browser,
                  cohort_id: int) -> list[Result]:
    cookies = [learner.cookie_header() for learner in learners]

    def wrk(name, path, with_cookies=False):
        return cpu.measure(lambda: run_wrk(name, port, path, args, work_dir, cookies if with_cookies else None))

    results = [
        wrk(STATIC, STATIC_CSS),
        wrk("lesson, anonymous", READING_LESSON),
        wrk(SIGNED_IN_LESSON, READING_LESSON, with_cookies=True),
        wrk("quiz lesson, signed in", QUIZ_LESSON, with_cookies=True),
        wrk(MY_LEARNING, "/my", with_cookies=True),
    ]
    # Tokens for the quiz lesson's GET rate, with a margin; if they run out, the row says when.
    submissions = fetch_submissions(learners, int(results[-2].rate * args.seconds * TOKEN_MARGIN) + args.connections)
    results.append(cpu.measure(lambda: submit_prepared(port, submissions, args.seconds, args.connections)))
    results.append(wrk("sign-in page", "/login"))
    results.append(cpu.measure(lambda: answers_during_import(port, learners, tutor, cohort_id, args.connections)))
    for r in results:
        r.ratio = r.rate / results[0].rate if results[0].rate else 0.0
    return results


def benchmark(args, port: int, data_dir: Path, env: dict[str, str], log_path: Path) -> Report:
    server = start_server(port, env, log_path)
    try:
        learners, tutor, cohort_id = seed(port, env, args.learners)
        rss_seeding_mb = peak_rss_mb(server.pid)
        can_reset = reset_peak_rss(server.pid)
        results = run_scenarios(args, port, data_dir, CpuMeter(server.pid), learners, tutor, cohort_id)
        rss_scenarios_mb = peak_rss_mb(server.pid) if can_reset else None
        stored = stored_attempt_ids(data_dir)
    finally:
        stop_server(server)
    for r in results:
        r.lost = len(r.confirmed - stored)
    header = (f"Academy {git_revision()}, `academy serve` (waitress) on {HOST}, {os.cpu_count()} cores; "
              f"{args.connections} connections, {args.seconds} s per scenario, {args.learners} learners")
    return Report(header, results, max(rss_seeding_mb, rss_scenarios_mb or 0.0), rss_scenarios_mb,
                  logged_exceptions(log_path))


def main() -> None:
    args = parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    data_dir = Path(tempfile.mkdtemp(prefix="academy-load-"))
    try:
        report = benchmark(args, free_port(), data_dir, server_environment(data_dir), data_dir / "server.log")
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report.numbers(), indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
