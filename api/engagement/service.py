"""Residents' engagement (issue #16, section 4): personal milestones and streaks from the
resident's approved tasks, and the monthly goals the city sets per neighbourhood.

Everything is computed from the indexer's tables (an approval's time is its block's), in the
contract's calendar: Europe/Amsterdam months. Seasons are the meteorological ones (winter is
December to February and counts to the year of its December). No resident is ever compared with
another: the only standings are between neighbourhoods' goals."""

from __future__ import annotations

import time
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from api.engagement.schemas import EngagementOut, GoalOut, GoalsOut, Milestone, SeasonOut
from api.errors import InvalidInput
from api.tables import neighbourhood_goals
from indexer import schema as s
from wesh.calendar import amsterdam_period
from wesh.neighbourhoods import NEIGHBOURHOODS
from wesh.rules import AMSTERDAM

#: Milestones by the number of approved tasks.
COUNT_MILESTONES = (("first_task", 1), ("five_tasks", 5))
SEASONS = {12: "winter", 1: "winter", 2: "winter", 3: "spring", 4: "spring", 5: "spring"}
SEASONS.update({6: "summer", 7: "summer", 8: "summer", 9: "autumn", 10: "autumn", 11: "autumn"})

Month = tuple[int, int]


def month_text(month: Month) -> str:
    return f"{month[0]}-{month[1]:02d}"


def parse_month(text: str) -> Month:
    """ "YYYY-MM" -> (year, month); a problem naming the field otherwise."""
    try:
        year, number = (int(part) for part in text.split("-"))
    except ValueError:
        raise InvalidInput(field="month") from None
    if not 2000 <= year <= 2200 or not 1 <= number <= 12:
        raise InvalidInput(field="month")
    return year, number


def previous(month: Month) -> Month:
    return (month[0] - 1, 12) if month[1] == 1 else (month[0], month[1] - 1)


def season_of(month: Month) -> tuple[str, int, list[Month]]:
    """The meteorological season of ``month``: its name, its year and its three months."""
    year, number = month
    start = number - (number % 3)  # 12 -> 12, 1 -> 0, 3 -> 3, 5 -> 3 ...
    if start == 0:
        year, start = year - 1, 12
    months = [(year + (start + i - 1) // 12, (start + i - 1) % 12 + 1) for i in range(3)]
    return SEASONS[start], year, months


def month_bounds(month: Month) -> tuple[int, int]:
    """The unix times at which an Amsterdam month begins and the next begins."""
    year, number = month
    nxt = (year + 1, 1) if number == 12 else (year, number + 1)
    begin = datetime(year, number, 1, tzinfo=AMSTERDAM)
    end = datetime(nxt[0], nxt[1], 1, tzinfo=AMSTERDAM)
    return int(begin.timestamp()), int(end.timestamp())


def milestones(times: list[int], now: int) -> tuple[list[Milestone], int, SeasonOut]:
    """A resident's milestones, streak and current season from the times of their approved
    tasks (unix, any order) at ``now``."""
    times = sorted(times)
    out = []
    for key, count in COUNT_MILESTONES:
        reached = len(times) >= count
        out.append(
            Milestone(key=key, reached=reached, reached_at=times[count - 1] if reached else None)
        )
    # A whole season: the first season each of whose months has a task, reached at the time
    # of the task that completed it.
    first_in: dict[Month, int] = {}
    for moment in times:
        first_in.setdefault(amsterdam_period(moment), moment)
    full_at: int | None = None
    for month in first_in:
        _, _, months = season_of(month)
        if all(m in first_in for m in months):
            completed = max(first_in[m] for m in months)
            full_at = completed if full_at is None else min(full_at, completed)
    out.append(Milestone(key="full_season", reached=full_at is not None, reached_at=full_at))
    # The streak: months in a row with a task, ending this month or (while this month has
    # none yet) last month.
    current = amsterdam_period(now)
    month = current if current in first_in else previous(current)
    streak = 0
    while month in first_in:
        streak += 1
        month = previous(month)
    name, year, months = season_of(current)
    season = SeasonOut(
        name=name,
        year=year,
        months=[month_text(m) for m in months],
        months_done=[month_text(m) for m in months if m in first_in],
    )
    return out, streak, season


_NAMES = {n.code: n.name for n in NEIGHBOURHOODS}
_r, _b, _t, _c = s.reviews.c, s.blocks.c, s.tasks.c, s.citizens.c
_g = neighbourhood_goals.c
_TIMES = (
    sa.select(_b.timestamp)
    .select_from(s.reviews.join(s.blocks, s.blocks.c.number == _r.block_number))
    .where(_r.citizen_id == sa.bindparam("citizen_id"), _r.outcome == "approved")
)


class EngagementService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def of_resident(self, address: str, now: int | None = None) -> EngagementOut:
        """``address``'s milestones, streak, season and their neighbourhood's goal."""
        now = int(time.time()) if now is None else now
        with self.engine.connect() as db:
            citizen = db.execute(
                sa.select(_c.citizen_id, _c.neighbourhood).where(_c.wallet == address.lower())
            ).first()
            times: list[int] = []
            goal = None
            if citizen is not None:
                times = [
                    int(t) for t in db.execute(_TIMES, {"citizen_id": citizen.citizen_id}).scalars()
                ]
                month = amsterdam_period(now)
                goals = self._goals(db, month, int(citizen.neighbourhood))
                goal = goals[0] if goals else None
        marks, streak, season = milestones(times, now)
        return EngagementOut(
            is_citizen=citizen is not None,
            tasks_done=len(times),
            milestones=marks,
            streak_months=streak,
            season=season,
            goal=goal,
        )

    def goals(self, month: str | None = None, now: int | None = None) -> GoalsOut:
        """Every goal of ``month`` (default: this Amsterdam month) with its progress, the
        neighbourhood nearest to its goal first."""
        period = (
            parse_month(month)
            if month
            else amsterdam_period(int(time.time()) if now is None else now)
        )
        with self.engine.connect() as db:
            found = self._goals(db, period, None)
        found.sort(key=lambda g: (g.left, -g.done, g.neighbourhood))
        return GoalsOut(month=month_text(period), goals=found)

    def set_goal(self, neighbourhood: int, month: str, target: int, by: str) -> GoalOut:
        """Sets (or replaces) ``neighbourhood``'s goal for ``month``."""
        if neighbourhood not in _NAMES:
            raise InvalidInput("neighbourhood_unknown", neighbourhood=neighbourhood)
        period = parse_month(month)
        key = {"neighbourhood": neighbourhood, "month": month_text(period)}
        with self.engine.begin() as db:
            db.execute(
                neighbourhood_goals.delete().where(
                    _g.neighbourhood == neighbourhood, _g.month == key["month"]
                )
            )
            db.execute(
                neighbourhood_goals.insert().values(
                    **key, target=target, set_by=by.lower(), set_at=int(time.time())
                )
            )
            return self._goals(db, period, neighbourhood)[0]

    def _goals(self, db: Connection, month: Month, neighbourhood: int | None) -> list[GoalOut]:
        query = sa.select(_g.neighbourhood, _g.target).where(_g.month == month_text(month))
        if neighbourhood is not None:
            query = query.where(_g.neighbourhood == neighbourhood)
        targets = {int(h): int(t) for h, t in db.execute(query)}
        if not targets:
            return []
        begin, end = month_bounds(month)
        done: dict[int, int] = dict(
            db.execute(
                sa.select(_t.neighbourhood, sa.func.count())
                .select_from(
                    s.reviews.join(s.tasks, _t.task_id == _r.task_id).join(
                        s.blocks, s.blocks.c.number == _r.block_number
                    )
                )
                .where(
                    _r.outcome == "approved",
                    _b.timestamp >= begin,
                    _b.timestamp < end,
                    _t.neighbourhood.in_(sorted(targets)),
                )
                .group_by(_t.neighbourhood)
            ).all()
        )
        return [
            GoalOut(
                neighbourhood=hood,
                neighbourhood_name=_NAMES.get(hood, str(hood)),
                month=month_text(month),
                target=target,
                done=int(done.get(hood, 0)),
                left=max(0, target - int(done.get(hood, 0))),
            )
            for hood, target in sorted(targets.items())
        ]
