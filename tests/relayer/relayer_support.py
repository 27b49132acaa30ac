"""A real world for the relayer's tests: anvil with WESH deployed, citizens, shops and staff whose
keys the tests hold (eth_account; they hold no native token), the indexer run into the test's
database (SQLite or PostgreSQL), and the relayer's checks and sender on that database."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from eth_typing import ChecksumAddress
from eth_utils import to_checksum_address
from hexbytes import HexBytes
from sqlalchemy.engine import Engine
from web3 import Web3

from indexer.db import make_engine
from indexer.rpc import Rpc
from indexer.sync import Indexer
from relayer import journal, key
from relayer.checks import Checks, Submitted
from relayer.journal import Journal, Request
from relayer.sender import Sender
from relayer.settings import RelayerSettings
from wesh import anvil, deployment, forwarding
from wesh.contract import Role, TxRequest, Wesh
from wesh.deploy import deploy
from wesh.settings import IndexerSettings
from wesh.signer import UnlockedSigner, transact

#: The relayer's anvil dev account (beyond the accounts anvil funds; the world funds it).
RELAYER_INDEX = 19
RELAYER_FUNDS = 100 * 10**18
CITIZENS = ("anna", "bram", "cas", "dewi", "eva", "finn")
MERCHANTS = ("bakker", "boekhandel")
STAFF = {"reviewer": Role.REVIEWER, "treasurer": Role.TREASURER, "registrar": Role.REGISTRAR}
#: Heitje cents each citizen starts with (paid for a task, approved by the admin).
START_BALANCE = 5_000
DAY = 86_400


@dataclass
class World:
    node: anvil.Anvil
    w3: Web3
    wesh: Wesh
    manifest: deployment.Deployment
    manifest_path: Path
    database_url: str
    engine: Engine
    admin: UnlockedSigner
    people: dict[str, LocalAccount]
    tasks: list[int] = field(default_factory=list)

    @property
    def forwarder(self) -> Any:
        return self.wesh.forwarder

    @property
    def domain(self) -> forwarding.Domain:
        return forwarding.domain_of(self.forwarder)

    @property
    def relayer(self) -> ChecksumAddress:
        return to_checksum_address(key.address_of(self.settings(), anvil.DEV_CHAIN_ID))

    def address(self, who: str) -> ChecksumAddress:
        return to_checksum_address(self.people[who].address)

    def rpc(self, method: str, *params: object) -> Any:
        return self.node.rpc(method, *params)

    def send(self, tx: TxRequest) -> Any:
        """An admin transaction (the admin holds every city role here)."""
        return transact(self.w3, tx, self.admin)

    def sync(self) -> None:
        settings = IndexerSettings(
            database_url=self.database_url,
            rpc_url=self.node.url,
            deployment=self.manifest_path,
            confirmations=0,
        )
        Indexer(settings, self.manifest, make_engine(self.database_url), Rpc(self.node.url)).run(
            once=True
        )

    def settings(self, **overrides: Any) -> RelayerSettings:
        values: dict[str, Any] = {
            "enabled": True,
            "database_url": self.database_url,
            "rpc_url": self.node.url,
            "deployment": self.manifest_path,
            "dev_account": RELAYER_INDEX,
            "batch_wait_s": 0.0,
            "poll_s": 0.05,
            "confirmations": 0,
        }
        values.update(overrides)
        return RelayerSettings(**values)

    def checks(self, **overrides: Any) -> Checks:
        """The API's checks. The relayer's sender is taken to be up (its heartbeat written now):
        these tests run the sender in the test's own time; the ones about a sender that is down
        remove it."""
        settings = self.settings(**overrides)
        Journal(self.engine).beat(self.relayer, os.getpid(), time.time())
        return Checks(
            settings,
            self.engine,
            self.w3,
            self.forwarder,
            self.wesh.heitje.address,
            self.wesh.redemption.address,
            key.address_of(settings, anvil.DEV_CHAIN_ID),
            desk=self.wesh.desk.address,
        )

    def sender(self, **overrides: Any) -> Sender:
        settings = self.settings(**overrides)
        return Sender(
            settings,
            self.engine,
            self.w3,
            self.forwarder,
            key.load(settings, anvil.DEV_CHAIN_ID),
            settings.confirmations or 0,
        )

    @property
    def journal(self) -> Journal:
        return Journal(self.engine)

    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def signed(
        self,
        who: str,
        tx: TxRequest,
        *,
        nonce: int | None = None,
        deadline: int | None = None,
        gas: int | None = None,
        domain: forwarding.Domain | None = None,
        signer_key: Any = None,
    ) -> Submitted:
        """``who``'s signed request for ``tx`` (their next nonce on chain unless given)."""
        signer = self.address(who)
        data = bytes(HexBytes(tx.data))
        if nonce is None:
            nonce = int(self.forwarder.functions.nonces(signer).call())
        if gas is None:
            gas = forwarding.forwarded_gas(self.w3, self.forwarder.address, tx.to, data, signer)
        request = forwarding.ForwardRequest(
            signer=signer,
            to=tx.to,
            gas=gas,
            nonce=nonce,
            deadline=self.now() + 3_600 if deadline is None else deadline,
            data=data,
        )
        signature = forwarding.sign_with_key(
            request, domain or self.domain, signer_key or self.people[who].key
        )
        return Submitted(
            signer=signer,
            to=tx.to,
            value=0,
            gas=gas,
            nonce=nonce,
            deadline=request.deadline,
            data=data,
            signature=signature,
        )

    def submit(self, who: str, tx: TxRequest, checks: Checks | None = None, **kw: Any) -> Request:
        request, _created = (checks or self.checks()).submit(self.signed(who, tx, **kw))
        return request

    def drain(self, sender: Sender | None = None, timeout: float = 30.0) -> None:
        """Runs a sender until nothing waits, is in flight or waits for confirmation."""
        stop = threading.Event()
        timer = threading.Timer(timeout, stop.set)
        timer.start()
        try:
            (sender or self.sender()).run_until_idle(stop)
        finally:
            timer.cancel()
        assert not stop.is_set(), "the sender did not finish in time"

    def nonce(self, who: str) -> int:
        """``who``'s next nonce on chain (the forwarder's)."""
        return int(self.forwarder.functions.nonces(self.address(who)).call())

    def native(self, who: str) -> int:
        return int(self.w3.eth.get_balance(to_checksum_address(self.address(who))))

    def mine_nothing(self) -> None:
        self.rpc("evm_mine")


def build_world(database_url: str, workdir: Path) -> World:
    """anvil, WESH, the people and their starting Heitjes, indexed into ``database_url``."""
    node = anvil.start(extra=["--accounts", "2"])
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        admin = UnlockedSigner(w3.eth.accounts[0])
        everything = Role(0)
        for role in Role:
            everything |= role
        people = {name: Account.create() for name in (*CITIZENS, *MERCHANTS, *STAFF, "outsider")}
        roles: dict[str, Role] = {admin.address: everything}
        roles.update({people[name].address: bits for name, bits in STAFF.items()})
        deployed = deploy(w3, admin, roles)
        wesh = deployed.wesh
        manifest = deployment.Deployment(
            network="relayer-test",
            chain_id=int(w3.eth.chain_id),
            heitje=str(wesh.heitje.address),
            redemption=str(wesh.redemption.address),
            neighbourhood_desk=str(wesh.desk.address),
            start_block=deployed.block,
            deployer=admin.address,
            start_block_hash=w3.eth.get_block(deployed.block)["hash"].to_0x_hex(),
            forwarder=str(wesh.forwarder.address),
        )
        path = deployment.save(manifest, workdir / "manifest.json")
        world = World(
            node=node,
            w3=w3,
            wesh=wesh,
            manifest=manifest,
            manifest_path=path,
            database_url=database_url,
            engine=make_engine(database_url),
            admin=admin,
            people=people,
        )
        seed(world)
        world.sync()
        journal.create(world.engine)
        return world
    except BaseException:
        node.stop()
        raise


def seed(world: World) -> None:
    wesh = world.wesh
    world.rpc("anvil_setBalance", world.relayer, hex(RELAYER_FUNDS))
    citizens = [world.address(name) for name in CITIZENS]
    world.send(wesh.register_citizens(citizens, [1] * len(citizens)))
    for name in MERCHANTS:
        world.send(wesh.register_merchant(world.address(name), f"bafkreishop{name}"))
    world.send(wesh.grant_budget(10_000_000))
    deadline = world.now() + 60 * DAY
    for _ in range(3):
        world.send(wesh.commission_task("bafkreitask", START_BALANCE, 20, deadline, 7 * DAY, 1))
        world.tasks.append(wesh.counts()[2])
    # Every citizen earns START_BALANCE on the first task: claimed and handed in through the
    # forwarder, the fee paid by the admin account (the citizens hold no native token).
    relaying_admin = world.admin
    for name in CITIZENS:
        relayed = forwarding.RelayedSigner(
            world.forwarder, world.address(name), relaying_admin, key=world.people[name].key
        )
        transact(world.w3, wesh.claim_task(world.tasks[0]), relayed)
        transact(world.w3, wesh.submit(world.tasks[0], "bafkreievidence"), relayed)
        world.send(wesh.approve_submission(world.tasks[0], world.address(name)))


def wait_for(predicate: Callable[[], bool], timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"not in time: {what}")
        time.sleep(0.05)
