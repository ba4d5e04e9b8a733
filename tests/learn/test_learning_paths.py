"""Learning paths for learners: in the catalog, started with one button,
followed on "My learning", completed when every course in it is."""

from __future__ import annotations

import pytest
from helpers import take_whole_course

from academy.extensions import db
from academy.learn import learning_paths as paths
from academy.learn import services as learning

PATH = "workplace-rights-basics"


@pytest.fixture
def path(library):
    return library.get_path(PATH)


@pytest.fixture
def learner(make_user):
    return make_user("thu", display_name="Đỗ Thu", language="vi")


def test_the_catalog_shows_the_path_in_the_readers_language_with_who_it_is_for(client):
    client.get("/lang/vi")
    page = client.get("/").get_data(as_text=True)
    assert "Những kiến thức cơ bản về quyền tại nơi làm việc" in page
    assert "/paths/workplace-rights-basics/" in page


def test_the_path_page_lists_its_courses_in_order(client):
    page = client.get(f"/paths/{PATH}/").get_data(as_text=True)
    assert page.index("Preventing sexual harassment at work") < page.index("Human-rights due diligence essentials")
    assert "Workers, Supervisors" in page


def test_an_unknown_path_is_not_found(client):
    assert client.get("/paths/no-such-path/").status_code == 404


def test_starting_a_path_enrols_the_learner_in_its_courses_and_opens_the_first(client, login, learner):
    login(client, learner)
    response = client.post(f"/paths/{PATH}/start")
    assert response.status_code == 302 and response.headers["Location"].endswith("/courses/preventing-sexual-harassment/")
    assert learning.enrolled_course_ids(learner) == {"preventing-sexual-harassment", "hrdd-essentials"}
    assert paths.path_enrollment_for(learner, PATH) is not None


def test_starting_a_path_twice_is_harmless(client, login, learner):
    login(client, learner)
    client.post(f"/paths/{PATH}/start")
    assert client.post(f"/paths/{PATH}/start").status_code == 302


def test_my_learning_shows_the_progress_through_the_path(client, login, learner, library, make_user):
    admin = make_user("boss", role="admin")
    login(client, learner)
    client.post(f"/paths/{PATH}/start")
    take_whole_course(learner, library.get("hrdd-essentials"), admin)
    db.session.commit()
    client.get("/lang/en")
    page = client.get("/my").get_data(as_text=True)
    assert "Your learning paths" in page and "1 of 2 courses complete" in page


def test_the_path_is_complete_when_every_course_is(learner, library, path, make_user):
    admin = make_user("boss", role="admin")
    paths.enrol_in_path(learner, path, library)
    take_whole_course(learner, library.get("preventing-sexual-harassment"), admin)
    assert paths.path_progress(learner, path, library).is_complete is False
    take_whole_course(learner, library.get("hrdd-essentials"), admin)
    paths.update_path_completion(learner, library)
    assert paths.path_progress(learner, path, library).is_complete
    assert paths.path_enrollment_for(learner, PATH).completed_dt is not None
