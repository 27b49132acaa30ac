"""The resident survey: import a CSV (checked in full by ``wesh.liveability``, stored in one
transaction, a (neighbourhood, period) imported again replacing the earlier rating) and the
published view.

The published view, per neighbourhood with ratings:

- periods with fewer respondents than ``min_respondents`` (WESH_STATISTICS_MIN_RESIDENTS, the
  statistics' threshold) are left out, as if not imported, and counted as hidden;
- **before** is the last shown period that ended before the month of the first task done
  (approved) in that neighbourhood: the rating before WESH's work there. When the survey began
  only after that, it is the earliest shown period, and ``before_wesh`` says which (no task done
  there yet: the earliest period, before WESH);
- **after** is the latest shown period, when it is not ``before``;
- **tasks between** counts the tasks done (approved, in the month of their approval,
  Europe/Amsterdam) in that neighbourhood after ``before`` ended until ``after`` ended.

Ratings and tasks are put side by side; nothing here claims one caused the other (NOTE_NL).
"""

from __future__ import annotations

import time
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.errors import Conflict, InvalidInput
from api.liveability.schemas import (
    ImportOut,
    LiveabilityOut,
    NeighbourhoodLiveability,
    PeriodRating,
    Source,
)
from api.tables import liveability_ratings
from indexer import schema as s
from wesh import liveability, quarterly
from wesh.neighbourhoods import name_of
from wesh.rules import AMSTERDAM

_l = liveability_ratings.c


def after_month(month: str) -> int:
    """The unix time at which the month after ``month`` ("YYYY-MM") begins in Amsterdam."""
    year, number = (int(part) for part in month.split("-"))
    year, number = (year + 1, 1) if number == 12 else (year, number + 1)
    return int(datetime(year, number, 1, tzinfo=AMSTERDAM).timestamp())


def _month(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, AMSTERDAM).strftime("%Y-%m")


class LiveabilityService:
    def __init__(self, engine: Engine, min_respondents: int) -> None:
        self.engine = engine
        self.min_respondents = min_respondents

    def import_csv(self, file_name: str, data: str | bytes, by: str) -> ImportOut:
        """Reads the whole file, then stores every rating in one transaction; a bad line refuses
        the file (nothing stored) with every bad line in the problem's ``errors``."""
        try:
            ratings = liveability.parse_survey(data)
        except liveability.SurveyInvalid as bad:
            lines = sorted({e.line for e in bad.errors})
            raise InvalidInput(
                "liveability_file_invalid",
                count=len(bad.errors),
                lines=", ".join(str(n) for n in lines),
                errors=[{"line": e.line, "nl": e.nl, "en": e.en} for e in bad.errors],
            ) from None
        now = int(time.time())
        try:
            replaced = self._store(ratings, file_name, by, now)
        except sa.exc.IntegrityError:
            # Another import of the same pairs committed between our delete and insert.
            raise Conflict("liveability_busy") from None
        return ImportOut(
            file_name=file_name.strip(),
            ratings=len(ratings),
            added=len(ratings) - replaced,
            replaced=replaced,
        )

    def _store(self, ratings: list[liveability.Rating], file_name: str, by: str, now: int) -> int:
        """Replaces the file's (neighbourhood, period) pairs in one transaction; returns how
        many were there already."""
        replaced = 0
        with self.engine.begin() as db:
            for r in ratings:
                key = sa.and_(_l.neighbourhood == r.neighbourhood, _l.period == r.period.label)
                replaced += db.execute(liveability_ratings.delete().where(key)).rowcount or 0
            db.execute(
                liveability_ratings.insert(),
                [
                    {
                        "neighbourhood": r.neighbourhood,
                        "period": r.period.label,
                        "period_start": r.period.start,
                        "period_end": r.period.end,
                        "rating_centi": int(r.rating * 100),
                        "respondents": r.respondents,
                        "source_file": file_name.strip()[:200],
                        "imported_by": by.lower(),
                        "imported_at": now,
                    }
                    for r in ratings
                ],
            )
        return replaced

    def published(self) -> LiveabilityOut:
        """Every neighbourhood with ratings, before and after, beside the tasks done there."""
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(
                    _l.neighbourhood,
                    _l.period,
                    _l.period_start,
                    _l.period_end,
                    _l.rating_centi,
                    _l.respondents,
                )
            ).all()
            latest = db.execute(
                sa.select(_l.source_file, _l.imported_at)
                .order_by(_l.imported_at.desc(), _l.source_file)
                .limit(1)
            ).first()
            hoods = sorted({int(r.neighbourhood) for r in rows})
            r, t, b = s.reviews.c, s.tasks.c, s.blocks.c
            done = s.reviews.join(s.tasks, t.task_id == r.task_id).join(
                s.blocks, b.number == r.block_number
            )
            first: dict[int, int] = {}
            if hoods:
                first = {
                    int(h): int(ts)
                    for h, ts in db.execute(
                        sa.select(t.neighbourhood, sa.func.min(b.timestamp))
                        .select_from(done)
                        .where(r.outcome == "approved", t.neighbourhood.in_(hoods))
                        .group_by(t.neighbourhood)
                    )
                }
            out = []
            for hood in hoods:
                periods = sorted(
                    (
                        PeriodRating(
                            period=row.period,
                            start=row.period_start,
                            end=row.period_end,
                            rating=float(Decimal(int(row.rating_centi)) / 100),
                            respondents=int(row.respondents),
                        )
                        for row in rows
                        if int(row.neighbourhood) == hood
                    ),
                    key=lambda p: (p.end, p.start, p.period),
                )
                shown = [p for p in periods if p.respondents >= self.min_respondents]
                hidden = len(periods) - len(shown)
                began = first.get(hood)
                # No task done there yet: the earliest period is the "before".
                before_wesh_periods = (
                    shown[:1]
                    if began is None
                    else [p for p in shown if after_month(p.end) <= began]
                )
                before = before_wesh_periods[-1] if before_wesh_periods else None
                if before is None and shown:
                    before = shown[0]
                after = shown[-1] if shown and shown[-1] is not before else None
                between = None
                if before is not None and after is not None:
                    between = int(
                        db.execute(
                            sa.select(sa.func.count())
                            .select_from(done)
                            .where(
                                r.outcome == "approved",
                                t.neighbourhood == hood,
                                b.timestamp >= after_month(before.end),
                                b.timestamp < after_month(after.end),
                            )
                        ).scalar_one()
                    )
                out.append(
                    NeighbourhoodLiveability(
                        neighbourhood=hood,
                        neighbourhood_name=name_of(hood),
                        before=before,
                        after=after,
                        before_wesh=bool(before_wesh_periods),
                        first_task_month=_month(began) if began is not None else None,
                        tasks_between=between,
                        periods=shown,
                        hidden_periods=hidden,
                    )
                )
        return LiveabilityOut(
            min_respondents=self.min_respondents,
            neighbourhoods=out,
            source=Source(file_name=latest.source_file, imported_at=int(latest.imported_at))
            if latest
            else None,
        )


def for_report(engine: Engine, min_respondents: int) -> tuple[list[quarterly.LiveabilityRow], str]:
    """The published view as the quarterly report's section 6, and its source note."""
    view = LiveabilityService(engine, min_respondents).published()

    def rating(found: PeriodRating | None) -> quarterly.Rating | None:
        if found is None:
            return None
        return quarterly.Rating(found.period, found.rating, found.respondents)

    rows = [
        quarterly.LiveabilityRow(
            h.neighbourhood_name, rating(h.before), rating(h.after), h.tasks_between
        )
        for h in view.neighbourhoods
        if h.before is not None
    ]
    note = f"perioden met minder dan {min_respondents} respondenten weggelaten"
    if view.source is not None:
        day = datetime.fromtimestamp(view.source.imported_at, AMSTERDAM).strftime("%d-%m-%Y")
        note = f"laatst ingelezen: {view.source.file_name} op {day}; {note}"
    return rows, note
