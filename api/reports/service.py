"""Residents' reports of a spot that needs care (issue #16): a photo, a pin and a short text from
a resident's phone; the task managers' list; declining with a reason; and the one step that
makes a task of a report.

The photo is cleaned as every uploaded photo is (``api.evidence.photos``: type by content, size
and pixel limits, re-encoded from its pixels alone, so no GPS, device or time data survives) and
kept as a reference photo would be (``api.taskboard.service.reference_jpeg``), because it becomes
the task's reference photo. The place is the pin the resident confirmed, nothing else.

How a report becomes exactly one task: the city's step prepares a commission whose document
names the report (``report_id``), and records that document's CID (``api_report_commissions``).
The chain gives the task its number; once the indexer has a task with one of those CIDs,
``link`` sets the report's ``task_id`` (the lowest, if a retry made two) with a conditional update
(only while it has none) and puts the resident's inbox item in the same transaction, under a
unique source (``report:<id>``). So a retry, a second API worker or a restart never links twice
nor tells the resident twice. ``link`` runs in the notifier's rounds and before every list.

Limits, and why: a resident may send at most ``MAX_PER_DAY`` reports in 24 hours and have at most
``MAX_OPEN`` waiting for the city. Every report is read by a person at the city; a handful a day
is more than any one street needs, and it keeps one phone (or one stolen session) from burying
the task managers' list. Both refusals say when the resident can send again."""

from __future__ import annotations

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from api.errors import Conflict, Forbidden, InvalidInput, NotFound, RateLimited, Unavailable
from api.evidence import photos
from api.notifications.service import PUSH_DUE, REPORT_TASK
from api.reports.schemas import CityReportOut, CityReports, ReportOut, ReportTaskIn
from api.tables import (
    REPORT_TEXT_LENGTH,
    notifications,
    reference_photos,
    report_commissions,
    reports,
)
from api.taskboard.service import reference_jpeg
from api.tasks.schemas import CommissionOut
from api.tasks.service import TaskService
from indexer import schema as s
from wesh import neighbourhoods
from wesh.metadata import ContentError, ContentStore

log = logging.getLogger("wesh.api")

#: A text the city can act on ("Kapotte stoeptegel bij de bushalte"), short enough for a phone.
MIN_TEXT, MAX_TEXT = 10, REPORT_TEXT_LENGTH
#: Reports per resident in any 24 hours, and waiting for the city at once (see the module's text).
MAX_PER_DAY, MAX_OPEN = 3, 5
DAY_S = 86_400
#: Reports a task manager's list shows at most (the oldest waiting first).
CITY_SHOWN = 200
RECEIVED, TASK, DECLINED = "received", "task", "declined"


def photo_url(report_id: int) -> str:
    return f"/reports/{report_id}/photo"


class ReportService:
    def __init__(self, engine: Engine, content: ContentStore) -> None:
        self.engine = engine
        self.content = content

    # ------------------------------------------------------------------ the resident
    def create(
        self,
        citizen_id: int,
        *,
        neighbourhood: int,
        lat: float,
        lon: float,
        text: str,
        photo: bytes,
        declared_type: str | None,
        max_bytes: int,
        max_pixels: int,
        now: int,
    ) -> ReportOut:
        """Checks the text, the pin and the limits, cleans and stores the photo, keeps the
        report. Nothing is stored unless all of it is accepted."""
        words = " ".join(text.split())
        if len(words) < MIN_TEXT:
            raise InvalidInput("report_text_short", min=MIN_TEXT)
        if len(words) > MAX_TEXT:
            raise InvalidInput("report_text_long", max=MAX_TEXT)
        try:
            hood = neighbourhoods.by_code(neighbourhood)
        except neighbourhoods.UnknownNeighbourhood:
            raise InvalidInput("neighbourhood_unknown") from None
        if neighbourhoods.check_location(hood, lat, lon):
            raise InvalidInput("report_pin_far", hood=hood.name)
        r = reports.c
        with self.engine.connect() as db:
            recent = (
                db.execute(
                    sa.select(r.created_at)
                    .where(r.citizen_id == citizen_id, r.created_at > now - DAY_S)
                    .order_by(r.created_at)
                )
                .scalars()
                .all()
            )
            waiting = db.execute(
                sa.select(sa.func.count()).where(r.citizen_id == citizen_id, r.state == RECEIVED)
            ).scalar_one()
        if len(recent) >= MAX_PER_DAY:
            wait = int(recent[0]) + DAY_S - now
            hours = max(1, -(-wait // 3600))
            raise RateLimited("report_limit_day", n=MAX_PER_DAY, hours=hours, retry_after=wait)
        if waiting >= MAX_OPEN:
            raise Conflict("report_limit_open", n=MAX_OPEN)
        clean = photos.clean(photo, declared_type, max_bytes, max_pixels)
        stored, _, _ = reference_jpeg(clean.data)
        try:
            cid = self.content.put(stored)
        except (ContentError, OSError) as error:
            log.warning("report photo store refused %d bytes: %s", len(stored), error)
            raise Unavailable("evidence_store_unavailable") from None
        with self.engine.begin() as db:
            report_id = db.execute(
                reports.insert().values(
                    citizen_id=citizen_id,
                    neighbourhood=neighbourhood,
                    lat=lat,
                    lon=lon,
                    text=words,
                    photo_cid=cid,
                    created_at=now,
                    state=RECEIVED,
                )
            ).inserted_primary_key
            assert report_id is not None
            row = db.execute(sa.select(reports).where(r.id == report_id[0])).one()
        return _resident_view(row._mapping)

    def mine(self, citizen_id: int, now: int) -> list[ReportOut]:
        """The resident's reports, newest first, each with where it stands."""
        self.link(now)
        r = reports.c
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(reports)
                .where(r.citizen_id == citizen_id)
                .order_by(r.id.desc())
                .limit(CITY_SHOWN)
            ).all()
        return [_resident_view(row._mapping) for row in rows]

    def photo(self, report_id: int, citizen_id: int | None, task_manager: bool) -> bytes:
        """A report's photo, for its resident and the task managers."""
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(reports.c.citizen_id, reports.c.photo_cid).where(
                    reports.c.id == report_id
                )
            ).first()
        if row is None or not self.content.has(row.photo_cid):
            raise NotFound()
        if not task_manager and row.citizen_id != citizen_id:
            raise Forbidden(role="task manager")
        return self.content.get(row.photo_cid)

    # ------------------------------------------------------------------ the city
    def for_city(self, state: str | None, now: int) -> CityReports:
        """Reports for the task managers: those waiting first (oldest first), then the rest
        (newest first); the resident by number only."""
        self.link(now)
        r = reports.c
        waiting_first = sa.case((r.state == RECEIVED, 0), else_=1)
        query = sa.select(reports).order_by(
            waiting_first, sa.case((r.state == RECEIVED, r.id), else_=-r.id)
        )
        if state:
            query = query.where(r.state == state)
        with self.engine.connect() as db:
            rows = db.execute(query.limit(CITY_SHOWN)).all()
            received = db.execute(
                sa.select(sa.func.count()).where(r.state == RECEIVED)
            ).scalar_one()
        return CityReports(items=[_city_view(row._mapping) for row in rows], received=received)

    def decline(self, report_id: int, reason: str, by: str, now: int) -> CityReportOut:
        """Declines a waiting report with a reason the resident reads."""
        words = " ".join(reason.split())
        if len(words) < 5:
            raise InvalidInput(fields=["reason"])
        self.link(now)
        r = reports.c
        with self.engine.begin() as db:
            row = self._report(db, report_id)
            self._still_waiting(row)
            done = db.execute(
                reports.update()
                .where(r.id == report_id, r.state == RECEIVED)
                .values(state=DECLINED, reason=words, decided_by=by.lower(), decided_at=now)
            ).rowcount
            if not done:  # someone decided it in between
                raise Conflict("report_decided")
            row = self._report(db, report_id)
        return _city_view(row)

    def make_task(
        self,
        report_id: int,
        terms: ReportTaskIn,
        tasks: TaskService,
        sender: str,
        now: int,
        hourly_warning: int,
    ) -> CommissionOut:
        """The one step: prepares commissioning the task the form (filled from the report)
        describes, its document naming the report and, unless another was chosen, the report's
        photo as its reference photo; the report becomes that task once the chain has it
        (``link``). Sent again before the task is on the chain (a retry), the same document
        comes back and no second link can be made."""
        self.link(now)
        with self.engine.connect() as db:
            row = self._report(db, report_id)
        self._still_waiting(row)
        if terms.reference_photo is None:
            terms = terms.model_copy(update={"reference_photo": row["photo_cid"]})
        out = tasks.commission(terms.for_report(report_id), sender, now, hourly_warning)
        rc = report_commissions.c
        try:
            with self.engine.begin() as db:
                if terms.reference_photo == row["photo_cid"]:
                    # The task's reference photo is public as the task document that names it.
                    known = db.execute(
                        sa.select(reference_photos.c.cid).where(
                            reference_photos.c.cid == row["photo_cid"]
                        )
                    ).first()
                    if known is None:
                        db.execute(
                            reference_photos.insert().values(
                                cid=row["photo_cid"],
                                uploaded_by=sender.lower(),
                                media_type="image/jpeg",
                                created_at=now,
                            )
                        )
                known_cid = db.execute(
                    sa.select(rc.report_id).where(rc.metadata_cid == out.metadata_cid)
                ).first()
                if known_cid is None:
                    db.execute(
                        report_commissions.insert().values(
                            metadata_cid=out.metadata_cid,
                            report_id=report_id,
                            prepared_by=sender.lower(),
                            prepared_at=now,
                        )
                    )
        except IntegrityError:
            log.info("report %s: the same commission was recorded at the same time", report_id)
        return out

    # ------------------------------------------------------------------ the link
    def link(self, now: int) -> int:
        """Links each report whose prepared task is now on the chain (indexed) to it, and tells
        its resident: once (see the module's text). How many were linked."""
        r, rc, t = reports.c, report_commissions.c, s.tasks.c
        with self.engine.connect() as db:
            found = db.execute(
                sa.select(rc.report_id, sa.func.min(t.task_id))
                .select_from(
                    report_commissions.join(s.tasks, t.metadata_cid == rc.metadata_cid).join(
                        reports, r.id == rc.report_id
                    )
                )
                .where(r.task_id.is_(None))
                .group_by(rc.report_id)
            ).all()
        linked = 0
        for report_id, task_id in found:
            try:
                with self.engine.begin() as db:
                    done = db.execute(
                        reports.update()
                        .where(r.id == report_id, r.task_id.is_(None))
                        .values(state=TASK, task_id=task_id, decided_at=now)
                    ).rowcount
                    if not done:
                        continue
                    citizen = db.execute(
                        sa.select(r.citizen_id).where(r.id == report_id)
                    ).scalar_one()
                    db.execute(
                        notifications.insert().values(
                            citizen_id=citizen,
                            kind=REPORT_TASK,
                            task_id=task_id,
                            source=f"report:{report_id}",
                            created_at=now,
                            push=PUSH_DUE,
                        )
                    )
                linked += 1
            except IntegrityError:
                log.info("report %s was linked by another worker first", report_id)
        return linked

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _report(db: sa.Connection, report_id: int) -> Any:
        row = db.execute(sa.select(reports).where(reports.c.id == report_id)).first()
        if row is None:
            raise NotFound()
        return row._mapping

    @staticmethod
    def _still_waiting(row: Any) -> None:
        if row["state"] == TASK:
            raise Conflict("report_already_task", task_id=row["task_id"])
        if row["state"] == DECLINED:
            raise Conflict("report_decided")


def _resident_view(row: Any) -> ReportOut:
    return ReportOut(
        report_id=row["id"],
        neighbourhood=row["neighbourhood"],
        neighbourhood_name=neighbourhoods.name_of(row["neighbourhood"]),
        lat=row["lat"],
        lon=row["lon"],
        text=row["text"],
        photo_url=photo_url(row["id"]),
        created_at=row["created_at"],
        state=row["state"],
        reason=row["reason"],
        task_id=row["task_id"],
    )


def _city_view(row: Any) -> CityReportOut:
    return CityReportOut(
        **_resident_view(row).model_dump(),
        citizen_id=row["citizen_id"],
        photo_cid=row["photo_cid"],
    )
