"""kill -9 of ``python -m indexer`` at random moments during catch-up, 20 times, restarting each
time: the final state equals a clean index, byte for byte in the projections.

The 20 killed runs start from a fork server that has imported the indexer already
(``forked``: the same ``main`` in a process of its own, without a second of imports before
each kill); the timed run and the final one are the real ``python -m indexer``. Both backends
index the same chain, made once for the module (the history takes longer to make than to index,
and the test only reads it)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import forked
import pytest
from indexer_support import assert_matches_chain, cli_env, diff_dumps, dump, index_once
from indexer_world import N_ACCOUNTS, World, start_world
from sqlalchemy import create_engine, text

from indexer import schema
from indexer.db import normalise_url
from wesh import anvil
from wesh.artifacts import ROOT

KILLS = 20


def _history(world: World, rng: random.Random) -> None:
    world.tour()
    world.random_actions(80, rng)
    for n in range(500):  # many small blocks: a long catch-up with one block per range
        world.send(world.wesh.grant_budget(1 + n), world.city)


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    """One chain with the history, for both backends."""
    with anvil.running(extra=["--accounts", str(N_ACCOUNTS)]) as node:
        made = start_world(node)
        _history(made, random.Random(99))
        yield made


def _indexed_block(url: str) -> int:
    engine = create_engine(normalise_url(url))
    try:
        with engine.connect() as conn:
            try:
                return int(conn.execute(text("SELECT indexed_block FROM sync_state")).scalar_one())
            except Exception:  # no table yet: killed before the schema was committed
                return -1
    finally:
        engine.dispose()


def _start(env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "indexer", "--once"],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _wait_for_start(process: subprocess.Popen[bytes]) -> bool:
    """Reads the log until the indexer reports its first committed range (from then on it is
    catching up: the moments before are start-up); False if it exited first."""
    assert process.stderr is not None
    return any(b"catching up: block" in line for line in iter(process.stderr.readline, b""))


def _wait_for_forked_start(process: Any, log: Path, offset: int) -> bool:
    """``_wait_for_start`` of a forked run, whose stderr is appended to ``log`` from ``offset``
    on."""
    while True:
        alive = process.is_alive()
        with log.open("rb") as read:
            read.seek(offset)
            if b"catching up: block" in read.read():
                return True
        if not alive:
            return False
        time.sleep(0.005)


def test_kill_9_during_catch_up_then_restart_equals_a_clean_index(
    world: World, new_db: Any, tmp_path: Path
) -> None:
    rng = random.Random(99)
    manifest = world.save_manifest(tmp_path / "local.json")
    env = cli_env(
        new_db(),
        world.node.url,
        manifest,
        WESH_BATCH_BLOCKS="1",
        WESH_MAX_BATCH_BLOCKS="1",
        WESH_MAX_REORG_DEPTH="64",
        # Several ranges per transaction, and several transactions per catch-up: kills land
        # inside transactions and between them.
        WESH_COMMIT_SECONDS="0.02",
        WESH_LOG_LEVEL="INFO",
    )
    url = env["WESH_DATABASE_URL"]
    clean = index_once(new_db(), world.node.url, world.deployment)
    expected = dump(clean.engine)
    head = world.head()

    # How long a whole catch-up takes, to spread the kills over it.
    timed = _start({**env, "WESH_DATABASE_URL": new_db()})
    assert _wait_for_start(timed)
    began = time.monotonic()
    assert timed.wait(timeout=120) == 0
    catch_up = time.monotonic() - began
    assert catch_up > 0.5, f"catch-up too short to kill in the middle ({catch_up:.2f} s)"

    progress = []
    log = tmp_path / "killed.log"
    log.touch()
    for _ in range(KILLS):
        offset = log.stat().st_size
        killed = forked.start("indexer", ["--once"], env, log)
        started = _wait_for_forked_start(killed, log, offset)
        if started:
            time.sleep(rng.uniform(0, catch_up / 15))
        os.kill(killed.pid, signal.SIGKILL)
        killed.join(timeout=30)
        assert killed.exitcode is not None, "a killed indexer still runs"
        progress.append(_indexed_block(url))
    mid_way = [p for p in progress if world.deployment.start_block <= p < head]
    assert len(mid_way) >= KILLS // 2, progress
    assert progress == sorted(progress), "the index went backwards after a crash"

    final = _start(env)
    assert final.wait(timeout=120) == 0
    engine = create_engine(normalise_url(url))
    try:
        got = dump(engine)
        assert got == expected, diff_dumps(got, expected)
        # A first catch-up builds the secondary indexes at the tip, also after crashes in it.
        assert schema.create_secondary_indexes(engine) == 0
        assert_matches_chain(engine, world)
    finally:
        engine.dispose()
