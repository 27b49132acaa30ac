"""Projections equal the contracts' own view after scripted and random action sequences."""

from __future__ import annotations

import random

import pytest
from indexer_support import assert_matches_chain, diff_dumps, dump, index_once, make_indexer
from indexer_world import World
from sqlalchemy import inspect, text

from indexer import archive, db, schema
from indexer.rpc import Rpc
from wesh import events


def test_tour_emits_every_event_and_matches_the_chain(world: World, new_db) -> None:  # type: ignore[no-untyped-def]
    world.tour()
    indexer = index_once(new_db(), world.node.url, world.deployment)
    with indexer.engine.connect() as conn:
        topics = {
            entry[4][0]
            for (logs,) in conn.execute(text("SELECT logs FROM raw_logs"))
            for entry in archive.unpack(logs)
        }
        seen = {events.specs()[t].name for t in topics}
        archived = conn.execute(text("SELECT SUM(log_count) FROM raw_logs")).scalar_one()
        counted = conn.execute(text("SELECT events_total FROM sync_state")).scalar_one()
        payments = conn.execute(text("SELECT reference FROM payments ORDER BY block_number")).all()
        kinds = {r[0] for r in conn.execute(text("SELECT kind FROM transfers"))}
        appeals = {r[0] for r in conn.execute(text("SELECT kind FROM appeals"))}
        causes = {r[0] for r in conn.execute(text("SELECT cause FROM releases"))}
    assert seen == set(events.by_name()), set(events.by_name()) - seen
    dep = world.deployment
    logs = Rpc(world.node.url).get_logs(world.contracts(), dep.start_block, world.head())
    assert archived == counted == len(logs)  # every raw log is archived, once
    # The first catch-up of an empty database dropped the secondary indexes and built them at
    # the tip: all there.
    with indexer.engine.connect() as conn:
        seen_ix = inspect(conn)
        found = {ix["name"] for t in schema.PROJECTION_TABLES for ix in seen_ix.get_indexes(t.name)}
    assert found == {ix.name for ix in schema.secondary_indexes()}
    assert payments[0][0] is not None and payments[0][0].startswith("0x" + b"QR-1".hex())
    assert payments[1][0] is None  # a plain transfer() to a shop is a payment without reference
    assert kinds == {"mint", "burn", "payment", "refund", "move"}
    assert appeals == {"filed", "granted", "denied"}
    assert causes == {1, 2, 3}
    with indexer.engine.connect() as conn:
        grants = conn.execute(
            text(
                "SELECT association, neighbourhood, granted, changed_by"
                " FROM association_neighbourhoods ORDER BY neighbourhood"
            )
        ).all()
        registered_by = conn.execute(
            text("SELECT wallet, neighbourhood, registered_by FROM citizens ORDER BY citizen_id")
        ).all()
    gms, city = world.association.address.lower(), world.city.address.lower()
    assert [tuple(r) for r in grants] == [(gms, 3, True, city), (gms, 4, False, city)]
    # The resident the association registered, and only that one, names it.
    newcomer = world.citizens[-1].address.lower()
    assert [tuple(r) for r in registered_by if r[2] is not None] == [(newcomer, 3, gms)]
    assert assert_matches_chain(indexer.engine, world) > 80


@pytest.mark.parametrize("seed", [1, 2])
def test_random_actions_match_the_chain_at_every_stop(world: World, new_db, seed: int) -> None:  # type: ignore[no-untyped-def]
    """Random actions in rounds; after each round the (incremental) index equals the chain, and
    at the end it equals a clean index byte for byte."""
    rng = random.Random(seed)
    url = new_db()
    indexer = make_indexer(url, world.node.url, world.deployment)
    for _ in range(3):
        world.random_actions(40, rng)
        indexer.run(once=True)
        assert_matches_chain(indexer.engine, world)
    assert world.sent > 35
    clean = index_once(new_db(), world.node.url, world.deployment)
    assert dump(indexer.engine) == dump(clean.engine), diff_dumps(
        dump(indexer.engine), dump(clean.engine)
    )


def test_indexing_twice_changes_nothing(world: World, new_db) -> None:  # type: ignore[no-untyped-def]
    world.random_actions(30, random.Random(5))
    url = new_db()
    first = index_once(url, world.node.url, world.deployment)
    before = dump(first.engine)
    again = index_once(url, world.node.url, world.deployment)  # a restart: nothing new
    assert dump(again.engine) == before
    assert again.progress.batches == 0


def test_the_copy_path_writes_what_executemany_writes(  # type: ignore[no-untyped-def]
    world: World, new_db, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On PostgreSQL large batches go through COPY + INSERT ... SELECT (indexer.db.bulk): with
    every batch forced through it, the index is byte for byte the executemany one (on SQLite
    both runs take the same path)."""
    world.tour()
    world.random_actions(30, random.Random(5))
    monkeypatch.setattr(db, "COPY_FROM_ROWS", 10**9)
    plain = index_once(new_db(), world.node.url, world.deployment)
    monkeypatch.setattr(db, "COPY_FROM_ROWS", 1)
    copied = index_once(new_db(), world.node.url, world.deployment, max_reorg_depth=4)
    a, b = dump(copied.engine), dump(plain.engine)
    assert a == b, diff_dumps(a, b)
    assert_matches_chain(copied.engine, world)


def test_a_moved_shop_keeps_its_payments_cash_outs_and_balance(world: World, new_db) -> None:  # type: ignore[no-untyped-def]
    """The tour moves shop2 to a new wallet after it took 60 + 100, refunded 40 and cashed 30
    out: the index follows the shop by its id, and its old wallet is no shop any more."""
    world.tour()
    indexer = index_once(new_db(), world.node.url, world.deployment)
    new = world.merchants[1].address.lower()
    shop_id = world.wesh.account(new).id
    with indexer.engine.connect() as conn:
        ((moved_id, old, to, balance),) = conn.execute(
            text("SELECT merchant_id, old_wallet, new_wallet, balance FROM merchant_moves")
        ).all()
        payments = conn.execute(
            text("SELECT merchant, amount FROM payments WHERE merchant_id = :i ORDER BY amount"),
            {"i": shop_id},
        ).all()
        cash_outs = conn.execute(
            text("SELECT merchant, amount FROM redemptions WHERE merchant_id = :i"), {"i": shop_id}
        ).all()
        (wallet,) = conn.execute(
            text("SELECT wallet FROM merchants WHERE merchant_id = :i"), {"i": shop_id}
        ).one()
        accounts = {
            r[0]: r[1:]
            for r in conn.execute(
                text(
                    "SELECT address, is_merchant, moved, holder_id, moved_to, balance FROM accounts"
                    " WHERE address IN (:old, :new)"
                ),
                {"old": old, "new": new},
            )
        }
        (move_kind,) = conn.execute(
            text("SELECT kind FROM transfers WHERE sender = :old AND receiver = :new"),
            {"old": old, "new": new},
        ).one()
    assert (moved_id, to, balance, wallet, move_kind) == (shop_id, new, 90, new, "move")
    assert payments == [(old, 60), (old, 100)]
    assert cash_outs == [(old, 30)]
    assert {k: tuple(v) for k, v in accounts.items()} == {
        old: (False, True, 0, new, 0),
        new: (True, False, shop_id, None, 90),
    }
    assert world.wesh.account(old).moved
