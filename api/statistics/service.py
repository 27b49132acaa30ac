"""Public, privacy-safe numbers: tasks paid and people taking part, by neighbourhood and month."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.ledger import read_ledger
from api.statistics.schemas import (
    ParticipationCell,
    PublishedTables,
    SpendingAreaCell,
    SpendingCell,
    StatCell,
    Statistics,
)
from api.tables import task_meta
from indexer import schema as s
from wesh import statistics as stats
from wesh.calendar import amsterdam_period
from wesh.metadata import ContentStore, get_document
from wesh.neighbourhoods import NEIGHBOURHOODS


class StatisticsService:
    def __init__(
        self,
        engine: Engine,
        content: ContentStore | None = None,
        texts: Any = None,
        min_residents: int = stats.DEFAULT_THRESHOLD,
    ) -> None:
        self.engine = engine
        self.content = content
        #: api.tasks.texts.TaskTexts: caches the task documents (their estimated minutes).
        self.texts = texts
        self.min_residents = min_residents

    def statistics(self) -> Statistics:
        """Cells of neighbourhood and month; those with fewer people than the published tables'
        threshold (WESH_STATISTICS_MIN_RESIDENTS), and those the totals would give away, are
        suppressed: the same rule as GET /statistics/tables, so this public route shows no
        group those tables hide."""
        r, c, b = s.reviews, s.citizens, s.blocks
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(
                    c.c.neighbourhood,
                    b.c.timestamp,
                    r.c.citizen_id,
                    r.c.amount,
                )
                .select_from(
                    r.join(c, c.c.citizen_id == r.c.citizen_id).join(
                        b, b.c.number == r.c.block_number
                    )
                )
                .where(r.c.outcome == "approved")
            ).all()
        ledger = read_ledger(self.engine)
        cells: dict[tuple[int, str], dict[str, Any]] = {}
        for hood, timestamp, citizen_id, amount in rows:
            year, month_number = amsterdam_period(int(timestamp))
            key = (int(hood), f"{year}-{month_number:02d}")
            cell = cells.setdefault(key, {"people": set(), "tasks": 0, "paid": 0})
            cell["people"].add(int(citizen_id))
            cell["tasks"] += 1
            cell["paid"] += int(amount)
        names = {n.code: n.name for n in NEIGHBOURHOODS}
        # Complementary too: the totals below (minted, tasks) would give a lone suppressed cell
        # away by subtraction.
        hidden = stats.suppress(
            {key: len(cell["people"]) for key, cell in cells.items()}, self.min_residents
        )
        out: list[StatCell] = []
        for (hood, month), cell in sorted(cells.items(), key=lambda item: (item[0][1], item[0][0])):
            people = len(cell["people"])
            suppressed = (hood, month) in hidden
            out.append(
                StatCell(
                    neighbourhood=hood,
                    neighbourhood_name=names.get(hood, str(hood)),
                    month=month,
                    people=None if suppressed else people,
                    tasks_paid=None if suppressed else cell["tasks"],
                    amount_paid=None if suppressed else cell["paid"],
                    suppressed=suppressed,
                )
            )
        return Statistics(
            cells=out,
            min_cell=self.min_residents,
            totals={
                "citizens": ledger.citizens,
                "merchants": ledger.merchants,
                "tasks": ledger.tasks,
                "outstanding": ledger.total_supply,
                "minted": ledger.total_minted,
            },
        )

    # ----------------------------------------------------------------- published tables (#16)
    def works(self) -> list[stats.Work]:
        """Every approved task slot: the resident, their neighbourhood, when, how much and the
        task document's estimated minutes (None when it gives none)."""
        if self.texts is not None:
            self.texts.sync(force=True)
        r, c, b = s.reviews, s.citizens, s.blocks
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(
                    r.c.citizen_id,
                    c.c.neighbourhood,
                    b.c.timestamp,
                    r.c.amount,
                    task_meta.c.document,
                )
                .select_from(
                    r.join(c, c.c.citizen_id == r.c.citizen_id)
                    .join(b, b.c.number == r.c.block_number)
                    .outerjoin(task_meta, task_meta.c.task_id == r.c.task_id)
                )
                .where(r.c.outcome == "approved")
            ).all()
        return [
            stats.Work(int(who), int(hood), int(when), int(amount), _minutes(document))
            for who, hood, when, amount, document in rows
        ]

    def spends(self) -> list[stats.Spend]:
        """Every payment at a shop, with the shop's kind and neighbourhood from its document
        ("" and 0 unknown). The payer is counted by citizen number, whichever of their wallets
        paid (a resident who moved to a new phone counts once); a payer that is no citizen by
        its wallet."""
        p, b, m = s.payments, s.blocks, s.merchants
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(p.c.payer, b.c.timestamp, p.c.amount, m.c.metadata_cid).select_from(
                    p.join(b, b.c.number == p.c.block_number).outerjoin(
                        m, m.c.merchant_id == p.c.merchant_id
                    )
                )
            ).all()
            holders = {
                str(wallet).lower(): int(citizen)
                for wallet, citizen in [
                    *db.execute(
                        sa.select(s.citizen_moves.c.old_wallet, s.citizen_moves.c.citizen_id)
                    ).all(),
                    *db.execute(sa.select(s.citizens.c.wallet, s.citizens.c.citizen_id)).all(),
                ]
            }
        shops: dict[str | None, tuple[str, int]] = {}
        out = []
        for payer, when, amount, cid in rows:
            if cid not in shops:
                document = get_document(self.content, cid) if self.content and cid else None
                area = (document or {}).get("neighbourhood")
                shops[cid] = (
                    str((document or {}).get("kind") or ""),
                    area if isinstance(area, int) and not isinstance(area, bool) else 0,
                )
            kind, area = shops[cid]
            who: object = holders.get(str(payer).lower(), str(payer).lower())
            out.append(stats.Spend(who, int(when), int(amount), kind, area))
        return out

    def tables(self) -> PublishedTables:
        """The published tables: participation per neighbourhood x month and spending per
        month x shop kind, with their totals, suppressed as wesh.statistics.suppress says."""
        threshold = self.min_residents
        work = stats.participation(self.works())
        work_all = stats.with_margins(work)
        hidden = stats.suppress(
            {k: len(v.residents) for k, v in work.items()},
            threshold,
            {k: len(v.residents) for k, v in work_all.items()},
        )
        # First-time and returning residents: hidden where small, or where they would give a
        # small one away (wesh.statistics.suppress_sub_counts).
        hidden_sub = stats.suppress_sub_counts(work, hidden, threshold)
        participation = []
        for (hood, month), cell in sorted(work_all.items(), key=_order):
            shown = (hood, month) not in hidden
            sub = shown and (hood, month) not in hidden_sub
            code = None if hood == stats.TOTAL else int(hood)  # type: ignore[call-overload]
            known = NEIGHBOURHOODS_BY_CODE.get(code) if code is not None else None
            participation.append(
                ParticipationCell(
                    neighbourhood=code,
                    neighbourhood_name=(
                        "Heerlen" if code is None else known.name if known else f"code {code}"
                    ),
                    cbs_wijk=known.cbs_wijk if known else None,
                    cbs_buurten=" ".join(known.cbs_buurten) if known else None,
                    month=None if month == stats.TOTAL else str(month),
                    suppressed=not shown,
                    residents=len(cell.residents) if shown else None,
                    first_time=len(cell.first_time) if sub else None,
                    returning=len(cell.returning) if sub else None,
                    tasks=cell.tasks if shown else None,
                    hours=round(cell.hours, 1) if shown else None,
                    tasks_without_estimate=cell.tasks_without_estimate if shown else None,
                    heitjes=cell.heitjes if shown else None,
                )
            )
        spends = self.spends()
        spending = [
            SpendingCell(month=month, kind=kind, **figures)
            for month, kind, figures in _spending_rows(stats.spending(spends), threshold)
        ]
        by_area = []
        for month, area, figures in _spending_rows(stats.spending(spends, by="area"), threshold):
            code = None if area is None else int(area)  # type: ignore[call-overload]
            known = NEIGHBOURHOODS_BY_CODE.get(code) if code is not None else None
            name = "Heerlen" if code is None else known.name if known else "onbekend"
            by_area.append(SpendingAreaCell(month=month, area=code, area_name=name, **figures))
        return PublishedTables(
            min_residents=threshold,
            participation=participation,
            spending=spending,
            spending_by_area=by_area,
        )


def _spending_rows(
    spent: dict[tuple[str, object], stats.Spending], threshold: int
) -> list[tuple[str | None, Any, dict[str, Any]]]:
    """(month or None, column or None, figures) per cell and total of a spending table, the
    figures None where suppressed."""
    spent_all = stats.with_margins(spent)
    hidden = stats.suppress(
        {k: len(v.residents) for k, v in spent.items()},
        threshold,
        {k: len(v.residents) for k, v in spent_all.items()},
    )
    out: list[tuple[str | None, Any, dict[str, Any]]] = []
    for (month, column), spend in sorted(spent_all.items(), key=_order):
        shown = (month, column) not in hidden
        figures = {
            "suppressed": not shown,
            "residents": len(spend.residents) if shown else None,
            "payments": spend.payments if shown else None,
            "heitjes": spend.heitjes if shown else None,
        }
        out.append(
            (
                None if month == stats.TOTAL else str(month),
                None if column == stats.TOTAL else column,
                figures,
            )
        )
    return out


NEIGHBOURHOODS_BY_CODE = {n.code: n for n in NEIGHBOURHOODS}


def _order(item: tuple[tuple[object, object], Any]) -> tuple[bool, str, bool, str]:
    """Cells first by row then column, each total after its line."""
    row, col = item[0]
    return (row == stats.TOTAL, str(row).zfill(8), col == stats.TOTAL, str(col))


def _minutes(document: str | None) -> int | None:
    """A task document's estimated minutes per slot, if it gives a positive whole number."""
    try:
        found = json.loads(document or "null") or {}
    except ValueError:
        return None
    minutes = found.get("estimated_minutes") if isinstance(found, dict) else None
    return minutes if isinstance(minutes, int) and minutes > 0 else None
