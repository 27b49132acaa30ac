"""Rule 3, the cap: yearly (and optional monthly) earnings limits, reservations against them, caps
scheduled for next year only (raised freely, lowered only while paused in an earlier transaction),
and the Europe/Amsterdam year boundary."""

from __future__ import annotations

import boa
import pytest
from contracts_support import ROLE, ZERO_FORWARDER, amsterdam, heitje_constant, only_event, utc

DEFAULT_YEARLY_CAP = heitje_constant("DEFAULT_YEARLY_CAP")
DEFAULT_MONTHLY_CAP = heitje_constant("DEFAULT_MONTHLY_CAP")
MAX_CAP = heitje_constant("MAX_CAP")
MAX_REWARD = heitje_constant("MAX_REWARD")
MASK_16 = heitje_constant("MASK_16")
# Monthly cap of the deployments that have one: 100.00 a month (a volunteer allowance's scale;
# one task's largest reward, so one claim reaches it).
MONTHLY = MAX_REWARD
YEARLY_WITH_MONTHLY = 100_000
NEW_YEAR_2028 = utc(2027, 12, 31, 23)  # 1 January 2028 00:00 in Amsterdam


@pytest.fixture
def monthly(deploy_wesh, flow_for):
    """A deployment with a yearly cap of 1,000.00 and a monthly cap of 100.00."""
    heitje, redemption = deploy_wesh(yearly_cap=YEARLY_WITH_MONTHLY, monthly_cap=MONTHLY)
    return flow_for(heitje, redemption)


# ------------------------------------------------------------- deployment
def test_wired_deployment_has_the_default_caps(heitje):
    caps = heitje.caps()
    assert (caps.yearly, caps.monthly) == (DEFAULT_YEARLY_CAP, DEFAULT_MONTHLY_CAP)
    assert (caps.next_yearly, caps.next_monthly, caps.next_from_year) == (0, 0, 0)
    assert caps.max_open_claims == heitje_constant("DEFAULT_MAX_OPEN_CLAIMS")


def test_deploy_emits_the_caps_in_force(heitje_deployer, admin):
    fresh = heitje_deployer.deploy(admin, YEARLY_WITH_MONTHLY, MONTHLY, ZERO_FORWARDER)
    event = only_event(fresh, "CapsChanged")
    assert (event.yearly, event.monthly, event.from_year, event.admin) == (
        YEARLY_WITH_MONTHLY,
        MONTHLY,
        0,
        admin,
    )


@pytest.mark.parametrize(
    ("yearly", "monthly"),
    [(0, 0), (MAX_CAP + 1, 0), (1_000, 1_001)],
    ids=["zero yearly", "yearly above MAX_CAP", "monthly above yearly"],
)
def test_deploy_refuses_caps_out_of_range(heitje_deployer, admin, yearly, monthly):
    with boa.reverts("cap: caps out of range"):
        heitje_deployer.deploy(admin, yearly, monthly, ZERO_FORWARDER)


def test_deploy_accepts_the_maximum_cap(heitje_deployer, admin):
    fresh = heitje_deployer.deploy(admin, MAX_CAP, MAX_CAP, ZERO_FORWARDER)
    assert (fresh.caps().yearly, fresh.caps().monthly) == (MAX_CAP, MAX_CAP)


# ------------------------------------------------------------- yearly cap
def test_claim_beyond_the_yearly_cap_is_refused(heitje, flow, citizen):
    flow.earn(citizen, DEFAULT_YEARLY_CAP - 100)
    task_id = flow.commission(reward=101)
    with boa.env.prank(citizen), boa.reverts("cap: yearly limit reached"):
        heitje.claim(task_id)


def test_claim_up_to_exactly_the_yearly_cap_is_accepted(heitje, flow, citizen):
    flow.earn(citizen, DEFAULT_YEARLY_CAP - 100)
    flow.earn(citizen, 100)
    assert heitje.account(citizen).earned_year == DEFAULT_YEARLY_CAP


def test_reservations_count_against_the_yearly_cap(heitje, flow, citizen):
    flow.earn(citizen, DEFAULT_YEARLY_CAP - MAX_REWARD)
    flow.claimed(citizen, reward=MAX_REWARD - 100)
    task_id = flow.commission(reward=101)
    with boa.env.prank(citizen), boa.reverts("cap: yearly limit reached"):
        heitje.claim(task_id)


def test_approval_of_a_reservation_up_to_the_cap_never_fails(heitje, flow, citizen):
    flow.earn(citizen, DEFAULT_YEARLY_CAP - MAX_REWARD)
    first = flow.submitted(citizen, reward=MAX_REWARD // 2)
    second = flow.submitted(citizen, reward=MAX_REWARD - MAX_REWARD // 2)
    flow.approve(first, citizen)
    flow.approve(second, citizen)
    account = heitje.account(citizen)
    assert (account.earned_year, account.reserved) == (DEFAULT_YEARLY_CAP, 0)


def test_released_reservation_makes_room_under_the_cap(heitje, flow, citizen):
    flow.earn(citizen, DEFAULT_YEARLY_CAP - MAX_REWARD)
    big = flow.claimed(citizen, reward=MAX_REWARD)
    task_id = flow.commission(reward=1)
    with boa.env.prank(citizen), boa.reverts("cap: yearly limit reached"):
        heitje.claim(task_id)
    flow.abandon(big, citizen)
    flow.claim(task_id, citizen)
    assert heitje.account(citizen).reserved == 1


def test_the_cap_is_per_citizen(heitje, flow, citizen, other_citizen):
    flow.earn(citizen, DEFAULT_YEARLY_CAP)
    flow.earn(other_citizen, DEFAULT_YEARLY_CAP)
    assert heitje.balanceOf(other_citizen) == DEFAULT_YEARLY_CAP


def test_spending_does_not_give_room_under_the_cap(heitje, flow, citizen, merchant):
    flow.earn(citizen, DEFAULT_YEARLY_CAP)
    flow.pay(citizen, merchant, DEFAULT_YEARLY_CAP)
    task_id = flow.commission(reward=1)
    with boa.env.prank(citizen), boa.reverts("cap: yearly limit reached"):
        heitje.claim(task_id)


# ------------------------------------------------------------ monthly cap
def test_claim_beyond_the_monthly_cap_is_refused(monthly, citizen):
    monthly.earn(citizen, MONTHLY - 10)
    task_id = monthly.commission(reward=11)
    with boa.env.prank(citizen), boa.reverts("cap: monthly limit reached"):
        monthly.heitje.claim(task_id)


def test_reservations_count_against_the_monthly_cap(monthly, citizen):
    monthly.claimed(citizen, reward=MONTHLY)
    task_id = monthly.commission(reward=1)
    with boa.env.prank(citizen), boa.reverts("cap: monthly limit reached"):
        monthly.heitje.claim(task_id)


def test_monthly_cap_resets_at_the_start_of_an_amsterdam_month(monthly, citizen):
    monthly.set_time(amsterdam(2027, 4, 20, 12))
    monthly.earn(citizen, MONTHLY)
    monthly.set_time(amsterdam(2027, 5, 1) - 1)
    task_id = monthly.commission(reward=1)
    with boa.env.prank(citizen), boa.reverts("cap: monthly limit reached"):
        monthly.heitje.claim(task_id)
    monthly.set_time(amsterdam(2027, 5, 1))
    monthly.claim(task_id, citizen)
    account = monthly.heitje.account(citizen)
    assert (account.earned_year, account.earned_month) == (MONTHLY, 0)


def test_yearly_cap_binds_even_when_each_month_stays_under_its_cap(monthly, citizen):
    for month in range(1, 13):
        monthly.set_time(amsterdam(2029, month, 15))
        if monthly.heitje.account(citizen).earned_year + MONTHLY > YEARLY_WITH_MONTHLY:
            task_id = monthly.commission(reward=MONTHLY)
            with boa.env.prank(citizen), boa.reverts("cap: yearly limit reached"):
                monthly.heitje.claim(task_id)
            break
        monthly.earn(citizen, MONTHLY)
    assert monthly.heitje.account(citizen).earned_year <= YEARLY_WITH_MONTHLY
    assert monthly.heitje.account(citizen).earned_year > YEARLY_WITH_MONTHLY - MONTHLY


# ----------------------------------------------------------------- set_caps
def test_set_caps_schedules_caps_for_next_year_and_emits(heitje, flow, admin):
    year = heitje.period()[0]
    with boa.env.prank(admin):
        heitje.set_caps(200_000, 0, year + 1)
    event = only_event(heitje, "CapsChanged")
    assert (event.yearly, event.monthly, event.from_year, event.admin) == (
        200_000,
        0,
        year + 1,
        admin,
    )
    caps = heitje.caps()
    assert (caps.yearly, caps.monthly) == (DEFAULT_YEARLY_CAP, DEFAULT_MONTHLY_CAP)
    assert (caps.next_yearly, caps.next_monthly, caps.next_from_year) == (200_000, 0, year + 1)


def test_lower_caps_scheduled_while_paused_are_recorded_and_emitted(heitje, flow, admin):
    year = heitje.period()[0]
    with flow.paused_to_lower_caps(), boa.env.prank(admin):
        heitje.set_caps(120_000, 12_000, year + 1)
        event = only_event(heitje, "CapsChanged")
    assert (event.yearly, event.monthly, event.from_year, event.admin) == (
        120_000,
        12_000,
        year + 1,
        admin,
    )
    caps = heitje.caps()
    assert (caps.yearly, caps.monthly) == (DEFAULT_YEARLY_CAP, DEFAULT_MONTHLY_CAP)
    assert (caps.next_yearly, caps.next_monthly, caps.next_from_year) == (
        120_000,
        12_000,
        year + 1,
    )


@pytest.mark.parametrize("years_ahead", [0, -1])
def test_set_caps_refuses_the_current_or_a_past_year(heitje, admin, years_ahead):
    year = heitje.period()[0]
    with boa.env.prank(admin), boa.reverts("cap: only for next year"):
        heitje.set_caps(200_000, 0, year + years_ahead)


def test_set_caps_refuses_the_year_after_next(heitje, admin):
    year = heitje.period()[0]
    with boa.env.prank(admin), boa.reverts("cap: only for next year"):
        heitje.set_caps(200_000, 0, year + 2)
    assert heitje.caps().next_from_year == 0


def test_set_caps_refuses_a_year_beyond_16_bits(heitje, admin):
    with boa.env.prank(admin), boa.reverts("cap: only for next year"):
        heitje.set_caps(200_000, 0, MASK_16 + 1)


@pytest.mark.parametrize(
    ("yearly", "monthly"),
    [(0, 0), (MAX_CAP + 1, 0), (1_000, 1_001)],
    ids=["zero yearly", "yearly above MAX_CAP", "monthly above yearly"],
)
def test_set_caps_refuses_caps_out_of_range(heitje, admin, yearly, monthly):
    year = heitje.period()[0]
    with boa.env.prank(admin), boa.reverts("cap: caps out of range"):
        heitje.set_caps(yearly, monthly, year + 1)


def test_set_caps_again_replaces_the_pending_schedule_and_emits(heitje, admin):
    year = heitje.period()[0]
    with boa.env.prank(admin):
        heitje.set_caps(300_000, 0, year + 1)
        heitje.set_caps(200_000, 0, year + 1)
        event = only_event(heitje, "CapsChanged")
    assert (event.yearly, event.monthly, event.from_year) == (200_000, 0, year + 1)
    caps = heitje.caps()
    assert (caps.next_yearly, caps.next_monthly, caps.next_from_year) == (200_000, 0, year + 1)


def test_replacing_a_pending_raise_with_a_lower_cap_needs_the_pause(heitje, flow, admin):
    year = heitje.period()[0]
    with boa.env.prank(admin):
        heitje.set_caps(300_000, 0, year + 1)
        with boa.reverts("cap: pause before lowering caps"):
            heitje.set_caps(DEFAULT_YEARLY_CAP - 1, 0, year + 1)
    flow.lower_caps(DEFAULT_YEARLY_CAP - 1, 0)
    assert heitje.caps().next_yearly == DEFAULT_YEARLY_CAP - 1


# ------------------------------------------------------- lowering a cap
def test_raising_caps_needs_no_pause(heitje, admin):
    year = heitje.period()[0]
    assert heitje.ledger().paused is False
    with boa.env.prank(admin):
        heitje.set_caps(DEFAULT_YEARLY_CAP + 1, 0, year + 1)
    assert heitje.caps().next_yearly == DEFAULT_YEARLY_CAP + 1


def test_lowering_the_yearly_cap_without_a_pause_is_refused(heitje, admin):
    year = heitje.period()[0]
    with boa.env.prank(admin), boa.reverts("cap: pause before lowering caps"):
        heitje.set_caps(DEFAULT_YEARLY_CAP - 1, 0, year + 1)
    assert heitje.caps().next_from_year == 0


def test_adding_a_monthly_cap_where_none_is_in_force_without_a_pause_is_refused(heitje, admin):
    assert heitje.caps().monthly == 0
    year = heitje.period()[0]
    with boa.env.prank(admin), boa.reverts("cap: pause before lowering caps"):
        heitje.set_caps(DEFAULT_YEARLY_CAP, MAX_CAP // 100, year + 1)


def test_lowering_the_monthly_cap_without_a_pause_is_refused(monthly, admin):
    year = monthly.heitje.period()[0]
    with boa.env.prank(admin), boa.reverts("cap: pause before lowering caps"):
        monthly.heitje.set_caps(YEARLY_WITH_MONTHLY, MONTHLY - 1, year + 1)


def test_raising_the_monthly_cap_or_dropping_it_needs_no_pause(monthly, admin):
    year = monthly.heitje.period()[0]
    with boa.env.prank(admin):
        monthly.heitje.set_caps(YEARLY_WITH_MONTHLY, MONTHLY + 1, year + 1)
        monthly.heitje.set_caps(YEARLY_WITH_MONTHLY, 0, year + 1)
    caps = monthly.heitje.caps()
    assert (caps.next_yearly, caps.next_monthly) == (YEARLY_WITH_MONTHLY, 0)


def test_lowering_caps_after_a_pause_in_an_earlier_block_is_accepted(heitje, flow, admin):
    year = heitje.period()[0]
    flow.set_paused(True)
    flow.next_block()
    with boa.env.prank(admin):
        heitje.set_caps(DEFAULT_YEARLY_CAP - 1, 1_000, year + 1)
    caps = heitje.caps()
    assert (caps.next_yearly, caps.next_monthly, caps.next_from_year) == (
        DEFAULT_YEARLY_CAP - 1,
        1_000,
        year + 1,
    )


def test_lowering_caps_in_the_pauses_block_but_a_later_transaction_is_accepted(heitje, flow, admin):
    """The rule is a pause in an earlier transaction, not block: a node simulating `set_caps`
    runs it in the pause's block."""
    year = heitje.period()[0]
    block, timestamp = boa.env.evm.patch.block_number, flow.now()
    flow.set_paused(True)
    with boa.env.prank(admin):
        heitje.set_caps(DEFAULT_YEARLY_CAP - 1, 0, year + 1)
    assert (boa.env.evm.patch.block_number, flow.now()) == (block, timestamp)
    assert heitje.caps().next_yearly == DEFAULT_YEARLY_CAP - 1


def test_lowering_caps_after_the_pause_ended_is_refused(heitje, flow, admin):
    year = heitje.period()[0]
    flow.set_paused(True)
    flow.next_block()
    flow.set_paused(False)
    with boa.env.prank(admin), boa.reverts("cap: pause before lowering caps"):
        heitje.set_caps(DEFAULT_YEARLY_CAP - 1, 0, year + 1)


# A multisig's batch: pause, set_caps and unpause in one transaction.
PAUSE_SET_CAPS_UNPAUSE = """
# pragma version 0.4.3
interface Heitje:
    def set_paused(paused: bool): nonpayable
    def set_caps(yearly: uint256, monthly: uint256, from_year: uint256): nonpayable

@external
def batch(heitje: Heitje, yearly: uint256, monthly: uint256, from_year: uint256):
    extcall heitje.set_paused(True)
    extcall heitje.set_caps(yearly, monthly, from_year)
    extcall heitje.set_paused(False)
"""


@pytest.fixture
def multisig(heitje, admin):
    """An admin contract that runs a batch of calls in one transaction, as a multisig does."""
    batch = boa.loads(PAUSE_SET_CAPS_UNPAUSE)
    with boa.env.prank(admin):
        heitje.grant_role(batch.address, ROLE["ADMIN"])
    return batch


def test_lowering_caps_in_one_batch_with_pause_and_unpause_is_refused(heitje, multisig):
    year = heitje.period()[0]
    with boa.reverts("cap: pause before lowering caps"):
        multisig.batch(heitje.address, DEFAULT_YEARLY_CAP - 1, 0, year + 1)
    assert heitje.caps().next_from_year == 0
    assert heitje.ledger().paused is False


def test_raising_caps_in_one_batch_with_pause_and_unpause_is_accepted(heitje, multisig):
    year = heitje.period()[0]
    multisig.batch(heitje.address, DEFAULT_YEARLY_CAP + 1, 0, year + 1)
    assert heitje.caps().next_yearly == DEFAULT_YEARLY_CAP + 1


# ------------------------------------------------------- scheduled caps
def test_scheduled_lower_cap_limits_new_reservations(heitje, flow, citizen):
    flow.lower_caps(5_000, 0)
    task_id = flow.commission(reward=5_001)
    with boa.env.prank(citizen), boa.reverts("cap: yearly limit reached"):
        heitje.claim(task_id)
    flow.claimed(citizen, reward=5_000)
    task_id = flow.commission(reward=1)
    with boa.env.prank(citizen), boa.reverts("cap: yearly limit reached"):
        heitje.claim(task_id)


def test_scheduled_lower_cap_does_not_limit_this_years_earnings(heitje, flow, citizen):
    flow.lower_caps(50_000, 0)
    flow.earn(citizen, 50_000)
    flow.earn(citizen, 50_000)
    assert heitje.account(citizen).earned_year == 100_000


def test_scheduled_monthly_cap_limits_new_reservations(heitje, flow, citizen):
    flow.lower_caps(DEFAULT_YEARLY_CAP, 2_000)
    task_id = flow.commission(reward=2_001)
    with boa.env.prank(citizen), boa.reverts("cap: monthly limit reached"):
        heitje.claim(task_id)
    flow.claimed(citizen, reward=2_000)
    assert heitje.account(citizen).reserved == 2_000


def test_scheduled_higher_cap_does_not_raise_this_years_cap(heitje, flow, admin, citizen):
    year = heitje.period()[0]
    with boa.env.prank(admin):
        heitje.set_caps(MAX_CAP, 0, year + 1)
    flow.earn(citizen, DEFAULT_YEARLY_CAP)
    task_id = flow.commission(reward=1)
    with boa.env.prank(citizen), boa.reverts("cap: yearly limit reached"):
        heitje.claim(task_id)


def test_scheduled_caps_take_effect_on_1_january_amsterdam_time(heitje, flow):
    flow.set_time(amsterdam(2027, 6, 1))
    flow.lower_caps(120_000, 10_000, 2028)
    flow.set_time(NEW_YEAR_2028 - 1)
    assert heitje.caps().yearly == DEFAULT_YEARLY_CAP
    flow.set_time(NEW_YEAR_2028)
    caps = heitje.caps()
    assert (caps.yearly, caps.monthly) == (120_000, 10_000)
    assert (caps.next_yearly, caps.next_monthly, caps.next_from_year) == (0, 0, 0)


def test_scheduled_cap_limits_claims_from_the_new_year(heitje, flow, citizen):
    flow.set_time(amsterdam(2027, 6, 1))
    flow.lower_caps(120_000, 0, 2028)
    flow.set_time(NEW_YEAR_2028)
    flow.earn(citizen, 120_000)
    task_id = flow.commission(reward=1)
    with boa.env.prank(citizen), boa.reverts("cap: yearly limit reached"):
        heitje.claim(task_id)


def test_caps_scheduled_after_a_change_took_effect_keep_the_new_caps(heitje, flow, admin):
    flow.set_time(amsterdam(2027, 6, 1))
    flow.lower_caps(120_000, 10_000, 2028)
    flow.set_time(amsterdam(2028, 2, 1))
    with boa.env.prank(admin):
        heitje.set_caps(130_000, 0, 2029)
    caps = heitje.caps()
    assert (caps.yearly, caps.monthly) == (120_000, 10_000)
    assert (caps.next_yearly, caps.next_monthly, caps.next_from_year) == (130_000, 0, 2029)
    flow.set_time(amsterdam(2029, 1, 1))
    assert (heitje.caps().yearly, heitje.caps().monthly) == (130_000, 0)


def test_lowering_is_judged_against_the_caps_in_force_after_a_change(heitje, flow, admin):
    flow.set_time(amsterdam(2027, 6, 1))
    flow.lower_caps(120_000, 10_000, 2028)
    flow.set_time(amsterdam(2028, 2, 1))
    with boa.env.prank(admin), boa.reverts("cap: pause before lowering caps"):
        heitje.set_caps(130_000, 9_999, 2029)


def test_set_max_open_claims_keeps_a_scheduled_cap(heitje, admin):
    year = heitje.period()[0]
    with boa.env.prank(admin):
        heitje.set_caps(200_000, 0, year + 1)
        heitje.set_max_open_claims(7)
    caps = heitje.caps()
    assert (caps.next_yearly, caps.next_from_year, caps.max_open_claims) == (200_000, year + 1, 7)


# ----------------------------------------------------------- year boundary
def test_december_claim_approved_in_january_counts_for_january(heitje, flow, citizen):
    flow.set_time(amsterdam(2027, 12, 10, 12))
    flow.earn(citizen, 40_000)
    task_id = flow.commission(reward=MAX_REWARD, duration=60 * 86_400)
    flow.claim(task_id, citizen)
    flow.submit(task_id, citizen)
    december = heitje.account(citizen)
    assert (december.earned_year, december.reserved) == (40_000, MAX_REWARD)
    flow.set_time(amsterdam(2028, 1, 5, 12))
    january = heitje.account(citizen)
    assert (january.earned_year, january.earned_month, january.reserved) == (0, 0, MAX_REWARD)
    flow.approve(task_id, citizen)
    paid = heitje.account(citizen)
    assert (paid.earned_year, paid.earned_month, paid.reserved) == (MAX_REWARD, MAX_REWARD, 0)
    assert paid.balance == 40_000 + MAX_REWARD


def test_december_reservation_carries_over_against_the_new_years_cap(heitje, flow, citizen):
    flow.set_time(amsterdam(2027, 12, 20))
    flow.claimed_in_parts(citizen, DEFAULT_YEARLY_CAP, duration=60 * 86_400)
    flow.set_time(amsterdam(2028, 1, 2))
    task_id = flow.commission(reward=1)
    with boa.env.prank(citizen), boa.reverts("cap: yearly limit reached"):
        heitje.claim(task_id)


def test_earnings_reset_at_23_00_utc_on_31_december(heitje, flow, citizen):
    flow.set_time(amsterdam(2027, 12, 15))
    flow.earn(citizen, DEFAULT_YEARLY_CAP)
    flow.set_time(NEW_YEAR_2028 - 1)
    assert heitje.account(citizen).earned_year == DEFAULT_YEARLY_CAP
    task_id = flow.commission(reward=1)
    with boa.env.prank(citizen), boa.reverts("cap: yearly limit reached"):
        heitje.claim(task_id)
    flow.set_time(NEW_YEAR_2028)
    assert heitje.account(citizen).earned_year == 0
    flow.claim(task_id, citizen)
    assert heitje.account(citizen).reserved == 1


def test_monthly_cap_resets_on_1_january_amsterdam_time(monthly, citizen):
    monthly.set_time(amsterdam(2027, 12, 15))
    monthly.earn(citizen, MONTHLY)
    monthly.set_time(NEW_YEAR_2028 - 1)
    task_id = monthly.commission(reward=1)
    with boa.env.prank(citizen), boa.reverts("cap: monthly limit reached"):
        monthly.heitje.claim(task_id)
    monthly.set_time(NEW_YEAR_2028)
    monthly.claim(task_id, citizen)
    account = monthly.heitje.account(citizen)
    assert (account.earned_year, account.earned_month, account.reserved) == (0, 0, 1)


def test_december_claim_approved_in_january_counts_for_januarys_monthly_cap(monthly, citizen):
    monthly.set_time(amsterdam(2027, 12, 20))
    task_id = monthly.commission(reward=MONTHLY, duration=60 * 86_400)
    monthly.claim(task_id, citizen)
    monthly.submit(task_id, citizen)
    monthly.set_time(amsterdam(2028, 1, 3))
    monthly.approve(task_id, citizen)
    account = monthly.heitje.account(citizen)
    assert (account.earned_year, account.earned_month) == (MONTHLY, MONTHLY)
    later = monthly.commission(reward=1)
    with boa.env.prank(citizen), boa.reverts("cap: monthly limit reached"):
        monthly.heitje.claim(later)


def test_december_reservation_carries_over_against_januarys_monthly_cap(monthly, citizen):
    monthly.set_time(amsterdam(2027, 12, 20))
    monthly.claimed(citizen, reward=MONTHLY, duration=60 * 86_400)
    monthly.set_time(amsterdam(2028, 1, 2))
    task_id = monthly.commission(reward=1)
    with boa.env.prank(citizen), boa.reverts("cap: monthly limit reached"):
        monthly.heitje.claim(task_id)
