"""Issue #15's newcomer defects on the API side: a body that is not JSON, the OpenAPI document's
security schemes, and the sign-in rate limits (per client address sized for a shared office, and
per account)."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest
from api_support import PUBLIC_URL, Stack, sign_in
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import to_checksum_address

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize("lang", ["nl", "en"])
async def test_a_body_that_is_not_json_is_said_so_without_a_character_offset(
    client: httpx.AsyncClient, stack: Stack, lang: str
) -> None:
    await sign_in(client, stack, "citizen")
    reply = await client.post(
        "/auth/message",
        content=b'{"address": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",}',
        headers={"Content-Type": "application/json", "Accept-Language": lang},
    )
    assert reply.status_code == 400
    assert reply.headers["content-type"].startswith("application/problem+json")
    body = reply.json()
    assert body["code"] == "invalid_json"
    expected = {
        "nl": "De gegevens konden niet gelezen worden: geen geldige JSON.",
        "en": "The data could not be read: not valid JSON.",
    }[lang]
    assert body["detail"].startswith(expected)
    assert not any(ch.isdigit() for ch in body["detail"]), body["detail"]
    assert body["status"] == 400 and body["instance"] == "/auth/message"


async def test_a_json_body_with_a_wrong_field_still_names_the_field(
    client: httpx.AsyncClient,
) -> None:
    reply = await client.post("/auth/message", json={"address": "not an address"})
    assert reply.status_code == 422
    assert reply.json()["code"] == "invalid_input"
    assert reply.json()["params"]["fields"] == ["address"]


def operations(schema: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
    return {
        (method.upper(), path): operation
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    }


async def test_openapi_declares_the_bearer_token_and_the_cookie_on_protected_routes_only(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    schema = (await client.get("/openapi.json")).json()
    schemes = schema["components"]["securitySchemes"]
    assert schemes["bearerToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["bearerToken"]["description"],
    }
    assert schemes["sessionCookie"]["type"] == "apiKey"
    assert schemes["sessionCookie"]["in"] == "cookie"
    assert schemes["sessionCookie"]["name"] == "wesh_session"
    ops = operations(schema)
    either: list[dict[str, list[str]]] = [{"bearerToken": []}, {"sessionCookie": []}]
    protected = {key for key, op in ops.items() if op.get("security") == either}
    for key in [("GET", "/auth/session"), ("POST", "/auth/logout"), ("GET", "/me")]:
        assert key in protected, key
    for key in [
        ("GET", "/auth/nonce"),
        ("POST", "/auth/message"),
        ("POST", "/auth/verify"),
        ("GET", "/health"),
        ("GET", "/config"),
    ]:
        assert key in ops and "security" not in ops[key], key
    assert not any(op.get("security") not in (None, either) for op in ops.values())

    # What the document says is what the API does: without a session a protected route answers
    # 401, an open one does not; with the bearer token alone the protected one answers.
    started = await sign_in(client, stack, "citizen")
    token = started["token"]
    # The session says when it ends (the pages say so once it has).
    session = (await client.get("/auth/session")).json()
    assert session["expires_at"] == started["expires_at"] and session["token"] is None
    client.cookies.clear()
    open_ = [key for key in ops if key not in protected and "{" not in key[1]]
    for _, path in sorted(k for k in protected if k[0] == "GET" and "{" not in k[1])[:8]:
        assert (await client.get(path)).status_code == 401, path
        bearer = await client.get(path, headers={"Authorization": f"Bearer {token}"})
        assert bearer.status_code != 401, path
    for _, path in sorted(k for k in open_ if k[0] == "GET")[:8]:
        assert (await client.get(path)).status_code != 401, path


def limited_client(stack: Stack, ip: str, **settings: int) -> httpx.AsyncClient:
    from api.app import create_app

    app = create_app(stack.settings(**settings))
    transport = httpx.ASGITransport(app=app, client=(ip, 4242))
    return httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL)


def random_ip() -> str:
    # Each test its own address: the counters are shared by every worker (the database).
    return f"10.{secrets.randbelow(250)}.{secrets.randbelow(250)}.{secrets.randbelow(250) + 1}"


async def test_an_office_of_fifty_behind_one_address_all_sign_in_within_a_minute(
    stack: Stack,
) -> None:
    """The default per-address limit: 50 people sign in (a nonce, a message and a verify each)
    from one address within the minute; the per-account limit is not touched by that."""
    from api.settings import ApiSettings

    defaults = ApiSettings.model_fields
    per_ip = int(defaults["signin_per_minute"].default)
    per_account = int(defaults["signin_per_account_per_minute"].default)
    assert per_ip >= 100 and per_account <= 10
    async with limited_client(
        stack, random_ip(), signin_per_minute=per_ip, signin_per_account_per_minute=per_account
    ) as http:
        # Fifty people of their own (keys made here): no other test's sign-ins count for them.
        people = [Account.create() for _ in range(50)]
        codes = []
        for number, person in enumerate(people):
            # Every second person's page asks for a nonce first, as the web pages do.
            if number % 2:
                codes.append((await http.get("/auth/nonce")).status_code)
            reply = await http.post("/auth/message", json={"address": person.address})
            codes.append(reply.status_code)
            message = reply.json()["message"]
            signature = person.sign_message(encode_defunct(text=message)).signature.to_0x_hex()
            signed = {"message": message, "signature": signature}
            reply = await http.post("/auth/verify", json=signed)
            codes.append(reply.status_code)
            assert reply.status_code != 200 or reply.json()["address"] == person.address
    assert set(codes) == {200}, codes


async def test_sign_in_per_address_counts_starting_and_finishing_apart(stack: Stack) -> None:
    async with limited_client(stack, random_ip(), signin_per_minute=3) as http:
        starts = [(await http.get("/auth/nonce")).status_code for _ in range(4)]
        # The verifies have a count of their own: the first three are read (and refused as
        # malformed), the fourth is not even read.
        bad = {"message": "hello", "signature": "0x1234"}
        verifies = [(await http.post("/auth/verify", json=bad)).status_code for _ in range(4)]
        limited = await http.post("/auth/verify", json=bad)
    assert starts == [200, 200, 200, 429]
    assert verifies == [422, 422, 422, 429]
    assert limited.json()["code"] == "rate_limited" and int(limited.headers["retry-after"]) > 0


async def test_sign_in_per_account_stops_one_account_from_many_addresses(stack: Stack) -> None:
    """Five tries at one account from five addresses: the limit of 3 per account stops the
    fourth and fifth, a verify naming it too; another account from the same address is not held
    up."""
    settings = {"signin_per_minute": 1000, "signin_per_account_per_minute": 3}
    # Accounts of this test alone: the counters live in the shared database for the minute.
    target, other = (to_checksum_address("0x" + secrets.token_hex(20)) for _ in range(2))
    codes = []
    for _ in range(5):
        async with limited_client(stack, random_ip(), **settings) as http:
            codes.append((await http.post("/auth/message", json={"address": target})).status_code)
    assert codes == [200, 200, 200, 429, 429]
    async with limited_client(stack, random_ip(), **settings) as http:
        reply = await http.post("/auth/message", json={"address": other})
        assert reply.status_code == 200
        # A verify naming the held-up account is refused before its signature is even checked.
        message = reply.json()["message"].replace(other, target)
        refused = await http.post(
            "/auth/verify", json={"message": message, "signature": "0x" + "11" * 65}
        )
        assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
        assert int(refused.headers["retry-after"]) > 0
        # The other account's own verify is read (and refused for its made-up signature).
        message = reply.json()["message"]
        checked = await http.post(
            "/auth/verify", json={"message": message, "signature": "0x" + "11" * 65}
        )
        assert checked.status_code == 401 and checked.json()["code"] == "siwe_signature"
