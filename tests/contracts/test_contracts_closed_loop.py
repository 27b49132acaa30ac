"""Rule 1, the closed loop: citizens pay active merchants, merchants refund citizens, nothing else.

Every refusal is checked through all three ways of moving Heitjes: `transfer`, `transferFrom`
(with an unlimited allowance, so only the loop can refuse) and `pay`.
"""

from __future__ import annotations

import boa
import pytest
from contracts_support import event_names, events

C2C = "heitje: citizens cannot send Heitjes to each other; pay a shop instead"
NOT_A_SHOP = "heitje: Heitjes can only be paid to registered shops"
SHOP_CLOSED = "heitje: this shop no longer accepts Heitjes"
NOT_A_HOLDER = "heitje: only registered citizens and merchants hold Heitjes"
MERCHANT_ONLY_REFUNDS = "heitje: merchants can only refund citizens"
ZERO = "0x" + "00" * 20
REFERENCE = b"QR-2027-000042".ljust(32, b"\0")

METHODS = ["transfer", "transferFrom", "pay"]


def send(heitje, method: str, sender, receiver, amount: int, spender) -> None:
    """Moves `amount` from `sender` to `receiver` the way `method` does."""
    if method == "transfer":
        with boa.env.prank(sender):
            heitje.transfer(receiver, amount)
    elif method == "pay":
        with boa.env.prank(sender):
            heitje.pay(receiver, amount, REFERENCE)
    else:
        with boa.env.prank(sender):
            heitje.approve(spender, 2**256 - 1)
        with boa.env.prank(spender):
            heitje.transferFrom(sender, receiver, amount)


@pytest.fixture
def funded(heitje, flow, people):
    """Both citizens earned 50.00; the merchant received 20.00 of it."""
    flow.earn(people.citizen, 5_000)
    flow.earn(people.other_citizen, 5_000)
    flow.pay(people.other_citizen, people.merchant, 2_000)
    return heitje


@pytest.mark.parametrize("method", METHODS)
def test_citizen_can_pay_an_active_merchant(funded, people, method):
    send(funded, method, people.citizen, people.merchant, 1_500, people.outsider)
    assert funded.balanceOf(people.citizen) == 3_500
    assert funded.balanceOf(people.merchant) == 3_500


@pytest.mark.parametrize("method", METHODS)
def test_merchant_can_refund_a_citizen(funded, people, method):
    send(funded, method, people.merchant, people.citizen, 500, people.outsider)
    assert funded.balanceOf(people.merchant) == 1_500
    assert funded.balanceOf(people.citizen) == 5_500


def test_refund_is_not_counted_as_earnings(funded, people):
    before = funded.account(people.citizen)
    send(funded, "transfer", people.merchant, people.citizen, 500, people.outsider)
    after = funded.account(people.citizen)
    assert after.balance == before.balance + 500
    assert (after.earned_year, after.earned_month) == (before.earned_year, before.earned_month)


@pytest.mark.parametrize("method", METHODS)
def test_citizen_to_citizen_is_refused(funded, people, method):
    with boa.reverts(C2C):
        send(funded, method, people.citizen, people.other_citizen, 100, people.outsider)


@pytest.mark.parametrize("method", METHODS)
def test_citizen_to_itself_is_refused(funded, people, method):
    with boa.reverts(C2C):
        send(funded, method, people.citizen, people.citizen, 100, people.outsider)


def test_citizen_to_citizen_of_nothing_is_refused_too(funded, people):
    with boa.env.prank(people.citizen), boa.reverts(C2C):
        funded.transfer(people.other_citizen, 0)


@pytest.mark.parametrize("method", METHODS)
def test_citizen_to_an_outsider_is_refused(funded, people, method):
    with boa.reverts(NOT_A_SHOP):
        send(funded, method, people.citizen, people.outsider, 100, people.outsider)


@pytest.mark.parametrize("method", METHODS)
def test_citizen_to_the_zero_address_is_refused(funded, people, method):
    with boa.reverts(NOT_A_SHOP):
        send(funded, method, people.citizen, ZERO, 100, people.outsider)


@pytest.mark.parametrize("method", METHODS)
def test_citizen_to_a_deactivated_merchant_is_refused(funded, people, method):
    with boa.env.prank(people.merchant_manager):
        funded.set_active(people.merchant, False)
    with boa.reverts(SHOP_CLOSED):
        send(funded, method, people.citizen, people.merchant, 100, people.outsider)


def test_reactivated_merchant_accepts_payments_again(funded, people):
    with boa.env.prank(people.merchant_manager):
        funded.set_active(people.merchant, False)
        funded.set_active(people.merchant, True)
    send(funded, "transfer", people.citizen, people.merchant, 100, people.outsider)
    assert funded.balanceOf(people.merchant) == 2_100


@pytest.mark.parametrize("method", METHODS)
def test_outsider_cannot_send(funded, people, method):
    with boa.reverts(NOT_A_HOLDER):
        send(funded, method, people.outsider, people.merchant, 0, people.other_merchant)


@pytest.mark.parametrize("method", METHODS)
def test_merchant_to_merchant_is_refused(funded, people, method):
    with boa.reverts(MERCHANT_ONLY_REFUNDS):
        send(funded, method, people.merchant, people.other_merchant, 100, people.outsider)


@pytest.mark.parametrize("method", METHODS)
def test_merchant_to_an_outsider_is_refused(funded, people, method):
    with boa.reverts(MERCHANT_ONLY_REFUNDS):
        send(funded, method, people.merchant, people.outsider, 100, people.outsider)


@pytest.mark.parametrize("method", METHODS)
def test_retired_wallet_cannot_send(funded, people, method):
    new_wallet = boa.env.generate_address("new_wallet")
    with boa.env.prank(people.registrar):
        funded.move_citizen(people.citizen, new_wallet)
    with boa.reverts(NOT_A_HOLDER):
        send(funded, method, people.citizen, people.merchant, 0, people.outsider)


@pytest.mark.parametrize("method", METHODS)
def test_merchant_cannot_refund_a_retired_wallet(funded, people, method):
    new_wallet = boa.env.generate_address("new_wallet")
    with boa.env.prank(people.registrar):
        funded.move_citizen(people.citizen, new_wallet)
    with boa.reverts(MERCHANT_ONLY_REFUNDS):
        send(funded, method, people.merchant, people.citizen, 100, people.outsider)


def test_deactivated_merchant_can_still_refund(funded, people):
    with boa.env.prank(people.merchant_manager):
        funded.set_active(people.merchant, False)
    send(funded, "transfer", people.merchant, people.citizen, 2_000, people.outsider)
    assert funded.balanceOf(people.merchant) == 0
    assert funded.balanceOf(people.citizen) == 7_000


def test_refused_transfer_from_keeps_the_allowance(funded, people):
    with boa.env.prank(people.citizen):
        funded.approve(people.outsider, 1_000)
    with boa.env.prank(people.outsider), boa.reverts(C2C):
        funded.transferFrom(people.citizen, people.other_citizen, 100)
    assert funded.allowance(people.citizen, people.outsider) == 1_000


def test_pay_emits_transfer_then_payment_with_the_reference(funded, people):
    with boa.env.prank(people.citizen):
        funded.pay(people.merchant, 1_250, REFERENCE)
    assert event_names(funded) == ["Transfer", "Payment"]
    (transfer,) = events(funded, "Transfer")
    (payment,) = events(funded, "Payment")
    assert (transfer.sender, transfer.receiver, transfer.value) == (
        people.citizen,
        people.merchant,
        1_250,
    )
    assert payment.merchant == people.merchant
    assert payment.reference == REFERENCE
    assert funded.balanceOf(people.merchant) == 3_250


def test_pay_beyond_balance_is_refused(funded, people):
    with boa.env.prank(people.citizen), boa.reverts("heitje: amount exceeds your balance"):
        funded.pay(people.merchant, 5_001, REFERENCE)
