"""Progress for health checks and metrics: head, indexed block, lag, unplaced events.

``python -m indexer status`` reads it from the database (and asks the node for its head when it
can), so it works whether or not an indexer is running. A running indexer can also serve the same
figures as Prometheus text on ``/metrics`` (``--metrics-port``), and ``/health`` answers 200 while
the lag is within bounds. Events the indexer could not place (``unplaced_events``) are counted
in both, and are alert-worthy but do not make ``/health`` fail: the indexer goes on.
"""

from __future__ import annotations

import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from indexer import schema
from indexer.projections import count_unplaced
from indexer.rpc import Rpc, RpcError
from indexer.sync import Progress


@dataclass
class Status:
    chain_id: int
    heitje: str
    start_block: int
    indexed_block: int
    #: The node's head as last seen by the indexer (or just now, when the node answered).
    head_block: int
    confirmations: int
    #: Blocks the confirmed index trails the confirmed tip (head - confirmations) by.
    lag_blocks: int
    events: int
    #: Confirmed events recorded as unplaced (docs/indexer.md, "Events it cannot place").
    unplaced_events: int
    pending_from: int | None
    pending_head: int | None
    updated_at: float
    head_seen_at: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def read(engine: Engine, confirmations: int, rpc: Rpc | None = None) -> Status | None:
    """The indexer's progress from the database; None when nothing was indexed yet."""
    names = schema.existing_tables
    with engine.connect() as conn:
        tables = names(conn)
        if "sync_state" not in tables:
            return None
        row = conn.execute(select(schema.sync_state)).mappings().first()
        pending = conn.execute(select(schema.pending_state)).mappings().first()
        # An index of schema version 3 has none until the indexer upgrades it.
        unplaced = count_unplaced(conn) if schema.unplaced_events.name in tables else 0
    if row is None:
        return None
    head = int(row["head_block"])
    seen = float(row["head_seen_at"])
    if rpc is not None:
        try:
            head = rpc.block_number()
            seen = time.time()
        except RpcError:
            pass
    indexed = int(row["indexed_block"])
    return Status(
        chain_id=int(row["chain_id"]),
        heitje=str(row["heitje"]),
        start_block=int(row["start_block"]),
        indexed_block=indexed,
        head_block=head,
        confirmations=confirmations,
        lag_blocks=max(0, head - confirmations - indexed),
        events=int(row["events_total"]),
        unplaced_events=unplaced,
        pending_from=int(pending["from_block"]) if pending else None,
        pending_head=int(pending["head_block"]) if pending else None,
        updated_at=float(row["updated_at"]),
        head_seen_at=seen,
    )


def metrics_text(progress: Progress) -> str:
    """Prometheus text exposition of a running indexer's progress."""
    lines = []
    for name, kind, help_text, value in (
        ("wesh_indexer_head_block", "gauge", "Latest block number of the node", progress.head),
        ("wesh_indexer_indexed_block", "gauge", "Last confirmed block indexed", progress.indexed),
        ("wesh_indexer_lag_blocks", "gauge", "Blocks behind the confirmed tip", progress.lag),
        ("wesh_indexer_confirmations", "gauge", "Confirmation depth", progress.confirmations),
        (
            "wesh_indexer_pending_blocks",
            "gauge",
            "Unconfirmed blocks in the pending tables",
            progress.pending_blocks,
        ),
        ("wesh_indexer_events_total", "counter", "Confirmed events indexed", progress.events_total),
        ("wesh_indexer_reorgs_total", "counter", "Reorganisations rolled back", progress.reorgs),
        (
            "wesh_indexer_unplaced_events",
            "gauge",
            "Confirmed events recorded as unplaced (alert: see docs/indexer.md)",
            progress.unplaced,
        ),
        (
            "wesh_indexer_last_poll_timestamp_seconds",
            "gauge",
            "When the node was last polled",
            progress.last_poll,
        ),
    ):
        lines += [f"# HELP {name} {help_text}", f"# TYPE {name} {kind}", f"{name} {value}"]
    return "\n".join(lines) + "\n"


def serve_metrics(progress: Progress, port: int, max_lag: int = 10) -> ThreadingHTTPServer:
    """Serves /metrics and /health on 127.0.0.1:port in a daemon thread."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path.startswith("/metrics"):
                body, code = metrics_text(progress).encode(), 200
                ctype = "text/plain; version=0.0.4"
            elif self.path.startswith("/health"):
                healthy = progress.last_poll > 0 and progress.lag <= max_lag
                body = b"ok\n" if healthy else b"lagging\n"
                code, ctype = (200 if healthy else 503), "text/plain"
            else:
                body, code, ctype = b"not found\n", 404, "text/plain"
            self.send_response(code)
            self.send_header("content-type", ctype)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
