"""Health, readiness, Prometheus metrics, and the dApp's configuration."""

from __future__ import annotations

import time

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Gauge, generate_latest

from api import openapi
from api.deps import ServicesDep, require_index
from api.errors import DomainError, Unavailable
from api.system.schemas import ConfigOut
from api.system.service import dapp_config, indexer_progress

router = APIRouter()

INDEXED = Gauge("wesh_indexed_block", "Last block the indexer applied")
HEAD = Gauge("wesh_head_block", "Chain head the indexer last saw")
LAG = Gauge("wesh_indexer_lag_blocks", "Blocks between the head and the indexed block")
UNPLACED = Gauge(
    "wesh_indexer_unplaced_events", "Events the indexer could not place (see docs/indexer.md)"
)


@router.get("/health", tags=[openapi.SYSTEM])
def health() -> dict[str, str]:
    """Liveness: the process answers."""
    return {"status": "ok"}


@router.get("/ready", tags=[openapi.SYSTEM])
async def ready(svc: ServicesDep) -> dict[str, object]:
    """Readiness: the database answers, the indexer has made its tables and has started."""
    try:
        require_index(svc.index)
        progress = indexer_progress(svc.engine)
    except DomainError:
        raise
    except Exception:  # the database does not answer
        raise Unavailable() from None
    if progress is None:
        raise Unavailable()
    return {"status": "ready", **progress.model_dump(), "checked_at": int(time.time())}


@router.get("/metrics", response_class=Response, tags=[openapi.SYSTEM])
def metrics(svc: ServicesDep) -> Response:
    """Prometheus metrics: requests, latencies, indexer progress, and the relayer's balance,
    spending, requests by state, queue and accepted -> mined latency."""
    try:
        progress = indexer_progress(svc.engine) if svc.index.check() else None
        if progress is not None:
            INDEXED.set(progress.indexed_block)
            HEAD.set(progress.head_block)
            LAG.set(progress.lag_blocks)
            UNPLACED.set(progress.unplaced_events)
    except Exception:  # metrics must answer even when the database does not
        pass
    try:
        relayer = svc.relay.metrics()
    except Exception:  # nor may the relayer's journal stop them
        relayer = b""
    return Response(generate_latest(REGISTRY) + relayer, media_type=CONTENT_TYPE_LATEST)


@router.get("/config", response_model=ConfigOut, tags=[openapi.PUBLIC])
def config(svc: ServicesDep) -> ConfigOut:
    """What the dApp needs to talk to the chain: chain id, contract addresses, the token, and
    what a wallet that does not know the chain yet is offered; the map background."""
    return dapp_config(svc.settings, svc.chain_id, svc.wesh)
