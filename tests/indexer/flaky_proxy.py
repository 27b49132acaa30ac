"""A misbehaving JSON-RPC endpoint in front of anvil: rate limits, server errors, timeouts,
dropped connections, truncated bodies, "too many results" for wide eth_getLogs ranges, and
batches with some answers failing. Seeded, so a failing run can be replayed."""

from __future__ import annotations

import collections
import json
import random
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx


class FlakyProxy:
    def __init__(
        self,
        upstream: str,
        *,
        seed: int = 0,
        failure_rate: float = 0.3,
        max_log_range: int = 6,
        hang_seconds: float = 1.5,
    ) -> None:
        self.upstream = upstream
        self.rng = random.Random(seed)
        self.failure_rate = failure_rate
        self.max_log_range = max_log_range
        self.hang_seconds = hang_seconds
        self.counts: collections.Counter[str] = collections.Counter()
        self._lock = threading.Lock()
        self._turn = 0
        self._owed_batch = False
        self._client = httpx.Client(timeout=30)
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", 0))
                proxy.handle(self, self.rfile.read(length))

            def log_message(self, *_args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FlakyProxy:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._client.close()

    # ------------------------------------------------------------------ behaviour
    KINDS = ("429", "502", "503", "hang", "drop", "truncate", "truncate_short", "batch_partial")

    def _pick(self, is_batch: bool) -> str:
        """'ok', or (at ``failure_rate``) the next failure kind in turn. A batch failure whose
        turn came on a single request (answered 503 instead) is owed to the next batch request:
        the indexer reads with several threads at once, so which request gets which turn varies
        from run to run, and every kind must still happen."""
        with self._lock:
            if is_batch and self._owed_batch:
                self._owed_batch = False
                return "batch_partial"
            if self.rng.random() >= self.failure_rate:
                return "ok"
            self._turn += 1
            what = self.KINDS[self._turn % len(self.KINDS)]
            if what == "batch_partial" and not is_batch:
                self._owed_batch = True
                return "503"
            return what

    def _reply(
        self,
        handler: BaseHTTPRequestHandler,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        length: int | None = None,
    ) -> None:
        handler.send_response(status)
        handler.send_header("content-type", "application/json")
        handler.send_header("content-length", str(len(body) if length is None else length))
        for key, value in (headers or {}).items():
            handler.send_header(key, value)
        handler.end_headers()
        handler.wfile.write(body)
        handler.wfile.flush()

    def _too_wide(self, request: Any) -> bool:
        if not isinstance(request, dict) or request.get("method") != "eth_getLogs":
            return False
        params = request["params"][0]
        span = int(params["toBlock"], 16) - int(params["fromBlock"], 16) + 1
        return span > self.max_log_range

    def handle(self, handler: BaseHTTPRequestHandler, body: bytes) -> None:
        request = json.loads(body)
        if self._too_wide(request):
            self.counts["too_many_results"] += 1
            error = {"code": -32005, "message": "query returned more than 10000 results"}
            payload = {"jsonrpc": "2.0", "id": request["id"], "error": error}
            self._reply(handler, 200, json.dumps(payload).encode())
            return
        what = self._pick(isinstance(request, list))
        self.counts[what] += 1
        if what == "429":
            self._reply(handler, 429, b'{"error":"too many requests"}', {"retry-after": "0"})
            return
        if what in ("502", "503"):
            self._reply(handler, int(what), b"<html>bad gateway</html>")
            return
        if what == "hang":
            time.sleep(self.hang_seconds)  # longer than the client's timeout
            handler.close_connection = True
            return
        if what == "drop":
            handler.close_connection = True
            handler.connection.shutdown(socket.SHUT_RDWR)
            return
        answer = self._client.post(
            self.upstream, content=body, headers={"content-type": "application/json"}
        ).content
        if what == "truncate":  # announces the full length, sends half, hangs up
            self._reply(handler, 200, answer[: len(answer) // 2], length=len(answer))
            handler.close_connection = True
            return
        if what == "truncate_short":  # a complete HTTP answer whose JSON is cut off
            self._reply(handler, 200, answer[: max(1, len(answer) // 3)])
            return
        if what == "batch_partial":
            entries = json.loads(answer)
            for entry in entries[::2]:
                entry.pop("result", None)
                entry["error"] = {"code": -32603, "message": "internal error: backend busy"}
            answer = json.dumps(entries).encode()
        self._reply(handler, 200, answer)
