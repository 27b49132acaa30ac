"""Rule 4, the claim lifecycle: claim, submit, resubmit, expire, abandon, where a freed slot's
money goes, and the task ids a claim can be addressed by."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boa
import pytest
from contracts_support import (
    BUDGET,
    CLAIM_DURATION,
    DAY,
    EVIDENCE_CID,
    HEITJE_SOURCE,
    event_names,
    heitje_constant,
    only_event,
    prefixed_constants,
)

CLAIM = prefixed_constants(HEITJE_SOURCE, "CLAIM_")
RELEASE = prefixed_constants(HEITJE_SOURCE, "RELEASE_")
DEFAULT_MAX_OPEN_CLAIMS = heitje_constant("DEFAULT_MAX_OPEN_CLAIMS")
MAX_OPEN_CLAIMS = heitje_constant("MAX_OPEN_CLAIMS")
RESUBMIT_WINDOW = heitje_constant("RESUBMIT_WINDOW")
MASK_64 = heitje_constant("MASK_64")
NO_SUCH_TASK = "tasks: no such task"


# ------------------------------------------------------------------- claim
def test_claim_reserves_the_reward_against_the_cap(heitje, flow, citizen):
    task_id = flow.commission(reward=900)
    flow.claim(task_id, citizen)
    account = heitje.account(citizen)
    assert (account.reserved, account.open_claims, account.balance) == (900, 1, 0)


def test_claim_takes_a_slot_and_records_the_claim(heitje, flow, citizen):
    task_id = flow.commission(reward=900, slots=3)
    claimed_at = flow.now()
    with boa.env.prank(citizen):
        heitje.claim(task_id)
    event = only_event(heitje, "TaskClaimed")
    citizen_id = flow.citizen_id(citizen)
    assert (event.task_id, event.citizen_id, event.citizen, event.reward) == (
        task_id,
        citizen_id,
        citizen,
        900,
    )
    assert event.expires_at == claimed_at + CLAIM_DURATION
    assert heitje.task(task_id).slots_open == 2
    claim = heitje.claim_of(task_id, citizen_id)
    assert (claim.status, claim.expires_at, claim.reward) == (
        CLAIM["CLAIMED"],
        claimed_at + CLAIM_DURATION,
        900,
    )


def test_claim_does_not_move_money(heitje, flow, citizen):
    task_id = flow.commission(reward=900, slots=3)
    before = heitje.ledger()
    flow.claim(task_id, citizen)
    assert heitje.ledger() == before


def test_one_claim_per_citizen_per_task(heitje, flow, citizen):
    task_id = flow.claimed(citizen)
    with boa.env.prank(citizen), boa.reverts("tasks: already claimed"):
        heitje.claim(task_id)


def test_a_released_claim_cannot_be_claimed_again_by_the_same_citizen(heitje, flow, citizen):
    task_id = flow.claimed(citizen)
    flow.abandon(task_id, citizen)
    with boa.env.prank(citizen), boa.reverts("tasks: already claimed"):
        heitje.claim(task_id)


def test_claim_refused_when_all_slots_are_taken(heitje, flow, citizen, other_citizen):
    task_id = flow.commission(slots=1)
    flow.claim(task_id, citizen)
    with boa.env.prank(other_citizen), boa.reverts("tasks: all slots taken"):
        heitje.claim(task_id)


def test_claim_at_the_deadline_is_accepted(heitje, flow, citizen):
    task_id = flow.commission()
    flow.set_time(heitje.task(task_id).claim_deadline)
    flow.claim(task_id, citizen)
    assert heitje.account(citizen).open_claims == 1


def test_claim_after_the_deadline_is_refused(heitje, flow, citizen):
    task_id = flow.commission()
    flow.set_time(heitje.task(task_id).claim_deadline + 1)
    with boa.env.prank(citizen), boa.reverts("tasks: deadline passed"):
        heitje.claim(task_id)


def test_claim_of_an_unknown_task_is_refused(heitje, citizen):
    with boa.env.prank(citizen), boa.reverts("tasks: task not open"):
        heitje.claim(12345)


@pytest.mark.parametrize("who", ["outsider", "merchant"])
def test_only_citizens_can_claim(heitje, flow, people, who):
    task_id = flow.commission()
    with boa.env.prank(getattr(people, who)), boa.reverts("tasks: not an active citizen"):
        heitje.claim(task_id)


def test_open_claims_limit_refuses_one_claim_too_many(heitje, flow, citizen):
    for _ in range(DEFAULT_MAX_OPEN_CLAIMS):
        flow.claimed(citizen, reward=100)
    task_id = flow.commission(reward=100)
    with boa.env.prank(citizen), boa.reverts("cap: too many open claims"):
        heitje.claim(task_id)


def test_finished_claims_do_not_count_as_open(heitje, flow, citizen):
    for _ in range(DEFAULT_MAX_OPEN_CLAIMS):
        flow.earn(citizen, 100)
    flow.claimed(citizen, reward=100)
    assert heitje.account(citizen).open_claims == 1


def test_submitted_claims_still_count_as_open(heitje, flow, citizen):
    for _ in range(DEFAULT_MAX_OPEN_CLAIMS):
        flow.submitted(citizen, reward=100)
    task_id = flow.commission(reward=100)
    with boa.env.prank(citizen), boa.reverts("cap: too many open claims"):
        heitje.claim(task_id)


def test_set_max_open_claims_raises_the_limit_and_emits(heitje, flow, admin, citizen):
    with boa.env.prank(admin):
        heitje.set_max_open_claims(DEFAULT_MAX_OPEN_CLAIMS + 1)
    event = only_event(heitje, "MaxOpenClaimsChanged")
    assert (event.max_open_claims, event.admin) == (DEFAULT_MAX_OPEN_CLAIMS + 1, admin)
    assert heitje.caps().max_open_claims == DEFAULT_MAX_OPEN_CLAIMS + 1
    for _ in range(DEFAULT_MAX_OPEN_CLAIMS + 1):
        flow.claimed(citizen, reward=100)
    assert heitje.account(citizen).open_claims == DEFAULT_MAX_OPEN_CLAIMS + 1


def test_set_max_open_claims_accepts_the_maximum(heitje, admin):
    with boa.env.prank(admin):
        heitje.set_max_open_claims(MAX_OPEN_CLAIMS)
    assert heitje.caps().max_open_claims == MAX_OPEN_CLAIMS


@pytest.mark.parametrize("limit", [0, MAX_OPEN_CLAIMS + 1])
def test_set_max_open_claims_refuses_out_of_range(heitje, admin, limit):
    with boa.env.prank(admin), boa.reverts("cap: open-claims limit range"):
        heitje.set_max_open_claims(limit)


def test_lowered_open_claims_limit_refuses_new_claims_but_keeps_old(heitje, flow, admin, citizen):
    first = flow.claimed(citizen, reward=100)
    flow.claimed(citizen, reward=100)
    with boa.env.prank(admin):
        heitje.set_max_open_claims(1)
    task_id = flow.commission(reward=100)
    with boa.env.prank(citizen), boa.reverts("cap: too many open claims"):
        heitje.claim(task_id)
    flow.submit(first, citizen)
    flow.approve(first, citizen)
    assert heitje.account(citizen).open_claims == 1


# ------------------------------------------------------------------ submit
def test_submit_records_the_evidence_and_emits(heitje, flow, citizen):
    task_id = flow.claimed(citizen)
    with boa.env.prank(citizen):
        heitje.submit(task_id, EVIDENCE_CID)
    event = only_event(heitje, "EvidenceSubmitted")
    assert (event.task_id, event.citizen_id, event.citizen, event.evidence_cid) == (
        task_id,
        flow.citizen_id(citizen),
        citizen,
        EVIDENCE_CID,
    )
    assert flow.claim_of(task_id, citizen).status == CLAIM["SUBMITTED"]


def test_submit_refuses_an_empty_cid(heitje, flow, citizen):
    task_id = flow.claimed(citizen)
    with boa.env.prank(citizen), boa.reverts("tasks: empty evidence CID"):
        heitje.submit(task_id, "")


def test_submit_without_a_claim_is_refused(heitje, flow, citizen):
    task_id = flow.commission()
    with boa.env.prank(citizen), boa.reverts("tasks: no open claim"):
        heitje.submit(task_id, EVIDENCE_CID)


def test_submit_twice_is_refused(heitje, flow, citizen):
    task_id = flow.submitted(citizen)
    with boa.env.prank(citizen), boa.reverts("tasks: no open claim"):
        heitje.submit(task_id, EVIDENCE_CID)


def test_submit_by_a_non_citizen_is_refused(heitje, flow, outsider):
    task_id = flow.commission()
    with boa.env.prank(outsider), boa.reverts("tasks: not a citizen"):
        heitje.submit(task_id, EVIDENCE_CID)


def test_submit_at_the_expiry_moment_is_accepted(heitje, flow, citizen):
    task_id = flow.claimed(citizen)
    flow.set_time(flow.claim_of(task_id, citizen).expires_at)
    flow.submit(task_id, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM["SUBMITTED"]


def test_submit_after_expiry_is_refused(heitje, flow, citizen):
    task_id = flow.claimed(citizen)
    flow.set_time(flow.claim_of(task_id, citizen).expires_at + 1)
    with boa.env.prank(citizen), boa.reverts("tasks: claim expired"):
        heitje.submit(task_id, EVIDENCE_CID)


def test_resubmit_after_rejection_while_valid(heitje, flow, citizen):
    task_id = flow.rejected(citizen)
    flow.submit(task_id, citizen, evidence="bafkrei-better-photos")
    assert flow.claim_of(task_id, citizen).status == CLAIM["SUBMITTED"]
    flow.approve(task_id, citizen)
    assert heitje.balanceOf(citizen) == heitje.task(task_id).reward


def test_resubmit_after_the_rejection_window_is_refused(heitje, flow, citizen):
    task_id = flow.rejected(citizen)
    flow.set_time(flow.claim_of(task_id, citizen).expires_at + 1)
    with boa.env.prank(citizen), boa.reverts("tasks: claim expired"):
        heitje.submit(task_id, EVIDENCE_CID)


def test_rejection_near_expiry_extends_the_claim_by_the_resubmit_window(heitje, flow, citizen):
    task_id = flow.submitted(citizen)
    flow.set_time(flow.claim_of(task_id, citizen).expires_at + 3 * DAY)
    rejected_at = flow.now()
    flow.reject(task_id, citizen, reason=4)
    assert only_event(heitje, "SubmissionRejected").expires_at == rejected_at + RESUBMIT_WINDOW
    claim = flow.claim_of(task_id, citizen)
    assert (claim.status, claim.expires_at, claim.reason) == (
        CLAIM["REJECTED"],
        rejected_at + RESUBMIT_WINDOW,
        4,
    )
    flow.set_time(rejected_at + RESUBMIT_WINDOW)
    flow.submit(task_id, citizen)


def test_early_rejection_keeps_the_later_original_expiry(heitje, flow, citizen):
    task_id = flow.commission(duration=30 * DAY)
    flow.claim(task_id, citizen)
    expires_at = flow.claim_of(task_id, citizen).expires_at
    flow.submit(task_id, citizen)
    flow.reject(task_id, citizen)
    assert flow.claim_of(task_id, citizen).expires_at == expires_at > flow.now() + RESUBMIT_WINDOW


# ------------------------------------------------------------------ expire
def test_expire_claim_before_expiry_is_refused(heitje, flow, citizen, outsider):
    task_id = flow.claimed(citizen)
    flow.set_time(flow.claim_of(task_id, citizen).expires_at)
    with boa.env.prank(outsider), boa.reverts("tasks: claim still valid"):
        heitje.expire_claim(task_id, citizen)


def test_anyone_may_expire_a_claimed_claim_after_expiry(heitje, flow, citizen, outsider):
    task_id = flow.claimed(citizen, reward=600)
    flow.set_time(flow.claim_of(task_id, citizen).expires_at + 1)
    with boa.env.prank(outsider):
        heitje.expire_claim(task_id, citizen)
    event = only_event(heitje, "ClaimReleased")
    assert (event.task_id, event.citizen_id, event.caller, event.cause) == (
        task_id,
        flow.citizen_id(citizen),
        outsider,
        RELEASE["EXPIRED"],
    )
    assert flow.claim_of(task_id, citizen).status == CLAIM["EXPIRED"]
    account = heitje.account(citizen)
    assert (account.reserved, account.open_claims) == (0, 0)


def test_expire_a_rejected_claim_after_its_window(heitje, flow, citizen, outsider):
    task_id = flow.rejected(citizen)
    flow.set_time(flow.claim_of(task_id, citizen).expires_at + 1)
    with boa.env.prank(outsider):
        heitje.expire_claim(task_id, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM["EXPIRED"]


def test_submitted_work_never_expires(heitje, flow, citizen, outsider):
    task_id = flow.submitted(citizen)
    flow.set_time(flow.claim_of(task_id, citizen).expires_at + 365 * DAY)
    with boa.env.prank(outsider), boa.reverts("tasks: no open claim"):
        heitje.expire_claim(task_id, citizen)
    flow.approve(task_id, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM["PAID"]


def test_appealed_work_never_expires(heitje, flow, citizen, outsider):
    task_id = flow.rejected(citizen)
    flow.appeal(task_id, citizen)
    flow.set_time(flow.claim_of(task_id, citizen).expires_at + 365 * DAY)
    with boa.env.prank(outsider), boa.reverts("tasks: no open claim"):
        heitje.expire_claim(task_id, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM["APPEALED"]


@pytest.mark.parametrize("end", ["PAID", "EXPIRED", "ABANDONED"])
def test_finished_claims_cannot_be_expired(heitje, flow, citizen, outsider, end):
    task_id = flow.claimed(citizen)
    if end == "PAID":
        flow.submit(task_id, citizen)
        flow.approve(task_id, citizen)
    elif end == "ABANDONED":
        flow.abandon(task_id, citizen)
    flow.set_time(flow.claim_of(task_id, citizen).expires_at + 1)
    if end == "EXPIRED":
        with boa.env.prank(outsider):
            heitje.expire_claim(task_id, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM[end]
    with boa.env.prank(outsider), boa.reverts("tasks: no open claim"):
        heitje.expire_claim(task_id, citizen)


def test_expire_claim_of_a_non_citizen_is_refused(heitje, flow, outsider, merchant):
    task_id = flow.commission()
    with boa.env.prank(outsider), boa.reverts("tasks: not a citizen"):
        heitje.expire_claim(task_id, merchant)


# ----------------------------------------------------------------- abandon
def test_abandon_frees_the_reservation_and_emits(heitje, flow, citizen):
    task_id = flow.claimed(citizen, reward=800)
    with boa.env.prank(citizen):
        heitje.abandon(task_id)
    event = only_event(heitje, "ClaimReleased")
    assert (event.caller, event.cause) == (citizen, RELEASE["ABANDONED"])
    assert flow.claim_of(task_id, citizen).status == CLAIM["ABANDONED"]
    account = heitje.account(citizen)
    assert (account.reserved, account.open_claims) == (0, 0)


def test_abandon_after_a_rejection_is_allowed(heitje, flow, citizen):
    task_id = flow.rejected(citizen)
    flow.abandon(task_id, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM["ABANDONED"]


@pytest.mark.parametrize("state", ["none", "submitted", "appealed"])
def test_abandon_is_refused_without_an_open_claim(heitje, flow, citizen, state):
    if state == "none":
        task_id = flow.commission()
    elif state == "submitted":
        task_id = flow.submitted(citizen)
    else:
        task_id = flow.rejected(citizen)
        flow.appeal(task_id, citizen)
    with boa.env.prank(citizen), boa.reverts("tasks: no open claim"):
        heitje.abandon(task_id)


# ------------------------------------------------ where a freed slot goes
def test_freed_slot_returns_to_the_pool_while_the_task_is_open(heitje, flow, citizen):
    task_id = flow.claimed(citizen, reward=800, slots=2)
    ledger_before = heitje.ledger()
    flow.abandon(task_id, citizen)
    assert only_event(heitje, "ClaimReleased").returned_to_budget == 0
    assert heitje.task(task_id).slots_open == 2
    assert heitje.ledger() == ledger_before


def test_freed_slot_can_be_claimed_by_someone_else(heitje, flow, citizen, other_citizen):
    task_id = flow.claimed(citizen, slots=1)
    flow.abandon(task_id, citizen)
    flow.claim(task_id, other_citizen)
    assert heitje.task(task_id).slots_open == 0


def test_slot_freed_at_the_deadline_second_returns_to_the_pool(heitje, flow, citizen):
    task_id = flow.claimed(citizen, reward=800, slots=2)
    flow.set_time(heitje.task(task_id).claim_deadline)
    flow.abandon(task_id, citizen)
    assert only_event(heitje, "ClaimReleased").returned_to_budget == 0
    assert heitje.task(task_id).slots_open == 2


def test_slot_freed_a_second_after_the_deadline_returns_to_the_budget(heitje, flow, citizen):
    task_id = flow.claimed(citizen, reward=800, slots=2)
    flow.set_time(heitje.task(task_id).claim_deadline + 1)
    flow.abandon(task_id, citizen)
    assert only_event(heitje, "ClaimReleased").returned_to_budget == 800
    assert heitje.task(task_id).slots_open == 1


def test_freed_slot_after_the_deadline_returns_to_the_budget(heitje, flow, citizen, outsider):
    task_id = flow.commission(reward=800, slots=2, duration=30 * DAY)
    flow.claim(task_id, citizen)
    flow.set_time(flow.claim_of(task_id, citizen).expires_at + 1)
    available_before = heitje.ledger().budget_available
    with boa.env.prank(outsider):
        heitje.expire_claim(task_id, citizen)
    assert only_event(heitje, "ClaimReleased").returned_to_budget == 800
    assert heitje.task(task_id).slots_open == 1
    ledger = heitje.ledger()
    assert ledger.budget_available == available_before + 800
    assert ledger.escrow_locked == 800


def test_freed_slot_of_a_cancelled_task_returns_to_the_budget(heitje, flow, citizen):
    task_id = flow.claimed(citizen, reward=800, slots=2)
    flow.cancel(task_id)
    flow.abandon(task_id, citizen)
    assert only_event(heitje, "ClaimReleased").returned_to_budget == 800
    ledger = heitje.ledger()
    assert (ledger.budget_available, ledger.escrow_locked) == (BUDGET, 0)
    assert heitje.task(task_id).slots_open == 0


def test_freed_slot_of_a_closed_task_returns_to_the_budget(heitje, flow, citizen, outsider):
    task_id = flow.commission(reward=800, slots=2, duration=30 * DAY)
    flow.claim(task_id, citizen)
    flow.set_time(heitje.task(task_id).claim_deadline + 1)
    with boa.env.prank(outsider):
        heitje.close_task(task_id)
    flow.abandon(task_id, citizen)
    assert event_names(heitje) == ["ClaimReleased"]
    ledger = heitje.ledger()
    assert (ledger.budget_available, ledger.escrow_locked) == (BUDGET, 0)


# ---------------------------------------------------------------- task ids
# A claim's key is task id << 32 | citizen id, so task id + 2**224 would reach the same claim.
# Every function that takes a task id and a claim must refuse ids outside [1, MASK_64]:
# name -> (caller, function, arguments given the world and the task id, the world's task).
TAKES_A_TASK_ID = {
    "submit": ("citizen", "submit", lambda w, t: (t, EVIDENCE_CID), "claimed_task"),
    "abandon": ("citizen", "abandon", lambda w, t: (t,), "claimed_task"),
    "expire_claim": (
        "outsider",
        "expire_claim",
        lambda w, t: (t, w.citizen),
        "stale_task",
    ),
    "appeal": ("citizen", "appeal", lambda w, t: (t,), "rejected_task"),
    "approve_submission": (
        "reviewer",
        "approve_submission",
        lambda w, t: (t, w.citizen),
        "submitted_task",
    ),
    "approve_submissions": (
        "reviewer",
        "approve_submissions",
        lambda w, t: ([t], [w.citizen]),
        "submitted_task",
    ),
    "reject_submission": (
        "reviewer",
        "reject_submission",
        lambda w, t: (t, w.citizen, 1),
        "submitted_task",
    ),
    "decide_appeal": (
        "second_reviewer",
        "decide_appeal",
        lambda w, t: (t, w.citizen, True, 0),
        "appealed_task",
    ),
}
# Ids that are no task: 0, the first beyond 64 bits, and a real id plus 2**224 (the alias).
BAD_IDS = {
    "zero": lambda task_id: 0,
    "beyond 64 bits": lambda task_id: MASK_64 + 1,
    "aliased": lambda task_id: task_id + 2**224,
}


@dataclass
class ClaimsWorld:
    heitje: Any
    people: Any
    claimed_task: int
    stale_task: int
    rejected_task: int
    submitted_task: int
    appealed_task: int

    def __getattr__(self, name: str) -> Any:
        return getattr(self.people, name)

    def call(self, name: str, task_id: int) -> None:
        caller, function, arguments, _ = TAKES_A_TASK_ID[name]
        with boa.env.prank(getattr(self.people, caller)):
            getattr(self.heitje, function)(*arguments(self, task_id))

    def real_task(self, name: str) -> int:
        return int(getattr(self, TAKES_A_TASK_ID[name][3]))


@pytest.fixture
def claims_world(heitje, flow, people):
    """`citizen` holds a claim in every state a call with a task id acts on."""
    with boa.env.prank(people.admin):
        heitje.set_max_open_claims(MAX_OPEN_CLAIMS)
    stale_task = flow.claimed(people.citizen, duration=3_600, slots=2)
    claimed_task = flow.claimed(people.citizen)
    rejected_task = flow.rejected(people.citizen)
    submitted_task = flow.submitted(people.citizen)
    appealed_task = flow.rejected(people.citizen)
    flow.appeal(appealed_task, people.citizen)
    flow.travel(2 * 3_600)
    return ClaimsWorld(
        heitje, people, claimed_task, stale_task, rejected_task, submitted_task, appealed_task
    )


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize("name", TAKES_A_TASK_ID)
def test_a_task_id_outside_64_bits_is_refused(claims_world, flow, name, bad):
    real = claims_world.real_task(name)
    claim_before = flow.claim_of(real, claims_world.citizen)
    ledger_before = claims_world.heitje.ledger()
    with boa.reverts(NO_SUCH_TASK):
        claims_world.call(name, BAD_IDS[bad](real))
    assert flow.claim_of(real, claims_world.citizen) == claim_before
    assert claims_world.heitje.ledger() == ledger_before


@pytest.mark.parametrize("name", TAKES_A_TASK_ID)
def test_the_same_call_with_the_real_task_id_is_accepted(claims_world, flow, name):
    real = claims_world.real_task(name)
    before = flow.claim_of(real, claims_world.citizen).status
    claims_world.call(name, real)
    assert flow.claim_of(real, claims_world.citizen).status != before


@pytest.mark.parametrize("bad", BAD_IDS)
def test_claim_of_refuses_a_task_id_outside_64_bits(claims_world, flow, bad):
    citizen_id = flow.citizen_id(claims_world.citizen)
    with boa.reverts(NO_SUCH_TASK):
        claims_world.heitje.claim_of(BAD_IDS[bad](claims_world.claimed_task), citizen_id)


def test_claim_of_the_highest_task_id_is_answered(heitje, flow, citizen):
    assert heitje.claim_of(MASK_64, flow.citizen_id(citizen)).status == CLAIM["NONE"]


@pytest.mark.parametrize("bad", BAD_IDS)
def test_claiming_a_task_id_outside_64_bits_is_refused(claims_world, bad):
    with boa.env.prank(claims_world.other_citizen), boa.reverts("tasks: task not open"):
        claims_world.heitje.claim(BAD_IDS[bad](claims_world.claimed_task))


def test_an_aliased_id_cannot_expire_a_claim_into_the_budget(claims_world, flow, outsider):
    """The attack: expiring the real claim through task id + 2**224 found no task under that
    id, so its reward went back to the budget and the real task lost the slot for good."""
    heitje, task_id, citizen = claims_world.heitje, claims_world.stale_task, claims_world.citizen
    with boa.env.prank(outsider), boa.reverts(NO_SUCH_TASK):
        heitje.expire_claim(task_id + 2**224, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM["CLAIMED"]
    assert heitje.task(task_id).slots_open == 1
    with boa.env.prank(outsider):
        heitje.expire_claim(task_id, citizen)
    assert only_event(heitje, "ClaimReleased").returned_to_budget == 0
    assert heitje.task(task_id).slots_open == 2
