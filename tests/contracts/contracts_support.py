"""Shared helpers of the contract suite: the contracts' own constants, read from their sources.

Bounds, limits and role bits are never copied into the tests: they are parsed from the Vyper
sources, so a change in a contract changes what the tests expect.
"""

from __future__ import annotations

import ast
import datetime as dt
import operator
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import boa

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / "contracts"
HEITJE_SOURCE = CONTRACTS / "Heitje.vy"
REDEMPTION_SOURCE = CONTRACTS / "Redemption.vy"
FORWARDER_SOURCE = CONTRACTS / "Forwarder.vy"
# A Heitje deployed without a trusted forwarder (no relayed calls).
ZERO_FORWARDER = "0x" + "00" * 20
ACCESS_SOURCE = CONTRACTS / "modules" / "access.vy"
CALENDAR_SOURCE = CONTRACTS / "modules" / "calendar.vy"

AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# `NAME: constant(type) = expression` at the start of a line.
_CONSTANT = re.compile(r"^([A-Z][A-Z0-9_]*)\s*:\s*constant\((.+?)\)\s*=\s*(.+?)\s*(?:#.*)?$")

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Pow: operator.pow,
    ast.LShift: operator.lshift,
    ast.RShift: operator.rshift,
    ast.BitOr: operator.or_,
    ast.BitAnd: operator.and_,
    ast.FloorDiv: operator.floordiv,
}


def _evaluate(node: ast.AST, known: dict[str, int | str]) -> int | str:
    """Evaluates a constant expression: literals, earlier constants and integer operators."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | str):
        return node.value
    if isinstance(node, ast.Name):
        return known[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        return -int(_evaluate(node.operand, known))
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert):
        return ~int(_evaluate(node.operand, known))
    if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
        left = int(_evaluate(node.left, known))
        right = int(_evaluate(node.right, known))
        return _BINARY[type(node.op)](left, right)
    raise ValueError(f"not a constant expression: {ast.dump(node)}")


@cache
def vyper_constants(path: Path) -> dict[str, int | str]:
    """Every `constant(...)` of a Vyper source, evaluated (integers and string literals)."""
    known: dict[str, int | str] = {}
    for line in path.read_text().splitlines():
        match = _CONSTANT.match(line)
        if match is None:
            continue
        name, _type, expression = match.groups()
        known[name] = _evaluate(ast.parse(expression, mode="eval").body, known)
    return known


def heitje_constant(name: str) -> int:
    """An integer constant of Heitje.vy."""
    value = vyper_constants(HEITJE_SOURCE)[name]
    assert isinstance(value, int), name
    return value


def heitje_string(name: str) -> str:
    """A string constant of Heitje.vy."""
    value = vyper_constants(HEITJE_SOURCE)[name]
    assert isinstance(value, str), name
    return value


def access_constant(name: str) -> int:
    """An integer constant of modules/access.vy."""
    value = vyper_constants(ACCESS_SOURCE)[name]
    assert isinstance(value, int), name
    return value


def redemption_constant(name: str) -> int:
    """An integer constant of Redemption.vy."""
    value = vyper_constants(REDEMPTION_SOURCE)[name]
    assert isinstance(value, int), name
    return value


@cache
def forwarder_constants() -> dict[str, int | str]:
    """The integer and string constants of Forwarder.vy. A value in parentheses may span lines
    (SECP256K1N_HALF); the keccak256 hashes are left out (the tests read their preimages from the
    source where they need them)."""
    source = FORWARDER_SOURCE.read_text()
    pattern = re.compile(
        r"^([A-Z][A-Z0-9_]*)\s*:\s*constant\((.+?)\)\s*=\s*(\([^)]*\)|[^\n#]+)", re.MULTILINE
    )
    known: dict[str, int | str] = {}
    for name, _type, expression in pattern.findall(source):
        if expression.lstrip().startswith("keccak256("):
            continue
        known[name] = _evaluate(ast.parse(expression.strip(), mode="eval").body, known)
    return known


def forwarder_constant(name: str) -> int:
    """An integer constant of Forwarder.vy."""
    value = forwarder_constants()[name]
    assert isinstance(value, int), name
    return value


def role_bits() -> dict[str, int]:
    """The role constants of access.vy by name without the prefix: {"ADMIN": 1, ...}."""
    return {
        name.removeprefix("ROLE_"): int(value)
        for name, value in vyper_constants(ACCESS_SOURCE).items()
        if name.startswith("ROLE_")
    }


def prefixed_constants(path: Path, prefix: str) -> dict[str, int]:
    """The integer constants of a source whose names start with `prefix`, prefix removed."""
    return {
        name.removeprefix(prefix): int(value)
        for name, value in vyper_constants(path).items()
        if name.startswith(prefix) and isinstance(value, int)
    }


def amsterdam(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> int:
    """The Unix timestamp of a wall-clock moment in Amsterdam."""
    return int(dt.datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM).timestamp())


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> int:
    """The Unix timestamp of a UTC moment."""
    moment = dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC)
    return int(moment.timestamp())


def amsterdam_period(timestamp: int) -> tuple[int, int]:
    """(year, month) of a timestamp on the Amsterdam wall clock, by zoneinfo."""
    local = dt.datetime.fromtimestamp(timestamp, AMSTERDAM)
    return local.year, local.month


def event_names(contract) -> list[str]:  # type: ignore[no-untyped-def]
    """The names of the events the contract's last call emitted, in order."""
    return [type(log).__name__ for log in contract.get_logs()]


def events(contract, name: str) -> list:  # type: ignore[no-untyped-def]
    """The events called `name` that the contract's last call emitted."""
    return [log for log in contract.get_logs() if type(log).__name__ == name]


def only_event(contract, name: str):  # type: ignore[no-untyped-def]
    """The single event called `name` of the contract's last call."""
    found = events(contract, name)
    assert len(found) == 1, f"expected one {name}, got {event_names(contract)}"
    return found[0]


# A quiet Wednesday in spring, Amsterdam time: far from any month or daylight-saving boundary.
START = amsterdam(2027, 3, 10, 12)
DAY = 86_400
# A reference of a payment request (the QR code a shop shows).
PAYMENT_REFERENCE = b"QR-2027-000001".ljust(32, b"\0")
# A CIDv1 (raw, sha2-256) as the API computes it, and a second one for evidence.
TASK_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
EVIDENCE_CID = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"
MERCHANT_CID = "bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su"
# The budget the treasurer grants in the wired deployment: 20,000.00.
BUDGET = 2_000_000
# Default terms of a task commissioned by `flow.commission`.
REWARD = 2_500
SLOTS = 3
CLAIM_DURATION = 7 * DAY
DEADLINE_AFTER = 14 * DAY

ROLE = role_bits()


@dataclass(frozen=True)
class People:
    admin: Any
    registrar: Any
    merchant_manager: Any
    task_manager: Any
    reviewer: Any
    second_reviewer: Any
    treasurer: Any
    citizen: Any
    other_citizen: Any
    merchant: Any
    other_merchant: Any
    outsider: Any

    def role_holders(self) -> dict[str, tuple[Any, int]]:
        """Each role fixture's name, address and the one role it holds."""
        return {
            "admin": (self.admin, ROLE["ADMIN"]),
            "registrar": (self.registrar, ROLE["REGISTRAR"]),
            "merchant_manager": (self.merchant_manager, ROLE["MERCHANT_MANAGER"]),
            "task_manager": (self.task_manager, ROLE["TASK_MANAGER"]),
            "reviewer": (self.reviewer, ROLE["REVIEWER"]),
            "second_reviewer": (self.second_reviewer, ROLE["REVIEWER"]),
            "treasurer": (self.treasurer, ROLE["TREASURER"]),
        }


class Flow:
    """Walks tasks through their lifecycle on one deployment, as the right role each time."""

    def __init__(self, heitje: Any, redemption: Any, people: People) -> None:
        self.heitje = heitje
        self.redemption = redemption
        self.people = people

    # clock
    @staticmethod
    def now() -> int:
        return int(boa.env.evm.patch.timestamp)

    @staticmethod
    def travel(seconds: int) -> None:
        boa.env.time_travel(seconds=seconds)

    @staticmethod
    def set_time(timestamp: int) -> None:
        boa.env.evm.patch.timestamp = timestamp

    @staticmethod
    def next_block() -> None:
        """The next block: the block number goes up by one and the clock by a block time."""
        boa.env.time_travel(blocks=1)

    # reads
    def citizen_id(self, wallet: Any) -> int:
        return int(self.heitje.account(wallet).id)

    def claim_of(self, task_id: int, wallet: Any) -> Any:
        return self.heitje.claim_of(task_id, self.citizen_id(wallet))

    # the task manager
    def commission(
        self,
        reward: int = REWARD,
        slots: int = SLOTS,
        deadline: int | None = None,
        duration: int = CLAIM_DURATION,
        neighbourhood: int = 1,
        cid: str = TASK_CID,
    ) -> int:
        deadline = self.now() + DEADLINE_AFTER if deadline is None else deadline
        with boa.env.prank(self.people.task_manager):
            return int(
                self.heitje.commission_task(cid, reward, slots, deadline, duration, neighbourhood)
            )

    def cancel(self, task_id: int) -> None:
        with boa.env.prank(self.people.task_manager):
            self.heitje.cancel_task(task_id)

    # citizens
    def claim(self, task_id: int, who: Any) -> None:
        with boa.env.prank(who):
            self.heitje.claim(task_id)

    def submit(self, task_id: int, who: Any, evidence: str = EVIDENCE_CID) -> None:
        with boa.env.prank(who):
            self.heitje.submit(task_id, evidence)

    def appeal(self, task_id: int, who: Any) -> None:
        with boa.env.prank(who):
            self.heitje.appeal(task_id)

    def abandon(self, task_id: int, who: Any) -> None:
        with boa.env.prank(who):
            self.heitje.abandon(task_id)

    # reviewers
    def approve(self, task_id: int, who: Any, reviewer: Any = None) -> None:
        with boa.env.prank(reviewer or self.people.reviewer):
            self.heitje.approve_submission(task_id, who)

    def reject(self, task_id: int, who: Any, reason: int = 1, reviewer: Any = None) -> None:
        with boa.env.prank(reviewer or self.people.reviewer):
            self.heitje.reject_submission(task_id, who, reason)

    def decide(
        self, task_id: int, who: Any, grant: bool, reason: int = 0, reviewer: Any = None
    ) -> None:
        with boa.env.prank(reviewer or self.people.second_reviewer):
            self.heitje.decide_appeal(task_id, who, grant, reason)

    # composites
    def claimed(self, who: Any, **terms: Any) -> int:
        """A fresh task that `who` has claimed."""
        task_id = self.commission(**terms)
        self.claim(task_id, who)
        return task_id

    def claimed_in_parts(self, who: Any, amount: int, **terms: Any) -> list[int]:
        """Fresh single-slot tasks of at most MAX_REWARD each that `who` has claimed, reserving
        `amount` in all; the open-claims limit is raised to one more than that takes, when it
        allows fewer (so a next claim meets the earnings cap, not the open-claims limit)."""
        most = heitje_constant("MAX_REWARD")
        parts = [most] * (amount // most) + ([amount % most] if amount % most else [])
        if len(parts) >= int(self.heitje.caps().max_open_claims):
            with self.as_admin():
                self.heitje.set_max_open_claims(len(parts) + 1)
        return [self.claimed(who, reward=part, slots=1, **terms) for part in parts]

    def submitted(self, who: Any, **terms: Any) -> int:
        """A fresh task for which `who` has claimed and submitted evidence."""
        task_id = self.claimed(who, **terms)
        self.submit(task_id, who)
        return task_id

    def rejected(self, who: Any, **terms: Any) -> int:
        """A fresh task whose evidence from `who` the reviewer rejected."""
        task_id = self.submitted(who, **terms)
        self.reject(task_id, who)
        return task_id

    def earn(self, who: Any, amount: int) -> int:
        """Has `who` earn `amount` through approved single-slot tasks of at most MAX_REWARD each
        (one task when the amount fits in one); returns the last task's id."""
        most = heitje_constant("MAX_REWARD")
        task_id = 0
        while amount > 0:
            part = min(amount, most)
            task_id = self.submitted(who, reward=part, slots=1)
            self.approve(task_id, who)
            amount -= part
        return task_id

    # money
    def pay(self, who: Any, shop: Any, amount: int) -> None:
        """A plain ERC-20 transfer to a shop (not refundable)."""
        with boa.env.prank(who):
            self.heitje.transfer(shop, amount)

    def pay_request(
        self, who: Any, shop: Any, amount: int, reference: bytes = PAYMENT_REFERENCE
    ) -> None:
        """A payment with `pay` (the dApp's QR payment): it opens the shop's refund window."""
        with boa.env.prank(who):
            self.heitje.pay(shop, amount, reference)

    def refund(self, shop: Any, who: Any, amount: int) -> None:
        with boa.env.prank(shop):
            self.heitje.transfer(who, amount)

    def redeem(self, shop: Any, amount: int) -> int:
        with boa.env.prank(shop):
            return int(self.redemption.redeem(amount))

    # admin
    def as_admin(self) -> Any:
        return boa.env.prank(self.people.admin)

    def set_paused(self, paused: bool) -> None:
        with boa.env.prank(self.people.admin):
            self.heitje.set_paused(paused)

    @contextmanager
    def paused_to_lower_caps(self) -> Iterator[None]:
        """What lowering a cap needs: the admin pauses (a transaction of its own), checks every
        open reservation off chain while a block passes, the body runs, and the admin unpauses."""
        self.set_paused(True)
        self.next_block()
        yield
        self.set_paused(False)

    def lower_caps(self, yearly: int, monthly: int, from_year: int | None = None) -> None:
        """Schedules caps for next year that lower one in force, the only way the contract
        takes it: paused in an earlier transaction."""
        year = int(self.heitje.period()[0]) + 1 if from_year is None else from_year
        with self.paused_to_lower_caps(), self.as_admin():
            self.heitje.set_caps(yearly, monthly, year)
