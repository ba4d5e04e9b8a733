"""Whole journeys in a real browser, as a new learner on a phone would take them."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

COURSE_ID = "chemical-safety-electronics"
PASSWORD = "a good long password"


def lesson_path(lesson) -> str:
    return f"/courses/{COURSE_ID}/{lesson.module_id}/{lesson.id}"


def register(page, language: str, username: str, display_name: str):
    page.goto(f"/lang/{language}?next=/register")
    page.fill("#display_name", display_name)
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.fill("#confirm", PASSWORD)
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url("**/")


def answer_question(page, question, with_javascript: bool = True):
    name = f"q-{question.id}"
    if question.type == "single":
        page.check(f'input[name="{name}"][value="{next(c.id for c in question.choices if c.correct)}"]')
    elif question.type == "multiple":
        for choice in question.choices:
            if choice.correct:
                page.check(f'input[name="{name}"][value="{choice.id}"]')
    elif question.type == "truefalse":
        page.check(f'input[name="{name}"][value="{str(question.answer).lower()}"]')
    elif question.type == "text":
        page.fill(f'input[name="{name}"]', question.accept[0])
    elif question.type == "number":
        page.fill(f'input[name="{name}"]', f"{question.answer:g}")
    elif question.type == "order":
        correct = [c.id for c in question.choices]
        if not with_javascript:
            for position, item_id in enumerate(correct, start=1):
                page.select_option(f'select[name="{name}-{item_id}"]', str(position))
            return
        # Use the move-up buttons, as a person would: bubble each item into place.
        for target_index, item_id in enumerate(correct):
            while True:
                names = page.eval_on_selector_all(f"#question-{question.id} .order-item select", "els => els.map(e => e.name)")
                current = names.index(f"{name}-{item_id}")
                if current == target_index:
                    break
                page.locator(f"#question-{question.id} .order-item").nth(current).locator("button.order-move").first.click()


def take_course_to_first_quiz(page, course, language: str):
    """Enrol, read the lessons before the first quiz, answer it right."""
    page.goto(f"/courses/{COURSE_ID}/")
    page.click(f'form[action="/courses/{COURSE_ID}/enroll"] button')
    for lesson in course.lessons:
        page.wait_for_url(f"**{lesson_path(lesson)}")
        if not lesson.graded:
            page.click(f'form[action="{lesson_path(lesson)}/done"] button')
            continue
        for question in lesson.text(language).questions:
            answer_question(page, question)
        page.click(".quiz-submit button[type=submit]")
        page.wait_for_url("**/attempts/*")
        return lesson
    raise AssertionError("the course has no quiz")


@pytest.mark.parametrize(("language", "username", "display_name"), [
    ("vi", "huong", "Phạm Thị Hương"),
    ("ar", "fatima", "فاطمة الزهراء"),
])
def test_a_new_learner_takes_the_course_self_paced_and_resumes_later(phone, live_server, screenshot, language, username, display_name):
    _base, app = live_server
    with app.app_context():
        from academy.library import get_library

        course = get_library().get(COURSE_ID)
    register(phone, language, username, display_name)
    expected_dir = "rtl" if language == "ar" else "ltr"
    assert phone.evaluate("document.documentElement.dir") == expected_dir

    quiz = take_course_to_first_quiz(phone, course, language)
    assert phone.locator(".result-summary.passed").is_visible()
    assert phone.locator(".result.wrong").count() == 0
    screenshot(phone, f"result-{language}")

    # Open the next lesson, then leave (sign out) and come back later.
    _, following = course.neighbours(quiz)
    phone.goto(lesson_path(following))
    screenshot(phone, f"lesson-{language}")
    phone.click("form[action='/logout'] button")
    phone.goto("/login")
    phone.fill("#username", username)
    phone.fill("#password", PASSWORD)
    phone.click("form.stacked-form button[type=submit]")
    phone.wait_for_url("**/my")
    assert phone.locator("progress").first.get_attribute("value") != "0"
    screenshot(phone, f"my-learning-{language}")
    phone.click(".card a.button")
    phone.wait_for_url(f"**{lesson_path(following)}")
    assert phone.foreign_requests == []


def test_an_arabic_page_mirrors_its_layout(phone):
    phone.goto(f"/lang/ar?next=/courses/{COURSE_ID}/")
    brand = phone.locator(".brand").bounding_box()
    assert brand["x"] > 360 / 2, "the site name should sit on the right in Arabic"
    phone.goto(f"/lang/en?next=/courses/{COURSE_ID}/")
    assert phone.locator(".brand").bounding_box()["x"] < 360 / 2


@pytest.mark.parametrize("language", ["en", "vi", "zh", "ar"])
def test_no_lesson_is_wider_than_a_360_px_phone(phone, live_server, language):
    _base, app = live_server
    with app.app_context():
        from academy.library import get_library

        courses = list(get_library().courses.values())
    phone.goto(f"/lang/{language}?next=/")
    for course in courses:
        for lesson in course.lessons:
            phone.goto(f"/courses/{course.id}/{lesson.module_id}/{lesson.id}")
            width = phone.evaluate("document.documentElement.scrollWidth")
            assert width <= 360, f"{course.id}/{lesson.key} in {language} is {width}px wide"
    assert phone.foreign_requests == []


def test_a_chinese_lesson_with_a_figure_renders_its_image(phone, screenshot):
    phone.goto("/lang/zh?next=/courses/climate-action-cycling/where-emissions-come-from/bicycle-hot-spots")
    image = phone.locator(".lesson img").first
    image.scroll_into_view_if_needed()
    assert phone.evaluate("img => img.complete && img.naturalWidth > 0", image.element_handle())
    assert phone.evaluate("document.documentElement.lang") == "zh-Hans"
    screenshot(phone, "lesson-zh-figure")


def test_an_order_question_can_be_answered_without_javascript(browser, live_server):
    base_url, app = live_server
    with app.app_context():
        from academy.library import get_library

        course = get_library().get(COURSE_ID)
    lesson = next(lesson for lesson in course.lessons if any(q.type == "order" for q in lesson.source.questions))
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740}, base_url=base_url)
    page = context.new_page()
    register(page, "en", "nojs", "No Script")
    page.goto(f"/courses/{COURSE_ID}/")
    page.click(f'form[action="/courses/{COURSE_ID}/enroll"] button')
    page.goto(lesson_path(lesson))
    for question in lesson.source.questions:
        answer_question(page, question, with_javascript=False)
    page.click(".quiz-submit button[type=submit]")
    page.wait_for_url("**/attempts/*")
    assert page.locator(".result-summary.passed").is_visible()
    context.close()
