"""Small numbers stay hidden: a count under 5 reads "<5", and no hidden
count can be worked out from the total and the shown cells."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from academy.programmes.report import Group, SessionGroup
from academy.programmes.suppression import COMPLEMENT, COUNTS, SMALL, safe_sessions, safe_table, safe_tables, safe_total


def group(enrolled, started=None, completed=None, certified=None, scored=None, minutes=0.0):
    started = enrolled if started is None else started
    completed = started if completed is None else completed
    certified = completed if certified is None else certified
    return Group(enrolled, started, completed, certified, scored or 0, 80.0 * (scored or 0), scored or 0, minutes)


def total_of(groups):
    total = Group()
    for g in groups.values():
        total.add(g)
    return total


def texts(table, measure):
    return [row.cells[measure].text() for row in table.rows]


def test_a_count_under_five_reads_less_than_five_and_zero_too():
    table = safe_table({"a": group(20), "b": group(3), "c": group(0), "d": group(9)}, total_of(
        {"a": group(20), "b": group(3), "c": group(0), "d": group(9)}))
    assert texts(table, "enrolled") == ["20", "<5", "<5", "9"]


def test_a_single_hidden_cell_is_not_left_to_be_worked_out_from_the_total():
    groups = {"women": group(20), "men": group(3)}
    table = safe_table(groups, total_of(groups))
    assert texts(table, "enrolled") == ["–", "<5"]
    assert table.total.cells["enrolled"].text() == "23"


def test_the_smallest_shown_cell_is_hidden_beside_a_single_small_one():
    groups = {"a": group(40), "b": group(12), "c": group(2)}
    assert texts(safe_table(groups, total_of(groups)), "enrolled") == ["40", "–", "<5"]


def test_zeros_that_would_follow_from_the_total_are_protected_when_the_group_has_people():
    # Three men enrolled and none completed: "0" would follow from the total.
    groups = {"women": group(10, completed=10), "men": group(3, completed=0)}
    table = safe_table(groups, total_of(groups))
    assert texts(table, "completed") == ["–", "<5"]


def test_groups_with_nobody_in_them_need_no_protection():
    groups = {"worker": group(0), "supervisor": group(0), "not given": group(12)}
    assert texts(safe_table(groups, total_of(groups)), "enrolled") == ["<5", "<5", "12"]


def test_rates_averages_and_hours_of_a_few_learners_are_hidden():
    groups = {"a": group(20, scored=20, minutes=600), "b": group(3, scored=3, minutes=90)}
    table = safe_table(groups, total_of(groups))
    small = table.rows[1].cells
    assert small["completion_rate"].text() == "–" and small["average_score"].text() == "–" and small["hours"].text() == "–"
    assert table.rows[0].cells["average_score"].text() == "80"
    # The other row's hours would give the small row's by subtraction: hidden too.
    assert table.rows[0].cells["hours"].text() == "–" and table.total.cells["hours"].text(1) == "11.5"


def test_the_headline_hides_small_counts():
    total = safe_total(group(30, started=20, completed=4, certified=0))
    assert [total.cells[m].text() for m in COUNTS] == ["30", "20", "<5", "<5"]
    assert total.cells["completion_rate"].text() == "–"


def test_attendance_is_protected_like_learners_and_sessions_are_always_shown():
    groups = {"in-person": SessionGroup(4, present=30, absent=3), "webinar": SessionGroup(1, present=8, absent=0)}
    total = SessionGroup()
    for g in groups.values():
        total.add(g)
    table = safe_sessions(groups, total, ["in-person", "webinar"])
    assert texts(table, "sessions") == ["4", "1"]
    assert texts(table, "absent") == ["<5", "<5"]
    assert table.total.cells["absent"].text() == "<5"
    assert texts(table, "present") == ["30", "8"]


def possible_values(cells, total_value):
    """Every value each hidden cell can take for someone who sees the
    table: a "<5" is 0 to 4, a "–" is 5 or more, and the column adds up to
    the total. Worked out by trying every combination."""
    hidden = [i for i, cell in enumerate(cells) if not cell.shown]
    known = sum(cell.value for cell in cells if cell.shown)
    ranges = [range(0, 5) if cells[i].hidden == SMALL else range(5, total_value + 1) for i in hidden]
    seen = {i: set() for i in hidden}
    for values in itertools.product(*ranges):
        if known + sum(values) == total_value:
            for i, value in zip(hidden, values):
                seen[i].add(value)
    return seen


def test_when_every_cell_is_hidden_and_still_gives_one_away_the_total_is_hidden_everywhere():
    # Eight learners in two organisations, four each: "<5" and "<5" with a
    # total of 8 would say 4 and 4.
    by_organisation = {"saigon": group(4), "dongguan": group(4)}
    by_gender = {"woman": group(8), "man": group(0)}
    headline, (organisations, genders) = safe_tables(total_of(by_organisation),
                                                     [(by_organisation, None), (by_gender, None)])
    assert headline.cells["enrolled"].text() == "–"
    assert organisations.total.cells["enrolled"].text() == "–" and texts(organisations, "enrolled") == ["<5", "<5"]
    # The other tables hide that column too: "8 women" would say the total.
    assert texts(genders, "enrolled") == ["–", "<5"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.tuples(st.integers(0, 12), st.integers(0, 12)), min_size=1, max_size=4), min_size=1, max_size=2))
def test_no_hidden_count_of_a_group_with_people_can_be_worked_out(tables):
    # Several breakdowns of the same learners (the first sets the total; the
    # others are made to add up to it by a last "everyone else" row).
    breakdowns = []
    first = {index: group(e, completed=min(c, e)) for index, (e, c) in enumerate(tables[0])}
    total = total_of(first)
    breakdowns.append(first)
    for rows in tables[1:]:
        groups, used_e, used_c = {}, 0, 0
        for index, (e, c) in enumerate(rows):
            e = min(e, total.enrolled - used_e)
            c = min(c, e, total.completed - used_c)
            groups[index] = group(e, completed=c)
            used_e, used_c = used_e + e, used_c + c
        groups["rest"] = group(total.enrolled - used_e, completed=total.completed - used_c)
        breakdowns.append(groups)
    headline, safe = safe_tables(total, [(groups, None) for groups in breakdowns])
    for groups, table in zip(breakdowns, safe):
        for measure in ("enrolled", "completed"):
            cells = [row.cells[measure] for row in table.rows]
            if headline.cells[measure].hidden == COMPLEMENT:
                assert not any(cell.shown for cell in cells), "a shown cell would narrow the hidden total down"
                continue
            if not headline.cells[measure].shown:
                continue
            for index, values in possible_values(cells, headline.cells[measure].value).items():
                assert cells[index].value in values
                if list(groups.values())[index].enrolled:
                    assert len(values) > 1, (measure, tables, [c.text() for c in cells])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=1, max_size=6))
def test_every_count_under_five_is_hidden_and_every_hidden_count_is_marked(values):
    groups = dict(enumerate(group(v) for v in values))
    table = safe_table(groups, total_of(groups))
    for value, row in zip(values, table.rows):
        cell = row.cells["enrolled"]
        if value < 5:
            assert cell.hidden == SMALL and cell.text() == "<5"
        elif cell.hidden:
            assert cell.hidden == COMPLEMENT and cell.text() == "–"
        else:
            assert cell.text() == str(value)
