"""People, not addresses (issue #14): what the API gives so that no page has to show a "0x…".

- A shop's payments carry the payer's neighbourhood (a resident's; never who they are) and a
  short payment code, the same code its payment request and the payment page show; the
  neighbourhood stays known after the resident moved to a new wallet (a lost phone).
- A resident's history names the task a reward was for and the shop a payment went to; the
  shop's history names the payer's neighbourhood.
- The review queue gives the resident's neighbourhood beside their citizen number; cash-outs
  give the shop's id.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from api_support import PUBLIC_URL, Stack, signed_in
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from wesh.forwarding import RelayedSigner
from wesh.signer import transact

pytestmark = pytest.mark.anyio

#: Meezenbroek (wesh/neighbourhoods.py): a neighbourhood no other test registers anyone in.
HOOD, HOOD_NAME = 7, "Meezenbroek"


async def signed_in_with_key(app: Any, who: LocalAccount) -> httpx.AsyncClient:
    """A client with the session of a key the test holds (SIWE, as a wallet signs it)."""
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL)
    message = (await http.post("/auth/message", json={"address": who.address})).json()["message"]
    signature = who.sign_message(encode_defunct(text=message)).signature.to_0x_hex()
    reply = await http.post("/auth/verify", json={"message": message, "signature": signature})
    assert reply.status_code == 200, reply.text
    return http


async def test_shops_and_staff_see_neighbourhoods_and_codes_residents_see_tasks_and_shops(
    app: object, stack: Stack
) -> None:
    wesh = stack.wesh
    resident, new_phone = Account.create(), Account.create()
    # The resident holds no native token: everything they do goes through the forwarder.
    acts = RelayedSigner(
        wesh.forwarder, resident.address, stack.accounts["admin"], key=resident.key
    )
    stack.send(wesh.register_citizens([resident.address], [HOOD]), "admin")
    task = stack.tasks["bench"]
    transact(stack.w3, wesh.claim_task(task), acts)
    transact(stack.w3, wesh.submit(task, "bafkreipeople"), acts)
    stack.sync()

    # Staff: the queue names the resident's number and neighbourhood.
    reviewer = await signed_in(app, stack, "reviewer")
    queue = (await reviewer.get("/city/review-queue")).json()
    waiting = next(q for q in queue if q["citizen"] == resident.address)
    assert (waiting["task_id"], waiting["neighbourhood"]) == (task, HOOD)
    assert isinstance(waiting["citizen_id"], int)
    stack.send(wesh.approve_submission(task, resident.address), "reviewer")

    # The shop asks 2.75; the resident pays it (relayed).
    shop = await signed_in(app, stack, "merchant")
    created = (await shop.post("/merchant/payment-requests", json={"amount": 275})).json()
    reference = created["reference"]
    code = reference[:6].upper()
    assert created["code"] == code
    citizen = await signed_in_with_key(app, resident)
    shown = (await citizen.get(f"/pay/{reference}")).json()
    assert shown["code"] == code
    prepared = (await citizen.post("/me/payments", json={"reference": reference})).json()
    assert prepared["function"] == "pay"
    assert prepared["description"]["nl"] == "€ 2,75 betalen aan Test bakker."
    merchant = stack.accounts["merchant"].address
    transact(stack.w3, wesh.pay(merchant, 275, bytes.fromhex(reference)), acts)
    stack.sync()

    payments = (await shop.get("/merchant/payments")).json()
    mine = [p for p in payments if p["payer"] == resident.address]
    assert [
        (p["amount"], p["code"], p["neighbourhood"], p["neighbourhood_name"]) for p in mine
    ] == [(275, code, HOOD, HOOD_NAME)]
    status = (await shop.get(f"/merchant/payment-requests/{reference}/status")).json()
    assert status["paid"] is True
    assert [(p["code"], p["neighbourhood_name"]) for p in status["payments"]] == [(code, HOOD_NAME)]
    # A shop's own earlier payment without a resident behind it has no neighbourhood; a payment
    # without a reference has a code from its transaction hash.
    for payment in payments:
        assert len(payment["code"]) == 6 and not payment["code"].startswith("0X")
        if payment["reference"] is None:
            assert payment["code"] == payment["tx_hash"][2:8].upper()

    # The resident's history: the reward names its task, the payment its shop.
    history = (await citizen.get("/me/history")).json()
    by_kind = {item["kind"]: item for item in history}
    reward = by_kind["mint"]
    assert (reward["task_id"], reward["task_title"]) == (task, "Bankje schilderen in het Aambos")
    merchant_id = next(
        m["merchant_id"]
        for m in (await citizen.get("/merchants")).json()
        if m["address"] == merchant
    )
    paid = by_kind["payment"]
    assert (paid["direction"], paid["merchant_id"], paid["task_id"]) == ("out", merchant_id, None)
    assert paid["neighbourhood"] is None  # a shop has no neighbourhood here: only a resident
    # The shop's history: the payment in names the payer's neighbourhood, not the payer.
    shop_history = (await shop.get("/me/history")).json()
    received = next(i for i in shop_history if i["tx_hash"] == mine[0]["tx_hash"])
    assert (received["direction"], received["neighbourhood"]) == ("in", HOOD)
    assert received["merchant_id"] is None  # the other side is a resident, not the shop itself

    # A lost phone: the resident moves to a new wallet; the shop still sees the neighbourhood.
    stack.send(wesh.move_citizen(resident.address, new_phone.address), "admin")
    stack.sync()
    after = (await shop.get("/merchant/payments")).json()
    moved = [p for p in after if p["tx_hash"] == mine[0]["tx_hash"]]
    assert [(p["code"], p["neighbourhood_name"]) for p in moved] == [(code, HOOD_NAME)]


async def test_cash_outs_name_the_shop_by_its_id(app: object, stack: Stack) -> None:
    shop = await signed_in(app, stack, "merchant")
    cashout = (await shop.post("/merchant/cashouts", json={"amount": 1})).json()
    assert cashout["function"] == "redeem"
    stack.send(stack.wesh.redeem(1), "merchant")
    stack.sync()
    treasurer = await signed_in(app, stack, "treasurer")
    open_ = (await treasurer.get("/city/redemptions", params={"status": "open"})).json()
    merchant_id = next(
        m["merchant_id"]
        for m in (await shop.get("/merchants")).json()
        if m["address"] == stack.accounts["merchant"].address
    )
    ours = [r for r in open_ if r["merchant"] == stack.accounts["merchant"].address]
    assert ours and {r["merchant_id"] for r in ours} == {merchant_id}
