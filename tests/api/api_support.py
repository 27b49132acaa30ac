"""A real stack for the API tests: anvil, both contracts, a seeded history, the indexer (run in
process after each chain change) and the API app, reached through httpx's ASGI transport."""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from eth_account import Account
from servers import Postgres
from web3 import Web3

from api.app import create_app
from api.settings import ApiSettings
from indexer.db import make_engine
from indexer.rpc import Rpc
from indexer.sync import Indexer
from wesh import anvil, deployment
from wesh.contract import Role, Wesh
from wesh.deploy import deploy
from wesh.metadata import FolderStore, merchant_document, put_document, task_document
from wesh.settings import IndexerSettings
from wesh.signer import UnlockedSigner, transact

MNEMONIC = "test test test test test test test test test test test junk"
PUBLIC_URL = "https://wesh.test"

Account.enable_unaudited_hdwallet_features()


def dev_key(index: int) -> str:
    """anvil's public, well-known dev key number ``index`` (chain id 31337 only)."""
    account = Account.from_mnemonic(MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")
    return account.key.hex()


@dataclass
class Stack:
    node: anvil.Anvil
    w3: Web3
    wesh: Wesh
    manifest: deployment.Deployment
    manifest_path: Path
    database_url: str
    content_dir: Path
    accounts: dict[str, UnlockedSigner]
    tasks: dict[str, int] = field(default_factory=dict)

    def send(self, tx: Any, who: str) -> Any:
        return transact(self.w3, tx, self.accounts[who])

    def sync(self, confirmations: int = 0) -> None:
        """Runs the indexer until it has caught up with the head (blocks within
        ``confirmations`` of it go to the pending tables)."""
        settings = IndexerSettings(
            database_url=self.database_url,
            rpc_url=self.node.url,
            deployment=self.manifest_path,
            confirmations=confirmations,
        )
        rpc = Rpc(self.node.url, max_attempts=3)
        indexer = Indexer(settings, self.manifest, make_engine(self.database_url), rpc)
        indexer.run(once=True)

    def settings(self, **overrides: Any) -> ApiSettings:
        values: dict[str, Any] = {
            "database_url": self.database_url,
            "rpc_url": self.node.url,
            "deployment": self.manifest_path,
            "public_url": PUBLIC_URL,
            "content_dir": self.content_dir,
            "signin_per_minute": 1000,
            "signin_per_account_per_minute": 1000,
            "uploads_per_minute": 1000,
        }
        values.update(overrides)
        return ApiSettings(**values)

    def sign(self, who: str, message: str) -> str:
        """personal_sign by one of anvil's unlocked accounts."""
        address = self.accounts[who].address
        return str(self.node.rpc("personal_sign", "0x" + message.encode().hex(), address))

    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])


ROLES = {
    "admin": Role.ADMIN | Role.REGISTRAR | Role.MERCHANT_MANAGER | Role.TASK_MANAGER,
    "reviewer": Role.REVIEWER,
    "reviewer2": Role.REVIEWER,
    "task_manager": Role.TASK_MANAGER,
    "treasurer": Role.TREASURER,
    "registrar": Role.REGISTRAR,
}
NAMES = [
    "admin",
    "reviewer",
    "reviewer2",
    "task_manager",
    "treasurer",
    "registrar",
    "merchant",
    "merchant2",
    "outsider",
    "citizen",
    "citizen2",
    "citizen3",
    "citizen4",
    "capped",
]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("api-stack")
    node = anvil.start(extra=["--accounts", str(len(NAMES))])
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        signers = dict(zip(NAMES, (UnlockedSigner(a) for a in w3.eth.accounts), strict=True))
        roles = {signers[name].address: bits for name, bits in ROLES.items()}
        # A yearly cap of 110.00: one task's largest reward (100.00, issue #15) takes a
        # resident close to it ("capped" below).
        deployed = deploy(w3, signers["admin"], roles, yearly_cap=11_000)
        wesh = deployed.wesh
        manifest = deployment.Deployment(
            network="api-test",
            chain_id=w3.eth.chain_id,
            heitje=str(wesh.heitje.address),
            redemption=str(wesh.redemption.address),
            neighbourhood_desk=str(wesh.desk.address),
            start_block=deployed.block,
            deployer=signers["admin"].address,
            start_block_hash=w3.eth.get_block(deployed.block)["hash"].to_0x_hex(),
        )
        manifest_path = deployment.save(manifest, root / "manifest.json")
        stack = Stack(
            node=node,
            w3=w3,
            wesh=wesh,
            manifest=manifest,
            manifest_path=manifest_path,
            database_url=f"sqlite:///{root / 'wesh.db'}",
            content_dir=root / "content",
            accounts=signers,
        )
        seed(stack)
        stack.sync()
        yield stack
    finally:
        node.stop()


def seed(stack: Stack) -> None:
    wesh, store = stack.wesh, FolderStore(stack.content_dir)
    for name, kind in (("merchant", "bakker"), ("merchant2", "boekhandel")):
        cid = put_document(
            store,
            merchant_document(
                name=f"Test {kind}",
                kind=kind,
                street="Promenade 1",
                postcode="6411 JA",
                city="Heerlen",
                neighbourhood=1,
            ),
        )
        stack.send(wesh.register_merchant(stack.accounts[name].address, cid), "admin")
    citizens = ["citizen", "citizen2", "citizen3", "citizen4", "capped"]
    stack.send(
        wesh.register_citizens([stack.accounts[c].address for c in citizens], [1, 2, 3, 4, 6]),
        "admin",
    )
    stack.send(wesh.grant_budget(10_000_000), "treasurer")
    deadline = stack.now() + 60 * 86_400
    for key, title, reward, hood, lat, lon in (
        ("bench", "Bankje schilderen in het Aambos", 1_500, 1, 50.8885, 5.9800),
        ("stickers", "Stickers verwijderen Promenade", 800, 2, 50.8930, 5.9710),
        ("big", "Grote schoonmaak Schandelen", 10_000, 4, 50.8960, 5.9950),
    ):
        document = task_document(
            title=title,
            description=f"{title}: beschrijving",
            neighbourhood=hood,
            street="Teststraat 1",
            lat=lat,
            lon=lon,
            reward=reward,
            slots=5,
            claim_deadline=deadline,
            claim_duration=7 * 86_400,
        )
        document["category"] = "schilderen" if key == "bench" else "stickers"
        cid = put_document(store, document)
        stack.send(wesh.commission_task(cid, reward, 5, deadline, 7 * 86_400, hood), "admin")
        stack.tasks[key] = wesh.counts()[2]
    # citizen: one paid task (has a balance), one submitted (in the review queue)
    stack.send(wesh.claim_task(stack.tasks["bench"]), "citizen")
    stack.send(wesh.submit(stack.tasks["bench"], "bafkreievidence"), "citizen")
    stack.send(
        wesh.approve_submission(stack.tasks["bench"], stack.accounts["citizen"].address), "reviewer"
    )
    stack.send(wesh.claim_task(stack.tasks["stickers"]), "citizen")
    stack.send(wesh.submit(stack.tasks["stickers"], "bafkreievidence2"), "citizen")
    # capped: close to the yearly cap (claims the 100.00 task of a cap of 110.00)
    stack.send(wesh.claim_task(stack.tasks["big"]), "capped")


@pytest.fixture(scope="session")
def app(stack: Stack) -> Any:
    return create_app(stack.settings())


@pytest.fixture
async def client(app: Any) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as http:
        yield http


async def sign_in(http: httpx.AsyncClient, stack: Stack, who: str) -> dict[str, Any]:
    """The whole SIWE flow for one of the stack's accounts; returns the session body."""
    address = stack.accounts[who].address
    reply = await http.post("/auth/message", json={"address": address})
    assert reply.status_code == 200, reply.text
    message = reply.json()["message"]
    reply = await http.post(
        "/auth/verify", json={"message": message, "signature": stack.sign(who, message)}
    )
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


async def signed_in(app: Any, stack: Stack, who: str) -> httpx.AsyncClient:
    """A client of ``app`` with ``who``'s session."""
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL)
    await sign_in(http, stack, who)
    return http


def wait_until(predicate: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        time.sleep(0.05)


@pytest.fixture
def pg_url(pg_server: Postgres) -> Iterator[str]:
    """A database of its own on the session's PostgreSQL (tests/servers.py), dropped after."""
    name = f"wesh_api_{secrets.token_hex(4)}"
    with psycopg.connect(pg_server.conninfo(), autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield pg_server.url(name)
    finally:
        with psycopg.connect(pg_server.conninfo(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"
