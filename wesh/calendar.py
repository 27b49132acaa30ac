"""The contract's calendar and the caps in force, computed once for the indexer and the API.

Heitje counts earnings per Europe/Amsterdam month and year (contracts/modules/calendar.vy) and a
cap change the city schedules applies from its year on (``Heitje._current_caps``). The indexer
stores the ledger's cap fields as they were set; whoever needs the caps *in force* at a moment
asks here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from wesh.rules import AMSTERDAM


@lru_cache(maxsize=65_536)
def amsterdam_period(timestamp: int) -> tuple[int, int]:
    """The Europe/Amsterdam (year, month) of a unix time: the contract's cap calendar."""
    moment = datetime.fromtimestamp(timestamp, AMSTERDAM)
    return moment.year, moment.month


@dataclass(frozen=True, slots=True)
class Caps:
    """The earnings caps as the ledger holds them: the ones set, and a change for a later year
    (``next_from_year`` 0: none scheduled). Amounts in cents; monthly 0 means no monthly cap."""

    yearly: int
    monthly: int
    next_yearly: int = 0
    next_monthly: int = 0
    next_from_year: int = 0

    def in_force(self, year: int) -> Caps:
        """The caps the contract applies in ``year``: a scheduled change from its year on (and
        nothing left scheduled after it)."""
        if self.next_from_year and year >= self.next_from_year:
            return Caps(self.next_yearly, self.next_monthly)
        return self
