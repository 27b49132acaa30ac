"""What a resident sees of their own engagement, and the neighbourhoods' monthly goals."""

from __future__ import annotations

from pydantic import BaseModel, Field

#: The largest monthly goal the city may set for one neighbourhood.
MAX_GOAL = 10_000


class Milestone(BaseModel):
    #: "first_task", "five_tasks", "full_season".
    key: str
    reached: bool
    #: When it was reached (unix time of the approval), None while not reached.
    reached_at: int | None = None


class SeasonOut(BaseModel):
    #: Meteorological, Europe/Amsterdam: "winter" (Dec-Feb), "spring", "summer", "autumn".
    name: str
    #: The year the season starts in (December's winter counts to that year).
    year: int
    #: The season's three months as "YYYY-MM", and those with at least one task done.
    months: list[str]
    months_done: list[str]


class GoalOut(BaseModel):
    neighbourhood: int
    neighbourhood_name: str
    #: "YYYY-MM", Europe/Amsterdam.
    month: str
    target: int
    #: Tasks in the neighbourhood approved in that month.
    done: int
    left: int


class EngagementOut(BaseModel):
    is_citizen: bool
    #: Tasks of this resident that were approved (paid), ever.
    tasks_done: int
    milestones: list[Milestone]
    #: Consecutive months with a task done, ending this month (or last month while this month
    #: has none yet).
    streak_months: int
    season: SeasonOut
    #: The resident's own neighbourhood's goal this month, if the city set one.
    goal: GoalOut | None


class GoalIn(BaseModel):
    target: int = Field(ge=1, le=MAX_GOAL, description="Tasks to be done in the month")


class GoalsOut(BaseModel):
    month: str
    goals: list[GoalOut]
