"""The residents' messages and Web Push (issue #15), on SQLite and PostgreSQL.

A chain of its own (anvil, the contracts, two residents with hand-ins waiting) so the reviews
here change nobody else's test. The indexer indexes it into each database; the notifier turns
the reviews and the deadlines into inbox items; the API serves the inbox and the subscriptions.

The browsers' push services cannot be reached from here. ``PushService`` is a real HTTP server on
loopback that speaks their protocol as far as a sender sees it (RFC 8030: a POST with ``TTL``,
``Content-Encoding: aes128gcm`` and ``Authorization: vapid t=<JWT>,k=<key>`` (RFC 8292), whose
ES256 signature it verifies with the key named, ``aud`` its own origin, ``exp`` within a day),
and decrypts the payload (RFC 8291) with the private key of the subscription the test made as a
browser would. The sender is the real one (``WebPusher``, pywebpush)."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from api_support import PUBLIC_URL, Stack, sign_in
from push_service import Browser, Delivery, PushService, unb64
from web3 import Web3

from api.app import create_app
from api.notifications import runtime
from api.notifications.push import VapidKey
from api.notifications.service import Notifier
from api.notifications.settings import NotificationSettings
from api.tables import notifications, notify_cursor, push_subscriptions
from indexer.db import make_engine
from wesh import anvil, deployment
from wesh.contract import Role
from wesh.deploy import deploy
from wesh.metadata import FolderStore, put_document, task_document
from wesh.signer import UnlockedSigner

NAMES = ["admin", "reviewer", "treasurer", "anna", "bram", "shop"]
DAY = 86_400
#: Words that would make a push personal: the task, the amount, the place, the people.
PERSONAL = ("Bankje", "Aambos", "Stickers", "25", "Anna", "Bram", "0x", "Teststraat")


@pytest.fixture(scope="module")
def chain(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("notifications")
    node = anvil.start(extra=["--accounts", str(len(NAMES))])
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        signers = dict(zip(NAMES, (UnlockedSigner(a) for a in w3.eth.accounts), strict=True))
        roles = {
            signers["admin"].address: Role.ADMIN | Role.REGISTRAR | Role.TASK_MANAGER,
            signers["reviewer"].address: Role.REVIEWER,
            signers["treasurer"].address: Role.TREASURER,
        }
        deployed = deploy(w3, signers["admin"], roles)
        manifest = deployment.Deployment(
            network="notifications-test",
            chain_id=w3.eth.chain_id,
            heitje=str(deployed.wesh.heitje.address),
            redemption=str(deployed.wesh.redemption.address),
            neighbourhood_desk=str(deployed.wesh.desk.address),
            start_block=deployed.block,
            deployer=signers["admin"].address,
            start_block_hash=w3.eth.get_block(deployed.block)["hash"].to_0x_hex(),
        )
        stack = Stack(
            node=node,
            w3=w3,
            wesh=deployed.wesh,
            manifest=manifest,
            manifest_path=deployment.save(manifest, root / "manifest.json"),
            database_url="",
            content_dir=root / "content",
            accounts=signers,
        )
        wesh, store = stack.wesh, FolderStore(stack.content_dir)
        stack.send(
            wesh.register_citizens([signers["anna"].address, signers["bram"].address], [1, 2]),
            "admin",
        )
        stack.send(wesh.grant_budget(1_000_00), "treasurer")
        deadline = stack.now() + 60 * DAY
        for key, title, reward in (
            ("bench", "Bankje schilderen in het Aambos", 25_00),
            ("stickers", "Stickers weghalen", 7_50),
        ):
            document = task_document(
                title=title,
                description="Beschrijving",
                neighbourhood=1,
                street="Teststraat 1",
                lat=50.888,
                lon=5.98,
                reward=reward,
                slots=2,
                claim_deadline=deadline,
                claim_duration=7 * DAY,
            )
            cid = put_document(store, document)
            stack.send(wesh.commission_task(cid, reward, 2, deadline, 7 * DAY, 1), "admin")
            stack.tasks[key] = wesh.counts()[2]
        for who in ("anna", "bram"):
            stack.send(wesh.claim_task(stack.tasks["bench"]), who)
            stack.send(wesh.submit(stack.tasks["bench"], f"bafkrei{who}"), who)
        stack.send(wesh.claim_task(stack.tasks["stickers"]), "bram")
        yield stack
    finally:
        node.stop()


@pytest.fixture(scope="module")
def push_service() -> Iterator[PushService]:
    service = PushService()
    yield service
    service.stop()


@dataclasses.dataclass
class World:
    """One database indexing the chain, its API app and notifier."""

    name: str
    stack: Stack
    app: Any
    notifier: Notifier
    engine: sa.Engine
    http: dict[str, httpx.AsyncClient] = dataclasses.field(default_factory=dict)

    async def sign_in_all(self) -> None:
        for who in ("anna", "bram", "shop"):
            self.http[who] = self.client()
            await sign_in(self.http[who], self.stack, who)

    async def close(self) -> None:
        for http in self.http.values():
            await http.aclose()

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url=PUBLIC_URL)

    def restart(self, clock: Any = time.time) -> Notifier:
        """A notifier as a restarted API process makes it (nothing kept in memory)."""
        parts = self.app.state.notifications
        self.notifier = Notifier(self.engine, parts.notifier.pusher, clock=clock)
        return self.notifier

    def items(self) -> list[Any]:
        with self.engine.connect() as db:
            return list(db.execute(sa.select(notifications).order_by(notifications.c.id)).all())


def world(chain: Stack, database_url: str, folder: Path) -> World:
    stack = dataclasses.replace(chain, database_url=database_url)
    stack.sync()
    app = create_app(stack.settings())
    parts = runtime.build(
        app.state.services, NotificationSettings(vapid_key_file=folder / "vapid-private.pem")
    )
    app.state.notifications = parts
    return World(folder.name, stack, app, parts.notifier, make_engine(database_url))


@pytest.fixture
def worlds(chain: Stack, tmp_path: Path, pg_url: str) -> list[World]:
    """The same chain indexed into SQLite and into PostgreSQL, side by side."""
    return [
        world(chain, f"sqlite:///{tmp_path / 'wesh.db'}", tmp_path / "sqlite"),
        world(chain, pg_url, tmp_path / "postgresql"),
    ]


def test_vapid_key_is_made_once_for_the_dev_chain_and_kept(tmp_path: Path) -> None:
    path = tmp_path / "data" / "vapid-private.pem"
    first = VapidKey.load(None, path, generate=True)
    assert first is not None and path.is_file()
    assert path.stat().st_mode & 0o077 == 0, "only the owner may read the key"
    again = VapidKey.load(None, path, generate=True)
    assert again is not None and again.public_key == first.public_key
    assert len(unb64(first.public_key)) == 65  # an uncompressed P-256 point
    # Elsewhere than the dev chain nothing is made: push is off until the city sets a key.
    assert VapidKey.load(None, tmp_path / "none.pem", generate=False) is None
    given = VapidKey.load(first.pem.decode().replace("\n", "\\n"), path, generate=False)
    assert given is not None and given.public_key == first.public_key


def mine(push_service: PushService, w: World) -> list[Delivery]:
    return [d for d in push_service.delivered if d.path.endswith(f"-{w.name}")]


@pytest.mark.anyio
async def test_inbox_push_and_exactly_once(
    worlds: list[World], chain: Stack, push_service: PushService
) -> None:
    """Both databases at each step: the chain changes once, each index follows it."""
    wesh = chain.wesh
    anna, bram = chain.accounts["anna"].address, chain.accounts["bram"].address
    phones: dict[str, tuple[Browser, Browser]] = {}
    for w in worlds:
        # The first round over the chain as it is: nothing reviewed yet, the cursor is set.
        assert w.notifier.run_once()["reviews"] == 0
        await w.sign_in_all()
        http, shop = w.http["anna"], w.http["shop"]
        # The key browsers subscribe with; subscriptions of residents only.
        key = (await http.get("/push")).json()
        assert key["enabled"] and len(unb64(key["public_key"])) == 65
        phone_nl = push_service.browser(f"anna-nl-{w.name}")
        phone_en = push_service.browser(f"anna-en-{w.name}")
        phones[w.name] = (phone_nl, phone_en)
        reply = await http.post("/me/push", json=phone_nl.subscription("nl"))
        assert reply.status_code == 201, reply.text
        reply = await http.post("/me/push", json=phone_en.subscription("en"))
        assert reply.json() == {"subscriptions": 2}
        reply = await shop.post("/me/push", json=phone_nl.subscription())
        assert reply.status_code == 403
        bad = {**phone_nl.subscription(), "endpoint": "ftp://push.example/x"}
        reply = await http.post("/me/push", json=bad, headers={"Accept-Language": "en"})
        assert reply.status_code == 422
        assert "push address" in reply.json()["detail"]
        assert (await http.get("/me/notifications/unread")).json() == {"unread": 0}

    # Anna's hand-in is approved, Bram's rejected: the notifier tells each their own.
    chain.send(wesh.approve_submission(chain.tasks["bench"], anna), "reviewer")
    chain.send(wesh.reject_submission(chain.tasks["bench"], bram, 2), "reviewer")
    for w in worlds:
        http, other = w.http["anna"], w.http["bram"]
        w.stack.sync()
        counts = w.notifier.run_once()
        assert counts["reviews"] == 2
        assert counts["pushed"] == 2  # Anna's two phones; Bram has none
        inbox = (await http.get("/me/notifications")).json()
        assert inbox["unread"] == 1
        (item,) = inbox["items"]
        assert item["kind"] == "approved" and item["task_id"] == chain.tasks["bench"]
        assert item["amount"] == 25_00 and not item["read"]
        assert item["title_nl"] == "Bankje schilderen in het Aambos"
        theirs = (await other.get("/me/notifications")).json()
        assert [i["kind"] for i in theirs["items"]] == ["rejected"]
        assert theirs["items"][0]["reason"] == 2 and theirs["items"][0]["deadline"]

        # Delivered, decrypted, in each phone's language, with nothing personal in it.
        got = {d.path: d for d in mine(push_service, w)}
        nl = got[f"/push/anna-nl-{w.name}"]
        en = got[f"/push/anna-en-{w.name}"]
        assert nl.payload["body"] == "Je klus is goedgekeurd."
        assert en.payload["body"] == "Your task has been approved."
        for delivery in (nl, en):
            assert delivery.payload["url"] == "/burger/berichten"
            assert delivery.ttl == DAY
            text = json.dumps(delivery.payload)
            assert not [word for word in PERSONAL if word in text], text
        assert not push_service.refused

        # Opening the inbox marks what was shown read.
        reply = await http.post("/me/notifications/read", json={"up_to": item["id"]})
        assert reply.json() == {"unread": 0}
        assert (await http.get("/me/notifications")).json()["items"][0]["read"]
        assert (await other.get("/me/notifications/unread")).json() == {"unread": 1}

        # A restart: a new notifier over the same tables makes nothing twice, pushes nothing
        # again; neither does one whose cursor was set back (a restored backup).
        before = [(row.id, row.source) for row in w.items()]
        assert w.restart().run_once() == {"reviews": 0, "expiring": 0, "pushed": 0}
        with w.engine.begin() as db:
            db.execute(notify_cursor.update().values(block_number=-1, log_index=-1))
        assert w.restart().run_once()["reviews"] == 0
        assert [(row.id, row.source) for row in w.items()] == before
        assert len(mine(push_service, w)) == 2

        # Bram's claims run out within a day (the stickers, claimed; the bench, rejected and
        # to be handed in again): warned once each, in the app (he has no phone subscribed).
        with w.engine.connect() as db:
            expires = db.execute(
                sa.text("SELECT expires_at FROM claims WHERE task_id = :t AND citizen_id = 2"),
                {"t": chain.tasks["stickers"]},
            ).scalar()
        assert w.restart(clock=lambda e=expires: e - 2 * DAY).run_once()["expiring"] == 0
        assert w.restart(clock=lambda e=expires: e - 3600).run_once()["expiring"] == 2
        assert w.restart(clock=lambda e=expires: e - 1800).run_once()["expiring"] == 0
        kinds = [i["kind"] for i in (await other.get("/me/notifications")).json()["items"]]
        assert kinds == ["expiring", "expiring", "rejected"]
        push_service.gone.add(f"/push/anna-en-{w.name}")

    # A phone the push service says is gone (410) is forgotten at the next push.
    chain.send(wesh.claim_task(chain.tasks["stickers"]), "anna")
    chain.send(wesh.submit(chain.tasks["stickers"], "bafkreianna2"), "anna")
    chain.send(wesh.approve_submission(chain.tasks["stickers"], anna), "reviewer")
    for w in worlds:
        http = w.http["anna"]
        phone_nl = phones[w.name][0]
        w.stack.sync()
        assert w.restart().run_once()["pushed"] == 1
        with w.engine.connect() as db:
            left = db.execute(sa.select(push_subscriptions.c.endpoint)).scalars().all()
        assert left == [phone_nl.endpoint]
        assert (await http.get("/me/push")).json() == {"subscriptions": 1}

        # Unsubscribing stops the pushes; the messages stay in the app.
        reply = await http.request("DELETE", "/me/push", json={"endpoint": phone_nl.endpoint})
        assert reply.status_code == 204
        assert (await http.get("/me/push")).json() == {"subscriptions": 0}
        assert (await http.get("/me/notifications/unread")).json() == {"unread": 1}
        # Not signed in: no inbox.
        async with w.client() as stranger:
            assert (await stranger.get("/me/notifications")).status_code == 401
        await w.close()
