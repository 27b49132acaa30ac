"""Stadsbeheer's overview of the city's tasks: each task's state and claims, the share of tasks
per category and their implied hourly rates; and the reference photos of tasks.

The overview reads the indexer's ``tasks`` and ``claims`` and the API's cache of the task
documents (``api_task_meta``: category, street and the document with its estimated duration).
It looks at the newest ``MAX_SCAN`` tasks of the chosen neighbourhood (a city commissions a few
hundred a year) and lists at most ``MAX_ITEMS`` of them.
"""

from __future__ import annotations

import io
import json
import statistics
import time
from collections import Counter, defaultdict
from typing import Any

import sqlalchemy as sa
from PIL import Image
from sqlalchemy.engine import Engine

from api.errors import NotFound
from api.evidence import photos
from api.tables import reference_photos, task_meta
from api.taskboard.schemas import (
    BOARD_STATES,
    BoardClaim,
    BoardState,
    BoardTask,
    CategoryShare,
    ReferencePhotoOut,
    TaskBoard,
)
from api.tasks.texts import TaskTexts
from indexer import schema as s
from wesh.metadata import MAX_DOCUMENT_BYTES, ContentStore
from wesh.rules import (
    AWAITING_REVIEW,
    DEFAULT_CATEGORY,
    ClaimStatus,
    TaskStatus,
    implied_hourly,
)

#: Tasks looked at (newest first) and listed at most.
MAX_SCAN = 5_000
MAX_ITEMS = 300
#: A reference photo's longest side (pixels): enough to recognise the place beside the
#: residents' photos, small enough for the content store's one-chunk documents.
REFERENCE_EDGE = 1600


class TaskBoardService:
    def __init__(self, engine: Engine, content: ContentStore, texts: TaskTexts) -> None:
        self.engine = engine
        self.content = content
        self.texts = texts

    def board(
        self,
        *,
        state: BoardState | None,
        neighbourhood: int | None,
        category: str | None,
        hourly_warning: int,
        now: int,
    ) -> TaskBoard:
        """The overview: ``states`` counts the tasks of the neighbourhood and category in each
        state; ``by_category`` shares out those of the neighbourhood and state over the
        categories; ``items`` are the tasks all three filters select."""
        self.texts.sync(force=True)
        t, m = s.tasks, task_meta
        query = (
            sa.select(t, m.c.title_nl, m.c.title_en, m.c.category, m.c.street, m.c.document)
            .select_from(t.outerjoin(m, m.c.task_id == t.c.task_id))
            .order_by(t.c.task_id.desc())
            .limit(MAX_SCAN)
        )
        if neighbourhood is not None:
            query = query.where(t.c.neighbourhood == neighbourhood)
        with self.engine.connect() as db:
            rows = [dict(row._mapping) for row in db.execute(query)]
            claims = self._claims(db, [row["task_id"] for row in rows])
        tasks = [
            self._task(row, claims.get(row["task_id"], []), hourly_warning, now) for row in rows
        ]
        in_category = [task for task in tasks if not category or task.category == category]
        in_state = [task for task in tasks if state is None or task.state == state]
        states = Counter(task.state for task in in_category)
        items = [task for task in in_category if state is None or task.state == state]
        return TaskBoard(
            items=items[:MAX_ITEMS],
            states={name: states.get(name, 0) for name in BOARD_STATES},
            by_category=_shares(in_state, hourly_warning),
            hourly_warning=hourly_warning,
            truncated=len(items) > MAX_ITEMS or len(rows) == MAX_SCAN,
        )

    @staticmethod
    def _claims(db: sa.Connection, task_ids: list[int]) -> dict[int, list[Any]]:
        found: dict[int, list[Any]] = defaultdict(list)
        c = s.claims
        for start in range(0, len(task_ids), 500):
            chunk = task_ids[start : start + 500]
            for row in db.execute(
                sa.select(c.c.task_id, c.c.citizen_id, c.c.status, c.c.expires_at)
                .where(c.c.task_id.in_(chunk))
                .order_by(c.c.task_id, c.c.citizen_id)
            ):
                found[row.task_id].append(row)
        return found

    @staticmethod
    def _task(row: dict[str, Any], claims: list[Any], hourly_warning: int, now: int) -> BoardTask:
        document = json.loads(row["document"] or "null") or {}
        minutes = document.get("estimated_minutes")
        minutes = minutes if isinstance(minutes, int) and minutes > 0 else None
        hourly = implied_hourly(row["reward"], minutes)
        listed = [
            BoardClaim(
                citizen_id=claim.citizen_id,
                status=ClaimStatus(claim.status).name.lower(),
                expires_at=claim.expires_at,
                overdue=claim.status in (ClaimStatus.CLAIMED, ClaimStatus.REJECTED)
                and claim.expires_at < now,
            )
            for claim in claims
        ]
        return BoardTask(
            task_id=row["task_id"],
            title=row["title_nl"] or f"Klus {row['task_id']}",
            title_en=row["title_en"] or row["title_nl"] or f"Task {row['task_id']}",
            category=row["category"] or DEFAULT_CATEGORY,
            neighbourhood=row["neighbourhood"],
            street=row["street"] or "",
            reward=row["reward"],
            slots=row["slots"],
            slots_open=row["slots_open"],
            claim_deadline=row["claim_deadline"],
            estimated_minutes=minutes,
            hourly=hourly,
            above_warning=hourly is not None and hourly > hourly_warning,
            state=_state(row, claims, listed, now),
            claims=listed,
        )

    # ------------------------------------------------------------- reference photos
    def store_reference_photo(
        self, data: bytes, media_type: str | None, uploader: str, max_bytes: int, max_pixels: int
    ) -> ReferencePhotoOut:
        """Checks and cleans a photo of the place as it is (no location or device data), makes
        it small enough for the content store, stores it and records who uploaded it."""
        clean = photos.clean(data, media_type, max_bytes, max_pixels)
        stored, width, height = reference_jpeg(clean.data)
        cid = self.content.put(stored)
        with self.engine.begin() as db:
            known = db.execute(
                sa.select(reference_photos.c.cid).where(reference_photos.c.cid == cid)
            ).first()
            if known is None:
                db.execute(
                    reference_photos.insert().values(
                        cid=cid,
                        uploaded_by=uploader.lower(),
                        media_type="image/jpeg",
                        created_at=int(time.time()),
                    )
                )
        return ReferencePhotoOut(
            cid=cid, url=f"/reference-photos/{cid}", width=width, height=height
        )

    def reference_photo(self, cid: str) -> bytes:
        """A reference photo (public: a photo of a public place, named by a public document)."""
        with self.engine.connect() as db:
            known = db.execute(
                sa.select(reference_photos.c.cid).where(reference_photos.c.cid == cid)
            ).first()
        if known is None or not self.content.has(cid):
            raise NotFound()
        return self.content.get(cid)


def reference_jpeg(cleaned: bytes) -> tuple[bytes, int, int]:
    """A cleaned photo as a reference photo: a JPEG of at most ``REFERENCE_EDGE`` px that fits
    the content store's document limit (the quality steps down, then the size); its width and
    height. A resident's report photo is kept the same way (``api.reports``): it may become a
    task's reference photo."""
    image = Image.open(io.BytesIO(cleaned))
    image.thumbnail((REFERENCE_EDGE, REFERENCE_EDGE))
    stored = b""
    for quality in (82, 72, 60, 50, 40):
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=quality, optimize=True)
        stored = out.getvalue()
        if len(stored) <= MAX_DOCUMENT_BYTES:
            break
    if len(stored) > MAX_DOCUMENT_BYTES:
        image.thumbnail((REFERENCE_EDGE // 2, REFERENCE_EDGE // 2))
        out = io.BytesIO()
        image.convert("RGB").save(out, format="JPEG", quality=60, optimize=True)
        stored = out.getvalue()
    return stored, image.width, image.height


def _state(
    row: dict[str, Any], claims: list[Any], listed: list[BoardClaim], now: int
) -> BoardState:
    if row["status"] == TaskStatus.CANCELLED:
        return "cancelled"
    if any(claim.status in AWAITING_REVIEW for claim in claims):
        return "handed_in"
    if any(claim.overdue for claim in listed):
        return "overdue"
    if any(claim.status in (ClaimStatus.CLAIMED, ClaimStatus.REJECTED) for claim in claims):
        return "claimed"
    if row["status"] == TaskStatus.OPEN and row["slots_open"] > 0 and row["claim_deadline"] >= now:
        return "open"
    return "done"


def _shares(tasks: list[BoardTask], hourly_warning: int) -> list[CategoryShare]:
    """Tasks per category (most first), their share and implied hourly rates."""
    by: dict[str, list[BoardTask]] = defaultdict(list)
    for task in tasks:
        by[task.category].append(task)
    total = len(tasks) or 1
    shares = []
    for category, group in sorted(by.items(), key=lambda item: (-len(item[1]), item[0])):
        rates = sorted(task.hourly for task in group if task.hourly is not None)
        shares.append(
            CategoryShare(
                category=category,
                tasks=len(group),
                percent=round(100 * len(group) / total),
                hourly_min=rates[0] if rates else None,
                hourly_median=round(statistics.median(rates)) if rates else None,
                hourly_max=rates[-1] if rates else None,
                above_warning=sum(1 for rate in rates if rate > hourly_warning),
            )
        )
    return shares
