"""Randomised sequences of every action, against a Python model, with the invariants checked
after every step (hypothesis.stateful).

Each step predicts from the model whether the contracts must accept the action or refuse it with
an exact reason, performs it, and compares. After every step the contracts' whole storage (every
account, task, claim and cash-out request ever written, read through titanoboa's storage view and
decoded with the bit layout parsed from Heitje.vy) must equal the model, and the invariants of
contracts/README.md must hold on the chain's own numbers.

Two machines: the default caps (yearly only), and a deployment with a monthly cap. Bounds for
rewards, slots, caps and amounts come from the contracts' constants. Settings: 100 examples of up
to 50 steps each, derandomized and without an example database, so every run (and CI) explores
the same sequences; WESH_MACHINE_EXAMPLES=n changes the number of examples for a local deep run.

The runs reach every rule of the review fixes: payments with `pay` to different shops and
refunds within and beyond each citizen's refund window (a shop refunding someone who paid another
shop, or paid it by plain transfer); task ids outside 64 bits (the claim-key alias); rejections up
to the final one and the claim's expiry after it; pauses during which the clock runs past claim
deadlines (which then get the grace after the unpause), pauses begun within an earlier one's
grace, the registry's emergency tools while paused; caps for next year raised and lowered, with
and without a pause. After every step, besides the storage comparison: a refund never exceeded
what that citizen paid that shop with `pay` and had not had back; no claim outlives a final
rejection (never submitted again, and expirable once its window passed, unless appealed); a
payment (`pay`) was only ever made by a citizen, and for more than nothing.

One thing the contract cannot enforce is left to the admin and kept out of the random runs:
scheduling a cap below what a citizen has already reserved (the claim was checked against the
caps known when it was made; paid after New Year it would take the citizen past the lower cap).
The contract makes the admin pause for that check (in an earlier transaction); `set_caps` here
lifts such a cap above the largest reservation before calling the contract, as that check would.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

import boa
import pytest
from contracts_model import (
    AWAITING_EVIDENCE,
    CLAIM,
    LAST_TIME,
    LIVE,
    MAX_REJECTIONS,
    PAUSED,
    REQUEST_PAID,
    TASK_OPEN,
    ZERO_ADDRESS,
    AccountWord,
    CapsWord,
    Citizen,
    ClaimWord,
    LedgerWord,
    Merchant,
    Model,
    PauseWord,
    TaskWord,
    claim_key,
    request_word,
)
from contracts_support import (
    AMSTERDAM,
    DAY,
    EVIDENCE_CID,
    MERCHANT_CID,
    ROLE,
    TASK_CID,
    ZERO_FORWARDER,
    amsterdam_period,
    heitje_constant,
)
from eth_abi import decode as abi_decode
from eth_utils import keccak
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

MAX_REWARD = heitje_constant("MAX_REWARD")
MAX_SLOTS = heitje_constant("MAX_SLOTS")
MAX_OPEN_CLAIMS = heitje_constant("MAX_OPEN_CLAIMS")
MAX_CAP = heitje_constant("MAX_CAP")
MAX_TOTAL_BUDGET = heitje_constant("MAX_TOTAL_BUDGET")
MIN_CLAIM_DURATION = heitje_constant("MIN_CLAIM_DURATION")
MAX_CLAIM_DURATION = heitje_constant("MAX_CLAIM_DURATION")
RESUBMIT_WINDOW = heitje_constant("RESUBMIT_WINDOW")
DEFAULT_YEARLY_CAP = heitje_constant("DEFAULT_YEARLY_CAP")
DEFAULT_MONTHLY_CAP = heitje_constant("DEFAULT_MONTHLY_CAP")
MASK_8 = heitje_constant("MASK_8")
MASK_64 = heitje_constant("MASK_64")
MAX_UINT256 = 2**256 - 1
# Added to a task id, this reaches the same claim key (task id << 32 wraps at 2**256).
ALIAS = 2 ** (256 - 32)
ERROR_SELECTOR = keccak(b"Error(string)")[:4]

CITIZENS = 4
MERCHANTS = 2
SPARE_WALLETS = 12
# The budget each run starts with: forty maximal rewards.
START_BUDGET = 40 * MAX_REWARD

MACHINE_SETTINGS = settings(
    max_examples=int(os.environ.get("WESH_MACHINE_EXAMPLES", "100")),
    stateful_step_count=50,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# ---------------------------------------------------------------- strategies
# Mostly valid terms; the last branch of each reaches the bounds and just past them.
# (Hypothesis favours small integers, so a third of the rewards are large fractions of
# MAX_REWARD: those run citizens into their caps.)
rewards = st.one_of(
    st.sampled_from([MAX_REWARD // parts for parts in (1, 2, 3, 4, 6, 10, 20, 50)]),
    st.integers(min_value=1, max_value=MAX_REWARD),
    st.integers(min_value=0, max_value=MAX_REWARD + 1),
)
slot_counts = st.one_of(
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=1, max_value=4),
    st.integers(min_value=0, max_value=MAX_SLOTS + 1),
)
durations = st.one_of(
    st.sampled_from([30 * DAY, 7 * DAY, DAY, MAX_CLAIM_DURATION, MIN_CLAIM_DURATION]),
    st.integers(min_value=MIN_CLAIM_DURATION - 1, max_value=MAX_CLAIM_DURATION + 1),
)
deadline_offsets = st.sampled_from([400 * DAY, 45 * DAY, 400 * DAY, 7 * DAY, DAY, 3_600, 1, 0])
picks = st.integers(min_value=0, max_value=255)
# 0-5: a target in the right state; 6-8: one in the wrong state; 9: one that does not exist
# (task_id() and claim() read 6-8 their own way, see there).
modes = st.integers(min_value=0, max_value=9)
reasons = st.integers(min_value=0, max_value=MASK_8 + 1)
amount_modes = st.integers(min_value=0, max_value=9)
raw_amounts = st.integers(min_value=1, max_value=MAX_REWARD)
# Caps: any, at the bounds, or just around the caps in force (raising and lowering them).
caps_values = st.one_of(
    st.integers(min_value=1, max_value=MAX_CAP),
    st.sampled_from([0, 1, MAX_REWARD // 2, DEFAULT_YEARLY_CAP, MAX_CAP, MAX_CAP + 1]),
    st.sampled_from(["in force", "in force + 1", "in force - 1"]),
)
MONTHLY_CAPS = [
    "none",
    "quarter",
    "equal",
    "above",
    "in force",
    "in force + 1",
    "in force - 1",
]
# 0: the task id plus ALIAS (the same claim's key); 1: task id 0; 2: the first id beyond 64 bits;
# otherwise the task id itself.
aliasings = st.integers(min_value=0, max_value=24)
TRAVELS = [
    "day",
    "hour",
    "deadline",
    "week",
    "deadline",
    "month start",
    "new year",
    "grace end",
]
# How long a pause lasts: no time, an hour, to around the next claim deadline (which then falls
# in the pause), or more than the resubmit window.
PAUSE_LENGTHS = ["none", "hour", "past a deadline", "past a claim's deadline", "eight days"]
# After an unpause: nothing; a claim whose deadline fell in the pause resubmitted or appealed, or
# expired around the end of the grace; a second pause within the grace (the earlier start is
# kept) or just after it (a fresh start).
AFTER_PAUSE = [
    "nothing",
    "use the grace",
    "use the grace",
    "pause within the grace",
    "pause after the grace",
]


def aliased(task_id: int, aliasing: int) -> int:
    """The task id a call uses: see `aliasings`."""
    return {0: task_id + ALIAS, 1: 0, 2: MASK_64 + 1}.get(aliasing, task_id)


def revert_reason(output: bytes) -> str:
    """The reason string of an `Error(string)` revert, or a description of other revert data."""
    if output[:4] == ERROR_SELECTOR:
        (reason,) = abi_decode(["string"], output[4:])
        return str(reason)
    return f"<revert data 0x{output.hex()}>"


def next_month_start(timestamp: int) -> int:
    year, month = amsterdam_period(timestamp)
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return int(dt.datetime(year, month, 1, tzinfo=AMSTERDAM).timestamp())


def next_new_year(timestamp: int) -> int:
    year, _ = amsterdam_period(timestamp)
    return int(dt.datetime(year + 1, 1, 1, tzinfo=AMSTERDAM).timestamp())


@dataclass(frozen=True)
class World:
    """One deployment for a machine; every hypothesis example starts from it (boa anchors)."""

    heitje: Any
    redemption: Any
    people: Any
    citizens: list[str]
    merchants: list[str]
    spare: list[str]
    yearly_cap: int
    monthly_cap: int


def build_world(heitje_deployer, redemption_deployer, people, yearly: int, monthly: int) -> World:
    heitje = heitje_deployer.deploy(people.admin, yearly, monthly, ZERO_FORWARDER)
    redemption = redemption_deployer.deploy(heitje.address)
    with boa.env.prank(people.admin):
        heitje.set_redemption(redemption.address)
        for account, role in people.role_holders().values():
            heitje.grant_role(account, role)
    citizens = [str(boa.env.generate_address()) for _ in range(CITIZENS)]
    merchants = [str(boa.env.generate_address()) for _ in range(MERCHANTS)]
    spare = [str(boa.env.generate_address()) for _ in range(SPARE_WALLETS)]
    with boa.env.prank(people.registrar):
        heitje.register_citizens(citizens, list(range(1, CITIZENS + 1)))
    with boa.env.prank(people.merchant_manager):
        for shop in merchants:
            heitje.register_merchant(shop, MERCHANT_CID)
    with boa.env.prank(people.treasurer):
        heitje.grant_budget(START_BUDGET)
    return World(heitje, redemption, people, citizens, merchants, spare, yearly, monthly)


class WeshMachine(RuleBasedStateMachine):
    """Every action of WESH in random order, against `Model`."""

    world: World

    def __init__(self) -> None:
        super().__init__()
        self._anchor = boa.env.anchor()
        self._anchor.__enter__()
        w = self.world
        self.heitje, self.redemption, self.people = w.heitje, w.redemption, w.people
        caps = CapsWord.decode(self.heitje._storage._caps.get())
        self.model = Model(
            caps=caps,
            citizens=[
                Citizen(id=i + 1, wallet=wallet, neighbourhood=i + 1)
                for i, wallet in enumerate(w.citizens)
            ],
            merchants=[Merchant(id=i + 1, address=shop) for i, shop in enumerate(w.merchants)],
            granted=START_BUDGET,
            available=START_BUDGET,
        )
        self.spare = list(w.spare)
        self.spender = str(self.people.outsider)
        self.reviewers = [str(self.people.reviewer), str(self.people.second_reviewer)]
        # Every payment made with `pay`: (whether the contract took the payer for a citizen,
        # the amount), from the call's own events.
        self.payments: list[tuple[bool, int]] = []

    def teardown(self) -> None:
        self._anchor.__exit__(None, None, None)

    # ------------------------------------------------------------- helpers
    @staticmethod
    def now() -> int:
        return int(boa.env.evm.patch.timestamp)

    def call(self, expected: str | None, sender: Any, function: Any, *args: Any) -> Any:
        """Calls `function` as `sender`; it must succeed when `expected` is None, else revert
        with exactly `expected`. (The call goes straight to the EVM: titanoboa's rich error
        report would cost more than the rest of a step.)"""
        contract = function.contract
        computation = boa.env.execute_code(
            to_address=contract.address,
            sender=sender,
            data=function.prepare_calldata(*args),
        )
        name = function.func_t.name
        if computation.is_error:
            reason = revert_reason(computation.output)
            assert expected is not None, f"{name}{args} refused unexpectedly: {reason!r}"
            assert reason == expected, f"{name}{args}: expected {expected!r}, got {reason!r}"
            return None
        assert expected is None, f"{name}{args} succeeded but should refuse with {expected!r}"
        return contract.marshal_to_python(computation, function.func_t.return_type)

    def wallet(self, who: int) -> str:
        """0..7: a citizen's current wallet; 8: a retired wallet (or the outsider); 9: a shop."""
        if who < 8:
            return self.model.citizens[who % CITIZENS].wallet
        if who == 8:
            return self.model.retired[-1] if self.model.retired else self.spender
        return self.model.merchants[0].address

    def task_id(self, pick: int, mode: int = 0) -> int:
        """mode < 8: a task that takes claims now (if any); 8: any known task; 9: none."""
        now = self.now()
        if mode < 8:
            open_now = sorted(
                task_id
                for task_id, task in self.model.tasks.items()
                if task.status == TASK_OPEN and now <= task.deadline and task.slots_open
            )
            if open_now:
                return open_now[pick % len(open_now)]
        known = sorted(self.model.tasks)
        if mode <= 8 and known:
            return known[pick % len(known)]
        return self.model.next_task_id + pick % 3

    def target_claim(self, pick: int, mode: int, statuses: set[int]) -> tuple[int, str]:
        """(task id, citizen wallet) of a claim in one of `statuses` when mode < 6; of a claim in
        any other status for 6-8 (refused for its state); for 9, a task and someone with no
        such claim, or a non-citizen."""
        claims = sorted(self.model.claims.items())
        if mode < 9:
            fitting = [key for key, claim in claims if (claim.status in statuses) == (mode < 6)]
            if fitting:
                task_id, citizen_id = fitting[pick % len(fitting)]
                return task_id, self.model.citizen_by_id(citizen_id).wallet
            if claims:
                task_id, citizen_id = claims[pick % len(claims)][0]
                return task_id, self.model.citizen_by_id(citizen_id).wallet
        return self.task_id(pick, 8), self.wallet(pick % 10)

    def has_claims(self, statuses: set[int]) -> bool:
        return any(claim.status in statuses for claim in self.model.claims.values())

    @staticmethod
    def amount(mode: int, raw: int, balance: int) -> int:
        """0-6: part of the balance; 7: all of it; 8: nothing; 9: one cent too much."""
        if mode <= 6:
            return min(raw, balance)
        return {7: balance, 8: 0, 9: balance + 1}[mode]

    # ---------------------------------------------------------------- tasks
    @initialize(
        reward=st.integers(min_value=1, max_value=MAX_REWARD // 10),
        slots=st.integers(min_value=2, max_value=4),
    )
    def first_task(self, reward: int, slots: int) -> None:
        """Every run starts with one task open for claims."""
        self.commission(reward, slots, 60 * DAY, 30 * DAY, empty_cid=1)

    @initialize(
        reward=st.integers(min_value=1, max_value=MAX_REWARD // 10),
        spend=st.lists(
            st.integers(min_value=0, max_value=100), min_size=CITIZENS, max_size=CITIZENS
        ),
    )
    def first_earnings(self, reward: int, spend: list[int]) -> None:
        """Every run starts with money in circulation: each citizen did one task and paid part
        of the reward (a percentage from `spend`) at a shop. All through the checked paths."""
        self.commission(reward, CITIZENS, 60 * DAY, 30 * DAY, empty_cid=1)
        task_id = max(self.model.tasks)
        now = self.now()
        for citizen in self.model.citizens:
            self.call(None, citizen.wallet, self.heitje.claim, task_id)
            self.model.apply_claim(citizen.wallet, task_id, now)
            self.call(None, citizen.wallet, self.heitje.submit, task_id, EVIDENCE_CID)
            self.model.apply_submit(citizen.wallet, task_id)
        wallets = [citizen.wallet for citizen in self.model.citizens]
        self.call(
            None, self.reviewers[0], self.heitje.approve_submissions, [task_id] * CITIZENS, wallets
        )
        for wallet in wallets:
            self.model.apply_approve(wallet, task_id, now)
        for i, (wallet, percent) in enumerate(zip(wallets, spend, strict=True)):
            shop = self.model.merchants[i % MERCHANTS].address
            amount = reward * percent // 100
            if amount:
                self.call(None, wallet, self.heitje.pay, shop, amount, b"\x01" * 32)
                self.model.apply_pay(wallet, shop, amount)
            else:
                self.call(None, wallet, self.heitje.transfer, shop, amount)
                self.model.apply_transfer(wallet, shop, amount)

    @rule(
        reward=rewards,
        slots=slot_counts,
        deadline_offset=deadline_offsets,
        duration=durations,
        empty_cid=st.integers(min_value=0, max_value=19),
    )
    def commission(
        self, reward: int, slots: int, deadline_offset: int, duration: int, empty_cid: int
    ) -> None:
        cid = "" if empty_cid == 0 else TASK_CID
        now = self.now()
        deadline = now + deadline_offset
        expected = self.model.commission_refusal(cid, reward, slots, deadline, duration, 1, now)
        task_id = self.call(
            expected,
            self.people.task_manager,
            self.heitje.commission_task,
            cid,
            reward,
            slots,
            deadline,
            duration,
            1,
        )
        if expected is None:
            assert task_id == self.model.apply_commission(reward, slots, deadline, duration, 1)

    @rule(pick=picks, mode=modes, close=st.booleans())
    def end_task(self, pick: int, mode: int, close: bool) -> None:
        """The task manager cancels a task, or anyone closes one after its deadline."""
        task_id = self.task_id(pick, 8 if mode < 8 else 9)
        expected = self.model.end_task_refusal(task_id, close, self.now())
        if close:
            self.call(expected, self.people.outsider, self.heitje.close_task, task_id)
        else:
            self.call(expected, self.people.task_manager, self.heitje.cancel_task, task_id)
        if expected is None:
            returned = self.model.apply_end_task(task_id, close)
            assert self.heitje.get_logs()[-1].returned == returned

    # --------------------------------------------------------------- claims
    @rule(who=st.integers(min_value=0, max_value=9), pick=picks, mode=modes)
    def claim(self, who: int, pick: int, mode: int) -> None:
        """A citizen claims a slot: mostly one the model says may be claimed (mode < 6); at the
        edge of the citizen's caps (6: exactly the room left, 7-8: a cent more, commissioned
        for the purpose); sometimes any task by anyone (9)."""
        wallet, task_id = self.wallet(who), self.task_id(pick, mode)
        now = self.now()
        if mode < 6:
            candidates = [
                (task_id, citizen.wallet)
                for task_id in sorted(self.model.tasks)
                for citizen in self.model.citizens
                if self.model.claim_refusal(citizen.wallet, task_id, now) is None
            ]
            if candidates:
                task_id, wallet = candidates[pick % len(candidates)]
        elif mode < 9:
            edge = self.cap_edge_task(pick, over=mode > 6)
            if edge is not None:
                task_id, wallet = edge
        expected = self.model.claim_refusal(wallet, task_id, now)
        self.call(expected, wallet, self.heitje.claim, task_id)
        if expected is None:
            self.model.apply_claim(wallet, task_id, now)

    def cap_edge_task(self, pick: int, over: bool) -> tuple[int, str] | None:
        """Commissions a one-slot task whose reward is exactly the room a citizen has left under
        every cap in force and scheduled (or a cent more, `over`); returns (task, wallet)."""
        now = self.now()
        citizens = [c for c in self.model.citizens if c.active]
        if not citizens:
            return None
        citizen = citizens[pick % len(citizens)]
        year, month = amsterdam_period(now)
        earned_year, earned_month = citizen.earned_in(year, month)
        caps = self.model.caps_in_force(year)
        rooms = [caps.yearly - earned_year - citizen.reserved]
        if caps.monthly:
            rooms.append(caps.monthly - earned_month - citizen.reserved)
        if caps.next_from_year:
            rooms.append(caps.next_yearly - citizen.reserved)
            if caps.next_monthly:
                rooms.append(caps.next_monthly - citizen.reserved)
        reward = min(rooms) + over
        if not 0 < reward <= MAX_REWARD or self.model.paused:
            return None
        if self.model.commission_refusal(TASK_CID, reward, 1, now + 45 * DAY, DAY, 1, now):
            return None
        self.commission(reward, 1, 45 * DAY, DAY, empty_cid=1)
        return max(self.model.tasks), citizen.wallet

    @precondition(lambda self: self.has_claims(AWAITING_EVIDENCE))
    @rule(pick=picks, mode=modes, empty=st.integers(min_value=0, max_value=19), aliasing=aliasings)
    def submit(self, pick: int, mode: int, empty: int, aliasing: int) -> None:
        task_id, wallet = self.target_claim(pick, mode, AWAITING_EVIDENCE)
        task_id = aliased(task_id, aliasing)
        evidence = "" if empty == 0 else EVIDENCE_CID
        expected = self.model.submit_refusal(wallet, task_id, evidence, self.now())
        self.call(expected, wallet, self.heitje.submit, task_id, evidence)
        if expected is None:
            self.model.apply_submit(wallet, task_id)

    @precondition(lambda self: self.has_claims(AWAITING_EVIDENCE))
    @rule(pick=picks, mode=modes, expire=st.booleans(), aliasing=aliasings)
    def release(self, pick: int, mode: int, expire: bool, aliasing: int) -> None:
        """The citizen abandons a claim, or anyone expires one that ran out."""
        task_id, wallet = self.target_claim(pick, mode, AWAITING_EVIDENCE)
        task_id = aliased(task_id, aliasing)
        now = self.now()
        expected = self.model.release_refusal(wallet, task_id, expire, now)
        if expire:
            self.call(expected, self.people.outsider, self.heitje.expire_claim, task_id, wallet)
        else:
            self.call(expected, wallet, self.heitje.abandon, task_id)
        if expected is None:
            status = CLAIM["EXPIRED"] if expire else CLAIM["ABANDONED"]
            returned = self.model.apply_release(wallet, task_id, status, now)
            assert self.heitje.get_logs()[-1].returned_to_budget == returned

    # --------------------------------------------------------------- review
    @precondition(lambda self: self.has_claims({CLAIM["SUBMITTED"]}))
    @rule(
        pick=picks,
        mode=modes,
        reject=st.integers(min_value=0, max_value=2),
        reason=reasons,
        second=st.booleans(),
        aliasing=aliasings,
    )
    def review(
        self, pick: int, mode: int, reject: int, reason: int, second: bool, aliasing: int
    ) -> None:
        """A reviewer approves submitted work, or (a third of the time) rejects it."""
        task_id, wallet = self.target_claim(pick, mode, {CLAIM["SUBMITTED"]})
        task_id = aliased(task_id, aliasing)
        reviewer = self.reviewers[second]
        now = self.now()
        if reject == 0:
            expected = self.model.reject_refusal(reviewer, wallet, task_id, reason)
            self.call(expected, reviewer, self.heitje.reject_submission, task_id, wallet, reason)
            if expected is None:
                self.model.apply_reject(reviewer, wallet, task_id, reason, now)
            return
        expected = self.model.batch_refusal(reviewer, [(task_id, wallet)])
        self.call(expected, reviewer, self.heitje.approve_submission, task_id, wallet)
        if expected is None:
            self.model.apply_approve(wallet, task_id, now)

    @precondition(lambda self: self.has_claims({CLAIM["SUBMITTED"]}))
    @rule(items=st.lists(st.tuples(picks, modes), min_size=0, max_size=4), second=st.booleans())
    def batch_approve(self, items: list[tuple[int, int]], second: bool) -> None:
        batch = [self.target_claim(pick, mode, {CLAIM["SUBMITTED"]}) for pick, mode in items]
        reviewer = self.reviewers[second]
        expected = self.model.batch_refusal(reviewer, batch)
        self.call(
            expected,
            reviewer,
            self.heitje.approve_submissions,
            [task_id for task_id, _ in batch],
            [wallet for _, wallet in batch],
        )
        if expected is None:
            for task_id, wallet in batch:
                self.model.apply_approve(wallet, task_id, self.now())

    @precondition(lambda self: self.has_claims({CLAIM["REJECTED"], CLAIM["APPEALED"]}))
    @rule(
        pick=picks,
        mode=modes,
        decide=st.booleans(),
        grant=st.booleans(),
        reason=reasons,
        second=st.booleans(),
        aliasing=aliasings,
    )
    def appeal_path(
        self,
        pick: int,
        mode: int,
        decide: bool,
        grant: bool,
        reason: int,
        second: bool,
        aliasing: int,
    ) -> None:
        """A citizen appeals a rejection, or a reviewer decides an appeal."""
        now = self.now()
        if not self.has_claims({CLAIM["APPEALED"]}):
            decide = mode == 9
        elif not self.has_claims({CLAIM["REJECTED"]}):
            decide = mode != 9
        if not decide:
            task_id, wallet = self.target_claim(pick, mode, {CLAIM["REJECTED"]})
            task_id = aliased(task_id, aliasing)
            expected = self.model.appeal_refusal(wallet, task_id, now)
            self.call(expected, wallet, self.heitje.appeal, task_id)
            if expected is None:
                self.model.apply_appeal(wallet, task_id)
            return
        task_id, wallet = self.target_claim(pick, mode, {CLAIM["APPEALED"]})
        task_id = aliased(task_id, aliasing)
        reviewer = self.reviewers[second]
        expected = self.model.decide_refusal(reviewer, wallet, task_id, grant, reason)
        self.call(expected, reviewer, self.heitje.decide_appeal, task_id, wallet, grant, reason)
        if expected is None:
            if grant:
                self.model.apply_approve(wallet, task_id, now)
            else:
                self.model.apply_release(wallet, task_id, CLAIM["DENIED"], now)

    @precondition(lambda self: self.has_claims({CLAIM["SUBMITTED"], CLAIM["REJECTED"]}))
    @rule(
        pick=picks,
        wait=st.booleans(),
        rounds=st.integers(1, MAX_REJECTIONS + 1),
        then=st.sampled_from(["leave it", "expire it", "appeal"]),
    )
    def junk_until_final(self, pick: int, wait: bool, rounds: int, then: str = "") -> None:
        """Work under review or rejected: the reviewer rejects it and the citizen resubmits
        junk, round after round (with `wait`, each resubmission at the last valid second). The
        MAX_REJECTIONS-th rejection is final, and a resubmission after it is refused. Then the
        claim is left, or expired by anyone a second after its window, or appealed."""
        keys = sorted(
            key
            for key, claim in self.model.claims.items()
            if claim.status in {CLAIM["SUBMITTED"], CLAIM["REJECTED"]}
        )
        if not keys:
            return
        task_id, citizen_id = keys[pick % len(keys)]
        wallet = self.model.citizen_by_id(citizen_id).wallet
        reviewer = self.reviewers[pick % 2]
        for _ in range(rounds):
            claim = self.model.claims[(task_id, citizen_id)]
            if claim.status != CLAIM["SUBMITTED"]:
                if wait and not self.model.expired(claim, self.now()):
                    boa.env.evm.patch.timestamp = max(self.now(), self.model.valid_until(claim))
                expected = self.model.submit_refusal(wallet, task_id, EVIDENCE_CID, self.now())
                self.call(expected, wallet, self.heitje.submit, task_id, EVIDENCE_CID)
                if expected is not None:
                    return
                self.model.apply_submit(wallet, task_id)
            reason = 1 + pick % MASK_8
            expected = self.model.reject_refusal(reviewer, wallet, task_id, reason)
            self.call(expected, reviewer, self.heitje.reject_submission, task_id, wallet, reason)
            if expected is not None:
                return
            self.model.apply_reject(reviewer, wallet, task_id, reason, self.now())
        claim = self.model.claims[(task_id, citizen_id)]
        if then == "expire it":
            self.set_clock(self.model.valid_until(claim) + 1)
            expected = self.model.release_refusal(wallet, task_id, True, self.now())
            self.call(expected, self.people.outsider, self.heitje.expire_claim, task_id, wallet)
            if expected is None:
                self.model.apply_release(wallet, task_id, CLAIM["EXPIRED"], self.now())
        elif then == "appeal":
            expected = self.model.appeal_refusal(wallet, task_id, self.now())
            self.call(expected, wallet, self.heitje.appeal, task_id)
            if expected is None:
                self.model.apply_appeal(wallet, task_id)

    # ----------------------------------------------------------------- time
    @rule(travel=st.sampled_from(TRAVELS), nudge=st.integers(min_value=-2, max_value=2))
    def travel(self, travel: str, nudge: int) -> None:
        """Moves the clock forward: a little, to the second around the next deadline or the end
        of a claim's validity (a grace after a pause included), to around the end of the last
        pause's grace, or to just around a month start or New Year (Amsterdam time)."""
        self.set_clock(self.travel_target(travel, nudge))
        self.check_views()

    def travel_target(self, travel: str, nudge: int) -> int:
        now, model = self.now(), self.model
        moments = sorted(
            {t.deadline for t in model.tasks.values() if t.deadline > now}
            | {c.expires_at for c in model.claims.values() if c.expires_at > now}
            | {
                model.valid_until(c)
                for c in model.claims.values()
                if c.status in AWAITING_EVIDENCE and model.valid_until(c) > now
            }
        )
        grace_end = model.resumed_at + RESUBMIT_WINDOW
        return {
            "hour": now + 3_600 + nudge,
            "day": now + DAY + nudge,
            "week": now + 7 * DAY + nudge,
            "month start": next_month_start(now) + nudge,
            "new year": next_new_year(now) + nudge,
            # To the second around the next claim deadline or claim expiry.
            "deadline": (moments[0] if moments else now + DAY) + nudge // 2,
            "grace end": (grace_end if grace_end > now else now + DAY) + nudge // 2,
        }[travel]

    def set_clock(self, target: int) -> None:
        """Moves the clock to `target`, or a second on if that is not later."""
        boa.env.evm.patch.timestamp = max(target, self.now() + 1)

    # ---------------------------------------------------------------- money
    @rule(
        flow=st.sampled_from(["pay", "pay", "refund", "refund", "stray"]),
        sender=st.integers(min_value=0, max_value=11),
        receiver=st.integers(min_value=0, max_value=11),
        amount_mode=amount_modes,
        raw=raw_amounts,
        how=st.sampled_from(["transfer", "pay", "pay", "transferFrom"]),
    )
    def money(
        self, flow: str, sender: int, receiver: int, amount_mode: int, raw: int, how: str
    ) -> None:
        """A citizen pays a shop (with `pay`, which opens the shop's refund window, or by plain
        transfer, which does not), a shop refunds a citizen (mostly one whose window is this
        shop's, by as much as it allows, a cent more, or anyone), or any other flow is tried
        (citizen to citizen included); by transfer, `pay` with a reference, or through an
        allowance. A shop's `pay` is tried too, and refused."""
        shops, citizens = self.model.merchants, self.model.citizens
        if flow == "pay":
            source, target = citizens[sender % CITIZENS].wallet, shops[receiver % MERCHANTS].address
        elif flow == "refund":
            shop = shops[sender % MERCHANTS]
            source = shop.address
            windows = [c for c in citizens if c.refund_shop == shop.id and c.refund_amount]
            if windows and receiver < 8:
                target = windows[receiver % len(windows)].wallet
            else:
                target = citizens[receiver % CITIZENS].wallet
            if how == "pay" and raw % 4:
                how = "transfer"
        else:
            source = self.wallet(sender % 10)
            target = (
                self.wallet(receiver)
                if receiver < 10
                else ZERO_ADDRESS
                if receiver == 10
                else shops[1].address
            )
        amount = self.amount(amount_mode, raw, self.room(source, target))
        if how == "transferFrom":
            allowance = self.model.allowances.get((source, self.spender), 0)
            if allowance < amount and amount % 2:
                # Half the time, first give the spender room (sometimes unlimited).
                allowance = MAX_UINT256 if amount % 4 == 1 else amount
                self.call(None, source, self.heitje.approve, self.spender, allowance)
                self.model.allowances[(source, self.spender)] = allowance
            expected = self.model.transfer_from_refusal(source, self.spender, target, amount)
            self.call(expected, self.spender, self.heitje.transferFrom, source, target, amount)
            if expected is None:
                self.model.apply_transfer_from(source, self.spender, target, amount)
                self.check_transfer_from_events(source, allowance)
            return
        if how == "pay":
            expected = self.model.pay_refusal(source, target, amount)
            reference = amount.to_bytes(32, "big")
            self.call(expected, source, self.heitje.pay, target, amount, reference)
            if expected is None:
                self.model.apply_pay(source, target, amount)
                self.record_payment(target, reference)
            return
        expected = self.model.transfer_refusal(source, target, amount)
        self.call(expected, source, self.heitje.transfer, target, amount)
        if expected is None:
            self.model.apply_transfer(source, target, amount)

    def room(self, source: str, target: str) -> int:
        """What `source` can move to `target`: its balance, and for a refund no more than the
        citizen's window with this shop."""
        balance = self.model.balance_of(source)
        merchant, citizen = self.model.merchant_at(source), self.model.citizen_at(target)
        if merchant is None or citizen is None:
            return balance
        return min(balance, self.model.refund_room(merchant, citizen) or 0)

    def record_payment(self, merchant: str, reference: bytes) -> None:
        """A payment's events: its Transfer (payer, shop, amount), then Payment (shop,
        reference). Records whether the contract holds the payer for a citizen, and the amount."""
        logs = self.heitje.get_logs()
        assert [type(log).__name__ for log in logs] == ["Transfer", "Payment"]
        transfer, payment = logs
        assert (str(transfer.receiver), str(payment.merchant)) == (merchant, merchant)
        assert payment.reference == reference
        payer = self.heitje.account(transfer.sender)
        self.payments.append((bool(payer.is_citizen), int(transfer.value)))

    def check_transfer_from_events(self, owner: str, allowance: int) -> None:
        """`transferFrom` logs the allowance left (Approval) before its Transfer, unless the
        allowance is unlimited."""
        names = [type(log).__name__ for log in self.heitje.get_logs()]
        if allowance == MAX_UINT256:
            assert names == ["Transfer"]
            return
        assert names == ["Approval", "Transfer"]
        approval = self.heitje.get_logs()[0]
        assert (str(approval.owner), str(approval.spender)) == (owner, self.spender)
        assert approval.value == self.model.allowances[(owner, self.spender)]

    @precondition(lambda self: any(m.balance for m in self.model.merchants) or self.model.requests)
    @rule(action=st.sampled_from(["redeem", "redeem", "mark paid"]), data=st.data())
    def cash_out(self, action: str, data: st.DataObject) -> None:
        """A merchant cashes in (or a citizen or the outsider tries to), or the treasurer marks
        requests paid."""
        if action == "redeem":
            who = data.draw(st.integers(min_value=0, max_value=5), label="who")
            if who < 4:
                actor = self.model.merchants[who % MERCHANTS].address
            else:
                actor = self.model.citizens[0].wallet if who == 4 else self.spender
            amount_mode = data.draw(amount_modes, label="amount_mode")
            raw = data.draw(raw_amounts, label="raw")
            self.redeem(actor, self.amount(amount_mode, raw, self.model.balance_of(actor)))
            return
        ids = data.draw(st.lists(picks, min_size=0, max_size=3), label="ids")
        empty_reference = data.draw(st.integers(min_value=0, max_value=9), label="no reference")
        self.mark_paid(ids, empty_reference == 0)

    def redeem(self, actor: str, amount: int) -> None:
        expected = self.model.redeem_refusal(actor, amount)
        request_id = self.call(expected, actor, self.redemption.redeem, amount)
        if expected is None:
            assert request_id == self.model.apply_redeem(actor, amount)
            self.check_views()

    def mark_paid(self, ids: list[int], empty_reference: bool) -> None:
        count = len(self.model.requests)
        chosen = [pick % (count + 2) for pick in ids]
        reference = "" if empty_reference else "SEPA-E2E-REF"
        expected = self.model.mark_paid_refusal(chosen, reference)
        self.call(expected, self.people.treasurer, self.redemption.mark_paid, chosen, reference)
        if expected is None:
            for request_id in chosen:
                self.model.requests[request_id - 1].status = REQUEST_PAID

    # ------------------------------------------------------------------ city
    @rule(
        action=st.sampled_from(
            [
                "grant budget",
                "withdraw budget",
                "move citizen",
                "move merchant",
                "citizen active",
                "merchant active",
                "caps",
                "caps",
                "caps at next year's edge",
                "open claims",
                "pause",
            ]
        ),
        data=st.data(),
    )
    def city(self, action: str, data: st.DataObject) -> None:
        """What the city does: budget (treasurer), the registry (registrar, merchant manager),
        caps, the open-claims limit and the emergency stop (admin)."""
        people = st.integers(min_value=0, max_value=9)
        if action in ("grant budget", "withdraw budget"):
            amount = data.draw(
                st.one_of(
                    st.integers(min_value=1, max_value=10 * MAX_REWARD),
                    st.sampled_from(["available", "available + 1", 0, MAX_TOTAL_BUDGET]),
                ),
                label="amount",
            )
            self.budget(action == "withdraw budget", amount)
        elif action == "move citizen":
            self.move_citizen(data.draw(people, label="who"), data.draw(people, label="to"))
        elif action == "move merchant":
            self.move_merchant(data.draw(people, label="who"), data.draw(people, label="to"))
        elif action in ("citizen active", "merchant active"):
            who = data.draw(people, label="who")
            self.set_active(action == "citizen active", who, data.draw(st.booleans()))
        elif action == "caps":
            self.set_caps(
                data.draw(caps_values, label="yearly"),
                data.draw(st.sampled_from(MONTHLY_CAPS), label="monthly"),
                data.draw(st.sampled_from([1, 1, 2, 0, -1]), label="years ahead"),
                data.draw(st.booleans(), label="pause first"),
            )
        elif action == "caps at next year's edge":
            # Next year's caps equal to or a cent above those in force (raising needs no pause;
            # a monthly cap where none is in force is a lowering), with or without a pause.
            self.set_caps(
                data.draw(st.sampled_from(["in force", "in force + 1"]), label="yearly"),
                data.draw(st.sampled_from(["none", "in force", "in force + 1"]), label="monthly"),
                1,
                data.draw(st.booleans(), label="pause first"),
            )
        elif action == "open claims":
            limit = data.draw(
                st.one_of(
                    st.integers(min_value=1, max_value=MAX_OPEN_CLAIMS),
                    st.sampled_from([0, MAX_OPEN_CLAIMS + 1]),
                ),
                label="limit",
            )
            self.set_max_open_claims(limit)
        else:
            who, other = data.draw(people, label="who"), data.draw(people, label="other")
            self.pause_episode(
                who,
                other,
                data.draw(raw_amounts, label="amount"),
                data.draw(st.sampled_from(PAUSE_LENGTHS), label="length"),
                data.draw(st.sampled_from(AFTER_PAUSE), label="after"),
                data.draw(st.integers(min_value=0, max_value=3), label="caps while paused"),
                data.draw(caps_values, label="yearly"),
            )

    def budget(self, withdraw: bool, amount: Any) -> None:
        if amount == "available":
            amount = self.model.available
        elif amount == "available + 1":
            amount = self.model.available + 1
        if withdraw:
            expected = self.model.withdraw_refusal(amount)
            self.call(expected, self.people.treasurer, self.heitje.withdraw_budget, amount)
            if expected is None:
                self.model.available -= amount
                self.model.granted -= amount
            return
        expected = self.model.grant_refusal(amount)
        self.call(expected, self.people.treasurer, self.heitje.grant_budget, amount)
        if expected is None:
            self.model.available += amount
            self.model.granted += amount

    def move_citizen(self, who: int, destination: int) -> None:
        """The registrar moves a citizen to a new wallet (or to one in use, or moves a
        non-citizen)."""
        old = self.wallet(who)
        if destination < 7 and self.spare:
            new = self.spare[0]
        elif destination == 7:
            new = self.model.citizens[(who + 1) % CITIZENS].wallet
        elif destination == 8:
            new = self.model.retired[-1] if self.model.retired else ZERO_ADDRESS
        else:
            new = self.model.merchants[0].address
        expected = self.model.move_refusal(old, new)
        self.call(expected, self.people.registrar, self.heitje.move_citizen, old, new)
        if expected is None:
            self.model.apply_move(old, new)
            self.spare.remove(new)

    def move_merchant(self, who: int, destination: int) -> None:
        """The merchant manager moves a shop to a new wallet (or to one in use, or moves a
        citizen or a retired wallet). Supply and the city's liability stay as they were."""
        # 0..7: a shop's current wallet; 8: a citizen; 9: a retired wallet (or the outsider).
        if who < 8:
            old = self.model.merchants[who % MERCHANTS].address
        else:
            old = self.wallet(0 if who == 8 else 8)
        if destination < 6 and self.spare:
            new = self.spare[0]
        elif destination in (6, 7):
            new = self.model.merchants[(who + 1) % MERCHANTS].address
        elif destination == 8:
            new = self.model.retired[-1] if self.model.retired else ZERO_ADDRESS
        else:
            new = self.model.citizens[destination % CITIZENS].wallet
        expected = self.model.move_merchant_refusal(old, new)
        supply = self.heitje.totalSupply()
        requested = self.redemption.total_requested()
        self.call(expected, self.people.merchant_manager, self.heitje.move_merchant, old, new)
        assert (self.heitje.totalSupply(), self.redemption.total_requested()) == (
            supply,
            requested,
        )
        if expected is None:
            self.model.apply_move_merchant(old, new)
            self.spare.remove(new)

    def set_active(self, citizen: bool, who: int, active: bool) -> None:
        """The registrar (de)activates a citizen, the merchant manager a shop."""
        if citizen:
            account = self.wallet(who)
            merchant = self.model.merchant_at(account) is not None
            actor = self.people.merchant_manager if merchant else self.people.registrar
        else:
            account = self.model.merchants[who % MERCHANTS].address
            actor = self.people.merchant_manager
        expected = self.model.set_active_refusal(account, active)
        self.call(expected, actor, self.heitje.set_active, account, active)
        if expected is None:
            self.model.apply_set_active(account, active)

    def set_paused(self, paused: bool) -> None:
        expected = None if paused != self.model.paused else "heitje: already in that state"
        self.call(expected, self.people.admin, self.heitje.set_paused, paused)
        if expected is None:
            self.model.set_paused(paused, self.now())

    def pause_episode(
        self,
        who: int,
        other: int,
        amount: Any,
        length: str,
        after: str,
        caps_while_paused: int,
        yearly: int | str,
    ) -> None:
        """The admin pauses; while paused the clock may run (past claim deadlines, which then
        get the grace after the unpause), one citizen, reviewer, treasurer, shop or registry
        action is tried (refused unless it is a payment, a refund, a settlement or an emergency
        tool: set_active, move_citizen, move_merchant), the admin may lower caps (a block after
        the pause); then the admin unpauses, and sometimes pauses again within the grace of
        this pause or just after it. A pause inside one step keeps the rest of the run doing
        business."""
        self.set_paused(True)
        self.set_paused(True)  # already paused: refused
        self.pass_paused_time(length, who % 5 - 2)
        raw = amount
        tries = [
            lambda: self.claim(who, other, 0),
            lambda: self.submit(other, 0, 1, 9),
            lambda: self.review(other, 0, 1, 1, who % 2 == 1, 9),
            lambda: self.release(other, 0, who % 2 == 1, 9),
            lambda: self.money("pay", who, other, 0, raw, "pay"),
            lambda: self.money("refund", who, other, 0, raw, "transferFrom"),
            lambda: self.redeem(self.model.merchants[who % MERCHANTS].address, raw),
            lambda: self.mark_paid([other], False),
            lambda: self.commission(raw % MAX_REWARD + 1, 1, DAY, DAY, 1),
            lambda: self.budget(who % 2 == 1, raw),
            lambda: self.move_citizen(who, other),
            lambda: self.move_merchant(who, other),
            lambda: self.set_active(who % 2 == 0, who, other % 2 == 0),
            lambda: self.junk_until_final(other, False, 1),
        ]
        tries[(who * 10 + other) % len(tries)]()
        if caps_while_paused == 0:
            self.set_caps(yearly, MONTHLY_CAPS[other % len(MONTHLY_CAPS)], 1, False)
        self.set_paused(False)
        self.set_paused(False)  # already running: refused
        if after == "use the grace":
            self.use_the_grace(who, other % 5 - 2)
        elif after == "pause within the grace":
            self.set_clock(self.now() + (who + 1) * RESUBMIT_WINDOW // 10)
        elif after == "pause after the grace":
            self.set_clock(self.model.resumed_at + RESUBMIT_WINDOW + 1)
        if after.startswith("pause"):
            self.set_paused(True)
            self.pass_paused_time(length, other % 5 - 2)
            self.set_paused(False)
        self.check_views()

    def use_the_grace(self, who: int, nudge: int) -> None:
        """Right after an unpause, acts on a claim whose deadline passed but fell at or after
        the start of the pause: the citizen resubmits (or appeals, if rejected), or anyone
        expires it, at once or around the end of the grace."""
        now, model = self.now(), self.model
        in_grace = sorted(
            key
            for key, claim in model.claims.items()
            if claim.status in AWAITING_EVIDENCE and model.extended_from <= claim.expires_at < now
        )
        if not in_grace:
            return
        task_id, citizen_id = in_grace[who % len(in_grace)]
        wallet, claim = model.citizen_by_id(citizen_id).wallet, model.claims[in_grace[0]]
        claim = model.claims[(task_id, citizen_id)]
        if who % 3 == 0:
            expected = model.submit_refusal(wallet, task_id, EVIDENCE_CID, now)
            self.call(expected, wallet, self.heitje.submit, task_id, EVIDENCE_CID)
            if expected is None:
                model.apply_submit(wallet, task_id)
            return
        if who % 3 == 1 and claim.status == CLAIM["REJECTED"]:
            expected = model.appeal_refusal(wallet, task_id, now)
            self.call(expected, wallet, self.heitje.appeal, task_id)
            if expected is None:
                model.apply_appeal(wallet, task_id)
            return
        if who % 2:
            self.set_clock(model.resumed_at + RESUBMIT_WINDOW + nudge)
        expected = model.release_refusal(wallet, task_id, True, self.now())
        self.call(expected, self.people.outsider, self.heitje.expire_claim, task_id, wallet)
        if expected is None:
            model.apply_release(wallet, task_id, CLAIM["EXPIRED"], self.now())

    def pass_paused_time(self, length: str, nudge: int) -> None:
        """Lets time pass while paused: see PAUSE_LENGTHS."""
        if length == "hour":
            self.set_clock(self.now() + 3_600)
        elif length == "past a deadline":
            self.set_clock(self.travel_target("deadline", nudge))
        elif length == "past a claim's deadline":
            now = self.now()
            waiting = [
                c.expires_at
                for c in self.model.claims.values()
                if c.status in AWAITING_EVIDENCE and c.expires_at >= now
            ]
            self.set_clock(min(waiting, default=now) + 1 + abs(nudge) * 3_600)
        elif length == "eight days":
            self.set_clock(self.now() + RESUBMIT_WINDOW + DAY + nudge)

    def set_max_open_claims(self, limit: int) -> None:
        expected = None if 0 < limit <= MAX_OPEN_CLAIMS else "cap: open-claims limit range"
        self.call(expected, self.people.admin, self.heitje.set_max_open_claims, limit)
        if expected is None:
            caps = self.model.caps
            self.model.caps = CapsWord(
                caps.yearly,
                caps.monthly,
                caps.next_yearly,
                caps.next_monthly,
                caps.next_from_year,
                limit,
            )

    def set_caps(
        self, yearly: int | str, monthly: str, years_ahead: int, pause_first: bool
    ) -> None:
        """The admin schedules caps: for next year (or a refused other year), raising or
        lowering the caps in force; lowering only goes through while paused (in an earlier
        transaction: here in the same block), so with `pause_first` the admin pauses for it and
        unpauses after."""
        paused_here = pause_first and not self.model.paused
        if paused_here:
            self.set_paused(True)
        now = self.now()
        in_force = self.model.caps_in_force(amsterdam_period(now)[0])
        if isinstance(yearly, str):
            yearly = in_force.yearly + {"in force": 0, "in force + 1": 1}.get(yearly, -1)
        monthly_cap = {
            "none": 0,
            "quarter": yearly // 4,
            "equal": yearly,
            "above": yearly + 1,
            "in force": in_force.monthly,
            "in force + 1": in_force.monthly + 1,
            "in force - 1": max(in_force.monthly - 1, 0),
        }[monthly]
        from_year = amsterdam_period(now)[0] + years_ahead
        if self.model.set_caps_refusal(yearly, monthly_cap, from_year, now) is None:
            # The admin's duty, checked while paused (the contract cannot check it): a lower cap
            # must still cover what citizens have already reserved, or those claims, paid after
            # New Year, would take them past it. See the suite's report.
            # So a cap drawn below the largest reservation is lifted above it (by the drawn
            # amount, to keep variety).
            reserved = max(c.reserved for c in self.model.citizens)
            if yearly < reserved:
                yearly = min(MAX_CAP, reserved + yearly)
            if monthly_cap and monthly_cap < reserved:
                monthly_cap = min(yearly, reserved + monthly_cap)
        expected = self.model.set_caps_refusal(yearly, monthly_cap, from_year, now)
        self.call(expected, self.people.admin, self.heitje.set_caps, yearly, monthly_cap, from_year)
        if expected is None:
            self.model.apply_set_caps(yearly, monthly_cap, from_year, now)
            self.check_views()
        if paused_here:
            self.set_paused(False)

    def check_views(self) -> None:
        """The views the city's dashboard reads: period, caps in force and the ledger totals."""
        heitje, model, now = self.heitje, self.model, self.now()
        year, month = (int(x) for x in heitje.period())
        assert (year, month) == amsterdam_period(now)
        caps, expected = heitje.caps(), model.caps_in_force(year)
        assert (caps.yearly, caps.monthly, caps.max_open_claims) == (
            expected.yearly,
            expected.monthly,
            expected.max_open_claims,
        )
        assert (caps.next_yearly, caps.next_monthly, caps.next_from_year) == (
            expected.next_yearly,
            expected.next_monthly,
            expected.next_from_year,
        )
        ledger = heitje.ledger()
        assert ledger.total_minted - ledger.total_burned == ledger.total_supply == model.supply
        assert ledger.total_burned == model.burned == self.redemption.total_requested()
        assert (ledger.escrow_locked, ledger.budget_available, ledger.budget_granted) == (
            model.locked,
            model.available,
            model.granted,
        )
        assert ledger.paused == model.paused
        for citizen in model.citizens:
            account = heitje.account(citizen.wallet)
            earned_year, earned_month = citizen.earned_in(year, month)
            assert (account.earned_year, account.earned_month, account.reserved) == (
                earned_year,
                earned_month,
                citizen.reserved,
            )

    # ------------------------------------------------------------ invariants
    @invariant()
    def storage_matches_the_model_and_the_invariants_hold(self) -> None:
        self.check_everything()

    def check_final_rejections(self) -> None:
        """No claim outlives a final rejection: no claim is rejected more than MAX_REJECTIONS
        times or submitted after the last; a finally rejected claim (not appealed) refuses a
        resubmission, and anyone can expire it exactly once its window (and any grace) passed.
        The two calls are tried and rolled back."""
        for (task_id, citizen_id), claim in sorted(self.model.claims.items()):
            assert claim.rejections <= MAX_REJECTIONS
            if claim.rejections < MAX_REJECTIONS:
                continue
            assert claim.status != CLAIM["SUBMITTED"]
            if claim.status != CLAIM["REJECTED"]:
                continue
            wallet = self.model.citizen_by_id(citizen_id).wallet
            expire: str | None = PAUSED
            resubmit = PAUSED
            if not self.model.paused:
                expired = self.model.expired(claim, self.now())
                expire, resubmit = None if expired else "tasks: claim still valid", LAST_TIME
            with boa.env.anchor():
                self.call(resubmit, wallet, self.heitje.submit, task_id, EVIDENCE_CID)
                self.call(expire, self.people.outsider, self.heitje.expire_claim, task_id, wallet)

    def check_everything(self) -> None:
        heitje, model, now = self.heitje, self.model, self.now()
        storage = heitje._storage
        accounts = {k: v for k, v in storage._accounts.get().items() if v}
        tasks = {k: TaskWord.decode(v) for k, v in storage._tasks.get().items() if v}
        claims = {k: ClaimWord.decode(v) for k, v in storage._claims.get().items() if v}
        ledger = LedgerWord.decode(storage._ledger.get())
        granted = storage._budget_granted.get()
        caps_word = CapsWord.decode(storage._caps.get())
        pause_word = PauseWord.decode(storage._pause.get())
        # The contract's own period is compared with zoneinfo whenever the clock moves (`travel`)
        # and through the period every claim and approval writes into an account word.
        year, month = amsterdam_period(now)

        # Σ balances == totalSupply: over every account word in storage, not just known actors.
        words = {address: AccountWord.decode(word) for address, word in accounts.items()}
        total_supply = heitje.totalSupply()
        assert sum(w.balance for w in words.values()) == ledger.supply == total_supply
        assert total_supply == model.supply

        # minted - burned == outstanding, and every burn is a cash-out request.
        total_requested = self.redemption._storage.total_requested.get()
        assert ledger.minted == model.minted
        assert ledger.minted - ledger.supply == model.burned == total_requested

        # granted == available + locked + minted, and committed never exceeds granted.
        assert granted == model.granted == ledger.available + ledger.locked + ledger.minted
        assert ledger.locked + ledger.minted <= granted
        assert (ledger.available, ledger.locked, ledger.paused) == (
            model.available,
            model.locked,
            model.paused,
        )

        # Escrow covers exactly the open slots and the live claims (chain numbers only).
        open_slots = sum(t.reward * t.slots_open for t in tasks.values() if t.status == TASK_OPEN)
        live_claims = sum(c.reward for c in claims.values() if c.status in LIVE)
        assert ledger.locked == open_slots + live_claims

        # Caps: the raw word is the model's; `check_views` compares the view when it can change.
        assert caps_word == model.caps
        in_force = caps_word.in_force(year)

        # The pause word: where deadlines are extended from, and the last unpause.
        assert pause_word == PauseWord(model.extended_from, model.resumed_at)

        # Accounts: exactly the citizens, retired wallets and shops, each as the model says.
        expected_accounts = (
            {c.wallet for c in model.citizens}
            | set(model.retired)
            | {m.address for m in model.merchants}
        )
        assert set(words) == expected_accounts
        for retired in model.retired:
            assert accounts[retired] == heitje_constant("MOVED_FLAG")
        for citizen in model.citizens:
            word = words[citizen.wallet]
            assert (word.citizen, word.merchant, word.moved, word.payable) == (
                True,
                False,
                False,
                False,
            )
            assert (word.id, word.active, word.neighbourhood) == (
                citizen.id,
                citizen.active,
                citizen.neighbourhood,
            )
            assert (word.balance, word.reserved, word.open_claims) == (
                citizen.balance,
                citizen.reserved,
                citizen.open_claims,
            )
            assert (word.year, word.month, word.earned_year, word.earned_month) == (
                citizen.year,
                citizen.month,
                citizen.earned_year,
                citizen.earned_month,
            )
            # The cap: earned + reserved <= cap, this year and this month.
            earned_year, earned_month = word.earned_in(year, month)
            assert earned_year + word.reserved <= in_force.yearly
            if in_force.monthly:
                assert earned_month + word.reserved <= in_force.monthly
            # The reservation and the open-claims count are exactly the live claims'.
            mine = [
                c for k, c in claims.items() if k & 0xFFFFFFFF == citizen.id and c.status in LIVE
            ]
            assert word.reserved == sum(c.reward for c in mine)
            assert word.open_claims == len(mine)
            # The closed loop: a citizen's money comes only from approved work and refunds.
            assert word.balance == citizen.approved_in + citizen.refunds_in - citizen.spent
            # The refund window: the shop paid last with `pay`, and what is left to refund.
            assert (word.refund_shop, word.refund_amount) == (
                citizen.refund_shop,
                citizen.refund_amount,
            )
        # A refund never exceeded what that citizen paid that shop with `pay` and had not had
        # back: per pair, ever, and the open window is at most what was paid there.
        for pair, refunded in model.refunded.items():
            assert refunded <= model.paid_with_pay.get(pair, 0)
        for citizen in model.citizens:
            if citizen.refund_shop:
                pair = (citizen.id, citizen.refund_shop)
                paid, refunded = model.paid_with_pay.get(pair, 0), model.refunded.get(pair, 0)
                assert citizen.refund_amount <= paid - refunded
        # A payment (`pay`) is only ever a citizen's, and for more than nothing.
        assert all(by_citizen and amount > 0 for by_citizen, amount in self.payments)
        for merchant in model.merchants:
            word = words[merchant.address]
            assert (word.refund_shop, word.refund_amount) == (0, 0)
            assert (word.merchant, word.citizen, word.id) == (True, False, merchant.id)
            assert (word.active, word.payable) == (merchant.active, merchant.active)
            assert word.balance == merchant.balance
            # A shop cashes in at most what it was paid and did not refund.
            assert merchant.redeemed <= merchant.received - merchant.refunded
            assert word.balance == merchant.received - merchant.refunded - merchant.redeemed

        # Tasks and claims: exactly the model's.
        assert tasks == {
            task_id: TaskWord(
                t.reward, t.slots, t.slots_open, t.deadline, t.duration, t.neighbourhood, t.status
            )
            for task_id, t in model.tasks.items()
        }
        assert claims == {
            claim_key(task_id, citizen_id): ClaimWord(
                c.status,
                c.expires_at,
                c.reward,
                c.reason,
                c.appealed,
                int(c.rejected_by, 16),
                c.rejections,
            )
            for (task_id, citizen_id), c in model.claims.items()
        }
        self.check_final_rejections()

        # Redemption: every request as the model says; totals add up.
        rstorage = self.redemption._storage
        requests = {k: request_word(v) for k, v in rstorage._requests.get().items() if v}
        assert requests == {
            i + 1: (int(r.merchant, 16), r.amount, r.status) for i, r in enumerate(model.requests)
        }
        assert rstorage.request_count.get() == len(model.requests)
        assert total_requested == sum(r.amount for r in model.requests)
        assert rstorage.total_paid.get() == sum(
            r.amount for r in model.requests if r.status == REQUEST_PAID
        )
        assert rstorage.total_paid.get() <= rstorage.total_requested.get()


@pytest.fixture(scope="module")
def default_caps_world(heitje_deployer, redemption_deployer, people, start_clock) -> World:
    return build_world(
        heitje_deployer, redemption_deployer, people, DEFAULT_YEARLY_CAP, DEFAULT_MONTHLY_CAP
    )


@pytest.fixture(scope="module")
def monthly_cap_world(heitje_deployer, redemption_deployer, people, start_clock) -> World:
    # A monthly cap a sixth of the yearly one: rewards up to MAX_REWARD run into both.
    return build_world(
        heitje_deployer,
        redemption_deployer,
        people,
        DEFAULT_YEARLY_CAP,
        DEFAULT_YEARLY_CAP // 6,
    )


def machine_for(world: World) -> type[WeshMachine]:
    return type("Machine", (WeshMachine,), {"world": world})


def test_random_sequences_keep_every_invariant_with_the_default_caps(default_caps_world):
    run_state_machine_as_test(machine_for(default_caps_world), settings=MACHINE_SETTINGS)


def test_random_sequences_keep_every_invariant_with_a_monthly_cap(monthly_cap_world):
    run_state_machine_as_test(machine_for(monthly_cap_world), settings=MACHINE_SETTINGS)


def test_the_machine_roles_are_the_wired_roles(default_caps_world):
    heitje, people = default_caps_world.heitje, default_caps_world.people
    assert heitje.roles_of(people.reviewer) == ROLE["REVIEWER"]
    assert heitje.roles_of(people.outsider) == 0
    assert heitje.ledger().budget_granted == START_BUDGET
