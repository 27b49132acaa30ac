"""Public, privacy-safe numbers: tasks paid and people taking part, by neighbourhood and month."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.ledger import read_ledger
from api.statistics.schemas import StatCell, Statistics
from indexer import schema as s
from wesh.calendar import amsterdam_period
from wesh.neighbourhoods import NEIGHBOURHOODS

#: Statistics cells with fewer people than this are suppressed (CBS practice for small counts).
MIN_CELL = 3


class StatisticsService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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
        out: list[StatCell] = []
        for (hood, month), cell in sorted(cells.items(), key=lambda item: (item[0][1], item[0][0])):
            people = len(cell["people"])
            suppressed = people < MIN_CELL
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
