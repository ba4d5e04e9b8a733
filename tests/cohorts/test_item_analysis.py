"""Item analysis on a known data set: five learners answer the first quiz of
the course; the figures are worked out by hand below."""

from datetime import datetime, timedelta

import pytest

from academy.cohorts import reports, services

T0 = datetime(2026, 5, 1, 9, 0)


@pytest.fixture
def quiz(course):
    return next(lesson for lesson in course.lessons if lesson.graded)  # module 1's check


@pytest.fixture
def report(cohort, course, quiz, make_user, answer):
    """
    grid-electricity-scope (single, right: scope-2):
        A right, B scope-1, C scope-3, D scope-3 then right, E scope-1
        -> latest attempts: 2 of 5 right (40%), most common wrong: scope-1 (2)
    brand-scope-3 (multiple): C ticks supplier-electricity + office-heating,
        E ticks office-heating only -> 3 of 5 right (60%), office-heating (2)
    supplier-emissions-scope (text): B writes "Scope  2" -> 4 of 5 (80%)
    the others: 5 of 5, no wrong answer.
    An outsider's wrong answers do not count.
    """
    people = {}
    for name in "ABCDE":
        people[name] = make_user(f"learner-{name.lower()}")
        services.join_cohort(people[name], cohort, course)
    answer(people["A"], quiz, now=T0)
    answer(people["B"], quiz, override={"q-grid-electricity-scope": "scope-1", "q-supplier-emissions-scope": "Scope  2"}, now=T0)
    answer(people["C"], quiz, override={"q-grid-electricity-scope": "scope-3",
                                        "q-brand-scope-3": ["supplier-electricity", "office-heating"]}, now=T0)
    answer(people["D"], quiz, override={"q-grid-electricity-scope": "scope-3"}, now=T0)
    answer(people["D"], quiz, now=T0 + timedelta(hours=1))
    answer(people["E"], quiz, override={"q-grid-electricity-scope": "scope-1", "q-brand-scope-3": ["office-heating"]}, now=T0)
    outsider = make_user("outsider")
    from academy.learn.services import enroll

    enroll(outsider, course)
    answer(outsider, quiz, correct=False, now=T0)
    [first] = [item for item in reports.item_analysis(cohort, course) if item.lesson.key == quiz.key]
    return {stats.question_id: stats for stats in first.questions} | {"_learners": first.learners}


def test_each_learner_counts_once_with_their_latest_attempt(report):
    assert report["_learners"] == 5
    assert report["grid-electricity-scope"].answered == 5


def test_the_share_correct_of_a_single_choice_question(report):
    assert (report["grid-electricity-scope"].correct, report["grid-electricity-scope"].percent_correct) == (2, 40)


def test_the_wrong_option_chosen_most_often(report):
    assert report["grid-electricity-scope"].top_wrong() == ("scope-1", 2)


def test_a_multiple_choice_question_counts_each_wrong_option_ticked(report):
    stats = report["brand-scope-3"]
    assert (stats.correct, stats.percent_correct) == (3, 60)
    assert stats.top_wrong() == ("office-heating", 2)


def test_a_wrong_text_answer_is_counted_as_typed_give_or_take_case_and_spaces(report):
    stats = report["supplier-emissions-scope"]
    assert stats.percent_correct == 80
    assert stats.top_wrong() == ("scope 2", 1)


def test_a_question_everyone_got_right_has_no_wrong_answer(report):
    assert report["why-suppliers-matter"].percent_correct == 100
    assert report["why-suppliers-matter"].top_wrong() is None


def test_the_questions_page_names_the_wrong_option_in_words(client, login, tutor, cohort, report, quiz):
    login(client, tutor)
    page = client.get(f"/cohorts/{cohort.id}/questions").get_data(as_text=True)
    option = quiz.source.question("grid-electricity-scope").choice("scope-1").text
    assert "2 of 5 right (40%)" in page
    assert option in page
    assert "Go over this" in page


def test_a_quiz_nobody_answered_says_so(client, login, tutor, cohort, report):
    login(client, tutor)
    assert "Nobody has answered this quiz yet." in client.get(f"/cohorts/{cohort.id}/questions").get_data(as_text=True)
