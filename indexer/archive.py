"""The raw-log archive (``raw_logs``): every log of the WESH contracts, one row per block.

A row's ``logs`` is the block's logs in log-index order, each as
``[log_index, transaction_hash, transaction_index, address, [topic0, ...], data]`` (exactly the
hex ``eth_getLogs`` gave, less the block number and hash, which are the row's), as a JSON array
compressed with zlib (RFC 1950, level 1).

Why compressed: the archive is written at the speed of the chain and read rarely (audits,
``python -m indexer logs``). As JSON text it was 60% of the database (about 540 bytes a log, most
of it hex that repeats: topics, addresses, transaction hashes), and writing it cost more than all
the decoded tables together; level 1 makes it 13 times smaller for about 1 us a log, spent in the
read-ahead process. Any zlib reads it: ``zlib.decompress`` in Python, ``pigz -dz``, or this
module's ``unpack`` / ``as_rpc_logs``.
"""

from __future__ import annotations

import zlib
from typing import Any

import orjson

#: zlib's fastest level: 13x smaller on this archive at ~440 MB/s (level 6: 15x at ~200 MB/s).
LEVEL = 1

#: One archived log: [log_index, transaction_hash, transaction_index, address, topics, data].
Entry = tuple[int, str, int, str, list[str], str]


def pack(entries: list[Entry]) -> bytes:
    """A block's logs, in log-index order, as stored in ``raw_logs.logs``."""
    return zlib.compress(orjson.dumps(entries), LEVEL)


def unpack(blob: bytes) -> list[list[Any]]:
    """The entries ``pack`` stored."""
    return orjson.loads(zlib.decompress(bytes(blob)))  # type: ignore[no-any-return]


def as_rpc_logs(block_number: int, block_hash: str, blob: bytes) -> list[dict[str, Any]]:
    """A block's archived logs in the form ``eth_getLogs`` returns them."""
    return [
        {
            "address": address,
            "topics": topics,
            "data": data,
            "blockNumber": hex(block_number),
            "blockHash": block_hash,
            "transactionHash": tx_hash,
            "transactionIndex": hex(tx_index),
            "logIndex": hex(log_index),
            "removed": False,
        }
        for log_index, tx_hash, tx_index, address, topics, data in unpack(blob)
    ]
