"""Rule 2, escrow: the budget the treasurer grants, and tasks that lock it."""

from __future__ import annotations

import boa
import pytest
from contracts_support import BUDGET, DAY, TASK_CID, heitje_constant, only_event

MAX_REWARD = heitje_constant("MAX_REWARD")
MAX_SLOTS = heitje_constant("MAX_SLOTS")
MIN_CLAIM_DURATION = heitje_constant("MIN_CLAIM_DURATION")
MAX_CLAIM_DURATION = heitje_constant("MAX_CLAIM_DURATION")
MAX_NEIGHBOURHOOD = heitje_constant("MAX_NEIGHBOURHOOD")
MAX_TOTAL_BUDGET = heitje_constant("MAX_TOTAL_BUDGET")
MASK_40 = heitje_constant("MASK_40")
TASK_STATUS = {name: heitje_constant(f"TASK_{name}") for name in ("OPEN", "CANCELLED", "CLOSED")}


def money(heitje) -> tuple[int, int, int, int]:
    ledger = heitje.ledger()
    return (
        ledger.budget_granted,
        ledger.budget_available,
        ledger.escrow_locked,
        ledger.total_minted,
    )


# ------------------------------------------------------------------ budget
def test_wired_deployment_has_the_granted_budget_available(heitje):
    assert money(heitje) == (BUDGET, BUDGET, 0, 0)


def test_grant_budget_adds_to_granted_and_available_and_emits(heitje, treasurer):
    with boa.env.prank(treasurer):
        heitje.grant_budget(5_000)
    event = only_event(heitje, "BudgetGranted")
    assert (event.amount, event.granted_total, event.treasurer) == (
        5_000,
        BUDGET + 5_000,
        treasurer,
    )
    assert money(heitje) == (BUDGET + 5_000, BUDGET + 5_000, 0, 0)


def test_grant_budget_refuses_zero(heitje, treasurer):
    with boa.env.prank(treasurer), boa.reverts("budget: amount out of range"):
        heitje.grant_budget(0)


def test_grant_budget_up_to_the_maximum_total_is_accepted(heitje, treasurer):
    with boa.env.prank(treasurer):
        heitje.grant_budget(MAX_TOTAL_BUDGET - BUDGET)
    assert heitje.ledger().budget_granted == MAX_TOTAL_BUDGET


def test_grant_budget_beyond_the_maximum_total_is_refused(heitje, treasurer):
    with boa.env.prank(treasurer), boa.reverts("budget: amount out of range"):
        heitje.grant_budget(MAX_TOTAL_BUDGET - BUDGET + 1)


@pytest.mark.parametrize(
    "amount", [2**256 - 1, 2**256 - BUDGET, 2**255], ids=["2**256-1", "2**256-BUDGET", "2**255"]
)
def test_grant_budget_refuses_an_absurd_amount_with_a_reason(heitje, treasurer, amount):
    """Such an amount used to overflow the running total: a revert without a reason."""
    with boa.env.prank(treasurer), boa.reverts("budget: amount out of range"):
        heitje.grant_budget(amount)


def test_withdraw_budget_takes_back_uncommitted_budget_and_emits(heitje, treasurer):
    with boa.env.prank(treasurer):
        heitje.withdraw_budget(1_500)
    event = only_event(heitje, "BudgetWithdrawn")
    assert (event.amount, event.granted_total, event.treasurer) == (
        1_500,
        BUDGET - 1_500,
        treasurer,
    )
    assert money(heitje) == (BUDGET - 1_500, BUDGET - 1_500, 0, 0)


def test_withdraw_budget_cannot_touch_committed_budget(heitje, flow, treasurer):
    flow.commission(reward=1_000, slots=5)
    with boa.env.prank(treasurer):
        with boa.reverts("budget: more than uncommitted"):
            heitje.withdraw_budget(BUDGET - 5_000 + 1)
        heitje.withdraw_budget(BUDGET - 5_000)
    assert money(heitje) == (5_000, 0, 5_000, 0)


def test_withdraw_budget_refuses_zero(heitje, treasurer):
    with boa.env.prank(treasurer), boa.reverts("budget: more than uncommitted"):
        heitje.withdraw_budget(0)


def test_paid_out_budget_cannot_be_withdrawn(heitje, flow, treasurer, citizen):
    flow.earn(citizen, 2_000)
    assert money(heitje) == (BUDGET, BUDGET - 2_000, 0, 2_000)
    with boa.env.prank(treasurer), boa.reverts("budget: more than uncommitted"):
        heitje.withdraw_budget(BUDGET - 2_000 + 1)


# ------------------------------------------------------------------ tasks
def test_commission_locks_reward_times_slots(heitje, flow):
    flow.commission(reward=1_234, slots=7)
    assert money(heitje) == (BUDGET, BUDGET - 1_234 * 7, 1_234 * 7, 0)


def test_commission_records_the_terms_and_emits(heitje, flow, task_manager):
    _, _, tasks_before = heitje.counts()
    deadline = flow.now() + 3 * DAY
    with boa.env.prank(task_manager):
        task_id = heitje.commission_task(TASK_CID, 600, 4, deadline, 2 * DAY, 42)
    event = only_event(heitje, "TaskCommissioned")
    assert task_id == tasks_before + 1 == event.task_id
    assert (event.reward, event.slots, event.claim_deadline, event.claim_duration) == (
        600,
        4,
        deadline,
        2 * DAY,
    )
    assert (event.neighbourhood, event.metadata_cid, event.task_manager) == (
        42,
        TASK_CID,
        task_manager,
    )
    task = heitje.task(task_id)
    assert (task.reward, task.slots, task.slots_open) == (600, 4, 4)
    assert (task.claim_deadline, task.claim_duration, task.neighbourhood) == (
        deadline,
        2 * DAY,
        42,
    )
    assert task.status == TASK_STATUS["OPEN"]
    assert heitje.counts()[2] == task_id


def test_commission_beyond_available_budget_is_refused(heitje, flow):
    with boa.reverts("budget: not enough budget"):
        flow.commission(reward=4_000, slots=BUDGET // 4_000 + 1)


def test_commission_of_exactly_the_available_budget_is_accepted(heitje, flow):
    flow.commission(reward=4_000, slots=BUDGET // 4_000)
    assert heitje.ledger().budget_available == 0
    with boa.reverts("budget: not enough budget"):
        flow.commission(reward=1, slots=1)


OUT_OF_RANGE = {
    "empty cid": {"cid": ""},
    "zero reward": {"reward": 0},
    "reward above MAX_REWARD": {"reward": MAX_REWARD + 1},
    "zero slots": {"slots": 0},
    "slots above MAX_SLOTS": {"slots": MAX_SLOTS + 1},
    "duration below MIN_CLAIM_DURATION": {"duration": MIN_CLAIM_DURATION - 1},
    "duration above MAX_CLAIM_DURATION": {"duration": MAX_CLAIM_DURATION + 1},
    "zero neighbourhood": {"neighbourhood": 0},
    "neighbourhood above MAX_NEIGHBOURHOOD": {"neighbourhood": MAX_NEIGHBOURHOOD + 1},
}


@pytest.mark.parametrize("terms", OUT_OF_RANGE.values(), ids=OUT_OF_RANGE.keys())
def test_commission_refuses_every_term_out_of_range(heitje, flow, treasurer, terms):
    with boa.env.prank(treasurer):
        heitje.grant_budget(MAX_REWARD * MAX_SLOTS)
    with boa.reverts("tasks: terms out of range"):
        flow.commission(**terms)


@pytest.mark.parametrize("offset", [0, -1, -DAY], ids=["now", "a second ago", "yesterday"])
def test_commission_refuses_a_deadline_not_in_the_future(flow, offset):
    with boa.reverts("tasks: deadline not in future"):
        flow.commission(deadline=flow.now() + offset)


def test_commission_refuses_a_deadline_beyond_40_bits(flow):
    with boa.reverts("tasks: deadline not in future"):
        flow.commission(deadline=MASK_40 + 1)


BOUNDARY = {
    "MAX_REWARD": {"reward": MAX_REWARD, "slots": 1},
    "MAX_SLOTS": {"reward": 1, "slots": MAX_SLOTS},
    "MAX_REWARD x MAX_SLOTS": {"reward": MAX_REWARD, "slots": MAX_SLOTS},
    "MIN_CLAIM_DURATION": {"duration": MIN_CLAIM_DURATION},
    "MAX_CLAIM_DURATION": {"duration": MAX_CLAIM_DURATION},
    "MAX_NEIGHBOURHOOD": {"neighbourhood": MAX_NEIGHBOURHOOD},
    "deadline one second ahead": {"deadline_offset": 1},
    "deadline at 2**40 - 1": {"deadline": MASK_40},
}


@pytest.mark.parametrize("terms", BOUNDARY.values(), ids=BOUNDARY.keys())
def test_commission_accepts_every_term_at_its_bound(heitje, flow, treasurer, terms):
    with boa.env.prank(treasurer):
        heitje.grant_budget(MAX_REWARD * MAX_SLOTS)
    terms = dict(terms)
    if "deadline_offset" in terms:
        terms["deadline"] = flow.now() + terms.pop("deadline_offset")
    task_id = flow.commission(**terms)
    task = heitje.task(task_id)
    assert task.status == TASK_STATUS["OPEN"]
    assert heitje.ledger().escrow_locked == task.reward * task.slots


# ------------------------------------------------------------------ cancel
def test_cancel_returns_only_the_open_slots(heitje, flow, task_manager, citizen):
    task_id = flow.commission(reward=1_000, slots=3)
    flow.claim(task_id, citizen)
    with boa.env.prank(task_manager):
        heitje.cancel_task(task_id)
    event = only_event(heitje, "TaskCancelled")
    assert (event.task_id, event.returned, event.task_manager) == (task_id, 2_000, task_manager)
    assert money(heitje) == (BUDGET, BUDGET - 1_000, 1_000, 0)
    task = heitje.task(task_id)
    assert (task.status, task.slots_open) == (TASK_STATUS["CANCELLED"], 0)


def test_cancelled_task_still_pays_work_already_claimed(heitje, flow, citizen):
    task_id = flow.claimed(citizen, reward=1_000, slots=3)
    flow.cancel(task_id)
    flow.submit(task_id, citizen)
    flow.approve(task_id, citizen)
    assert heitje.balanceOf(citizen) == 1_000
    assert money(heitje) == (BUDGET, BUDGET - 1_000, 0, 1_000)


def test_cancelled_task_still_pays_work_already_submitted(heitje, flow, citizen):
    task_id = flow.submitted(citizen, reward=1_000, slots=3)
    flow.cancel(task_id)
    flow.approve(task_id, citizen)
    assert heitje.balanceOf(citizen) == 1_000


def test_cancelled_task_cannot_be_claimed(heitje, flow, citizen):
    task_id = flow.commission()
    flow.cancel(task_id)
    with boa.env.prank(citizen), boa.reverts("tasks: task not open"):
        heitje.claim(task_id)


def test_cancel_twice_is_refused(heitje, flow, task_manager):
    task_id = flow.commission()
    flow.cancel(task_id)
    with boa.env.prank(task_manager), boa.reverts("tasks: task not open"):
        heitje.cancel_task(task_id)


def test_cancel_of_an_unknown_task_is_refused(heitje, task_manager):
    with boa.env.prank(task_manager), boa.reverts("tasks: task not open"):
        heitje.cancel_task(999)


def test_cancel_after_the_deadline_is_allowed(heitje, flow):
    task_id = flow.commission(reward=500, slots=2)
    flow.travel(heitje.task(task_id).claim_deadline - flow.now() + 1)
    flow.cancel(task_id)
    assert heitje.task(task_id).status == TASK_STATUS["CANCELLED"]
    assert heitje.ledger().budget_available == BUDGET


# ------------------------------------------------------------------- close
def test_close_task_before_the_deadline_is_refused(heitje, flow, outsider):
    task_id = flow.commission()
    flow.travel(heitje.task(task_id).claim_deadline - flow.now())
    with boa.env.prank(outsider), boa.reverts("tasks: deadline not passed"):
        heitje.close_task(task_id)


def test_anyone_may_close_a_task_after_its_deadline(heitje, flow, outsider, citizen):
    task_id = flow.commission(reward=700, slots=3)
    flow.claim(task_id, citizen)
    flow.travel(heitje.task(task_id).claim_deadline - flow.now() + 1)
    with boa.env.prank(outsider):
        heitje.close_task(task_id)
    event = only_event(heitje, "TaskClosed")
    assert (event.task_id, event.returned, event.caller) == (task_id, 1_400, outsider)
    task = heitje.task(task_id)
    assert (task.status, task.slots_open) == (TASK_STATUS["CLOSED"], 0)
    assert money(heitje) == (BUDGET, BUDGET - 700, 700, 0)


def test_closed_task_cannot_be_closed_or_cancelled_again(heitje, flow, outsider, task_manager):
    task_id = flow.commission()
    flow.travel(heitje.task(task_id).claim_deadline - flow.now() + 1)
    with boa.env.prank(outsider):
        heitje.close_task(task_id)
        with boa.reverts("tasks: task not open"):
            heitje.close_task(task_id)
    with boa.env.prank(task_manager), boa.reverts("tasks: task not open"):
        heitje.cancel_task(task_id)


def test_cancelled_task_cannot_be_closed(heitje, flow, outsider):
    task_id = flow.commission()
    flow.cancel(task_id)
    flow.travel(heitje.task(task_id).claim_deadline - flow.now() + 1)
    with boa.env.prank(outsider), boa.reverts("tasks: task not open"):
        heitje.close_task(task_id)


def test_closed_task_still_pays_claimed_work(heitje, flow, outsider, citizen):
    task_id = flow.commission(reward=700, slots=2, duration=30 * DAY)
    flow.claim(task_id, citizen)
    flow.travel(heitje.task(task_id).claim_deadline - flow.now() + 1)
    with boa.env.prank(outsider):
        heitje.close_task(task_id)
    flow.submit(task_id, citizen)
    flow.approve(task_id, citizen)
    assert heitje.balanceOf(citizen) == 700


def test_a_slot_pays_at_most_100_euros(heitje, flow):
    """Issue #15: a slot is a resident's small task, not a job: 100.00 at most (was 1,500.00)."""
    assert MAX_REWARD == 10_000
    with boa.reverts("tasks: terms out of range"):
        flow.commission(reward=10_001, slots=1)
    assert heitje.task(flow.commission(reward=10_000, slots=1)).reward == 10_000
