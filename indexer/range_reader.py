"""Reading ranges of blocks: planning the next range, reading its logs and headers, decoding
them, and sizing the range after it from what was read (``RangeReader``).

The indexer applies what this reads (``indexer.sync``); while catching up, the read-ahead process
uses it from several threads (``indexer.read_ahead``). So reading and decoding write nothing:
``read`` and ``decode`` are functions of their arguments and of the reader's fixed settings, and
the one thing that changes, the range size, changes only in ``adapt``, which its caller calls
from one thread at a time (``Readers`` under its lock; the indexer from its own thread).

Ranges far below the head ("deep": more than ``depth`` blocks down) are read with large
eth_getLogs calls (adapted to about ``target_logs`` logs each) and only the headers of blocks that
have events (for their timestamps and hashes) plus both ends of the range. Near the head every
header is read (the indexer checks every parent hash and journals every block).
"""

from __future__ import annotations

import logging
from typing import Any

from indexer.archive import Entry, pack
from indexer.decoded import UNDECODABLE
from indexer.ranges import ChainMoved, Decoded, EventRow, Fetched, Read
from indexer.rpc import Rpc
from wesh.events import DecodeError, specs
from wesh.settings import IndexerSettings

log = logging.getLogger("indexer.range_reader")

#: The fields of a log that nodes send as hex, which the indexer compares in lowercase.
_HEX_FIELDS = ("data", "transactionHash", "blockHash", "address")


class RangeReader:
    """Plans, reads and decodes ranges of the WESH contracts' logs, and adapts the range size."""

    def __init__(
        self, settings: IndexerSettings, addresses: list[str], depth: int, rpc: Rpc
    ) -> None:
        self.settings = settings
        #: The contracts whose logs are read (lowercase hex).
        self.addresses = addresses
        #: Ranges that end more than this many blocks below the head are deep.
        self.depth = depth
        self.rpc = rpc
        #: The size (blocks) of the next range planned: ``adapt`` changes it.
        self.size = settings.batch_blocks

    def using(self, rpc: Rpc) -> RangeReader:
        """The same reader with another client (the read-ahead process makes its own)."""
        reader = RangeReader(self.settings, self.addresses, self.depth, rpc)
        reader.size = self.size
        return reader

    # ---------------------------------------------------------------- planning
    def plan(self, first: int, head: int, safe: int) -> tuple[int, bool]:
        """The last block of the range starting at ``first``, and whether it is deep: at most
        ``size`` blocks, up to the confirmed tip ``safe``, and a deep range ends where the
        journaled blocks near the head begin."""
        deep_limit = head - self.depth
        if first <= deep_limit:
            return min(first + self.size - 1, deep_limit, safe), True
        return min(first + self.size - 1, safe), False

    def adapt(self, read: Read) -> None:
        """Sizes the next range from what reading ``read`` saw: half the span the node refused,
        if it refused one; otherwise about ``target_logs`` logs at the density just seen (growing
        at most 4x a step, so one dense stretch after an empty one cannot make a huge answer)."""
        if read.refused_span:
            self.size = max(1, min(self.size, read.refused_span // 2))
            return
        target = self.settings.target_logs
        n_logs, n_blocks = len(read.logs), read.last - read.first + 1
        if n_blocks < self.size and n_logs <= target:
            return  # a short range at the end of the chain says little about density
        estimate = n_blocks * target // max(n_logs, 1)
        self.size = max(1, min(estimate, self.size * 4, self.settings.max_batch_blocks))

    # ---------------------------------------------------------------- reading
    def fetch(self, first: int, last: int, deep: bool) -> Fetched:
        """Reads and decodes a range here (with the reader's own client), and adapts the size."""
        read = self.read(first, last, deep)
        self.adapt(read)
        return Fetched.of(read, self.decode(read))

    def read(self, first: int, last: int, deep: bool, rpc: Rpc | None = None) -> Read:
        """The logs of a range and the headers it needs, as the node sent them (asked with
        ``rpc``: the read-ahead's threads each have their own client)."""
        rpc = rpc or self.rpc
        logs = rpc.get_logs(self.addresses, first, last)
        refused = rpc.refused_span
        if deep:
            numbers = {first, last}
            for lg in logs:
                numbers.add(int(lg["blockNumber"], 16))
            wanted = sorted(numbers)
        else:
            wanted = list(range(first, last + 1))
        got = rpc.headers(wanted, self.settings.header_batch)
        headers: dict[int, dict[str, Any]] = {}
        for number, header in zip(wanted, got, strict=True):
            if header is None:
                raise ChainMoved(f"block {number} is not there (any more)")
            headers[number] = header
        return Read(first, last, deep, logs, headers, refused_span=refused)

    # ---------------------------------------------------------------- decoding
    def decode(self, read: Read) -> Decoded:
        """Checks that the logs are from the blocks read, in order, and decodes them; the raw
        logs become the ``raw_logs`` rows (one per block with logs, compressed)."""
        hashes = {n: h["hash"].lower() for n, h in read.headers.items()}
        events, by_block = self._decode_logs(read.logs, hashes, read.headers)
        # The raw_logs rows: one per block (logs come in block order, so dict order is).
        raw = [(number, hashes[number], len(kept), pack(kept)) for number, kept in by_block.items()]
        log_count = sum(len(kept) for kept in by_block.values())
        return Decoded(hashes, events, raw, set(by_block), log_count)

    def _decode_logs(
        self,
        logs: list[dict[str, Any]],
        hashes: dict[int, str],
        headers: dict[int, dict[str, Any]],
    ) -> tuple[list[EventRow], dict[int, list[Entry]]]:
        """The events of ``logs`` and, per block with logs of the WESH contracts, the archive
        entries of those logs. The hottest loop of the read-ahead process: a block is looked up
        once, not once a log, and the events are made as plain tuples."""
        table = specs()
        ours = set(self.addresses)
        events: list[EventRow] = []
        by_block: dict[int, list[Entry]] = {}
        if logs and any(not _is_lower_hex(logs[0][k]) for k in _HEX_FIELDS):
            logs = [_lowercase(lg) for lg in logs]  # nodes answer in lowercase hex; just in case
        # The current block (logs come in block order): its number, hash, timestamp, archive list.
        block_key = ""
        number, expected_hash, timestamp, last_index = -1, "", 0, -1
        kept: list[Entry] = []
        for lg in logs:
            if lg["blockNumber"] != block_key:
                block_key = lg["blockNumber"]
                new_number = int(block_key, 16)
                if new_number <= number:
                    raise ChainMoved(f"logs out of order at block {new_number}")
                number, last_index = new_number, -1
                found = hashes.get(number)
                if found is None:
                    raise ChainMoved(f"a log of block {number} is from a block not read")
                expected_hash = found
                timestamp = int(headers[number]["timestamp"], 16)
                kept = by_block[number] = []
            log_index = int(lg["logIndex"], 16)
            if log_index <= last_index:
                raise ChainMoved(f"logs out of order at block {number} log {log_index}")
            last_index = log_index
            if lg.get("removed"):
                raise ChainMoved(f"removed log in block {number}")
            if lg["blockHash"] != expected_hash:
                raise ChainMoved(f"a log of block {number} is from another branch")
            address = lg["address"]
            if address not in ours:
                log.warning("ignoring a log of %s, not a WESH contract", address)
                continue
            topics = lg["topics"]
            data = lg["data"]
            tx = lg["transactionHash"]
            kept.append((log_index, tx, int(lg["transactionIndex"], 16), address, topics, data))
            spec = table.get(topics[0]) if topics else None
            if spec is None:
                first_topic = topics[0] if topics else None
                log.warning(
                    "block %d log %d: unknown event %s (kept raw)", number, log_index, first_topic
                )
                continue
            try:
                args = spec.decode(topics, data)
            except DecodeError as error:  # recorded as unplaced (it is in the archive as it is)
                undecodable = (spec.name, str(error), list(topics), data)  # decoded.Undecodable
                events.append((UNDECODABLE, undecodable, number, log_index, tx, timestamp))
                continue
            events.append((spec.name, args, number, log_index, tx, timestamp))
        return events, {n: entries for n, entries in by_block.items() if entries}


def _is_lower_hex(value: str) -> bool:
    return value == value.lower()


def _lowercase(lg: dict[str, Any]) -> dict[str, Any]:
    out = dict(lg)
    for key in _HEX_FIELDS:
        out[key] = lg[key].lower()
    out["topics"] = [t.lower() for t in lg["topics"]]
    return out
