"""A range of blocks as the indexer reads it from the node: as the node sent it (``Read``), its
logs decoded (``Decoded``), both together ready to apply (``Fetched``), and cut into parts at
block boundaries (``parts``).

Both are plain values handed from the side that reads (``indexer.range_reader``, in the
read-ahead process while catching up: ``indexer.read_ahead``) to the side that applies
(``indexer.sync``); a ``Fetched`` crosses the pipe from the read-ahead process as ``packed``
bytes."""

from __future__ import annotations

import marshal
from dataclasses import dataclass
from itertools import starmap
from typing import Any

from indexer.decoded import Event

#: An ``Event``'s fields as a plain tuple, in order: what the decoding loop makes, and what
#: crosses the pipe (``marshal`` writes plain values only).
EventRow = tuple[str, tuple[Any, ...], int, int, str, int]

#: A ``blocks`` row: number, hash, parent hash, timestamp, whether it has events.
BlockRow = tuple[int, str, str, int, bool]


class ChainMoved(Exception):
    """The node's answers were not from one consistent chain (it changed while being read)."""


@dataclass
class Read:
    """One range as the node sent it (``RangeReader.read``), before decoding."""

    first: int
    last: int
    #: Far below the head: only the headers of the blocks with logs and of both ends were read.
    deep: bool
    logs: list[dict[str, Any]]
    headers: dict[int, dict[str, Any]]
    #: The RPC counters (requests, retries, splits) of reading it (the read-ahead's threads
    #: count per range, for the parent's totals).
    rpc_counts: tuple[int, int, int] = (0, 0, 0)
    #: The range size (blocks) the reader suggests next, having read this one.
    next_size: int = 0
    #: The widest span the node refused while this range was read (0: none).
    refused_span: int = 0


@dataclass
class Decoded:
    """The logs of a ``Read``, decoded (``RangeReader.decode``): its block hashes, its events
    (as plain tuples: see ``EventRow``), its ``raw_logs`` rows (one per block with logs, see
    indexer.schema), the blocks that have events and how many logs ``raw`` holds."""

    hashes: dict[int, str]
    events: list[EventRow]
    raw: list[tuple[Any, ...]]
    with_events: set[int]
    log_count: int


@dataclass
class Fetched:
    """One range read from the node and decoded, ready to be applied."""

    first: int
    last: int
    headers: dict[int, dict[str, Any]]
    hashes: dict[int, str]
    #: Every header of the range was read (a range near the head): every parent hash is checked
    #: and every block journaled. False for a deep range.
    contiguous: bool
    events: list[Event]
    #: ``raw_logs`` rows, the blocks that have events, and how many logs ``raw`` holds.
    raw: list[tuple[Any, ...]]
    with_events: set[int]
    log_count: int
    #: From the read-ahead process: its RPC counters (requests, retries, splits) for this range,
    #: and the range size (blocks) it suggests next.
    rpc_counts: tuple[int, int, int] = (0, 0, 0)
    next_size: int = 0

    @classmethod
    def of(cls, read: Read, decoded: Decoded) -> Fetched:
        events = list(starmap(Event, decoded.events))
        return cls(
            read.first,
            read.last,
            read.headers,
            decoded.hashes,
            not read.deep,
            events,
            decoded.raw,
            decoded.with_events,
            decoded.log_count,
            read.rpc_counts,
            read.next_size,
        )

    def block_rows(self) -> list[BlockRow]:
        """The ``blocks`` rows of the range's headers, in block order."""
        hashes, with_events = self.hashes, self.with_events
        return [
            (n, hashes[n], h["parentHash"].lower(), int(h["timestamp"], 16), n in with_events)
            for n, h in sorted(self.headers.items())
        ]

    @classmethod
    def unpacked(cls, data: bytes) -> Fetched:
        """The range ``packed`` made (in the read-ahead process)."""
        first, last, headers, hashes, contiguous, rows, *rest = marshal.loads(data)
        events = list(starmap(Event, rows))
        return cls(first, last, headers, hashes, contiguous, events, *rest)


def packed(read: Read, decoded: Decoded, rpc_counts: tuple[int, int, int]) -> bytes:
    """A decoded range for the pipe from the read-ahead process (``Fetched.unpacked`` reads it):
    ``marshal`` (plain values only: ints, strings, bytes, tuples, lists, dicts, sets) writes and
    reads a range's hundreds of thousands of small objects several times faster than pickle, and
    the events cross as plain tuples (no ``Event`` is made in the read-ahead process)."""
    return marshal.dumps(
        (
            read.first,
            read.last,
            read.headers,
            decoded.hashes,
            not read.deep,
            decoded.events,
            decoded.raw,
            decoded.with_events,
            decoded.log_count,
            rpc_counts,
            read.next_size,
        )
    )


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
    return Read(first, last, r.deep, logs, headers, r.rpc_counts, r.next_size, r.refused_span)
