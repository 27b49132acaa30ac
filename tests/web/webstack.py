"""The live WESH stack for the browser tests and the page-weight benchmark.

``start(workdir)`` runs what ``make demo`` runs, each piece as people meet it: anvil (chain id
31337), both contracts deployed with web3, a small Heerlen seeded on chain (city staff, citizens,
shops, budget, tasks with their public documents, a few approved jobs so the statistics show
something), ``python -m indexer`` following the chain into a SQLite file, and the API
(``uvicorn --factory api.app:create_app``) serving the dApp on a free port.

With ``relayer=True`` the stack also runs the city's relayer as ``make demo`` does: the API offers
to relay (``WESH_RELAYER_ENABLED``) and ``python -m relayer`` sends the signed requests with one of
anvil's public dev accounts (``RELAYER``, chain 31337 only), which nobody else in the town uses.

Everything lives in ``workdir`` and on loopback addresses; ``Stack.stop()`` ends the processes
it started (by their own handles, nothing else).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import forked
import httpx
from web3 import Web3

from wesh import anvil, deployment
from wesh.contract import Role, Wesh
from wesh.deploy import deploy
from wesh.metadata import FolderStore, merchant_document, put_document, task_document
from wesh.signer import UnlockedSigner, transact

ROOT = Path(__file__).resolve().parents[2]
DAY = 86_400
#: A stand-in evidence CID for the jobs paid before the tests start.
EVIDENCE_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"

#: The people of the seeded town, by anvil dev account index.
ADMIN, OFFICER, REVIEWER2, ANNA, BRAM, CAS, DEWI, BAKERY, CAFE, STRANGER = range(10)
#: The relayer's anvil dev account (a stack with the relayer starts anvil with more accounts).
RELAYER = 10

CITY_OFFICER_ROLES = (
    Role.REGISTRAR | Role.MERCHANT_MANAGER | Role.TASK_MANAGER | Role.REVIEWER | Role.TREASURER
)


#: The web tests' yearly earnings cap (cents): one task's largest reward.
YEARLY_CAP = 100_00


@dataclass(frozen=True)
class SeedTask:
    key: str
    title: str
    title_en: str
    description: str
    category: str
    neighbourhood: int
    street: str
    lat: float
    lon: float
    reward: int
    slots: int
    duration: int


TASKS = (
    SeedTask(
        "bench",
        "Bankje schilderen in het Aambos",
        "Paint a bench in the Aambos",
        "Schuur het bankje bij de vijver en verf het groen. Verf en kwasten liggen bij de"
        " wijkpost.",
        "schilderen",
        4,
        "Aambos, bij de vijver",
        50.8951,
        5.9977,
        25_00,
        3,
        14 * DAY,
    ),
    SeedTask(
        "stickers",
        "Stickers verwijderen van lantaarnpalen",
        "Remove stickers from lampposts",
        "Verwijder de stickers van de lantaarnpalen in de Saroleastraat. Schraper en spray"
        " liggen klaar.",
        "stickers",
        1,
        "Saroleastraat",
        50.8880,
        5.9790,
        7_50,
        5,
        14 * DAY,
    ),
    SeedTask(
        "weeds",
        "Onkruid wieden in de plantenbakken",
        "Weed the planters",
        "Wied het onkruid uit de vier plantenbakken op het pleintje.",
        "onkruid",
        6,
        "Heerlerbaan, pleintje bij de kerk",
        50.8738,
        6.0085,
        12_00,
        2,
        14 * DAY,
    ),
    SeedTask(
        "litter",
        "Zwerfafval prikken langs de Geleenbeek",
        "Pick up litter along the Geleenbeek",
        "Prik zwerfafval langs het wandelpad. Zakken en grijpers bij de wijkpost.",
        "zwerfafval",
        1,
        "Geleenbeekpad",
        50.8870,
        5.9760,
        10_00,
        10,
        14 * DAY,
    ),
    SeedTask(
        "garden",
        "Buurtmoestuin een seizoen bijhouden",
        "Keep the community garden for a season",
        "Een seizoen lang de buurtmoestuin bijhouden: wieden, water geven, oogsten.",
        "groen",
        1,
        "Moestuin Centrum",
        50.8890,
        5.9800,
        100_00,
        1,
        180 * DAY,
    ),
    SeedTask(
        "graffiti",
        "Graffiti verwijderen bij het station",
        "Remove graffiti near the station",
        "Verwijder de kleine tags op de bank bij de fietsenstalling (binnen een uur).",
        "graffiti",
        1,
        "Stationsplein",
        50.8910,
        5.9745,
        5_00,
        2,
        3_600,
    ),
)

MERCHANTS = {
    BAKERY: ("Bakkerij Schandelen", "bakkerij", "Schandelerboord 12", 4),
    CAFE: ("Café De Mijn", "café", "Pancratiusplein 3", 1),
}
#: Where the shops are and when they are open (their public documents; the residents' list
#: sorts by it): the bakery in Schandelen, the café on the Pancratiusplein.
SHOP_PLACES = {
    BAKERY: (50.8975, 5.9905, "di-za 8.00-17.00"),
    CAFE: (50.8882, 5.9815, "ma-zo 10.00-23.00"),
}
CITIZENS = {ANNA: 4, BRAM: 1, CAS: 1, DEWI: 1}


@dataclass
class Stack:
    workdir: Path
    node: anvil.Anvil
    w3: Web3
    wesh: Wesh
    accounts: list[str]
    api_url: str
    manifest: Path
    database_url: str
    content_dir: Path
    task_ids: dict[str, int]
    processes: list[subprocess.Popen[bytes] | forked.Program] = field(default_factory=list)
    #: The environment the stack's processes run with.
    env: dict[str, str] = field(default_factory=dict)
    #: ``python -m relayer`` while it runs (a stack with the relayer; a test may stop it).
    relayer: forked.Program | None = None

    def account(self, index: int) -> str:
        return self.accounts[index]

    def rpc(self, method: str, *params: object) -> object:
        return self.node.rpc(method, *params)

    def indexed_block(self) -> int:
        reply = httpx.get(f"{self.api_url}/ready", timeout=5)
        return int(reply.json().get("indexed_block") or -1) if reply.status_code == 200 else -1

    def wait_indexed(self, timeout: float = 20.0) -> None:
        """Waits until the indexer has caught up with the chain's head."""
        head = self.w3.eth.block_number
        deadline = time.monotonic() + timeout
        while self.indexed_block() < head:
            if time.monotonic() > deadline:
                raise TimeoutError(f"indexer did not reach block {head} in {timeout} s")
            self.check_alive()
            time.sleep(0.1)

    def check_alive(self) -> None:
        for process in [*self.processes, *([self.relayer] if self.relayer else [])]:
            if process.poll() is not None:
                log = (self.workdir / "logs").glob("*.log")
                tails = "\n".join(f"--- {p.name}\n{p.read_text()[-3000:]}" for p in log)
                raise RuntimeError(f"{process.args!r} exited ({process.returncode})\n{tails}")

    def session(self, index: int) -> httpx.Client:
        """An API client signed in (SIWE) as anvil account ``index``, as a wallet would."""
        client = httpx.Client(base_url=self.api_url, timeout=30)
        address = self.account(index)
        message = client.post("/auth/message", json={"address": address}).json()["message"]
        signature = self.rpc("personal_sign", "0x" + message.encode().hex(), address)
        client.post("/auth/verify", json={"message": message, "signature": signature})
        return client

    def travel(self, seconds: int) -> None:
        """Moves the chain clock forward (``evm_increaseTime`` + ``evm_mine``)."""
        self.rpc("evm_increaseTime", seconds)
        self.rpc("evm_mine")
        self.wait_indexed()

    def start_relayer(self) -> None:
        """Starts ``python -m relayer`` (the sender) and waits until the API offers to relay."""
        assert self.relayer is None, "the relayer runs already"
        self.relayer = forked.Program(
            "relayer", [], self.env, self.workdir / "logs" / "relayer.log"
        )
        deadline = time.monotonic() + 60
        while True:
            self.check_alive()
            try:
                reply = httpx.get(f"{self.api_url}/relay", timeout=2)
                if reply.status_code == 200 and reply.json().get("enabled"):
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("the relayer was not offered within 60 s")
            time.sleep(0.2)

    def stop_relayer(self) -> None:
        """Stops the relayer's sender (the API keeps running)."""
        if self.relayer is not None:
            _end(self.relayer)
            self.relayer = None

    def stop(self) -> None:
        self.stop_relayer()
        for process in reversed(self.processes):
            _end(process)
        self.node.stop()


def _end(process: subprocess.Popen[bytes] | forked.Program) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _spawn(
    args: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT
) -> subprocess.Popen[bytes]:
    out = open(log, "ab")  # noqa: SIM115 - the child owns it
    return subprocess.Popen(args, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)


def seed(w3: Web3, wesh: Wesh, accounts: list[str], store: FolderStore) -> dict[str, int]:
    """City staff, citizens, shops, budget and tasks; a few jobs already paid (statistics)."""
    signers = [UnlockedSigner(a) for a in accounts]

    def send(tx: object, who: int) -> None:
        transact(w3, tx, signers[who])  # type: ignore[arg-type]

    citizens = [accounts[index] for index in CITIZENS]
    send(wesh.register_citizens(citizens, list(CITIZENS.values())), OFFICER)
    for index, (name, kind, street, hood) in MERCHANTS.items():
        cid = put_document(
            store,
            merchant_document(
                name=name,
                kind=kind,
                street=street,
                postcode="6411 AA",
                city="Heerlen",
                neighbourhood=hood,
                lat=SHOP_PLACES[index][0],
                lon=SHOP_PLACES[index][1],
                opening_hours=SHOP_PLACES[index][2],
            ),
        )
        send(wesh.register_merchant(accounts[index], cid), OFFICER)
    send(wesh.grant_budget(5_000_00), OFFICER)
    now = int(w3.eth.get_block("latest")["timestamp"])
    deadline = now + 60 * DAY
    task_ids: dict[str, int] = {}
    for number, task in enumerate(TASKS, start=1):
        document = task_document(
            title=task.title,
            description=task.description,
            neighbourhood=task.neighbourhood,
            street=task.street,
            lat=task.lat,
            lon=task.lon,
            reward=task.reward,
            slots=task.slots,
            claim_deadline=deadline,
            claim_duration=task.duration,
            title_en=task.title_en,
        )
        document["category"] = task.category
        cid = put_document(store, document)
        send(
            wesh.commission_task(
                cid, task.reward, task.slots, deadline, task.duration, task.neighbourhood
            ),
            OFFICER,
        )
        task_ids[task.key] = number
    # Jobs already done and paid: three people in Centrum (so the statistics cell is shown), and
    # Cas has earned the whole yearly cap with the season-long garden.
    for citizen, key in ((BRAM, "litter"), (DEWI, "litter"), (CAS, "garden")):
        send(wesh.claim_task(task_ids[key]), citizen)
        send(wesh.submit(task_ids[key], EVIDENCE_CID), citizen)
        send(wesh.approve_submission(task_ids[key], accounts[citizen]), OFFICER)
    # Dewi spends a little at the café, so the café has takings before the first test.
    send(wesh.pay(accounts[CAFE], 3_50, b"seed-coffee"), DEWI)
    return task_ids


def start(
    workdir: Path, *, api_port: int | None = None, relayer: bool = False, host: str = "127.0.0.1"
) -> Stack:
    """Starts and seeds the whole stack in ``workdir`` (with ``relayer``: the city's relayer
    too); raises with the logs when a piece fails. ``host`` is the name the pages are opened
    under (the API listens on 127.0.0.1 either way): ``localhost`` where a test needs a host name,
    as WebAuthn does (a passkey cannot belong to an IP address)."""
    workdir.mkdir(parents=True, exist_ok=True)
    logs = workdir / "logs"
    logs.mkdir(exist_ok=True)
    extra = ["--accounts", str(RELAYER + 1)] if relayer else None
    node = anvil.start(log=logs / "anvil.log", extra=extra)
    stack: Stack | None = None
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        accounts = [str(a) for a in w3.eth.accounts]
        admin = UnlockedSigner(accounts[ADMIN])
        roles = {accounts[OFFICER]: CITY_OFFICER_ROLES, accounts[REVIEWER2]: Role.REVIEWER}
        # A yearly cap of 100.00, one task's largest reward (issue #15): Cas reaches it with the
        # season-long garden.
        deployed = deploy(w3, admin, roles, yearly_cap=YEARLY_CAP)
        wesh = deployed.wesh
        manifest = deployment.save(
            deployment.Deployment(
                network="web-tests",
                chain_id=int(w3.eth.chain_id),
                heitje=str(wesh.heitje.address),
                redemption=str(wesh.redemption.address),
                neighbourhood_desk=str(wesh.desk.address),
                start_block=deployed.block,
                deployer=admin.address,
                start_block_hash=w3.eth.get_block(deployed.block)["hash"].to_0x_hex(),
                confirmations=0,
                forwarder=str(wesh.forwarder.address),
            ),
            workdir / "deployment.json",
        )
        content_dir = workdir / "content"
        task_ids = seed(w3, wesh, accounts, FolderStore(content_dir))
        port = api_port or anvil.free_port()
        api_url = f"http://{host}:{port}"
        database_url = f"sqlite:///{workdir / 'wesh.db'}"
        env = {
            **os.environ,
            "WESH_DATABASE_URL": database_url,
            "WESH_RPC_URL": node.url,
            "WESH_DEPLOYMENT": str(manifest),
            "WESH_PUBLIC_URL": api_url,
            "WESH_CONTENT_DIR": str(content_dir),
            # Map tiles from this server: there are none, which is what an offline test needs
            # (the pages must work without them), and nothing leaves the machine.
            "WESH_MAP_TILES_URL": f"{api_url}/tiles/{{z}}/{{x}}/{{y}}.png",
            "WESH_SIGNIN_PER_MINUTE": "1000",
            "WESH_SIGNIN_PER_ACCOUNT_PER_MINUTE": "1000",
            "WESH_UPLOADS_PER_MINUTE": "1000",
            # The residents' notifier looks for claims about to run out every second.
            "WESH_NOTIFY_EXPIRING_EVERY_S": "1",
            "PYTHONUNBUFFERED": "1",
        }
        if relayer:
            env |= {"WESH_RELAYER_ENABLED": "true", "WESH_RELAYER_DEV_ACCOUNT": str(RELAYER)}
        stack = Stack(
            workdir=workdir,
            node=node,
            w3=w3,
            wesh=wesh,
            accounts=accounts,
            api_url=api_url,
            manifest=manifest,
            database_url=database_url,
            content_dir=content_dir,
            task_ids=task_ids,
            env=env,
        )
        # The indexer and the relayer forked from the session's fork server (tests/forked.py):
        # their own processes and connections, without their seconds of imports per stack.
        stack.processes.append(
            forked.Program(
                "indexer",
                [
                    "run",
                    "--confirmations",
                    "0",
                    "--database-url",
                    database_url,
                    "--rpc-url",
                    node.url,
                    "--deployment",
                    str(manifest),
                ],
                env,
                logs / "indexer.log",
            )
        )
        stack.processes.append(
            _spawn(
                [
                    sys.executable,
                    "-m",
                    "uvicorn",
                    "--factory",
                    "api.app:create_app",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(port),
                    "--log-level",
                    "warning",
                ],
                env,
                logs / "api.log",
            )
        )
        deadline = time.monotonic() + 60
        while True:
            stack.check_alive()
            try:
                if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("the API did not answer within 60 s")
            time.sleep(0.2)
        stack.wait_indexed(timeout=60)
        if relayer:
            stack.start_relayer()
        return stack
    except BaseException:
        if stack is not None:
            stack.stop()
        else:
            node.stop()
        raise
