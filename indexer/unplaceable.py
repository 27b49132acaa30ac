"""The events found unplaceable since the last commit, remembered while their ranges are applied
again (``Unplaceables``).

An event the projections cannot place makes ``indexer.projections.apply`` raise ``Unplaceable``
with the batch half-changed; the indexer rolls the open transaction back, remembers the event
here and applies the same ranges again, and ``apply`` then records that event in
``unplaced_events`` instead of applying it (docs/indexer.md, "Events it cannot place").
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from indexer.decoded import UNDECODABLE, Position, Undecodable
from indexer.projections import Unplaceable

log = logging.getLogger("indexer.unplaceable")

#: Where an event found unplaceable in an unconfirmed block is recorded.
PENDING_NOTE = "pending_unplaced_events (an unconfirmed block; unplaced_events once confirmed)"

#: (cause, reason) of an unplaceable event, as ``unplaced_events`` records them.
Why = tuple[str, str]


class Unplaceables:
    """Events found unplaceable and not committed yet, by (block, block hash, log index): a
    block that a reorganisation replaced is another block, and its events are not these."""

    def __init__(self) -> None:
        self._found: dict[tuple[int, str, int], Why] = {}

    def __len__(self) -> int:
        return len(self._found)

    def found(self, error: Unplaceable, hashes: Mapping[int, str], *, confirmed: bool) -> None:
        """Remembers the event of ``error`` (in the block of that hash) and logs the warning
        an operator sees (``confirmed``: it is recorded in ``unplaced_events``, not only in the
        pending twin)."""
        event = error.event
        block, log_index = event.block_number, event.log_index
        self._found[(block, hashes[block], log_index)] = (error.cause, error.reason)
        name = Undecodable(*event.args).event if event.name == UNDECODABLE else event.name
        log.warning(
            "block %d log %d (%s, tx %s) cannot be placed (%s: %s): its effects are not applied, "
            'it is recorded in %s and indexing goes on (docs/indexer.md, "Events it cannot '
            'place")',
            block,
            log_index,
            name,
            event.tx_hash,
            error.cause,
            error.reason,
            "unplaced_events" if confirmed else PENDING_NOTE,
        )

    def in_blocks(self, hashes: Mapping[int, str]) -> dict[Position, Why]:
        """The events found unplaceable in these blocks (of these hashes), for
        ``Batch.unplaceable``."""
        if not self._found:
            return {}
        return {
            (block, log_index): why
            for (block, block_hash, log_index), why in self._found.items()
            if hashes.get(block) == block_hash
        }

    def any_through(self, block: int) -> bool:
        """Whether one was found at or below ``block``."""
        return any(found_in <= block for found_in, _, _ in self._found)

    def forget_through(self, block: int) -> None:
        """Forgets those at or below ``block``: committed, so recorded."""
        if self._found:
            self._found = {key: why for key, why in self._found.items() if key[0] > block}
