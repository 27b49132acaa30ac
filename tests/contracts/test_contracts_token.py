"""The Heitje token as a wallet sees it: ERC-20 metadata, balances, allowances and events."""

from __future__ import annotations

import boa
import pytest
from contracts_support import event_names, heitje_constant, heitje_string, only_event

MAX_UINT256 = 2**256 - 1


def test_name_symbol_and_decimals_are_the_contract_constants(heitje):
    assert heitje.name() == heitje_string("NAME")
    assert heitje.symbol() == heitje_string("SYMBOL")
    assert heitje.decimals() == heitje_constant("DECIMALS") == 2


def test_fresh_deployment_has_no_supply_and_no_balances(heitje, citizen, merchant):
    assert heitje.totalSupply() == 0
    assert heitje.balanceOf(citizen) == 0
    assert heitje.balanceOf(merchant) == 0


def test_approval_mints_to_the_citizen_and_grows_total_supply(heitje, flow, citizen):
    flow.earn(citizen, 1_234)
    assert heitje.balanceOf(citizen) == 1_234
    assert heitje.totalSupply() == 1_234


def test_approval_emits_a_mint_transfer_from_the_zero_address(heitje, flow, citizen):
    task_id = flow.submitted(citizen, reward=700, slots=1)
    flow.approve(task_id, citizen)
    assert event_names(heitje) == ["Transfer", "SubmissionApproved"]
    mint = only_event(heitje, "Transfer")
    assert mint.sender == boa.eval("empty(address)")
    assert mint.receiver == citizen
    assert mint.value == 700


def test_total_supply_is_the_sum_of_balances(heitje, flow, citizen, other_citizen, merchant):
    flow.earn(citizen, 1_000)
    flow.earn(other_citizen, 2_000)
    flow.pay(citizen, merchant, 300)
    holders = (citizen, other_citizen, merchant)
    assert sum(heitje.balanceOf(a) for a in holders) == heitje.totalSupply() == 3_000


def test_approve_sets_allowance_and_emits_approval(heitje, citizen, outsider):
    with boa.env.prank(citizen):
        assert heitje.approve(outsider, 555) is True
    event = only_event(heitje, "Approval")
    assert (event.owner, event.spender, event.value) == (citizen, outsider, 555)
    assert heitje.allowance(citizen, outsider) == 555


def test_approve_overwrites_a_previous_allowance(heitje, citizen, outsider):
    with boa.env.prank(citizen):
        heitje.approve(outsider, 555)
        heitje.approve(outsider, 7)
    assert heitje.allowance(citizen, outsider) == 7


def test_transfer_from_spends_allowance_and_moves_balance(
    heitje, flow, citizen, merchant, outsider
):
    flow.earn(citizen, 1_000)
    with boa.env.prank(citizen):
        heitje.approve(outsider, 600)
    with boa.env.prank(outsider):
        assert heitje.transferFrom(citizen, merchant, 400) is True
    transfer = only_event(heitje, "Transfer")
    assert (transfer.sender, transfer.receiver, transfer.value) == (citizen, merchant, 400)
    assert heitje.allowance(citizen, outsider) == 200
    assert heitje.balanceOf(citizen) == 600
    assert heitje.balanceOf(merchant) == 400


def test_transfer_from_emits_approval_with_the_allowance_left(
    heitje, flow, citizen, merchant, outsider
):
    flow.earn(citizen, 1_000)
    with boa.env.prank(citizen):
        heitje.approve(outsider, 600)
    with boa.env.prank(outsider):
        heitje.transferFrom(citizen, merchant, 400)
    assert event_names(heitje) == ["Approval", "Transfer"]
    approval = only_event(heitje, "Approval")
    assert (approval.owner, approval.spender, approval.value) == (citizen, outsider, 200)


def test_transfer_from_with_an_unlimited_allowance_emits_no_approval(
    heitje, flow, citizen, merchant, outsider
):
    flow.earn(citizen, 1_000)
    with boa.env.prank(citizen):
        heitje.approve(outsider, MAX_UINT256)
    with boa.env.prank(outsider):
        heitje.transferFrom(citizen, merchant, 400)
    assert event_names(heitje) == ["Transfer"]


def test_transfer_from_beyond_allowance_is_refused(heitje, flow, citizen, merchant, outsider):
    flow.earn(citizen, 1_000)
    with boa.env.prank(citizen):
        heitje.approve(outsider, 100)
    with boa.env.prank(outsider), boa.reverts("heitje: amount exceeds allowance"):
        heitje.transferFrom(citizen, merchant, 101)


def test_max_allowance_is_never_spent(heitje, flow, citizen, merchant, outsider):
    flow.earn(citizen, 1_000)
    with boa.env.prank(citizen):
        heitje.approve(outsider, MAX_UINT256)
    with boa.env.prank(outsider):
        heitje.transferFrom(citizen, merchant, 250)
        heitje.transferFrom(citizen, merchant, 250)
    assert heitje.allowance(citizen, outsider) == MAX_UINT256
    assert heitje.balanceOf(merchant) == 500


def test_transfer_beyond_balance_is_refused(heitje, flow, citizen, merchant):
    flow.earn(citizen, 100)
    with boa.env.prank(citizen), boa.reverts("heitje: amount exceeds your balance"):
        heitje.transfer(merchant, 101)


def test_transfer_returns_true_and_emits_transfer(heitje, flow, citizen, merchant):
    flow.earn(citizen, 900)
    with boa.env.prank(citizen):
        assert heitje.transfer(merchant, 900) is True
    assert event_names(heitje) == ["Transfer"]
    transfer = only_event(heitje, "Transfer")
    assert (transfer.sender, transfer.receiver, transfer.value) == (citizen, merchant, 900)


@pytest.mark.parametrize("amount", [0, 1, 899])
def test_balances_move_exactly_by_the_amount(heitje, flow, citizen, merchant, amount):
    flow.earn(citizen, 900)
    flow.pay(citizen, merchant, amount)
    assert heitje.balanceOf(citizen) == 900 - amount
    assert heitje.balanceOf(merchant) == amount
