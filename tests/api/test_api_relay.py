"""The city pays the fees: the relay endpoints against a real chain, index and relayer, on SQLite
and PostgreSQL.

A chain of its own (the shared API stack's history plus people whose keys these tests hold, with
no native token), an API app per database with the relayer on, and for the journey the sender as
the real process (``python -m relayer``). Every refusal of docs/relayer.md has a test asserting
its problem type and its Dutch words."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import itertools
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from api_support import NAMES, PUBLIC_URL, ROLES, Stack, seed
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from eth_utils import to_checksum_address
from hexbytes import HexBytes
from PIL import Image
from servers import Postgres
from web3 import Web3

from api.app import create_app
from relayer import journal as j
from relayer import key as relayer_key
from relayer.reasons import TEXTS, reason
from relayer.settings import RelayerSettings
from wesh import anvil, deployment, forwarding
from wesh.artifacts import ROOT
from wesh.contract import Role
from wesh.deploy import deploy
from wesh.metadata import FolderStore, merchant_document, put_document, task_document
from wesh.signer import UnlockedSigner

pytestmark = pytest.mark.anyio

#: The relayer's anvil dev account per database (each app relays with its own).
RELAYERS = {"sqlite": 20, "postgres": 21}
FUNDS = 100 * 10**18
PROBLEMS = "https://wesh.heerlen.nl/problems/"
#: The people whose keys these tests hold (eth_account; no native token, ever).
PEOPLE = ("citizen", "citizen2", "shop", "reviewer", "treasurer", "stranger")
DAY = 86_400


@dataclasses.dataclass
class Relayed:
    """One database's view of the shared chain: the stack indexing into it and its API app."""

    backend: str
    stack: Stack
    app: Any
    settings: RelayerSettings
    people: dict[str, LocalAccount]
    task: int

    @property
    def relayer(self) -> ChecksumAddress:
        return to_checksum_address(relayer_key.address_of(self.settings, anvil.DEV_CHAIN_ID))

    @property
    def journal(self) -> j.Journal:
        return j.Journal(self.app.state.services.engine)

    def address(self, who: str) -> ChecksumAddress:
        return to_checksum_address(self.people[who].address)

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=PUBLIC_URL)

    def sender_env(self) -> dict[str, str]:
        return {
            **os.environ,
            "WESH_RELAYER_ENABLED": "1",
            "WESH_DATABASE_URL": self.stack.database_url,
            "WESH_RPC_URL": self.stack.node.url,
            "WESH_DEPLOYMENT": str(self.stack.manifest_path),
            "WESH_RELAYER_DEV_ACCOUNT": str(RELAYERS[self.backend]),
            "WESH_RELAYER_CONFIRMATIONS": "0",
            "WESH_RELAYER_BATCH_WAIT_S": "0.05",
            "WESH_RELAYER_POLL_S": "0.05",
        }


# ------------------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Stack, dict[str, Any]]]:
    """A chain of this module's own: the API stack's seeded history, the people with keys
    registered (citizens, a shop, a reviewer, a treasurer; the stranger is nobody), a task for
    them, and both relayers funded."""
    root = tmp_path_factory.mktemp("relay-stack")
    node = anvil.start(extra=["--accounts", str(len(NAMES))])
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        signers = dict(zip(NAMES, (UnlockedSigner(a) for a in w3.eth.accounts), strict=True))
        roles = {signers[name].address: bits for name, bits in ROLES.items()}
        deployed = deploy(w3, signers["admin"], roles, yearly_cap=150_000)
        wesh = deployed.wesh
        manifest = deployment.Deployment(
            network="relay-test",
            chain_id=w3.eth.chain_id,
            heitje=str(wesh.heitje.address),
            redemption=str(wesh.redemption.address),
            start_block=deployed.block,
            deployer=signers["admin"].address,
            start_block_hash=w3.eth.get_block(deployed.block)["hash"].to_0x_hex(),
            forwarder=str(wesh.forwarder.address),
        )
        stack = Stack(
            node=node,
            w3=w3,
            wesh=wesh,
            manifest=manifest,
            manifest_path=deployment.save(manifest, root / "manifest.json"),
            database_url=f"sqlite:///{root / 'wesh.db'}",
            content_dir=root / "content",
            accounts=signers,
        )
        seed(stack)
        per_backend = {backend: register_people(stack) for backend in RELAYERS}
        for index in RELAYERS.values():
            address = relayer_key.address_of(RelayerSettings(dev_account=index), anvil.DEV_CHAIN_ID)
            node.rpc("anvil_setBalance", address, hex(FUNDS))
        yield stack, per_backend
    finally:
        node.stop()


def register_people(stack: Stack) -> dict[str, Any]:
    """People with keys and no native token (citizens, a shop, a reviewer, a treasurer; the
    stranger is nobody) and a task for them."""
    wesh, node = stack.wesh, stack.node
    people = {name: Account.create() for name in PEOPLE}
    for account in people.values():
        node.rpc("anvil_setBalance", account.address, "0x0")
    stack.send(
        wesh.register_citizens([people["citizen"].address, people["citizen2"].address], [3, 5]),
        "admin",
    )
    cid = put_document(
        FolderStore(stack.content_dir),
        merchant_document(
            name="Fietsenmaker Zonder Gas",
            kind="fietsen",
            street="Saroleastraat 2",
            postcode="6411 JB",
            city="Heerlen",
            neighbourhood=1,
        ),
    )
    stack.send(wesh.register_merchant(people["shop"].address, cid), "admin")
    stack.send(wesh.grant_role(people["reviewer"].address, Role.REVIEWER), "admin")
    stack.send(wesh.grant_role(people["treasurer"].address, Role.TREASURER), "admin")
    deadline = stack.now() + 60 * DAY
    document = task_document(
        title="Zwerfafval prikken Vrieheide",
        description="Zwerfafval prikken langs de vijver",
        neighbourhood=3,
        street="Vrieheidepark",
        lat=50.8747,
        lon=5.9586,
        reward=2_000,
        slots=10,
        claim_deadline=deadline,
        claim_duration=7 * DAY,
    )
    document["category"] = "zwerfafval"
    cid = put_document(FolderStore(stack.content_dir), document)
    stack.send(wesh.commission_task(cid, 2_000, 10, deadline, 7 * DAY, 3), "admin")
    return {"people": people, "task": wesh.counts()[2]}


@pytest.fixture(scope="module")
def pg_relay_database(pg_server: Postgres) -> Iterator[str]:
    name = f"wesh_relay_{secrets.token_hex(4)}"
    with psycopg.connect(pg_server.conninfo(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg_server.url(name)
    finally:
        with psycopg.connect(pg_server.conninfo(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def relayed(
    request: pytest.FixtureRequest, chain: tuple[Stack, dict[str, Any]]
) -> Iterator[Relayed]:
    stack, extra = chain
    if request.param == "postgres":
        stack = dataclasses.replace(
            stack, database_url=request.getfixturevalue("pg_relay_database")
        )
    stack.sync()
    settings = RelayerSettings(
        enabled=True,
        database_url=stack.database_url,
        rpc_url=stack.node.url,
        deployment=stack.manifest_path,
        dev_account=RELAYERS[request.param],
        confirmations=0,
    )
    app = create_app(stack.settings(), relayer=settings)
    mine = extra[request.param]
    yield Relayed(request.param, stack, app, settings, mine["people"], mine["task"])
    app.state.services.engine.dispose()


@pytest.fixture(autouse=True)
def sender_up(request: pytest.FixtureRequest) -> None:
    """The relayer's sender counts as running (its heartbeat written now): most tests here are
    about what the API takes, and none but the journey needs anything sent. The journey runs the
    real sender; test_refused_sender_down removes the heartbeat."""
    if "relayed" in request.fixturenames:
        relayed: Relayed = request.getfixturevalue("relayed")
        relayed.journal.beat(relayed.relayer, os.getpid(), time.time())


@pytest.fixture
async def anon(relayed: Relayed) -> AsyncIterator[httpx.AsyncClient]:
    async with relayed.client() as http:
        yield http


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


# ------------------------------------------------------------------------------- helpers
async def signed_in(relayed: Relayed, who: str) -> httpx.AsyncClient:
    """A client with ``who``'s session (SIWE signed with their key)."""
    http = relayed.client()
    account = relayed.people[who]
    reply = await http.post("/auth/message", json={"address": account.address})
    assert reply.status_code == 200, reply.text
    message = reply.json()["message"]
    signature = Account.sign_message(encode_defunct(text=message), account.key).signature
    reply = await http.post(
        "/auth/verify", json={"message": message, "signature": "0x" + signature.hex()}
    )
    assert reply.status_code == 200, reply.text
    return http


def sign_offer(relayed: Relayed, who: str, prepared: dict[str, Any]) -> dict[str, Any]:
    """What the dApp does with ``prepared.relay``: sign its typed data as it is (what
    ``eth_signTypedData_v4`` signs) and hand over the message and the signature."""
    assert prepared["relay"] is not None, prepared
    typed = prepared["relay"]["typed_data"]
    signed = Account.sign_typed_data(relayed.people[who].key, full_message=typed)
    return {"request": typed["message"], "signature": "0x" + bytes(signed.signature).hex()}


_distinct = itertools.count()


def signed_body(
    relayed: Relayed, who: str, tx: Any, *, key: Any = None, **changes: Any
) -> dict[str, Any]:
    """A request for ``tx`` signed by ``who`` (or by ``key``), with fields of the message
    changed before signing (``nonce``, ``deadline``, ...)."""
    stack = relayed.stack
    signer = relayed.address(who) if who in relayed.people else who
    data = bytes(HexBytes(tx.data))
    forwarder = stack.wesh.forwarder
    fields = {
        "signer": signer,
        "to": tx.to,
        "gas": 200_000,
        "nonce": int(forwarder.functions.nonces(signer).call()),
        # Each request signed here differs (a request signed twice is the same request).
        "deadline": stack.now() + 900 + next(_distinct),
        "data": data,
    }
    fields.update(changes)
    request = forwarding.ForwardRequest(**fields)
    signature = forwarding.sign_with_key(
        request, forwarding.domain_of(forwarder), key or relayed.people[who].key
    )
    return {"request": request.message(), "signature": "0x" + signature.hex()}


async def wait_final(http: httpx.AsyncClient, request_id: str, timeout: float = 30) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        state = (await http.get(f"/relay/requests/{request_id}")).json()
        if state["state"] in j.FINAL:
            return state
        if time.monotonic() > deadline:
            raise AssertionError(f"request {request_id} still {state['state']}")
        await asyncio.sleep(0.05)


def refusal(reply: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """The problem of a refusal: its status, type and code, Dutch words first, English beside."""
    assert reply.status_code == status, reply.text
    assert reply.headers["content-type"] == "application/problem+json"
    problem = dict(reply.json())
    assert problem["type"] == PROBLEMS + f"relay-{code}".replace("_", "-")
    assert problem["code"] == f"relay_{code}"
    assert problem["title_en"] and problem["detail_en"]
    assert problem["detail"] != problem["detail_en"]
    return problem


def dutch(code: str, **params: Any) -> str:
    return TEXTS[code][0].format(**params)


def jpeg(colour: tuple[int, int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), colour).save(out, "JPEG")
    return out.getvalue()


# ------------------------------------------------------------------------ the offer, info
async def test_relay_info_names_the_forwarders_domain_and_the_relayer(
    relayed: Relayed, anon: httpx.AsyncClient
) -> None:
    info = (await anon.get("/relay")).json()
    forwarder = relayed.stack.wesh.forwarder
    assert info == {
        "enabled": True,
        "configured": True,
        "sender_running": True,
        "chain_id": 31337,
        "forwarder": forwarder.address,
        "domain": forwarding.domain_of(forwarder).as_dict(),
        "relayer": relayed.relayer,
    }


async def test_a_prepared_call_offers_the_request_to_sign_counting_what_waits(
    relayed: Relayed,
) -> None:
    http = await signed_in(relayed, "citizen2")
    prepared = (await http.post(f"/me/tasks/{relayed.task}/claim")).json()
    offer = prepared["relay"]
    typed = offer["typed_data"]
    assert typed["primaryType"] == "ForwardRequest"
    assert typed["domain"] == (await http.get("/relay")).json()["domain"]
    message = typed["message"]
    signer = relayed.address("citizen2")
    chain_nonce = relayed.stack.wesh.forwarder.functions.nonces(signer).call()
    assert message["from"] == signer and message["to"] == prepared["to"]
    assert message["data"] == prepared["data"] and message["value"] == 0
    assert message["nonce"] == chain_nonce
    assert offer["expires_at"] == message["deadline"] > relayed.stack.now()
    # Accepted and not mined yet (no sender runs here): the next offer takes the next nonce.
    accepted = await http.post("/relay/requests", json=sign_offer(relayed, "citizen2", prepared))
    assert accepted.status_code == 202, accepted.text
    again = (await http.post(f"/me/tasks/{relayed.task}/claim")).json()
    assert again["relay"]["typed_data"]["message"]["nonce"] == chain_nonce + 1
    # Tidy up: the journaled claim is refused (as the sender would an expired one).
    relayed.journal.refuse([accepted.json()["id"]], reason("expired"))


async def test_the_same_request_twice_is_one_request(relayed: Relayed) -> None:
    http = await signed_in(relayed, "citizen")
    prepared = (await http.post(f"/me/tasks/{relayed.task}/claim")).json()
    body = sign_offer(relayed, "citizen", prepared)
    first = await http.post("/relay/requests", json=body)
    second = await http.post("/relay/requests", json=body)
    assert (first.status_code, second.status_code) == (202, 200)
    assert first.json()["id"] == second.json()["id"]
    assert first.json()["state"] == "accepted"
    assert first.json()["signer"] == relayed.address("citizen")
    found = (await http.get(f"/relay/requests/{first.json()['id']}")).json()
    assert found["state"] == "accepted" and found["function"] == "claim"
    relayed.journal.refuse([first.json()["id"]], reason("expired"))


async def test_without_the_relayer_nothing_is_offered_and_requests_are_refused(
    relayed: Relayed,
) -> None:
    app = create_app(relayed.stack.settings(), relayer=RelayerSettings(enabled=False))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL
    ) as http:
        assert (await http.get("/relay")).json()["enabled"] is False
        body = signed_body(relayed, "citizen", relayed.stack.wesh.claim_task(relayed.task))
        problem = refusal(await http.post("/relay/requests", json=body), 404, "disabled")
        assert problem["detail"] == dutch("disabled")
        refusal(await http.get("/relay/status"), 404, "disabled")
    app.state.services.engine.dispose()
    # And a prepared call carries no offer: the wallet sends it itself.
    direct = create_app(relayed.stack.settings(), relayer=RelayerSettings(enabled=False))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=direct), base_url=PUBLIC_URL
    ) as http:
        account = relayed.people["citizen"]
        message = (await http.post("/auth/message", json={"address": account.address})).json()
        signature = Account.sign_message(
            encode_defunct(text=message["message"]), account.key
        ).signature
        await http.post(
            "/auth/verify",
            json={"message": message["message"], "signature": "0x" + signature.hex()},
        )
        prepared = (await http.post(f"/me/tasks/{relayed.task}/claim")).json()
        assert prepared["relay"] is None and prepared["to"] == relayed.stack.manifest.heitje
    direct.state.services.engine.dispose()


# ------------------------------------------------------------------------------ refusals
async def test_refused_replayed(relayed: Relayed, anon: httpx.AsyncClient) -> None:
    wesh = relayed.stack.wesh
    # A nonce journaled for another request.
    first = signed_body(relayed, "citizen", wesh.claim_task(relayed.task))
    accepted = await anon.post("/relay/requests", json=first)
    assert accepted.status_code == 202, accepted.text
    other = signed_body(relayed, "citizen", wesh.abandon(relayed.task))
    problem = refusal(await anon.post("/relay/requests", json=other), 409, "replayed")
    assert problem["detail"] == dutch("replayed")
    relayed.journal.refuse([accepted.json()["id"]], reason("expired"))
    # A nonce used on chain: the signer's request executed by someone paying for it themselves.
    harmless = signed_body(relayed, "citizen", wesh.approve(relayed.address("shop"), 0))
    executed = forwarding.SignedRequest(
        forwarding.ForwardRequest(
            signer=relayed.address("citizen"),
            to=harmless["request"]["to"],
            gas=harmless["request"]["gas"],
            nonce=harmless["request"]["nonce"],
            deadline=harmless["request"]["deadline"],
            data=bytes(HexBytes(harmless["request"]["data"])),
        ),
        bytes(HexBytes(harmless["signature"])),
    )
    relayed.stack.send(forwarding.execute_tx(wesh.forwarder, executed), "admin")
    problem = refusal(await anon.post("/relay/requests", json=harmless), 409, "replayed")
    assert problem["detail"] == dutch("replayed")


async def test_refused_nonce_gap(relayed: Relayed, anon: httpx.AsyncClient) -> None:
    signer = relayed.address("citizen2")
    nonce = relayed.stack.wesh.forwarder.functions.nonces(signer).call()
    body = signed_body(
        relayed, "citizen2", relayed.stack.wesh.claim_task(relayed.task), nonce=nonce + 5
    )
    problem = refusal(await anon.post("/relay/requests", json=body), 409, "nonce_gap")
    assert problem["detail"] == dutch("nonce_gap", expected=nonce)


async def test_refused_expired(relayed: Relayed, anon: httpx.AsyncClient) -> None:
    body = signed_body(
        relayed,
        "citizen",
        relayed.stack.wesh.claim_task(relayed.task),
        deadline=relayed.stack.now() - 1,
    )
    problem = refusal(await anon.post("/relay/requests", json=body), 422, "expired")
    assert problem["detail"] == dutch("expired")
    assert problem["detail_en"] == TEXTS["expired"][1]


async def test_refused_wrong_chain(relayed: Relayed, anon: httpx.AsyncClient) -> None:
    body = signed_body(relayed, "citizen", relayed.stack.wesh.claim_task(relayed.task))
    domain = forwarding.domain_of(relayed.stack.wesh.forwarder).as_dict()
    body["domain"] = {**domain, "chainId": 100}
    problem = refusal(await anon.post("/relay/requests", json=body), 422, "wrong_chain")
    assert problem["detail"] == dutch("wrong_chain", chain_id=100, expected=31337)


async def test_refused_wrong_forwarder(relayed: Relayed, anon: httpx.AsyncClient) -> None:
    forwarder = relayed.stack.wesh.forwarder
    other = "0x" + "ab" * 20
    body = signed_body(relayed, "citizen", relayed.stack.wesh.claim_task(relayed.task))
    body["domain"] = {**forwarding.domain_of(forwarder).as_dict(), "verifyingContract": other}
    problem = refusal(await anon.post("/relay/requests", json=body), 422, "wrong_forwarder")
    assert problem["detail"] == dutch(
        "wrong_forwarder", forwarder=other, expected=forwarder.address
    )


async def test_refused_bad_signature(relayed: Relayed, anon: httpx.AsyncClient) -> None:
    tx = relayed.stack.wesh.claim_task(relayed.task)
    # Signed by someone else than ``from``.
    body = signed_body(relayed, "citizen", tx, key=relayed.people["stranger"].key)
    problem = refusal(await anon.post("/relay/requests", json=body), 422, "bad_signature")
    assert problem["detail"] == dutch("bad_signature")
    # Signed by ``from``, then a field changed (the gas the relayer would give it).
    body = signed_body(relayed, "citizen", tx)
    body["request"]["gas"] += 1
    refusal(await anon.post("/relay/requests", json=body), 422, "bad_signature")


async def test_refused_unknown_signer(relayed: Relayed, anon: httpx.AsyncClient) -> None:
    tx = relayed.stack.wesh.transfer(relayed.address("shop"), 1)
    body = signed_body(relayed, "stranger", tx)
    problem = refusal(await anon.post("/relay/requests", json=body), 403, "unknown_signer")
    assert problem["detail"] == dutch("unknown_signer")


async def test_refused_not_allowed(relayed: Relayed, anon: httpx.AsyncClient) -> None:
    wesh = relayed.stack.wesh
    # A citizen cashing in (a shop's call), a shop claiming a task (a citizen's), a reviewer
    # granting a role (the admin's: never relayed), a citizen allowing someone to spend.
    for who, tx, function in (
        ("citizen", wesh.redeem(100), "redeem"),
        ("shop", wesh.claim_task(relayed.task), "claim"),
        ("reviewer", wesh.grant_role(relayed.address("stranger"), Role.REVIEWER), "grant_role"),
        ("citizen", wesh.approve(relayed.address("shop"), 100), "approve"),
    ):
        body = signed_body(relayed, who, tx)
        problem = refusal(await anon.post("/relay/requests", json=body), 403, "not_allowed")
        assert problem["detail"] == dutch("not_allowed", function=function)


async def test_refused_quota_spent(relayed: Relayed, anon: httpx.AsyncClient) -> None:
    journal = relayed.journal
    signer = relayed.address("citizen")
    journal.set_override(f"signer:{signer.lower()}", 0)
    try:
        body = signed_body(relayed, "citizen", relayed.stack.wesh.claim_task(relayed.task))
        problem = refusal(await anon.post("/relay/requests", json=body), 429, "quota_spent")
        assert problem["detail"] == dutch("quota_spent", quota=0)
        assert problem["detail"].startswith("Je hebt vandaag al 0 acties laten versturen")
    finally:
        journal.set_override(f"signer:{signer.lower()}", None)
    # The role's quota counts today's requests that are not refused.
    journal.set_override("citizen", 1)
    try:
        first = signed_body(relayed, "citizen", relayed.stack.wesh.claim_task(relayed.task))
        used_today = journal.count_today(signer, j.amsterdam_day(time.time()))
        reply = await anon.post("/relay/requests", json=first)
        if used_today == 0:
            assert reply.status_code == 202, reply.text
            second = signed_body(
                relayed,
                "citizen",
                relayed.stack.wesh.abandon(relayed.task),
                nonce=first["request"]["nonce"] + 1,
            )
            reply = await anon.post("/relay/requests", json=second)
            relayed.journal.refuse(
                [r.id for r in journal.of_nonce(signer, first["request"]["nonce"])],
                reason("expired"),
            )
        refusal(reply, 429, "quota_spent")
    finally:
        journal.set_override("citizen", None)


async def test_refused_budget_spent(relayed: Relayed, anon: httpx.AsyncClient) -> None:
    relayed.journal.set_override("budget", 1)
    try:
        body = signed_body(relayed, "citizen", relayed.stack.wesh.claim_task(relayed.task))
        problem = refusal(await anon.post("/relay/requests", json=body), 503, "budget_spent")
        assert problem["detail"] == dutch("budget_spent")
    finally:
        relayed.journal.set_override("budget", None)


async def test_refused_simulation_failed(relayed: Relayed, anon: httpx.AsyncClient) -> None:
    # citizen2 has no Heitjes: paying the shop would fail, and the contract says why.
    tx = relayed.stack.wesh.transfer(relayed.address("shop"), 100)
    body = signed_body(relayed, "citizen2", tx)
    problem = refusal(await anon.post("/relay/requests", json=body), 422, "simulation_failed")
    assert problem["detail"] == "Je saldo is te laag voor dit bedrag."
    assert problem["detail_en"] == "Your balance is too low for this amount."
    assert problem["params"]["revert"] == "heitje: amount exceeds your balance"


async def test_refused_out_of_funds(relayed: Relayed, anon: httpx.AsyncClient) -> None:
    node = relayed.stack.node
    node.rpc("anvil_setBalance", relayed.relayer, "0x0")
    try:
        body = signed_body(relayed, "citizen", relayed.stack.wesh.claim_task(relayed.task))
        problem = refusal(await anon.post("/relay/requests", json=body), 503, "out_of_funds")
        assert problem["detail"] == dutch("out_of_funds")
    finally:
        node.rpc("anvil_setBalance", relayed.relayer, hex(FUNDS))


async def test_refused_sender_down(relayed: Relayed, anon: httpx.AsyncClient) -> None:
    """Nobody would send it: the sender stopped (or died and its heartbeat went stale)."""
    relayed.journal.stopped(relayed.relayer, os.getpid())
    body = signed_body(relayed, "citizen", relayed.stack.wesh.claim_task(relayed.task))
    problem = refusal(await anon.post("/relay/requests", json=body), 503, "sender_down")
    assert problem["detail"] == dutch("sender_down")
    assert problem["detail"].startswith("De gemeente kan je actie nu niet versturen")
    status = (await anon.get("/relay/status")).json()
    assert status["sender_running"] is False and status["sender_seen_at"] is None
    info = (await anon.get("/relay")).json()
    assert info["configured"] is True and info["enabled"] is info["sender_running"] is False
    assert "wesh_relayer_sender_up 0.0" in (await anon.get("/metrics")).text


async def test_a_malformed_request_is_invalid_input(anon: httpx.AsyncClient) -> None:
    reply = await anon.post(
        "/relay/requests",
        json={"request": {"from": "0x12", "to": "nope", "value": 1}, "signature": "0x00"},
    )
    assert reply.status_code == 422 and reply.json()["code"] == "invalid_input"
    assert (await anon.get("/relay/requests/00000000-0000-0000-0000-000000000000")).status_code == (
        404
    )


# ------------------------------------------------------------------------------ the journey
def start_sender(relayed: Relayed, log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "relayer"],
        cwd=ROOT,
        env=relayed.sender_env(),
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
    )


async def relay(relayed: Relayed, http: httpx.AsyncClient, who: str, prepared: Any) -> Any:
    """Sign the offer, hand it in, follow it to confirmed, index the chain."""
    reply = await http.post("/relay/requests", json=sign_offer(relayed, who, prepared))
    assert reply.status_code == 202, reply.text
    done = await wait_final(http, reply.json()["id"])
    assert done["state"] == "confirmed", done
    relayed.stack.sync()
    return done


async def test_whole_journey_with_no_native_token(relayed: Relayed, tmp_path: Path) -> None:
    """Claim, hand in photos, approve, pay at a shop, cash out, settled: citizen, shop, reviewer
    and treasurer never hold the native token, from the first step to the last."""
    stack, w3 = relayed.stack, relayed.stack.w3
    who = ("citizen", "shop", "reviewer", "treasurer")
    for name in who:
        assert w3.eth.get_balance(relayed.address(name)) == 0
    sender = start_sender(relayed, tmp_path / "relayer.log")
    try:
        citizen = await signed_in(relayed, "citizen")
        shop = await signed_in(relayed, "shop")
        reviewer = await signed_in(relayed, "reviewer")
        treasurer = await signed_in(relayed, "treasurer")
        task = relayed.task
        citizen_address = relayed.address("citizen")
        before = stack.wesh.balance_of(citizen_address)
        await relay(
            relayed, citizen, "citizen", (await citizen.post(f"/me/tasks/{task}/claim")).json()
        )

        # Photos: the evidence upload prepares the hand-in, which the relayer sends.
        reply = await citizen.post(
            f"/me/tasks/{task}/evidence",
            files={
                "before": ("voor.jpg", jpeg((90, 90, 90)), "image/jpeg"),
                "after": ("na.jpg", jpeg((20, 160, 60)), "image/jpeg"),
            },
        )
        assert reply.status_code == 200, reply.text
        evidence = reply.json()
        await relay(relayed, citizen, "citizen", evidence["tx"])
        queue = (await reviewer.get("/city/review-queue")).json()
        assert any(item["task_id"] == task for item in queue), queue

        # The reviewer approves: the reward is paid. Followed by Server-Sent Events this time.
        prepared = (
            await reviewer.post(
                "/city/reviews/approve", json={"task_id": task, "citizen": citizen_address}
            )
        ).json()
        reply = await reviewer.post(
            "/relay/requests", json=sign_offer(relayed, "reviewer", prepared)
        )
        assert reply.status_code == 202, reply.text
        stream = await reviewer.get(f"/relay/requests/{reply.json()['id']}/events")
        assert stream.headers["content-type"].startswith("text/event-stream")
        states = [
            json.loads(line[len("data: ") :])["state"]
            for line in stream.text.splitlines()
            if line.startswith("data: ")
        ]
        assert states[0] in ("accepted", "sent", "mined") and states[-1] == "confirmed"
        assert len(states) == len(set(states)), "one event per change"
        stack.sync()
        assert stack.wesh.balance_of(citizen_address) == before + 2_000

        # Paying at the shop: the shop's QR code, the citizen pays it.
        request = (
            await shop.post("/merchant/payment-requests", json={"amount": 1_250, "note": "band"})
        ).json()
        prepared = (
            await citizen.post("/me/payments", json={"reference": request["reference"]})
        ).json()
        await relay(relayed, citizen, "citizen", prepared)
        status = (
            await shop.get(f"/merchant/payment-requests/{request['reference']}/status")
        ).json()
        assert status["paid"] is True, status

        # The shop cashes in; the treasurer marks it paid: settled.
        prepared = (await shop.post("/merchant/cashouts", json={"amount": 1_250})).json()
        await relay(relayed, shop, "shop", prepared)
        (cashout,) = (await shop.get("/merchant/cashouts")).json()
        assert cashout["status"] == "open" and cashout["amount"] == 1_250
        prepared = (
            await treasurer.post(
                "/city/redemptions/mark-paid",
                json={
                    "redemption_ids": [cashout["redemption_id"]],
                    "payment_reference": "SEPA 2026-12 FIETS",
                },
            )
        ).json()
        await relay(relayed, treasurer, "treasurer", prepared)
        (settled,) = (await shop.get("/merchant/cashouts")).json()
        assert settled["status"] == "paid"
        assert settled["payment_reference"] == "SEPA 2026-12 FIETS"
        me = (await citizen.get("/me")).json()
        assert me["balance"] == before + 2_000 - 1_250
    finally:
        sender.terminate()
        sender.wait(timeout=15)
    # Nobody but the relayer paid a fee or sent a transaction.
    for name in who:
        assert w3.eth.get_balance(relayed.address(name)) == 0, name
        assert w3.eth.get_transaction_count(relayed.address(name)) == 0, name


async def test_status_and_metrics_match_the_journal_and_the_chain(
    relayed: Relayed, anon: httpx.AsyncClient
) -> None:
    """After the journey (its transactions are in this database's journal)."""
    journal = relayed.journal
    mined = [t for t in journal.transactions() if t.state in (j.TX_MINED, j.TX_CONFIRMED)]
    assert mined, "the journey ran first"
    fees = 0
    for tx in mined:
        receipt = relayed.stack.w3.eth.get_transaction_receipt(HexBytes(tx.hash))
        fees += receipt["gasUsed"] * receipt["effectiveGasPrice"]
        assert tx.fee_wei == receipt["gasUsed"] * receipt["effectiveGasPrice"]
    today = j.amsterdam_day(time.time())
    status = (await anon.get("/relay/status")).json()
    balance = relayed.stack.w3.eth.get_balance(relayed.relayer)
    assert status["balance_wei"] == str(balance)
    assert status["spent_today_wei"] == str(journal.spent(today)) == str(fees)
    assert status["budget_per_day_wei"] == str(10**18)
    assert status["days_left"] == round(balance / (fees / 7), 1)
    assert status["requests_today"] == journal.counts_by_state(today)
    assert status["requests_today"]["confirmed"] >= 5
    assert status["queue"] == 0 and status["in_flight"] == 0
    assert status["last_sent_tx"] == max(mined, key=lambda t: t.sent_at or 0).hash
    assert status["sender_running"] is True

    text = (await anon.get("/metrics")).text
    totals = journal.totals()
    lines = {
        line.split(" ")[0]: line.split(" ")[1]
        for line in text.splitlines()
        if line and line[0] != "#"
    }
    assert float(lines["wesh_relayer_balance_wei"]) == float(balance)
    assert float(lines["wesh_relayer_spent_wei_total"]) == float(fees)
    for state in j.STATES:
        assert float(lines[f'wesh_relayer_requests_total{{state="{state}"}}']) == totals[state]
    assert float(lines["wesh_relayer_queue"]) == 0
    count = float(lines["wesh_relayer_accepted_to_mined_seconds_count"])
    assert count == totals["mined"] and count >= 5
    assert float(lines['wesh_relayer_accepted_to_mined_seconds_bucket{le="+Inf"}']) == count
