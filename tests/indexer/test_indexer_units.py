"""How catching up groups its work: ranges read ahead are cut into parts, consecutive ranges are
applied in one transaction (``commit_seconds``), and a failure or a stop in between keeps the
index exact."""

from __future__ import annotations

import itertools
import random
import threading
from typing import Any

import pytest
from indexer_support import assert_matches_chain, diff_dumps, dump, index_once, make_indexer
from indexer_world import World
from sqlalchemy import text

from indexer import archive, ranges, sync
from indexer.rpc import Rpc


def _history(world: World) -> None:
    world.tour()
    world.random_actions(40, random.Random(3))


def _cursor(indexer: sync.Indexer) -> int:
    with indexer.engine.connect() as conn:
        return int(conn.execute(text("SELECT indexed_block FROM sync_state")).scalar_one())


def test_one_transaction_of_many_parts_equals_a_commit_per_range(world: World, new_db: Any) -> None:
    """Three ways through the same history give the same index, byte for byte: a commit after
    every range; every range read ahead cut into parts of a log or two and all of them applied
    in ONE transaction (journaled near the head); and the defaults."""
    _history(world)
    per_range = index_once(
        new_db(),
        world.node.url,
        world.deployment,
        batch_blocks=3,
        max_batch_blocks=3,
        commit_seconds=1e-9,
    )
    parts = index_once(
        new_db(),
        world.node.url,
        world.deployment,
        batch_blocks=3,
        max_batch_blocks=3,
        target_logs=4,
        commit_seconds=600,
        max_reorg_depth=6,
    )
    defaults = index_once(new_db(), world.node.url, world.deployment)
    assert per_range.progress.batches > 10  # one commit per range
    assert parts.progress.batches == 1  # one transaction for the whole catch-up
    expected = dump(per_range.engine)
    for other in (parts, defaults):
        got = dump(other.engine)
        assert got == expected, diff_dumps(got, expected)
    assert_matches_chain(parts.engine, world)


def test_a_failure_inside_a_transaction_rolls_all_of_it_back(
    world: World, new_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A range that fails half-way takes the ranges applied before it in the same transaction
    with it: the index is as last committed (here: empty), and the next run is exact."""
    _history(world)
    url = new_db()
    real_apply = sync.apply
    calls = 0

    def failing(batch: Any, events: Any) -> None:
        nonlocal calls
        calls += 1
        if calls == 4:
            real_apply(batch, events[: len(events) // 2])
            raise RuntimeError("planted failure")
        real_apply(batch, events)

    monkeypatch.setattr(sync, "apply", failing)
    indexer = make_indexer(
        url, world.node.url, world.deployment, batch_blocks=3, max_batch_blocks=3,
        commit_seconds=600,
    )  # fmt: skip
    start = world.deployment.start_block
    with pytest.raises(RuntimeError, match="planted failure"):
        indexer.run(once=True)
    assert calls == 4
    assert _cursor(indexer) == start - 1
    assert indexer.cursor is not None and indexer.cursor.indexed_block == start - 1
    with indexer.engine.connect() as conn:
        for table in ("accounts", "claims", "transfers", "raw_logs", "blocks", "journal"):
            assert conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one() == 0, table

    monkeypatch.setattr(sync, "apply", real_apply)
    indexer.run(once=True)
    clean = index_once(new_db(), world.node.url, world.deployment)
    a, b = dump(indexer.engine), dump(clean.engine)
    assert a == b, diff_dumps(a, b)


def test_a_stop_between_ranges_commits_what_was_applied(
    world: World, new_db: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stopped (SIGTERM, Ctrl-C) while catching up: the ranges applied so far are committed, not
    thrown away, and the run after it carries on from there."""
    _history(world)
    indexer = make_indexer(
        new_db(),
        world.node.url,
        world.deployment,
        batch_blocks=3,
        max_batch_blocks=3,  # three ranges stay well short of the head
        commit_seconds=600,
    )
    stop = threading.Event()
    real = sync.Indexer._apply_checked
    applied = 0

    def counting(self: sync.Indexer, f: Any, head: int) -> None:
        nonlocal applied
        real(self, f, head)
        applied += 1
        if applied == 3:
            stop.set()

    monkeypatch.setattr(sync.Indexer, "_apply_checked", counting)
    indexer.run(stop=stop)
    assert applied == 3
    assert indexer.progress.batches == 1
    assert indexer.cursor is not None
    committed = _cursor(indexer)
    assert committed == indexer.cursor.indexed_block
    assert world.deployment.start_block < committed < world.head()

    monkeypatch.setattr(sync.Indexer, "_apply_checked", real)
    indexer.run(once=True)
    clean = index_once(new_db(), world.node.url, world.deployment)
    a, b = dump(indexer.engine), dump(clean.engine)
    assert a == b, diff_dumps(a, b)


def _log(block: int, index: int) -> dict[str, Any]:
    return {"blockNumber": hex(block), "logIndex": hex(index)}


@pytest.mark.parametrize("deep", [False, True])
def test_a_large_range_is_cut_into_parts_at_block_boundaries(deep: bool) -> None:
    rng = random.Random(7)
    logs = [_log(b, i) for b in range(100, 140) if b % 7 != 3 for i in range(rng.randint(0, 6))]
    with_logs = {int(lg["blockNumber"], 16) for lg in logs}
    # A deep range has the headers of its ends and of its blocks with logs; near the head, all.
    numbers = ({100, 139} | with_logs) if deep else set(range(100, 140))
    headers = {n: {"number": hex(n)} for n in numbers}
    r = ranges.Read(100, 139, deep, logs, headers, (5, 1, 0), 40)
    cut = ranges.parts(r, 10)
    assert len(cut) > 3
    assert [lg for p in cut for lg in p.logs] == logs  # every log, once, in order
    assert cut[0].first == 100 and cut[-1].last == 139
    for before, after in itertools.pairwise(cut):
        assert after.first == before.last + 1  # contiguous
        # The cursor's hash (the last block) and the parent check (the next first) are known.
        assert before.last in before.headers and after.first in after.headers
    for p in cut[:-1]:
        assert len(p.logs) >= 10
        assert all(p.first <= int(lg["blockNumber"], 16) <= p.last for lg in p.logs)
        assert set(p.headers) == {n for n in numbers if p.first <= n <= p.last}
    assert ranges.parts(r, 1000) == [r]  # small enough: not cut


def test_the_archive_holds_every_log_as_eth_get_logs_gave_it(world: World, new_db: Any) -> None:
    _history(world)
    indexer = index_once(new_db(), world.node.url, world.deployment)
    with indexer.engine.connect() as conn:
        rows = conn.execute(
            text("SELECT block_number, block_hash, log_count, logs FROM raw_logs ORDER BY 1")
        ).all()
    archived = []
    for number, block_hash, count, blob in rows:
        logs = archive.as_rpc_logs(number, block_hash, blob)
        assert len(logs) == count
        archived += logs
    dep = world.deployment
    fetched = Rpc(world.node.url).get_logs(world.contracts(), dep.start_block, world.head())
    keys = sorted(archived[0])
    assert [{k: lg[k] for k in keys} for lg in fetched] == archived
