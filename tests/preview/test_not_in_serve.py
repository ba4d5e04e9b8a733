"""What the preview adds never exists in the app `academy serve` runs: no
preview page, no answer key, no reload script, whatever the address says."""

from __future__ import annotations

from markupsafe import escape

LESSON_URL = "/courses/climate-action-cycling/why-climate-action/check-your-understanding"


def test_a_normal_app_has_no_preview_routes(app):
    assert "preview" not in app.blueprints
    assert not [rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/preview") or rule.endpoint.startswith("preview.")]


def test_a_normal_app_answers_not_found_at_the_preview_addresses(client):
    assert client.get("/preview/version").status_code == 404
    assert client.post("/preview/restart", csrf=False).status_code == 404


def test_an_enrolled_learner_gets_no_answer_key_on_a_lesson_page(client, make_user, login, course):
    login(client, make_user())
    client.post(f"/courses/{course.id}/enroll")
    html = client.get(LESSON_URL).get_data(as_text=True)
    assert 'name="attempt"' in html  # the questions are there, to be answered
    assert "answer-key" not in html and "Answer key" not in html
    assert str(escape("Right. Bought electricity is scope 2 for the company that uses it.")) not in html
    assert "preview.js" not in html and "preview-bar" not in html


def test_a_token_in_the_address_means_nothing_to_a_normal_app(client):
    response = client.get(f"{LESSON_URL}?token=anything")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "answer-key" not in html and "preview-bar" not in html


def test_a_normal_course_page_shows_no_problems_box(client):
    html = client.get("/courses/climate-action-cycling/").get_data(as_text=True)
    assert "preview-problems" not in html and "No errors or warnings" not in html
