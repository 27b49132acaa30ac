"""A shop that lost its phone (issue #14): after ``move_merchant`` its new wallet sees what was paid
to it and what it cashed out before the move, and the old wallet is no shop any more."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from api_support import PUBLIC_URL, Stack
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from wesh.forwarding import RelayedSigner
from wesh.metadata import FolderStore, merchant_document, put_document
from wesh.signer import transact

pytestmark = pytest.mark.anyio


async def signed_in_with_key(app: Any, who: LocalAccount) -> httpx.AsyncClient:
    """A client with the session of a key the test holds (SIWE, as a wallet signs it)."""
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL)
    message = (await http.post("/auth/message", json={"address": who.address})).json()["message"]
    signature = who.sign_message(encode_defunct(text=message)).signature.to_0x_hex()
    reply = await http.post("/auth/verify", json={"message": message, "signature": signature})
    assert reply.status_code == 200, reply.text
    return http


async def test_a_moved_shop_keeps_its_payments_and_cash_outs(app: object, stack: Stack) -> None:
    wesh = stack.wesh
    old, new = Account.create(), Account.create()
    cid = put_document(
        FolderStore(stack.content_dir),
        merchant_document(
            name="Test verhuizer",
            kind="bakker",
            street="Promenade 2",
            postcode="6411 JA",
            city="Heerlen",
            neighbourhood=1,
        ),
    )
    stack.send(wesh.register_merchant(old.address, cid), "admin")
    stack.send(wesh.pay(old.address, 3, b"WESH-MOVE"), "citizen")
    # The shop holds no native token: it cashes out through the forwarder, the admin paying.
    shop = RelayedSigner(wesh.forwarder, old.address, stack.accounts["admin"], key=old.key)
    transact(stack.w3, wesh.redeem(2), shop)
    stack.send(wesh.move_merchant(old.address, new.address), "admin")
    stack.sync()

    moved = await signed_in_with_key(app, new)
    payments = (await moved.get("/merchant/payments")).json()
    assert [p["amount"] for p in payments] == [3]
    cashouts = (await moved.get("/merchant/cashouts")).json()
    assert [(c["amount"], c["status"]) for c in cashouts] == [(2, "open")]
    me = (await moved.get("/me")).json()
    assert me["balance"] == 1

    retired = await signed_in_with_key(app, old)
    assert (await retired.get("/merchant/payments")).status_code == 403
