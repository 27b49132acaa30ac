"""``python -m indexer`` / ``wesh-indexer``: follow a WESH deployment into SQL.

    python -m indexer [run] [--once] [--database-url URL] [--rpc-url URL] [--deployment FILE]
    python -m indexer status     # progress: head, indexed block, lag, unplaced events (JSON)
    python -m indexer unplaced   # the events it could not place, with the reason (JSON)
    python -m indexer reset      # drop every indexer table (re-index from scratch)
    python -m indexer logs --from-block N [--to-block M]   # the archived raw logs, as JSON

Settings come from WESH_* environment variables (wesh.settings.IndexerSettings); flags win.
Exit codes: 0 done (or stopped by a signal), 2 configuration or manifest problem, 3 the database,
manifest and chain disagree or a reorganisation is deeper than the undo journal, 4 the node kept
failing (with a limited number of attempts), 1 anything unexpected. An event the indexer cannot
place is recorded, with a warning, and never stops it (docs/indexer.md, "Events it cannot place").
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import threading
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy.exc import OperationalError

from indexer import schema, status
from indexer.archive import as_rpc_logs
from indexer.batch import IntegrityError
from indexer.db import describe, make_engine
from indexer.reorg import ReorgTooDeep
from indexer.rpc import DeterministicError, GaveUp, Rpc, RpcError, Stopped
from indexer.startup import DeploymentMismatch
from indexer.sync import Indexer
from wesh import deployment as manifest
from wesh.settings import IndexerSettings

log = logging.getLogger("indexer")

EXIT_CONFIG, EXIT_MISMATCH, EXIT_RPC, EXIT_UNEXPECTED = 2, 3, 4, 1


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m indexer", description=__doc__.split("\n")[0])
    parser.add_argument(
        "command",
        nargs="?",
        default="run",
        choices=["run", "status", "reset", "logs", "unplaced"],
    )
    parser.add_argument("--once", action="store_true", help="catch up, then exit")
    parser.add_argument("--database-url", help="SQLite or PostgreSQL URL (WESH_DATABASE_URL)")
    parser.add_argument("--rpc-url", help="the node's JSON-RPC URL (WESH_RPC_URL)")
    parser.add_argument("--deployment", type=Path, help="deployment manifest (WESH_DEPLOYMENT)")
    parser.add_argument("--network", help="network name, picks the manifest (WESH_NETWORK)")
    parser.add_argument("--confirmations", type=int, help="confirmation depth (default: manifest)")
    parser.add_argument("--metrics-port", type=int, help="serve /metrics and /health on this port")
    parser.add_argument("--reset", action="store_true", help="drop the index first, re-index")
    parser.add_argument("--from-block", type=int, default=0, help="logs: first block")
    parser.add_argument("--to-block", type=int, help="logs: last block (default: the last indexed)")
    return parser.parse_args(argv)


def load_settings(args: argparse.Namespace) -> IndexerSettings:
    overrides = {
        key: value
        for key, value in {
            "database_url": args.database_url,
            "rpc_url": args.rpc_url,
            "deployment": args.deployment,
            "network": args.network,
            "confirmations": args.confirmations,
            "metrics_port": args.metrics_port,
        }.items()
        if value is not None
    }
    return IndexerSettings(**overrides)


def manifest_for(settings: IndexerSettings, rpc: Rpc) -> manifest.Deployment:
    """The manifest named by the settings, or the one of the network on the node's chain."""
    path = settings.deployment
    if path is None:
        path = manifest.manifest_path(settings.network, rpc.chain_id())
    return manifest.load(path)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        settings = load_settings(args)
    except ValidationError as error:
        print(f"indexer: invalid setting: {error}", file=sys.stderr)
        return EXIT_CONFIG
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)
    engine = make_engine(settings.database_url)
    rpc = Rpc(
        settings.rpc_url,
        timeout=settings.rpc_timeout,
        max_attempts=settings.rpc_max_attempts,
        max_backoff=settings.rpc_max_backoff,
    )
    try:
        if args.command == "reset":
            schema.drop(engine)
            log.info("dropped every indexer table in %s", describe(settings.database_url))
            return 0
        if args.command == "status":
            confirmations = settings.confirmations or 0
            current = status.read(engine, confirmations, rpc)
            if current is None:
                print(json.dumps({"indexed": False}))
                return 1
            print(json.dumps(current.as_dict(), indent=2))
            return 0
        if args.command == "logs":
            return print_logs(engine, args.from_block, args.to_block)
        if args.command == "unplaced":
            return print_unplaced(engine)
        return run(settings, engine, rpc, once=args.once, reset=args.reset)
    except manifest.ManifestError as error:
        log.error("%s", error)
        return EXIT_CONFIG
    except (DeploymentMismatch, ReorgTooDeep, schema.SchemaError, IntegrityError) as error:
        log.error("%s", error)
        return EXIT_MISMATCH
    except (GaveUp, DeterministicError, RpcError) as error:
        log.error("the node at %s: %s", settings.rpc_url, error)
        return EXIT_RPC
    except OperationalError as error:
        log.error("database %s: %s", describe(settings.database_url), error.orig)
        return EXIT_CONFIG
    finally:
        rpc.close()
        engine.dispose()


def print_logs(engine: object, from_block: int, to_block: int | None) -> int:
    """Prints the archived raw logs of the confirmed blocks ``from_block..to_block`` as a JSON
    array, in the form ``eth_getLogs`` returns (indexer.archive): for audits."""
    from sqlalchemy import text
    from sqlalchemy.engine import Engine

    assert isinstance(engine, Engine)
    if schema.version(engine) is None:
        log.error("no index in this database yet: run `python -m indexer` first")
        return EXIT_CONFIG
    upper = "" if to_block is None else " AND block_number <= :to"
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT block_number, block_hash, logs FROM raw_logs "
                f"WHERE block_number >= :from{upper} ORDER BY block_number"
            ),
            {"from": from_block, "to": to_block},
        ).all()
    out = [lg for number, block_hash, blob in rows for lg in as_rpc_logs(number, block_hash, blob)]
    print(json.dumps(out, indent=1))
    return 0


def print_unplaced(engine: object) -> int:
    """Prints the confirmed events the indexer could not place (``unplaced_events``) as a JSON
    array, oldest first (docs/indexer.md, "Events it cannot place")."""
    from sqlalchemy import select
    from sqlalchemy.engine import Engine

    assert isinstance(engine, Engine)
    table = schema.unplaced_events
    with engine.connect() as conn:
        if table.name not in schema.existing_tables(conn):
            log.error("no index of this schema version in this database: run `python -m indexer`")
            return EXIT_CONFIG
        rows = conn.execute(select(table).order_by(table.c.block_number, table.c.log_index))
        out = [{**row, "args": json.loads(row["args"])} for row in rows.mappings()]
    print(json.dumps(out, indent=1))
    return 0


def run(settings: IndexerSettings, engine: object, rpc: Rpc, *, once: bool, reset: bool) -> int:
    from sqlalchemy.engine import Engine

    assert isinstance(engine, Engine)
    deployment = manifest_for(settings, rpc)
    if reset:
        schema.drop(engine)
        log.info("dropped the old index: re-indexing from block %d", deployment.start_block)
    indexer = Indexer(settings, deployment, engine, rpc)
    log.info(
        "indexing %s (chain %d) into %s; %d confirmation(s)",
        deployment.network,
        deployment.chain_id,
        describe(settings.database_url),
        indexer.confirmations,
    )
    indexer.initialise()
    assert indexer.cursor is not None
    log.info("resuming after block %d", indexer.cursor.indexed_block)
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        log.info("signal %d: stopping after the current batch", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    server = None
    if settings.metrics_port:
        server = status.serve_metrics(indexer.progress, settings.metrics_port)
        log.info("metrics on http://127.0.0.1:%d/metrics", settings.metrics_port)
    rpc.stop = stop
    try:
        indexer.run(once=once, stop=stop)
    except Stopped as stopped:
        log.info("%s", stopped)
    finally:
        if server is not None:
            server.shutdown()
    p = indexer.progress
    log.info("indexed up to block %d (head %d), %d events", p.indexed, p.head, p.events_total)
    return 0


if __name__ == "__main__":
    sys.exit(main())
