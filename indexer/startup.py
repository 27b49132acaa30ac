"""Opening an index: its schema created (or refused), and the deployment it indexes checked
against the manifest and the chain (``open_index``).

A local anvil chain is thrown away with its node (as its manifest is), so on one the index of an
earlier chain, or of an earlier schema version, is dropped and indexed anew; on any other chain
either is an error that says what to do.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from indexer import schema
from indexer.rpc import Rpc
from wesh.deployment import DEV_CHAIN_ID, Deployment
from wesh.settings import IndexerSettings

log = logging.getLogger("indexer.startup")


class DeploymentMismatch(RuntimeError):
    """The database, the manifest and the chain do not describe the same deployment."""


def open_index(settings: IndexerSettings, deployment: Deployment, engine: Engine, rpc: Rpc) -> None:
    """Creates the schema and, in a new index, the cursor; checks that database, manifest and
    chain describe the same deployment."""
    chain_id = rpc.chain_id()
    resets_dev_chain = chain_id == DEV_CHAIN_ID and settings.reset_dev_chain
    _create_schema(engine, resets_dev_chain)
    start = _start_block(deployment, rpc, chain_id)
    if resets_dev_chain and _other_deployment(engine, deployment, start):
        log.warning(
            "the database holds the index of an earlier local chain (chain id %d), which is "
            "gone: dropping it and indexing the new deployment",
            DEV_CHAIN_ID,
        )
        schema.drop(engine)
        schema.create(engine)
    _record_deployment(engine, deployment, chain_id, start)


def _create_schema(engine: Engine, resets_dev_chain: bool) -> None:
    """Creates the tables (if missing); an index of another schema version is refused, or on a
    local chain thrown away."""
    try:
        schema.create(engine)
    except schema.SchemaError as error:
        if not resets_dev_chain:
            raise
        log.warning("%s; this is a local chain: re-indexing it from scratch", error)
        schema.drop(engine)
        schema.create(engine)


def _start_block(deployment: Deployment, rpc: Rpc, chain_id: int) -> dict[str, Any]:
    """The header of the manifest's start block, once the node is known to serve the manifest's
    chain, and that block to be the manifest's."""
    if chain_id != deployment.chain_id:
        raise DeploymentMismatch(
            f"the node at the RPC URL serves chain {chain_id}, the manifest is for chain "
            f"{deployment.chain_id}: point WESH_RPC_URL at the right node"
        )
    number = deployment.start_block
    start = rpc.header(number)
    if start is None:
        raise DeploymentMismatch(
            f"the chain has no block {number} (the manifest's start block): was the chain "
            "reset? Deploy again (`ape run deploy`) to write a new manifest"
        )
    start_hash = start["hash"].lower()
    if deployment.start_block_hash and deployment.start_block_hash.lower() != start_hash:
        raise DeploymentMismatch(
            f"block {number} on the chain is {start_hash}, the manifest says "
            f"{deployment.start_block_hash}: the manifest is from a chain that was reset; "
            "deploy again"
        )
    return start


def _other_deployment(engine: Engine, deployment: Deployment, start: dict[str, Any]) -> bool:
    """True when the database indexes a deployment on another local chain (both anvil, id
    31337) than this one."""
    with engine.connect() as conn:
        row = conn.execute(select(schema.sync_state)).mappings().first()
    if row is None or row["chain_id"] != DEV_CHAIN_ID:
        return False
    return (
        row["heitje"],
        row["start_block"],
        row["start_block_hash"],
        row["neighbourhood_desk"],
    ) != (
        deployment.heitje.lower(),
        deployment.start_block,
        start["hash"].lower(),
        deployment.neighbourhood_desk.lower(),
    )


def _record_deployment(
    engine: Engine, deployment: Deployment, chain_id: int, start: dict[str, Any]
) -> None:
    """Writes the deployment and an empty cursor into a new index; checks that an existing index
    is of this deployment."""
    heitje, redemption = deployment.heitje.lower(), deployment.redemption.lower()
    desk = deployment.neighbourhood_desk.lower()
    start_hash = start["hash"].lower()
    with engine.begin() as conn:
        row = conn.execute(select(schema.sync_state)).mappings().first()
        if row is None:
            conn.execute(
                schema.sync_state.insert().values(
                    id=1,
                    chain_id=chain_id,
                    heitje=heitje,
                    redemption=redemption,
                    neighbourhood_desk=desk,
                    start_block=deployment.start_block,
                    start_block_hash=start_hash,
                    indexed_block=deployment.start_block - 1,
                    indexed_hash=start["parentHash"].lower(),
                    journal_floor=deployment.start_block - 1,
                    head_block=0,
                    head_seen_at=0.0,
                    events_total=0,
                    updated_at=time.time(),
                )
            )
            log.info(
                "new index of %s chain %d from block %d (Heitje %s)",
                deployment.network,
                chain_id,
                deployment.start_block,
                deployment.heitje,
            )
            return
        theirs = (
            row["chain_id"],
            row["heitje"],
            row["redemption"],
            row["start_block"],
            row["start_block_hash"],
        )
        ours = (chain_id, heitje, redemption, deployment.start_block, start_hash)
        if theirs == ours and row["neighbourhood_desk"] != desk:
            raise DeploymentMismatch(
                f"the database indexes this deployment with neighbourhood desk "
                f"{row['neighbourhood_desk'] or '(none)'}, the manifest names "
                f"{deployment.neighbourhood_desk or '(none)'}: the desk's events from its "
                "deployment on are not in the index; `--reset` to re-index"
            )
        if theirs != ours:
            raise DeploymentMismatch(
                "the database indexes another deployment (chain "
                f"{row['chain_id']}, Heitje {row['heitje']}, start block "
                f"{row['start_block']}): use another database, or `--reset` to re-index"
            )
