"""A programme officer reads the impact report on a 360 px phone, in
Vietnamese and in Arabic (right to left): nothing runs off the screen but
the tables, which scroll in their own box, and the charts are drawn."""

from __future__ import annotations

from datetime import date

import pytest

pytestmark = pytest.mark.browser

# Where on the page a "<" of "<5" is drawn right of its "5" (a mirrored "5>").
MIRRORED_SMALL_NUMBERS = """() => {
  const found = [];
  const walker = document.createTreeWalker(document.querySelector("main") || document.body, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    for (let i = 0; i + 1 < node.data.length; i++) {
      if (node.data[i] !== "<" || node.data[i + 1] !== "5") continue;
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const less = range.getBoundingClientRect().left;
      range.setStart(node, i + 1); range.setEnd(node, i + 2);
      if (less > range.getBoundingClientRect().left) found.push(node.parentElement.className || node.parentElement.tagName);
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def programme(live_server):
    """Two enterprises with learners of both genders and several job roles,
    a cohort that meets in person and a session with attendance."""
    _base_url, app = live_server
    with app.app_context():
        from datetime import datetime, timedelta

        from academy.auth.services import create_user
        from academy.cohorts import attendance, services
        from academy.extensions import db
        from academy.learn import services as learning
        from academy.library import get_library
        from academy.programmes import services as programmes

        course = get_library().get("chemical-safety-electronics")
        tutor = create_user("report-tutor", "tutor password", "Trần Thu Hà", role="tutor")
        create_user("officer-vi", "officer password", "Phạm Minh Anh", role="officer", language="vi")
        create_user("officer-ar", "officer password", "ليلى حسن", role="officer", language="ar")
        saigon = programmes.create_organisation("Công ty May Sài Gòn", "VN", "apparel")
        cairo = programmes.create_organisation("مصنع القاهرة للإلكترونيات", "EG", "electronics")
        cohort = services.create_cohort(course, "Xưởng 2", "vi", date.today() - timedelta(days=10),
                                        date.today() + timedelta(days=20), [tutor], organisation_id=saigon.id)
        members = []
        for index in range(24):
            organisation = saigon if index < 16 else cairo
            user = create_user(f"report-learner-{index}", "learner password", f"Learner {index}")
            programmes.set_organisation(user, organisation.id)
            programmes.update_profile(user, {"gender": ("woman", "man")[index % 2] if index % 7 else None,
                                             "job_role": ("worker", "worker", "supervisor")[index % 3]})
            if index < 12:
                services.join_cohort(user, cohort, course)
                members.append(user)
            else:
                learning.enroll(user, course)
            for lesson in course.lessons[: index % 5]:
                if not lesson.graded:
                    learning.mark_done(user, course, lesson)
        session = attendance.add_session(cohort, datetime.now() - timedelta(days=2), "in-person")
        attendance.record_attendance(session, {u.id: "present" if i % 4 else "absent" for i, u in enumerate(members)})
        db.session.commit()
    return app


@pytest.mark.parametrize(("language", "username"), [("vi", "officer-vi"), ("ar", "officer-ar")])
def test_the_impact_report_reads_well_on_a_phone(browser, live_server, programme, screenshot, language, username):
    base_url, _app = live_server
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=base_url, device_scale_factor=1)
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", "officer password")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url("**/my")
    page.goto("/reports")
    assert page.evaluate("document.documentElement.dir") == ("rtl" if language == "ar" else "ltr")
    # The page itself never scrolls sideways; wide tables scroll in their box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    charts = page.locator("figure.chart")
    assert charts.count() >= 5
    box = charts.first.bounding_box()
    assert box["width"] > 250 and box["x"] >= 0 and box["x"] + box["width"] <= 360
    # Every line of a chart's text stays on the screen (long names wrap).
    for text in page.locator(".chart-text").all():
        line = text.bounding_box()
        assert line["x"] >= 0 and line["x"] + line["width"] <= 360
    # The bars of a right-to-left page grow from the right edge.
    bar = page.locator("figure.chart rect.chart-bar").first.bounding_box()
    track = page.locator("figure.chart rect.chart-track").first.bounding_box()
    if language == "ar":
        assert abs((bar["x"] + bar["width"]) - (track["x"] + track["width"])) < 1
    else:
        assert abs(bar["x"] - track["x"]) < 1
    # "<5" reads "<5" in every sentence and cell, never mirrored as "5>".
    assert "<5" in page.inner_text("body") and page.evaluate(MIRRORED_SMALL_NUMBERS) == []
    screenshot(page, f"impact-report-{language}")
    context.close()
