"""Unconfirmed blocks: visible at once in the pending tables, never in the confirmed ones; and
the head-following indexer makes a new event queryable within a second."""

from __future__ import annotations

import threading
import time
from typing import Any

from indexer_support import make_indexer
from indexer_world import World
from sqlalchemy import text


def _count(indexer: Any, sql: str) -> int:
    with indexer.engine.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def test_a_payment_is_pending_until_confirmed(world: World, new_db: Any) -> None:
    w = world.wesh
    citizen, shop = world.citizens[0], world.merchants[0]
    task = world.commission(reward=800, slots=1)
    world.send(w.claim_task(task), citizen)
    world.send(w.submit(task, "bafy-evidence"), citizen)
    world.send(w.approve_submission(task, citizen.address), world.reviewers[0])
    world.mine(3)
    indexer = make_indexer(new_db(), world.node.url, world.deployment, confirmations=3)
    indexer.run(once=True)
    assert _count(indexer, "SELECT COUNT(*) FROM pending_payments") == 0

    world.send(w.pay(shop.address, 250, b"ORDER-42"), citizen)
    indexer.run(once=True)
    assert _count(indexer, "SELECT COUNT(*) FROM payments") == 0
    assert _count(indexer, "SELECT COUNT(*) FROM pending_payments WHERE amount = 250") == 1
    pending_balance = _count(
        indexer,
        f"SELECT balance FROM pending_accounts WHERE address = '{shop.address.lower()}'",
    )
    assert pending_balance == 250
    assert (
        _count(indexer, f"SELECT balance FROM accounts WHERE address = '{shop.address.lower()}'")
        == 0
    )
    assert _count(indexer, "SELECT head_block FROM pending_state") == world.head()

    world.mine(3)
    indexer.run(once=True)
    assert _count(indexer, "SELECT COUNT(*) FROM payments WHERE amount = 250") == 1
    assert _count(indexer, "SELECT COUNT(*) FROM pending_payments") == 0
    assert (
        _count(indexer, f"SELECT balance FROM accounts WHERE address = '{shop.address.lower()}'")
        == 250
    )


def test_following_the_head_makes_events_queryable_within_a_second(
    world: World, new_db: Any
) -> None:
    indexer = make_indexer(new_db(), world.node.url, world.deployment, poll_interval=0.05)
    stop = threading.Event()
    thread = threading.Thread(target=indexer.run, kwargs={"stop": stop}, daemon=True)
    thread.start()
    try:
        latencies = []
        for n in range(5):
            world.send(world.wesh.grant_budget(1_000 + n), world.city)
            mined = time.monotonic()
            while (
                _count(indexer, f"SELECT COUNT(*) FROM budget_changes WHERE amount = {1_000 + n}")
                == 0
            ):
                assert time.monotonic() - mined < 5, "event not indexed within 5 s"
                time.sleep(0.01)
            latencies.append(time.monotonic() - mined)
        assert max(latencies) < 1.0, latencies
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
