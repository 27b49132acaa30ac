"""A decoded event as the indexer applies it (``Event``), and the event it makes of a log it
cannot decode (``UNDECODABLE``).

``indexer.range_reader`` makes them from the node's logs (in the read-ahead process while
catching up), ``indexer.projections`` applies them. A slots dataclass: the apply loop reads
hundreds of thousands of them a second, and Python 3.11 reads a slot attribute in a third of the
time it takes for a ``NamedTuple`` field (a specialised instruction against a descriptor call),
while making one from the plain tuple that crossed the read-ahead pipe costs about the same for
both, some 0.2 µs (``Fetched.unpacked``; measured).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple


@dataclass(slots=True)
class Event:
    """One decoded log of a WESH contract (read-only by convention: not frozen, because a
    frozen dataclass is slower to make)."""

    #: The event's name in the ABI (``TaskClaimed``), or ``UNDECODABLE``.
    name: str
    #: The decoded arguments in ABI order (``wesh.events``: addresses and bytes32 lowercase hex,
    #: integers, bools, strings); for ``UNDECODABLE``, ``Undecodable``'s fields.
    args: tuple[Any, ...]
    block_number: int
    log_index: int
    tx_hash: str
    #: The block's timestamp (unix seconds).
    timestamp: int


#: The name of the event made of a log that does not have the layout its topic0 promises; its
#: args are an ``Undecodable`` (as a plain tuple: it crosses the read-ahead pipe).
UNDECODABLE = "(undecodable)"


class Undecodable(NamedTuple):
    """The args of an ``UNDECODABLE`` event."""

    #: The event its topic0 stands for.
    event: str
    #: Why it could not be decoded.
    reason: str
    topics: list[str]
    data: str


#: Where an event is on the chain: (block number, log index).
Position = tuple[int, int]
