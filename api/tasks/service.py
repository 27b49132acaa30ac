"""Tasks: pages of cards (filtered by status, neighbourhood, category and map box), one task with
its document and claim counts, and commissioning and cancelling them."""

from __future__ import annotations

import json
import time
from typing import Any

import sqlalchemy as sa
from eth_utils import to_checksum_address
from sqlalchemy.engine import Engine

from api.database import MAX_BIGINT
from api.errors import Conflict, InvalidInput
from api.prepared import PreparedTx, Transactions
from api.tables import task_meta
from api.tasks.schemas import Box, CommissionOut, TaskCard, TaskDetail, TaskIn, TaskPage
from api.tasks.texts import TaskTexts
from indexer import schema as s
from wesh import neighbourhoods
from wesh.metadata import ContentStore, get_document, put_document
from wesh.rules import DEFAULT_CATEGORY, DEFAULT_HOURLY_WARNING, TaskStatus, implied_hourly

#: A list's total (for paging) is counted again when the indexer applied a block, or after this
#: many seconds: counting 100,000 rows on every request would cost more than the page itself.
COUNT_TTL_S = 30.0
#: Totals kept at most (one per filter combination and block).
COUNTS_KEPT = 1_000


class TaskService:
    def __init__(
        self, engine: Engine, content: ContentStore, texts: TaskTexts, txs: Transactions
    ) -> None:
        self.engine = engine
        self.content = content
        self.texts = texts
        self.txs = txs
        self._counts: dict[tuple[Any, ...], tuple[int, float]] = {}

    def page(
        self,
        *,
        status: str | None,
        neighbourhood: int | None,
        category: str | None,
        bbox: Box | None,
        offset: int,
        limit: int,
        now: int,
    ) -> TaskPage:
        """A page of task cards, newest first, and how many tasks match in all."""
        self.texts.sync()
        t, m = s.tasks, task_meta
        query = sa.select(
            t.c.task_id,
            t.c.reward,
            t.c.slots,
            t.c.slots_open,
            t.c.claim_deadline,
            t.c.claim_duration,
            t.c.neighbourhood,
            t.c.status,
            t.c.metadata_cid,
            m.c.title_nl,
            m.c.title_en,
            m.c.category,
            m.c.street,
            m.c.lat,
            m.c.lon,
        ).select_from(t.outerjoin(m, m.c.task_id == t.c.task_id))
        open_ = t.c.status == TaskStatus.OPEN
        if status == "open":
            query = query.where(open_, t.c.claim_deadline >= now, t.c.slots_open > 0)
        elif status == "full":
            query = query.where(open_, t.c.slots_open == 0)
        elif status == "cancelled":
            query = query.where(t.c.status == TaskStatus.CANCELLED)
        elif status == "closed":
            query = query.where(sa.or_(t.c.status == TaskStatus.CLOSED, t.c.claim_deadline < now))
        if neighbourhood is not None:
            query = query.where(t.c.neighbourhood == neighbourhood)
        if category:
            query = query.where(m.c.category == category)
        if bbox is not None:
            south, west, north, east = bbox
            query = query.where(m.c.lat.between(south, north), m.c.lon.between(west, east))
        with self.engine.connect() as db:
            # The total only changes when the indexer applies a block (or a claim deadline
            # passes, which COUNT_TTL_S bounds).
            indexed = db.execute(sa.select(s.sync_state.c.indexed_block)).scalar()
            count_key = (status, neighbourhood, category, bbox, indexed)
            cached_total = self._counts.get(count_key)
            if cached_total and time.monotonic() - cached_total[1] < COUNT_TTL_S:
                total = cached_total[0]
            else:
                total = int(db.execute(self._count_query(query, category, bbox)).scalar_one())
                if len(self._counts) > COUNTS_KEPT:
                    self._counts.clear()
                self._counts[count_key] = (total, time.monotonic())
            rows = db.execute(query.order_by(t.c.task_id.desc()).offset(offset).limit(limit)).all()
        items = [_task_card(row._mapping) for row in rows]
        return TaskPage(items=items, total=total, offset=offset, limit=limit)

    @staticmethod
    def _count_query(query: sa.Select[Any], category: str | None, bbox: object) -> sa.Select[Any]:
        """The list's count; without the join to the document cache when no filter needs it."""
        if category or bbox:
            return sa.select(sa.func.count()).select_from(query.subquery())
        counted = sa.select(sa.func.count()).select_from(s.tasks)
        if query.whereclause is not None:
            counted = counted.where(query.whereclause)
        return counted

    def task(self, task_id: int) -> TaskDetail | None:
        """One task with its document and how many of its claims are in each status."""
        if task_id > MAX_BIGINT:
            return None
        self.texts.sync()
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(s.tasks, task_meta.c.document)
                .select_from(s.tasks.outerjoin(task_meta, task_meta.c.task_id == s.tasks.c.task_id))
                .where(s.tasks.c.task_id == task_id)
            ).first()
            if row is None:
                return None
            claimed = db.execute(
                sa.select(s.claims.c.status, sa.func.count())
                .where(s.claims.c.task_id == task_id)
                .group_by(s.claims.c.status)
            ).all()
        data = dict(row._mapping)
        document = json.loads(data.pop("document") or "null") or get_document(
            self.content, data["metadata_cid"]
        )
        return TaskDetail(
            task_id=data["task_id"],
            reward=data["reward"],
            slots=data["slots"],
            slots_open=data["slots_open"],
            claim_deadline=data["claim_deadline"],
            claim_duration=data["claim_duration"],
            neighbourhood=data["neighbourhood"],
            status=data["status"],
            metadata_cid=data["metadata_cid"],
            task_manager=to_checksum_address(data["task_manager"]),
            document=document or {},
            claims_by_status={str(status): int(count) for status, count in claimed},
        )

    def commission(
        self, terms: TaskIn, sender: str, now: float, hourly_warning: int = DEFAULT_HOURLY_WARNING
    ) -> CommissionOut:
        """Stores the task's document and prepares commissioning it, once its place lies in its
        neighbourhood, its deadline after ``now``, the task manager confirmed it is not regular
        paid work and its reference photo (if any) is in the content store. A reward per hour
        above ``hourly_warning`` is allowed and said so (the form warned before sending)."""
        if not terms.not_regular_work:
            raise InvalidInput("not_regular_work_unconfirmed")
        if terms.reference_photo and not self.content.has(terms.reference_photo):
            raise InvalidInput("reference_photo_unknown")
        try:
            hood = neighbourhoods.by_code(terms.neighbourhood)
        except neighbourhoods.UnknownNeighbourhood:
            raise InvalidInput(fields=["neighbourhood"]) from None
        if neighbourhoods.check_location(hood, terms.lat, terms.lon):
            raise InvalidInput(fields=["lat", "lon"])
        if terms.claim_deadline <= now:
            raise InvalidInput(fields=["claim_deadline"])
        cid = put_document(self.content, terms.document())
        tx = self.txs.prepare(
            self.txs.wesh.commission_task(
                cid,
                terms.reward,
                terms.slots,
                terms.claim_deadline,
                terms.claim_duration,
                terms.neighbourhood,
            ),
            sender,
            "commission_task",
            title=terms.title,
            slots=terms.slots,
            reward=terms.reward,
        )
        hourly = implied_hourly(terms.reward, terms.estimated_minutes) or 0
        return CommissionOut(
            metadata_cid=cid,
            tx=tx,
            hourly=hourly,
            hourly_warning=hourly_warning,
            above_hourly_warning=hourly > hourly_warning,
        )

    def cancel(self, task_id: int, sender: str) -> PreparedTx:
        """Prepares cancelling an open task; one cancelled or closed already is a conflict
        that says so (rather than the contract's refusal)."""
        if task_id <= MAX_BIGINT:
            with self.engine.connect() as db:
                status = db.execute(
                    sa.select(s.tasks.c.status).where(s.tasks.c.task_id == task_id)
                ).scalar()
            if status == TaskStatus.CANCELLED:
                raise Conflict("task_already_cancelled")
            if status == TaskStatus.CLOSED:
                raise Conflict("task_already_closed")
        return self.txs.prepare(
            self.txs.wesh.cancel_task(task_id), sender, "cancel_task", task_id=task_id
        )


def _task_card(row: Any) -> TaskCard:
    """A task row joined with its cached document, as a card (a task whose document is not
    cached yet has a title made of its number)."""
    return TaskCard(
        task_id=row["task_id"],
        title=row["title_nl"] or f"Klus {row['task_id']}",
        title_en=row["title_en"] or row["title_nl"] or f"Task {row['task_id']}",
        category=row["category"] or DEFAULT_CATEGORY,
        reward=row["reward"],
        slots=row["slots"],
        slots_open=row["slots_open"],
        claim_deadline=row["claim_deadline"],
        claim_duration=row["claim_duration"],
        neighbourhood=row["neighbourhood"],
        status=row["status"],
        street=row["street"] or "",
        lat=row["lat"],
        lon=row["lon"],
        metadata_cid=row["metadata_cid"],
    )
