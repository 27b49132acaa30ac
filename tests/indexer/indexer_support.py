"""Helpers of the indexer suite: running the indexer, comparing it with the chain, dumping it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import forked
import indexer_views as views
import orjson
from indexer_world import World
from sqlalchemy import text
from sqlalchemy.engine import Engine

from indexer import schema
from indexer.db import make_engine
from indexer.rpc import Rpc
from indexer.sync import Indexer
from wesh.artifacts import ROOT
from wesh.calendar import amsterdam_period
from wesh.deployment import Deployment
from wesh.settings import IndexerSettings


def settings(database_url: str, rpc_url: str, **overrides: Any) -> IndexerSettings:
    base: dict[str, Any] = {
        "database_url": database_url,
        "rpc_url": rpc_url,
        "poll_interval": 0.05,
        "rpc_timeout": 5.0,
        "rpc_max_backoff": 0.2,
        "confirmations": 0,
    }
    base.update(overrides)
    return IndexerSettings(**base)


def make_indexer(
    database_url: str, rpc_url: str, deployment: Deployment, **overrides: Any
) -> Indexer:
    s = settings(database_url, rpc_url, **overrides)
    rpc = Rpc(
        s.rpc_url,
        timeout=s.rpc_timeout,
        max_attempts=s.rpc_max_attempts,
        max_backoff=s.rpc_max_backoff,
        base_backoff=0.01,
    )
    indexer = Indexer(s, deployment, make_engine(s.database_url), rpc)
    indexer.initialise()
    return indexer


def index_once(
    database_url: str, rpc_url: str, deployment: Deployment, **overrides: Any
) -> Indexer:
    indexer = make_indexer(database_url, rpc_url, deployment, **overrides)
    indexer.run(once=True)
    return indexer


def dump(engine: Engine, tables: tuple[Any, ...] = schema.PROJECTION_TABLES) -> bytes:
    """A canonical dump: every row of every projection table, ordered by primary key."""
    out: dict[str, list[list[Any]]] = {}
    with engine.connect() as conn:
        for table in tables:
            order = ", ".join(c.name for c in table.primary_key.columns)
            rows = conn.execute(text(f"SELECT * FROM {table.name} ORDER BY {order}")).all()
            out[str(table.name)] = [[_plain(v) for v in row] for row in rows]
    return orjson.dumps(out, option=orjson.OPT_SORT_KEYS)


def _plain(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):  # the compressed raw-log archive
        return bytes(value).hex()
    return int(value) if isinstance(value, bool) else value


def diff_dumps(a: bytes, b: bytes) -> str:
    """The first differing table and rows, for assertion messages."""
    da, db = orjson.loads(a), orjson.loads(b)
    for name in sorted(set(da) | set(db)):
        ra, rb = da.get(name, []), db.get(name, [])
        if ra != rb:
            only_a = [r for r in ra if r not in rb][:3]
            only_b = [r for r in rb if r not in ra][:3]
            return f"{name}: {len(ra)} vs {len(rb)} rows; only left {only_a}; only right {only_b}"
    return "no difference"


def assert_matches_chain(engine: Engine, world: World) -> int:
    """Every indexed value equals the contracts' own view at the latest block. Returns how many
    values were compared."""
    w = world.wesh
    compared = 0
    year, month = w.period()
    latest = world.w3.eth.get_block("latest")
    assert amsterdam_period(int(latest["timestamp"])) == (year, month)
    with engine.connect() as conn:
        known = {a.lower() for a in world.addresses()}
        known |= {r[0] for r in conn.exec_driver_sql("SELECT address FROM accounts")}
        for address in sorted(known):
            assert views.account(conn, address, year, month) == w.account(address), address
            assert views.roles_of(conn, address) == int(w.roles_of(address)), address
            compared += 2
        citizens, merchants, tasks = w.counts()
        assert views.counts(conn) == (citizens, merchants, tasks)
        for task_id in range(1, tasks + 2):
            assert views.task(conn, task_id) == w.task(task_id), task_id
            compared += 1
        for task_id in range(1, tasks + 1):
            for citizen_id in range(1, citizens + 1):
                assert views.claim(conn, task_id, citizen_id) == w.claim(task_id, citizen_id), (
                    views.claim(conn, task_id, citizen_id),
                    w.claim(task_id, citizen_id),
                    task_id,
                    citizen_id,
                )
                compared += 1
        assert views.ledger(conn) == w.ledger()
        assert views.caps(conn, year) == w.caps()
        for redemption_id in range(1, w.request_count() + 2):
            assert views.request(conn, redemption_id) == w.request(redemption_id)
            compared += 1
        assert views.redemption_totals(conn) == w.redemption_totals()
        supply = conn.exec_driver_sql("SELECT SUM(balance) FROM accounts").scalar_one() or 0
        assert int(supply) == w.total_supply()
        # The neighbourhood desk's grants: the association's neighbourhoods, as the desk has them.
        gms = world.association.address
        granted = {
            int(r[0])
            for r in conn.exec_driver_sql(
                "SELECT neighbourhood FROM association_neighbourhoods"
                f" WHERE association = '{gms.lower()}' AND granted"
            )
        }
        assert granted == {n for n in range(1, 13) if w.is_granted(gms, n)}
        assert len(granted) == w.neighbourhood_count(gms)
    return compared + 6


def run_cli(
    *args: str, env: dict[str, str] | None = None, timeout: float = 60, fresh: bool = False
) -> subprocess.CompletedProcess[str]:
    """``python -m indexer <args>``: its exit code, stdout and stderr. ``fresh``: a new
    interpreter, as a user starts it; otherwise its ``main`` in a process forked from the test
    session's fork server (``forked``), the same run without a second of imports every time."""
    if fresh:
        return subprocess.run(
            [sys.executable, "-m", "indexer", *args],
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    return forked.run("indexer", list(args), env or {}, timeout)


def cli_env(database_url: str, rpc_url: str, manifest: Path, **extra: str) -> dict[str, str]:
    return {
        "WESH_DATABASE_URL": database_url,
        "WESH_RPC_URL": rpc_url,
        "WESH_DEPLOYMENT": str(manifest),
        "WESH_POLL_INTERVAL": "0.05",
        **extra,
    }
