"""How far the indexer is (for readiness and metrics), and what the dApp needs to know."""

from __future__ import annotations

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.engine import Engine

from api.settings import ApiSettings
from api.system.schemas import ConfigOut, TokenOut
from indexer import schema as s
from wesh import rules
from wesh.contract import Wesh
from wesh.deployment import DEV_CHAIN_ID


class IndexerProgress(BaseModel):
    indexed_block: int
    head_block: int
    lag_blocks: int
    updated_at: float
    #: Events the indexer could not place (docs/indexer.md): alert-worthy, not fatal.
    unplaced_events: int


def indexer_progress(engine: Engine) -> IndexerProgress | None:
    """The indexer's cursor and the chain head it last saw (None before it has started)."""
    with engine.connect() as db:
        row = db.execute(sa.select(s.sync_state)).first()
        if row is None:
            return None
        unplaced = db.execute(sa.select(sa.func.count()).select_from(s.unplaced_events))
    return IndexerProgress(
        indexed_block=row.indexed_block,
        head_block=row.head_block,
        lag_blocks=max(0, int(row.head_block) - int(row.indexed_block)),
        updated_at=row.updated_at,
        unplaced_events=unplaced.scalar_one(),
    )


def dapp_config(settings: ApiSettings, chain_id: int, wesh: Wesh) -> ConfigOut:
    """The chain, the contracts and the token; what a wallet that does not know the chain yet is
    offered (on the local demo chain: its node); the map background; the task rules."""
    heitje = str(wesh.heitje.address)
    demo = chain_id == DEV_CHAIN_ID
    rpc_url = settings.chain_rpc_public_url or (settings.rpc_url if demo else "")
    return ConfigOut(
        chain_id=chain_id,
        heitje=heitje,
        redemption=str(wesh.redemption.address),
        token=TokenOut(
            address=heitje,
            symbol=rules.TOKEN_SYMBOL,
            decimals=rules.TOKEN_DECIMALS,
            name=rules.TOKEN_NAME,
        ),
        public_url=settings.public_url,
        demo=demo,
        chain_name=settings.chain_name or ("WESH lokaal (anvil)" if demo else f"Chain {chain_id}"),
        rpc_urls=[rpc_url] if rpc_url else [],
        map_tiles_url=settings.map_tiles_url,
        map_attribution=settings.map_attribution,
        max_rejections=rules.MAX_REJECTIONS,
        categories=list(rules.CATEGORIES),
        max_reward=rules.MAX_REWARD,
        max_slots=rules.MAX_SLOTS,
        min_claim_duration=rules.MIN_CLAIM_DURATION,
        max_claim_duration=rules.MAX_CLAIM_DURATION,
        task_statuses={str(n): name for n, name in rules.status_names(rules.TaskStatus).items()},
        claim_statuses={str(n): name for n, name in rules.status_names(rules.ClaimStatus).items()},
        max_title=rules.MAX_TITLE,
        max_description=rules.MAX_DESCRIPTION,
        max_payment_reference_length=rules.MAX_PAYMENT_REFERENCE_LENGTH,
    )
