"""The one home of the contracts' limits and the task rules, for every layer off chain.

The scripts, the indexer, the API and the dApp (through ``GET /config``) read their bounds,
statuses and categories from here; nothing else writes them down. Every number that is also a
constant of contracts/*.vy equals it: tests/wesh/test_wesh_rules.py reads the Vyper source and
compares, so a change to a contract that is not made here fails the tests.

Amounts are in cents (the token has 2 decimals); times are unix seconds.
"""

from __future__ import annotations

from enum import IntEnum, IntFlag
from typing import Final
from zoneinfo import ZoneInfo

from wesh.task_categories import TASK_CATEGORIES

#: The city's calendar: earnings caps count per Amsterdam month and year (contracts/modules/
#: calendar.vy), task deadlines are days in Amsterdam.
AMSTERDAM: Final = ZoneInfo("Europe/Amsterdam")

# --- The token (Heitje.vy) -------------------------------------------------------------------
TOKEN_NAME: Final = "'t Heerlens Heitje"
TOKEN_SYMBOL: Final = "HEIT"
TOKEN_DECIMALS: Final = 2

# --- Heitje.vy -------------------------------------------------------------------------------
#: Longest IPFS CID a task or shop document may have.
MAX_CID_LENGTH: Final = 100
#: Most items in one batch call (register_citizens, approve_submissions, ...).
MAX_BATCH: Final = 100
#: Largest reward per slot of a task (cents): EUR 100 (far below the yearly cap: a slot is a few
#: hours of light work, not a job; see docs/tasks.md).
MAX_REWARD: Final = 10_000
#: Most citizens one task can pay.
MAX_SLOTS: Final = 1_000
#: Shortest and longest time a citizen gets to do claimed work (seconds).
MIN_CLAIM_DURATION: Final = 3_600
MAX_CLAIM_DURATION: Final = 365 * 86_400
#: After a rejection, and after an unpause, a citizen has at least this long (seconds).
RESUBMIT_WINDOW: Final = 7 * 86_400
#: The rejection that makes this many is final: no resubmission, only an appeal.
MAX_REJECTIONS: Final = 3
#: Largest yearly or monthly earnings cap (cents).
MAX_CAP: Final = 10_000_000
#: The caps and the open-claims limit a new deployment starts with (monthly 0: no monthly cap).
DEFAULT_YEARLY_CAP: Final = 150_000
DEFAULT_MONTHLY_CAP: Final = 0
DEFAULT_MAX_OPEN_CLAIMS: Final = 3
#: Highest open-claims limit the city can set.
MAX_OPEN_CLAIMS: Final = 20
#: Most the treasury may ever have granted to the task budget (cents).
MAX_TOTAL_BUDGET: Final = 1_000_000_000_000
#: Highest neighbourhood code.
MAX_NEIGHBOURHOOD: Final = 65_535
#: Most shops one city can register (a shop's id is 16 bits in the refund window).
MAX_MERCHANTS: Final = 65_535
#: A task id is below this (ids above would alias another task's claim key).
TASK_ID_LIMIT: Final = 2**64
#: Largest unix time a task deadline can hold (40 bits in the task word).
MAX_TIMESTAMP: Final = 2**40 - 1
#: Largest reason code a reviewer can give (uint8; 0 = none).
MAX_REASON_CODE: Final = 255

# --- Redemption.vy ---------------------------------------------------------------------------
#: Longest bank payment reference of a cash-out (SEPA's structured creditor reference is 35).
MAX_PAYMENT_REFERENCE_LENGTH: Final = 35
#: Most cash-outs marked paid in one call.
MAX_REDEMPTION_BATCH: Final = 100

# --- Task documents (off chain: the city's own rules for what it publishes) ------------------
MAX_TITLE: Final = 120
MAX_DESCRIPTION: Final = 4_000
#: Kinds of task, for filters and icons; Dutch words, as the dApp shows them (the dApp gets
#: them from ``GET /config``). A task document with another category is shown as "overig".
#: The list the city keeps, with what residents may do and a safety note each, is
#: wesh/task_categories.py; these are its keys.
CATEGORIES: Final = tuple(category.key for category in TASK_CATEGORIES)
DEFAULT_CATEGORY: Final = "overig"
#: A task's estimated duration (minutes): what one resident needs for one slot. Longer than a
#: working day is not a small task for a resident.
MIN_ESTIMATED_MINUTES: Final = 5
MAX_ESTIMATED_MINUTES: Final = 8 * 60
#: A task's safety note (characters, each language).
MAX_SAFETY_NOTE: Final = 500
#: The implied reward per hour (reward / estimated hours, cents) above which the commission form
#: and the overview warn: EUR 15, just above the Dutch statutory minimum wage for adults (EUR
#: 14.40 gross an hour in 2026). A reward above it pays like a job, which residents' small tasks
#: must not replace. The API's setting WESH_HOURLY_WARNING_CENTS overrides it.
DEFAULT_HOURLY_WARNING: Final = 1_500


def implied_hourly(reward: int, estimated_minutes: int | None) -> int | None:
    """Reward per hour (cents, rounded) of a slot that takes ``estimated_minutes``."""
    if not estimated_minutes:
        return None
    return round(reward * 60 / estimated_minutes)


class Role(IntFlag):
    """The role bits of ``contracts/modules/access.vy``."""

    ADMIN = 1
    REGISTRAR = 2
    MERCHANT_MANAGER = 4
    TASK_MANAGER = 8
    REVIEWER = 16
    TREASURER = 32


class TaskStatus(IntEnum):
    """A task's status (Heitje.vy ``TASK_*``)."""

    NONE = 0
    OPEN = 1
    CANCELLED = 2
    CLOSED = 3


class ClaimStatus(IntEnum):
    """A claim's status (Heitje.vy ``CLAIM_*``)."""

    NONE = 0
    CLAIMED = 1
    SUBMITTED = 2
    REJECTED = 3
    APPEALED = 4
    PAID = 5
    EXPIRED = 6
    ABANDONED = 7
    DENIED = 8


#: Claims that hold a slot and part of the citizen's cap: the work is not decided yet.
LIVE_CLAIMS: Final = frozenset(
    {ClaimStatus.CLAIMED, ClaimStatus.SUBMITTED, ClaimStatus.REJECTED, ClaimStatus.APPEALED}
)
#: Claims waiting for a reviewer.
AWAITING_REVIEW: Final = frozenset({ClaimStatus.SUBMITTED, ClaimStatus.APPEALED})


class ReleaseReason(IntEnum):
    """Why a claim let go of its slot (``ClaimReleased.reason``, Heitje.vy ``RELEASE_*``)."""

    EXPIRED = 1
    ABANDONED = 2
    DENIED = 3


#: The claim status each release leaves behind.
RELEASED_STATUS: Final = {
    ReleaseReason.EXPIRED: ClaimStatus.EXPIRED,
    ReleaseReason.ABANDONED: ClaimStatus.ABANDONED,
    ReleaseReason.DENIED: ClaimStatus.DENIED,
}


class RequestStatus(IntEnum):
    """A cash-out's status (Redemption.vy ``STATUS_*``)."""

    NONE = 0
    OPEN = 1
    PAID = 2


def status_names(enum: type[IntEnum]) -> dict[int, str]:
    """``{number: lower-case name}`` of a status enum, as ``GET /config`` gives it to the dApp."""
    return {int(member): member.name.lower() for member in enum}
