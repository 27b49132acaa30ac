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

#: Statistics cells with fewer people than this are suppressed (CBS practice for small counts).
MIN_CELL = 3


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
        """Cells of neighbourhood and month; those with fewer than MIN_CELL people are
        suppressed."""
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
        hidden = stats.suppress({key: len(cell["people"]) for key, cell in cells.items()}, MIN_CELL)
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
            min_cell=MIN_CELL,
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
        """Every payment at a shop, with the shop's kind from its document ("" unknown); the
        payer is counted by wallet."""
        p, b, m = s.payments, s.blocks, s.merchants
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(p.c.payer, b.c.timestamp, p.c.amount, m.c.metadata_cid).select_from(
                    p.join(b, b.c.number == p.c.block_number).outerjoin(
                        m, m.c.merchant_id == p.c.merchant_id
                    )
                )
            ).all()
        kinds: dict[str | None, str] = {}
        out = []
        for payer, when, amount, cid in rows:
            if cid not in kinds:
                document = get_document(self.content, cid) if self.content and cid else None
                kinds[cid] = str((document or {}).get("kind") or "")
            out.append(stats.Spend(str(payer), int(when), int(amount), kinds[cid]))
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
        participation = []
        for (hood, month), cell in sorted(work_all.items(), key=_order):
            shown = (hood, month) not in hidden
            code = None if hood == stats.TOTAL else int(hood)  # type: ignore[call-overload]
            known = NEIGHBOURHOODS_BY_CODE.get(code) if code is not None else None
            participation.append(
                ParticipationCell(
                    neighbourhood=code,
                    neighbourhood_name=(
                        "Heerlen" if code is None else known.name if known else f"code {code}"
                    ),
                    cbs_wijk=known.cbs_wijk if known else None,
                    month=None if month == stats.TOTAL else str(month),
                    suppressed=not shown,
                    residents=len(cell.residents) if shown else None,
                    first_time=len(cell.first_time) if shown else None,
                    returning=len(cell.returning) if shown else None,
                    tasks=cell.tasks if shown else None,
                    hours=round(cell.hours, 1) if shown else None,
                    tasks_without_estimate=cell.tasks_without_estimate if shown else None,
                    heitjes=cell.heitjes if shown else None,
                )
            )
        spent = stats.spending(self.spends())
        spent_all = stats.with_margins(spent)
        hidden_spent = stats.suppress(
            {k: len(v.residents) for k, v in spent.items()},
            threshold,
            {k: len(v.residents) for k, v in spent_all.items()},
        )
        spending = []
        for (month, kind), spend in sorted(spent_all.items(), key=_order):
            shown = (month, kind) not in hidden_spent
            spending.append(
                SpendingCell(
                    month=None if month == stats.TOTAL else str(month),
                    kind=None if kind == stats.TOTAL else str(kind),
                    suppressed=not shown,
                    residents=len(spend.residents) if shown else None,
                    payments=spend.payments if shown else None,
                    heitjes=spend.heitjes if shown else None,
                )
            )
        return PublishedTables(
            min_residents=threshold, participation=participation, spending=spending
        )


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
