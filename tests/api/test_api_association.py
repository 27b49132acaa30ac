"""A neighbourhood association at the desk (issue #14), against the real chain and index: GMS's
account, granted Schandelen (4) and Bekkerveld (5) on the neighbourhood desk contract, signs in
as "association" with its neighbourhoods, reads join codes, and registers a resident of its own
neighbourhood through ``POST /city/citizens`` (the call prepared is the desk's, the person kept
only as a keyed hash, the index names GMS as the one who registered); another neighbourhood is a
403 in Dutch, moving a phone stays the registrar's, and a withdrawn grant ends the role."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from api_support import PUBLIC_URL, Stack, signed_in
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from api.app import create_app
from api.tables import registrations
from indexer import schema as s
from indexer.db import make_engine

pytestmark = pytest.mark.anyio

SECRET = "test-person-reference-secret-0123456789"
SCHANDELEN, BEKKERVELD, CENTRUM = 4, 5, 1


@pytest.fixture(scope="module")
def desk_app(stack: Stack) -> Any:
    return create_app(stack.settings(person_reference_secret=SECRET))


async def with_key(app: Any, who: LocalAccount) -> tuple[httpx.AsyncClient, dict[str, Any]]:
    """A client signed in with ``who``'s key, and its session."""
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL)
    message = (await http.post("/auth/message", json={"address": who.address})).json()["message"]
    signature = who.sign_message(encode_defunct(text=message)).signature.to_0x_hex()
    reply = await http.post("/auth/verify", json={"message": message, "signature": signature})
    assert reply.status_code == 200, reply.text
    return http, reply.json()


async def join_code(app: Any) -> tuple[LocalAccount, str]:
    """A new phone's account and the join code it shows."""
    key = Account.create()
    http, _ = await with_key(app, key)
    reply = await http.post("/join")
    assert reply.status_code == 200, reply.text
    return key, reply.json()["code"]


def send_as(stack: Stack, tx: dict[str, Any]) -> None:
    """Sends a prepared transaction from its ``from`` (an account of a key the test holds:
    impersonated on anvil, with gas money), then indexes it."""
    sender = tx["from"]
    stack.node.rpc("anvil_impersonateAccount", sender)
    stack.node.rpc("anvil_setBalance", sender, hex(10**18))
    tx_hash = stack.w3.eth.send_transaction({"from": sender, "to": tx["to"], "data": tx["data"]})
    assert stack.w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1
    stack.node.rpc("anvil_stopImpersonatingAccount", sender)
    stack.sync()


@pytest.fixture
async def gms(desk_app: Any, stack: Stack) -> AsyncIterator[tuple[LocalAccount, httpx.AsyncClient]]:
    """GMS's account (a new key, no city role), granted Schandelen and Bekkerveld by the
    registrar; signed in. The grants are withdrawn afterwards."""
    key = Account.create()
    for area in (SCHANDELEN, BEKKERVELD):
        stack.send(stack.wesh.grant_neighbourhood(key.address, area), "registrar")
    stack.sync()
    http, _ = await with_key(desk_app, key)
    yield key, http
    for area in (SCHANDELEN, BEKKERVELD):
        if stack.wesh.is_granted(key.address, area):
            stack.send(stack.wesh.withdraw_neighbourhood(key.address, area), "registrar")
    stack.sync()


async def test_an_association_signs_in_with_its_neighbourhoods(
    desk_app: Any, stack: Stack, gms: tuple[LocalAccount, httpx.AsyncClient]
) -> None:
    _key, http = gms
    session = (await http.get("/auth/session")).json()
    assert "association" in session["roles"]
    assert session["neighbourhoods"] == [SCHANDELEN, BEKKERVELD]
    assert "city" not in session["roles"] and "registrar" not in session["roles"]
    # Everyone else has none.
    registrar = await signed_in(desk_app, stack, "registrar")
    assert (await registrar.get("/auth/session")).json()["neighbourhoods"] == []


async def test_an_association_registers_a_resident_of_its_neighbourhood_through_the_desk(
    desk_app: Any, stack: Stack, gms: tuple[LocalAccount, httpx.AsyncClient]
) -> None:
    key, http = gms
    resident, code = await join_code(desk_app)
    # It reads what the code stands for, as the city's desks do.
    info = await http.get(f"/city/join/{code}")
    assert info.status_code == 200 and info.json()["address"] == resident.address.lower()

    reply = await http.post(
        "/city/citizens",
        json={"code": code, "neighbourhood": SCHANDELEN, "person_reference": "GMS-0001"},
    )
    assert reply.status_code == 200, reply.text
    tx = reply.json()
    assert tx["to"] == stack.wesh.desk.address  # the neighbourhood desk, not Heitje
    assert tx["function"] == "register_citizen"
    assert tx["from"] == key.address
    assert tx["description"]["nl"] == "Een nieuwe inwoner aanmelden in Schandelen."
    send_as(stack, tx)

    view = stack.wesh.account(resident.address)
    assert view.is_citizen and view.neighbourhood == SCHANDELEN
    engine = make_engine(stack.database_url)
    with engine.connect() as db:
        registered_by = db.execute(
            sa.select(s.citizens.c.registered_by).where(
                s.citizens.c.wallet == resident.address.lower()
            )
        ).scalar_one()
        row = db.execute(
            sa.select(registrations).where(registrations.c.address == resident.address.lower())
        ).one()
    assert registered_by == key.address.lower()
    assert row.registrar == key.address.lower() and row.neighbourhood == SCHANDELEN
    assert "GMS-0001" not in str(tuple(row))


async def test_an_association_is_refused_another_neighbourhood_in_dutch(
    desk_app: Any, stack: Stack, gms: tuple[LocalAccount, httpx.AsyncClient]
) -> None:
    _key, http = gms
    resident, code = await join_code(desk_app)
    body = {"code": code, "neighbourhood": CENTRUM, "person_reference": "GMS-0002"}
    reply = await http.post("/city/citizens", json=body)
    assert reply.status_code == 403
    problem = reply.json()
    assert problem["code"] == "neighbourhood_not_granted"
    assert problem["detail"] == (
        "Jullie vereniging mag alleen inwoners aanmelden in Schandelen, Bekkerveld, niet in "
        "Centrum. Stuur deze inwoner naar de balie van de gemeente."
    )
    english = await http.post("/city/citizens", json=body, headers={"Accept-Language": "en"})
    assert "may only register residents in Schandelen, Bekkerveld" in english.json()["detail"]
    assert not stack.wesh.account(resident.address).is_citizen


async def test_an_association_moves_no_phone(
    desk_app: Any, stack: Stack, gms: tuple[LocalAccount, httpx.AsyncClient]
) -> None:
    """Moving a resident (with their money) to a new phone stays with the city's desk."""
    _key, http = gms
    _new, code = await join_code(desk_app)
    reply = await http.post("/city/citizens/move", json={"citizen": 1, "code": code})
    assert reply.status_code == 403
    assert reply.json()["detail"] == "Dit mag alleen iemand met de rol registrator."


async def test_a_withdrawn_association_registers_nobody(
    desk_app: Any, stack: Stack, gms: tuple[LocalAccount, httpx.AsyncClient]
) -> None:
    key, http = gms
    for area in (SCHANDELEN, BEKKERVELD):
        stack.send(stack.wesh.withdraw_neighbourhood(key.address, area), "registrar")
    stack.sync()
    _resident, code = await join_code(desk_app)
    body = {"code": code, "neighbourhood": SCHANDELEN, "person_reference": "GMS-0003"}
    reply = await http.post("/city/citizens", json=body)
    assert reply.status_code == 403
    assert reply.json()["detail"] == (
        "Dit mag alleen iemand met de rol registrator of buurtvereniging."
    )
    session = (await http.get("/auth/session")).json()
    assert "association" not in session["roles"] and session["neighbourhoods"] == []


async def test_the_registrar_still_registers_at_heitje_in_any_neighbourhood(
    desk_app: Any, stack: Stack
) -> None:
    registrar = await signed_in(desk_app, stack, "registrar")
    _resident, code = await join_code(desk_app)
    reply = await registrar.post(
        "/city/citizens",
        json={"code": code, "neighbourhood": CENTRUM, "person_reference": "CITY-0001"},
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["to"] == stack.wesh.heitje.address
    assert reply.json()["function"] == "register_citizens"
