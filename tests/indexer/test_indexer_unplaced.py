"""Events the indexer cannot place (docs/indexer.md, "Events it cannot place"): recorded in
``unplaced_events`` with the reason, none of their effects applied, and the indexer goes on.

The real Heitje cannot be made to emit such an event, so ``contracts/HeitjeEmitter.vy`` (events
with Heitje's signatures, about whatever claim its caller names) is made one of the deployment's
two WESH addresses: it takes the Redemption contract's place in the manifest (the indexer reads
the logs of those two addresses and decodes them by topic0), and these tests make no redemption.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import vyper
from eth_utils import to_checksum_address
from indexer_support import (
    assert_matches_chain,
    cli_env,
    diff_dumps,
    dump,
    index_once,
    make_indexer,
    run_cli,
    settings,
)
from indexer_world import CID, World
from sqlalchemy import text
from sqlalchemy.engine import Engine

from indexer import projections, schema, status
from indexer.batch import LEDGER, Batch
from indexer.db import make_engine
from indexer.decoded import Event
from indexer.ranges import Fetched
from indexer.rpc import Rpc
from indexer.sync import Indexer
from wesh.deployment import Deployment, save
from wesh.signer import UnlockedSigner, transact

EMITTER = Path(__file__).parent / "contracts" / "HeitjeEmitter.vy"
#: What a test compares with an index that never saw the emitter: everything but the archive
#: and the unplaced events themselves.
DECODED = tuple(
    t for t in schema.PROJECTION_TABLES if t.name not in ("raw_logs", "unplaced_events")
)


@dataclass
class Emitter:
    world: World
    address: str
    contract: Any

    def tx(self, function: str, *args: Any) -> dict[str, Any]:
        data = self.contract.functions[function](*args)._encode_transaction_data()
        return {"to": self.address, "data": data}

    def emit(self, function: str, *args: Any, sender: UnlockedSigner | None = None) -> str:
        """Sends one call (mined in its own block); returns its transaction hash."""
        receipt = transact(self.world.w3, self.tx(function, *args), sender or self.world.city)
        return "0x" + bytes(receipt["transactionHash"]).hex()


def deploy_emitter(world: World) -> tuple[Emitter, Deployment]:
    """The emitter, and the world's deployment with the emitter in the Redemption's place."""
    compiled = vyper.compile_code(EMITTER.read_text(), output_formats=["abi", "bytecode"])
    factory = world.w3.eth.contract(abi=compiled["abi"], bytecode=compiled["bytecode"])
    data = factory.constructor().build_transaction({"from": world.city.address})["data"]
    address = to_checksum_address(
        str(transact(world.w3, {"data": data}, world.city)["contractAddress"])
    )
    emitter = Emitter(world, address, world.w3.eth.contract(address=address, abi=compiled["abi"]))
    return emitter, replace(world.deployment, redemption=address)


def citizen_id(world: World, index: int) -> int:
    return int(world.wesh.account(world.citizens[index].address).id)


def emit_unplaceable(world: World, emitter: Emitter) -> tuple[int, list[tuple[str, str, str]]]:
    """A task with one slot, claimed; then five events the indexer cannot place (two of which
    fail half-way through their handler); then the claim submitted and approved. Returns the
    task id and (event, cause, words of the reason) of each unplaceable event, in chain order."""
    w, (c0, c1) = world.wesh, world.citizens[:2]
    id0, id1 = citizen_id(world, 0), citizen_id(world, 1)
    task = world.commission(reward=500, slots=1)
    assert world.send(w.claim_task(task), c0)
    # Puts a claims row and reserves c1's cap, then finds the task has no open slot.
    emitter.emit("task_claimed", task, id1, c1.address, 500)
    # What the review found: the release of a claim that does not exist.
    emitter.emit("claim_released", 99, id0, 1, 0)
    # Touches c0's claim, then finds no mint before it.
    emitter.emit("submission_approved", task, id0)
    emitter.emit("evidence_submitted", 42, id1, CID)
    emitter.emit("erc721_transfer", c1.address, 7)
    assert world.send(w.submit(task, CID), c0)
    assert world.send(w.approve_submission(task, c0.address), world.reviewers[0])
    return task, [
        ("TaskClaimed", "inconsistent", "no open slot"),
        ("ClaimReleased", "inconsistent", f"no claims row (99, {id0})"),
        ("SubmissionApproved", "inconsistent", "without mint"),
        ("EvidenceSubmitted", "inconsistent", f"no claims row (42, {id1})"),
        ("Transfer", "undecodable", "unexpected log layout"),
    ]


def unplaced(engine: Engine, table: str = "unplaced_events") -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(text(f"SELECT * FROM {table} ORDER BY block_number, log_index"))
        return [dict(row) for row in rows.mappings()]


def assert_recorded(
    engine: Engine, world: World, expected: list[tuple[str, str, str]], emitter: str
) -> None:
    rows = unplaced(engine)
    assert [(r["event"], r["cause"]) for r in rows] == [(e, c) for e, c, _ in expected]
    for row, (_, _, words) in zip(rows, expected, strict=True):
        assert words in row["reason"], row
        block = world.w3.eth.get_block(row["block_number"])
        assert row["block_hash"] == "0x" + bytes(block["hash"]).hex()
        assert row["block_timestamp"] == block["timestamp"]
        receipt = world.w3.eth.get_transaction_receipt(row["tx_hash"])
        assert receipt["to"].lower() == emitter.lower()
        assert receipt["logs"][0]["logIndex"] == row["log_index"]
    released = json.loads(rows[1]["args"])
    assert released["task_id"] == 99 and released["cause"] == 1 and released["caller"]
    undecodable = json.loads(rows[4]["args"])
    assert len(undecodable["topics"]) == 4 and undecodable["data"] == "0x"


def test_unplaced_events_are_recorded_and_indexing_goes_on(world: World, new_db: Any) -> None:
    emitter, dep = deploy_emitter(world)
    url = new_db()
    indexer = make_indexer(url, world.node.url, dep)
    indexer.run(once=True)
    _, expected = emit_unplaceable(world, emitter)
    indexer.run(once=True)  # following the head: a range per block
    assert indexer.cursor is not None and indexer.cursor.indexed_block == world.head()
    assert_recorded(indexer.engine, world, expected, emitter.address)
    assert indexer.progress.unplaced == 5
    current = status.read(indexer.engine, 0)
    assert current is not None and current.unplaced_events == 5
    # Nothing of them was applied (two failed half-way), and everything around them was.
    assert_matches_chain(indexer.engine, world)
    never_saw_them = index_once(new_db(), world.node.url, world.deployment)
    a, b = dump(indexer.engine, DECODED), dump(never_saw_them.engine, DECODED)
    assert a == b, diff_dumps(a, b)

    # Catching up through them: ranges of two blocks read ahead and applied in one transaction,
    # rolled back and applied again at each (journaled or not, by the reorg depth).
    for depth in (2, 128):
        caught_up = index_once(
            new_db(),
            world.node.url,
            dep,
            batch_blocks=2,
            max_batch_blocks=2,
            commit_seconds=600,
            max_reorg_depth=depth,
        )
        assert caught_up.progress.unplaced == 5
        a, b = dump(caught_up.engine), dump(indexer.engine)
        assert a == b, diff_dumps(a, b)

    # A restart reads them as they are, records none twice, and goes on.
    again = make_indexer(url, world.node.url, dep)
    assert again.progress.unplaced == 5
    assert world.send(world.wesh.grant_budget(1_234), world.city)
    emitter.emit("claim_released", 98, 1, 2, 500)
    again.run(once=True)
    assert again.progress.unplaced == 6 and len(unplaced(again.engine)) == 6
    assert_matches_chain(again.engine, world)


def test_the_cli_goes_on_past_them_and_shows_them(
    world: World, new_db: Any, tmp_path: Path
) -> None:
    """``python -m indexer`` stopped (exit 3) at such an event, and again at every restart."""
    emitter, dep = deploy_emitter(world)
    _, expected = emit_unplaceable(world, emitter)
    env = cli_env(new_db(), world.node.url, save(dep, tmp_path / "local.json"))
    done = run_cli("--once", env=env)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert f"indexed up to block {world.head()}" in done.stderr
    warnings = [line for line in done.stderr.splitlines() if "cannot be placed" in line]
    assert len(warnings) == 5 and all("WARNING" in line for line in warnings), warnings
    assert "ClaimReleased" in warnings[1] and "no claims row (99," in warnings[1]

    world.mine(2)
    restarted = run_cli("--once", env=env)
    assert restarted.returncode == 0, restarted.stderr
    assert "cannot be placed" not in restarted.stderr
    shown = json.loads(run_cli("status", env=env).stdout)
    assert shown["unplaced_events"] == 5 and shown["indexed_block"] == world.head()
    listed = run_cli("unplaced", env=env)
    assert listed.returncode == 0, listed.stderr
    rows = json.loads(listed.stdout)
    assert [(r["event"], r["cause"]) for r in rows] == [(e, c) for e, c, _ in expected]
    assert rows[1]["args"]["task_id"] == 99


def test_a_reorganisation_takes_an_unplaced_event_with_its_block(world: World, new_db: Any) -> None:
    emitter, dep = deploy_emitter(world)
    indexer = make_indexer(new_db(), world.node.url, dep)
    emitter.emit("claim_released", 99, 1, 1, 0)
    world.mine(1)
    indexer.run(once=True)
    assert len(unplaced(indexer.engine)) == 1
    # The block of the event and the one after it are replaced by a branch without it.
    grant = world.wesh.grant_budget(777)
    body = {"from": world.city.address, "to": grant.to, "data": grant.data, "gas": hex(400_000)}
    world.rpc("anvil_reorg", 2, [[body, 0]])
    indexer.run(once=True)
    assert indexer.progress.reorgs == 1
    assert unplaced(indexer.engine) == [] and indexer.progress.unplaced == 0
    assert_matches_chain(indexer.engine, world)

    # Unconfirmed, it is in the pending twin only; confirmed, in unplaced_events.
    pending = make_indexer(new_db(), world.node.url, dep, confirmations=2)
    emitter.emit("evidence_submitted", 42, 1, CID)
    pending.run(once=True)
    assert unplaced(pending.engine) == []
    assert [r["event"] for r in unplaced(pending.engine, "pending_unplaced_events")] == [
        "EvidenceSubmitted"
    ]
    world.mine(2)
    pending.run(once=True)
    assert [r["event"] for r in unplaced(pending.engine)] == ["EvidenceSubmitted"]
    assert unplaced(pending.engine, "pending_unplaced_events") == []
    assert pending.progress.unplaced == 1


# ------------------------------------------------------------------ without a node
H = [f"0x{n:064x}" for n in range(10)]
ADDRESS = [f"0x{n:040x}" for n in range(1, 6)]
STAMP = 1_767_225_600  # 2026-01-01


def _offline_indexer(url: str) -> Indexer:
    """An indexer on an empty index whose cursor is block 0 of a made-up chain (no node)."""
    dep = Deployment("unit", 31337, ADDRESS[3], ADDRESS[4], 1, ADDRESS[0], H[1])
    engine = make_engine(url)
    schema.create(engine)
    with engine.begin() as conn:
        conn.execute(
            schema.sync_state.insert().values(
                id=1,
                chain_id=31337,
                heitje=dep.heitje,
                redemption=dep.redemption,
                start_block=1,
                start_block_hash=H[1],
                indexed_block=0,
                indexed_hash=H[0],
                journal_floor=0,
            )
        )
    unreachable = "http://127.0.0.1:9"
    indexer = Indexer(settings(url, unreachable), dep, engine, Rpc(unreachable))
    indexer.cursor = indexer._read_cursor()
    return indexer


def _fetched(events: list[Event]) -> Fetched:
    headers = {n: {"parentHash": H[n - 1], "timestamp": hex(STAMP + n)} for n in (1, 2, 3)}
    hashes = {n: H[n] for n in (1, 2, 3)}
    return Fetched(1, 3, headers, hashes, True, events, [], {1, 2, 3}, len(events))


def _events() -> tuple[list[Event], list[Event]]:
    """Three blocks of events, and those of them that fail half-way through their handler."""
    city, a, b = ADDRESS[0], ADDRESS[1], ADDRESS[2]
    tx = H[9]

    def ev(name: str, args: tuple[Any, ...], block: int, log_index: int) -> Event:
        return Event(name, args, block, log_index, tx, STAMP + block)

    one_slot = (1, 500, 1, STAMP + 10**6, 86_400, 7, CID, city)
    no_open_slot = ev("TaskClaimed", (1, 2, b, 500, STAMP + 86_400), 2, 1)
    paused = ev("Paused", (city,), 3, 1)
    events = [
        ev("CitizenRegistered", (1, a, 1, city), 1, 0),
        ev("CitizenRegistered", (2, b, 1, city), 1, 1),
        ev("TaskCommissioned", one_slot, 1, 2),
        ev("TaskClaimed", (1, 1, a, 500, STAMP + 86_400), 2, 0),
        no_open_slot,
        ev("Unpaused", (city,), 3, 0),
        paused,
        ev("MaxOpenClaimsChanged", (4, city), 3, 2),
    ]
    return events, [no_open_slot, paused]


def test_an_event_failing_half_way_leaves_nothing_of_itself(
    new_db: Any, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Two events fail after their handler changed rows: a TaskClaimed that puts the claim and
    reserves the cap before it finds no open slot (an IntegrityError), and a Paused whose
    handler (broken here on purpose) sets the flag, then raises a KeyError. Each attempt rolls
    the range back; the third records both and applies the rest: the state, the journal and the
    block log equal those of the same range without them."""

    def broken(batch: Batch, events: Sequence[Event], index: int) -> None:
        batch.ledger()[LEDGER.paused] = True
        raise KeyError("planted")

    monkeypatch.setitem(projections.HANDLERS, "Paused", broken)
    events, failing = _events()
    indexer = _offline_indexer(new_db())
    f = _fetched(events)
    with caplog.at_level(logging.WARNING, logger="indexer.sync"):
        for attempt in (1, 2):
            indexer._apply_range(f, 3)
            assert indexer._unit is None and indexer.cursor is not None
            assert indexer.cursor.indexed_block == 0  # as last committed
            assert len(indexer._unplaceable) == attempt
            with indexer.engine.connect() as conn:
                for table in ("claims", "citizens", "ledger", "journal", "blocks"):
                    count = conn.execute(text(f"SELECT COUNT(*) FROM {table}")).scalar_one()
                    assert count == 0, table
    warnings = [r.getMessage() for r in caplog.records if "cannot be placed" in r.getMessage()]
    assert len(warnings) == 2
    assert "block 2 log 1 (TaskClaimed" in warnings[0] and "no open slot" in warnings[0]
    assert "handler_error: KeyError: 'planted'" in warnings[1]

    indexer._apply_range(f, 3)
    indexer._commit_unit()
    assert indexer.cursor is not None and indexer.cursor.indexed_block == 3
    assert len(indexer._unplaceable) == 0  # recorded and committed: forgotten
    rows = unplaced(indexer.engine)
    assert [(r["block_number"], r["log_index"], r["event"], r["cause"]) for r in rows] == [
        (2, 1, "TaskClaimed", "inconsistent"),
        (3, 1, "Paused", "handler_error"),
    ]
    assert json.loads(rows[0]["args"]) == {
        "task_id": 1,
        "citizen_id": 2,
        "citizen": ADDRESS[2],
        "reward": 500,
        "expires_at": STAMP + 86_400,
    }
    assert rows[0]["block_hash"] == H[2] and rows[0]["block_timestamp"] == STAMP + 2
    with indexer.engine.connect() as conn:
        reserved = conn.execute(text("SELECT reserved FROM citizens WHERE citizen_id = 2"))
        assert reserved.scalar_one() == 0
        assert conn.execute(text("SELECT paused FROM ledger")).scalar_one() in (0, False)

    reference = _offline_indexer(new_db())
    reference._apply_range(_fetched([e for e in events if e not in failing]), 3)
    reference._commit_unit()
    tables = (*DECODED, schema.journal, schema.blocks)
    a, b = dump(indexer.engine, tables), dump(reference.engine, tables)
    assert a == b, diff_dumps(a, b)


def test_an_index_of_an_earlier_schema_version_is_refused_with_the_next_step(
    new_db: Any,
) -> None:
    """Version 5 came with contracts deployed anew (claims' rejections, the pause window): an
    index of version 3 or 4 is of the old contracts, so it is refused, nothing changed, with
    the command that re-indexes."""
    engine = make_engine(new_db())
    schema.create(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE schema_version SET version = 4"))
        conn.execute(text("INSERT INTO blocks VALUES (5, 'h', 'p', 1, true)"))
    with pytest.raises(schema.SchemaError, match="python -m indexer reset"):
        schema.create(engine)
    assert schema.version(engine) == 4
    with engine.connect() as conn:
        assert conn.execute(text("SELECT number FROM blocks")).scalar_one() == 5
