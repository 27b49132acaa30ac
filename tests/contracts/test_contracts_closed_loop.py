"""Rule 1, the closed loop: citizens pay active merchants, merchants refund citizens what they
paid there (the refund window), nothing else.

Every refusal is checked through all three ways of moving Heitjes: `transfer`, `transferFrom`
(with an unlimited allowance, so only the loop can refuse) and `pay`. A refund is a `transfer` or
`transferFrom` by the shop; `pay` is only ever a citizen's payment.
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
REFUND_TOO_MUCH = "heitje: refund exceeds what they paid here"
ZERO = "0x" + "00" * 20
REFERENCE = b"QR-2027-000042".ljust(32, b"\0")

METHODS = ["transfer", "transferFrom", "pay"]
REFUNDS = ["transfer", "transferFrom"]


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
    """Both citizens earned 50.00; `other_citizen` paid 20.00 of it to the merchant with `pay`
    (so the merchant may refund them up to 20.00)."""
    flow.earn(people.citizen, 5_000)
    flow.earn(people.other_citizen, 5_000)
    flow.pay_request(people.other_citizen, people.merchant, 2_000)
    return heitje


@pytest.mark.parametrize("method", METHODS)
def test_citizen_can_pay_an_active_merchant(funded, people, method):
    send(funded, method, people.citizen, people.merchant, 1_500, people.outsider)
    assert funded.balanceOf(people.citizen) == 3_500
    assert funded.balanceOf(people.merchant) == 3_500


@pytest.mark.parametrize("method", REFUNDS)
def test_merchant_can_refund_a_citizen(funded, people, method):
    send(funded, method, people.merchant, people.other_citizen, 500, people.outsider)
    assert funded.balanceOf(people.merchant) == 1_500
    assert funded.balanceOf(people.other_citizen) == 3_500


def test_refund_is_not_counted_as_earnings(funded, people):
    before = funded.account(people.other_citizen)
    send(funded, "transfer", people.merchant, people.other_citizen, 500, people.outsider)
    after = funded.account(people.other_citizen)
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
        send(funded, method, people.outsider, people.merchant, 1, people.other_merchant)


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
        send(funded, method, people.citizen, people.merchant, 1, people.outsider)


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
    send(funded, "transfer", people.merchant, people.other_citizen, 2_000, people.outsider)
    assert funded.balanceOf(people.merchant) == 0
    assert funded.balanceOf(people.other_citizen) == 5_000


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


def test_pay_of_nothing_is_refused(funded, people):
    with boa.env.prank(people.citizen), boa.reverts("heitje: amount is zero"):
        funded.pay(people.merchant, 0, REFERENCE)


def test_pay_by_a_merchant_to_a_citizen_is_refused(funded, people):
    """A refund is a transfer: a shop's screen must never show a request as paid by one."""
    with boa.env.prank(people.merchant), boa.reverts(MERCHANT_ONLY_REFUNDS):
        funded.pay(people.other_citizen, 500, REFERENCE)
    assert funded.balanceOf(people.merchant) == 2_000


# ------------------------------------------------------------ refund window
@pytest.mark.parametrize("method", REFUNDS)
def test_refund_of_exactly_what_the_citizen_paid_here_is_accepted(funded, people, method):
    send(funded, method, people.merchant, people.other_citizen, 1_200, people.outsider)
    send(funded, method, people.merchant, people.other_citizen, 800, people.outsider)
    assert funded.balanceOf(people.merchant) == 0
    assert funded.balanceOf(people.other_citizen) == 5_000


@pytest.mark.parametrize("method", REFUNDS)
def test_refund_beyond_what_the_citizen_paid_here_is_refused(funded, flow, people, method):
    flow.pay_request(people.citizen, people.merchant, 500)
    with boa.reverts(REFUND_TOO_MUCH):
        send(funded, method, people.merchant, people.other_citizen, 2_001, people.outsider)


@pytest.mark.parametrize("method", REFUNDS)
def test_refund_to_a_citizen_who_did_not_pay_here_is_refused(funded, people, method):
    """The hub: `other_citizen` paid the shop, the shop "refunds" `citizen`."""
    with boa.reverts(REFUND_TOO_MUCH):
        send(funded, method, people.merchant, people.citizen, 1, people.outsider)
    assert funded.balanceOf(people.citizen) == 5_000
    assert funded.balanceOf(people.merchant) == 2_000


def test_what_was_refunded_cannot_be_refunded_again(funded, flow, people):
    flow.pay(people.citizen, people.merchant, 1_000)
    flow.refund(people.merchant, people.other_citizen, 2_000)
    with boa.env.prank(people.merchant), boa.reverts(REFUND_TOO_MUCH):
        funded.transfer(people.other_citizen, 1)


def test_paying_the_same_shop_again_adds_to_the_window(funded, flow, people):
    flow.pay(people.citizen, people.merchant, 1_000)
    flow.refund(people.merchant, people.other_citizen, 1_500)
    flow.pay_request(people.other_citizen, people.merchant, 700)
    flow.refund(people.merchant, people.other_citizen, 1_200)
    with boa.env.prank(people.merchant), boa.reverts(REFUND_TOO_MUCH):
        funded.transfer(people.other_citizen, 1)


def test_paying_another_shop_opens_a_new_window(funded, flow, people):
    flow.pay(people.citizen, people.other_merchant, 1_000)
    flow.pay_request(people.other_citizen, people.other_merchant, 300)
    with boa.env.prank(people.merchant), boa.reverts(REFUND_TOO_MUCH):
        funded.transfer(people.other_citizen, 1)
    with boa.env.prank(people.other_merchant), boa.reverts(REFUND_TOO_MUCH):
        funded.transfer(people.other_citizen, 301)
    flow.refund(people.other_merchant, people.other_citizen, 300)
    assert funded.balanceOf(people.other_merchant) == 1_000


@pytest.mark.parametrize("method", ["transfer", "transferFrom"])
def test_a_plain_transfer_to_a_shop_cannot_be_refunded(funded, flow, people, method):
    send(funded, method, people.citizen, people.merchant, 1_000, people.outsider)
    with boa.env.prank(people.merchant), boa.reverts(REFUND_TOO_MUCH):
        funded.transfer(people.citizen, 1)


def test_a_plain_transfer_to_another_shop_leaves_the_window_alone(funded, flow, people):
    flow.pay(people.other_citizen, people.other_merchant, 1_000)
    flow.refund(people.merchant, people.other_citizen, 2_000)
    assert funded.balanceOf(people.other_citizen) == 4_000


def test_refund_to_a_deactivated_citizen_within_the_window_is_accepted(funded, flow, people):
    with boa.env.prank(people.registrar):
        funded.set_active(people.other_citizen, False)
    flow.refund(people.merchant, people.other_citizen, 2_000)
    assert funded.balanceOf(people.other_citizen) == 5_000
