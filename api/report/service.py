"""The quarterly report's figures, from the indexer's tables and the treasurer's monthly books
(``FinanceService.months``, the same figures as ``/city/finance/months.csv``), laid out as a PDF
by ``wesh.quarterly``. Read only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, cast

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api import tables
from api.finance.service import FinanceService
from api.liveability.service import for_report
from indexer import schema as s
from wesh import quarterly
from wesh.neighbourhoods import name_of
from wesh.rules import AMSTERDAM, DEFAULT_CATEGORY
from wesh.task_categories import BY_KEY


def _month(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, AMSTERDAM).strftime("%Y-%m")


def _rows(
    done: list[tuple[str, int, int]], order: Callable[[str], Any] = str
) -> list[quarterly.Row]:
    """(label, citizen, amount) per approved task -> a Row per label."""
    groups: dict[str, tuple[set[int], list[int]]] = {}
    for label, citizen, amount in done:
        people, amounts = groups.setdefault(label, (set(), []))
        people.add(citizen)
        amounts.append(amount)
    return [
        quarterly.Row(label, len(people), len(amounts), sum(amounts))
        for label, (people, amounts) in sorted(groups.items(), key=lambda kv: order(kv[0]))
    ]


def quarter_figures(
    engine: Engine,
    quarter: quarterly.Quarter,
    shop_areas: dict[int, str] | None = None,
    now: int | None = None,
    min_people: int = quarterly.MIN_PEOPLE,
) -> quarterly.QuarterFigures:
    """Everything the report shows for ``quarter``. ``shop_areas``: a shop's id -> the name of
    its neighbourhood (from the shops' documents), for spending by shopping area. ``min_people``:
    rows of fewer residents are suppressed (the setting WESH_STATISTICS_MIN_RESIDENTS)."""
    start, end = quarter.bounds()
    b = s.blocks
    r, t, meta = s.reviews, s.tasks, tables.task_meta
    in_quarter = sa.and_(b.c.timestamp >= start, b.c.timestamp < end)
    with engine.connect() as db:
        approved = db.execute(
            sa.select(
                b.c.timestamp,
                r.c.citizen_id,
                r.c.amount,
                t.c.neighbourhood,
                meta.c.category,
            )
            .select_from(
                r.join(b, b.c.number == r.c.block_number)
                .join(t, t.c.task_id == r.c.task_id)
                .outerjoin(meta, meta.c.task_id == r.c.task_id)
            )
            .where(r.c.outcome == "approved", in_quarter)
        ).all()
        escrow = dict(
            db.execute(
                sa.select(s.budget_changes.c.kind, sa.func.sum(s.budget_changes.c.amount))
                .join(b, b.c.number == s.budget_changes.c.block_number)
                .where(s.budget_changes.c.kind.in_(("locked", "returned")), in_quarter)
                .group_by(s.budget_changes.c.kind)
            ).all()
        )
        moved = dict(
            db.execute(
                sa.select(s.transfers.c.kind, sa.func.sum(s.transfers.c.value))
                .join(b, b.c.number == s.transfers.c.block_number)
                .where(s.transfers.c.kind.in_(("payment", "refund")), in_quarter)
                .group_by(s.transfers.c.kind)
            ).all()
        )
        paid_at_shops = db.execute(
            sa.select(s.payments.c.merchant_id, sa.func.sum(s.payments.c.amount))
            .join(b, b.c.number == s.payments.c.block_number)
            .where(in_quarter)
            .group_by(s.payments.c.merchant_id)
        ).all()

    def category(key: str | None) -> str:
        found = BY_KEY.get(key or DEFAULT_CATEGORY)
        return found.name_nl if found else str(key)

    months = {row.label: row for row in _rows([(_month(ts), c, a) for ts, c, a, _, _ in approved])}
    month_rows = [months.get(m, quarterly.Row(m, 0, 0, 0)) for m in quarter.months]
    codes = {name_of(int(h)): int(h) for _, _, _, h, _ in approved}
    by_hood = _rows(
        [(name_of(int(h)), c, a) for _, c, a, h, _ in approved], lambda n: codes.get(n, 0)
    )
    by_category = _rows([(category(k), c, a) for _, c, a, _, k in approved])

    # The treasurer's books (the same as /city/finance/months.csv): only its engine is read.
    books = FinanceService.months(cast(FinanceService, _Books(engine)), now)
    books_in = [m for m in books if m.month in quarter.months]
    at_end = [m for m in books if m.month <= quarter.months[-1]]
    money = quarterly.Money(
        budget_granted=sum(m.budget_granted for m in books_in),
        budget_withdrawn=sum(m.budget_withdrawn for m in books_in),
        escrow_locked=int(escrow.get("locked") or 0),
        escrow_returned=int(escrow.get("returned") or 0),
        payouts=sum(m.payouts for m in books_in),
        spending=int(moved.get("payment") or 0),
        refunds=int(moved.get("refund") or 0),
        cashouts_requested=sum(m.cashouts_requested for m in books_in),
        cashouts_paid=sum(m.cashouts_paid for m in books_in),
        heitjes_outstanding_end=at_end[-1].heitjes_outstanding if at_end else 0,
        cashouts_unpaid_end=at_end[-1].cashouts_unpaid if at_end else 0,
    )
    areas: dict[str, int] = {}
    for merchant_id, amount in paid_at_shops:
        area = (shop_areas or {}).get(int(merchant_id), "onbekend")
        areas[area] = areas.get(area, 0) + int(amount)
    made = datetime.fromtimestamp(now, AMSTERDAM) if now else datetime.now(AMSTERDAM)
    # The resident survey's published view (api.liveability), the same threshold.
    liveability, liveability_source = for_report(engine, min_people)
    return quarterly.QuarterFigures(
        quarter=quarter,
        months=month_rows,
        categories=by_category,
        neighbourhoods=by_hood,
        money=money,
        shopping_areas=sorted(areas.items(), key=lambda kv: -kv[1]),
        made_at=made.strftime("%d-%m-%Y %H:%M"),
        min_people=min_people,
        liveability=liveability,
        liveability_source=liveability_source,
    )


class _Books:
    """What ``FinanceService.months`` reads: the engine only."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine


def shop_areas(documents: list[tuple[int, dict[str, Any]]]) -> dict[int, str]:
    """A shop's id -> its neighbourhood's name, from the shops' documents."""
    out = {}
    for merchant_id, document in documents:
        code = document.get("neighbourhood")
        if isinstance(code, int):
            out[merchant_id] = name_of(code)
    return out
