"""The survey's import and its published view: each neighbourhood's rating before and after,
beside the tasks done there in between."""

from __future__ import annotations

from pydantic import BaseModel, Field

#: The largest survey file taken (characters): a survey of sixteen neighbourhoods over decades
#: is a few kilobytes.
MAX_CSV_CHARS = 1_000_000

#: Said wherever ratings and tasks stand side by side: they are shown together, and nothing more
#: is claimed.
NOTE_NL = (
    "De cijfers staan naast elkaar, geen oorzaak en gevolg: een wijk kan beter of slechter "
    "scoren om veel andere redenen dan de klussen."
)
NOTE_EN = (
    "The figures stand side by side, not cause and effect: a neighbourhood's rating can rise or "
    "fall for many reasons other than the tasks."
)


class ImportIn(BaseModel):
    #: The name of the file as the city saved it, kept as the figures' source.
    file_name: str = Field(min_length=1, max_length=200)
    #: The file's text (wesh/liveability.py describes the format).
    csv: str = Field(min_length=1, max_length=MAX_CSV_CHARS)


class ImportOut(BaseModel):
    file_name: str
    #: Lines read; of those, pairs (neighbourhood, period) new and pairs that replaced a rating.
    ratings: int
    added: int
    replaced: int


class PeriodRating(BaseModel):
    #: "2026", "2026-H1" or "2026-Q3".
    period: str
    #: The period's first and last month, "YYYY-MM".
    start: str
    end: str
    #: The mean rating, 1 to 10.
    rating: float
    respondents: int


class NeighbourhoodLiveability(BaseModel):
    neighbourhood: int
    neighbourhood_name: str
    #: The last period that ended before the first task done there (or, when the survey began
    #: later, the earliest period), and the latest period; None when there is only one.
    before: PeriodRating | None
    after: PeriodRating | None
    #: Whether ``before`` ended before WESH's first task done in the neighbourhood.
    before_wesh: bool
    #: The month ("YYYY-MM") of the first task done there, None if none yet.
    first_task_month: str | None
    #: Tasks done (approved) there after ``before`` ended and until ``after`` ended.
    tasks_between: int | None
    #: Every period shown, oldest first.
    periods: list[PeriodRating]
    #: Periods not shown: fewer respondents than ``min_respondents``.
    hidden_periods: int


class Source(BaseModel):
    file_name: str
    imported_at: int


class LiveabilityOut(BaseModel):
    #: A period's rating with fewer respondents than this is not shown.
    min_respondents: int
    note_nl: str = NOTE_NL
    note_en: str = NOTE_EN
    neighbourhoods: list[NeighbourhoodLiveability]
    #: The latest import, None before any.
    source: Source | None
