"""``python -m indexer``: clear errors and exit codes instead of stack traces, status, metrics,
schema creation."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
from flaky_proxy import FlakyProxy
from indexer_support import cli_env, index_once, make_indexer, run_cli
from indexer_world import World
from sqlalchemy import text

from indexer import schema, status
from indexer.db import make_engine
from indexer.rpc import Rpc
from wesh.anvil import free_port
from wesh.artifacts import ROOT


def test_catch_up_status_and_reset(world: World, new_db: Any, tmp_path: Path) -> None:
    world.tour()
    manifest = world.save_manifest(tmp_path / "local.json")
    env = cli_env(new_db(), world.node.url, manifest)
    done = run_cli("--once", env=env, fresh=True)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert f"indexed up to block {world.head()}" in done.stderr

    shown = run_cli("status", env=env)
    assert shown.returncode == 0, shown.stderr
    state = json.loads(shown.stdout)
    assert state["indexed_block"] == world.head() == state["head_block"]
    assert state["lag_blocks"] == 0 and state["events"] > 50

    # The raw-log archive, as eth_getLogs gave it, for audits.
    dep = world.deployment
    fetched = Rpc(world.node.url).get_logs(world.contracts(), dep.start_block, world.head())
    archived = run_cli("logs", "--from-block", "0", env=env)
    assert archived.returncode == 0, archived.stderr
    logs = json.loads(archived.stdout)
    assert logs == [{k: lg[k] for k in sorted(logs[0])} for lg in fetched]
    last = int(fetched[-1]["blockNumber"], 16)
    one = json.loads(
        run_cli("logs", "--from-block", str(last), "--to-block", str(last), env=env).stdout
    )
    assert one == [lg for lg in logs if lg["blockNumber"] == hex(last)] and one

    world.mine(4)
    behind = json.loads(run_cli("status", env=env).stdout)
    assert behind["lag_blocks"] == 4

    assert run_cli("reset", env=env).returncode == 0
    assert json.loads(run_cli("status", env=env).stdout) == {"indexed": False}
    empty = run_cli("logs", env=env)
    assert empty.returncode == 2 and "no index in this database yet" in empty.stderr


def test_a_missing_or_broken_manifest_is_a_clear_error(tmp_path: Path) -> None:
    # It fails before any database is opened: one backend is enough.
    url = f"sqlite:///{tmp_path / 'wesh.db'}"
    env = cli_env(url, "http://127.0.0.1:9", tmp_path / "nowhere.json", WESH_RPC_MAX_ATTEMPTS="1")
    missing = run_cli("--once", env=env, fresh=True)
    assert missing.returncode == 2
    assert "no deployment manifest" in missing.stderr and "Traceback" not in missing.stderr

    broken = tmp_path / "broken.json"
    broken.write_text('{"network": "local"')
    bad = run_cli("--once", env={**env, "WESH_DEPLOYMENT": str(broken)})
    assert bad.returncode == 2
    assert "is not valid" in bad.stderr and "Traceback" not in bad.stderr

    invalid = run_cli("--once", env={**env, "WESH_CONFIRMATIONS": "-3"})
    assert invalid.returncode == 2 and "invalid setting" in invalid.stderr


def test_an_unreachable_node_is_retried_with_a_message(world: World, tmp_path: Path) -> None:
    # It fails before any database is written: one backend is enough.
    manifest = world.save_manifest(tmp_path / "local.json")
    env = cli_env(
        f"sqlite:///{tmp_path / 'wesh.db'}",
        f"http://127.0.0.1:{free_port()}",
        manifest,
        WESH_RPC_MAX_ATTEMPTS="3",
        WESH_RPC_MAX_BACKOFF="0.05",
    )
    down = run_cli("--once", env=env)
    assert down.returncode == 4
    assert "connection failed" in down.stderr and "retry 1" in down.stderr
    assert "Traceback" not in down.stderr


def test_another_deployment_in_the_database_is_refused(
    world: World, new_db: Any, tmp_path: Path
) -> None:
    url = new_db()
    index_once(url, world.node.url, world.deployment)
    other = world.deployment.__class__(**{**world.deployment.__dict__, "heitje": "0x" + "12" * 20})
    manifest = tmp_path / "other.json"
    manifest.write_text(other.to_json())
    env = cli_env(url, world.node.url, manifest, WESH_RESET_DEV_CHAIN="false")
    refused = run_cli("--once", env=env)
    assert refused.returncode == 3
    assert "indexes another deployment" in refused.stderr
    wrong_chain = tmp_path / "wrong.json"
    wrong_chain.write_text(
        world.deployment.__class__(
            **{**world.deployment.__dict__, "start_block_hash": "0x" + "ab" * 32}
        ).to_json()
    )
    reset = run_cli("--once", env={**env, "WESH_DEPLOYMENT": str(wrong_chain)})
    assert reset.returncode == 3 and "chain that was reset" in reset.stderr
    again = run_cli("--once", "--reset", env={**env, "WESH_DEPLOYMENT": str(manifest)})
    assert again.returncode == 0, again.stderr  # --reset: the old index is dropped first
    assert "dropped the old index" in again.stderr
    # On anvil (chain id 31337) a new deployment replaces the index of the old one by default,
    # as `make demo` needs after restarting its chain.
    back = run_cli(
        "--once",
        env={
            **env,
            "WESH_DEPLOYMENT": str(world.save_manifest(tmp_path / "back.json")),
            "WESH_RESET_DEV_CHAIN": "true",
        },
    )
    assert back.returncode == 0, back.stderr
    assert "index of an earlier local chain" in back.stderr


def test_metrics_endpoint(world: World, new_db: Any) -> None:
    indexer = make_indexer(new_db(), world.node.url, world.deployment)
    indexer.run(once=True)
    port = free_port()
    server = status.serve_metrics(indexer.progress, port)
    try:
        body = httpx.get(f"http://127.0.0.1:{port}/metrics").text
        health = httpx.get(f"http://127.0.0.1:{port}/health")
    finally:
        server.shutdown()
    assert f"wesh_indexer_indexed_block {world.head()}" in body
    assert "wesh_indexer_lag_blocks 0" in body
    assert health.status_code == 200
    current = status.read(indexer.engine, 0)
    assert current is not None and current.indexed_block == world.head()


def test_schema_is_created_idempotently_with_a_version(new_db: Any) -> None:
    engine = make_engine(new_db())
    schema.create(engine)
    schema.create(engine)
    with engine.connect() as conn:
        versions = conn.execute(text("SELECT version FROM schema_version")).scalars().all()
        tables = schema.existing_tables(conn)
    assert versions == [schema.SCHEMA_VERSION]
    assert {t.name for t in schema.metadata.sorted_tables} <= tables
    with engine.begin() as conn:
        conn.execute(text("UPDATE schema_version SET version = 999"))
    try:
        schema.create(engine)
    except schema.SchemaError as error:
        assert "indexer reset" in str(error)
    else:
        raise AssertionError("a schema of another version was accepted")


def test_a_signal_stops_the_indexer_while_it_waits_for_a_dead_node(
    world: World, tmp_path: Path
) -> None:
    """The node goes away while the indexer follows it: calls are retried for ever (the default),
    and SIGTERM still ends the process at once, cleanly."""
    world.tour()
    manifest = world.save_manifest(tmp_path / "local.json")
    url = f"sqlite:///{tmp_path / 'wesh.db'}"
    with FlakyProxy(world.node.url, failure_rate=0) as proxy:
        env = cli_env(url, proxy.url, manifest, WESH_LOG_LEVEL="INFO", WESH_RPC_TIMEOUT="1")
        process = subprocess.Popen(
            [sys.executable, "-m", "indexer"],
            cwd=ROOT,
            env={**os.environ, **env},
            stderr=subprocess.PIPE,
            text=True,
        )
        assert process.stderr is not None
        assert any("resuming after block" in line for line in iter(process.stderr.readline, ""))
        engine = make_engine(url)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # until it follows the head
            with engine.connect() as conn:
                indexed = conn.execute(text("SELECT indexed_block FROM sync_state")).scalar()
            if indexed == world.head():
                break
            time.sleep(0.1)
        engine.dispose()
        assert indexed == world.head()
    time.sleep(1.5)  # the proxy is gone: every call fails and waits to be retried
    process.send_signal(signal.SIGTERM)
    try:
        _, rest = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        _, rest = process.communicate()
        raise AssertionError(rest) from None
    assert process.returncode == 0, rest
    assert "retry" in rest and "stopped while waiting to retry" in rest, rest
    assert "Traceback" not in rest
