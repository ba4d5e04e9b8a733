"""Benchmark: the cohort dashboard of a 500-learner cohort on a 20-lesson course.

Builds everything in a temporary folder: a generated course in the content
format (4 modules of 5 lessons, 8 of them quizzes of 5 questions), a SQLite
database brought to the current schema by the real migrations, 500 learners
with realistic progress, quiz attempts and attendance. Then it signs a tutor
in through the Flask test client and times the tutor's pages: one cold
request, then the median and 95th percentile of the warm ones, with the
number of SQL statements each request runs.

    python bench/cohort_dashboard.py [--learners 500] [--runs 20] [--seed 7]

Target (issue 4): the dashboard in under 300 ms on the 2-core box.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

PAGES = [("dashboard", "/cohorts/{id}/dashboard"), ("questions", "/cohorts/{id}/questions"),
         ("export.csv", "/cohorts/{id}/export.csv")]
MODULES, LESSONS_PER_MODULE, GRADED_POSITIONS = 4, 5, (3, 5)
QUESTIONS = """
```quiz
id: q{m}{l}-single
type: single
question: Which part has the largest footprint?
options:
  - id: frame
    text: The frame
    correct: true
  - id: bell
    text: The bell
  - id: valve
    text: The valve cap
```

```quiz
id: q{m}{l}-multiple
type: multiple
question: Which of these save energy?
options:
  - id: insulate
    text: Insulating the oven
    correct: true
  - id: idle
    text: Switching off idle machines
    correct: true
  - id: open-door
    text: Leaving the door open
```

```quiz
id: q{m}{l}-truefalse
type: truefalse
question: Compressed air leaks waste electricity.
answer: true
```

```quiz
id: q{m}{l}-number
type: number
question: 80 kg of 200 kg is what percent?
answer: 40
tolerance: 0.5
```

```quiz
id: q{m}{l}-text
type: text
question: Which scope covers your suppliers' emissions?
accept: [scope 3, "3"]
```
"""


def write_course(root: Path) -> Path:
    course = root / "courses" / "bench-twenty-lessons"
    course.mkdir(parents=True)
    (course / "course.yml").write_text(
        "format: 1\nsource_language: en\nlanguages: [en]\nestimated_minutes: 200\npass_percent: 80\n"
        "certificate: true\ntags: [bench]\n", encoding="utf-8")
    (course / "course.en.md").write_text(
        "---\ntitle: Twenty lessons\nsummary: A generated course for the benchmark.\n---\nGenerated.\n", encoding="utf-8")
    for m in range(1, MODULES + 1):
        module = course / f"{m:02d}-module-{m}"
        module.mkdir()
        (module / "module.en.md").write_text(f"---\ntitle: Module {m}\n---\nModule {m}.\n", encoding="utf-8")
        for n in range(1, LESSONS_PER_MODULE + 1):
            body = QUESTIONS.format(m=m, l=n) if n in GRADED_POSITIONS else "Some reading.\n"
            (module / f"{n:02d}-lesson-{n}.en.md").write_text(
                f"---\ntitle: Lesson {m}.{n}\nminutes: 5\n---\n{body}", encoding="utf-8")
    return course.parent


WRONG = {"single": ["bell", "valve"], "multiple": [["insulate"], ["insulate", "open-door"]],
         "truefalse": [False], "number": [4.0, 400.0], "text": ["scope 2", "scope 1"]}


def fake_attempt(rng, lesson, skill: float):
    answers, results = {}, {}
    for question in lesson.source.questions:
        right = rng.random() < skill
        if right:
            from academy.content import QUESTION_TYPES

            answers[question.id] = QUESTION_TYPES[question.type].correct_answer(question)
        else:
            answers[question.id] = rng.choice(WRONG[question.type])
        results[question.id] = right
    score = round(100.0 * sum(results.values()) / len(results), 1)
    return answers, results, score


def populate(app, learners: int, seed: int) -> int:
    from sqlalchemy import insert, select

    from academy.auth.models import User
    from academy.auth.services import create_user
    from academy.cohorts import services
    from academy.cohorts.models import Attendance, CohortMember, CohortSession
    from academy.extensions import db
    from academy.learn.models import Attempt, Enrollment, LessonProgress
    from academy.library import get_library
    from academy.timeutil import utcnow
    from werkzeug.security import generate_password_hash

    rng = random.Random(seed)
    course = get_library().get("bench-twenty-lessons")
    assert course is not None and len(course.lessons) == 20, "the generated course did not load"
    tutor = create_user("tutor", "bench password", "Trần Văn Hùng", role="tutor", language="vi")
    start = date.today() - timedelta(days=21)
    cohort = services.create_cohort(course, "Bench cohort", "vi", start, start + timedelta(days=41), [tutor],
                                    min_attendance_percent=80)
    cheap = generate_password_hash("unused", method="pbkdf2:sha256:1000")
    names = ["Nguyễn Thị Mai", "王芳", "فاطمة الزهراء", "Trần Văn Đức", "李娜", "محمد علي", "Lê Thị Hoa", "Phạm Minh"]
    db.session.execute(insert(User), [
        {"username": f"learner{i:04d}", "display_name": f"{names[i % len(names)]} {i}", "password_hash": cheap,
         "role": "learner", "language": rng.choice(["vi", "zh", "ar", "en"])} for i in range(learners)])
    ids = list(db.session.scalars(select(User.id).where(User.role == "learner").order_by(User.id)))
    now = utcnow()
    db.session.execute(insert(CohortMember), [
        {"cohort_id": cohort.id, "user_id": uid, "course_id": course.id, "joined_dt": now - timedelta(days=20)} for uid in ids])

    enrollments, progress, attempts = [], [], []
    lessons = course.lessons
    for uid in ids:
        reached = min(len(lessons), int(rng.betavariate(2, 1.5) * (len(lessons) + 1)))
        skill = rng.uniform(0.4, 0.98)
        last = now - timedelta(days=rng.choice([0, 0, 1, 2, 3, 5, 9, 14]), hours=rng.randint(0, 20))
        enrollments.append({"user_id": uid, "course_id": course.id, "enrolled_dt": now - timedelta(days=20),
                            "last_activity_dt": last if reached else None,
                            "last_lesson_key": lessons[max(reached - 1, 0)].key})
        for position, lesson in enumerate(lessons[:reached]):
            row = {"user_id": uid, "course_id": course.id, "lesson_key": lesson.key, "started_dt": last,
                   "completed_dt": None, "best_score": None, "attempt_count": 0}
            if lesson.graded:
                for attempt_no in range(rng.choice([1, 1, 2, 3])):
                    answers, results, score = fake_attempt(rng, lesson, skill)
                    attempts.append({"token": f"{uid}-{position}-{attempt_no}", "user_id": uid, "course_id": course.id,
                                     "lesson_key": lesson.key, "lesson_version": lesson.version, "language": "en",
                                     "answers": answers, "results": results, "score": score,
                                     "passed": score >= lesson.pass_percent, "created_dt": last})
                    row["attempt_count"] += 1
                    row["best_score"] = max(row["best_score"] or 0.0, score)
                    if score >= lesson.pass_percent:
                        row["completed_dt"] = last
                        break
            elif position < reached - 1 or rng.random() < 0.7:
                row["completed_dt"] = last
            progress.append(row)
    db.session.execute(insert(Enrollment), enrollments)
    db.session.execute(insert(LessonProgress), progress)
    db.session.execute(insert(Attempt), attempts)

    sessions = []
    for week in range(6):
        for modality in ("in-person", "webinar"):
            sessions.append({"cohort_id": cohort.id, "modality": modality, "place": "Room 2",
                             "starts_dt": datetime.combine(start, datetime.min.time()) + timedelta(days=7 * week, hours=8 + (modality == "webinar") * 6)})
    db.session.execute(insert(CohortSession), sessions)
    held = db.session.scalars(select(CohortSession.id).where(CohortSession.starts_dt <= datetime.now())).all()
    db.session.execute(insert(Attendance), [
        {"session_id": sid, "user_id": uid, "status": rng.choices(["present", "absent", "excused"], [8, 1, 1])[0],
         "recorded_dt": now} for sid in held for uid in ids])
    db.session.commit()
    print(f"data: {learners} learners, {len(lessons)} lessons ({sum(l.graded for l in lessons)} quizzes), "
          f"{len(progress)} progress rows, {len(attempts)} attempts, {len(held)} sessions held", file=sys.stderr)
    return cohort.id


def sign_in(client) -> None:
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    response = client.post("/login", data={"csrf_token": token, "username": "tutor", "password": "bench password"})
    assert response.status_code == 302, "the tutor could not sign in"


def time_page(app, client, url: str, runs: int) -> dict:
    from sqlalchemy import event

    from academy.extensions import db

    statements = []

    def count(*args):
        statements.append(1)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    started = time.perf_counter()
    response = client.get(url)
    cold = (time.perf_counter() - started) * 1000
    event.remove(engine, "before_cursor_execute", count)
    assert response.status_code == 200, (url, response.status_code)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
    return {"queries": len(statements), "cold": cold, "median": statistics.median(times), "p95": p95,
            "kb": len(response.data) / 1024}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=500)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from academy import create_app
    from academy.setup import upgrade_database

    with tempfile.TemporaryDirectory(prefix="academy-bench-") as tmp:
        root = Path(tmp)
        courses = write_course(root)
        import logging

        logging.disable(logging.INFO)  # Alembic's progress lines
        app = create_app({"DATA_DIR": str(root / "data"), "COURSES_DIR": str(courses), "SECRET_KEY": "bench",
                          "CONTENT_RELOAD_SECONDS": 3600})
        upgrade_database(app)
        with app.app_context():
            cohort_id = populate(app, args.learners, args.seed)
            from academy.extensions import db

            db.session.remove()
        client = app.test_client()
        sign_in(client)
        print("\n| page | learners | lessons | queries | cold ms | median ms | p95 ms | size KB |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        results = {}
        for name, pattern in PAGES:
            result = time_page(app, client, pattern.format(id=cohort_id), args.runs)
            results[name] = result
            print(f"| {name} | {args.learners} | 20 | {result['queries']} | {result['cold']:.0f} | "
                  f"{result['median']:.0f} | {result['p95']:.0f} | {result['kb']:.0f} |")
        with app.app_context():
            from academy.extensions import db

            db.engine.dispose()
    target = results["dashboard"]["median"] < 300
    print(f"\ndashboard median {'under' if target else 'OVER'} the 300 ms target "
          f"(warm runs: {args.runs}; cold = first request, includes reading the course)")
    return 0 if target else 1


if __name__ == "__main__":
    sys.exit(main())
