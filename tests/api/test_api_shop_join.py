"""A shop joins at the merchant manager's desk (issue #14), on a real chain and index: the shop's
new account shows a join code (``POST /join``); the manager registers it with its public details
(``POST /city/merchants``: the document to the content store, only its CID on chain) and its
bank account, which stays city side (``api_bank_accounts``: checked IBAN, who and when); a changed
bank account is logged; a shop that lost its phone moves to a new one (``POST
/city/merchants/move``), its bank account following it; the treasurer's bank-accounts file is the
one ``redemptions sepa`` reads."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from api_support import PUBLIC_URL, Stack, signed_in
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from wesh import iban as ibans
from wesh.csv_rows import parse_bank_accounts
from wesh.metadata import FolderStore, get_document

pytestmark = pytest.mark.anyio

IBAN = ibans.example("NL", "ABNA", "0417164300")
OTHER_IBAN = ibans.example("NL", "RABO", "0123456789")


async def signed_in_with_key(app: Any, who: LocalAccount) -> httpx.AsyncClient:
    """A client with the session of a key the test holds (SIWE, as the phone's account signs)."""
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL)
    message = (await http.post("/auth/message", json={"address": who.address})).json()["message"]
    signature = who.sign_message(encode_defunct(text=message)).signature.to_0x_hex()
    reply = await http.post("/auth/verify", json={"message": message, "signature": signature})
    assert reply.status_code == 200, reply.text
    return http


async def new_phone(app: Any) -> tuple[LocalAccount, str]:
    """A fresh account (a phone that chose "Doe mee") and the join code it shows."""
    phone = Account.create()
    http = await signed_in_with_key(app, phone)
    try:
        reply = await http.post("/join")
        assert reply.status_code == 200, reply.text
        assert reply.json()["registered"] is False
        return phone, str(reply.json()["code"])
    finally:
        await http.aclose()


def shop_body(code: str, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": code,
        "name": "Bakkerij Het Heitje",
        "kind": "bakery",
        "street": "Kruisstraat 5",
        "postcode": "6411bt",
        "neighbourhood": 1,
        "opening_hours": "di-za 8.00-17.00",
        "iban": ibans.format_iban(IBAN).lower(),
    }
    body.update(overrides)
    return body


def send_prepared(stack: Stack, prepared: dict[str, Any]) -> None:
    """Sends a prepared call as its sender (an unlocked anvil account) and indexes it."""
    tx_hash = stack.w3.eth.send_transaction(
        {"from": prepared["from"], "to": prepared["to"], "data": prepared["data"]}
    )
    assert stack.w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1
    stack.sync()


async def test_a_shop_joins_with_its_code_and_its_bank_account_stays_city_side(
    app: Any, stack: Stack
) -> None:
    phone, code = await new_phone(app)
    manager = await signed_in(app, stack, "admin")  # admin holds the merchant manager role
    reply = await manager.post("/city/merchants", json=shop_body(code))
    assert reply.status_code == 200, reply.text
    out = reply.json()
    assert out["address"] == phone.address
    assert out["tx"]["function"] == "register_merchant"
    assert out["tx"]["description"]["nl"] == "Winkel 'Bakkerij Het Heitje' aanmelden."
    assert out["tx"]["from"] == stack.accounts["admin"].address
    # The public document: what the shop shows on its door, no IBAN.
    document = get_document(FolderStore(stack.content_dir), out["metadata_cid"])
    assert document is not None
    assert document["name"] == "Bakkerij Het Heitje"
    assert document["kind"] == "bakery"
    assert document["address"] == {
        "street": "Kruisstraat 5",
        "postcode": "6411 BT",
        "city": "Heerlen",
    }
    assert document["opening_hours"] == "di-za 8.00-17.00"
    assert IBAN not in json.dumps(document)

    send_prepared(stack, out["tx"])
    assert stack.wesh.account(phone.address).is_merchant
    shops = (await manager.get("/city/merchants")).json()
    shop = next(s for s in shops if s["address"] == phone.address)
    assert shop["name"] == "Bakkerij Het Heitje"
    assert shop["bank_account"]["iban"] == ibans.format_iban(IBAN)
    assert shop["bank_account"]["holder"] == "Bakkerij Het Heitje"
    assert shop["bank_account"]["action"] == "register"
    assert shop["bank_account"]["changed_by"] == stack.accounts["admin"].address
    # The shop itself now signs in as a shop; the public directory has no IBAN.
    directory = (await manager.get("/merchants")).text
    assert IBAN not in directory and "Bakkerij Het Heitje" in directory
    shop_http = await signed_in_with_key(app, phone)
    assert (await shop_http.get("/auth/session")).json()["roles"] == ["merchant"]
    await shop_http.aclose()

    # Bankrekening wijzigen: logged, the earlier one kept.
    reply = await manager.put(
        f"/city/merchants/{shop['merchant_id']}/bank-account",
        json={"iban": OTHER_IBAN, "bic": "rabonl2u", "holder": "Het Heitje B.V."},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["iban"] == ibans.format_iban(OTHER_IBAN)
    assert reply.json()["bic"] == "RABONL2U"
    history = (await manager.get(f"/city/merchants/{shop['merchant_id']}/bank-accounts")).json()
    assert [(h["iban"], h["action"], h["holder"]) for h in history] == [
        (ibans.format_iban(OTHER_IBAN), "change", "Het Heitje B.V."),
        (ibans.format_iban(IBAN), "register", "Bakkerij Het Heitje"),
    ]
    assert all(h["changed_by"] == stack.accounts["admin"].address for h in history)
    assert history[0]["changed_at"] >= history[1]["changed_at"]
    await manager.aclose()


async def test_refusals_of_a_registration(app: Any, stack: Stack) -> None:
    _, code = await new_phone(app)
    manager = await signed_in(app, stack, "admin")
    # A typo in the IBAN: 422 naming the field, with a next step, nothing prepared.
    typo = IBAN[:-1] + ("1" if IBAN[-1] != "1" else "2")
    reply = await manager.post("/city/merchants", json=shop_body(code, iban=typo))
    assert reply.status_code == 422, reply.text
    problem = reply.json()
    assert problem["code"] == "iban_invalid"
    assert problem["params"]["fields"] == ["iban"]
    assert "bankpas" in problem["detail"]
    reply = await manager.post("/city/merchants", json=shop_body(code, bic="ABN"))
    assert (reply.status_code, reply.json()["params"]["fields"]) == (422, ["bic"])
    reply = await manager.post("/city/merchants", json=shop_body(code, postcode="64111"))
    assert (reply.status_code, reply.json()["params"]["fields"]) == (422, ["postcode"])
    reply = await manager.post("/city/merchants", json=shop_body(code, kind="casino"))
    assert (reply.status_code, reply.json()["code"]) == (422, "invalid_input")
    # A phone that is a shop already, or a resident's: 409.
    merchant = stack.accounts["merchant"].address
    body = shop_body(code)
    del body["code"]
    reply = await manager.post("/city/merchants", json={**body, "address": merchant})
    assert (reply.status_code, reply.json()["code"]) == (409, "shop_exists")
    citizen = stack.accounts["citizen"].address
    reply = await manager.post("/city/merchants", json={**body, "address": citizen})
    assert (reply.status_code, reply.json()["code"]) == (409, "account_is_citizen")
    reply = await manager.post("/city/merchants", json=shop_body("ZZZZ-ZZZZ"))
    assert (reply.status_code, reply.json()["code"]) == (404, "join_code_unknown")
    await manager.aclose()
    # Not a merchant manager: 403 (a treasurer, a registrar, a shop).
    for who in ("treasurer", "registrar", "merchant"):
        other = await signed_in(app, stack, who)
        reply = await other.post("/city/merchants", json=shop_body(code))
        assert (reply.status_code, reply.json()["code"]) == (403, "forbidden"), who
        assert "winkelbeheerder" in reply.json()["detail"]
        reply = await other.put("/city/merchants/1/bank-account", json={"iban": IBAN})
        assert reply.status_code == 403
        await other.aclose()


async def test_a_shop_moves_to_a_new_phone_with_its_bank_account(app: Any, stack: Stack) -> None:
    old, code = await new_phone(app)
    manager = await signed_in(app, stack, "admin")
    reply = await manager.post("/city/merchants", json=shop_body(code, name="Café Verhuist"))
    send_prepared(stack, reply.json()["tx"])
    stack.send(stack.wesh.pay(old.address, 4_00, b"WESH-MOVE-2"), "citizen")
    stack.sync()
    shop_id = stack.wesh.account(old.address).id

    new, new_code = await new_phone(app)
    reply = await manager.post("/city/merchants/move", json={"merchant": shop_id, "code": new_code})
    assert reply.status_code == 200, reply.text
    out = reply.json()
    assert (out["merchant_id"], out["old_address"], out["new_address"]) == (
        shop_id,
        old.address,
        new.address,
    )
    assert out["tx"]["function"] == "move_merchant"
    assert "Café Verhuist" in out["tx"]["description"]["nl"]
    send_prepared(stack, out["tx"])

    view = stack.wesh.account(new.address)
    assert (view.is_merchant, view.id, view.balance) == (True, shop_id, 4_00)
    assert stack.wesh.account(old.address).moved
    shops = (await manager.get("/city/merchants")).json()
    shop = next(s for s in shops if s["merchant_id"] == shop_id)
    assert shop["address"] == new.address
    assert shop["bank_account"]["iban"] == ibans.format_iban(IBAN)
    moved_shop = await signed_in_with_key(app, new)
    assert (await moved_shop.get("/me")).json()["balance"] == 4_00
    await moved_shop.aclose()
    # The old phone is retired: it gets no join code (api.joining's join_retired).
    retired = await signed_in_with_key(app, old)
    reply = await retired.post("/join")
    assert (reply.status_code, reply.json()["code"]) == (409, "join_retired")
    await retired.aclose()

    # Refusals: the shop's own phone again, a retired phone, a resident's, an unknown shop.
    _, fresh_code = await new_phone(app)
    cases = [
        ({"merchant": shop_id, "new_address": new.address}, 409, "shop_same_phone"),
        ({"merchant": shop_id, "new_address": old.address}, 409, "account_retired"),
        (
            {"merchant": shop_id, "new_address": stack.accounts["citizen"].address},
            409,
            "account_is_citizen",
        ),
        (
            {"merchant": shop_id, "new_address": stack.accounts["merchant2"].address},
            409,
            "shop_exists",
        ),
        ({"merchant": 999, "code": fresh_code}, 404, "shop_unknown"),
        ({"merchant": old.address, "code": fresh_code}, 404, "shop_unknown"),
        ({"merchant": shop_id, "code": "ZZZZ-ZZZZ"}, 404, "join_code_unknown"),
    ]
    for body, status, code_ in cases:
        reply = await manager.post("/city/merchants/move", json=body)
        assert (reply.status_code, reply.json()["code"]) == (status, code_), body
    await manager.aclose()
    registrar = await signed_in(app, stack, "registrar")
    reply = await registrar.post(
        "/city/merchants/move", json={"merchant": shop_id, "code": fresh_code}
    )
    assert reply.status_code == 403
    await registrar.aclose()

    # The treasurer's file for `redemptions sepa`: both of the shop's wallets pay to its account.
    treasurer = await signed_in(app, stack, "treasurer")
    reply = await treasurer.get("/city/merchants/bank-accounts.csv")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/csv")
    await treasurer.aclose()
    path = stack.content_dir.parent / "bank-accounts.csv"
    path.write_text(reply.text)
    accounts = parse_bank_accounts(path)
    assert accounts[old.address].iban == accounts[new.address].iban == IBAN
    assert accounts[new.address].name == "Café Verhuist"
