"""A range of blocks as the indexer reads it from the node: as the node sent it (``Read``),
decoded and ready to apply (``Fetched``), and cut into parts at block boundaries (``parts``)."""

from __future__ import annotations

import marshal
from dataclasses import dataclass
from typing import Any

from indexer.projections import Event


class ChainMoved(Exception):
    """The node's answers were not from one consistent chain (it changed while being read)."""


@dataclass
class Fetched:
    """One range read from the node, ready to be applied."""

    first: int
    last: int
    headers: dict[int, dict[str, Any]]
    hashes: dict[int, str]
    contiguous: bool
    #: Decoded events, ``raw_logs`` rows (one per block with logs, see indexer.schema), the
    #: blocks that have events and how many logs ``raw`` holds (decoded while reading: in the
    #: read-ahead process while catching up).
    events: list[Event]
    raw: list[tuple[Any, ...]]
    with_events: set[int]
    log_count: int
    #: From the read-ahead process: its RPC counters for this range and its range size.
    rpc_counts: tuple[int, int, int] = (0, 0, 0)
    range: int = 0

    def packed(self) -> bytes:
        """For the pipe from the read-ahead process: ``marshal`` (plain values only: ints,
        strings, bytes, tuples, lists, dicts, sets) writes and reads a range's hundreds of
        thousands of small objects several times faster than pickle writes them."""
        return marshal.dumps(
            (
                self.first,
                self.last,
                self.headers,
                self.hashes,
                self.contiguous,
                self.events,
                self.raw,
                self.with_events,
                self.log_count,
                self.rpc_counts,
                self.range,
            )
        )

    @classmethod
    def unpacked(cls, data: bytes) -> Fetched:
        return cls(*marshal.loads(data))


@dataclass
class Read:
    """One range as the node sent it (``Indexer.read_range``), before decoding."""

    first: int
    last: int
    deep: bool
    logs: list[dict[str, Any]]
    headers: dict[int, dict[str, Any]]
    rpc_counts: tuple[int, int, int] = (0, 0, 0)
    range: int = 0


def parts(r: Read, size: int) -> list[Read]:
    """``r`` cut at block boundaries into ranges of about ``size`` logs or more. A cut before
    block ``b`` needs the headers of ``b - 1`` (the first part's last block, whose hash becomes
    the cursor) and ``b`` (whose parent hash is checked against it): always there in a range
    near the head, which has every header; in a deep range, where both blocks have logs."""
    logs = r.logs
    if len(logs) < 2 * size:
        return [r]
    parts: list[Read] = []
    begin, first = 0, r.first
    previous = int(logs[0]["blockNumber"], 16)
    for i in range(1, len(logs)):
        number = int(logs[i]["blockNumber"], 16)
        if number == previous:
            continue
        previous = number
        if i - begin < size or len(logs) - i < size:
            continue
        if number - 1 not in r.headers or number not in r.headers:
            continue
        parts.append(_part(r, first, number - 1, logs[begin:i]))
        begin, first = i, number
    parts.append(_part(r, first, r.last, logs[begin:]))
    return parts


def _part(r: Read, first: int, last: int, logs: list[dict[str, Any]]) -> Read:
    headers = {n: h for n, h in r.headers.items() if first <= n <= last}
    return Read(first, last, r.deep, logs, headers, r.rpc_counts, r.range)
