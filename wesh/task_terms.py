"""The terms of one task, as ``commission_task`` and the task document take them.

One model for every way a task comes in: the API's ``POST /city/tasks`` body (JSON, raw values)
and the scripts' task files (wesh/task_files.py turns a row's friendly values, "25.00" euros,
"14 days", a date in Amsterdam, a neighbourhood's name, into these raw values first). Every bound
is read from ``wesh.rules``, so a task that passes here is one the contract accepts, except for
what only the chain knows (the deadline must lie after the chain's time, the budget must cover
reward x slots).

Values are taken as given: nothing is stripped or rounded here, because the document's CID is
computed over exactly these values and the same input must give the same CID.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from wesh.metadata import is_cid, task_document
from wesh.rules import (
    CATEGORIES,
    DEFAULT_CATEGORY,
    DEFAULT_HOURLY_WARNING,
    MAX_CID_LENGTH,
    MAX_CLAIM_DURATION,
    MAX_DESCRIPTION,
    MAX_ESTIMATED_MINUTES,
    MAX_NEIGHBOURHOOD,
    MAX_REWARD,
    MAX_SAFETY_NOTE,
    MAX_SLOTS,
    MAX_TIMESTAMP,
    MAX_TITLE,
    MIN_CLAIM_DURATION,
    MIN_ESTIMATED_MINUTES,
    implied_hourly,
)


class TaskTerms(BaseModel):
    """One task: the on-chain terms (reward, slots, deadline, duration, neighbourhood) and the
    public text and place that go into its document. Dutch first; English optional."""

    model_config = ConfigDict(frozen=True)

    title: str = Field(min_length=1, max_length=MAX_TITLE)
    title_en: str | None = Field(None, max_length=MAX_TITLE)
    description: str = Field(min_length=1, max_length=MAX_DESCRIPTION)
    description_en: str | None = Field(None, max_length=MAX_DESCRIPTION)
    category: str = Field(
        DEFAULT_CATEGORY,
        description="kind of task, for filters and icons",
        json_schema_extra={"enum": list(CATEGORIES)},
    )
    neighbourhood: int = Field(ge=1, le=MAX_NEIGHBOURHOOD, description="neighbourhood code")
    street: str = Field(min_length=1, description="where the task is, in words")
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    reward: int = Field(ge=1, le=MAX_REWARD, description="cents per slot")
    slots: int = Field(ge=1, le=MAX_SLOTS, description="how many citizens can do it")
    claim_deadline: int = Field(ge=0, le=MAX_TIMESTAMP, description="unix time")
    claim_duration: int = Field(ge=MIN_CLAIM_DURATION, le=MAX_CLAIM_DURATION, description="seconds")
    # Issue #15: safe tasks that do not displace paid staff.
    estimated_minutes: int | None = Field(
        None,
        ge=MIN_ESTIMATED_MINUTES,
        le=MAX_ESTIMATED_MINUTES,
        description="how long one resident needs for one slot (minutes)",
    )
    safety: str | None = Field(
        None, max_length=MAX_SAFETY_NOTE, description="safety note the resident reads first"
    )
    safety_en: str | None = Field(None, max_length=MAX_SAFETY_NOTE)
    not_regular_work: bool = Field(
        False, description="the task manager confirms this is not regular paid work"
    )
    reference_photo: str | None = Field(
        None, max_length=MAX_CID_LENGTH, description="CID of a photo of the place as it is"
    )

    @field_validator("category")
    @classmethod
    def _known_category(cls, value: str) -> str:
        if value not in CATEGORIES:
            raise ValueError(f"category {value!r} is not one of {', '.join(CATEGORIES)}")
        return value

    @field_validator("reference_photo")
    @classmethod
    def _photo_cid(cls, value: str | None) -> str | None:
        if value is not None and not is_cid(value):
            raise ValueError("reference_photo is not a CID")
        return value

    @property
    def hourly(self) -> int | None:
        """The implied reward per hour (cents), when the duration is estimated."""
        return implied_hourly(self.reward, self.estimated_minutes)

    @property
    def cost(self) -> int:
        """What commissioning locks of the task budget (cents)."""
        return self.reward * self.slots

    def document(self) -> dict[str, Any]:
        """The task's public document (``wesh.task/1``); its CID goes on chain."""
        return task_document(
            title=self.title,
            description=self.description,
            neighbourhood=self.neighbourhood,
            street=self.street,
            lat=self.lat,
            lon=self.lon,
            reward=self.reward,
            slots=self.slots,
            claim_deadline=self.claim_deadline,
            claim_duration=self.claim_duration,
            title_en=self.title_en,
            description_en=self.description_en,
            category=self.category,
            estimated_minutes=self.estimated_minutes,
            safety=self.safety,
            safety_en=self.safety_en,
            not_regular_work=self.not_regular_work,
            reference_photo=self.reference_photo,
        )


def task_notes(terms: TaskTerms, hourly_warning: int = DEFAULT_HOURLY_WARNING) -> list[str]:
    """What a task manager should look at again before commissioning (English, for the
    scripts): a reward per hour above the warning, no estimated duration, no confirmation that
    the task is not regular paid work."""
    notes = []
    if terms.hourly is None:
        notes.append("no estimated_minutes: the reward per hour is unknown")
    elif terms.hourly > hourly_warning:
        notes.append(
            f"WARNING: {terms.hourly / 100:.2f} euros an hour is above the city's warning of "
            f"{hourly_warning / 100:.2f}: is this regular paid work?"
        )
    if not terms.not_regular_work:
        notes.append("not_regular_work is not confirmed (ja): the web form requires it")
    return notes
