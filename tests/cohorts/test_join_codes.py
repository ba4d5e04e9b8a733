"""Join codes: easy to read aloud and type, forgiving in how they are typed,
strict about which cohort they open and for how long."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from academy.auth.models import User
from academy.cohorts import services
from academy.cohorts.models import CohortMember
from academy.extensions import db
from academy.learn.models import Enrollment


def membership(user):
    return db.session.scalar(select(CohortMember).filter_by(user_id=user.id))


def grouped(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def test_a_code_has_eight_characters_without_look_alikes():
    codes = "".join(services.make_join_code() for _ in range(300))
    assert len(codes) == 2400
    assert not set(codes) & set("0O1IL")
    assert set(codes) <= set("ABCDEFGHJKMNPQRSTUVWXYZ23456789")


def test_a_code_is_shown_in_two_groups_of_four():
    assert services.format_join_code("K7QF3MXP") == "K7QF-3MXP"


@pytest.mark.parametrize("typed", ["k7qf-3mxp", "K7QF 3MXP", " k7qf3mxp ", "Ｋ７ＱＦ－３ＭＸＰ", "k7q f3m-xp"])
def test_typing_ignores_case_spaces_hyphens_and_full_width_letters(typed):
    assert services.normalise_join_code(typed) == "K7QF3MXP"


def test_every_cohort_gets_its_own_code(make_cohort):
    codes = {make_cohort(name=f"class {n}").join_code for n in range(5)}
    assert len(codes) == 5


def test_joining_with_a_code_puts_the_learner_in_the_cohort_and_enrols_them(client, login, make_user, cohort):
    learner = make_user("hoa")
    login(client, learner)
    response = client.post("/cohorts/join", data={"code": grouped(cohort.join_code).lower()})
    assert response.status_code == 302 and response.headers["Location"] == "/my"
    assert membership(learner).cohort_id == cohort.id
    assert db.session.scalar(select(Enrollment).filter_by(user_id=learner.id, course_id=cohort.course_id))


def test_joining_twice_is_harmless(client, login, make_user, cohort):
    learner = make_user("hoa")
    login(client, learner)
    client.post("/cohorts/join", data={"code": cohort.join_code})
    client.post("/cohorts/join", data={"code": cohort.join_code})
    assert db.session.scalar(select(func.count(CohortMember.id))) == 1


def test_a_wrong_code_says_so_and_changes_nothing(client, login, make_user, cohort):
    learner = make_user("hoa")
    login(client, learner)
    response = client.post("/cohorts/join", data={"code": "ABCD-EFGH"})
    assert response.status_code == 422
    assert "This join code is not right" in response.get_data(as_text=True)
    assert membership(learner) is None
    assert db.session.scalar(select(Enrollment).filter_by(user_id=learner.id)) is None


def test_an_expired_code_says_so_and_changes_nothing(client, login, make_user, make_cohort):
    cohort = make_cohort(join_code_expires_on=date.today() - timedelta(days=1))
    learner = make_user("hoa")
    login(client, learner)
    response = client.post("/cohorts/join", data={"code": cohort.join_code})
    assert response.status_code == 422
    assert "This join code has expired" in response.get_data(as_text=True)
    assert membership(learner) is None


def test_a_code_still_works_on_its_last_day(make_cohort):
    cohort = make_cohort(join_code_expires_on=date(2026, 3, 1))
    assert services.cohort_for_code(cohort.join_code, today=date(2026, 3, 1)) == cohort


def test_a_new_code_replaces_the_old_one(client, login, tutor, cohort, make_user):
    old = cohort.join_code
    login(client, tutor)
    client.post(f"/cohorts/{cohort.id}/code")
    db.session.refresh(cohort)
    assert cohort.join_code != old
    with pytest.raises(services.CohortError) as error:
        services.cohort_for_code(old)
    assert error.value.code == "unknown-code"


def test_a_learner_is_in_one_cohort_per_course(client, login, make_user, make_cohort):
    first, second = make_cohort(name="Morning"), make_cohort(name="Evening")
    learner = make_user("hoa")
    login(client, learner)
    client.post("/cohorts/join", data={"code": first.join_code})
    response = client.post("/cohorts/join", data={"code": second.join_code})
    assert response.status_code == 422
    assert "You are already in the cohort “Morning”" in response.get_data(as_text=True)
    assert membership(learner).cohort_id == first.id


def test_the_join_link_fills_in_the_code_for_a_signed_in_learner(client, login, make_user, cohort):
    login(client, make_user("hoa"))
    page = client.get(f"/cohorts/join?code={cohort.join_code.lower()}").get_data(as_text=True)
    assert f'value="{grouped(cohort.join_code)}"' in page


def test_the_join_link_offers_sign_in_and_registration_to_a_visitor(client, cohort):
    page = client.get(f"/cohorts/join?code={cohort.join_code}").get_data(as_text=True)
    assert "/login?next=" in page
    assert f"/register?join_code={grouped(cohort.join_code)}" in page


def test_registering_with_a_code_creates_the_account_in_the_cohort(client, cohort):
    response = client.post("/register", data={
        "display_name": "Phạm Văn Đức", "username": "duc", "password": "long enough", "confirm": "long enough",
        "language": "vi", "join_code": grouped(cohort.join_code).lower(),
    })
    assert response.status_code == 302 and response.headers["Location"] == "/my"
    user = db.session.scalar(select(User).filter_by(username="duc"))
    assert membership(user).cohort_id == cohort.id


def test_registering_with_a_wrong_code_creates_no_account(client, cohort):
    response = client.post("/register", data={
        "display_name": "Phạm Văn Đức", "username": "duc", "password": "long enough", "confirm": "long enough",
        "language": "vi", "join_code": "WXYZ-2345",
    })
    assert response.status_code == 422
    assert "This join code is not right" in response.get_data(as_text=True)
    assert db.session.scalar(select(User).filter_by(username="duc")) is None


def test_registering_without_a_code_still_works(client):
    response = client.post("/register", data={
        "display_name": "Lan", "username": "lan", "password": "long enough", "confirm": "long enough", "language": "en",
    })
    assert response.status_code == 302
    assert db.session.scalar(select(User).filter_by(username="lan")) is not None


def test_a_visitor_who_sends_a_code_is_asked_to_sign_in_first(client, cohort):
    response = client.post("/cohorts/join", data={"code": cohort.join_code})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count(CohortMember.id))) == 0


def test_an_anonymous_visitor_sees_the_join_page_but_cannot_join(client, cohort):
    assert client.get(f"/cohorts/join?code={cohort.join_code}").status_code == 200
    response = client.post("/cohorts/join", data={"code": cohort.join_code})
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    assert db.session.scalar(select(func.count(CohortMember.id))) == 0
