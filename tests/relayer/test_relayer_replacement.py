"""A transaction stuck under a rising base fee is replaced: the same nonce, fees at least 12.5%
higher (EIP-1559), and only one of the two is ever mined."""

from __future__ import annotations

import time

from hexbytes import HexBytes
from relayer_support import World
from web3.exceptions import TransactionNotFound

from relayer import journal as j

GWEI = 10**9


def receipt_or_none(world: World, tx_hash: str) -> object | None:
    try:
        return world.w3.eth.get_transaction_receipt(HexBytes(tx_hash))
    except TransactionNotFound:
        return None


def test_a_transaction_stuck_under_a_rising_base_fee_is_replaced_and_mined_once(
    world: World,
) -> None:
    shop = world.address("bakker")
    request = world.submit("anna", world.wesh.transfer(shop, 25))
    sender = world.sender(replace_after_s=0.3, priority_fee_wei=GWEI)
    world.rpc("evm_setAutomine", False)
    try:
        assert sender.step()  # signed, journaled, broadcast: waiting in the node's pool
        (first,) = world.journal.pending()
        assert first.state == j.TX_SENT
        # The base fee jumps far above what the transaction offers: the next block leaves it out.
        world.rpc("anvil_setNextBlockBaseFeePerGas", hex(first.max_fee_per_gas * 4))
        world.rpc("evm_mine")
        assert receipt_or_none(world, first.hash) is None
        assert not sender.replace(sender.market()), "not replaced before replace_after_s"
        time.sleep(0.35)
        sender.step()
        attempts = world.journal.pending()
        assert [t.nonce for t in attempts] == [first.nonce, first.nonce]
        second = attempts[1]
        assert second.hash != first.hash
        assert second.request_ids == first.request_ids
        assert second.max_fee_per_gas >= first.max_fee_per_gas * 9 / 8
        assert second.max_priority_fee_per_gas >= first.max_priority_fee_per_gas * 9 / 8
        assert second.max_fee_per_gas >= 2 * first.max_fee_per_gas * 4 * 7 // 8
        world.rpc("evm_mine")
    finally:
        world.rpc("evm_setAutomine", True)
    world.drain(sender)

    done = world.journal.get(request.id)
    assert done is not None and done.state == j.CONFIRMED
    assert done.tx_hash == second.hash
    assert receipt_or_none(world, first.hash) is None, "the first attempt is never mined"
    assert {t.hash: t.state for t in world.journal.transactions()} == {
        first.hash: j.TX_DROPPED,
        second.hash: j.TX_CONFIRMED,
    }
    assert world.w3.eth.get_transaction_count(world.relayer) == first.nonce + 1
    assert world.wesh.balance_of(shop) == 25, "paid once"


def test_a_slow_transaction_is_not_replaced_while_its_fees_still_cover_the_base_fee(
    world: World,
) -> None:
    world.submit("bram", world.wesh.transfer(world.address("bakker"), 1))
    sender = world.sender(replace_after_s=0.1)
    world.rpc("evm_setAutomine", False)
    try:
        sender.step()
        time.sleep(0.15)
        assert not sender.replace(sender.market())
        assert len(world.journal.pending()) == 1
        world.rpc("evm_mine")
    finally:
        world.rpc("evm_setAutomine", True)
    world.drain(sender)
    assert len(world.journal.transactions()) == 1
