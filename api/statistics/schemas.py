"""What the public statistics give."""

from __future__ import annotations

from pydantic import BaseModel


class StatCell(BaseModel):
    neighbourhood: int
    neighbourhood_name: str
    month: str
    people: int | None
    tasks_paid: int | None
    amount_paid: int | None
    suppressed: bool


class Statistics(BaseModel):
    cells: list[StatCell]
    min_cell: int
    totals: dict[str, int]
