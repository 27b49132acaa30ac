"""Raw JSON-RPC over httpx + orjson: the few calls the indexer makes, made robust.

web3.py is not used here: its middleware and formatters cost more per log than the indexer spends
on everything else. What this client does about the failures real providers produce:

* timeouts, connection errors, HTTP 429 and 5xx, broken or truncated answers, and JSON-RPC errors
  that mean "slow down" or "not yet" are **transient**: retried with exponential backoff and
  jitter (``Retry-After`` honoured), each with one clear log line;
* "too many results" / "response size exceeded" / "block range too large" answers to eth_getLogs
  are **range errors**: the range is split in two (and the next ranges start smaller);
* everything else (invalid params, method not found, reverted calls) is **deterministic** and
  raised at once: retrying would only repeat it.
"""

from __future__ import annotations

import functools
import logging
import random
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any

import certifi
import httpx
import orjson

log = logging.getLogger("indexer.rpc")

RANGE_HINTS = (
    "more than",
    "too many",
    "response size",
    "range is too",
    "range too",
    "block range",
    "exceed maximum block range",
    "limit exceeded",
    "query timeout",
    "returned more",
    "too large",
    "result set",
)
TRANSIENT_HINTS = (
    "rate limit",
    "too many requests",
    "capacity",
    "header not found",
    "block not found",
    "unknown block",
    "timeout",
    "timed out",
    "busy",
    "try again",
    "temporarily",
    "internal error",
    "overloaded",
    "backend",
)
TRANSIENT_CODES = {-32005, -32603, -32029, -32099, 429}
DETERMINISTIC_CODES = {-32600, -32601, -32602, -32700}


class RpcError(Exception):
    """A JSON-RPC call failed for good."""


class DeterministicError(RpcError):
    """The node refused the request itself (invalid params, unknown method): never retried."""

    def __init__(self, method: str, code: int | None, message: str) -> None:
        super().__init__(f"{method}: {message} (code {code})")
        self.method = method
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type[DeterministicError], tuple[str, int | None, str]]:
        # Sent from the read-ahead process to the indexer (indexer.sync): pickled by fields.
        return (DeterministicError, (self.method, self.code, self.message))


class RangeTooLarge(RpcError):
    """The node will not answer this eth_getLogs range in one piece."""


class GaveUp(RpcError):
    """A transient failure outlasted the configured number of attempts."""


class Stopped(RpcError):
    """The indexer was asked to stop while a call was waiting to be retried."""


class _Transient(Exception):
    def __init__(self, what: str, retry_after: float | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.retry_after = retry_after


@dataclass
class RpcStats:
    requests: int = 0
    retries: int = 0
    splits: int = 0


def _classify(method: str, error: Any) -> Exception:
    if not isinstance(error, dict):
        return _Transient(f"malformed error {error!r}")
    code = error.get("code")
    message = str(error.get("message", ""))
    lower = message.lower()
    if method == "eth_getLogs" and any(h in lower for h in RANGE_HINTS):
        return RangeTooLarge(f"{method}: {message}")
    if code in DETERMINISTIC_CODES and not any(h in lower for h in TRANSIENT_HINTS):
        return DeterministicError(method, code, message)
    if code in TRANSIENT_CODES or any(h in lower for h in TRANSIENT_HINTS):
        return _Transient(f"node error {code}: {message}")
    return DeterministicError(method, code, message)


class Rpc:
    """A JSON-RPC client for one node URL."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 30.0,
        max_attempts: int = 0,
        max_backoff: float = 10.0,
        base_backoff: float = 0.1,
    ) -> None:
        self.url = url
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.max_backoff = max_backoff
        self.base_backoff = base_backoff
        self.stats = RpcStats()
        self._id = 0
        self.refused_span = 0
        #: Set (by the indexer's signal handler): calls waiting to retry raise Stopped.
        self.stop: threading.Event | None = None
        self._client = httpx.Client(
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            verify=_tls(),
            headers={"content-type": "application/json"},
            limits=httpx.Limits(max_connections=4, max_keepalive_connections=4),
        )

    def close(self) -> None:
        self._client.close()

    def clone(self) -> Rpc:
        """A new client for the same node with the same policy (its own connections: used by
        the read-ahead process, which must not share the parent's sockets)."""
        return Rpc(
            self.url,
            timeout=self.timeout,
            max_attempts=self.max_attempts,
            max_backoff=self.max_backoff,
            base_backoff=self.base_backoff,
        )

    # ---------------------------------------------------------------- transport
    def _post(self, body: bytes) -> Any:
        """One HTTP round trip; raises _Transient for anything worth retrying."""
        self.stats.requests += 1
        try:
            response = self._client.post(self.url, content=body)
        except httpx.TimeoutException as error:
            raise _Transient(f"timeout ({type(error).__name__})") from None
        except httpx.TransportError as error:
            raise _Transient(f"connection failed ({type(error).__name__}: {error})") from None
        status = response.status_code
        if status == 429:
            raise _Transient("rate limited (HTTP 429)", _retry_after(response))
        if status >= 500:
            raise _Transient(f"server error (HTTP {status})", _retry_after(response))
        try:
            return orjson.loads(response.content)
        except orjson.JSONDecodeError:
            if status >= 400:
                raise _Transient(f"HTTP {status} without a JSON-RPC answer") from None
            raise _Transient(
                f"truncated or malformed answer ({len(response.content)} bytes)"
            ) from None

    def _with_retries(self, what: str, attempt_fn: Any) -> Any:
        attempt = 0
        while True:
            attempt += 1
            try:
                return attempt_fn()
            except _Transient as failure:
                if self.max_attempts and attempt >= self.max_attempts:
                    raise GaveUp(f"{what}: {failure.what}, after {attempt} attempts") from None
                delay = min(self.max_backoff, self.base_backoff * 2 ** min(attempt - 1, 20))
                delay = delay * (0.5 + random.random() / 2)
                if failure.retry_after is not None:
                    delay = max(delay, min(failure.retry_after, self.max_backoff))
                self.stats.retries += 1
                level = logging.WARNING if attempt >= 3 else logging.INFO
                log.log(level, "RPC %s: %s; retry %d in %.2f s", what, failure.what, attempt, delay)
                if self.stop is None:
                    time.sleep(delay)
                elif self.stop.wait(delay):
                    stopped = f"{what}: {failure.what}; stopped while waiting to retry"
                    raise Stopped(stopped) from None

    def call(self, method: str, *params: Any) -> Any:
        """One JSON-RPC call with retries; raises DeterministicError / RangeTooLarge / GaveUp."""

        def attempt() -> Any:
            self._id += 1
            body = orjson.dumps(
                {"jsonrpc": "2.0", "id": self._id, "method": method, "params": list(params)}
            )
            reply = self._post(body)
            if not isinstance(reply, dict):
                raise _Transient("answer is not a JSON-RPC object")
            if "error" in reply and reply["error"] is not None:
                raise _classify(method, reply["error"])
            if "result" not in reply:
                raise _Transient("answer without a result")
            return reply["result"]

        return self._with_retries(method, attempt)

    def batch(self, method: str, params_list: list[list[Any]]) -> list[Any]:
        """Many calls of one method in JSON-RPC batch requests; entries that fail transiently
        are asked again, alone or in the next round."""
        results: dict[int, Any] = {}
        todo = list(range(len(params_list)))

        def attempt() -> None:
            nonlocal todo
            base = self._id
            self._id += len(todo)
            body = orjson.dumps(
                [
                    {"jsonrpc": "2.0", "id": base + n, "method": method, "params": params_list[i]}
                    for n, i in enumerate(todo)
                ]
            )
            reply = self._post(body)
            if isinstance(reply, dict) and "error" in reply:
                raise _classify(method, reply["error"])
            if not isinstance(reply, list):
                raise _Transient("batch answer is not a list")
            by_id = {r.get("id"): r for r in reply if isinstance(r, dict)}
            left: list[int] = []
            failure: Exception | None = None
            for n, i in enumerate(todo):
                entry = by_id.get(base + n)
                if entry is None or ("result" not in entry and "error" not in entry):
                    left.append(i)
                    continue
                if entry.get("error") is not None:
                    problem = _classify(method, entry["error"])
                    if not isinstance(problem, _Transient):
                        raise problem
                    failure = problem
                    left.append(i)
                    continue
                results[i] = entry["result"]
            todo = left
            if todo:
                raise failure or _Transient(f"{len(todo)} answers missing from a batch")

        self._with_retries(f"{method} x{len(params_list)}", attempt)
        return [results[i] for i in range(len(params_list))]

    # ---------------------------------------------------------------- the calls
    def chain_id(self) -> int:
        return int(self.call("eth_chainId"), 16)

    def block_number(self) -> int:
        return int(self.call("eth_blockNumber"), 16)

    def header(self, number: int) -> dict[str, Any] | None:
        result: dict[str, Any] | None = self.call("eth_getBlockByNumber", hex(number), False)
        return result

    def headers(self, numbers: list[int], chunk: int = 500) -> list[dict[str, Any] | None]:
        out: list[dict[str, Any] | None] = []
        for i in range(0, len(numbers), chunk):
            part = numbers[i : i + chunk]
            out.extend(self.batch("eth_getBlockByNumber", [[hex(n), False] for n in part]))
        return out

    def get_logs(
        self, addresses: list[str], from_block: int, to_block: int
    ) -> list[dict[str, Any]]:
        """Logs of ``addresses`` in [from_block, to_block]; ranges the node refuses are split in
        two, recursively (a single block that is still too large is an error). Afterwards
        ``refused_span`` is the widest span refused during the call (0: none), so that the caller
        can start the next ranges smaller."""
        self.refused_span = 0
        return self._get_logs(addresses, from_block, to_block)

    def _get_logs(
        self, addresses: list[str], from_block: int, to_block: int
    ) -> list[dict[str, Any]]:
        try:
            logs = self.call(
                "eth_getLogs",
                {"address": addresses, "fromBlock": hex(from_block), "toBlock": hex(to_block)},
            )
        except RangeTooLarge as error:
            if from_block >= to_block:
                raise RpcError(
                    f"block {from_block} alone is too large for the node: {error}"
                ) from None
            self.stats.splits += 1
            self.refused_span = max(self.refused_span, to_block - from_block + 1)
            middle = (from_block + to_block) // 2
            log.info(
                "eth_getLogs %d-%d refused (%s): splitting at %d",
                from_block,
                to_block,
                error,
                middle,
            )
            return self._get_logs(addresses, from_block, middle) + self._get_logs(
                addresses, middle + 1, to_block
            )
        if not isinstance(logs, list):
            raise RpcError(f"eth_getLogs {from_block}-{to_block}: answer is not a list")
        return logs


@functools.cache
def _tls() -> ssl.SSLContext:
    """The TLS settings of every client in this process (httpx's defaults: certifi's CA bundle),
    made once: making them takes ~50 ms, and the read-ahead process inherits them."""
    return ssl.create_default_context(cafile=certifi.where())


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None
