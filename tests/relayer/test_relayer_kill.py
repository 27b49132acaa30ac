"""``kill -9`` the sender 20 times under load: every accepted request is executed on chain exactly
once, no request travels in two mined transactions, and nothing is lost.

The sender runs as a real process of its own (``python -m relayer``'s ``main``, forked from a
fork server that imported it once: ``forked``); requests keep arriving from several
signers (through the checks the API runs, in this process) while it is killed with SIGKILL at
random moments of its work and started again each time. New processes are started while the one
they replace still works (``STANDBY`` of them wait for the one-sender lock, which the kernel or
PostgreSQL releases when its holder dies, and the first to see it free takes over): a sender
needs a moment to connect and check the journal, longer than the work between two kills."""

from __future__ import annotations

import os
import random
import re
import signal
import threading
import time
from collections import Counter
from functools import partial
from pathlib import Path
from typing import Any, cast

import forked
from eth_utils import event_abi_to_log_topic, to_checksum_address
from relayer_support import CITIZENS, RELAYER_INDEX, START_BALANCE, World, wait_for

from relayer import journal as j
from relayer.checks import Checks
from wesh import forwarding

REQUESTS = 100
KILLS = 20
SIGNERS = CITIZENS  # six citizens, paying the bakery one cent at a time


def start_sender(world: World, log: Path) -> Any:
    """A sender (a ``multiprocessing.Process``), its output appended to ``log``."""
    env = {
        "WESH_RELAYER_ENABLED": "1",
        "WESH_DATABASE_URL": world.database_url,
        "WESH_RPC_URL": world.node.url,
        "WESH_DEPLOYMENT": str(world.manifest_path),
        "WESH_RELAYER_DEV_ACCOUNT": str(RELAYER_INDEX),
        "WESH_RELAYER_CONFIRMATIONS": "0",
        "WESH_RELAYER_BATCH_WAIT_S": "0.05",
        "WESH_RELAYER_POLL_S": "0.02",
        "WESH_RELAYER_BATCH_MAX": "6",
    }
    return forked.start("relayer", [], env, log)


def logged(log: Path, line: str, times: int) -> bool:
    return log.read_text().count(line) >= times


def wait_logged(process: Any, log: Path, line: str, times: int) -> None:
    """Until ``line`` is in the log ``times`` times (or ``process`` died)."""
    wait_for(
        lambda: log.read_text().count(line) >= times or not process.is_alive(),
        timeout=30,
        what=f"{line!r} in the log",
    )
    assert process.is_alive(), log.read_text()[-3000:]


#: What a sender logs when it holds the lock and sends, and while it waits for it.
SENDING = " sending to forwarder "
WAITING = "another sender holds this database's journal"
#: Senders started ahead, waiting for the lock.
STANDBY = 3


def pids(log: Path, line: str) -> list[int]:
    """The pids of the senders that logged ``line``, in order (the log names each line's pid)."""
    found = []
    for text in log.read_text().splitlines():
        match = re.search(r"relayer\[(\d+)\]: ", text)
        if match and line in text:
            found.append(int(match.group(1)))
    return found


def standby_ready(log: Path, processes: dict[int, Any], active: int) -> bool:
    """Whether a sender other than ``active`` has imported everything and waits for the lock."""
    waiting = set(pids(log, WAITING)) - set(pids(log, SENDING)) - {active}
    return any(pid in processes and processes[pid].is_alive() for pid in waiting)


def submit_under_load(world: World, accepted: list[str], stop: threading.Event) -> None:
    """Submits REQUESTS payments, round-robin over the signers, spread over the kills."""
    checks: Checks = world.checks()
    shop = world.address("bakker")
    nonces = {name: world.nonce(name) for name in SIGNERS}
    rng = random.Random(7)
    for i in range(REQUESTS):
        if stop.is_set():
            return
        name = SIGNERS[i % len(SIGNERS)]
        request, created = checks.submit(
            world.signed(name, world.wesh.transfer(shop, 1), nonce=nonces[name], gas=60_000)
        )
        assert created
        nonces[name] += 1
        accepted.append(request.id)
        time.sleep(rng.uniform(0.05, 0.3))


def compact_key(signature: bytes) -> bytes:
    """A request's signature as the forwarder receives it (r and vs)."""
    r, vs = forwarding.compact(signature)
    return r + vs


def _executions(world: World, first_block: int) -> list[tuple[bytes, str]]:
    """(signature, transaction) of every request the forwarder executed from ``first_block`` on:
    a successful ``execute``, or an entry of ``execute_batch`` with an ExecutedForwardRequest."""
    executed = world.forwarder.events.ExecutedForwardRequest()
    topic = event_abi_to_log_topic(executed.abi)
    found: list[tuple[bytes, str]] = []
    for number in range(first_block, world.w3.eth.block_number + 1):
        block = world.w3.eth.get_block(number, full_transactions=True)
        for tx in cast(list[Any], block["transactions"]):
            if tx["to"] != world.forwarder.address:
                continue
            receipt = world.w3.eth.get_transaction_receipt(tx["hash"])
            if receipt["status"] != 1:
                continue
            function, args = world.forwarder.decode_function_input(tx["input"])
            if function.fn_name == "execute":
                found.append((args["r"] + args["vs"], tx["hash"].to_0x_hex()))
                continue
            results = [
                executed.process_log(entry)["args"]["success"]
                for entry in receipt["logs"]
                if entry["address"] == world.forwarder.address
                and bytes(entry["topics"][0]) == topic
            ]
            assert len(results) == len(args["requests"]), "a batch entry was skipped"
            for entry, success in zip(args["requests"], results, strict=True):
                assert success
                found.append((entry["r"] + entry["vs"], tx["hash"].to_0x_hex()))
    return found


def executed_on_chain(world: World, first_block: int) -> Counter[bytes]:
    return Counter(signature for signature, _tx in _executions(world, first_block))


def carried_in(world: World, first_block: int) -> dict[bytes, str]:
    return dict(_executions(world, first_block))


def test_kill_9_twenty_times_under_load(world: World, tmp_path: Path) -> None:
    began = time.monotonic()
    log = tmp_path / "relayer.log"
    log.touch()
    shop = world.address("bakker")
    start_nonces = {name: world.nonce(name) for name in SIGNERS}
    first_block = world.w3.eth.block_number + 1
    accepted: list[str] = []
    stop = threading.Event()
    submitter = threading.Thread(target=submit_under_load, args=(world, accepted, stop))
    rng = random.Random(13)
    first = start_sender(world, log)
    processes = {first.pid: first}
    wait_logged(first, log, SENDING, 1)
    submitter.start()
    try:
        for kill in range(1, KILLS + 1):
            while len(processes) - 1 < min(STANDBY, KILLS + 1 - kill):
                standby = start_sender(world, log)
                processes[standby.pid] = standby
            active = pids(log, SENDING)[-1]
            assert processes[active].is_alive(), log.read_text()[-3000:]
            wait_for(partial(standby_ready, log, processes, active), 30, "a standby to wait")
            time.sleep(rng.uniform(0.05, 0.6))
            os.kill(active, signal.SIGKILL)
            processes.pop(active).join()
            wait_for(partial(logged, log, SENDING, kill + 1), 30, "a standby to take over")
        submitter.join(timeout=60)
        assert not submitter.is_alive()
        assert len(accepted) == REQUESTS
        wait_for(
            lambda: all(r.state in j.FINAL for r in world.journal.many(accepted)),
            timeout=40,
            what="every request to be final",
        )
    finally:
        stop.set()
        for process in processes.values():
            process.terminate()
        for process in processes.values():
            process.join(timeout=15)
        submitter.join(timeout=5)

    requests = world.journal.many(accepted)
    assert Counter(r.state for r in requests) == {j.CONFIRMED: REQUESTS}, log.read_text()[-3000:]
    # On chain: each signer's nonces used exactly as many times as it asked, the money moved once.
    per_signer = Counter(r.signer for r in requests)
    for name in SIGNERS:
        asked = per_signer[world.address(name).lower()]
        assert world.nonce(name) == start_nonces[name] + asked
        assert world.wesh.balance_of(world.address(name)) == START_BALANCE - asked
    assert world.wesh.balance_of(shop) == REQUESTS

    # Every request executed since the test began, read from the chain: each exactly once, in
    # the transaction the journal names.
    executions = executed_on_chain(world, first_block)
    by_signature = {compact_key(r.signature): r for r in requests}
    assert set(executions) == set(by_signature), "a request executed that was not asked for"
    carried = carried_in(world, first_block)
    for signature, request in by_signature.items():
        assert executions[signature] == 1, "a request executed twice"
        assert carried[signature] == request.tx_hash

    # The journal: a request in exactly one mined transaction; every mined transaction has a
    # nonce of its own and the relayer used no nonce besides them.
    mined = [t for t in world.journal.transactions() if t.state == j.TX_CONFIRMED]
    ids = [i for t in mined for i in t.request_ids]
    assert sorted(ids) == sorted(accepted), "a request in two mined transactions, or in none"
    assert len({t.nonce for t in mined}) == len(mined)
    relayer = to_checksum_address(world.relayer)
    assert world.w3.eth.get_transaction_count(relayer) == len(mined)
    text = log.read_text()
    assert text.count(SENDING) == KILLS + 1
    print(  # what the kills hit, for the record (-s shows it)
        f"{len(mined)} transactions; restarts that broadcast journaled transactions again: "
        f"{text.count('broadcasting again')}; {time.monotonic() - began:.1f} s"
    )
