"""Statistics that can be published: per neighbourhood and month, small cells suppressed.

Pure functions, fed by the indexer's tables (api/statistics/service.py reads them):

- :func:`participation` - per (neighbourhood, month): tasks done, hours (the task documents'
  ``estimated_minutes`` per slot; a task without an estimate counts no hours and is counted in
  ``tasks_without_estimate``), Heitjes earned, distinct active residents, first-time residents (the
  month of their first approved task ever) and returning residents (active before).
- :func:`spending` - per (month, shop kind) or per (month, shopping area: the shop's
  neighbourhood): Heitjes paid at shops and distinct paying residents (a resident is counted by
  their citizen number, so one who moved to a new phone counts once).
- :func:`suppress` - which cells of a table with row, column and grand totals must not be
  published: primary (fewer residents than the threshold) and complementary, so that no
  suppressed cell can be worked out from the published cells and totals by subtraction.
- :func:`suppress_sub_counts` - the same for the first-time and returning residents inside the
  published cells: a cell of 12 residents with 2 first-timers would reveal a group of 2.

Months are Europe/Amsterdam calendar months ("2026-03"), as the contract's earnings calendar.

The complementary rule, exactly: publish the table with its row totals, column totals and grand
total. Give every margin cell a minus sign; then every row and every column of the bordered table
sums to zero, so the unknowns (the suppressed cells) form a bipartite graph between rows and
columns whose only freedom is along cycles. A suppressed cell is safe if and only if its edge lies
on a cycle of that graph whose cells are all positive: then the values can shift by +1/-1 around
the cycle and every published number stays the same, so nobody can pin the cell, not even with
the knowledge that counts are not negative. :func:`suppress` adds the cheapest cells (fewest
residents; margins cost more than inner cells, empty cells are never used) until every suppressed
cell is on such a cycle, and suppresses the whole table when that is not possible.
"""

from __future__ import annotations

import heapq
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TypeVar

from wesh.calendar import amsterdam_period

#: Cells with fewer distinct residents than this are not published (the setting
#: ``WESH_STATISTICS_MIN_RESIDENTS`` overrides it in the API).
DEFAULT_THRESHOLD = 10

#: The row/column key of the margins (totals) in a bordered table.
TOTAL = "__total__"


def month_of(timestamp: int) -> str:
    """The Europe/Amsterdam month of a block timestamp, "YYYY-MM"."""
    year, month = amsterdam_period(int(timestamp))
    return f"{year}-{month:02d}"


# --------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class Work:
    """One approved task slot: who did it, where they live, when it was approved."""

    citizen_id: int
    neighbourhood: int
    timestamp: int
    amount: int
    estimated_minutes: int | None = None


@dataclass(frozen=True)
class Spend:
    """One payment by a resident at a shop (``citizen_id``: any stable id of the payer; the
    citizen's number, which stays when they move to a new phone). ``shop_area``: the shop's
    neighbourhood code (0: unknown)."""

    citizen_id: object
    timestamp: int
    amount: int
    shop_kind: str
    shop_area: int = 0


# --------------------------------------------------------------------------- outputs
@dataclass
class Participation:
    tasks: int = 0
    minutes: int = 0
    tasks_without_estimate: int = 0
    heitjes: int = 0
    residents: set[int] = field(default_factory=set)
    first_time: set[int] = field(default_factory=set)

    def __add__(self, other: Participation) -> Participation:
        return Participation(
            self.tasks + other.tasks,
            self.minutes + other.minutes,
            self.tasks_without_estimate + other.tasks_without_estimate,
            self.heitjes + other.heitjes,
            self.residents | other.residents,
            self.first_time | other.first_time,
        )

    @property
    def returning(self) -> set[int]:
        return self.residents - self.first_time

    @property
    def hours(self) -> float:
        return self.minutes / 60


@dataclass
class Spending:
    heitjes: int = 0
    payments: int = 0
    residents: set[object] = field(default_factory=set)

    def __add__(self, other: Spending) -> Spending:
        return Spending(
            self.heitjes + other.heitjes,
            self.payments + other.payments,
            self.residents | other.residents,
        )


def participation(works: Iterable[Work]) -> dict[tuple[int, str], Participation]:
    """Per (neighbourhood, month) of the approval. A resident's first month is the month of their
    first approved task in the whole history given, whatever the neighbourhood."""
    ordered = sorted(works, key=lambda w: w.timestamp)
    first_month: dict[int, str] = {}
    cells: dict[tuple[int, str], Participation] = {}
    for work in ordered:
        month = month_of(work.timestamp)
        first_month.setdefault(work.citizen_id, month)
        cell = cells.setdefault((work.neighbourhood, month), Participation())
        cell.tasks += 1
        cell.heitjes += work.amount
        if work.estimated_minutes:
            cell.minutes += work.estimated_minutes
        else:
            cell.tasks_without_estimate += 1
        cell.residents.add(work.citizen_id)
        if first_month[work.citizen_id] == month:
            cell.first_time.add(work.citizen_id)
    return cells


def spending(spends: Iterable[Spend], by: str = "kind") -> dict[tuple[str, object], Spending]:
    """Per (month, shop kind), or with ``by="area"`` per (month, shop's neighbourhood code):
    Heitjes paid, payments and distinct paying residents."""
    cells: dict[tuple[str, object], Spending] = {}
    for spend in spends:
        column: object = spend.shop_area if by == "area" else spend.shop_kind
        cell = cells.setdefault((month_of(spend.timestamp), column), Spending())
        cell.heitjes += spend.amount
        cell.payments += 1
        cell.residents.add(spend.citizen_id)
    return cells


# --------------------------------------------------------------------------- suppression
R = TypeVar("R", bound=Hashable)
C = TypeVar("C", bound=Hashable)
V = TypeVar("V", Participation, Spending)


def with_margins(cells: Mapping[tuple[R, C], V]) -> dict[tuple[object, object], V]:
    """The cells with their row totals (column TOTAL), column totals (row TOTAL) and grand total;
    distinct residents are counted once in a total however many cells they are in."""
    out: dict[tuple[object, object], V] = {}
    for (row, col), cell in cells.items():
        out[(row, col)] = cell
        for key in ((row, TOTAL), (TOTAL, col), (TOTAL, TOTAL)):
            out[key] = out[key] + cell if key in out else cell
    return out


#: A margin cell costs this many times its residents as a complement (prefer inner cells).
_MARGIN_COST = 4


def bordered(people: Mapping[tuple[R, C], int]) -> dict[tuple[object, object], int]:
    """The table with its row totals (column TOTAL), column totals (row TOTAL) and grand total.
    Residents are summed as a stand-in for size: only positivity and cost use it."""
    out: dict[tuple[object, object], int] = {}
    for (row, col), value in people.items():
        if value <= 0:
            continue
        for key in ((row, col), (row, TOTAL), (TOTAL, col), (TOTAL, TOTAL)):
            out[key] = out.get(key, 0) + value
    return out


def _on_positive_cycle(edge: tuple[object, object], suppressed: set[tuple[object, object]]) -> bool:
    """Whether the suppressed cell ``edge`` (row, col) lies on a cycle of suppressed cells."""
    row, col = edge
    # Search from the row node to the column node without using ``edge`` itself.
    adjacency: dict[tuple[str, object], list[tuple[str, object]]] = {}
    for r, c in suppressed:
        if (r, c) == edge:
            continue
        adjacency.setdefault(("r", r), []).append(("c", c))
        adjacency.setdefault(("c", c), []).append(("r", r))
    start, goal = ("r", row), ("c", col)
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        for nxt in adjacency.get(node, ()):
            if nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return False


def _cheapest_path(
    edge: tuple[object, object],
    table: Mapping[tuple[object, object], int],
    suppressed: set[tuple[object, object]],
) -> list[tuple[object, object]] | None:
    """The positive cells to add so that ``edge`` closes a cycle: Dijkstra from its row to its
    column over positive cells (suppressed ones free, others at their cost), not using ``edge``."""
    # Sorted, and ties broken by the node's name: the same table always gives the same answer.
    rows = sorted({r for r, _ in table}, key=repr)
    cols = sorted({c for _, c in table}, key=repr)
    start, goal = ("r", edge[0]), ("c", edge[1])
    best: dict[tuple[str, object], int] = {start: 0}
    back: dict[tuple[str, object], tuple[tuple[str, object], tuple[object, object]]] = {}
    queue: list[tuple[int, str, tuple[str, object]]] = [(0, repr(start), start)]
    while queue:
        dist, _, node = heapq.heappop(queue)
        if node == goal:
            path = []
            while node != start:
                node, cell = back[node]
                path.append(cell)
            return [cell for cell in path if cell not in suppressed]
        if dist > best.get(node, dist):
            continue
        kind, key = node
        neighbours = (
            [(("c", c), (key, c)) for c in cols]
            if kind == "r"
            else [(("r", r), (r, key)) for r in rows]
        )
        for nxt, cell in neighbours:
            if cell == edge or table.get(cell, 0) <= 0:
                continue
            margin = TOTAL in cell
            step = 0 if cell in suppressed else table[cell] * (_MARGIN_COST if margin else 1)
            if dist + step < best.get(nxt, dist + step + 1):
                best[nxt] = dist + step
                back[nxt] = (node, cell)
                heapq.heappush(queue, (dist + step, repr(nxt), nxt))
    return None


def suppress(
    people: Mapping[tuple[R, C], int],
    threshold: int = DEFAULT_THRESHOLD,
    sizes: Mapping[tuple[object, object], int] | None = None,
) -> set[tuple[object, object]]:
    """The cells of the bordered table (inner cells and margins, keys as :func:`bordered`) that
    must not be published. ``people``: the distinct residents behind each inner cell; ``sizes``:
    the distinct residents behind each cell and total (a resident active in two months counts
    once in their neighbourhood's total), for the primary rule; default: ``people`` summed."""
    table = bordered(people)
    size = sizes if sizes is not None else table
    suppressed = {key for key, value in table.items() if size.get(key, value) < threshold}
    if not suppressed:
        return suppressed
    while True:
        exposed = sorted(
            (cell for cell in suppressed if not _on_positive_cycle(cell, suppressed)), key=repr
        )
        if not exposed:
            return suppressed
        path = _cheapest_path(exposed[0], table, suppressed)
        if path is None:
            # No cycle of positive cells can hide it: publish nothing of this table.
            return set(table)
        suppressed.update(path)


def suppress_sub_counts(
    cells: Mapping[tuple[R, C], Participation],
    hidden: set[tuple[object, object]],
    threshold: int = DEFAULT_THRESHOLD,
) -> set[tuple[object, object]]:
    """The cells and totals (keys as :func:`bordered`) whose first-time and returning residents
    must not be published, given ``hidden``, the cells :func:`suppress` hides whole.

    Primary: a cell hidden whole, or one whose first-time or returning residents are fewer than
    the threshold (but not none: 0 names nobody). Both figures go together, since first-time =
    residents - returning. Complementary: a resident lives in one neighbourhood and has one
    first month, so first-time residents add up exactly along rows and columns, totals included;
    :func:`suppress` on that table hides further first-time counts until none of the hidden ones
    can be worked out from the published ones. Returning residents add nothing an attacker can
    use: where residents are published, returning = residents - first-time."""
    full = with_margins(cells)
    forced = {
        key
        for key, cell in full.items()
        if key in hidden
        or 0 < len(cell.first_time) < threshold
        or 0 < len(cell.returning) < threshold
    }
    first = {key: len(cell.first_time) for key, cell in cells.items()}
    sizes = {key: 0 if key in forced else threshold for key in bordered(first)}
    return forced | suppress(first, threshold, sizes)
