"""Review (approve, batch approve, reject), the final rejection, and the appeal path with an
independent reviewer."""

from __future__ import annotations

import boa
import pytest
from contracts_support import (
    BUDGET,
    DAY,
    EVIDENCE_CID,
    HEITJE_SOURCE,
    event_names,
    events,
    heitje_constant,
    only_event,
    prefixed_constants,
)

CLAIM = prefixed_constants(HEITJE_SOURCE, "CLAIM_")
RELEASE = prefixed_constants(HEITJE_SOURCE, "RELEASE_")
ZERO = "0x" + "00" * 20
MAX_REJECTIONS = heitje_constant("MAX_REJECTIONS")
RESUBMIT_WINDOW = heitje_constant("RESUBMIT_WINDOW")
LAST_TIME = "tasks: rejected for the last time"


@pytest.fixture
def reviewer_citizen(heitje, people):
    """The reviewer is also a registered citizen (a city employee living in Heerlen)."""
    with boa.env.prank(people.registrar):
        heitje.register_citizens([people.reviewer], [1])
    return people.reviewer


# ----------------------------------------------------------------- approve
def test_approve_pays_and_moves_reserved_to_earned(heitje, flow, citizen):
    task_id = flow.submitted(citizen, reward=1_100)
    before = heitje.account(citizen)
    flow.approve(task_id, citizen)
    after = heitje.account(citizen)
    assert after.balance == before.balance + 1_100
    assert after.earned_year == before.earned_year + 1_100
    assert after.earned_month == before.earned_month + 1_100
    assert after.reserved == before.reserved - 1_100
    assert after.open_claims == before.open_claims - 1
    assert flow.claim_of(task_id, citizen).status == CLAIM["PAID"]


def test_approve_moves_the_reward_from_escrow_into_circulation(heitje, flow, citizen):
    task_id = flow.submitted(citizen, reward=1_100, slots=1)
    before = heitje.ledger()
    flow.approve(task_id, citizen)
    after = heitje.ledger()
    assert after.total_supply == before.total_supply + 1_100
    assert after.total_minted == before.total_minted + 1_100
    assert after.escrow_locked == before.escrow_locked - 1_100
    assert after.budget_available == before.budget_available
    assert after.budget_granted == BUDGET


def test_approve_emits_mint_then_submission_approved(heitje, flow, reviewer, citizen):
    task_id = flow.submitted(citizen, reward=1_100)
    with boa.env.prank(reviewer):
        heitje.approve_submission(task_id, citizen)
    assert event_names(heitje) == ["Transfer", "SubmissionApproved"]
    approved = only_event(heitje, "SubmissionApproved")
    mint = only_event(heitje, "Transfer")
    assert (mint.sender, mint.receiver, mint.value) == (ZERO, citizen, 1_100)
    assert (approved.task_id, approved.citizen_id, approved.reviewer) == (
        task_id,
        flow.citizen_id(citizen),
        reviewer,
    )


def test_reviewer_cannot_approve_own_work(heitje, flow, reviewer_citizen):
    task_id = flow.submitted(reviewer_citizen)
    with boa.env.prank(reviewer_citizen), boa.reverts("review: own work"):
        heitje.approve_submission(task_id, reviewer_citizen)
    flow.approve(task_id, reviewer_citizen, reviewer=flow.people.second_reviewer)
    assert flow.claim_of(task_id, reviewer_citizen).status == CLAIM["PAID"]


def test_reviewer_cannot_approve_own_work_in_a_batch(heitje, flow, citizen, reviewer_citizen):
    own = flow.submitted(reviewer_citizen)
    other = flow.submitted(citizen)
    with boa.env.prank(reviewer_citizen), boa.reverts("review: own work"):
        heitje.approve_submissions([other, own], [citizen, reviewer_citizen])
    assert flow.claim_of(other, citizen).status == CLAIM["SUBMITTED"]


@pytest.mark.parametrize("state", ["none", "claimed", "rejected", "appealed", "paid"])
def test_approve_needs_submitted_work(heitje, flow, reviewer, citizen, state):
    if state == "none":
        task_id = flow.commission()
    elif state == "claimed":
        task_id = flow.claimed(citizen)
    elif state == "paid":
        task_id = flow.earn(citizen, 100)
    else:
        task_id = flow.rejected(citizen)
        if state == "appealed":
            flow.appeal(task_id, citizen)
    with boa.env.prank(reviewer), boa.reverts("review: nothing submitted"):
        heitje.approve_submission(task_id, citizen)


@pytest.mark.parametrize("who", ["outsider", "merchant"])
def test_approve_refuses_a_non_citizen(heitje, flow, people, who):
    task_id = flow.commission()
    with boa.env.prank(people.reviewer), boa.reverts("review: not a citizen"):
        heitje.approve_submission(task_id, getattr(people, who))


# ------------------------------------------------------------ batch approve
def test_batch_approval_pays_every_entry(heitje, flow, reviewer, citizen, other_citizen):
    first = flow.submitted(citizen, reward=300)
    second = flow.submitted(citizen, reward=400)
    third = flow.submitted(other_citizen, reward=500)
    before = heitje.ledger()
    with boa.env.prank(reviewer):
        heitje.approve_submissions([first, second, third], [citizen, citizen, other_citizen])
    assert len(events(heitje, "SubmissionApproved")) == 3
    assert heitje.balanceOf(citizen) == 700
    assert heitje.balanceOf(other_citizen) == 500
    after = heitje.ledger()
    assert after.total_supply == before.total_supply + 1_200
    assert after.escrow_locked == before.escrow_locked - 1_200


def test_batch_approval_is_all_or_none(heitje, flow, reviewer, citizen, other_citizen):
    good = flow.submitted(citizen, reward=300)
    not_submitted = flow.claimed(other_citizen, reward=400)
    before = heitje.ledger()
    with boa.env.prank(reviewer), boa.reverts("review: nothing submitted"):
        heitje.approve_submissions([good, not_submitted], [citizen, other_citizen])
    assert heitje.ledger() == before
    assert flow.claim_of(good, citizen).status == CLAIM["SUBMITTED"]
    assert heitje.balanceOf(citizen) == 0


def test_batch_approval_refuses_the_same_claim_twice(heitje, flow, reviewer, citizen):
    task_id = flow.submitted(citizen, reward=300)
    with boa.env.prank(reviewer), boa.reverts("review: nothing submitted"):
        heitje.approve_submissions([task_id, task_id], [citizen, citizen])
    assert heitje.balanceOf(citizen) == 0


def test_batch_approval_refuses_different_lengths(heitje, flow, reviewer, citizen):
    task_id = flow.submitted(citizen)
    with boa.env.prank(reviewer), boa.reverts("review: lengths differ"):
        heitje.approve_submissions([task_id], [citizen, citizen])


def test_empty_batch_approval_changes_nothing(heitje, reviewer):
    before = heitje.ledger()
    with boa.env.prank(reviewer):
        heitje.approve_submissions([], [])
    assert heitje.ledger() == before


# ------------------------------------------------------------------ reject
@pytest.mark.parametrize("reason", [1, 17, 255])
def test_reject_records_reason_and_reviewer_and_emits(heitje, flow, reviewer, citizen, reason):
    task_id = flow.submitted(citizen)
    before = heitje.ledger()
    with boa.env.prank(reviewer):
        heitje.reject_submission(task_id, citizen, reason)
    event = only_event(heitje, "SubmissionRejected")
    assert (event.task_id, event.citizen_id, event.reviewer, event.reason) == (
        task_id,
        flow.citizen_id(citizen),
        reviewer,
        reason,
    )
    claim = flow.claim_of(task_id, citizen)
    assert (claim.status, claim.reason, claim.rejected_by) == (CLAIM["REJECTED"], reason, reviewer)
    assert heitje.ledger() == before
    assert heitje.account(citizen).reserved == claim.reward


@pytest.mark.parametrize("reason", [0, 256, 2**256 - 1])
def test_reject_needs_a_reason_from_1_to_255(heitje, flow, reviewer, citizen, reason):
    task_id = flow.submitted(citizen)
    with boa.env.prank(reviewer), boa.reverts("review: reason out of range"):
        heitje.reject_submission(task_id, citizen, reason)


@pytest.mark.parametrize("state", ["claimed", "rejected", "paid"])
def test_reject_needs_submitted_work(heitje, flow, reviewer, citizen, state):
    if state == "claimed":
        task_id = flow.claimed(citizen)
    elif state == "rejected":
        task_id = flow.rejected(citizen)
    else:
        task_id = flow.earn(citizen, 100)
    with boa.env.prank(reviewer), boa.reverts("review: nothing submitted"):
        heitje.reject_submission(task_id, citizen, 1)


def test_reviewer_cannot_reject_own_work(heitje, flow, reviewer_citizen):
    task_id = flow.submitted(reviewer_citizen)
    with boa.env.prank(reviewer_citizen), boa.reverts("review: own work"):
        heitje.reject_submission(task_id, reviewer_citizen, 1)
    assert flow.claim_of(task_id, reviewer_citizen).status == CLAIM["SUBMITTED"]


def test_reject_of_a_non_citizen_is_refused(heitje, flow, reviewer, outsider):
    task_id = flow.commission()
    with boa.env.prank(reviewer), boa.reverts("tasks: not a citizen"):
        heitje.reject_submission(task_id, outsider, 1)


# ------------------------------------------------------------------ appeal
def test_appeal_after_rejection_is_filed(heitje, flow, citizen):
    task_id = flow.rejected(citizen)
    with boa.env.prank(citizen):
        heitje.appeal(task_id)
    event = only_event(heitje, "AppealFiled")
    assert (event.task_id, event.citizen_id, event.citizen) == (
        task_id,
        flow.citizen_id(citizen),
        citizen,
    )
    claim = flow.claim_of(task_id, citizen)
    assert (claim.status, claim.appealed) == (CLAIM["APPEALED"], True)


@pytest.mark.parametrize("state", ["none", "claimed", "submitted", "paid"])
def test_appeal_only_after_a_rejection(heitje, flow, citizen, state):
    if state == "none":
        task_id = flow.commission()
    elif state == "claimed":
        task_id = flow.claimed(citizen)
    elif state == "submitted":
        task_id = flow.submitted(citizen)
    else:
        task_id = flow.earn(citizen, 100)
    with boa.env.prank(citizen), boa.reverts("appeal: nothing to appeal"):
        heitje.appeal(task_id)


def test_appeal_only_once(heitje, flow, citizen):
    task_id = flow.rejected(citizen)
    flow.appeal(task_id, citizen)
    with boa.env.prank(citizen), boa.reverts("appeal: nothing to appeal"):
        heitje.appeal(task_id)


def test_appeal_only_while_the_claim_is_valid(heitje, flow, citizen):
    task_id = flow.rejected(citizen)
    flow.set_time(flow.claim_of(task_id, citizen).expires_at + 1)
    with boa.env.prank(citizen), boa.reverts("tasks: claim expired"):
        heitje.appeal(task_id)


def test_appeal_at_the_last_valid_moment_is_accepted(heitje, flow, citizen):
    task_id = flow.rejected(citizen)
    flow.set_time(flow.claim_of(task_id, citizen).expires_at)
    flow.appeal(task_id, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM["APPEALED"]


def test_appeal_by_a_non_citizen_is_refused(heitje, flow, outsider):
    task_id = flow.commission()
    with boa.env.prank(outsider), boa.reverts("tasks: not a citizen"):
        heitje.appeal(task_id)


def test_the_rejecter_cannot_decide_the_appeal(heitje, flow, reviewer, citizen):
    task_id = flow.rejected(citizen)
    flow.appeal(task_id, citizen)
    with boa.env.prank(reviewer), boa.reverts("appeal: needs another reviewer"):
        heitje.decide_appeal(task_id, citizen, True, 0)


def test_the_last_rejecter_is_the_one_excluded(heitje, flow, reviewer, second_reviewer, citizen):
    task_id = flow.rejected(citizen)
    flow.submit(task_id, citizen)
    flow.reject(task_id, citizen, reviewer=second_reviewer)
    flow.appeal(task_id, citizen)
    with boa.env.prank(second_reviewer), boa.reverts("appeal: needs another reviewer"):
        heitje.decide_appeal(task_id, citizen, True, 0)
    flow.decide(task_id, citizen, True, reviewer=reviewer)
    assert flow.claim_of(task_id, citizen).status == CLAIM["PAID"]


@pytest.mark.parametrize("state", ["claimed", "submitted", "rejected"])
def test_decide_needs_a_waiting_appeal(heitje, flow, second_reviewer, citizen, state):
    task_id = getattr(flow, state)(citizen)
    with boa.env.prank(second_reviewer), boa.reverts("appeal: no appeal waiting"):
        heitje.decide_appeal(task_id, citizen, True, 0)


def test_granted_appeal_pays_the_citizen(heitje, flow, second_reviewer, citizen):
    task_id = flow.rejected(citizen, reward=1_300)
    flow.appeal(task_id, citizen)
    before = heitje.ledger()
    with boa.env.prank(second_reviewer):
        heitje.decide_appeal(task_id, citizen, True, 0)
    assert event_names(heitje) == ["AppealDecided", "Transfer", "SubmissionApproved"]
    decided = only_event(heitje, "AppealDecided")
    assert (decided.task_id, decided.reviewer, decided.granted) == (task_id, second_reviewer, True)
    assert flow.claim_of(task_id, citizen).status == CLAIM["PAID"]
    account = heitje.account(citizen)
    assert (account.balance, account.earned_year, account.reserved) == (1_300, 1_300, 0)
    assert heitje.ledger().total_supply == before.total_supply + 1_300


def test_granted_appeal_still_refuses_own_work(heitje, flow, people, reviewer_citizen):
    task_id = flow.submitted(reviewer_citizen)
    flow.reject(task_id, reviewer_citizen, reviewer=people.second_reviewer)
    flow.appeal(task_id, reviewer_citizen)
    with boa.env.prank(reviewer_citizen), boa.reverts("review: own work"):
        heitje.decide_appeal(task_id, reviewer_citizen, True, 0)


def test_denied_appeal_frees_the_slot_and_the_reservation(heitje, flow, second_reviewer, citizen):
    task_id = flow.rejected(citizen, reward=1_300, slots=2)
    flow.appeal(task_id, citizen)
    ledger_before = heitje.ledger()
    with boa.env.prank(second_reviewer):
        heitje.decide_appeal(task_id, citizen, False, 9)
    assert event_names(heitje) == ["AppealDecided", "ClaimReleased"]
    decided = only_event(heitje, "AppealDecided")
    assert (decided.granted, decided.reason) == (False, 9)
    released = only_event(heitje, "ClaimReleased")
    assert (released.cause, released.caller) == (RELEASE["APPEAL_DENIED"], second_reviewer)
    assert flow.claim_of(task_id, citizen).status == CLAIM["DENIED"]
    account = heitje.account(citizen)
    assert (account.balance, account.reserved, account.open_claims) == (0, 0, 0)
    assert heitje.task(task_id).slots_open == 2
    assert heitje.ledger() == ledger_before


def test_denied_appeal_after_the_deadline_returns_the_reward_to_the_budget(
    heitje, flow, second_reviewer, citizen
):
    task_id = flow.rejected(citizen, reward=1_300, slots=2)
    flow.appeal(task_id, citizen)
    flow.set_time(heitje.task(task_id).claim_deadline + 1)
    available_before = heitje.ledger().budget_available
    flow.decide(task_id, citizen, False, 9)
    assert only_event(heitje, "ClaimReleased").returned_to_budget == 1_300
    assert heitje.ledger().budget_available == available_before + 1_300


@pytest.mark.parametrize("reason", [0, 256])
def test_denied_appeal_needs_a_reason(heitje, flow, second_reviewer, citizen, reason):
    task_id = flow.rejected(citizen)
    flow.appeal(task_id, citizen)
    with boa.env.prank(second_reviewer), boa.reverts("review: reason out of range"):
        heitje.decide_appeal(task_id, citizen, False, reason)


def test_decided_appeal_cannot_be_decided_again(heitje, flow, second_reviewer, citizen):
    task_id = flow.rejected(citizen)
    flow.appeal(task_id, citizen)
    flow.decide(task_id, citizen, False, 3)
    with boa.env.prank(second_reviewer), boa.reverts("appeal: no appeal waiting"):
        heitje.decide_appeal(task_id, citizen, True, 0)


# ---------------------------------------------------------- final rejection
def reject_until_final(flow, task_id: int, who) -> None:
    """Rejects submitted work MAX_REJECTIONS times, the citizen resubmitting in between."""
    for _ in range(MAX_REJECTIONS - 1):
        flow.reject(task_id, who)
        flow.submit(task_id, who)
    flow.reject(task_id, who)


@pytest.fixture
def finally_rejected(flow, citizen) -> int:
    """A two-slot task of 13.00 whose work by `citizen` was rejected MAX_REJECTIONS times."""
    task_id = flow.submitted(citizen, reward=1_300, slots=2)
    reject_until_final(flow, task_id, citizen)
    assert flow.claim_of(task_id, citizen).rejections == MAX_REJECTIONS
    return task_id


def test_claim_of_counts_the_rejections(heitje, flow, citizen):
    task_id = flow.submitted(citizen)
    assert flow.claim_of(task_id, citizen).rejections == 0
    for count in range(1, MAX_REJECTIONS + 1):
        flow.reject(task_id, citizen)
        assert flow.claim_of(task_id, citizen).rejections == count
        if count < MAX_REJECTIONS:
            flow.submit(task_id, citizen)
            assert flow.claim_of(task_id, citizen).rejections == count


def test_the_rejection_before_the_final_one_allows_a_resubmission(heitje, flow, citizen):
    task_id = flow.submitted(citizen)
    for _ in range(MAX_REJECTIONS - 1):
        flow.reject(task_id, citizen)
        flow.submit(task_id, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM["SUBMITTED"]


def test_resubmission_after_the_final_rejection_is_refused(heitje, flow, citizen, finally_rejected):
    with boa.env.prank(citizen), boa.reverts(LAST_TIME):
        heitje.submit(finally_rejected, EVIDENCE_CID)
    claim = flow.claim_of(finally_rejected, citizen)
    assert (claim.status, claim.rejections) == (CLAIM["REJECTED"], MAX_REJECTIONS)


def test_final_rejection_can_be_appealed_within_the_window(heitje, flow, citizen, finally_rejected):
    flow.set_time(flow.claim_of(finally_rejected, citizen).expires_at)
    flow.appeal(finally_rejected, citizen)
    flow.decide(finally_rejected, citizen, True)
    assert flow.claim_of(finally_rejected, citizen).status == CLAIM["PAID"]
    assert heitje.balanceOf(citizen) == 1_300


def test_final_rejection_cannot_be_appealed_after_the_window(
    heitje, flow, citizen, finally_rejected
):
    flow.set_time(flow.claim_of(finally_rejected, citizen).expires_at + 1)
    with boa.env.prank(citizen), boa.reverts("tasks: claim expired"):
        heitje.appeal(finally_rejected)


def test_final_rejection_cannot_be_expired_within_the_window(
    heitje, flow, citizen, outsider, finally_rejected
):
    flow.set_time(flow.claim_of(finally_rejected, citizen).expires_at)
    with boa.env.prank(outsider), boa.reverts("tasks: claim still valid"):
        heitje.expire_claim(finally_rejected, citizen)


def test_final_rejection_expires_after_the_window_and_its_slot_reopens(
    heitje, flow, citizen, outsider, finally_rejected
):
    flow.set_time(flow.claim_of(finally_rejected, citizen).expires_at + 1)
    assert flow.now() <= heitje.task(finally_rejected).claim_deadline
    with boa.env.prank(outsider):
        heitje.expire_claim(finally_rejected, citizen)
    assert only_event(heitje, "ClaimReleased").returned_to_budget == 0
    assert heitje.task(finally_rejected).slots_open == 2
    account = heitje.account(citizen)
    assert (account.reserved, account.open_claims) == (0, 0)


def test_junk_resubmissions_end_with_the_final_rejection(heitje, flow, citizen, outsider):
    """The citizen who resubmits junk at the end of every window once held the slot, the
    reservation and the escrow for ever (417 days and counting). Now the final rejection
    ends it: no resubmission, and after the window the claim expires into the budget."""
    task_id = flow.claimed(citizen, reward=1_300, slots=1, duration=DAY)
    for _ in range(MAX_REJECTIONS):
        flow.set_time(flow.claim_of(task_id, citizen).expires_at)
        flow.submit(task_id, citizen, evidence="bafkrei-the-same-junk")
        flow.reject(task_id, citizen)
    expires_at = flow.claim_of(task_id, citizen).expires_at
    flow.set_time(expires_at)
    with boa.env.prank(citizen), boa.reverts(LAST_TIME):
        heitje.submit(task_id, "bafkrei-the-same-junk")
    flow.set_time(expires_at + 1)
    ledger_before = heitje.ledger()
    with boa.env.prank(outsider):
        heitje.expire_claim(task_id, citizen)
    assert only_event(heitje, "ClaimReleased").returned_to_budget == 1_300
    ledger = heitje.ledger()
    assert ledger.escrow_locked == ledger_before.escrow_locked - 1_300
    assert ledger.budget_available == ledger_before.budget_available + 1_300
    assert flow.claim_of(task_id, citizen).status == CLAIM["EXPIRED"]
    assert heitje.account(citizen).reserved == 0
