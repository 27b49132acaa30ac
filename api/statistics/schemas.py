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


class ParticipationCell(BaseModel):
    """One neighbourhood in one month; ``neighbourhood`` None: all neighbourhoods (a month's
    total), ``month`` None: all months (a neighbourhood's total). Suppressed: every figure None.
    ``first_time`` and ``returning`` are None in a published cell too where either is small or
    would give a small one away (then both)."""

    neighbourhood: int | None
    neighbourhood_name: str
    cbs_wijk: str | None
    cbs_buurten: str | None  # space-separated BU0917xxxx codes
    month: str | None
    suppressed: bool
    residents: int | None
    first_time: int | None
    returning: int | None
    tasks: int | None
    hours: float | None
    tasks_without_estimate: int | None
    heitjes: int | None


class SpendingCell(BaseModel):
    """Heitjes paid at shops of one kind in one month; ``kind``/``month`` None: their total."""

    month: str | None
    kind: str | None
    suppressed: bool
    residents: int | None
    payments: int | None
    heitjes: int | None


class SpendingAreaCell(BaseModel):
    """Heitjes paid at shops in one shopping area (the shop's neighbourhood, ``area`` its code,
    0: unknown) in one month; ``area``/``month`` None: their total."""

    month: str | None
    area: int | None
    area_name: str
    suppressed: bool
    residents: int | None
    payments: int | None
    heitjes: int | None


class PublishedTables(BaseModel):
    """Per neighbourhood x month, per month x shop kind and per month x shopping area
    (Europe/Amsterdam months), cells of fewer than ``min_residents`` residents suppressed, and
    any cell the totals would give away."""

    min_residents: int
    participation: list[ParticipationCell]
    spending: list[SpendingCell]
    spending_by_area: list[SpendingAreaCell]
