"""Health, readiness, Prometheus metrics, and the dApp's configuration."""

from __future__ import annotations

import time

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Gauge, generate_latest

from api import openapi
from api.deps import ServicesDep
from api.errors import Unavailable
from api.system.schemas import ConfigOut, TokenOut
from api.system.service import indexer_progress
from wesh import rules
from wesh.deployment import DEV_CHAIN_ID

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
def ready(svc: ServicesDep) -> dict[str, object]:
    """Readiness: the database answers and the indexer has started."""
    try:
        progress = indexer_progress(svc.engine)
    except Exception:
        raise Unavailable() from None
    if progress is None:
        raise Unavailable()
    return {"status": "ready", **progress.model_dump(), "checked_at": int(time.time())}


@router.get("/metrics", response_class=Response, tags=[openapi.SYSTEM])
def metrics(svc: ServicesDep) -> Response:
    """Prometheus metrics: requests, latencies, indexer progress."""
    try:
        progress = indexer_progress(svc.engine)
        if progress is not None:
            INDEXED.set(progress.indexed_block)
            HEAD.set(progress.head_block)
            LAG.set(progress.lag_blocks)
            UNPLACED.set(progress.unplaced_events)
    except Exception:  # metrics must answer even when the database does not
        pass
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


@router.get("/config", response_model=ConfigOut, tags=[openapi.PUBLIC])
def config(svc: ServicesDep) -> ConfigOut:
    """What the dApp needs to talk to the chain: chain id, contract addresses, the token, and
    what a wallet that does not know the chain yet is offered; the map background."""
    heitje = str(svc.wesh.heitje.address)
    demo = svc.chain_id == DEV_CHAIN_ID
    rpc_url = svc.settings.chain_rpc_public_url or (svc.settings.rpc_url if demo else "")
    return ConfigOut(
        chain_id=svc.chain_id,
        heitje=heitje,
        redemption=str(svc.wesh.redemption.address),
        token=TokenOut(
            address=heitje,
            symbol=rules.TOKEN_SYMBOL,
            decimals=rules.TOKEN_DECIMALS,
            name=rules.TOKEN_NAME,
        ),
        public_url=svc.settings.public_url,
        demo=demo,
        chain_name=svc.settings.chain_name
        or ("WESH lokaal (anvil)" if demo else f"Chain {svc.chain_id}"),
        rpc_urls=[rpc_url] if rpc_url else [],
        map_tiles_url=svc.settings.map_tiles_url,
        map_attribution=svc.settings.map_attribution,
        max_rejections=rules.MAX_REJECTIONS,
        categories=list(rules.CATEGORIES),
        max_reward=rules.MAX_REWARD,
        max_slots=rules.MAX_SLOTS,
        min_claim_duration=rules.MIN_CLAIM_DURATION,
        max_claim_duration=rules.MAX_CLAIM_DURATION,
        task_statuses={str(n): name for n, name in rules.status_names(rules.TaskStatus).items()},
        claim_statuses={str(n): name for n, name in rules.status_names(rules.ClaimStatus).items()},
    )
