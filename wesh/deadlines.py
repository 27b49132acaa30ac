"""Claim deadlines as the Heitje contract sees them, for the indexer, the API and the scripts.

Two rules of contracts/Heitje.vy that decide whether a citizen can still act on a claim:

* Time spent paused does not count (``Heitje._expired``): a claim whose stored deadline fell at
  or after the start of the last pause (or of an earlier pause whose grace that one began in)
  stays valid until ``RESUBMIT_WINDOW`` after the unpause.
* The ``MAX_REJECTIONS``-th rejection is final: no resubmission, only an appeal.

The constants live in wesh.rules (checked there against the Vyper source).
"""

from __future__ import annotations

from wesh.rules import MAX_REJECTIONS, RESUBMIT_WINDOW

__all__ = ["MAX_REJECTIONS", "RESUBMIT_WINDOW", "effective_expiry", "in_grace", "is_final"]


def in_grace(timestamp: int, resumed_at: int) -> bool:
    """Whether ``timestamp`` falls in the grace after the last unpause (0: never unpaused).
    A pause begun then extends deadlines from the earlier pause's start."""
    return resumed_at != 0 and timestamp <= resumed_at + RESUBMIT_WINDOW


def effective_expiry(expires_at: int, pause_grace_from: int, resumed_at: int) -> int:
    """The moment after which a claim counts as expired, with the pause grace applied (while
    unpaused; while paused nothing expires, as nothing can be done)."""
    if pause_grace_from == 0 or expires_at < pause_grace_from:
        return expires_at
    return max(expires_at, resumed_at + RESUBMIT_WINDOW)


def is_final(rejections: int) -> bool:
    """Whether a rejected claim can no longer be resubmitted (only appealed)."""
    return rejections >= MAX_REJECTIONS
