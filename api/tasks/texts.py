"""The task documents' texts and places, cached in ``api_task_meta``.

Only a task's CID is on chain; its title, category, street and coordinates are in the document
the content store holds. Lists, filters and the map need them in SQL, so each task's document is
read once and kept here (``api.tables.task_meta``).
"""

from __future__ import annotations

import json
import time
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.tables import CATEGORY_LENGTH, task_meta
from indexer import schema as s
from wesh.metadata import ContentStore, get_document
from wesh.rules import DEFAULT_CATEGORY

#: How often a worker looks for tasks whose documents are not cached yet.
SYNC_EVERY_S = 1.0
#: Most documents read in one look (the rest come at the next).
SYNC_BATCH = 5_000


class TaskTexts:
    def __init__(self, engine: Engine, content: ContentStore) -> None:
        self.engine = engine
        self.content = content
        self._checked = 0.0

    def sync(self, force: bool = False) -> int:
        """Caches the documents of tasks that have none cached yet; returns how many.

        Task ids only grow, so the tasks without a cached document are those above the highest
        cached id: two index lookups decide whether there is anything to do."""
        now = time.monotonic()
        if not force and now - self._checked < SYNC_EVERY_S:
            return 0
        self._checked = now
        with self.engine.connect() as db:
            cached = db.execute(sa.select(sa.func.max(task_meta.c.task_id))).scalar() or 0
            newest = db.execute(sa.select(sa.func.max(s.tasks.c.task_id))).scalar() or 0
            if newest <= cached:
                return 0
            missing = db.execute(
                sa.select(s.tasks.c.task_id, s.tasks.c.metadata_cid)
                .where(s.tasks.c.task_id > cached)
                .order_by(s.tasks.c.task_id)
                .limit(SYNC_BATCH)
            ).all()
        rows = [self._row(task_id, cid) for task_id, cid in missing]
        if rows:
            with self.engine.begin() as db:
                # Another worker may have cached some of them meanwhile: skip those.
                present = set(
                    db.execute(
                        sa.select(task_meta.c.task_id).where(
                            task_meta.c.task_id.in_([row["task_id"] for row in rows])
                        )
                    ).scalars()
                )
                fresh = [row for row in rows if row["task_id"] not in present]
                if fresh:
                    db.execute(task_meta.insert(), fresh)
        return len(rows)

    def _row(self, task_id: int, cid: str) -> dict[str, Any]:
        document = get_document(self.content, cid) or {}
        raw_title, raw_location = document.get("title"), document.get("location")
        title: dict[str, Any] = raw_title if isinstance(raw_title, dict) else {}
        location: dict[str, Any] = raw_location if isinstance(raw_location, dict) else {}
        title_nl = str(title.get("nl") or f"Klus {task_id}")
        return {
            "task_id": task_id,
            "cid": cid,
            "title_nl": title_nl,
            "title_en": str(title.get("en") or title_nl),
            "category": str(document.get("category") or DEFAULT_CATEGORY)[:CATEGORY_LENGTH],
            "street": str(location.get("street") or ""),
            "lat": _float(location.get("lat")),
            "lon": _float(location.get("lon")),
            "document": json.dumps(document, ensure_ascii=False),
        }


def _float(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
