"""Hiding the numbers that could point at a person, before anyone sees the
report: on the page, in the charts and in every export alike.

The rule (docs/programmes.md, "Small numbers"):

1. A count of learners (or of attendances) under 5, zero included, is not
   shown: it reads "<5". Zero is hidden too: "0 of a group of 3 completed"
   says as much about those three as "3 of 3".
2. A rate, an average or hours of a group are not shown when they would tell
   about a few learners: the completion rate only when both of its counts
   are shown, the average best score only when at least 5 learners of the
   group have a score, hours only when at least 5 of its learners started.
3. In a breakdown table the rows add up to the total row (or nearly: a
   learner in two courses is in two course rows). So in each column no
   hidden cell may be recoverable by subtracting the shown cells from the
   total. A viewer knows the hidden cells' sum, that a "<5" is 0 to 4 and
   that a "–" is 5 or more; when that pins the value of a hidden cell (a
   single hidden cell in the column always is), the smallest shown cell of
   the column is hidden as well ("–"), and again, until no value is pinned.
   A pinned zero of a group with nobody in it tells about nobody and is
   left alone. When every cell of a column is hidden and one is still
   pinned (eight learners, two organisations: "<5" and "<5" must be 4 and
   4), the total itself is hidden ("–"), in the headline and every table,
   and so is that column in every table. This happens only in reports of a
   handful of learners. Hours are hidden the same way whenever a column
   would have exactly one hidden cell.

What this does not prevent: comparing two reports (two periods that differ
by a day, a filter and its complement) can still narrow a small number, and
so, rarely, can reasoning over all the tables of one tiny report at once.
The reports are for programme staff, not for publication as they are.
"""

from __future__ import annotations

from dataclasses import dataclass

from .report import Group, SessionGroup

THRESHOLD = 5
COUNTS = ("enrolled", "started", "completed", "certified")
MEASURES = (*COUNTS, "completion_rate", "average_score", "hours")
SESSION_COUNTS = ("present", "absent", "excused")

SMALL = "small"  # a count under the threshold: shown as "<5"
COMPLEMENT = "complement"  # a count hidden so that a small one cannot be worked out: "–"
DERIVED = "derived"  # a rate, an average or hours of too few learners: "–"


@dataclass(frozen=True)
class Cell:
    value: float | int | None  # None: nothing to show (no scores yet)
    hidden: str | None = None  # None, SMALL, COMPLEMENT or DERIVED

    @property
    def shown(self) -> bool:
        return self.hidden is None

    def text(self, digits: int = 0) -> str:
        """The cell as printed: the number, "<5", "–" or empty."""
        if self.hidden == SMALL:
            return f"<{THRESHOLD}"
        if self.hidden is not None:
            return "–"
        if self.value is None:
            return ""
        return f"{self.value:,.{digits}f}" if isinstance(self.value, float) else f"{self.value:,}"

    def export_value(self, digits: int = 0):
        """For a spreadsheet: the number itself, or the printed mark."""
        if not self.shown or self.value is None:
            return self.text()
        return round(self.value, digits) if isinstance(self.value, float) else self.value


@dataclass(frozen=True)
class Row:
    key: object  # the stored value (None: not given)
    cells: dict  # measure -> Cell


def _primary(group: Group) -> dict:
    cells = {name: Cell(getattr(group, name), SMALL if getattr(group, name) < THRESHOLD else None) for name in COUNTS}
    cells["hours"] = Cell(round(group.hours, 1), None if group.started >= THRESHOLD else DERIVED)
    cells["average_score"] = Cell(group.average_score, None if group.scored >= THRESHOLD else DERIVED)
    return cells


def _pinned(hidden: list[Cell], hidden_sum: float) -> list[bool]:
    """For each hidden count: whether a viewer who knows the hidden cells'
    sum (the total minus the shown cells), that a "<5" cell is 0 to 4 and
    that a "–" cell is 5 or more, can tell its exact value."""
    smalls = sum(1 for cell in hidden if cell.hidden == SMALL)
    others_big = sum(1 for cell in hidden if cell.hidden != SMALL)
    result = []
    for cell in hidden:
        if cell.hidden == SMALL:
            low, high = 0, THRESHOLD - 1
            rest_min = THRESHOLD * others_big
            rest_max = (THRESHOLD - 1) * (smalls - 1) if others_big == 0 else float("inf")
        else:
            low, high = THRESHOLD, float("inf")
            rest_min = THRESHOLD * (others_big - 1)
            rest_max = (THRESHOLD - 1) * smalls if others_big == 1 else float("inf")
        low, high = max(low, hidden_sum - rest_max), min(high, hidden_sum - rest_min)
        result.append(low >= high)
    return result


def _complete_column(cells: list[dict], total: Cell, measure: str, is_count: bool, empty: list[bool]) -> bool:
    """Hide further cells of one column (the smallest shown first) until no
    hidden cell of a non-empty group can be worked out from the total.
    Returns True when that cannot be done without hiding the total itself
    (every cell is hidden and the sum still gives one away)."""
    if not total.shown:
        if total.hidden == COMPLEMENT:
            # A total hidden for a small number's sake: the column is hidden
            # whole, or its shown cells would narrow the total down again.
            for row in cells:
                if row[measure].shown:
                    row[measure] = Cell(row[measure].value, COMPLEMENT)
        return False
    while True:
        shown = [c for c in cells if c[measure].shown and c[measure].value is not None]
        hidden_rows = [i for i, c in enumerate(cells) if not c[measure].shown]
        if not hidden_rows:
            return False
        if is_count:
            hidden_sum = (total.value or 0) - sum(c[measure].value for c in shown)
            pinned = _pinned([cells[i][measure] for i in hidden_rows], hidden_sum)
            # A pinned cell of a group with nobody in it tells about nobody.
            if not any(p and not empty[i] for p, i in zip(pinned, hidden_rows)):
                return False
        elif len(hidden_rows) != 1:
            return False
        if not shown:
            return is_count
        smallest = min(shown, key=lambda c: c[measure].value)
        smallest[measure] = Cell(smallest[measure].value, COMPLEMENT)


def _rate(cells: dict, group: Group) -> Cell:
    shown = cells["enrolled"].shown and cells["completed"].shown
    return Cell(group.completion_rate, None if shown else DERIVED)


def safe_total(group: Group, hidden_totals=frozenset()) -> Row:
    """The headline numbers (all learners). ``hidden_totals``: counts whose
    total must be hidden too, because a breakdown would give a small cell
    away from it (see :func:`safe_tables`)."""
    cells = _primary(group)
    for measure in hidden_totals:
        if cells[measure].shown:
            cells[measure] = Cell(cells[measure].value, COMPLEMENT)
    cells["completion_rate"] = _rate(cells, group)
    return Row(None, cells)


@dataclass(frozen=True)
class Table:
    rows: tuple[Row, ...]
    total: Row
    stuck: frozenset = frozenset()  # counts whose total must be hidden


def safe_table(groups: dict, total: Group, keys=None, hidden_totals=frozenset()) -> Table:
    """A breakdown (key -> Group) with the rule applied; ``keys``: the rows
    in order (default: the groups' keys)."""
    keys = list(groups) if keys is None else list(keys)
    row_groups = [groups.get(key) or Group() for key in keys]
    cells = [_primary(group) for group in row_groups]
    total_row = safe_total(total, hidden_totals)
    empty = [group.enrolled == 0 for group in row_groups]
    stuck = set()
    for measure in COUNTS:
        if _complete_column(cells, total_row.cells[measure], measure, True, empty):
            stuck.add(measure)
    _complete_column(cells, total_row.cells["hours"], "hours", False, empty)
    rows = []
    for key, group, row_cells in zip(keys, row_groups, cells):
        row_cells["completion_rate"] = _rate(row_cells, group)
        rows.append(Row(key, row_cells))
    return Table(tuple(rows), total_row, frozenset(stuck))


def safe_tables(total: Group, breakdowns: list[tuple[dict, list]]) -> tuple[Row, list[Table]]:
    """The headline and every breakdown of the same learners together: when
    a breakdown's cells are all hidden and still give one away through the
    total (eight learners, two organisations: "<5" and "<5" are 4 and 4),
    that total is hidden in the headline and in every table, and so is that
    column of every table (its shown cells would narrow the total down)."""
    hidden: frozenset = frozenset()
    while True:
        tables = [safe_table(groups, total, keys, hidden) for groups, keys in breakdowns]
        stuck = frozenset().union(*(table.stuck for table in tables)) - hidden
        if not stuck:
            return safe_total(total, hidden), tables
        hidden |= stuck


def safe_sessions(groups: dict, total: SessionGroup, keys) -> Table:
    """Sessions held (never hidden: they are not people) and attendance by
    modality, with the same rule for the attendance counts."""
    def primary(group: SessionGroup) -> dict:
        row = {"sessions": Cell(group.sessions)}
        for name in SESSION_COUNTS:
            value = getattr(group, name)
            row[name] = Cell(value, SMALL if value < THRESHOLD else None)
        return row

    keys = list(keys)
    row_groups = [groups.get(key) or SessionGroup() for key in keys]
    cells = [primary(group) for group in row_groups]
    total_cells = primary(total)
    empty = [group.sessions == 0 for group in row_groups]
    for name in SESSION_COUNTS:
        if _complete_column(cells, total_cells[name], name, True, empty):
            total_cells[name] = Cell(total_cells[name].value, COMPLEMENT)

    def with_rate(row: dict, group: SessionGroup) -> dict:
        shown = all(row[name].shown for name in SESSION_COUNTS)
        row["attendance_rate"] = Cell(group.attendance_rate, None if shown else DERIVED)
        return row

    rows = tuple(Row(key, with_rate(row, group)) for key, group, row in zip(keys, row_groups, cells))
    return Table(rows, Row(None, with_rate(total_cells, total)))
