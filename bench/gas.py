"""Gas benchmark: full-transaction gasUsed from anvil receipts for each WESH operation.

Run with ``make bench-gas``. Deploys to a fresh anvil, runs every operation as its own transaction,
prints a table and writes ``bench/results/gas.json``. Targets come from issue #2; the references
are measurements of plain ERC-20s (Solady, floor) and of a naive escrow (docs/toolchain.md, "Gas
references").
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from eth_account import Account
from web3 import Web3

from bench import nonce_schemes
from wesh import anvil, forwarding
from wesh.contract import Role
from wesh.deploy import deploy
from wesh.signer import UnlockedSigner, transact

RESULTS = Path(__file__).parent / "results" / "gas.json"
CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"  # 59 chars, CIDv1 raw
BATCH = 50

TARGETS: dict[str, tuple[int | str | None, str]] = {
    "transfer_to_merchant": (34_026, "Solady plain ERC-20 transfer 34,026; floor 33,376"),
    "pay_merchant": (36_000, "the same plus one small event"),
    "refund_to_citizen": (36_000, "a transfer plus the refund-window check (issue #11)"),
    "approve_first": (50_000, "naive escrow + token 99,055"),
    "approve_repeat": (45_000, "naive 64,855"),
    "batch_approve_50_per_item": (20_000, "naive 37,119 (repeat) / 71,319 (first)"),
    "batch_approve_50_per_item_repeat": (20_000, "naive 37,119"),
    "claim": (None, "-"),
    "submit": (None, "-"),
    "commission": (None, "-"),
    "redeem": (None, "-"),
    "redeem_repeat": (None, "-"),
    # Through the trusted forwarder (issue #13); each signer's later request.
    "relayed_payment": (50_000, "OZ ERC2771Forwarder execute of a transfer 56,222"),
    "relayed_pay_with_reference": ("pay_merchant", "direct + 17,000"),
    "relayed_payment_batch_per_item": (30_000, "OZ executeBatch of 10 signers 32,756"),
    "relayed_payment_first": (None, "a signer's first request; OZ 73,334"),
    "relayed_claim": ("claim_same_state", "direct + 17,000"),
    "relayed_submit": ("submit_same_state", "direct + 17,000"),
    "relayed_approve": ("approve_same_state", "direct + 17,000"),
    "relayed_redeem": ("redeem_repeat", "direct + 17,000"),
    "relayed_register": (None, "the registrar registers one resident (the desk)"),
    "relayed_mark_paid": (None, "the treasurer marks one cash-out paid"),
    # The neighbourhood desk (issue #14): an association registers a resident of its own
    # neighbourhood; beside the registrar registering one at Heitje directly.
    "register_citizen": (None, "the registrar registers one resident at Heitje, directly"),
    "desk_register": (None, "an association registers one resident via the desk, directly"),
    "relayed_desk_register": (None, "the same, signed by the association, sent by the relayer"),
}
#: How much more than the same call sent directly a relayed call may cost (issue #13).
RELAY_OVERHEAD = 17_000


def main() -> int:
    with anvil.running(extra=["--accounts", str(BATCH + 10)]) as node:
        w3 = Web3(Web3.HTTPProvider(node.url))
        accounts = [UnlockedSigner(a) for a in w3.eth.accounts]
        city, reviewer, merchant, merchant2, *citizens = accounts
        city_roles = Role.REGISTRAR | Role.MERCHANT_MANAGER | Role.TASK_MANAGER | Role.TREASURER
        wesh = deploy(w3, city, {city.address: city_roles, reviewer.address: Role.REVIEWER}).wesh
        gas: dict[str, int] = {}

        def run(tx, signer):  # type: ignore[no-untyped-def]
            return int(transact(w3, tx, signer)["gasUsed"])

        for shop in (merchant, merchant2):
            run(wesh.register_merchant(shop.address, CID), city)
        run(wesh.register_citizens([c.address for c in citizens], [1] * len(citizens)), city)
        run(wesh.grant_budget(10_000_000), city)
        deadline = w3.eth.get_block("latest")["timestamp"] + 30 * 86_400
        gas["commission"] = run(wesh.commission_task(CID, 500, 200, deadline, 7 * 86_400, 3), city)
        run(wesh.commission_task(CID, 700, 200, deadline, 7 * 86_400, 4), city)
        first, second = 1, 2

        alice = citizens[0]
        gas["claim"] = run(wesh.claim_task(first), alice)
        gas["submit"] = run(wesh.submit(first, CID), alice)
        gas["approve_first"] = run(wesh.approve_submission(first, alice.address), reviewer)
        run(wesh.claim_task(second), alice)
        run(wesh.submit(second, CID), alice)
        gas["approve_repeat"] = run(wesh.approve_submission(second, alice.address), reviewer)

        run(wesh.transfer(merchant.address, 100), alice)  # the merchant now holds Heitjes too
        gas["transfer_to_merchant"] = run(wesh.transfer(merchant.address, 100), alice)
        gas["pay_merchant"] = run(wesh.pay(merchant.address, 250, b"WESH-7K2Q9P"), alice)
        # Within the refund window the payment just opened (at most what alice paid with pay).
        gas["refund_to_citizen"] = run(wesh.transfer(alice.address, 100), merchant)
        gas["redeem"] = run(wesh.redeem(200), merchant)
        gas["redeem_repeat"] = run(wesh.redeem(100), merchant)

        batch = citizens[1 : BATCH + 1]
        for task_id, key in (
            (first, "batch_approve_50_per_item"),
            (second, "batch_approve_50_per_item_repeat"),
        ):
            for citizen in batch:
                run(wesh.claim_task(task_id), citizen)
                run(wesh.submit(task_id, CID), citizen)
            items = [(task_id, c.address) for c in batch]
            gas[key] = run(wesh.approve_submissions(items), reviewer) // BATCH

        # A relayer of its own: an account with native token and no role (the staff sign).
        relayer, newcomer = citizens[-1], Account.create().address
        gas.update(relayed_rows(w3, wesh, run, relayer, city, reviewer, merchant, citizens, batch))
        gas.update(relayed_staff_rows(w3, wesh, run, relayer, city, newcomer))
        gas.update(desk_rows(wesh, run, relayer, city, citizens[BATCH + 3]))
        gas.update(nonce_schemes.measure(w3, city))

        ledger = wesh.ledger()
        assert ledger.total_supply == sum(wesh.balance_of(a.address) for a in accounts)

    print(f"{'operation':36} {'gasUsed':>9} {'target':>9}  reference")
    ok = True
    for key, (goal, reference) in TARGETS.items():
        value = gas[key]
        target = gas[goal] + RELAY_OVERHEAD if isinstance(goal, str) else goal
        if isinstance(goal, str):
            reference = f"{goal} {gas[goal]:,} + {RELAY_OVERHEAD:,}"
        mark = "" if target is None else ("  ok" if value <= target else "  OVER")
        ok &= target is None or value <= target
        shown = "printed" if target is None else f"{target:,}"
        print(f"{key:36} {value:>9,} {shown:>9}  {reference}{mark}")
    nonce_schemes.report(gas)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(gas, indent=2) + "\n")
    print(f"\nwritten to {RESULTS} at {time.strftime('%Y-%m-%d %H:%M:%S')}")
    return 0 if ok else 1


def relayed_rows(  # type: ignore[no-untyped-def]
    w3: Web3, wesh, run, relayer, city, reviewer, merchant, citizens, batch
) -> dict[str, int]:
    """The same calls signed (EIP-712) and sent by ``relayer`` through the forwarder, each beside
    the same call sent directly from the same state. Every signer's nonce is used once first, so
    that each row is "a signer's later request" (the first costs one more zero-to-non-zero
    write: ``relayed_payment_first``)."""
    forwarder = wesh.forwarder
    domain = forwarding.domain_of(forwarder)
    deadline = w3.eth.get_block("latest")["timestamp"] + 86_400

    def signed(tx, signer) -> forwarding.SignedRequest:  # type: ignore[no-untyped-def]
        request = forwarding.prepare(w3, forwarder, tx, signer.address, deadline)
        return forwarding.SignedRequest(request, forwarding.sign_with_node(w3, request, domain))

    def relay(tx, signer) -> int:  # type: ignore[no-untyped-def]
        """Sent as the relayer sends: with the access list (``forwarding.access_list``)."""
        execute = forwarding.execute_tx(forwarder, signed(tx, signer))
        listed = forwarding.access_list(w3, execute, relayer.address)
        return int(run({**execute.as_dict(), "accessList": listed}, relayer))

    gas: dict[str, int] = {}
    direct, relayed = citizens[BATCH + 1], citizens[BATCH + 2]
    gas["relayed_payment_first"] = relay(wesh.pay(merchant.address, 100, b"WESH-FIRST"), batch[0])
    for signer in (relayed, reviewer, merchant, *batch[1:10]):
        relay(wesh.approve(merchant.address, 0), signer)  # uses the signer's first nonce
    # A payment as the anchors measure it (a token transfer to the shop), and one answering a
    # shop's payment request (the counter's QR code), which also logs the request's reference.
    gas["relayed_payment"] = relay(wesh.transfer(merchant.address, 100), batch[0])
    gas["relayed_pay_with_reference"] = relay(
        wesh.pay(merchant.address, 250, b"WESH-7K2Q9P"), batch[0]
    )

    # Claim, hand in, approve: a citizen directly and another relayed, from the same state.
    deadline_task = w3.eth.get_block("latest")["timestamp"] + 30 * 86_400
    run(wesh.commission_task(CID, 400, 200, deadline_task, 7 * 86_400, 1), city)
    task = wesh.counts()[2]
    gas["claim_same_state"] = run(wesh.claim_task(task), direct)
    gas["relayed_claim"] = relay(wesh.claim_task(task), relayed)
    gas["submit_same_state"] = run(wesh.submit(task, CID), direct)
    gas["relayed_submit"] = relay(wesh.submit(task, CID), relayed)
    gas["approve_same_state"] = run(wesh.approve_submission(task, direct.address), reviewer)
    gas["relayed_approve"] = relay(wesh.approve_submission(task, relayed.address), reviewer)
    gas["relayed_redeem"] = relay(wesh.redeem(100), merchant)

    # Ten citizens pay the shop in one batch, each a later request.
    items = [signed(wesh.transfer(merchant.address, 100), c) for c in batch[:10]]
    execute = forwarding.execute_batch_tx(forwarder, items)
    listed = forwarding.access_list(w3, execute, relayer.address)
    total = run({**execute.as_dict(), "accessList": listed}, relayer)
    gas["relayed_payment_batch_per_item"] = total // len(items)
    return gas


def relayed_staff_rows(  # type: ignore[no-untyped-def]
    w3: Web3, wesh, run, relayer, city, newcomer
) -> dict[str, int]:
    """The desk and Financiën through the relayer: ``city`` holds the registrar's and the
    treasurer's roles and signs (its first request uses its nonce first, as in relayed_rows)."""
    signer = forwarding.RelayedSigner(wesh.forwarder, city.address, relayer)
    run(wesh.approve(city.address, 0), signer)
    gas = {"relayed_register": run(wesh.register_citizen(newcomer, 2), signer)}
    open_request = wesh.redemption.functions.request_count().call()
    gas["relayed_mark_paid"] = run(wesh.mark_paid([open_request], "WESH-R3"), signer)
    return gas


def desk_rows(wesh, run, relayer, city, association) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A resident registered by the registrar at Heitje, by an association through the
    neighbourhood desk (sending itself), and by the association signing with the relayer
    sending (its later request: the first uses its nonce first, as in relayed_rows)."""
    run(wesh.grant_neighbourhood(association.address, 6), city)
    gas = {"register_citizen": run(wesh.register_citizen(Account.create().address, 6), city)}
    gas["desk_register"] = run(wesh.desk_register_citizen(Account.create().address, 6), association)
    signer = forwarding.RelayedSigner(wesh.forwarder, association.address, relayer)
    run(wesh.desk_register_citizen(Account.create().address, 6), signer)
    resident = Account.create().address
    gas["relayed_desk_register"] = run(wesh.desk_register_citizen(resident, 6), signer)
    return gas


if __name__ == "__main__":
    sys.exit(main())
