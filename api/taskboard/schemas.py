"""What Stadsbeheer's overview and the categories give."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

#: A task's state in the overview, one each, first that applies: cancelled; handed in (a claim
#: waits for a reviewer); overdue (a claim's time to do it has passed); claimed; open (places left
#: and its claim deadline not passed); done (nothing left to do).
BoardState = Literal["cancelled", "handed_in", "overdue", "claimed", "open", "done"]
BOARD_STATES: tuple[BoardState, ...] = (
    "open",
    "claimed",
    "handed_in",
    "overdue",
    "done",
    "cancelled",
)


class Bilingual(BaseModel):
    nl: str
    en: str


class CategoryOut(BaseModel):
    key: str
    name: Bilingual
    may: Bilingual
    safety: Bilingual


class TaskCategories(BaseModel):
    categories: list[CategoryOut]
    #: The kind a task without one (or with one no longer on the list) counts as.
    default: str
    #: Reward per hour (cents) above which the commission form warns.
    hourly_warning: int
    max_reward: int
    min_estimated_minutes: int
    max_estimated_minutes: int


class BoardClaim(BaseModel):
    #: The resident's number (never an address or a name).
    citizen_id: int
    #: wesh.rules.ClaimStatus in lower case (claimed, submitted, ..., paid).
    status: str
    expires_at: int
    overdue: bool


class BoardTask(BaseModel):
    task_id: int
    title: str
    title_en: str
    category: str
    neighbourhood: int
    street: str
    reward: int
    slots: int
    slots_open: int
    claim_deadline: int
    estimated_minutes: int | None
    #: Implied reward per hour (cents); None when the duration was not estimated.
    hourly: int | None
    above_warning: bool
    state: BoardState
    claims: list[BoardClaim]


class CategoryShare(BaseModel):
    category: str
    tasks: int
    #: Share of the tasks shown, in per cent (whole numbers; may not add up to 100 by rounding).
    percent: int
    #: Implied hourly rates of its tasks with an estimated duration (cents): lowest, middle,
    #: highest; None when none has one.
    hourly_min: int | None
    hourly_median: int | None
    hourly_max: int | None
    above_warning: int


class TaskBoard(BaseModel):
    items: list[BoardTask]
    #: Tasks of each state among those the filters (neighbourhood, category) select.
    states: dict[str, int]
    by_category: list[CategoryShare]
    hourly_warning: int
    #: Whether more tasks matched than the overview lists (the newest are listed).
    truncated: bool


class ReferencePhotoOut(BaseModel):
    cid: str
    url: str
    width: int
    height: int
