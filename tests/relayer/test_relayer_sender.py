"""The sender against a real anvil, on SQLite and PostgreSQL: batches in each signer's nonce
order, lone requests through ``execute``, what becomes of a failing or skipped request, the
journal written before a broadcast, and a relayer nonce someone else used."""

from __future__ import annotations

from typing import Any

import pytest
from eth_utils import event_abi_to_log_topic, to_checksum_address
from hexbytes import HexBytes
from relayer_support import MERCHANTS, START_BALANCE, World

from relayer import journal as j
from relayer.checks import Refused
from relayer.sender import Sender
from wesh import forwarding


def executed_events(world: World, tx_hash: str) -> list[Any]:
    receipt = world.w3.eth.get_transaction_receipt(HexBytes(tx_hash))
    event = world.forwarder.events.ExecutedForwardRequest()
    topic = event_abi_to_log_topic(event.abi)
    return [
        event.process_log(entry)
        for entry in receipt["logs"]
        if entry["address"] == world.forwarder.address and bytes(entry["topics"][0]) == topic
    ]


def function_of(world: World, tx_hash: str) -> str:
    tx = world.w3.eth.get_transaction(HexBytes(tx_hash))
    function, _args = world.forwarder.decode_function_input(tx["input"])
    return str(function.fn_name)


def test_waiting_requests_of_several_signers_go_in_one_batch_in_nonce_order(world: World) -> None:
    shop = world.address("bakker")
    checks = world.checks()
    ids = [world.submit(who, world.wesh.transfer(shop, 100), checks).id for who in ("bram", "cas")]
    # anna's three requests: her next three nonces (the later ones wait for the earlier).
    base = world.nonce("anna")
    for nonce in range(base, base + 3):
        ids.append(world.submit("anna", world.wesh.transfer(shop, 10), checks, nonce=nonce).id)
    world.drain()

    done = world.journal.many(ids)
    assert {r.state for r in done} == {j.CONFIRMED}
    hashes = {r.tx_hash for r in done}
    assert len(hashes) == 1, "one transaction carried all five"
    (tx_hash,) = hashes
    assert tx_hash is not None
    assert function_of(world, tx_hash) == "execute_batch"
    events = executed_events(world, tx_hash)
    assert [(e["args"]["signer"], e["args"]["nonce"], e["args"]["success"]) for e in events] == [
        (world.address("bram"), base, True),
        (world.address("cas"), base, True),
        (world.address("anna"), base, True),
        (world.address("anna"), base + 1, True),
        (world.address("anna"), base + 2, True),
    ]
    assert world.wesh.balance_of(shop) == 230
    assert world.wesh.balance_of(world.address("anna")) == START_BALANCE - 30
    assert world.nonce("anna") == base + 3
    # The access list went with it, and the fee the journal counts is the receipt's.
    sent = world.w3.eth.get_transaction(HexBytes(tx_hash))
    assert sent["accessList"], "sent with an EIP-2930 access list"
    receipt = world.w3.eth.get_transaction_receipt(HexBytes(tx_hash))
    fee = receipt["gasUsed"] * receipt["effectiveGasPrice"]
    assert world.journal.spent(j.amsterdam_day(done[0].mined_at or 0)) == fee
    assert world.native("anna") == 0


def test_a_lone_request_goes_through_execute(world: World) -> None:
    request = world.submit("dewi", world.wesh.transfer(world.address("bakker"), 5))
    world.drain()
    done = world.journal.get(request.id)
    assert done is not None and done.state == j.CONFIRMED and done.tx_hash
    assert function_of(world, done.tx_hash) == "execute"
    assert world.wesh.balance_of(world.address("bakker")) == 5


def test_a_failing_call_in_a_batch_is_failed_in_words_and_the_others_go_through(
    world: World,
) -> None:
    shop = world.address("bakker")
    checks = world.checks()
    # bram's second payment would overdraw him once the first is paid: its simulation waits for
    # the batch (an earlier request of his is not on chain yet), where its call fails.
    base = world.nonce("bram")
    first = world.submit("bram", world.wesh.transfer(shop, 4_000), checks, nonce=base)
    second = world.submit("bram", world.wesh.transfer(shop, 4_000), checks, nonce=base + 1)
    other = world.submit("cas", world.wesh.transfer(shop, 1), checks)
    world.drain()

    assert world.journal.get(first.id).state == j.CONFIRMED  # type: ignore[union-attr]
    assert world.journal.get(other.id).state == j.CONFIRMED  # type: ignore[union-attr]
    failed = world.journal.get(second.id)
    assert failed is not None and failed.state == j.FAILED
    assert failed.reason is not None
    assert failed.reason.nl == "Je saldo is te laag voor dit bedrag."
    assert failed.reason.en == "Your balance is too low for this amount."
    # A failing call uses its nonce (it was executed), and the same transaction carried it.
    assert world.nonce("bram") == base + 2
    assert failed.tx_hash == world.journal.get(first.id).tx_hash  # type: ignore[union-attr]
    events = executed_events(world, failed.tx_hash or "")
    assert [e["args"]["success"] for e in events] == [True, False, True]
    assert world.wesh.balance_of(shop) == 4_001


def test_a_request_the_forwarder_skips_is_failed_and_its_nonce_stays_free(world: World) -> None:
    """anna's next nonce is used by another transaction after the sender sent its batch and before
    the block: the forwarder skips her request (its nonce is no longer hers to use)."""
    shop = world.address("bakker")
    checks = world.checks()
    planned = world.submit("anna", world.wesh.transfer(shop, 7), checks)
    company = world.submit("bram", world.wesh.transfer(shop, 1), checks)
    world.rpc("evm_setAutomine", False)
    try:
        sender = world.sender()
        sender.step()  # signs and broadcasts the batch
        assert world.journal.get(planned.id).state == j.SENT  # type: ignore[union-attr]
        # Someone with a wallet of their own sends anna's other signed request for that nonce at
        # a higher tip: it is mined first.
        other = world.signed("anna", world.wesh.transfer(shop, 3))
        call = forwarding.execute_tx(
            world.forwarder,
            forwarding.SignedRequest(
                forwarding.ForwardRequest(
                    other.signer, other.to, other.gas, other.nonce, other.deadline, other.data
                ),
                other.signature,
            ),
        )
        body: Any = {
            **call.as_dict(),
            "from": world.admin.address,
            "gas": 300_000,
            "maxPriorityFeePerGas": 50 * 10**9,
            "maxFeePerGas": 100 * 10**9,
        }
        world.w3.eth.send_transaction(body)
        world.rpc("evm_mine")
    finally:
        world.rpc("evm_setAutomine", True)
    world.drain(sender)
    skipped = world.journal.get(planned.id)
    assert skipped is not None and skipped.state == j.FAILED
    assert skipped.reason is not None and skipped.reason.code == "replayed"
    assert skipped.reason.nl.startswith("Dit verzoek is al gebruikt")
    assert world.journal.get(company.id).state == j.CONFIRMED  # type: ignore[union-attr]
    assert world.wesh.balance_of(shop) == 3 + 1
    # The nonce the journal held for her is free again: her next one is the chain's.
    assert world.checks().next_nonce(world.address("anna")) == world.nonce("anna")


def test_a_call_that_would_fail_is_refused_unsent_and_the_signers_later_ones_too(
    world: World,
) -> None:
    shop = world.address("boekhandel")
    checks = world.checks()
    base = world.nonce("eva")
    first = world.submit("eva", world.wesh.transfer(shop, 100), checks, nonce=base)
    later = world.submit("eva", world.wesh.transfer(shop, 100), checks, nonce=base + 1)
    # The shop stops taking part before the sender gets to the requests.
    world.send(world.wesh.set_active(shop, False))
    world.drain(world.sender(batch_max=1))
    refused = world.journal.get(first.id)
    assert refused is not None and refused.state == j.REFUSED
    assert refused.reason is not None
    assert refused.reason.nl == "Deze winkel doet niet meer mee. Kies een andere winkel."
    cascaded = world.journal.get(later.id)
    assert cascaded is not None and cascaded.state == j.REFUSED
    assert cascaded.reason is not None and cascaded.reason.code == "earlier_failed"
    assert world.journal.transactions_of(first.id) == [], "nothing was sent"
    assert world.nonce("eva") == base
    # Both nonces are free again: eva may sign the first anew.
    assert world.checks().next_nonce(world.address("eva")) == base


def test_an_expired_request_is_refused_without_being_sent(world: World) -> None:
    request = world.submit(
        "finn", world.wesh.transfer(world.address("bakker"), 1), deadline=world.now() + 60
    )
    world.rpc("evm_increaseTime", 120)
    world.rpc("evm_mine")
    world.drain()
    done = world.journal.get(request.id)
    assert done is not None and done.state == j.REFUSED
    assert done.reason is not None and done.reason.nl.startswith("Dit verzoek is verlopen.")
    assert world.journal.transactions_of(request.id) == []


class Crash(BaseException):
    """Stands for the process dying (not an Exception: nothing catches it)."""


def test_a_crash_between_journaling_and_broadcasting_is_healed_with_the_same_bytes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = world.submit("cas", world.wesh.transfer(world.address("bakker"), 9))
    dying = world.sender()

    def crash(self: Sender, tx: j.Transaction) -> bool:
        raise Crash()

    monkeypatch.setattr(Sender, "broadcast", crash)
    with pytest.raises(Crash):
        dying.step()
    monkeypatch.undo()
    (journaled,) = world.journal.pending()
    assert journaled.state == j.TX_SIGNED
    assert world.w3.eth.get_transaction_count(world.relayer) == 0, "nothing reached the node"

    world.drain()  # a new sender: broadcasts what the journal holds, signs nothing new
    done = world.journal.get(request.id)
    assert done is not None and done.state == j.CONFIRMED
    assert done.tx_hash == journaled.hash
    assert world.w3.eth.get_transaction(HexBytes(journaled.hash))["input"]
    assert world.w3.eth.get_transaction_count(world.relayer) == 1
    assert world.wesh.balance_of(world.address("bakker")) == 9


def test_a_relayer_nonce_used_by_another_transaction_requeues_its_requests(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    request = world.submit("dewi", world.wesh.transfer(world.address("boekhandel"), 4))
    sender = world.sender()
    monkeypatch.setattr(Sender, "broadcast", lambda self, tx: False)  # the node never took it
    sender.step()
    monkeypatch.undo()
    (journaled,) = world.journal.pending()
    # The same key sends something else with that nonce (an operator by hand).
    account = sender.account
    other = account.sign_transaction(
        {
            "type": 2,
            "chainId": world.manifest.chain_id,
            "nonce": journaled.nonce,
            "to": account.address,
            "value": 0,
            "gas": 21_000,
            "maxFeePerGas": 10 * 10**9,
            "maxPriorityFeePerGas": 10**9,
        }
    )
    world.w3.eth.send_raw_transaction(other.raw_transaction)
    world.drain(sender)
    done = world.journal.get(request.id)
    assert done is not None and done.state == j.CONFIRMED
    assert done.tx_hash != journaled.hash
    assert done.attempts == 2
    assert world.wesh.balance_of(world.address("boekhandel")) == 4
    assert world.nonce("dewi") == 3


def test_a_request_is_refused_when_its_nonce_was_used_meanwhile(world: World) -> None:
    """Accepted, then the signer's nonce went to the same request sent by someone else."""
    shop = world.address("bakker")
    submitted = world.signed("anna", world.wesh.transfer(shop, 2))
    request, _ = world.checks().submit(submitted)
    call = forwarding.execute_tx(
        world.forwarder, forwarding.SignedRequest(submitted.request(), submitted.signature)
    )
    world.send(call)
    world.drain()
    done = world.journal.get(request.id)
    assert done is not None and done.state == j.REFUSED
    assert done.reason is not None and done.reason.code == "replayed"
    assert world.wesh.balance_of(shop) == 2, "paid once"
    with pytest.raises(Refused) as refused:
        world.checks().submit(world.signed("anna", world.wesh.transfer(shop, 3), nonce=2))
    assert refused.value.code == "replayed"


def test_requests_of_a_merchant_and_staff_go_through(world: World) -> None:
    """A shop refunds nothing it was not paid, but cashes in; a reviewer's approval pays."""
    shop = MERCHANTS[0]
    world.submit("anna", world.wesh.transfer(world.address(shop), 500))
    world.drain()
    redeem = world.submit(shop, world.wesh.redeem(500))
    citizen = world.address("bram")
    world.submit("bram", world.wesh.claim_task(world.tasks[1]))
    world.drain()
    world.submit("bram", world.wesh.submit(world.tasks[1], "bafkreiwork"))
    world.drain()
    world.sync()
    approve = world.submit("reviewer", world.wesh.approve_submission(world.tasks[1], citizen))
    world.drain()
    assert world.journal.get(redeem.id).role == "merchant"  # type: ignore[union-attr]
    assert world.journal.get(approve.id).role == "staff"  # type: ignore[union-attr]
    assert world.wesh.balance_of(citizen) == 2 * START_BALANCE
    assert world.wesh.request_count() == 1
    assert world.native(shop) == world.native("reviewer") == world.native("bram") == 0
    assert to_checksum_address(world.relayer) != world.address("reviewer")
