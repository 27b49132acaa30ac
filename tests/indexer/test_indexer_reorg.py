"""Reorganisations made on anvil (anvil_reorg, evm_snapshot + evm_revert and re-mine) at random
depths: the final state equals a clean re-index, and matches the contracts."""

from __future__ import annotations

import random
from typing import Any

import indexer_views as views
import pytest
from indexer_support import assert_matches_chain, diff_dumps, dump, index_once, make_indexer
from indexer_world import CID, World
from sqlalchemy import text

from indexer.reorg import ReorgTooDeep
from indexer.sync import Indexer


def _reorg(world: World, depth: int, rng: random.Random) -> None:
    """Replaces the last ``depth`` blocks by a branch of the same length with other events."""
    txs: list[list[Any]] = []
    for _ in range(rng.randint(1, 3)):
        if rng.random() < 0.5:
            tx = world.wesh.grant_budget(rng.randint(1, 10_000))
        else:
            shop = "0x" + rng.randbytes(20).hex()
            tx = world.wesh.register_merchant(shop, CID)
        body = {"from": world.city.address, "to": tx.to, "data": tx.data, "gas": hex(400_000)}
        txs.append([body, rng.randrange(depth)])
    world.rpc("anvil_reorg", depth, txs)


def _assert_pending_matches_chain(indexer: Indexer, world: World) -> None:
    year, month = world.wesh.period()
    with indexer.engine.connect() as conn:
        assert views.ledger(conn, pending=True) == world.wesh.ledger()
        for address in world.addresses():
            assert views.account(conn, address, year, month, pending=True) == world.wesh.account(
                address
            )


def _finish(indexer: Indexer, world: World, new_db: Any) -> None:
    world.mine(indexer.confirmations)
    indexer.run(once=True)
    assert_matches_chain(indexer.engine, world)
    clean = index_once(
        new_db(), world.node.url, world.deployment, confirmations=indexer.confirmations
    )
    a, b = dump(indexer.engine), dump(clean.engine)
    assert a == b, diff_dumps(a, b)


def test_reorgs_within_the_confirmation_window(world: World, new_db: Any) -> None:
    """Reorgs no deeper than the confirmation depth only ever touch the pending tables."""
    rng = random.Random(11)
    indexer = make_indexer(new_db(), world.node.url, world.deployment, confirmations=4)
    depths = []
    for _ in range(5):
        world.random_actions(15, rng)
        world.mine(2)
        indexer.run(once=True)
        _assert_pending_matches_chain(indexer, world)
        depth = rng.randint(1, 4)
        depths.append(depth)
        _reorg(world, depth, rng)
        indexer.run(once=True)
        _assert_pending_matches_chain(indexer, world)
    assert indexer.progress.reorgs == 0  # the confirmed tables never saw the replaced blocks
    _finish(indexer, world, new_db)


def test_reorgs_deeper_than_the_window_roll_confirmed_blocks_back(
    world: World, new_db: Any
) -> None:
    """Reorgs below the confirmed tip are undone through the journal, then replayed."""
    rng = random.Random(23)
    indexer = make_indexer(new_db(), world.node.url, world.deployment, confirmations=1)
    for round_ in range(4):
        world.random_actions(15, rng)
        world.mine(3)
        indexer.run(once=True)
        assert_matches_chain_confirmed = indexer.cursor
        assert assert_matches_chain_confirmed is not None
        if round_ == 2:
            # evm_snapshot + evm_revert: the new branch is shorter than the indexed one.
            snapshot = world.rpc("evm_snapshot")
            world.random_actions(10, rng)
            world.mine(2)
            indexer.run(once=True)
            world.rpc("evm_revert", snapshot)
            world.random_actions(4, rng)
        else:
            _reorg(world, rng.randint(2, 9), rng)
        indexer.run(once=True)
    assert indexer.progress.reorgs >= 3
    with indexer.engine.connect() as conn:
        journal = conn.execute(text("SELECT COUNT(*) FROM journal")).scalar_one()
    assert journal > 0
    _finish(indexer, world, new_db)


def test_a_reorg_deeper_than_the_journal_is_refused(world: World, new_db: Any) -> None:
    world.random_actions(20, random.Random(3))
    world.mine(8)
    indexer = make_indexer(new_db(), world.node.url, world.deployment, max_reorg_depth=2)
    indexer.run(once=True)
    _reorg(world, 7, random.Random(4))
    with pytest.raises(ReorgTooDeep, match="indexer reset"):
        indexer.run(once=True)


def _grants(indexer: Indexer) -> list[tuple[int, bool]]:
    with indexer.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT neighbourhood, granted FROM association_neighbourhoods ORDER BY 1")
        ).all()
    return [(int(n), bool(g)) for n, g in rows]


def test_a_reorg_undoes_grants_withdrawals_and_a_desk_registration(
    world: World, new_db: Any
) -> None:
    """A neighbourhood granted, another withdrawn and a resident registered by the association,
    all confirmed, then replaced by a branch that grants a third neighbourhood: the index holds
    the branch's grants, the resident is gone, and it equals a clean re-index."""
    indexer = make_indexer(new_db(), world.node.url, world.deployment, confirmations=1)
    w, gms, city = world.wesh, world.association.address, world.city
    assert world.send(w.grant_neighbourhood(gms, 1), city)
    world.mine(2)
    indexer.run(once=True)
    assert _grants(indexer) == [(1, True)]
    newcomer = "0x" + random.Random(5).randbytes(20).hex()
    assert world.send(w.grant_neighbourhood(gms, 2), city)
    assert world.send(w.withdraw_neighbourhood(gms, 1), city)
    assert world.send(w.desk_register_citizen(newcomer, 2), world.association)
    world.mine(1)
    indexer.run(once=True)
    assert _grants(indexer) == [(1, False), (2, True)]
    with indexer.engine.connect() as conn:
        by = conn.execute(
            text("SELECT registered_by FROM citizens WHERE wallet = :w"), {"w": newcomer}
        ).scalar_one()
    assert by == gms.lower()

    tx = w.grant_neighbourhood(gms, 3)
    body = {"from": city.address, "to": tx.to, "data": tx.data, "gas": hex(200_000)}
    world.rpc("anvil_reorg", 4, [[body, 0]])  # the last four blocks: grant 2 .. the mined one
    indexer.run(once=True)
    assert indexer.progress.reorgs >= 1
    world.mine(1)
    indexer.run(once=True)
    assert _grants(indexer) == [(1, True), (3, True)]
    with indexer.engine.connect() as conn:
        gone = conn.execute(
            text("SELECT COUNT(*) FROM citizens WHERE wallet = :w"), {"w": newcomer}
        ).scalar_one()
    assert gone == 0
    _finish(indexer, world, new_db)
