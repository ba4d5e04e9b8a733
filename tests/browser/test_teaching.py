"""Assignments, learning paths and lesson feedback in a real browser: a
Vietnamese learner on a phone and a tutor who reads Arabic."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

PASSWORD = "a good long password"
COURSE = "preventing-sexual-harassment"
PHOTO = Path(__file__).resolve().parents[1] / "fixtures" / "uploads" / "notice-board.jpg"
FIRST_ANSWER = "Tôi có thể báo cho tổ trưởng hoặc gọi đường dây nóng của công ty."
SECOND_ANSWER = (FIRST_ANSWER + " Nếu tổ trưởng là người quấy rối, tôi báo cho công đoàn cơ sở hoặc phòng nhân sự. "
                 "Báo cáo được ghi lại, tôi được báo đã nhận trong vài ngày, công ty điều tra và giữ bí mật; "
                 "không ai bị trù dập vì đã báo cáo.")


def sign_in(page, username: str, language: str):
    page.goto(f"/lang/{language}?next=/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url("**/my")


def answer_quiz(page, questions):
    for question in questions:
        name = f"q-{question.id}"
        if question.type == "single":
            page.check(f'input[name="{name}"][value="{next(c.id for c in question.choices if c.correct)}"]')
        elif question.type == "multiple":
            for choice in question.choices:
                if choice.correct:
                    page.check(f'input[name="{name}"][value="{choice.id}"]')
        elif question.type == "truefalse":
            page.check(f'input[name="{name}"][value="{str(question.answer).lower()}"]')
        elif question.type in ("text", "number"):
            page.fill(f'input[name="{name}"]', question.accept[0] if question.type == "text" else f"{question.answer:g}")
        elif question.type == "order":
            page.evaluate("document.querySelectorAll('.order-enhanced').forEach(e => e.classList.remove('order-enhanced'))")
            for position, item in enumerate(question.choices, start=1):
                page.select_option(f'select[name="{name}-{item.id}"]', str(position))


def setup_class(app):
    """An Arabic-speaking tutor's cohort on the harassment course, and a
    Vietnamese learner in it who has done every lesson but the one with the
    assignment."""
    with app.app_context():
        import secrets

        from helpers import answers_for

        from academy.auth.services import create_user
        from academy.cohorts import services as cohorts
        from academy.extensions import db
        from academy.learn import services as learning
        from academy.library import get_library

        course = get_library().get(COURSE)
        tutor = create_user("tutor-layla", PASSWORD, "ليلى حسن", role="tutor", language="ar")
        learner = create_user("mai-vi", PASSWORD, "Nguyễn Thị Mai", language="vi")
        cohort = cohorts.create_cohort(course, "Xưởng may số 2", "vi", date.today() - timedelta(days=3),
                                       date.today() + timedelta(days=25), [tutor])
        cohorts.join_cohort(learner, cohort, course)
        for lesson in course.lessons:
            if lesson.assignments:
                continue
            if lesson.graded:
                form = {k: v if isinstance(v, list) else [v] for k, v in answers_for(lesson.source).items()}
                learning.submit_attempt(learner, course, lesson, "vi", secrets.token_hex(8), form)
            else:
                learning.mark_done(learner, course, lesson)
        db.session.commit()
        return course, course.lesson("speaking-up", "grievance-channel"), cohort.id


def review(page, cohort_id: int, decision: str, feedback: str, marks: dict[str, str]):
    page.goto(f"/cohorts/{cohort_id}/reviews")
    page.get_by_text("Nguyễn Thị Mai").first.click()
    page.wait_for_url("**/reviews/*")
    for criterion, mark in marks.items():
        page.check(f'input[name="criterion-{criterion}"][value="{mark}"]')
    page.fill("#feedback", feedback)
    return page


def test_a_learner_hands_in_a_photo_the_tutor_returns_it_in_arabic_and_then_accepts_it(browser, live_server, phone, screenshot):
    _base, app = live_server
    course, lesson, cohort_id = setup_class(app)
    lesson_path = f"/courses/{COURSE}/{lesson.module_id}/{lesson.id}"

    # The learner, on a 360 px phone in Vietnamese: the quiz first, then the assignment with a photo.
    sign_in(phone, "mai-vi", "vi")
    phone.goto(lesson_path)
    answer_quiz(phone, lesson.text("vi").questions)
    phone.click(".quiz-submit button[type=submit]")
    phone.wait_for_url("**/attempts/*")
    phone.goto(lesson_path + "#assignment-report-a-concern")
    phone.fill("#answer-report-a-concern-text", FIRST_ANSWER)
    phone.set_input_files("#answer-report-a-concern-file", str(PHOTO))
    screenshot(phone, "assignment-lesson-vi-360")
    phone.click('button[form="answer-report-a-concern"][value="submit"]')
    phone.wait_for_url(f"**{lesson_path}*")
    assert phone.locator(".flash-info").first.is_visible()
    phone.locator("#assignment-report-a-concern").scroll_into_view_if_needed()
    assert phone.locator("#assignment-report-a-concern .answer-files img").count() == 1
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360
    screenshot(phone, "assignment-handed-in-vi-360")

    # The tutor, in Arabic: marks each criterion, returns it with feedback.
    tutor = browser.new_context(viewport={"width": 800, "height": 900}, base_url=_base).new_page()
    sign_in(tutor, "tutor-layla", "ar")
    assert tutor.evaluate("document.documentElement.dir") == "rtl"
    review(tutor, cohort_id, "returned", "بداية جيدة. اذكري أيضًا ما يحدث بعد البلاغ، وأن البلاغ سري.",
           {"channels": "met", "what-happens": "not-yet", "protection": "not-yet"})
    assert tutor.locator(".answer-files img").count() == 1
    screenshot(tutor, "review-returning-ar")
    tutor.click('button[name="decision"][value="returned"]')
    tutor.wait_for_url(f"**/cohorts/{cohort_id}/reviews")
    screenshot(tutor, "review-queue-ar")

    # The learner is told on My learning, reads the feedback and tries again.
    phone.goto("/my")
    assert phone.locator(".my-answers .card-attention").count() == 1
    assert "بداية جيدة" in phone.locator(".my-answers").inner_text()
    screenshot(phone, "my-learning-returned-vi-360")
    phone.locator(".my-answers a.button").first.click()
    phone.wait_for_url("**/assignments/report-a-concern")
    phone.fill("#answer-page-text", SECOND_ANSWER)
    screenshot(phone, "assignment-page-second-try-vi-360")
    phone.click('button[form="answer-page"][value="submit"]')
    phone.wait_for_load_state()

    # The tutor accepts the second try: the course is complete and the certificate issued.
    review(tutor, cohort_id, "accepted", "Rất tốt — câu trả lời đầy đủ.",
           {"channels": "met", "what-happens": "met", "protection": "met"})
    tutor.click('button[name="decision"][value="accepted"]')
    tutor.wait_for_url(f"**/cohorts/{cohort_id}/reviews")
    assert tutor.locator(".flash-info").count() == 2  # accepted; the certificate is issued
    tutor.context.close()

    phone.goto("/my")
    assert phone.locator(".certificate-links a").count() == 4
    screenshot(phone, "my-learning-certificate-vi-360")
    pdf = phone.request.get(phone.locator(".certificate-links a").first.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    assert phone.foreign_requests == []


def test_a_learner_completes_a_path_and_gets_its_certificate(browser, live_server, phone, screenshot):
    _base, app = live_server
    with app.app_context():
        from helpers import take_whole_course

        from academy.auth.services import create_user
        from academy.extensions import db
        from academy.learn import learning_paths
        from academy.library import get_library

        library = get_library()
        admin = create_user("admin-path", PASSWORD, "Admin", role="admin")
        learner = create_user("an-path", PASSWORD, "Phạm Văn An", language="vi")
        take_whole_course(learner, library.get(COURSE), admin, "vi")
        hrdd = library.get("hrdd-essentials")
        take_whole_course(learner, hrdd, admin, "vi")
        # Undo the last lesson, to take it in the browser.
        from sqlalchemy import delete, update

        from academy.learn.models import Attempt, Enrollment, LessonProgress
        last = hrdd.lessons[-1]
        db.session.execute(delete(Attempt).where(Attempt.user_id == learner.id, Attempt.lesson_key == last.key))
        db.session.execute(delete(LessonProgress).where(LessonProgress.user_id == learner.id, LessonProgress.lesson_key == last.key))
        db.session.execute(update(Enrollment).where(Enrollment.user_id == learner.id, Enrollment.course_id == hrdd.id)
                           .values(completed_dt=None))
        db.session.commit()
        assert learning_paths.path_enrollment_for(learner, "workplace-rights-basics") is None

    sign_in(phone, "an-path", "vi")
    phone.goto("/")
    phone.click('a[href="/paths/workplace-rights-basics/"]')
    screenshot(phone, "path-page-vi-360")
    phone.click('form[action="/paths/workplace-rights-basics/start"] button')
    phone.wait_for_url("**/courses/hrdd-essentials/")
    phone.goto(f"/courses/hrdd-essentials/{last.module_id}/{last.id}")
    if last.graded:
        answer_quiz(phone, last.text("vi").questions)
        phone.click(".quiz-submit button[type=submit]")
        phone.wait_for_url("**/attempts/*")
    else:
        phone.click(f'form[action$="/{last.id}/done"] button')
    assert phone.locator(".flash-info").count() >= 2  # the course's certificate and the path's
    phone.goto("/my")
    assert phone.locator(".my-paths .certificate-links a").count() == 4
    screenshot(phone, "my-learning-path-certificate-vi-360")
    pdf = phone.request.get(phone.locator(".my-paths .certificate-links a").first.get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF")


def test_the_admin_reads_feedback_in_four_languages(browser, live_server, screenshot):
    _base, app = live_server
    comments = {
        "en": ("The night-shift story made it real for me.", True),
        "vi": ("Bài học dễ hiểu, nhưng phần luật hơi khó.", True),
        "zh": ("例子很实用，希望多一些图片。", False),
        "ar": ("الدرس مفيد، لكن بعض الكلمات صعبة على العمال.", True),
    }
    with app.app_context():
        import secrets

        from helpers import answers_for

        from academy.auth.services import create_user
        from academy.extensions import db
        from academy.learn import feedback
        from academy.learn import services as learning
        from academy.library import get_library

        course = get_library().get(COURSE)
        create_user("admin-feedback", PASSWORD, "Admin", role="admin")
        quiz = next(lesson for lesson in course.lessons if lesson.graded)
        wrong = quiz.source.questions[0]
        for language, (comment, helpful) in comments.items():
            user = create_user(f"beta-{language}", PASSWORD, f"Beta {language}", language=language)
            learning.enroll(user, course)
            feedback.save_feedback(user, course, course.lessons[0], helpful, comment, language)
            feedback.save_feedback(user, course, quiz, not helpful, comment, language)
            form = {**answers_for(quiz.source), **{k: v for k, v in answers_for(quiz.source, correct=False).items()
                                                   if k.startswith(f"q-{wrong.id}")}}
            form = {k: v if isinstance(v, list) else [v] for k, v in form.items()}
            learning.submit_attempt(user, course, quiz, language, secrets.token_hex(8), form)
        db.session.commit()
    page = browser.new_context(viewport={"width": 1000, "height": 900}, base_url=_base).new_page()
    sign_in(page, "admin-feedback", "en")
    page.goto(f"/admin/feedback/{COURSE}")
    for comment, _helpful in comments.values():
        page.get_by_text(comment).first.wait_for(state="visible")
    # The question each language's learner got wrong, counted with every
    # attempt in that language (other journeys of this module answered too).
    with app.app_context():
        from sqlalchemy import select

        from academy.learn.models import Attempt

        for language in comments:
            results = [a.results[wrong.id] for a in db.session.scalars(
                select(Attempt).filter_by(course_id=COURSE, lesson_key=quiz.key, language=language))]
            right = sum(results)
            expected = f"{right} of {len(results)} right ({round(100 * right / len(results))}%)"
            assert right < len(results) and page.get_by_text(expected).count() >= 1, (language, expected)
    screenshot(page, "feedback-four-languages")
    page.context.close()
