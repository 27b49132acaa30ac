"""The registry: citizens (registrar) and merchants (merchant manager), wallet moves (with the
refund window) and the active flag."""

from __future__ import annotations

import boa
import pytest
from contracts_support import MERCHANT_CID, event_names, events, heitje_constant, only_event

MAX_NEIGHBOURHOOD = heitje_constant("MAX_NEIGHBOURHOOD")
MAX_BATCH = heitje_constant("MAX_BATCH")
MAX_MERCHANTS = heitje_constant("MAX_MERCHANTS")
ZERO = "0x" + "00" * 20


def fresh(n: int) -> list:
    return [boa.env.generate_address(f"resident{i}") for i in range(n)]


# ---------------------------------------------------------------- citizens
def test_register_citizens_batch_assigns_consecutive_ids_and_emits(heitje, registrar):
    citizens_before, _, _ = heitje.counts()
    wallets = fresh(3)
    with boa.env.prank(registrar):
        heitje.register_citizens(wallets, [4, 5, 6])
    logged = events(heitje, "CitizenRegistered")
    assert [(e.citizen_id, e.citizen, e.neighbourhood, e.registrar) for e in logged] == [
        (citizens_before + i + 1, w, 4 + i, registrar) for i, w in enumerate(wallets)
    ]
    assert heitje.counts()[0] == citizens_before + 3
    for i, wallet in enumerate(wallets):
        account = heitje.account(wallet)
        assert account.is_citizen and account.active and not account.is_merchant
        assert (account.id, account.neighbourhood) == (citizens_before + i + 1, 4 + i)


def test_register_citizens_accepts_a_full_batch(heitje, registrar):
    before = heitje.counts()[0]
    with boa.env.prank(registrar):
        heitje.register_citizens(fresh(MAX_BATCH), [1] * MAX_BATCH)
    assert heitje.counts()[0] == before + MAX_BATCH


def test_register_citizens_refuses_different_lengths(heitje, registrar):
    with boa.env.prank(registrar), boa.reverts("registry: lengths differ"):
        heitje.register_citizens(fresh(2), [1])


def test_register_citizen_twice_is_refused(heitje, registrar, citizen):
    with boa.env.prank(registrar), boa.reverts("registry: already registered"):
        heitje.register_citizens([citizen], [1])


def test_duplicate_inside_one_batch_is_refused_and_nothing_is_registered(heitje, registrar):
    (wallet,) = fresh(1)
    before = heitje.counts()[0]
    with boa.env.prank(registrar), boa.reverts("registry: already registered"):
        heitje.register_citizens([wallet, wallet], [1, 1])
    assert heitje.counts()[0] == before
    assert not heitje.account(wallet).is_citizen


def test_merchant_cannot_be_registered_as_citizen(heitje, registrar, merchant):
    with boa.env.prank(registrar), boa.reverts("registry: already registered"):
        heitje.register_citizens([merchant], [1])


@pytest.mark.parametrize("neighbourhood", [0, MAX_NEIGHBOURHOOD + 1, 2**256 - 1])
def test_register_citizen_refuses_neighbourhood_out_of_range(heitje, registrar, neighbourhood):
    with boa.env.prank(registrar), boa.reverts("registry: invalid citizen"):
        heitje.register_citizens(fresh(1), [neighbourhood])


def test_register_citizen_accepts_the_highest_neighbourhood(heitje, registrar):
    (wallet,) = fresh(1)
    with boa.env.prank(registrar):
        heitje.register_citizens([wallet], [MAX_NEIGHBOURHOOD])
    assert heitje.account(wallet).neighbourhood == MAX_NEIGHBOURHOOD


def test_register_citizen_refuses_the_zero_address(heitje, registrar):
    with boa.env.prank(registrar), boa.reverts("registry: invalid citizen"):
        heitje.register_citizens([ZERO], [1])


def test_bad_entry_late_in_a_batch_registers_nobody(heitje, registrar):
    wallets = fresh(3)
    before = heitje.counts()[0]
    with boa.env.prank(registrar), boa.reverts("registry: invalid citizen"):
        heitje.register_citizens(wallets, [1, 2, 0])
    assert heitje.counts()[0] == before
    assert not heitje.account(wallets[0]).is_citizen


def test_set_citizen_neighbourhood_changes_it_and_emits(heitje, registrar, citizen):
    with boa.env.prank(registrar):
        heitje.set_citizen_neighbourhood(citizen, 77)
    event = only_event(heitje, "CitizenNeighbourhoodChanged")
    assert (event.citizen, event.neighbourhood, event.registrar) == (citizen, 77, registrar)
    assert event.citizen_id == heitje.account(citizen).id
    assert heitje.account(citizen).neighbourhood == 77


@pytest.mark.parametrize("neighbourhood", [0, MAX_NEIGHBOURHOOD + 1])
def test_set_citizen_neighbourhood_refuses_out_of_range(heitje, registrar, citizen, neighbourhood):
    with boa.env.prank(registrar), boa.reverts("registry: unknown neighbourhood"):
        heitje.set_citizen_neighbourhood(citizen, neighbourhood)


@pytest.mark.parametrize("who", ["merchant", "outsider"])
def test_set_citizen_neighbourhood_refuses_a_non_citizen(heitje, people, who):
    with boa.env.prank(people.registrar), boa.reverts("registry: not a citizen"):
        heitje.set_citizen_neighbourhood(getattr(people, who), 3)


# --------------------------------------------------------------- set_active
def test_registrar_deactivates_and_reactivates_a_citizen(heitje, registrar, citizen):
    with boa.env.prank(registrar):
        heitje.set_active(citizen, False)
        event = only_event(heitje, "CitizenActiveChanged")
        assert (event.citizen, event.active, event.registrar) == (citizen, False, registrar)
        assert heitje.account(citizen).active is False
        heitje.set_active(citizen, True)
        assert only_event(heitje, "CitizenActiveChanged").active is True
    assert heitje.account(citizen).active is True


def test_merchant_manager_deactivates_and_reactivates_a_merchant(
    heitje, merchant_manager, merchant
):
    with boa.env.prank(merchant_manager):
        heitje.set_active(merchant, False)
        event = only_event(heitje, "MerchantActiveChanged")
        assert (event.merchant, event.active, event.manager) == (merchant, False, merchant_manager)
        assert heitje.account(merchant).active is False
        heitje.set_active(merchant, True)
        assert only_event(heitje, "MerchantActiveChanged").active is True
    assert heitje.account(merchant).active is True


def test_registrar_cannot_deactivate_a_merchant(heitje, registrar, merchant):
    with boa.env.prank(registrar), boa.reverts("access: only a merchant manager may do this"):
        heitje.set_active(merchant, False)


def test_merchant_manager_cannot_deactivate_a_citizen(heitje, merchant_manager, citizen):
    with boa.env.prank(merchant_manager), boa.reverts("access: only a registrar may do this"):
        heitje.set_active(citizen, False)


def test_set_active_refuses_an_unregistered_address(heitje, registrar, outsider):
    with boa.env.prank(registrar), boa.reverts("registry: not registered"):
        heitje.set_active(outsider, False)


@pytest.mark.parametrize("who", ["citizen", "merchant"])
def test_set_active_to_the_current_state_is_refused(heitje, people, who):
    actor = people.registrar if who == "citizen" else people.merchant_manager
    with boa.env.prank(actor), boa.reverts("registry: already in that state"):
        heitje.set_active(getattr(people, who), True)


def test_deactivated_citizen_cannot_claim(heitje, flow, registrar, citizen):
    task_id = flow.commission()
    with boa.env.prank(registrar):
        heitje.set_active(citizen, False)
    with boa.env.prank(citizen), boa.reverts("tasks: not an active citizen"):
        heitje.claim(task_id)


def test_deactivated_citizen_can_still_pay(heitje, flow, registrar, citizen, merchant):
    flow.earn(citizen, 1_000)
    with boa.env.prank(registrar):
        heitje.set_active(citizen, False)
    flow.pay(citizen, merchant, 400)
    assert heitje.balanceOf(merchant) == 400


def test_deactivated_citizen_can_finish_an_already_claimed_task(heitje, flow, registrar, citizen):
    task_id = flow.claimed(citizen, reward=800)
    with boa.env.prank(registrar):
        heitje.set_active(citizen, False)
    flow.submit(task_id, citizen)
    flow.approve(task_id, citizen)
    assert heitje.balanceOf(citizen) == 800


def test_reactivated_citizen_can_claim_again(heitje, flow, registrar, citizen):
    task_id = flow.commission()
    with boa.env.prank(registrar):
        heitje.set_active(citizen, False)
        heitje.set_active(citizen, True)
    flow.claim(task_id, citizen)
    assert heitje.account(citizen).open_claims == 1


# ---------------------------------------------------------------- move
@pytest.fixture
def busy_citizen(heitje, flow, people):
    """`citizen` earned 30.00, paid 10.00 of it, and holds two open claims (one submitted)."""
    flow.earn(people.citizen, 3_000)
    flow.pay(people.citizen, people.merchant, 1_000)
    open_task = flow.claimed(people.citizen, reward=700)
    submitted_task = flow.submitted(people.citizen, reward=900)
    return open_task, submitted_task


def test_move_citizen_carries_balance_earnings_reservations_and_claims(
    heitje, flow, registrar, citizen, busy_citizen
):
    before = heitje.account(citizen)
    (new_wallet,) = fresh(1)
    with boa.env.prank(registrar):
        heitje.move_citizen(citizen, new_wallet)
    after = heitje.account(new_wallet)
    assert after.balance == before.balance == 2_000
    assert after.earned_year == before.earned_year == 3_000
    assert after.earned_month == before.earned_month
    assert after.reserved == before.reserved == 1_600
    assert after.open_claims == before.open_claims == 2
    assert (after.id, after.neighbourhood) == (before.id, before.neighbourhood)
    assert after.is_citizen and after.active
    for task_id in busy_citizen:
        assert heitje.claim_of(task_id, after.id).reward in (700, 900)


def test_move_citizen_emits_transfer_then_citizen_moved(heitje, registrar, citizen, busy_citizen):
    (new_wallet,) = fresh(1)
    citizen_id = heitje.account(citizen).id
    with boa.env.prank(registrar):
        heitje.move_citizen(citizen, new_wallet)
    assert event_names(heitje) == ["Transfer", "CitizenMoved"]
    transfer = only_event(heitje, "Transfer")
    moved = only_event(heitje, "CitizenMoved")
    assert (transfer.sender, transfer.receiver, transfer.value) == (citizen, new_wallet, 2_000)
    assert (moved.citizen_id, moved.old_wallet, moved.new_wallet) == (
        citizen_id,
        citizen,
        new_wallet,
    )
    assert (moved.balance, moved.registrar) == (2_000, registrar)


def test_moved_citizen_finishes_open_claims_from_the_new_wallet(
    heitje, flow, registrar, citizen, busy_citizen
):
    open_task, submitted_task = busy_citizen
    (new_wallet,) = fresh(1)
    with boa.env.prank(registrar):
        heitje.move_citizen(citizen, new_wallet)
    flow.approve(submitted_task, new_wallet)
    flow.submit(open_task, new_wallet)
    flow.approve(open_task, new_wallet)
    account = heitje.account(new_wallet)
    assert account.balance == 2_000 + 900 + 700
    assert (account.reserved, account.open_claims) == (0, 0)


def test_move_citizen_carries_the_refund_window(
    heitje, flow, registrar, citizen, other_citizen, merchant
):
    flow.earn(citizen, 3_000)
    flow.pay_request(citizen, merchant, 1_000)
    flow.earn(other_citizen, 500)
    flow.pay(other_citizen, merchant, 500)
    (new_wallet,) = fresh(1)
    with boa.env.prank(registrar):
        heitje.move_citizen(citizen, new_wallet)
    with boa.env.prank(merchant), boa.reverts("heitje: refund exceeds what they paid here"):
        heitje.transfer(new_wallet, 1_001)
    flow.refund(merchant, new_wallet, 1_000)
    assert heitje.balanceOf(new_wallet) == 3_000


def test_old_wallet_is_retired_and_holds_nothing(heitje, registrar, citizen, busy_citizen):
    (new_wallet,) = fresh(1)
    with boa.env.prank(registrar):
        heitje.move_citizen(citizen, new_wallet)
    old = heitje.account(citizen)
    assert old.moved is True
    assert not old.is_citizen and not old.active
    assert (old.balance, old.reserved, old.open_claims, old.id) == (0, 0, 0, 0)
    assert heitje.balanceOf(citizen) == 0


def test_old_wallet_cannot_act_on_its_claims(heitje, flow, registrar, citizen, busy_citizen):
    open_task, _ = busy_citizen
    (new_wallet,) = fresh(1)
    with boa.env.prank(registrar):
        heitje.move_citizen(citizen, new_wallet)
    with boa.env.prank(citizen), boa.reverts("tasks: not a citizen"):
        heitje.submit(open_task, "bafkrei-evidence")


def test_old_wallet_cannot_be_registered_again(heitje, registrar, citizen):
    (new_wallet,) = fresh(1)
    with boa.env.prank(registrar):
        heitje.move_citizen(citizen, new_wallet)
        with boa.reverts("registry: already registered"):
            heitje.register_citizens([citizen], [1])


def test_old_wallet_cannot_be_moved_to_again(heitje, registrar, citizen, other_citizen):
    (new_wallet,) = fresh(1)
    with boa.env.prank(registrar):
        heitje.move_citizen(citizen, new_wallet)
        with boa.reverts("registry: new wallet in use"):
            heitje.move_citizen(other_citizen, citizen)


@pytest.mark.parametrize("target", ["other_citizen", "merchant", "zero"])
def test_move_citizen_refuses_a_wallet_in_use(heitje, people, target):
    new_wallet = ZERO if target == "zero" else getattr(people, target)
    with boa.env.prank(people.registrar), boa.reverts("registry: new wallet in use"):
        heitje.move_citizen(people.citizen, new_wallet)


@pytest.mark.parametrize("who", ["merchant", "outsider"])
def test_move_citizen_refuses_a_non_citizen(heitje, people, who):
    (new_wallet,) = fresh(1)
    with boa.env.prank(people.registrar), boa.reverts("registry: not a citizen"):
        heitje.move_citizen(getattr(people, who), new_wallet)


def test_moved_wallet_cannot_be_moved_twice(heitje, registrar, citizen):
    first, second = fresh(2)
    with boa.env.prank(registrar):
        heitje.move_citizen(citizen, first)
        with boa.reverts("registry: not a citizen"):
            heitje.move_citizen(citizen, second)


def test_retired_wallet_cannot_be_deactivated(heitje, registrar, citizen):
    (new_wallet,) = fresh(1)
    with boa.env.prank(registrar):
        heitje.move_citizen(citizen, new_wallet)
        with boa.reverts("registry: not registered"):
            heitje.set_active(citizen, False)


# ---------------------------------------------------------------- merchants
def test_register_merchant_assigns_the_next_id_and_emits(heitje, merchant_manager):
    _, merchants_before, _ = heitje.counts()
    (shop,) = fresh(1)
    with boa.env.prank(merchant_manager):
        heitje.register_merchant(shop, MERCHANT_CID)
    event = only_event(heitje, "MerchantRegistered")
    assert (event.merchant_id, event.merchant, event.metadata_cid, event.manager) == (
        merchants_before + 1,
        shop,
        MERCHANT_CID,
        merchant_manager,
    )
    account = heitje.account(shop)
    assert account.is_merchant and account.active and not account.is_citizen
    assert account.id == merchants_before + 1
    assert heitje.counts()[1] == merchants_before + 1


@pytest.mark.parametrize(("wallet", "cid"), [("zero", MERCHANT_CID), ("fresh", "")])
def test_register_merchant_refuses_invalid_terms(heitje, merchant_manager, wallet, cid):
    shop = ZERO if wallet == "zero" else fresh(1)[0]
    with boa.env.prank(merchant_manager), boa.reverts("registry: invalid merchant"):
        heitje.register_merchant(shop, cid)


@pytest.mark.parametrize("who", ["merchant", "citizen"])
def test_register_merchant_refuses_a_registered_address(heitje, people, who):
    with boa.env.prank(people.merchant_manager), boa.reverts("registry: already registered"):
        heitje.register_merchant(getattr(people, who), MERCHANT_CID)


def test_update_merchant_emits_the_new_cid(heitje, merchant_manager, merchant):
    with boa.env.prank(merchant_manager):
        heitje.update_merchant(merchant, "bafkrei-new-details")
    event = only_event(heitje, "MerchantUpdated")
    assert (event.merchant, event.metadata_cid, event.manager) == (
        merchant,
        "bafkrei-new-details",
        merchant_manager,
    )
    assert event.merchant_id == heitje.account(merchant).id


def test_update_merchant_refuses_a_non_merchant(heitje, merchant_manager, citizen):
    with boa.env.prank(merchant_manager), boa.reverts("registry: not a merchant"):
        heitje.update_merchant(citizen, MERCHANT_CID)


def test_update_merchant_refuses_an_empty_cid(heitje, merchant_manager, merchant):
    with boa.env.prank(merchant_manager), boa.reverts("registry: empty metadata CID"):
        heitje.update_merchant(merchant, "")


def test_register_merchant_refuses_more_than_max_merchants(heitje, merchant_manager):
    """Merchant ids must fit the refund window's shop field. The counter is written as if the
    city had registered all but one of MAX_MERCHANTS shops."""
    counters = heitje._storage._counters
    merchants_shift = heitje_constant("MERCHANTS_SHIFT")
    word = counters.get()
    word &= ~(heitje_constant("MASK_32") << merchants_shift)
    boa.env.set_storage(
        heitje.address, counters.slot, word | (MAX_MERCHANTS - 1) << merchants_shift
    )
    last, one_too_many = fresh(2)
    with boa.env.prank(merchant_manager):
        heitje.register_merchant(last, MERCHANT_CID)
        assert heitje.account(last).id == MAX_MERCHANTS
        with boa.reverts("registry: too many merchants"):
            heitje.register_merchant(one_too_many, MERCHANT_CID)


# ----------------------------------------------------------- move merchant
@pytest.fixture
def busy_shop(flow, people):
    """`merchant` took 30.00 (10.00 of it with `pay`, so refundable) and cashed 5.00 out."""
    flow.earn(people.citizen, 3_000)
    flow.pay_request(people.citizen, people.merchant, 1_000)
    flow.pay(people.citizen, people.merchant, 2_000)
    return flow.redeem(people.merchant, 500)


def test_move_merchant_carries_balance_id_and_flags(heitje, merchant_manager, merchant, busy_shop):
    before = heitje.account(merchant)
    (new_wallet,) = fresh(1)
    with boa.env.prank(merchant_manager):
        heitje.move_merchant(merchant, new_wallet)
    after = heitje.account(new_wallet)
    assert after.balance == before.balance == 2_500
    assert after.id == before.id
    assert after.is_merchant and after.active and not after.is_citizen
    assert heitje.balanceOf(new_wallet) == 2_500


def test_move_merchant_emits_transfer_then_merchant_moved(
    heitje, merchant_manager, merchant, busy_shop
):
    (new_wallet,) = fresh(1)
    merchant_id = heitje.account(merchant).id
    with boa.env.prank(merchant_manager):
        heitje.move_merchant(merchant, new_wallet)
    assert event_names(heitje) == ["Transfer", "MerchantMoved"]
    transfer = only_event(heitje, "Transfer")
    moved = only_event(heitje, "MerchantMoved")
    assert (transfer.sender, transfer.receiver, transfer.value) == (merchant, new_wallet, 2_500)
    assert (moved.merchant_id, moved.old_wallet, moved.new_wallet) == (
        merchant_id,
        merchant,
        new_wallet,
    )
    assert (moved.balance, moved.manager) == (2_500, merchant_manager)


def test_move_merchant_leaves_supply_and_liability_unchanged(
    heitje, redemption, merchant_manager, merchant, busy_shop
):
    supply, requested = heitje.totalSupply(), redemption.total_requested()
    (new_wallet,) = fresh(1)
    with boa.env.prank(merchant_manager):
        heitje.move_merchant(merchant, new_wallet)
    assert (heitje.totalSupply(), redemption.total_requested()) == (supply, requested)


def test_moved_shop_takes_payments_and_cashes_out_from_the_new_wallet(
    heitje, flow, merchant_manager, merchant, citizen, busy_shop
):
    (new_wallet,) = fresh(1)
    with boa.env.prank(merchant_manager):
        heitje.move_merchant(merchant, new_wallet)
    flow.earn(citizen, 400)
    flow.pay(citizen, new_wallet, 400)
    flow.redeem(new_wallet, 2_900)
    assert heitje.balanceOf(new_wallet) == 0


def test_moved_shop_keeps_the_citizens_refund_windows(
    heitje, flow, merchant_manager, merchant, citizen, busy_shop
):
    (new_wallet,) = fresh(1)
    with boa.env.prank(merchant_manager):
        heitje.move_merchant(merchant, new_wallet)
    with boa.env.prank(new_wallet), boa.reverts("heitje: refund exceeds what they paid here"):
        heitje.transfer(citizen, 1_001)
    flow.refund(new_wallet, citizen, 1_000)
    assert heitje.balanceOf(citizen) == 1_000


def test_move_merchant_keeps_a_deactivated_shop_deactivated(
    heitje, flow, merchant_manager, merchant, citizen
):
    flow.earn(citizen, 100)
    with boa.env.prank(merchant_manager):
        heitje.set_active(merchant, False)
    (new_wallet,) = fresh(1)
    with boa.env.prank(merchant_manager):
        heitje.move_merchant(merchant, new_wallet)
    assert not heitje.account(new_wallet).active
    with boa.env.prank(citizen), boa.reverts("heitje: this shop no longer accepts Heitjes"):
        heitje.transfer(new_wallet, 1)
    with boa.env.prank(merchant_manager):
        heitje.set_active(new_wallet, True)
    flow.pay(citizen, new_wallet, 100)
    assert heitje.balanceOf(new_wallet) == 100


def test_old_shop_wallet_is_retired_and_cannot_be_paid(
    heitje, flow, merchant_manager, merchant, citizen, busy_shop
):
    (new_wallet,) = fresh(1)
    with boa.env.prank(merchant_manager):
        heitje.move_merchant(merchant, new_wallet)
    old = heitje.account(merchant)
    assert old.moved is True
    assert not old.is_merchant and not old.active
    assert (old.balance, old.id) == (0, 0)
    not_a_shop = "heitje: Heitjes can only be paid to registered shops"
    with boa.env.prank(citizen), boa.reverts(not_a_shop):
        heitje.transfer(merchant, 1)
    with boa.env.prank(merchant), boa.reverts("redeem: not a merchant"):
        flow.redemption.redeem(1)


def test_old_shop_wallet_cannot_be_registered_again(heitje, merchant_manager, registrar, merchant):
    (new_wallet,) = fresh(1)
    with boa.env.prank(merchant_manager):
        heitje.move_merchant(merchant, new_wallet)
        with boa.reverts("registry: already registered"):
            heitje.register_merchant(merchant, MERCHANT_CID)
    with boa.env.prank(registrar), boa.reverts("registry: already registered"):
        heitje.register_citizens([merchant], [1])


@pytest.mark.parametrize("target", ["citizen", "other_merchant", "zero"])
def test_move_merchant_refuses_a_wallet_in_use(heitje, people, target):
    new_wallet = ZERO if target == "zero" else getattr(people, target)
    with boa.env.prank(people.merchant_manager), boa.reverts("registry: new wallet in use"):
        heitje.move_merchant(people.merchant, new_wallet)


@pytest.mark.parametrize("who", ["citizen", "outsider"])
def test_move_merchant_refuses_a_non_merchant(heitje, people, who):
    (new_wallet,) = fresh(1)
    with boa.env.prank(people.merchant_manager), boa.reverts("registry: not a merchant"):
        heitje.move_merchant(getattr(people, who), new_wallet)


def test_moved_shop_wallet_cannot_be_moved_twice(heitje, merchant_manager, merchant):
    first, second = fresh(2)
    with boa.env.prank(merchant_manager):
        heitje.move_merchant(merchant, first)
        with boa.reverts("registry: not a merchant"):
            heitje.move_merchant(merchant, second)


def test_registrar_cannot_move_a_merchant(heitje, registrar, merchant):
    (new_wallet,) = fresh(1)
    with boa.env.prank(registrar), boa.reverts("access: only a merchant manager may do this"):
        heitje.move_merchant(merchant, new_wallet)
