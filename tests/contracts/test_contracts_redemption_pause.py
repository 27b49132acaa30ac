"""Rule 5, redemption (merchants cash in, the treasurer settles), and the emergency stop: what it
stops, the registry's emergency tools that keep working, and the grace deadlines get after it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import boa
import pytest
from contracts_support import (
    DAY,
    EVIDENCE_CID,
    HEITJE_SOURCE,
    MERCHANT_CID,
    ROLE,
    TASK_CID,
    event_names,
    heitje_constant,
    only_event,
    prefixed_constants,
    redemption_constant,
)

REFERENCE = b"QR-7".ljust(32, b"\0")
SEPA = "NOTPROVIDED-2027-0001"
ZERO = "0x" + "00" * 20
REQUEST_OPEN = redemption_constant("STATUS_OPEN")
REQUEST_PAID = redemption_constant("STATUS_PAID")
RESUBMIT_WINDOW = heitje_constant("RESUBMIT_WINDOW")
CLAIM = prefixed_constants(HEITJE_SOURCE, "CLAIM_")


@pytest.fixture
def takings(heitje, flow, people):
    """The merchant received 60.00 from two citizens (the 40.00 from `citizen` with `pay`, so
    refundable to them); the other merchant 10.00."""
    flow.earn(people.citizen, 4_000)
    flow.earn(people.other_citizen, 3_000)
    flow.pay_request(people.citizen, people.merchant, 4_000)
    flow.pay(people.other_citizen, people.merchant, 2_000)
    flow.pay(people.other_citizen, people.other_merchant, 1_000)
    return heitje


# ------------------------------------------------------------------ redeem
def test_redemption_is_bound_to_the_heitje_contract(heitje, redemption):
    assert redemption.HEITJE() == heitje.address
    assert heitje.redemption() == redemption.address


def test_redeem_burns_the_merchants_heitjes(takings, flow, redemption, merchant):
    before = takings.ledger()
    flow.redeem(merchant, 2_500)
    after = takings.ledger()
    assert takings.balanceOf(merchant) == 3_500
    assert after.total_supply == before.total_supply - 2_500
    assert after.total_burned == before.total_burned + 2_500
    assert after.total_minted == before.total_minted
    assert redemption.total_requested() == after.total_burned == 2_500


def test_redeem_opens_a_numbered_request_and_emits(takings, redemption, merchant):
    with boa.env.prank(merchant):
        request_id = redemption.redeem(2_500)
    logs = redemption.get_logs()
    names = [type(log).__name__ for log in logs]
    assert names == ["Transfer", "RedemptionRequested"]
    burn, requested = logs
    assert (burn.sender, burn.receiver, burn.value) == (merchant, ZERO, 2_500)
    assert burn.address == takings.address
    assert (requested.redemption_id, requested.merchant, requested.amount) == (
        request_id,
        merchant,
        2_500,
    )
    assert request_id == redemption.request_count() == 1
    request = redemption.request(request_id)
    assert (request.merchant, request.amount, request.status) == (merchant, 2_500, REQUEST_OPEN)


def test_redeem_numbers_requests_consecutively(takings, flow, redemption, people):
    ids = [
        flow.redeem(people.merchant, 1_000),
        flow.redeem(people.other_merchant, 1_000),
        flow.redeem(people.merchant, 500),
    ]
    assert ids == [1, 2, 3]
    assert redemption.request(2).merchant == people.other_merchant
    assert redemption.total_requested() == 2_500


@pytest.mark.parametrize("who", ["citizen", "outsider"])
def test_only_merchants_can_redeem(takings, redemption, people, who):
    with boa.env.prank(getattr(people, who)), boa.reverts("redeem: not a merchant"):
        redemption.redeem(100)


def test_redeem_of_zero_is_refused(takings, redemption, merchant):
    with boa.env.prank(merchant), boa.reverts("redeem: amount is zero"):
        redemption.redeem(0)


def test_redeem_beyond_balance_is_refused(takings, redemption, merchant):
    with boa.env.prank(merchant), boa.reverts("redeem: amount exceeds balance"):
        redemption.redeem(6_001)


def test_deactivated_merchant_can_still_redeem(takings, flow, redemption, people):
    with boa.env.prank(people.merchant_manager):
        takings.set_active(people.merchant, False)
    flow.redeem(people.merchant, 6_000)
    assert takings.balanceOf(people.merchant) == 0
    assert redemption.request(1).amount == 6_000


# --------------------------------------------------------------- mark_paid
def test_mark_paid_settles_a_batch_and_emits(takings, flow, redemption, people):
    flow.redeem(people.merchant, 1_000)
    flow.redeem(people.other_merchant, 700)
    flow.redeem(people.merchant, 300)
    with boa.env.prank(people.treasurer):
        redemption.mark_paid([1, 3], SEPA)
    logs = redemption.get_logs()
    assert [type(log).__name__ for log in logs] == ["RedemptionPaid", "RedemptionPaid"]
    assert [(e.redemption_id, e.merchant, e.amount) for e in logs] == [
        (1, people.merchant, 1_000),
        (3, people.merchant, 300),
    ]
    assert {(e.payment_reference, e.treasurer) for e in logs} == {(SEPA, people.treasurer)}
    assert [redemption.request(i).status for i in (1, 2, 3)] == [
        REQUEST_PAID,
        REQUEST_OPEN,
        REQUEST_PAID,
    ]
    assert (redemption.total_requested(), redemption.total_paid()) == (2_000, 1_300)


def test_mark_paid_twice_is_refused(takings, flow, redemption, people):
    flow.redeem(people.merchant, 1_000)
    with boa.env.prank(people.treasurer):
        redemption.mark_paid([1], SEPA)
        with boa.reverts("redeem: request is not open"):
            redemption.mark_paid([1], SEPA)
    assert redemption.total_paid() == 1_000


def test_mark_paid_of_an_unknown_request_is_refused(redemption, treasurer):
    with boa.env.prank(treasurer), boa.reverts("redeem: request is not open"):
        redemption.mark_paid([1], SEPA)


def test_mark_paid_batch_is_all_or_none(takings, flow, redemption, people):
    flow.redeem(people.merchant, 1_000)
    with boa.env.prank(people.treasurer), boa.reverts("redeem: request is not open"):
        redemption.mark_paid([1, 1], SEPA)
    assert redemption.request(1).status == REQUEST_OPEN
    assert redemption.total_paid() == 0


def test_mark_paid_needs_a_payment_reference(takings, flow, redemption, people):
    flow.redeem(people.merchant, 1_000)
    with boa.env.prank(people.treasurer), boa.reverts("redeem: empty payment reference"):
        redemption.mark_paid([1], "")


def test_mark_paid_is_allowed_while_paused(takings, flow, redemption, people):
    flow.redeem(people.merchant, 1_000)
    with boa.env.prank(people.admin):
        takings.set_paused(True)
    with boa.env.prank(people.treasurer):
        redemption.mark_paid([1], SEPA)
    assert redemption.request(1).status == REQUEST_PAID


def test_treasurer_role_revoked_on_heitje_stops_mark_paid(takings, flow, redemption, people):
    flow.redeem(people.merchant, 1_000)
    with boa.env.prank(people.admin):
        takings.revoke_role(people.treasurer, ROLE["TREASURER"])
    with boa.env.prank(people.treasurer), boa.reverts("access: only a treasurer may do this"):
        redemption.mark_paid([1], SEPA)


# ------------------------------------------------------------------- pause
# Everything the emergency stop must refuse: name -> (caller, contract, function, arguments).
# `paused_world` below sets the stage so that each call is valid but for the pause; `w` is it.
PAUSED = {
    "register_citizens": (
        "registrar",
        "heitje",
        "register_citizens",
        lambda w: ([w.outsider], [1]),
    ),
    "set_citizen_neighbourhood": (
        "registrar",
        "heitje",
        "set_citizen_neighbourhood",
        lambda w: (w.citizen, 2),
    ),
    "register_merchant": (
        "merchant_manager",
        "heitje",
        "register_merchant",
        lambda w: (w.outsider, MERCHANT_CID),
    ),
    "update_merchant": (
        "merchant_manager",
        "heitje",
        "update_merchant",
        lambda w: (w.merchant, MERCHANT_CID),
    ),
    "grant_budget": ("treasurer", "heitje", "grant_budget", lambda w: (1,)),
    "withdraw_budget": ("treasurer", "heitje", "withdraw_budget", lambda w: (1,)),
    "commission_task": (
        "task_manager",
        "heitje",
        "commission_task",
        lambda w: (TASK_CID, 100, 1, 2**39, 3_600, 1),
    ),
    "cancel_task": ("task_manager", "heitje", "cancel_task", lambda w: (w.open_task,)),
    "close_task": ("outsider", "heitje", "close_task", lambda w: (w.closable_task,)),
    "claim": ("citizen", "heitje", "claim", lambda w: (w.open_task,)),
    "submit": ("other_citizen", "heitje", "submit", lambda w: (w.rejected_task, EVIDENCE_CID)),
    "abandon": ("other_citizen", "heitje", "abandon", lambda w: (w.rejected_task,)),
    "expire_claim": ("outsider", "heitje", "expire_claim", lambda w: (w.stale_task, w.citizen)),
    "appeal": ("other_citizen", "heitje", "appeal", lambda w: (w.rejected_task,)),
    "approve_submission": (
        "reviewer",
        "heitje",
        "approve_submission",
        lambda w: (w.submitted_task, w.citizen),
    ),
    "approve_submissions": (
        "reviewer",
        "heitje",
        "approve_submissions",
        lambda w: ([w.submitted_task], [w.citizen]),
    ),
    "reject_submission": (
        "reviewer",
        "heitje",
        "reject_submission",
        lambda w: (w.submitted_task, w.citizen, 1),
    ),
    "decide_appeal": (
        "second_reviewer",
        "heitje",
        "decide_appeal",
        lambda w: (w.appealed_task, w.appellant, True, 0),
    ),
    "redeem": ("merchant", "redemption", "redeem", lambda w: (100,)),
}


@dataclass
class PausedWorld:
    heitje: Any
    redemption: Any
    people: Any
    appellant: Any
    stale_task: int
    closable_task: int
    rejected_task: int
    submitted_task: int
    appealed_task: int
    open_task: int

    def __getattr__(self, name: str) -> Any:
        return getattr(self.people, name)

    def call(self, name: str) -> None:
        caller, contract, function, arguments = PAUSED[name]
        target = self.heitje if contract == "heitje" else self.redemption
        with boa.env.prank(getattr(self.people, caller)):
            getattr(target, function)(*arguments(self))


@pytest.fixture
def paused_world(takings, redemption, flow, people):
    """One of everything a paused call could act on, then the emergency stop."""
    appellant = boa.env.generate_address("appellant")
    with boa.env.prank(people.registrar):
        takings.register_citizens([appellant], [3])
    stale_task = flow.claimed(people.citizen, duration=3_600)
    closable_task = flow.commission(deadline=flow.now() + 1)
    rejected_task = flow.rejected(people.other_citizen)
    submitted_task = flow.submitted(people.citizen)
    appealed_task = flow.rejected(appellant)
    flow.appeal(appealed_task, appellant)
    flow.travel(2 * 3_600)
    open_task = flow.commission()
    with boa.env.prank(people.admin):
        takings.set_paused(True)
    return PausedWorld(
        takings,
        redemption,
        people,
        appellant,
        stale_task,
        closable_task,
        rejected_task,
        submitted_task,
        appealed_task,
        open_task,
    )


@pytest.mark.parametrize("name", PAUSED)
def test_paused_contract_refuses(paused_world, name):
    with boa.reverts("heitje: paused"):
        paused_world.call(name)


@pytest.mark.parametrize("name", PAUSED)
def test_unpaused_contract_accepts_the_same_call(paused_world, name):
    with boa.env.prank(paused_world.admin):
        paused_world.heitje.set_paused(False)
    paused_world.call(name)
    assert paused_world.heitje.ledger().paused is False


def test_transfer_works_while_paused(paused_world):
    heitje = paused_world.heitje
    with boa.env.prank(paused_world.citizen):
        heitje.transfer(paused_world.merchant, 0)
    with boa.env.prank(paused_world.merchant):
        heitje.transfer(paused_world.citizen, 1_000)
    assert heitje.balanceOf(paused_world.citizen) == 1_000
    assert heitje.balanceOf(paused_world.merchant) == 5_000


def test_pay_works_while_paused(paused_world):
    heitje = paused_world.heitje
    with boa.env.prank(paused_world.merchant):
        heitje.transfer(paused_world.citizen, 1_000)
    with boa.env.prank(paused_world.citizen):
        heitje.pay(paused_world.other_merchant, 1_000, REFERENCE)
    assert event_names(heitje) == ["Transfer", "Payment"]
    assert heitje.balanceOf(paused_world.other_merchant) == 2_000


def test_approve_and_transfer_from_work_while_paused(paused_world):
    heitje = paused_world.heitje
    with boa.env.prank(paused_world.merchant):
        heitje.approve(paused_world.outsider, 500)
    with boa.env.prank(paused_world.outsider):
        heitje.transferFrom(paused_world.merchant, paused_world.citizen, 500)
    assert heitje.balanceOf(paused_world.citizen) == 500


def test_admin_settings_work_while_paused(paused_world, flow):
    heitje = paused_world.heitje
    year = heitje.period()[0]
    flow.next_block()
    with boa.env.prank(paused_world.admin):
        heitje.grant_role(paused_world.outsider, ROLE["REVIEWER"])
        heitje.set_caps(100_000, 0, year + 1)
        heitje.set_max_open_claims(4)
    assert heitje.roles_of(paused_world.outsider) == ROLE["REVIEWER"]
    assert heitje.caps().max_open_claims == 4


def test_paused_flag_is_visible_in_the_ledger(paused_world):
    heitje = paused_world.heitje
    assert heitje.ledger().paused is True
    with boa.env.prank(paused_world.admin):
        heitje.set_paused(False)
    assert only_event(heitje, "Unpaused").admin == paused_world.admin


# ------------------------------------------------------- emergency tools
@pytest.mark.parametrize(
    ("manager", "who"), [("registrar", "citizen"), ("merchant_manager", "merchant")]
)
def test_set_active_works_while_paused(paused_world, manager, who):
    heitje, account = paused_world.heitje, getattr(paused_world, who)
    with boa.env.prank(getattr(paused_world, manager)):
        heitje.set_active(account, False)
    assert heitje.account(account).active is False
    assert heitje.ledger().paused is True


def test_a_shop_frozen_while_paused_takes_no_payments(paused_world):
    """Payments go on during a pause, so freezing a shop must work then."""
    heitje = paused_world.heitje
    with boa.env.prank(paused_world.merchant_manager):
        heitje.set_active(paused_world.other_merchant, False)
    with (
        boa.env.prank(paused_world.other_citizen),
        boa.reverts("heitje: this shop no longer accepts Heitjes"),
    ):
        heitje.transfer(paused_world.other_merchant, 1)


def test_move_citizen_works_while_paused(paused_world, flow):
    heitje = paused_world.heitje
    new_wallet = boa.env.generate_address("new_wallet")
    before = heitje.account(paused_world.citizen)
    with boa.env.prank(paused_world.registrar):
        heitje.move_citizen(paused_world.citizen, new_wallet)
    assert event_names(heitje) == ["Transfer", "CitizenMoved"]
    after = heitje.account(new_wallet)
    assert (after.id, after.balance, after.reserved, after.open_claims) == (
        before.id,
        before.balance,
        before.reserved,
        before.open_claims,
    )
    assert heitje.account(paused_world.citizen).moved is True
    with boa.env.prank(paused_world.admin):
        heitje.set_paused(False)
    flow.approve(paused_world.submitted_task, new_wallet)
    assert flow.claim_of(paused_world.submitted_task, new_wallet).status == CLAIM["PAID"]


# ---------------------------------------------------- deadlines and pauses
@pytest.fixture
def expiring(heitje, flow, citizen):
    """`citizen` claimed a task whose claim runs out a day from now; returns (task, expiry)."""
    task_id = flow.claimed(citizen, duration=DAY)
    return task_id, flow.claim_of(task_id, citizen).expires_at


def pause_over(flow, start: int, end: int) -> None:
    """The admin pauses at `start` and unpauses at `end`."""
    flow.set_time(start)
    flow.set_paused(True)
    flow.set_time(end)
    flow.set_paused(False)


def test_claim_expiring_during_a_pause_can_be_submitted_within_the_grace(
    heitje, flow, citizen, expiring
):
    task_id, expires_at = expiring
    pause_over(flow, expires_at - 3_600, expires_at + 3 * DAY)
    flow.set_time(expires_at + 3 * DAY + RESUBMIT_WINDOW)
    flow.submit(task_id, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM["SUBMITTED"]


def test_claim_expiring_during_a_pause_cannot_be_expired_within_the_grace(
    heitje, flow, citizen, outsider, expiring
):
    task_id, expires_at = expiring
    pause_over(flow, expires_at - 3_600, expires_at + 3 * DAY)
    flow.set_time(expires_at + 3 * DAY + RESUBMIT_WINDOW)
    with boa.env.prank(outsider), boa.reverts("tasks: claim still valid"):
        heitje.expire_claim(task_id, citizen)
    assert flow.claim_of(task_id, citizen).expires_at == expires_at


def test_claim_expiring_during_a_pause_expires_when_the_grace_ends(
    heitje, flow, citizen, outsider, expiring
):
    task_id, expires_at = expiring
    pause_over(flow, expires_at - 3_600, expires_at + 3 * DAY)
    flow.set_time(expires_at + 3 * DAY + RESUBMIT_WINDOW + 1)
    with boa.env.prank(citizen), boa.reverts("tasks: claim expired"):
        heitje.submit(task_id, EVIDENCE_CID)
    with boa.env.prank(outsider):
        heitje.expire_claim(task_id, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM["EXPIRED"]


def test_claim_expiring_at_the_second_the_pause_starts_gets_the_grace(
    heitje, flow, citizen, expiring
):
    task_id, expires_at = expiring
    pause_over(flow, expires_at, expires_at + DAY)
    flow.set_time(expires_at + DAY + RESUBMIT_WINDOW)
    flow.submit(task_id, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM["SUBMITTED"]


def test_claim_expired_before_the_pause_gets_no_grace(heitje, flow, citizen, outsider, expiring):
    task_id, expires_at = expiring
    pause_over(flow, expires_at + 1, expires_at + DAY)
    with boa.env.prank(citizen), boa.reverts("tasks: claim expired"):
        heitje.submit(task_id, EVIDENCE_CID)
    with boa.env.prank(outsider):
        heitje.expire_claim(task_id, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM["EXPIRED"]


def test_rejection_window_ending_during_a_pause_can_be_appealed_within_the_grace(
    heitje, flow, citizen
):
    task_id = flow.rejected(citizen, duration=DAY)
    expires_at = flow.claim_of(task_id, citizen).expires_at
    pause_over(flow, expires_at - DAY, expires_at + DAY)
    flow.set_time(expires_at + DAY + RESUBMIT_WINDOW)
    flow.appeal(task_id, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM["APPEALED"]


def test_pause_within_the_grace_of_an_earlier_one_keeps_the_earlier_start(
    heitje, flow, citizen, expiring
):
    """Deadlines that fell in the first pause stay extended through a second one begun within
    the first one's grace: the second pause's start alone would have left them expired."""
    task_id, expires_at = expiring
    first_unpause = expires_at + DAY
    pause_over(flow, expires_at - 3_600, first_unpause)
    second_unpause = first_unpause + RESUBMIT_WINDOW + DAY
    pause_over(flow, first_unpause + RESUBMIT_WINDOW, second_unpause)
    flow.set_time(second_unpause + RESUBMIT_WINDOW)
    flow.submit(task_id, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM["SUBMITTED"]


def test_pause_after_the_grace_of_an_earlier_one_extends_only_its_own_deadlines(
    heitje, flow, citizen, outsider, expiring
):
    task_id, expires_at = expiring
    first_unpause = expires_at + DAY
    pause_over(flow, expires_at - 3_600, first_unpause)
    pause_over(flow, first_unpause + RESUBMIT_WINDOW + 1, first_unpause + RESUBMIT_WINDOW + DAY)
    with boa.env.prank(outsider):
        heitje.expire_claim(task_id, citizen)
    assert flow.claim_of(task_id, citizen).status == CLAIM["EXPIRED"]


def test_move_merchant_works_while_paused(paused_world, flow):
    heitje = paused_world.heitje
    new_wallet = boa.env.generate_address("new_shop_wallet")
    before = heitje.account(paused_world.merchant)
    with boa.env.prank(paused_world.merchant_manager):
        heitje.move_merchant(paused_world.merchant, new_wallet)
    assert event_names(heitje) == ["Transfer", "MerchantMoved"]
    after = heitje.account(new_wallet)
    assert (after.id, after.balance, after.active) == (before.id, before.balance, True)
    assert heitje.account(paused_world.merchant).moved is True
    with boa.env.prank(paused_world.admin):
        heitje.set_paused(False)
    flow.redeem(new_wallet, before.balance)
    assert heitje.balanceOf(new_wallet) == 0
