"""wesh.statistics: a hand-worked history, hand-worked suppression, and a property test that no
published table lets anyone recover a suppressed cell (a linear-programming attacker)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

from wesh.statistics import (
    TOTAL,
    Participation,
    Spend,
    Work,
    bordered,
    participation,
    spending,
    suppress,
    suppress_sub_counts,
    with_margins,
)


def ts(text: str) -> int:
    """A UTC time as a block timestamp."""
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


# Worked out by hand (Europe/Amsterdam is UTC+1 in winter):
#   resident 1 (Schandelen, 4): 10 Jan 60 min 5 H; 31 Jan 23:30 UTC = 1 Feb 00:30 Amsterdam,
#     30 min 3 H; 10 Feb 90 min 5 H.
#   resident 2 (Schandelen, 4): 5 Feb, no estimate, 4 H.
#   resident 3 (Heerlerheide, 12): 20 and 21 Jan, 45 min 6 H each.
HISTORY = [
    Work(1, 4, ts("2026-01-10T10:00:00"), 5, 60),
    Work(1, 4, ts("2026-01-31T23:30:00"), 3, 30),
    Work(2, 4, ts("2026-02-05T12:00:00"), 4, None),
    Work(3, 12, ts("2026-01-20T09:00:00"), 6, 45),
    Work(3, 12, ts("2026-01-21T09:00:00"), 6, 45),
    Work(1, 4, ts("2026-02-10T15:00:00"), 5, 90),
]


def test_participation_matches_the_hand_worked_history() -> None:
    cells = participation(HISTORY)
    assert sorted(cells) == [(4, "2026-01"), (4, "2026-02"), (12, "2026-01")]
    jan4, feb4, jan12 = cells[(4, "2026-01")], cells[(4, "2026-02")], cells[(12, "2026-01")]
    assert (jan4.tasks, jan4.minutes, jan4.heitjes) == (1, 60, 5)
    assert (jan4.residents, jan4.first_time, jan4.returning) == ({1}, {1}, set())
    # The 23:30 UTC task is February in Heerlen.
    assert (feb4.tasks, feb4.minutes, feb4.tasks_without_estimate, feb4.heitjes) == (3, 120, 1, 12)
    assert feb4.hours == 2.0
    assert (feb4.residents, feb4.first_time, feb4.returning) == ({1, 2}, {2}, {1})
    assert (jan12.tasks, jan12.minutes, jan12.heitjes) == (2, 90, 12)
    assert (jan12.residents, jan12.first_time) == ({3}, {3})


def test_spending_per_month_and_shop_kind() -> None:
    cells = spending(
        [
            Spend(1, ts("2026-01-31T23:10:00"), 4, "bakker"),  # February in Heerlen
            Spend(1, ts("2026-02-02T08:00:00"), 2, "bakker"),
            Spend(3, ts("2026-02-03T08:00:00"), 7, "bakker"),
            Spend(3, ts("2026-01-15T08:00:00"), 5, "kapper"),
        ]
    )
    assert sorted(cells) == [("2026-01", "kapper"), ("2026-02", "bakker")]
    bakker = cells[("2026-02", "bakker")]
    assert (bakker.heitjes, bakker.payments, bakker.residents) == (13, 3, {1, 3})
    assert cells[("2026-01", "kapper")].heitjes == 5


def test_spending_per_month_and_shopping_area() -> None:
    # The shop's neighbourhood is its shopping area (0: unknown).
    cells = spending(
        [
            Spend(1, ts("2026-02-02T08:00:00"), 2, "bakker", 1),
            Spend(3, ts("2026-02-03T08:00:00"), 7, "kapper", 1),
            Spend(3, ts("2026-02-04T08:00:00"), 1, "bakker", 4),
            Spend(2, ts("2026-02-05T08:00:00"), 9, "bakker"),
        ],
        by="area",
    )
    assert sorted(cells) == [("2026-02", 0), ("2026-02", 1), ("2026-02", 4)]
    centrum = cells[("2026-02", 1)]
    assert (centrum.heitjes, centrum.payments, centrum.residents) == (9, 2, {1, 3})
    assert cells[("2026-02", 0)].heitjes == 9


def test_complementary_suppression_hand_worked() -> None:
    # A has 1 resident in m2 (< 3). Published totals would give it away by subtraction (A's row
    # total 6 minus 5, or m2's 17 minus 7 minus 9); the cheapest cycle through it is
    # A,m1 (5) - B,m1 (6) - B,m2 (7): 18, cheaper than through C (5 + 8 + 9 = 22) or a margin.
    people = {("A", "m1"): 5, ("A", "m2"): 1, ("B", "m1"): 6, ("B", "m2"): 7}
    people |= {("C", "m1"): 8, ("C", "m2"): 9}
    assert suppress(people, threshold=3) == {("A", "m2"), ("A", "m1"), ("B", "m1"), ("B", "m2")}


def test_one_row_table_hides_the_column_total_too() -> None:
    # One neighbourhood: m1's column total equals its only cell, so both go, and m2 (the
    # smallest other month) with its total, so that A's row total does not give m1 away.
    people = {("A", "m1"): 2, ("A", "m2"): 20, ("A", "m3"): 30}
    assert suppress(people, threshold=10) == {
        ("A", "m1"),
        (TOTAL, "m1"),
        ("A", "m2"),
        (TOTAL, "m2"),
    }


def test_nothing_suppressed_when_all_cells_are_large() -> None:
    assert suppress({("A", "m1"): 10, ("B", "m1"): 12}, threshold=10) == set()


def test_a_table_that_cannot_be_protected_is_withheld_whole() -> None:
    # One cell: its row total, column total and grand total all equal it.
    people = {("A", "m1"): 4}
    assert suppress(people, threshold=10) == set(bordered(people))


def attacker_bounds(
    values: dict[tuple[str, str], int], hidden: set[tuple[object, object]]
) -> dict[tuple[object, object], tuple[float, float]]:
    """What an attacker can learn: for each hidden cell, its min and max over all non-negative
    tables that agree with every published cell and total (published empty cells are 0)."""
    rows = [*sorted({r for r, _ in values}), TOTAL]
    cols = [*sorted({c for _, c in values}), TOTAL]
    full: dict[tuple[object, object], int] = {(r, c): 0 for r in rows for c in cols}
    full.update(bordered(values))
    unknown = sorted(hidden, key=repr)
    index = {cell: i for i, cell in enumerate(unknown)}
    eq_rows, eq_rhs = [], []
    lines: list[list[tuple[object, object]]] = [[(r, c) for c in cols] for r in rows]
    lines += [[(r, c) for r in rows] for c in cols]
    for line in lines:
        # inner cells minus the margin (the line's last cell) = 0
        coef, rhs = np.zeros(len(unknown)), 0.0
        for i, cell in enumerate(line):
            sign = -1.0 if i == len(line) - 1 else 1.0
            if cell in index:
                coef[index[cell]] += sign
            else:
                rhs -= sign * full[cell]
        if coef.any():
            eq_rows.append(coef)
            eq_rhs.append(rhs)
    bounds: dict[tuple[object, object], tuple[float, float]] = {}
    for cell, i in index.items():
        c = np.zeros(len(unknown))
        c[i] = 1.0
        lo = linprog(c, A_eq=np.array(eq_rows), b_eq=eq_rhs, bounds=(0, None), method="highs")
        hi = linprog(-c, A_eq=np.array(eq_rows), b_eq=eq_rhs, bounds=(0, None), method="highs")
        assert lo.status == 0, "the published table itself is consistent"
        bounds[cell] = (lo.fun, -hi.fun if hi.status == 0 else float("inf"))
    return bounds


tables = st.dictionaries(
    st.tuples(st.sampled_from("ABCD"), st.sampled_from(["m1", "m2", "m3", "m4"])),
    st.integers(min_value=1, max_value=25),
    min_size=1,
    max_size=16,
)


@settings(max_examples=150, deadline=None)
@given(people=tables, threshold=st.integers(min_value=2, max_value=12))
def test_no_suppressed_cell_can_be_recovered(people: dict, threshold: int) -> None:
    hidden = suppress(people, threshold)
    table = bordered(people)
    # Every small cell is hidden (primary suppression), margins too.
    assert {cell for cell, value in table.items() if value < threshold} <= hidden
    # Every line (row or column, its margin included) hides 0 or at least 2 cells.
    rows = {r for r, _ in table}
    cols = {c for _, c in table}
    for r in rows:
        assert len([c for c in cols if (r, c) in hidden]) != 1
    for c in cols:
        assert len([r for r in rows if (r, c) in hidden]) != 1
    # An attacker solving the published equations with non-negative unknowns cannot pin any
    # hidden cell: each can be at least 1 lower or higher than its true value.
    if hidden:
        for cell, (lo, hi) in attacker_bounds(people, hidden).items():
            assert hi - lo >= 1 - 1e-9, (cell, lo, hi)
            assert lo <= table.get(cell, 0) + 1e-9 <= hi + 2e-9


@settings(max_examples=60, deadline=None)
@given(people=tables, threshold=st.integers(min_value=2, max_value=12), data=st.data())
def test_totals_of_few_distinct_residents_are_hidden_and_safe(
    people: dict, threshold: int, data: st.DataObject
) -> None:
    # A resident active in several months counts once in a total: the distinct count of a
    # total may be anything from its largest cell up to the sum of its cells.
    table = bordered(people)
    rows = {r for r, _ in table} - {TOTAL}
    cols = {c for _, c in table} - {TOTAL}
    sizes: dict[tuple[object, object], int] = dict(people)
    for key in [(r, TOTAL) for r in rows] + [(TOTAL, c) for c in cols] + [(TOTAL, TOTAL)]:
        line = [v for k, v in people.items() if TOTAL in key and (k[0] == key[0] or k[1] == key[1])]
        floor = max(line) if key != (TOTAL, TOTAL) else max(people.values())
        sizes[key] = data.draw(st.integers(min_value=floor, max_value=table[key]))
    hidden = suppress(people, threshold, sizes)
    assert {k for k, v in sizes.items() if v < threshold} <= hidden
    for cell, (lo, hi) in attacker_bounds(people, hidden).items():
        assert hi - lo >= 1 - 1e-9, (cell, lo, hi)


def people(cell: int, first: int, returning: int) -> Participation:
    """A cell of ``first`` first-time and ``returning`` returning residents, ids unique to it
    (cell 3: first-timers 3000..., returning 3500...)."""
    new = {cell * 1000 + i for i in range(first)}
    old = {cell * 1000 + 500 + i for i in range(returning)}
    return Participation(residents=new | old, first_time=new)


def test_first_time_residents_of_a_safe_cell_are_hidden_when_few() -> None:
    # Threshold 10. (A, m1) has 12 residents, so it is published, but only 2 are new: publishing
    # "2 new" (or "10 returning" next to 12) would reveal a group of 2. First-timers add up:
    #   A: 2, 11 | 13    B: 10, 12 | 22    totals: 12, 23 | 35.
    # The cheapest cycle through (A, m1) is A,m2 (11) - B,m2 (12) - B,m1 (10): 33, against any
    # path through a margin (13 x 4 = 52 and more). The margins stay published.
    cells = {
        ("A", "m1"): people(1, 2, 10),
        ("A", "m2"): people(2, 11, 0),
        ("B", "m1"): people(3, 10, 10),
        ("B", "m2"): people(4, 12, 0),
    }
    assert suppress({k: len(v.residents) for k, v in cells.items()}, 10) == set()
    hidden = suppress_sub_counts(cells, set(), 10)
    assert hidden == {("A", "m1"), ("A", "m2"), ("B", "m1"), ("B", "m2")}
    # Few returning residents are as telling: 9 new and 3 returning hide both.
    cells[("B", "m1")] = people(3, 9, 3)
    assert ("B", "m1") in suppress_sub_counts(cells, set(), 10)
    # None new is no group of people: a cell of 0 new and 12 returning is published.
    calm = {("A", "m1"): people(1, 0, 12), ("A", "m2"): people(2, 12, 0)}
    calm |= {("B", "m1"): people(3, 10, 10), ("B", "m2"): people(4, 11, 0)}
    assert suppress_sub_counts(calm, set(), 10) == set()


sub_tables = st.dictionaries(
    st.tuples(st.sampled_from("ABC"), st.sampled_from(["m1", "m2", "m3"])),
    st.tuples(st.integers(min_value=0, max_value=20), st.integers(min_value=0, max_value=20)),
    min_size=1,
    max_size=9,
).filter(lambda cells: all(new + old > 0 for new, old in cells.values()))


@settings(max_examples=60, deadline=None)
@given(counts=sub_tables, threshold=st.integers(min_value=2, max_value=10))
def test_no_hidden_first_time_count_can_be_recovered(counts: dict, threshold: int) -> None:
    cells = {
        key: people(n, new, old) for n, (key, (new, old)) in enumerate(counts.items(), start=1)
    }
    full = with_margins(cells)
    hidden = suppress(
        {k: len(v.residents) for k, v in cells.items()},
        threshold,
        {k: len(v.residents) for k, v in full.items()},
    )
    sub = suppress_sub_counts(cells, hidden, threshold)
    assert hidden <= sub
    # Nothing published names fewer residents than the threshold (none is fine).
    for key, cell in full.items():
        if key not in sub:
            assert not 0 < len(cell.first_time) < threshold, key
            assert not 0 < len(cell.returning) < threshold, key
    # First-timers add up along rows and columns; the LP attacker cannot pin a hidden one.
    first = {key: len(cell.first_time) for key, cell in cells.items()}
    if sub:
        for key, (lo, hi) in attacker_bounds(first, sub).items():
            value = len(full[key].first_time) if key in full else 0
            if value > 0:
                assert hi - lo >= 1 - 1e-9, (key, lo, hi)
