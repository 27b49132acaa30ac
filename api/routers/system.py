"""Health, readiness and Prometheus metrics."""

from __future__ import annotations

import time

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Gauge, generate_latest

from api.deps import ServicesDep
from api.errors import Unavailable

router = APIRouter(tags=["system"])

INDEXED = Gauge("wesh_indexed_block", "Last block the indexer applied")
HEAD = Gauge("wesh_head_block", "Chain head the indexer last saw")
LAG = Gauge("wesh_indexer_lag_blocks", "Blocks between the head and the indexed block")
UNPLACED = Gauge(
    "wesh_indexer_unplaced_events", "Events the indexer could not place (see docs/indexer.md)"
)


@router.get("/health")
def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/ready")
def ready(svc: ServicesDep) -> dict[str, object]:
    """Readiness: the database answers and the indexer has started."""
    try:
        progress = svc.views.indexer_progress()
    except Exception:
        raise Unavailable() from None
    if progress.get("indexed_block") is None:
        raise Unavailable()
    return {"status": "ready", **progress, "checked_at": int(time.time())}


@router.get("/metrics", response_class=Response)
def metrics(svc: ServicesDep) -> Response:
    """Prometheus metrics: requests, latencies, indexer progress."""
    try:
        progress = svc.views.indexer_progress()
        if progress.get("indexed_block") is not None:
            INDEXED.set(progress["indexed_block"])
            HEAD.set(progress["head_block"])
            LAG.set(progress["lag_blocks"])
            UNPLACED.set(progress["unplaced_events"])
    except Exception:  # metrics must answer even when the database does not
        pass
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
