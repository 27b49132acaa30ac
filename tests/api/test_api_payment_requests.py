"""A shop's payment request is paid only by payments to that shop, quoting its reference, that add
up to its amount: a short payment is shown as short, another shop's payment does not count."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from api_support import Stack, signed_in
from web3.types import Wei

pytestmark = pytest.mark.anyio


async def ask(shop: httpx.AsyncClient, amount: int) -> str:
    """A payment request of ``amount`` cents; its reference."""
    created = await shop.post("/merchant/payment-requests", json={"amount": amount})
    assert created.status_code == 201, created.text
    return str(created.json()["reference"])


def pay_directly(stack: Stack, merchant: str, amount: int, reference: str) -> None:
    """The citizen calls pay() with an amount and shop of their own choosing, not the API's."""
    payee = stack.accounts[merchant].address
    stack.send(stack.wesh.pay(payee, amount, bytes.fromhex(reference)), "citizen")
    stack.sync()


def send_prepared(stack: Stack, tx: dict[str, Any]) -> None:
    """Sends a transaction the API prepared, as the citizen's wallet would."""
    tx_hash = stack.w3.eth.send_transaction(
        {"from": tx["from"], "to": tx["to"], "data": tx["data"], "value": Wei(0)}
    )
    receipt = stack.w3.eth.wait_for_transaction_receipt(tx_hash)
    assert receipt["status"] == 1
    stack.sync()


async def status(shop: httpx.AsyncClient, reference: str) -> dict[str, Any]:
    reply = await shop.get(f"/merchant/payment-requests/{reference}/status")
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


async def test_a_payment_of_the_whole_amount_pays_the_request(app: object, stack: Stack) -> None:
    shop = await signed_in(app, stack, "merchant")
    citizen = await signed_in(app, stack, "citizen")
    reference = await ask(shop, 120)
    tx = (await citizen.post("/me/payments", json={"reference": reference})).json()
    assert tx["description"]["nl"] == "€ 1,20 betalen aan Test bakker."
    send_prepared(stack, tx)

    paid = await status(shop, reference)
    assert (paid["paid"], paid["received"], paid["remaining"]) == (True, 120, 0)
    assert [(p["payer"], p["amount"]) for p in paid["payments"]] == [
        (stack.accounts["citizen"].address, 120)
    ]
    assert (await citizen.get(f"/pay/{reference}")).json()["paid"] is True
    again = await citizen.post("/me/payments", json={"reference": reference})
    assert again.status_code == 422 and again.json()["code"] == "payment_request_paid"


async def test_one_cent_of_three_fifty_is_shown_as_short_not_paid(
    app: object, stack: Stack
) -> None:
    shop = await signed_in(app, stack, "merchant")
    citizen = await signed_in(app, stack, "citizen")
    reference = await ask(shop, 350)
    pay_directly(stack, "merchant", 1, reference)

    short = await status(shop, reference)
    assert short["paid"] is False
    assert (short["amount"], short["received"], short["remaining"]) == (350, 1, 349)
    assert [p["amount"] for p in short["payments"]] == [1]
    shown = (await citizen.get(f"/pay/{reference}")).json()
    assert shown["paid"] is False
    assert (shown["received"], shown["remaining"]) == (1, 349)
    # The request stays open: the QR code now asks for the rest.
    rest = await citizen.post("/me/payments", json={"reference": reference})
    assert rest.status_code == 200, rest.text
    assert rest.json()["description"]["nl"] == "€ 3,49 betalen aan Test bakker."


async def test_a_payment_to_another_shop_quoting_the_reference_pays_nothing_here(
    app: object, stack: Stack
) -> None:
    shop = await signed_in(app, stack, "merchant")
    citizen = await signed_in(app, stack, "citizen")
    reference = await ask(shop, 120)
    pay_directly(stack, "merchant2", 120, reference)

    unpaid = await status(shop, reference)
    assert unpaid["paid"] is False
    assert (unpaid["received"], unpaid["payments"]) == (0, [])
    shown = (await citizen.get(f"/pay/{reference}")).json()
    assert shown["paid"] is False
    assert (shown["received"], shown["remaining"]) == (0, 120)
    tx = await citizen.post("/me/payments", json={"reference": reference})
    assert tx.status_code == 200, tx.text
    assert tx.json()["description"]["nl"] == "€ 1,20 betalen aan Test bakker."


async def test_two_part_payments_that_add_up_pay_the_request(app: object, stack: Stack) -> None:
    shop = await signed_in(app, stack, "merchant")
    citizen = await signed_in(app, stack, "citizen")
    reference = await ask(shop, 350)
    pay_directly(stack, "merchant", 100, reference)
    assert (await status(shop, reference))["paid"] is False

    tx = (await citizen.post("/me/payments", json={"reference": reference})).json()
    assert tx["description"]["nl"] == "€ 2,50 betalen aan Test bakker."
    send_prepared(stack, tx)

    paid = await status(shop, reference)
    assert (paid["paid"], paid["received"], paid["remaining"]) == (True, 350, 0)
    assert [p["amount"] for p in paid["payments"]] == [100, 250]
    assert (await citizen.get(f"/pay/{reference}")).json()["paid"] is True
