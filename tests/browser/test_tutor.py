"""A tutor runs a cohort in a real browser on a phone, in their language."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

pytestmark = pytest.mark.browser

CLASS_LIST = "display_name,username,language\nNguyễn Văn Bình,binh-{tag},vi\n王梓萱,zixuan-{tag},zh\nعمر خالد,omar-{tag},ar\n"


@pytest.mark.parametrize(("language", "username"), [("vi", "tutor-vi"), ("ar", "tutor-ar")])
def test_a_tutor_creates_a_cohort_imports_a_class_and_takes_attendance(browser, live_server, screenshot, tmp_path, language, username):
    base_url, app = live_server
    with app.app_context():
        from academy.auth.services import create_user
        from academy.extensions import db

        create_user(username, "tutor password", "Trần Thu Hà", role="tutor", language=language)
        db.session.commit()
    context = browser.new_context(viewport={"width": 360, "height": 740}, base_url=base_url)
    page = context.new_page()
    page.goto("/login")
    page.fill("#username", username)
    page.fill("#password", "tutor password")
    page.click("form.stacked-form button[type=submit]")
    page.wait_for_url("**/my")
    assert page.evaluate("document.documentElement.lang") == language

    page.goto("/cohorts/new")
    page.select_option("#course", "chemical-safety-electronics")
    page.fill("#name", f"Xưởng 3 ({language})")
    page.fill("#starts_on", (date.today() - timedelta(days=1)).isoformat())
    page.fill("#ends_on", (date.today() + timedelta(days=30)).isoformat())
    page.click("#main form button[type=submit] >> nth=0")
    page.wait_for_url("**/cohorts/*/")
    cohort_url = page.url
    screenshot(page, f"cohort-overview-{language}")

    class_list = tmp_path / "class.csv"
    class_list.write_text(CLASS_LIST.format(tag=language), encoding="utf-8-sig")
    page.goto(cohort_url + "import")
    page.set_input_files("input[type=file]", str(class_list))
    page.click("#main form button[type=submit] >> nth=0")
    page.wait_for_load_state()
    screenshot(page, f"cohort-import-result-{language}")
    for name in ("Nguyễn Văn Bình", "王梓萱", "عمر خالد"):
        page.get_by_text(name).first.wait_for(state="visible")
    screenshot(page, f"cohort-credentials-{language}")

    page.goto(cohort_url + "sessions")
    page.fill("input[type=datetime-local]", (datetime.now() - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M"))
    page.click("#main form button[type=submit] >> nth=0")
    page.locator("a[href*='/attendance']").first.click()
    radios = page.locator("input[type=radio][value=present]")
    for index in range(radios.count()):
        radios.nth(index).check()
    page.locator("#main form button[type=submit]").last.click()
    page.goto(cohort_url + "dashboard")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360 or page.locator(".table-scroll").count() > 0
    screenshot(page, f"cohort-dashboard-{language}")
    context.close()
