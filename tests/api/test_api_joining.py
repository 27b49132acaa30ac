"""Joining at the desk (issue #14) against the real chain and index: a new account's join code,
what the desk reads from it, registering a resident (the person only as a keyed hash, a warning
when registered before) and moving one to a new phone."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import time
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from api_support import PUBLIC_URL, Stack, signed_in
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from api.app import create_app
from api.joining.service import (
    ALPHABET,
    CODE_TTL_S,
    DEV_SECRET,
    MissingSecret,
    normalise,
    person_secret,
)
from api.tables import join_codes, registrations
from indexer.db import make_engine
from wesh.forwarding import RelayedSigner
from wesh.signer import transact

pytestmark = pytest.mark.anyio

SECRET = "test-person-reference-secret-0123456789"


@pytest.fixture(scope="module")
def desk_app(stack: Stack) -> Any:
    """The API with the city's person-reference secret set, as every deployment but the local
    chain's must have."""
    return create_app(stack.settings(person_reference_secret=SECRET))


async def with_key(app: Any, who: LocalAccount) -> httpx.AsyncClient:
    """A client signed in with a fresh key (a new phone's account: no role at all)."""
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL)
    message = (await http.post("/auth/message", json={"address": who.address})).json()["message"]
    signature = who.sign_message(encode_defunct(text=message)).signature.to_0x_hex()
    reply = await http.post("/auth/verify", json={"message": message, "signature": signature})
    assert reply.status_code == 200, reply.text
    return http


def send(stack: Stack, tx: dict[str, Any]) -> None:
    tx_hash = stack.w3.eth.send_transaction(
        {"from": tx["from"], "to": tx["to"], "data": tx["data"]}
    )
    assert stack.w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1
    stack.sync()


async def new_phone(app: Any) -> tuple[LocalAccount, httpx.AsyncClient, str]:
    """A new account, signed in, and its join code."""
    key = Account.create()
    http = await with_key(app, key)
    reply = await http.post("/join")
    assert reply.status_code == 200, reply.text
    return key, http, reply.json()["code"]


# ------------------------------------------------------------------ codes
async def test_a_new_account_gets_a_code_and_the_same_code_again(desk_app: Any) -> None:
    key, http, code = await new_phone(desk_app)
    body = (await http.post("/join")).json()
    assert body["code"] == code
    assert len(code) == 9 and code[4] == "-"
    assert all(ch in ALPHABET for ch in code.replace("-", ""))
    assert body["registered"] is False
    assert 0 < body["expires_at"] - time.time() <= CODE_TTL_S
    # The QR code holds a link to the desk's page with the code: nothing personal.
    assert body["link"] == f"{PUBLIC_URL}/gemeente/balie?code={code}"
    assert body["qr_svg"].lstrip().startswith("<?xml") and "<svg" in body["qr_svg"]
    assert key.address.lower() not in body["qr_svg"].lower()
    # Another account gets another code.
    _, _, other = await new_phone(desk_app)
    assert other != code


async def test_joining_needs_a_sign_in(desk_app: Any) -> None:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=desk_app), base_url=PUBLIC_URL
    ) as http:
        reply = await http.post("/join")
    assert reply.status_code == 401


async def test_the_desk_reads_what_a_code_stands_for(desk_app: Any, stack: Stack) -> None:
    key, _, code = await new_phone(desk_app)
    desk = await signed_in(desk_app, stack, "registrar")
    for typed in (code, code.replace("-", "").lower(), f"{PUBLIC_URL}/gemeente/balie?code={code}"):
        reply = await desk.get(f"/city/join/{typed}" if "://" not in typed else "/city/join/x")
        if "://" in typed:
            assert normalise(typed) == code.replace("-", "")
            continue
        assert reply.status_code == 200, reply.text
        info = reply.json()
        assert info["address"].lower() == key.address.lower()
        assert (info["is_citizen"], info["is_merchant"], info["moved"]) == (False, False, False)
    # A citizen's code says so, with the number.
    citizen = await signed_in(desk_app, stack, "citizen")
    citizen_code = (await citizen.post("/join")).json()
    assert citizen_code["registered"] is True
    info = (await desk.get(f"/city/join/{citizen_code['code']}")).json()
    assert info["is_citizen"] is True and info["citizen_id"] >= 1 and info["neighbourhood"] == 1


def test_look_alikes_are_read_as_what_they_look_like() -> None:
    assert normalise("abcd-efgh") == "ABCDEFGH"
    assert normalise(" O1IL 2345 ") == "01112345"
    assert normalise("ABCD-EFG") is None
    assert normalise("ABCD-EFGU") is None  # U is not in Crockford's alphabet
    assert normalise("https://wesh.test/gemeente/balie") is None


async def test_an_unknown_or_expired_code_is_a_clear_404(desk_app: Any, stack: Stack) -> None:
    key, _, code = await new_phone(desk_app)
    desk = await signed_in(desk_app, stack, "registrar")
    unknown = await desk.get("/city/join/ZZZZ-ZZZZ")
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "join_code_unknown"
    assert unknown.json()["detail"] == (
        "Deze code is onbekend of verlopen: vraag de inwoner de code opnieuw te tonen."
    )
    # The code expires: then it is unknown, and the account gets a new one.
    engine = make_engine(stack.database_url)
    with engine.begin() as db:
        db.execute(
            sa.update(join_codes)
            .where(join_codes.c.code == code.replace("-", ""))
            .values(expires_at=int(time.time()) - 1)
        )
    assert (await desk.get(f"/city/join/{code}")).status_code == 404
    reply = await desk.post(
        "/city/citizens", json={"code": code, "neighbourhood": 2, "person_reference": "X1234567"}
    )
    assert reply.status_code == 404 and reply.json()["code"] == "join_code_unknown"
    phone = await with_key(desk_app, key)
    fresh = (await phone.post("/join")).json()["code"]
    assert fresh != code
    assert (await desk.get(f"/city/join/{fresh}")).status_code == 200


@pytest.mark.parametrize("who", ["outsider", "citizen", "merchant", "reviewer", "treasurer"])
async def test_only_the_desks_read_codes_and_only_the_registrar_registers(
    desk_app: Any, stack: Stack, who: str
) -> None:
    _, _, code = await new_phone(desk_app)
    http = await signed_in(desk_app, stack, who)
    assert (await http.get(f"/city/join/{code}")).status_code == 403
    body = {"code": code, "neighbourhood": 2, "person_reference": "X1234567"}
    reply = await http.post("/city/citizens", json=body)
    assert reply.status_code == 403 and reply.json()["code"] == "forbidden"
    reply = await http.post("/city/citizens/move", json={"citizen": 1, "code": code})
    assert reply.status_code == 403


async def test_the_merchant_manager_reads_codes_too(desk_app: Any, stack: Stack) -> None:
    _, _, code = await new_phone(desk_app)
    # "admin" holds the merchant manager's role (and the registrar's): the two desks.
    manager = await signed_in(desk_app, stack, "admin")
    assert (await manager.get(f"/city/join/{code}")).status_code == 200
    refused = await (await signed_in(desk_app, stack, "reviewer")).get(
        f"/city/join/{code}", headers={"Accept-Language": "nl"}
    )
    detail = refused.json()["detail"]
    assert detail.startswith("Dit mag alleen iemand met de rol registrator"), detail
    assert "winkelbeheerder" in detail


# ------------------------------------------------------------------ registering
async def test_the_desk_registers_a_resident_and_keeps_only_a_keyed_hash(
    desk_app: Any, stack: Stack
) -> None:
    key, phone, code = await new_phone(desk_app)
    desk = await signed_in(desk_app, stack, "registrar")
    reference = "123 456 782"
    reply = await desk.post(
        "/city/citizens", json={"code": code, "neighbourhood": 4, "person_reference": reference}
    )
    assert reply.status_code == 200, reply.text
    tx = reply.json()
    assert tx["function"] == "register_citizens"
    assert tx["from"] == stack.accounts["registrar"].address
    assert tx["description"]["nl"] == "Een nieuwe inwoner aanmelden in Schandelen."
    send(stack, tx)
    view = stack.wesh.account(key.address)
    assert view.is_citizen and view.neighbourhood == 4
    assert (await phone.post("/join")).json()["registered"] is True

    # The database holds the HMAC of the normalised reference, who registered, when and where.
    engine = make_engine(stack.database_url)
    with engine.connect() as db:
        rows = [
            dict(r._mapping)
            for r in db.execute(
                sa.select(registrations).where(registrations.c.address == key.address.lower())
            )
        ]
        dump = "\n".join(str(tuple(r)) for t in (registrations,) for r in db.execute(sa.select(t)))
    expected = hmac.new(SECRET.encode(), b"123456782", hashlib.sha256).hexdigest()
    assert len(rows) == 1
    assert rows[0]["person_hash"] == expected
    assert rows[0]["registrar"] == stack.accounts["registrar"].address.lower()
    assert rows[0]["neighbourhood"] == 4 and abs(rows[0]["registered_at"] - time.time()) < 60
    # Never the reference itself, in any form.
    for form in ("123456782", "123 456 782"):
        assert form not in dump

    # Registered already: a clear 409.
    again = await desk.post(
        "/city/citizens", json={"code": code, "neighbourhood": 4, "person_reference": "other-9"}
    )
    assert again.status_code == 409 and again.json()["code"] == "already_citizen"


async def test_the_same_person_twice_is_a_409_until_the_desk_confirms(
    desk_app: Any, stack: Stack
) -> None:
    desk = await signed_in(desk_app, stack, "registrar")
    first_key, _, first = await new_phone(desk_app)
    body = {"code": first, "neighbourhood": 6, "person_reference": "NX-77 01 AB"}
    send(stack, (await desk.post("/city/citizens", json=body)).json())

    second_key, _, second = await new_phone(desk_app)
    # The same person, typed differently (spaces, case, hyphen).
    body = {"code": second, "neighbourhood": 2, "person_reference": "nx7701ab"}
    reply = await desk.post("/city/citizens", json=body)
    assert reply.status_code == 409, reply.text
    problem = reply.json()
    assert problem["code"] == "person_registered_before"
    assert problem["params"]["neighbourhood"] == "Heerlerbaan"
    assert problem["params"]["date"] == time.strftime("%Y-%m-%d")
    day = time.localtime()
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus"]
    months += ["september", "oktober", "november", "december"]
    assert (
        f"op {day.tm_mday} {months[day.tm_mon - 1]} {day.tm_year} in Heerlerbaan"
        in (problem["detail"])
    )
    assert "Heerlerbaan" in problem["detail"] and "NX" not in problem["detail"]
    assert "nx7701ab" not in reply.text.lower()
    # Confirmed: registered anyway.
    reply = await desk.post("/city/citizens", json={**body, "confirm_duplicate": True})
    assert reply.status_code == 200, reply.text
    send(stack, reply.json())
    assert stack.wesh.account(second_key.address).is_citizen
    assert stack.wesh.account(first_key.address).is_citizen


async def test_a_registration_never_sent_does_not_count_as_before(
    desk_app: Any, stack: Stack
) -> None:
    desk = await signed_in(desk_app, stack, "registrar")
    _, _, first = await new_phone(desk_app)
    body = {"code": first, "neighbourhood": 3, "person_reference": "NEVERSENT1"}
    assert (await desk.post("/city/citizens", json=body)).status_code == 200
    _, _, second = await new_phone(desk_app)
    reply = await desk.post("/city/citizens", json={**body, "code": second})
    assert reply.status_code == 200, reply.text


async def test_registering_refuses_bad_input_clearly(desk_app: Any, stack: Stack) -> None:
    desk = await signed_in(desk_app, stack, "registrar")
    _, _, code = await new_phone(desk_app)
    reply = await desk.post(
        "/city/citizens", json={"code": code, "neighbourhood": 999, "person_reference": "X1234567"}
    )
    assert reply.status_code == 422 and reply.json()["code"] == "neighbourhood_unknown"
    reply = await desk.post(
        "/city/citizens", json={"code": code, "neighbourhood": 2, "person_reference": "- - - -"}
    )
    assert reply.status_code == 422 and reply.json()["params"]["fields"] == ["person_reference"]
    # A shop's code is no resident's.
    shop = await signed_in(desk_app, stack, "merchant")
    shop_code = (await shop.post("/join")).json()["code"]
    reply = await desk.post(
        "/city/citizens", json={"code": shop_code, "neighbourhood": 2, "person_reference": "S1234"}
    )
    assert reply.status_code == 409 and reply.json()["code"] == "join_code_is_shop"


# ------------------------------------------------------------------ moving
async def test_the_desk_moves_a_resident_to_a_new_phone(desk_app: Any, stack: Stack) -> None:
    desk = await signed_in(desk_app, stack, "registrar")
    old_key, _, code = await new_phone(desk_app)
    body = {"code": code, "neighbourhood": 5, "person_reference": "MOVER-1"}
    send(stack, (await desk.post("/city/citizens", json=body)).json())
    # A balance and a claim to follow: one task done and paid, one claimed (the resident holds
    # no native token: through the forwarder, the admin paying).
    wesh = stack.wesh
    deadline = stack.now() + 30 * 86_400
    tasks = []
    for _ in range(2):
        stack.send(wesh.commission_task("bafkreidesk", 700, 1, deadline, 86_400, 5), "admin")
        tasks.append(wesh.counts()[2])
    resident = RelayedSigner(
        wesh.forwarder, old_key.address, stack.accounts["admin"], key=old_key.key
    )
    transact(stack.w3, wesh.claim_task(tasks[0]), resident)
    transact(stack.w3, wesh.submit(tasks[0], "bafkreidone"), resident)
    stack.send(wesh.approve_submission(tasks[0], old_key.address), "reviewer")
    transact(stack.w3, wesh.claim_task(tasks[1]), resident)
    stack.sync()
    citizen_id = stack.wesh.account(old_key.address).id

    new_key, new_http, new_code = await new_phone(desk_app)
    reply = await desk.post("/city/citizens/move", json={"citizen": citizen_id, "code": new_code})
    assert reply.status_code == 200, reply.text
    tx = reply.json()
    assert tx["function"] == "move_citizen"
    assert tx["description"]["nl"] == (
        f"Inwoner {citizen_id} naar een nieuwe telefoon verhuizen (€ 7,00 gaat mee)."
    )
    send(stack, tx)
    moved = stack.wesh.account(new_key.address)
    assert moved.is_citizen and moved.id == citizen_id and moved.balance == 700
    assert (moved.earned_year, moved.reserved, moved.open_claims) == (700, 700, 1)
    assert stack.wesh.account(old_key.address).moved
    me = (await new_http.get("/me")).json()
    assert me["citizen_id"] == citizen_id and me["balance"] == 700
    assert sorted(c["task_id"] for c in me["claims"]) == sorted(tasks)

    # By address works too; the retired phone and a phone in use are refused clearly.
    newer_key, _, newer = await new_phone(desk_app)
    reply = await desk.post("/city/citizens/move", json={"citizen": old_key.address, "code": newer})
    assert reply.status_code == 404 and reply.json()["code"] == "citizen_unknown"
    reply = await desk.post("/city/citizens/move", json={"citizen": new_key.address, "code": newer})
    assert reply.status_code == 200, reply.text
    reply = await desk.post("/city/citizens/move", json={"citizen": citizen_id, "code": new_code})
    assert reply.status_code == 409 and reply.json()["code"] == "new_phone_in_use"
    # The retired phone gets no new code, and is told where the Heitjes are.
    old_phone = await with_key(desk_app, old_key)
    retired = await old_phone.post("/join")
    assert retired.status_code == 409 and retired.json()["code"] == "join_retired"
    assert "nieuwe telefoon" in retired.json()["detail"]
    # Its code from before the move (still valid) is refused at the desk.
    retired_code = code
    reply = await desk.post(
        "/city/citizens/move", json={"citizen": citizen_id, "code": retired_code}
    )
    assert reply.status_code == 409 and reply.json()["code"] == "new_phone_in_use"
    reply = await desk.post(
        "/city/citizens",
        json={"code": retired_code, "neighbourhood": 1, "person_reference": "R123"},
    )
    assert reply.status_code == 409 and reply.json()["code"] == "join_code_retired"
    reply = await desk.post("/city/citizens/move", json={"citizen": 4_000_000, "code": newer})
    assert reply.status_code == 404 and reply.json()["code"] == "citizen_unknown"
    assert not stack.wesh.account(newer_key.address).is_citizen


# ------------------------------------------------------------------ the stream
async def test_the_waiting_phone_hears_it_is_registered(desk_app: Any, stack: Stack) -> None:
    _, phone, code = await new_phone(desk_app)
    desk = await signed_in(desk_app, stack, "registrar")
    tx = (
        await desk.post(
            "/city/citizens",
            json={"code": code, "neighbourhood": 7, "person_reference": "STREAM-1"},
        )
    ).json()

    async def listen() -> list[str]:
        events: list[str] = []
        async with phone.stream("GET", "/me/stream", params={"seconds": 8}) as reply:
            assert reply.headers["content-type"].startswith("text/event-stream")
            async for line in reply.aiter_lines():
                if line.startswith("data: "):
                    events.append(line[6:])
                    if len(events) == 2:
                        break
        return events

    listener = asyncio.create_task(listen())
    await asyncio.sleep(0.5)
    await asyncio.to_thread(send, stack, tx)
    events = await asyncio.wait_for(listener, timeout=10)
    assert '"is_citizen":false' in events[0]
    assert '"is_citizen":true' in events[1] and '"neighbourhood":7' in events[1]


# ------------------------------------------------------------------ the secret
def test_the_secret_is_required_outside_the_local_chain() -> None:
    with pytest.raises(MissingSecret, match="WESH_PERSON_REFERENCE_SECRET is not set"):
        person_secret(None, 100)
    with pytest.raises(MissingSecret, match="shorter than 16"):
        person_secret("short", 100)
    assert person_secret(None, 31337) == DEV_SECRET
    assert person_secret(SECRET, 100) == SECRET.encode()
