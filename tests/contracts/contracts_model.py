"""A Python model of Heitje and Redemption for the state-machine tests.

The model says, for every action, whether the contracts must accept it and, if not, with which
reason (the contracts' checks in their order); when accepted, it applies the same change. The
state machine compares the contracts' whole storage with the model after every step, decoding the
packed words with the bit layout constants parsed from Heitje.vy (nothing is copied by hand).

The model keeps what the contract keeps, the way it keeps it: each citizen's refund window (the
shop paid last with `pay` and what was paid to it since, less refunds), each claim's rejections,
and the pause word (the start of the pause deadlines are extended for, and the last unpause).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from contracts_support import (
    HEITJE_SOURCE,
    REDEMPTION_SOURCE,
    amsterdam_period,
    heitje_constant,
    prefixed_constants,
    redemption_constant,
)

K = heitje_constant
CLAIM = prefixed_constants(HEITJE_SOURCE, "CLAIM_")
TASK_OPEN, TASK_CANCELLED, TASK_CLOSED = K("TASK_OPEN"), K("TASK_CANCELLED"), K("TASK_CLOSED")
LIVE = {CLAIM["CLAIMED"], CLAIM["SUBMITTED"], CLAIM["REJECTED"], CLAIM["APPEALED"]}
AWAITING_EVIDENCE = {CLAIM["CLAIMED"], CLAIM["REJECTED"]}
REQUEST_OPEN = redemption_constant("STATUS_OPEN")
REQUEST_PAID = redemption_constant("STATUS_PAID")
ZERO_ADDRESS = "0x" + "00" * 20

# Refusals of the closed loop (full sentences, shown to wallets as they are).
C2C = "heitje: citizens cannot send Heitjes to each other; pay a shop instead"
NOT_A_SHOP = "heitje: Heitjes can only be paid to registered shops"
SHOP_CLOSED = "heitje: this shop no longer accepts Heitjes"
NOT_A_HOLDER = "heitje: only registered citizens and merchants hold Heitjes"
MERCHANT_ONLY_REFUNDS = "heitje: merchants can only refund citizens"
REFUND_TOO_MUCH = "heitje: refund exceeds what they paid here"
PAUSED = "heitje: paused"
NO_SUCH_TASK = "tasks: no such task"
LAST_TIME = "tasks: rejected for the last time"
PAUSE_FIRST = "cap: pause before lowering caps"
MAX_REJECTIONS = K("MAX_REJECTIONS")
RESUBMIT_WINDOW = K("RESUBMIT_WINDOW")


# ------------------------------------------------------------ storage words
@dataclass(frozen=True)
class AccountWord:
    balance: int
    citizen: bool
    merchant: bool
    active: bool
    moved: bool
    payable: bool
    id: int
    neighbourhood: int
    year: int
    month: int
    earned_year: int
    earned_month: int
    reserved: int
    open_claims: int
    refund_shop: int
    refund_amount: int

    @classmethod
    def decode(cls, word: int) -> AccountWord:
        return cls(
            balance=word & K("BALANCE_MASK"),
            citizen=bool(word & K("CITIZEN_FLAG")),
            merchant=bool(word & K("MERCHANT_FLAG")),
            active=bool(word & K("ACTIVE_FLAG")),
            moved=bool(word & K("MOVED_FLAG")),
            payable=bool(word & K("PAYABLE_FLAG")),
            id=(word >> K("ID_SHIFT")) & K("MASK_32"),
            neighbourhood=(word >> K("NEIGHBOURHOOD_SHIFT")) & K("MASK_16"),
            year=(word >> K("YEAR_SHIFT")) & K("MASK_16"),
            month=(word >> K("MONTH_SHIFT")) & K("MASK_8"),
            earned_year=(word >> K("EARNED_YEAR_SHIFT")) & K("MASK_24"),
            earned_month=(word >> K("EARNED_MONTH_SHIFT")) & K("MASK_24"),
            reserved=(word >> K("RESERVED_SHIFT")) & K("MASK_24"),
            open_claims=(word >> K("OPEN_CLAIMS_SHIFT")) & K("MASK_8"),
            refund_shop=(word >> K("REFUND_SHOP_SHIFT")) & K("MASK_16"),
            refund_amount=(word >> K("REFUND_AMOUNT_SHIFT")) & K("MASK_40"),
        )

    def earned_in(self, year: int, month: int) -> tuple[int, int]:
        """(earned this year, earned this month) as of (year, month): stale counters are zero."""
        if (self.year, self.month) == (year, month):
            return self.earned_year, self.earned_month
        return (self.earned_year if self.year == year else 0), 0


@dataclass(frozen=True)
class LedgerWord:
    supply: int
    minted: int
    locked: int
    available: int
    paused: bool

    @classmethod
    def decode(cls, word: int) -> LedgerWord:
        return cls(
            supply=(word >> K("SUPPLY_SHIFT")) & K("MASK_64"),
            minted=(word >> K("MINTED_SHIFT")) & K("MASK_64"),
            locked=(word >> K("LOCKED_SHIFT")) & K("MASK_64"),
            available=(word >> K("AVAILABLE_SHIFT")) & K("MASK_56"),
            paused=bool(word & K("PAUSED_FLAG")),
        )


@dataclass(frozen=True)
class TaskWord:
    reward: int
    slots: int
    slots_open: int
    deadline: int
    duration: int
    neighbourhood: int
    status: int

    @classmethod
    def decode(cls, word: int) -> TaskWord:
        return cls(
            reward=word & K("MASK_32"),
            slots=(word >> K("TASK_SLOTS_SHIFT")) & K("MASK_16"),
            slots_open=(word >> K("TASK_OPEN_SHIFT")) & K("MASK_16"),
            deadline=(word >> K("TASK_DEADLINE_SHIFT")) & K("MASK_40"),
            duration=(word >> K("TASK_DURATION_SHIFT")) & K("MASK_32"),
            neighbourhood=(word >> K("TASK_NEIGHBOURHOOD_SHIFT")) & K("MASK_16"),
            status=(word >> K("TASK_STATUS_SHIFT")) & K("MASK_8"),
        )


@dataclass(frozen=True)
class ClaimWord:
    status: int
    expires_at: int
    reward: int
    reason: int
    appealed: bool
    rejected_by: int
    rejections: int

    @classmethod
    def decode(cls, word: int) -> ClaimWord:
        return cls(
            status=word & K("MASK_8"),
            expires_at=(word >> K("CLAIM_EXPIRES_SHIFT")) & K("MASK_40"),
            reward=(word >> K("CLAIM_REWARD_SHIFT")) & K("MASK_32"),
            reason=(word >> K("CLAIM_REASON_SHIFT")) & K("MASK_8"),
            appealed=bool(word & K("CLAIM_APPEALED_FLAG")),
            rejected_by=word >> K("CLAIM_REJECTER_SHIFT"),
            rejections=(word >> K("CLAIM_REJECTIONS_SHIFT")) & K("MASK_7"),
        )


@dataclass(frozen=True)
class PauseWord:
    """The pause word's deadline fields: the start of the pause deadlines are extended for, and
    the last unpause."""

    extended_from: int
    resumed_at: int

    @classmethod
    def decode(cls, word: int) -> PauseWord:
        return cls(
            extended_from=word & K("MASK_40"),
            resumed_at=(word >> K("PAUSE_RESUMED_SHIFT")) & K("MASK_40"),
        )


@dataclass(frozen=True)
class CapsWord:
    yearly: int
    monthly: int
    next_yearly: int
    next_monthly: int
    next_from_year: int
    max_open_claims: int

    @classmethod
    def decode(cls, word: int) -> CapsWord:
        return cls(
            yearly=word & K("MASK_32"),
            monthly=(word >> K("CAP_MONTHLY_SHIFT")) & K("MASK_32"),
            next_yearly=(word >> K("CAP_NEXT_YEARLY_SHIFT")) & K("MASK_32"),
            next_monthly=(word >> K("CAP_NEXT_MONTHLY_SHIFT")) & K("MASK_32"),
            next_from_year=(word >> K("CAP_NEXT_YEAR_SHIFT")) & K("MASK_16"),
            max_open_claims=(word >> K("CAP_MAX_OPEN_SHIFT")) & K("MASK_8"),
        )

    def in_force(self, year: int) -> CapsWord:
        """The caps that apply in `year`: a scheduled change counts once its year came."""
        if self.next_from_year and year >= self.next_from_year:
            return CapsWord(self.next_yearly, self.next_monthly, 0, 0, 0, self.max_open_claims)
        return self


def request_word(word: int) -> tuple[int, int, int]:
    """(merchant as int, amount, status) of a Redemption request word."""
    shift = prefixed_constants(REDEMPTION_SOURCE, "AMOUNT_")["SHIFT"]
    status_shift = prefixed_constants(REDEMPTION_SOURCE, "STATUS_")["SHIFT"]
    return (
        word & redemption_constant("MASK_160"),
        (word >> shift) & redemption_constant("MASK_64"),
        (word >> status_shift) & redemption_constant("MASK_8"),
    )


def claim_key(task_id: int, citizen_id: int) -> int:
    return (task_id << 32) | citizen_id


def is_task_id(task_id: int) -> bool:
    """Task ids run from 1 and fit 64 bits; the contract refuses any other (`_claim_key`)."""
    return 1 <= task_id <= K("MASK_64")


# -------------------------------------------------------------------- model
@dataclass
class Citizen:
    id: int
    wallet: str
    neighbourhood: int
    active: bool = True
    balance: int = 0
    year: int = 0
    month: int = 0
    earned_year: int = 0
    earned_month: int = 0
    reserved: int = 0
    open_claims: int = 0
    # The refund window: the id of the shop paid last with `pay`, and what was paid to it with
    # `pay` since, less its refunds.
    refund_shop: int = 0
    refund_amount: int = 0
    # Where the balance came from and went: the closed loop in numbers.
    approved_in: int = 0
    refunds_in: int = 0
    spent: int = 0

    def roll(self, year: int, month: int) -> None:
        """The contract's `_roll_period`: new counters when the year or month turned."""
        if (self.year, self.month) == (year, month):
            return
        if self.year != year:
            self.earned_year = 0
        self.earned_month = 0
        self.year, self.month = year, month

    def earned_in(self, year: int, month: int) -> tuple[int, int]:
        if (self.year, self.month) == (year, month):
            return self.earned_year, self.earned_month
        return (self.earned_year if self.year == year else 0), 0


@dataclass
class Merchant:
    id: int
    address: str
    active: bool = True
    balance: int = 0
    received: int = 0
    refunded: int = 0
    redeemed: int = 0


@dataclass
class Task:
    reward: int
    slots: int
    slots_open: int
    deadline: int
    duration: int
    neighbourhood: int
    status: int = TASK_OPEN


@dataclass
class Claim:
    status: int
    expires_at: int
    reward: int
    reason: int = 0
    appealed: bool = False
    rejected_by: str = ZERO_ADDRESS
    rejections: int = 0


@dataclass
class Request:
    merchant: str
    amount: int
    status: int = REQUEST_OPEN


@dataclass
class Model:
    caps: CapsWord
    citizens: list[Citizen]
    merchants: list[Merchant]
    granted: int
    tasks_before: int = 0
    supply: int = 0
    minted: int = 0
    burned: int = 0
    locked: int = 0
    available: int = 0
    paused: bool = False
    # The pause word: deadlines at or after `extended_from` run until RESUBMIT_WINDOW after
    # `resumed_at` (see `expired`).
    extended_from: int = 0
    resumed_at: int = 0
    tasks: dict[int, Task] = field(default_factory=dict)
    claims: dict[tuple[int, int], Claim] = field(default_factory=dict)
    requests: list[Request] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)
    allowances: dict[tuple[str, str], int] = field(default_factory=dict)
    # Per (citizen id, merchant id), ever: paid with `pay`, and refunded.
    paid_with_pay: dict[tuple[int, int], int] = field(default_factory=dict)
    refunded: dict[tuple[int, int], int] = field(default_factory=dict)

    # ------------------------------------------------------------ lookups
    def citizen_at(self, wallet: str) -> Citizen | None:
        return next((c for c in self.citizens if c.wallet == wallet), None)

    def citizen_by_id(self, citizen_id: int) -> Citizen:
        return next(c for c in self.citizens if c.id == citizen_id)

    def merchant_at(self, address: str) -> Merchant | None:
        return next((m for m in self.merchants if m.address == address), None)

    def registered(self, address: str) -> bool:
        """Whether the address has a non-zero account word (citizen, merchant or retired)."""
        return (
            self.citizen_at(address) is not None
            or self.merchant_at(address) is not None
            or address in self.retired
        )

    def balance_of(self, address: str) -> int:
        citizen, merchant = self.citizen_at(address), self.merchant_at(address)
        return citizen.balance if citizen else merchant.balance if merchant else 0

    def caps_in_force(self, year: int) -> CapsWord:
        return self.caps.in_force(year)

    @property
    def next_task_id(self) -> int:
        return self.tasks_before + len(self.tasks) + 1

    # ------------------------------------------------------------ transfers
    def loop_refusal(self, sender: str, receiver: str) -> str | None:
        """The contract's `_refuse`: why a flow other than citizen to active shop or merchant
        to citizen breaks the closed loop (None for those two)."""
        from_citizen, from_merchant = self.citizen_at(sender), self.merchant_at(sender)
        to_citizen, to_merchant = self.citizen_at(receiver), self.merchant_at(receiver)
        if from_citizen is not None and to_merchant is not None and to_merchant.active:
            return None
        if from_merchant is not None and to_citizen is not None:
            return None
        if from_merchant is not None:
            return MERCHANT_ONLY_REFUNDS
        if from_citizen is None:
            return NOT_A_HOLDER
        if to_citizen is not None:
            return C2C
        if to_merchant is not None:
            return SHOP_CLOSED
        return NOT_A_SHOP

    def refund_room(self, merchant: Merchant, citizen: Citizen) -> int | None:
        """What `merchant` may refund `citizen`: the window's amount if the window is this
        shop's; None if it is not (then not even nothing can be refunded)."""
        return citizen.refund_amount if citizen.refund_shop == merchant.id else None

    def transfer_refusal(self, sender: str, receiver: str, amount: int) -> str | None:
        """`transfer`: a payment (the hot path) or a refund within the window, else `_refuse`."""
        refusal = self.loop_refusal(sender, receiver)
        if refusal:
            return refusal
        if self.balance_of(sender) < amount:
            return "heitje: amount exceeds your balance"
        merchant, citizen = self.merchant_at(sender), self.citizen_at(receiver)
        if merchant is None or citizen is None:
            return None
        room = self.refund_room(merchant, citizen)
        return REFUND_TOO_MUCH if room is None or amount > room else None

    def apply_transfer(self, sender: str, receiver: str, amount: int) -> None:
        from_citizen, from_merchant = self.citizen_at(sender), self.merchant_at(sender)
        to_citizen, to_merchant = self.citizen_at(receiver), self.merchant_at(receiver)
        if from_citizen is not None and to_merchant is not None:
            from_citizen.balance -= amount
            from_citizen.spent += amount
            to_merchant.balance += amount
            to_merchant.received += amount
        elif from_merchant is not None and to_citizen is not None:
            assert amount <= (self.refund_room(from_merchant, to_citizen) or 0)
            from_merchant.balance -= amount
            from_merchant.refunded += amount
            to_citizen.balance += amount
            to_citizen.refunds_in += amount
            to_citizen.refund_amount -= amount
            pair = (to_citizen.id, from_merchant.id)
            self.refunded[pair] = self.refunded.get(pair, 0) + amount
        else:  # pragma: no cover - the model refuses every other flow first
            raise AssertionError("the closed loop let an impossible flow through")

    def pay_refusal(self, sender: str, receiver: str, amount: int) -> str | None:
        """`pay`: something, by a citizen, to an active shop, within the balance."""
        if amount == 0:
            return "heitje: amount is zero"
        from_citizen, to_merchant = self.citizen_at(sender), self.merchant_at(receiver)
        if from_citizen is None or to_merchant is None or not to_merchant.active:
            refusal = self.loop_refusal(sender, receiver)
            # A merchant paying a citizen is a refund to `transfer`; `pay` refuses it.
            return refusal or MERCHANT_ONLY_REFUNDS
        if from_citizen.balance < amount:
            return "heitje: amount exceeds your balance"
        return None

    def apply_pay(self, sender: str, receiver: str, amount: int) -> None:
        """A payment with `pay`: a new window when the shop differs, then the amount added."""
        citizen, merchant = self.citizen_at(sender), self.merchant_at(receiver)
        assert citizen is not None and merchant is not None
        if citizen.refund_shop != merchant.id:
            citizen.refund_shop, citizen.refund_amount = merchant.id, 0
        citizen.refund_amount += amount
        pair = (citizen.id, merchant.id)
        self.paid_with_pay[pair] = self.paid_with_pay.get(pair, 0) + amount
        self.apply_transfer(sender, receiver, amount)

    def transfer_from_refusal(
        self, owner: str, spender: str, receiver: str, amount: int
    ) -> str | None:
        allowed = self.allowances.get((owner, spender), 0)
        if allowed != 2**256 - 1 and allowed < amount:
            return "heitje: amount exceeds allowance"
        return self.transfer_refusal(owner, receiver, amount)

    def apply_transfer_from(self, owner: str, spender: str, receiver: str, amount: int) -> None:
        allowed = self.allowances.get((owner, spender), 0)
        if allowed != 2**256 - 1:
            self.allowances[(owner, spender)] = allowed - amount
        self.apply_transfer(owner, receiver, amount)

    # ---------------------------------------------------------------- tasks
    def commission_refusal(
        self,
        cid: str,
        reward: int,
        slots: int,
        deadline: int,
        duration: int,
        neighbourhood: int,
        now: int,
    ) -> str | None:
        if self.paused:
            return PAUSED
        in_range = (
            len(cid) > 0
            and 0 < reward <= K("MAX_REWARD")
            and 0 < slots <= K("MAX_SLOTS")
            and K("MIN_CLAIM_DURATION") <= duration <= K("MAX_CLAIM_DURATION")
            and 0 < neighbourhood <= K("MAX_NEIGHBOURHOOD")
        )
        if not in_range:
            return "tasks: terms out of range"
        if not now < deadline <= K("MASK_40"):
            return "tasks: deadline not in future"
        if self.available < reward * slots:
            return "budget: not enough budget"
        return None

    def apply_commission(
        self, reward: int, slots: int, deadline: int, duration: int, neighbourhood: int
    ) -> int:
        task_id = self.next_task_id
        self.tasks[task_id] = Task(reward, slots, slots, deadline, duration, neighbourhood)
        self.available -= reward * slots
        self.locked += reward * slots
        return task_id

    def end_task_refusal(self, task_id: int, close: bool, now: int) -> str | None:
        if self.paused:
            return PAUSED
        task = self.tasks.get(task_id)
        if task is None or task.status != TASK_OPEN:
            return "tasks: task not open"
        if close and not now > task.deadline:
            return "tasks: deadline not passed"
        return None

    def apply_end_task(self, task_id: int, close: bool) -> int:
        task = self.tasks[task_id]
        returned = task.reward * task.slots_open
        task.slots_open = 0
        task.status = TASK_CLOSED if close else TASK_CANCELLED
        self.locked -= returned
        self.available += returned
        return returned

    # --------------------------------------------------------------- claims
    def claim_refusal(self, wallet: str, task_id: int, now: int) -> str | None:
        if self.paused:
            return PAUSED
        citizen = self.citizen_at(wallet)
        if citizen is None or not citizen.active:
            return "tasks: not an active citizen"
        task = self.tasks.get(task_id)
        if task is None or task.status != TASK_OPEN:
            return "tasks: task not open"
        if now > task.deadline:
            return "tasks: deadline passed"
        if task.slots_open == 0:
            return "tasks: all slots taken"
        if (task_id, citizen.id) in self.claims:
            return "tasks: already claimed"
        year, month = amsterdam_period(now)
        earned_year, earned_month = citizen.earned_in(year, month)
        caps = self.caps_in_force(year)
        if citizen.open_claims >= caps.max_open_claims:
            return "cap: too many open claims"
        if earned_year + citizen.reserved + task.reward > caps.yearly:
            return "cap: yearly limit reached"
        if caps.monthly and earned_month + citizen.reserved + task.reward > caps.monthly:
            return "cap: monthly limit reached"
        if caps.next_from_year:
            if citizen.reserved + task.reward > caps.next_yearly:
                return "cap: yearly limit reached"
            if caps.next_monthly and citizen.reserved + task.reward > caps.next_monthly:
                return "cap: monthly limit reached"
        return None

    def apply_claim(self, wallet: str, task_id: int, now: int) -> None:
        citizen = self.citizen_at(wallet)
        assert citizen is not None
        task = self.tasks[task_id]
        citizen.roll(*amsterdam_period(now))
        citizen.reserved += task.reward
        citizen.open_claims += 1
        task.slots_open -= 1
        self.claims[(task_id, citizen.id)] = Claim(
            CLAIM["CLAIMED"], now + task.duration, task.reward
        )

    def claim_for(self, wallet: str, task_id: int) -> tuple[str | None, Claim | None]:
        """The contract's `_claim_for`: refused unless `wallet` is a citizen and `task_id` can
        be a task (`_claim_key`); the claim or None."""
        citizen = self.citizen_at(wallet)
        if citizen is None:
            return "tasks: not a citizen", None
        if not is_task_id(task_id):
            return NO_SUCH_TASK, None
        return None, self.claims.get((task_id, citizen.id))

    def expired(self, claim: Claim, now: int) -> bool:
        """The contract's `_expired`: a deadline at or after the start of the (merged) pause
        runs until RESUBMIT_WINDOW after the unpause."""
        if now <= claim.expires_at:
            return False
        if claim.expires_at < self.extended_from:
            return True
        return now > self.resumed_at + RESUBMIT_WINDOW

    def valid_until(self, claim: Claim) -> int:
        """The last second the claim is valid (for the clock the state machine moves)."""
        if claim.expires_at < self.extended_from:
            return claim.expires_at
        return max(claim.expires_at, self.resumed_at + RESUBMIT_WINDOW)

    def submit_refusal(self, wallet: str, task_id: int, evidence: str, now: int) -> str | None:
        if self.paused:
            return PAUSED
        if not evidence:
            return "tasks: empty evidence CID"
        refusal, claim = self.claim_for(wallet, task_id)
        if refusal:
            return refusal
        if claim is None or claim.status not in AWAITING_EVIDENCE:
            return "tasks: no open claim"
        if claim.rejections >= MAX_REJECTIONS:
            return LAST_TIME
        if self.expired(claim, now):
            return "tasks: claim expired"
        return None

    def apply_submit(self, wallet: str, task_id: int) -> None:
        self.claim_for(wallet, task_id)[1].status = CLAIM["SUBMITTED"]  # type: ignore[union-attr]

    def release_refusal(self, wallet: str, task_id: int, expire: bool, now: int) -> str | None:
        if self.paused:
            return PAUSED
        refusal, claim = self.claim_for(wallet, task_id)
        if refusal:
            return refusal
        if claim is None or claim.status not in AWAITING_EVIDENCE:
            return "tasks: no open claim"
        if expire and not self.expired(claim, now):
            return "tasks: claim still valid"
        return None

    def apply_release(self, wallet: str, task_id: int, status: int, now: int) -> int:
        """Frees the reservation; the slot goes back to the task or its reward to the budget."""
        citizen = self.citizen_at(wallet)
        assert citizen is not None
        claim = self.claims[(task_id, citizen.id)]
        citizen.reserved -= claim.reward
        citizen.open_claims -= 1
        claim.status = status
        task = self.tasks[task_id]
        if task.status == TASK_OPEN and now <= task.deadline:
            task.slots_open += 1
            return 0
        self.locked -= claim.reward
        self.available += claim.reward
        return claim.reward

    def appeal_refusal(self, wallet: str, task_id: int, now: int) -> str | None:
        if self.paused:
            return PAUSED
        refusal, claim = self.claim_for(wallet, task_id)
        if refusal:
            return refusal
        if claim is None or claim.status != CLAIM["REJECTED"] or claim.appealed:
            return "appeal: nothing to appeal"
        if self.expired(claim, now):
            return "tasks: claim expired"
        return None

    def apply_appeal(self, wallet: str, task_id: int) -> None:
        claim = self.claim_for(wallet, task_id)[1]
        assert claim is not None
        claim.status = CLAIM["APPEALED"]
        claim.appealed = True

    # --------------------------------------------------------------- review
    def approve_refusal(
        self, reviewer: str, wallet: str, task_id: int, paid_now: set | None = None
    ) -> str | None:
        """`_approve`'s checks; `paid_now` holds claims an earlier batch entry already paid."""
        if wallet == reviewer:
            return "review: own work"
        citizen = self.citizen_at(wallet)
        if citizen is None:
            return "review: not a citizen"
        if not is_task_id(task_id):
            return NO_SUCH_TASK
        claim = self.claims.get((task_id, citizen.id))
        if (
            claim is None
            or claim.status != CLAIM["SUBMITTED"]
            or (task_id, citizen.id) in (paid_now or set())
        ):
            return "review: nothing submitted"
        return None

    def batch_refusal(self, reviewer: str, items: list[tuple[int, str]]) -> str | None:
        if self.paused:
            return PAUSED
        paid_now: set[tuple[int, int]] = set()
        for task_id, wallet in items:
            refusal = self.approve_refusal(reviewer, wallet, task_id, paid_now)
            if refusal:
                return refusal
            citizen = self.citizen_at(wallet)
            assert citizen is not None
            paid_now.add((task_id, citizen.id))
        return None

    def apply_approve(self, wallet: str, task_id: int, now: int) -> int:
        citizen = self.citizen_at(wallet)
        assert citizen is not None
        claim = self.claims[(task_id, citizen.id)]
        reward = claim.reward
        citizen.roll(*amsterdam_period(now))
        citizen.balance += reward
        citizen.approved_in += reward
        citizen.earned_year += reward
        citizen.earned_month += reward
        citizen.reserved -= reward
        citizen.open_claims -= 1
        claim.status = CLAIM["PAID"]
        self.supply += reward
        self.minted += reward
        self.locked -= reward
        return reward

    def reject_refusal(self, reviewer: str, wallet: str, task_id: int, reason: int) -> str | None:
        if self.paused:
            return PAUSED
        if wallet == reviewer:
            return "review: own work"
        if not 0 < reason <= K("MASK_8"):
            return "review: reason out of range"
        refusal, claim = self.claim_for(wallet, task_id)
        if refusal:
            return refusal
        if claim is None or claim.status != CLAIM["SUBMITTED"]:
            return "review: nothing submitted"
        return None

    def apply_reject(self, reviewer: str, wallet: str, task_id: int, reason: int, now: int) -> None:
        claim = self.claim_for(wallet, task_id)[1]
        assert claim is not None
        claim.status = CLAIM["REJECTED"]
        claim.expires_at = max(claim.expires_at, now + RESUBMIT_WINDOW)
        claim.reason = reason
        claim.rejected_by = reviewer
        claim.rejections += 1

    def decide_refusal(
        self, reviewer: str, wallet: str, task_id: int, grant: bool, reason: int
    ) -> str | None:
        if self.paused:
            return PAUSED
        refusal, claim = self.claim_for(wallet, task_id)
        if refusal:
            return refusal
        if claim is None or claim.status != CLAIM["APPEALED"]:
            return "appeal: no appeal waiting"
        if claim.rejected_by == reviewer:
            return "appeal: needs another reviewer"
        if not grant and not 0 < reason <= K("MASK_8"):
            return "review: reason out of range"
        if grant and wallet == reviewer:
            return "review: own work"
        return None

    # ------------------------------------------------------------- registry
    def move_refusal(self, old: str, new: str) -> str | None:
        """No pause check: moving a citizen off a stolen phone is an emergency tool."""
        if self.citizen_at(old) is None:
            return "registry: not a citizen"
        if new == ZERO_ADDRESS or self.registered(new):
            return "registry: new wallet in use"
        return None

    def apply_move(self, old: str, new: str) -> None:
        citizen = self.citizen_at(old)
        assert citizen is not None
        citizen.wallet = new
        self.retired.append(old)

    def move_merchant_refusal(self, old: str, new: str) -> str | None:
        """No pause check: moving a shop off a lost key is an emergency tool."""
        if self.merchant_at(old) is None:
            return "registry: not a merchant"
        if new == ZERO_ADDRESS or self.registered(new):
            return "registry: new wallet in use"
        return None

    def apply_move_merchant(self, old: str, new: str) -> None:
        """The shop keeps its id (citizens' refund windows name it), balance and active state."""
        merchant = self.merchant_at(old)
        assert merchant is not None
        merchant.address = new
        self.retired.append(old)

    def set_active_refusal(self, address: str, active: bool) -> str | None:
        """No pause check: freezing an account is an emergency tool."""
        account = self.citizen_at(address) or self.merchant_at(address)
        if account is None:
            return "registry: not registered"
        if account.active == active:
            return "registry: already in that state"
        return None

    def apply_set_active(self, address: str, active: bool) -> None:
        account = self.citizen_at(address) or self.merchant_at(address)
        assert account is not None
        account.active = active

    # --------------------------------------------------------------- budget
    def grant_refusal(self, amount: int) -> str | None:
        if self.paused:
            return PAUSED
        if not (amount > 0 and self.granted + amount <= K("MAX_TOTAL_BUDGET")):
            return "budget: amount out of range"
        return None

    def withdraw_refusal(self, amount: int) -> str | None:
        if self.paused:
            return PAUSED
        if not (amount > 0 and self.available >= amount):
            return "budget: more than uncommitted"
        return None

    # ----------------------------------------------------------- redemption
    def redeem_refusal(self, address: str, amount: int) -> str | None:
        if amount == 0:
            return "redeem: amount is zero"
        if self.paused:
            return PAUSED
        merchant = self.merchant_at(address)
        if merchant is None:
            return "redeem: not a merchant"
        if merchant.balance < amount:
            return "redeem: amount exceeds balance"
        return None

    def apply_redeem(self, address: str, amount: int) -> int:
        merchant = self.merchant_at(address)
        assert merchant is not None
        merchant.balance -= amount
        merchant.redeemed += amount
        self.supply -= amount
        self.burned += amount
        self.requests.append(Request(address, amount))
        return len(self.requests)

    def mark_paid_refusal(self, ids: list[int], reference: str) -> str | None:
        if not reference:
            return "redeem: empty payment reference"
        seen: set[int] = set()
        for request_id in ids:
            if not (1 <= request_id <= len(self.requests)):
                return "redeem: request is not open"
            if self.requests[request_id - 1].status != REQUEST_OPEN or request_id in seen:
                return "redeem: request is not open"
            seen.add(request_id)
        return None

    # ---------------------------------------------------------------- admin
    def set_paused(self, paused: bool, now: int) -> None:
        """The contract's `set_paused`: a pause begun within the grace of the last unpause keeps
        the earlier start; an unpause records when."""
        self.paused = paused
        if paused and now > self.resumed_at + RESUBMIT_WINDOW:
            self.extended_from = now
        if not paused:
            self.resumed_at = now

    def lowers_caps(self, yearly: int, monthly: int, now: int) -> bool:
        """Whether caps would lower one in force (a monthly cap where none is in force too)."""
        in_force = self.caps_in_force(amsterdam_period(now)[0])
        return yearly < in_force.yearly or (
            monthly != 0 and (in_force.monthly == 0 or monthly < in_force.monthly)
        )

    def set_caps_refusal(self, yearly: int, monthly: int, from_year: int, now: int) -> str | None:
        """Lowering needs the contract paused in an earlier transaction: every call of the
        state machine is a transaction of its own (see conftest), so a pause always is (the
        same-transaction case, a multisig batch, is a unit test)."""
        year, _ = amsterdam_period(now)
        if not (0 < yearly <= K("MAX_CAP") and monthly <= yearly):
            return "cap: caps out of range"
        if from_year != year + 1:
            return "cap: only for next year"
        if self.lowers_caps(yearly, monthly, now) and not self.paused:
            return PAUSE_FIRST
        return None

    def apply_set_caps(self, yearly: int, monthly: int, from_year: int, now: int) -> None:
        year, _ = amsterdam_period(now)
        current = self.caps_in_force(year)
        self.caps = CapsWord(
            current.yearly, current.monthly, yearly, monthly, from_year, current.max_open_claims
        )
