"""Sign-In with Ethereum: the happy path, and each way a sign-in must be refused."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import siwe
from api_support import PUBLIC_URL, Stack, sign_in

pytestmark = pytest.mark.anyio


def craft(stack: Stack, who: str, nonce: str, **changes: object) -> str:
    """A SIWE message like the server's, with some fields changed."""
    now = datetime.now(UTC)
    fields: dict[str, object] = {
        "domain": "wesh.test",
        "address": stack.accounts[who].address,
        "statement": "Sign in",
        "uri": PUBLIC_URL,
        "version": "1",
        "chain_id": 31337,
        "nonce": nonce,
        "issued_at": now.isoformat(timespec="seconds").replace("+00:00", "Z"),
        "expiration_time": (now + timedelta(minutes=5))
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z"),
    }
    fields.update(changes)
    return siwe.SiweMessage(**fields).prepare_message()


async def fresh_nonce(http: httpx.AsyncClient) -> str:
    return str((await http.get("/auth/nonce")).json()["nonce"])


async def test_sign_in_sets_an_httponly_cookie_and_reports_roles(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    body = await sign_in(client, stack, "citizen")
    assert body["address"] == stack.accounts["citizen"].address
    assert body["roles"] == ["citizen"]
    cookie = client.cookies.get("wesh_session")
    assert cookie == body["token"]
    session = await client.get("/auth/session")
    assert session.json()["address"] == body["address"]


async def test_cookie_is_secure_samesite_and_httponly_outside_localhost(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    address = stack.accounts["merchant"].address
    message = (await client.post("/auth/message", json={"address": address})).json()["message"]
    reply = await client.post(
        "/auth/verify", json={"message": message, "signature": stack.sign("merchant", message)}
    )
    header = reply.headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=lax" in header and "secure" in header


async def test_bearer_token_works_without_the_cookie(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    token = (await sign_in(client, stack, "reviewer"))["token"]
    client.cookies.clear()
    reply = await client.get("/auth/session", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 200 and reply.json()["roles"] == ["city", "reviewer"]


async def test_replayed_nonce_is_refused(client: httpx.AsyncClient, stack: Stack) -> None:
    address = stack.accounts["citizen2"].address
    message = (await client.post("/auth/message", json={"address": address})).json()["message"]
    signed = {"message": message, "signature": stack.sign("citizen2", message)}
    assert (await client.post("/auth/verify", json=signed)).status_code == 200
    again = await client.post("/auth/verify", json=signed)
    assert again.status_code == 401 and again.json()["code"] == "siwe_nonce"


async def test_made_up_nonce_is_refused(client: httpx.AsyncClient, stack: Stack) -> None:
    message = craft(stack, "citizen", "notissuedbyus123")
    reply = await client.post(
        "/auth/verify", json={"message": message, "signature": stack.sign("citizen", message)}
    )
    assert reply.status_code == 401 and reply.json()["code"] == "siwe_nonce"


async def test_wrong_domain_is_refused(client: httpx.AsyncClient, stack: Stack) -> None:
    message = craft(stack, "citizen", await fresh_nonce(client), domain="evil.example")
    reply = await client.post(
        "/auth/verify", json={"message": message, "signature": stack.sign("citizen", message)}
    )
    assert reply.status_code == 401 and reply.json()["code"] == "siwe_domain"
    assert "wesh.test" in reply.json()["detail"]


async def test_wrong_uri_is_refused(client: httpx.AsyncClient, stack: Stack) -> None:
    message = craft(stack, "citizen", await fresh_nonce(client), uri="https://evil.example/")
    reply = await client.post(
        "/auth/verify", json={"message": message, "signature": stack.sign("citizen", message)}
    )
    assert reply.status_code == 401 and reply.json()["code"] == "siwe_uri"


async def test_wrong_chain_is_refused(client: httpx.AsyncClient, stack: Stack) -> None:
    message = craft(stack, "citizen", await fresh_nonce(client), chain_id=100)
    reply = await client.post(
        "/auth/verify", json={"message": message, "signature": stack.sign("citizen", message)}
    )
    assert reply.status_code == 401 and reply.json()["code"] == "siwe_chain"
    assert "31337" in reply.json()["detail"]


async def test_expired_message_is_refused(client: httpx.AsyncClient, stack: Stack) -> None:
    past = datetime.now(UTC) - timedelta(hours=2)
    message = craft(
        stack,
        "citizen",
        await fresh_nonce(client),
        issued_at=past.isoformat(timespec="seconds").replace("+00:00", "Z"),
        expiration_time=(past + timedelta(minutes=5))
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z"),
    )
    reply = await client.post(
        "/auth/verify", json={"message": message, "signature": stack.sign("citizen", message)}
    )
    assert reply.status_code == 401 and reply.json()["code"] == "siwe_expired"


async def test_signature_by_another_address_is_refused(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    message = craft(stack, "citizen", await fresh_nonce(client))
    reply = await client.post(
        "/auth/verify", json={"message": message, "signature": stack.sign("outsider", message)}
    )
    assert reply.status_code == 401 and reply.json()["code"] == "siwe_signature"


async def test_garbage_message_is_a_clear_422(client: httpx.AsyncClient) -> None:
    reply = await client.post("/auth/verify", json={"message": "hello", "signature": "0x1234"})
    assert reply.status_code == 422 and reply.json()["code"] == "siwe_malformed"


async def test_logout_ends_the_session_for_good(client: httpx.AsyncClient, stack: Stack) -> None:
    token = (await sign_in(client, stack, "citizen3"))["token"]
    assert (await client.post("/auth/logout")).status_code == 204
    reply = await client.get("/auth/session", headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 401 and reply.json()["code"] == "sign_in_required"


async def test_sign_in_is_rate_limited_per_client(stack: Stack) -> None:
    from api.app import create_app

    limited = create_app(stack.settings(signin_per_minute=3))
    # A client address of its own: the counters are shared by every worker (the database).
    transport = httpx.ASGITransport(app=limited, client=(f"10.0.{secrets.randbelow(250)}.7", 4242))
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as http:
        codes = [(await http.get("/auth/nonce")).status_code for _ in range(5)]
        reply = await http.get("/auth/nonce")
    assert codes[:3] == [200, 200, 200] and codes[3:] == [429, 429]
    assert reply.json()["code"] == "rate_limited" and int(reply.headers["retry-after"]) > 0


async def test_contract_wallet_signs_in_through_eip_1271(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    from pathlib import Path

    import vyper

    source = (Path(__file__).parent / "contracts" / "ContractWallet.vy").read_text()
    compiled = vyper.compile_code(source, output_formats=["abi", "bytecode"])
    factory = stack.w3.eth.contract(abi=compiled["abi"], bytecode=compiled["bytecode"])
    owner = stack.accounts["admin"]
    tx_hash = factory.constructor(owner.address).transact({"from": owner.address})
    wallet = stack.w3.eth.wait_for_transaction_receipt(tx_hash)["contractAddress"]

    message = (await client.post("/auth/message", json={"address": wallet})).json()["message"]
    reply = await client.post(
        "/auth/verify", json={"message": message, "signature": stack.sign("admin", message)}
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["address"] == wallet

    # The same wallet, signed by someone who is not its owner, is refused.
    message = (await client.post("/auth/message", json={"address": wallet})).json()["message"]
    reply = await client.post(
        "/auth/verify", json={"message": message, "signature": stack.sign("outsider", message)}
    )
    assert reply.status_code == 401 and reply.json()["code"] == "siwe_signature"
