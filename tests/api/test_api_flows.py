"""Prepared transactions and the views behind them, against the real chain and indexer."""

from __future__ import annotations

import asyncio

import pytest
from api_support import PUBLIC_URL, Stack, signed_in
from web3.types import Wei

from wesh.contract import Role

pytestmark = pytest.mark.anyio


async def test_me_matches_the_contracts_own_view(app: object, stack: Stack) -> None:
    http = await signed_in(app, stack, "citizen")
    stack.sync()
    me = (await http.get("/me")).json()
    chain = stack.wesh.account(stack.accounts["citizen"].address)
    caps = stack.wesh.caps()
    assert me["balance"] == chain.balance
    assert me["earned_year"] == chain.earned_year
    assert me["earned_month"] == chain.earned_month
    assert me["reserved"] == chain.reserved
    assert me["open_claims"] == chain.open_claims
    assert me["cap_yearly"] == caps.yearly
    assert me["cap_left"] == caps.yearly - chain.earned_year - chain.reserved
    history = (await http.get("/me/history")).json()
    assert history[-1]["kind"] == "mint" and history[-1]["amount"] == 1_500


async def test_a_claim_over_the_yearly_cap_is_explained_before_the_wallet_opens(
    app: object, stack: Stack
) -> None:
    http = await signed_in(app, stack, "capped")
    # 100.00 reserved of 110.00: the 15.00 bench task does not fit any more.
    reply = await http.post(f"/me/tasks/{stack.tasks['bench']}/claim")
    assert reply.status_code == 422
    body = reply.json()
    assert body["code"] == "contract_refused"
    assert body["params"]["reason"] == "cap: yearly limit reached"
    assert body["detail"].startswith("Je jaarlimiet is bereikt")
    english = await http.post(
        f"/me/tasks/{stack.tasks['bench']}/claim", headers={"Accept-Language": "en"}
    )
    assert english.json()["detail"].startswith("You have reached your yearly limit")


async def test_a_prepared_claim_says_what_it_does_and_succeeds_when_sent(
    app: object, stack: Stack
) -> None:
    http = await signed_in(app, stack, "citizen3")
    reply = await http.post(f"/me/tasks/{stack.tasks['bench']}/claim")
    assert reply.status_code == 200, reply.text
    tx = reply.json()
    assert tx["to"] == stack.manifest.heitje and tx["chain_id"] == 31337
    assert tx["from"] == stack.accounts["citizen3"].address
    task = stack.tasks["bench"]
    expected = f"Klus {task} aannemen (€ 15,00); de beloning wordt voor je gereserveerd."
    assert tx["description"]["nl"] == expected
    # The wallet sends exactly what the API prepared.
    tx_hash = stack.w3.eth.send_transaction(
        {"from": tx["from"], "to": tx["to"], "data": tx["data"], "value": Wei(0)}
    )
    assert stack.w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1
    stack.sync()
    # Other modules on the session's stack give citizen3 claims of their own: look at this task.
    claims = (await http.get("/me")).json()["claims"]
    mine = [(c["task_id"], c["status"]) for c in claims if c["task_id"] == task]
    assert mine == [(task, 1)]


async def test_a_revoked_role_is_refused_once_the_indexer_sees_the_block(
    app: object, stack: Stack
) -> None:
    http = await signed_in(app, stack, "reviewer2")
    assert (await http.get("/city/review-queue")).status_code == 200
    stack.send(stack.wesh.revoke_role(stack.accounts["reviewer2"].address, Role.REVIEWER), "admin")
    stack.sync()
    reply = await http.get("/city/review-queue")
    assert reply.status_code == 403 and reply.json()["code"] == "forbidden"
    assert "beoordelaar" in reply.json()["detail"]


async def test_review_queue_lists_submitted_work_with_its_evidence(
    app: object, stack: Stack
) -> None:
    http = await signed_in(app, stack, "reviewer")
    queue = (await http.get("/city/review-queue")).json()
    item = next(q for q in queue if q["task_id"] == stack.tasks["stickers"])
    assert item["citizen"] == stack.accounts["citizen"].address
    assert item["status"] == "submitted" and item["evidence_cid"] == "bafkreievidence2"
    assert item["title"] == "Stickers verwijderen Promenade"


async def test_merchant_sees_a_payment_for_its_qr_request_arrive_live(
    app: object, stack: Stack
) -> None:
    shop = await signed_in(app, stack, "merchant")
    citizen = await signed_in(app, stack, "citizen")
    created = await shop.post("/merchant/payment-requests", json={"amount": 250, "note": "Vlaai"})
    assert created.status_code == 201
    request = created.json()
    assert request["link"] == f"{PUBLIC_URL}/betalen/{request['reference']}"
    qr = await shop.get(request["qr_svg"])
    assert qr.status_code == 200 and qr.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in qr.content

    shown = (await citizen.get(f"/pay/{request['reference']}")).json()
    assert shown["merchant_name"] == "Test bakker" and shown["amount"] == 250
    assert shown["paid"] is False

    async def read_stream() -> list[str]:
        events: list[str] = []
        async with shop.stream("GET", "/merchant/payments/stream", params={"seconds": 8}) as s:
            async for line in s.aiter_lines():
                if line.startswith("data: "):
                    events.append(line)
                    return events
        return events

    listener = asyncio.create_task(read_stream())
    await asyncio.sleep(0.3)
    tx = (await citizen.post("/me/payments", json={"reference": request["reference"]})).json()
    assert tx["function"] == "pay" and tx["description"]["nl"] == "€ 2,50 betalen aan Test bakker."
    stack.w3.eth.wait_for_transaction_receipt(
        stack.w3.eth.send_transaction({"from": tx["from"], "to": tx["to"], "data": tx["data"]})
    )
    await asyncio.to_thread(stack.sync)
    events = await asyncio.wait_for(listener, timeout=10)
    assert request["reference"] in events[0] or "250" in events[0]
    status = (await shop.get(f"/merchant/payment-requests/{request['reference']}/status")).json()
    assert (status["paid"], status["received"], status["remaining"]) == (True, 250, 0)
    assert [(p["payer"], p["amount"]) for p in status["payments"]] == [
        (stack.accounts["citizen"].address, 250)
    ]
    again = await citizen.post("/me/payments", json={"reference": request["reference"]})
    assert again.status_code == 422 and again.json()["code"] == "payment_request_paid"


async def test_budget_view_shows_liability_equal_to_supply(app: object, stack: Stack) -> None:
    http = await signed_in(app, stack, "treasurer")
    stack.sync()
    budget = (await http.get("/city/budget")).json()
    ledger = stack.wesh.ledger()
    assert budget["liability"] == ledger.total_supply
    assert budget["escrow_locked"] == ledger.escrow_locked
    assert budget["budget_available"] == ledger.budget_available
