"""Deploy WESH on the demo chain and play three weeks of life in Heerlen.

The deployment goes through ``wesh.provision.ensure_deployment``, the code path of
``ape run deploy contracts``. The city's input files (citizens, merchants, tasks, merchants' bank
accounts) are written to ``.demo/examples/`` and read back with the same parsers the admin
scripts use, so they are valid examples to try the scripts with. Then the story: the budget is
granted, shops and citizens registered, tasks commissioned; citizens claim, hand in photos, get
approved (one rejected with a reason, resubmitted, approved; one appealed), pay at the shops;
the bakery cashes in and the treasurer pays it with a SEPA file; the bar's cash-out stays open;
one task is cancelled. Time moves with anvil's clock, so events are spread over 21 days and the
chain ends at the real "now". Before those days the chain already holds three months of the
neighbours' monthly tasks (``demo.history``), and this month's round follows the story.

Everyone acts through anvil's unlocked dev accounts and the typed wrapper in-process: about a
hundred transactions in a few seconds, instead of a hundred ``ape run`` start-ups. As in real
life, nobody but the admin and the city's relayer holds the native token: from the start every
citizen, shop and staff account has 0, and each of them signs a request that the relayer sends
through the forwarder and pays for (``wesh.forwarding.RelayedSigner``).
"""

from __future__ import annotations

import csv
import functools
import io
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, cast

import yaml
from eth_account.hdaccount import key_from_seed, seed_from_mnemonic
from web3 import Web3
from web3.logs import DISCARD
from web3.types import RPCEndpoint

from demo import heerlen
from demo.heerlen import MERCHANT_MANAGER, REGISTRAR, REVIEWER, TASK_MANAGER, TREASURER
from demo.history import (
    MONTHS_BACK,
    history_start,
    month_back,
    month_steps,
    play_round,
    recent_steps,
)
from wesh import iban, neighbourhoods, sepa
from wesh.anvil import Anvil
from wesh.contract import RequestStatus, TxRequest, Wesh
from wesh.csv_rows import parse_bank_accounts, parse_citizens, parse_merchants
from wesh.deployment import Deployment
from wesh.forwarding import RelayedSigner
from wesh.metadata import FolderStore, encode, put_document
from wesh.provision import DeployResult, NodeSender, ensure_deployment
from wesh.rules import AMSTERDAM, DEFAULT_CATEGORY
from wesh.signer import UnlockedSigner, transact
from wesh.task_categories import BY_KEY, TaskCategory
from wesh.task_files import parse_tasks

NETWORK = "ethereum:local:foundry"
MNEMONIC = "test test test test test test test test test test test junk"
DAYS = 21


@dataclass
class Seeded:
    deployment: Deployment
    manifest: Path
    accounts: list[str]
    task_ids: dict[str, int]
    transactions: int
    sepa_file: Path
    examples: Path
    notes: list[str] = field(default_factory=list)
    #: When the chain's history begins (the city deploys), and the tasks approved in the
    #: neighbours' monthly rounds (``demo.history``).
    began: int = 0
    round_tasks: int = 0


def story_start(now: float) -> int:
    """Midnight (Europe/Amsterdam) 21 days before ``now``: day 0 of the demo's history."""
    today = datetime.fromtimestamp(now, AMSTERDAM).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return int((today - timedelta(days=DAYS)).timestamp())


def chain_start(start: int) -> int:
    """When the demo's history begins, for a story starting at ``start``: the first day of the
    month three months before the demo's (``demo.history``)."""
    return history_start(start + DAYS * 86_400)


@functools.cache
def _dev_seed() -> bytes:
    return bytes(seed_from_mnemonic(MNEMONIC, ""))


def dev_key(index: int) -> str:
    """The private key of anvil's dev account ``index`` (public knowledge; chain 31337 only)."""
    return "0x" + key_from_seed(_dev_seed(), f"m/44'/60'/0'/0/{index}").hex()


class Clock:
    """Moves the chain's time forward: the next block is mined at the chosen moment."""

    def __init__(self, node: Anvil, start: int, w3: Web3 | None = None) -> None:
        self.node = node
        self.start = start
        self.last = 0
        #: The moment the next block is mined at (what a photo taken just before is dated by).
        self.moment = start
        #: Asked through ``w3``'s open connection when given (a new one per call is slow).
        self.w3 = w3

    def rpc(self, method: str, *params: object) -> Any:
        if self.w3 is None:
            return self.node.rpc(method, *params)
        reply = self.w3.provider.make_request(cast(Any, method), list(params))
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def latest(self) -> int:
        return int(str(self.rpc("eth_getBlockByNumber", "latest", False)["timestamp"]), 16)

    def at(self, day: int, hour: float) -> None:
        """Day ``day`` of the story, at ``hour`` o'clock."""
        self.at_time(self.start + day * 86_400 + int(hour * 3600))

    def at_time(self, moment: int) -> None:
        self.moment = moment
        self.rpc("evm_setNextBlockTimestamp", max(moment, self.latest() + 1))

    def mine(self) -> None:
        """An empty block at the moment set: a request's deadline counts from the last block."""
        self.rpc("evm_mine")

    def to_now(self) -> None:
        self.rpc("evm_setNextBlockTimestamp", max(int(time.time()), self.latest() + 1))
        self.rpc("evm_mine")


def write_examples(folder: Path, accounts: list[str], now: int) -> dict[str, Path]:
    """The city's input files for the demo (valid inputs for the admin scripts too)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {
        "citizens": folder / "citizens.csv",
        "new_citizens": folder / "new-citizens.csv",
        "merchants": folder / "merchants.csv",
        "bank_accounts": folder / "merchant-bank-accounts.csv",
        "tasks": folder / "tasks.yaml",
    }
    write_csv(
        paths["citizens"],
        ["address", "neighbourhood"],
        [[accounts[c.account], c.neighbourhood] for c in heerlen.CITIZENS],
    )
    write_csv(
        paths["new_citizens"],
        ["adres", "wijk"],
        [[accounts[22], "Zeswegen"], [accounts[23], "Passart"], [accounts[24], "Welten"]],
    )
    write_csv(
        paths["merchants"],
        MERCHANTS_HEADER,
        [
            [
                accounts[s.account],
                s.name,
                s.kind,
                s.street,
                s.postcode,
                s.neighbourhood,
                s.lat,
                s.lon,
                s.opening_hours or "",
            ]
            for s in heerlen.SHOPS
        ],
    )
    write_csv(
        paths["bank_accounts"],
        ["address", "name", "iban"],
        [[accounts[s.account], s.name, example_iban(s)] for s in heerlen.SHOPS],
    )
    paths["tasks"].write_text(tasks_yaml(now), encoding="utf-8")
    return paths


#: The columns of the example merchants.csv (wesh.csv_rows.MERCHANT_COLUMNS).
MERCHANTS_HEADER = [
    "address",
    "name",
    "kind",
    "street",
    "postcode",
    "neighbourhood",
    "lat",
    "lon",
    "opening_hours",
]


def write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def example_iban(shop: heerlen.Shop) -> str:
    """A valid (mod-97) but made-up Dutch IBAN at the shop's bank, as people write it."""
    account = f"{1_234_500_000 + shop.account * 1_111:010d}"
    return iban.format_iban(iban.example("NL", shop.bank, account))


def safety(key: str) -> TaskCategory:
    """The kind of a demo task, whose safety note its document carries."""
    return BY_KEY[heerlen.CATEGORY.get(key, DEFAULT_CATEGORY)]


def tasks_yaml(now: int) -> str:
    """The demo's tasks file, in the format ``ape run tasks commission`` reads; deadlines count
    from ``now``."""
    tasks = []
    for plan in heerlen.TASKS:
        deadline = datetime.fromtimestamp(now, AMSTERDAM) + timedelta(days=plan.deadline_days)
        tasks.append(
            {
                "title": plan.title,
                "title_en": plan.title_en,
                "description": plan.description,
                "description_en": plan.description_en,
                "neighbourhood": plan.neighbourhood,
                "location": {"street": plan.street, "lat": plan.lat, "lon": plan.lon},
                "reward": f"{plan.reward // 100}.{plan.reward % 100:02d}",
                "slots": plan.slots,
                "claim_deadline": deadline.date().isoformat(),
                "claim_duration": f"{plan.duration_days} days",
                "category": heerlen.CATEGORY.get(plan.key, DEFAULT_CATEGORY),
                # Issue #15: the estimated time, the kind's safety note, the confirmation.
                "estimated_minutes": heerlen.MINUTES[plan.key],
                "safety": safety(plan.key).safety_nl,
                "safety_en": safety(plan.key).safety_en,
                "not_regular_work": "ja",
            }
        )
    header = "# Taken voor de WESH-demo / tasks of the WESH demo (ape run tasks commission ...)\n"
    return header + yaml.safe_dump(tasks, allow_unicode=True, sort_keys=False)


class Story:
    """The actors and the helpers the seeded history is written with."""

    def __init__(self, w3: Web3, node: Anvil, store: FolderStore, log: Callable[[str], None]):
        self.w3 = w3
        self.node = node
        self.store = store
        self.log = log
        self.accounts = [str(a) for a in w3.eth.accounts]
        self.count = 0
        self.wesh: Wesh | None = None
        self.attempts: dict[tuple[int, int], int] = {}
        #: Each task's pin (lat, lon), and the clock: hand-in photos carry a capture time in the
        #: claim and a GPS position near the pin, as a phone's do.
        self.pins: dict[int, tuple[float, float]] = {}
        self.clock: Clock | None = None
        #: The photos as taken (with their EXIF), by (task, account, role): a reused one is handed
        #: in again as it is.
        self.taken: dict[tuple[int, int, str], bytes] = {}
        #: The accounts registered as residents so far, and their citizen ids once asked.
        self.registered: set[int] = set()
        self.ids: dict[int, int] = {}
        #: The forwarder nonces of those who act only in batches (``demo.history.Batches``).
        self.nonces: dict[str, int] = {}

    @property
    def contracts(self) -> Wesh:
        assert self.wesh is not None
        return self.wesh

    def do(self, account: int, tx: TxRequest) -> Any:
        """``account`` makes the call ``tx``: signed by it, sent and paid by the relayer."""
        relayer = UnlockedSigner(self.accounts[heerlen.RELAYER_ACCOUNT])
        # The story's clock jumps days ahead between blocks (``Clock.at``): a deadline counted
        # from the last block must outlast the jump.
        signer = RelayedSigner(
            self.contracts.forwarder, self.accounts[account], relayer, ttl_s=(DAYS + 1) * 86_400
        )
        receipt = transact(self.w3, tx, signer)
        self.count += 1
        return receipt

    def empty_wallets(self) -> None:
        """Every account but the admin's (0) and the relayer's holds no native token."""
        for index, address in enumerate(self.accounts):
            if index not in (0, heerlen.RELAYER_ACCOUNT):
                self.w3.provider.make_request(cast(Any, "anvil_setBalance"), [address, "0x0"])

    def citizen_id(self, account: int) -> int:
        if account not in self.ids:
            self.ids[account] = self.contracts.account(self.accounts[account]).id
        return self.ids[account]

    def evidence(
        self,
        task_id: int,
        account: int,
        note: str,
        reuse: tuple[int, int] | None = None,
        size: tuple[int, int] = (1600, 1200),
        seed: int | None = None,
    ) -> str:
        """Takes two photos as a phone does (capture time during the claim, GPS 10-60 m from the
        task's pin) and hands them in as the API does: capture time and distance read from the
        EXIF, the photos stored cleaned of it, the evidence document (``wesh.evidence/1``).
        ``reuse`` (task, account): the "after" photo is the one handed in for that task; ``size``
        and ``seed`` (of the scene) for the history's small photos (``demo.history``)."""
        from api.evidence import exif, photos
        from demo.photos import moved, phone_photo

        attempt = self.attempts.get((task_id, account), 0) + 1
        self.attempts[(task_id, account)] = attempt
        pin = self.pins.get(task_id)
        when = self.clock.moment if self.clock else int(time.time())
        stored = []
        for role, minutes_before in (("before", 95), ("after", 12)):
            if role == "after" and reuse is not None:
                original = self.taken[(reuse[0], reuse[1], "after")]
            else:
                spot = (
                    moved(*pin, 10 + (task_id * 7 + attempt * 13) % 50, task_id * 40.0)
                    if pin
                    else None
                )
                original = phone_photo(
                    width=size[0],
                    height=size[1],
                    seed=seed if seed is not None else task_id * 100 + account * 10 + attempt,
                    after=role == "after",
                    taken_at=when - minutes_before * 60,
                    lat=spot[0] if spot else None,
                    lon=spot[1] if spot else None,
                )
            self.taken[(task_id, account, role)] = original
            clean = photos.clean(original, "image/jpeg", 10 * 1024 * 1024, 40_000_000, role)
            facts = exif.facts(clean.exif, pin)
            cid = self.store.put(clean.data)
            stored.append(
                {
                    "role": role,
                    "cid": cid,
                    "media_type": clean.media_type,
                    "width": clean.width,
                    "height": clean.height,
                    "taken_at": facts.taken_at,
                    "distance_m": facts.distance_m,
                }
            )
        document = {
            "schema": "wesh.evidence/1",
            "task_id": task_id,
            "citizen_id": self.citizen_id(account),
            "photos": stored,
            "note": note,
        }
        return self.store.put(encode(document))

    def claim(self, account: int, task_id: int) -> None:
        self.do(account, self.contracts.claim_task(task_id))

    def submit(
        self, account: int, task_id: int, note: str = "", reuse: tuple[int, int] | None = None
    ) -> None:
        evidence = self.evidence(task_id, account, note, reuse)
        self.do(account, self.contracts.submit(task_id, evidence))

    def pay(self, citizen: int, shop: int, cents: int, reference: str) -> None:
        self.do(citizen, self.contracts.pay(self.accounts[shop], cents, reference.encode()))


BAKERY, BAR, BOOKSHOP, THEATRE, BIKES = range(7, 12)
ANOUK, BRAM, CHANTAL, DIRK, ESRA, FENNA, GIJS, HANNEKE, ILIAS, JOKE = range(12, 22)


def seed(
    node: Anvil,
    *,
    state_dir: Path,
    manifest: Path,
    store: FolderStore,
    start: int,
    log: Callable[[str], None] = print,
) -> Seeded:
    """Deploys and seeds the demo chain ``node`` whose genesis lies before ``start``."""
    # The chain id asked once (web3 asks for it before every call otherwise).
    provider = Web3.HTTPProvider(
        node.url,
        request_kwargs={"timeout": 60},
        cache_allowed_requests=True,
        cacheable_requests={RPCEndpoint("eth_chainId")},
    )
    w3 = Web3(provider)
    story = Story(w3, node, store, log)
    story.empty_wallets()
    clock = Clock(node, start, w3)
    story.clock = clock
    now = int(time.time())
    paths = write_examples(state_dir / "examples", story.accounts, now)

    began = chain_start(start)
    clock.at_time(began + 9 * 3600)
    result = deploy_and_register(story, clock, paths, manifest)  # the city begins
    # Three months of the neighbours' monthly tasks (demo.history), then the story.
    rounds = state_dir / "examples" / "history"
    round_tasks = 0
    for months in MONTHS_BACK:
        steps = month_steps(*month_back(start + DAYS * 86_400, months))
        round_tasks += play_round(story, months, steps, rounds)
    log(f"played {len(MONTHS_BACK)} months of the neighbours' tasks ({round_tasks} approved)")
    clock.at(0, 9)
    clock.mine()  # the story's first day
    task_ids = commission_tasks(story, clock, paths["tasks"], start)  # day 1
    claim_and_review(story, clock, task_ids)  # days 2-9
    pay_at_shops(story, clock)  # days 10-12
    sepa_file = cash_out(story, clock, state_dir, paths["bank_accounts"], start)  # days 13-15
    leave_work_open(story, clock, task_ids)  # days 16-20
    last = int(w3.eth.get_block("latest")["timestamp"])
    round_tasks += play_round(story, 0, recent_steps(int(time.time()), last), rounds)
    log("this month's round of the neighbours' tasks, in the hours before now")
    clock.to_now()

    return Seeded(
        deployment=result.deployment,
        manifest=result.path,
        accounts=story.accounts,
        task_ids=task_ids,
        transactions=story.count,
        sepa_file=sepa_file,
        examples=state_dir / "examples",
        began=began,
        round_tasks=round_tasks,
    )


def deploy_and_register(
    story: Story, clock: Clock, paths: dict[str, Path], manifest: Path
) -> DeployResult:
    """The first day (three months before the story): the city deploys (the ``ape run deploy
    contracts`` code path), grants the budget and registers the shops and the citizens from the
    example files."""
    w3, accounts, store, log = story.w3, story.accounts, story.store, story.log
    roles = {accounts[s.account]: s.roles for s in heerlen.STAFF if s.account != 0}
    admin = NodeSender(w3, UnlockedSigner(accounts[0]), log=lambda _: None)
    result = ensure_deployment(w3, admin, network=NETWORK, roles=roles, path=manifest)
    story.count += (3 if result.created else 0) + len(result.granted)
    wesh = Wesh(
        w3,
        result.deployment.heitje,
        result.deployment.redemption,
        result.deployment.neighbourhood_desk,
    )
    story.wesh = wesh
    log(f"deployed Heitje {wesh.heitje.address}, Redemption {wesh.redemption.address}")

    story.do(TREASURER, wesh.grant_budget(heerlen.BUDGET))
    for row in parse_merchants(paths["merchants"]):
        story.do(
            MERCHANT_MANAGER,
            wesh.register_merchant(row.address, put_document(store, row.document())),
        )
    citizens = parse_citizens(paths["citizens"])
    story.do(
        REGISTRAR,
        wesh.register_citizens([c.address for c in citizens], [c.neighbourhood for c in citizens]),
    )
    story.registered.update(c.account for c in heerlen.CITIZENS)
    log(f"registered {len(heerlen.SHOPS)} shops and {len(citizens)} citizens")
    for association in heerlen.ASSOCIATIONS:
        for name in association.neighbourhoods:
            code = neighbourhoods.lookup(name).code
            story.do(REGISTRAR, wesh.grant_neighbourhood(accounts[association.account], code))
    log(f"{len(heerlen.ASSOCIATIONS)} neighbourhood association(s) granted their neighbourhoods")
    return result


def commission_tasks(story: Story, clock: Clock, tasks_file: Path, start: int) -> dict[str, int]:
    """Day 1: the task manager commissions a dozen tasks from the example file (deadlines are
    relative to that day); returns each plan's task id."""
    wesh = story.contracts
    clock.at(1, 10)
    task_ids: dict[str, int] = {}
    rows = parse_tasks(tasks_file, now=start + 86_400)
    for plan, task in zip(heerlen.TASKS, rows, strict=True):
        cid = put_document(story.store, task.document)
        receipt = story.do(
            TASK_MANAGER,
            wesh.commission_task(
                cid,
                task.reward,
                task.slots,
                task.claim_deadline,
                task.claim_duration,
                task.neighbourhood,
            ),
        )
        event = wesh.heitje.events.TaskCommissioned().process_receipt(receipt, DISCARD)[0]
        task_ids[plan.key] = int(event["args"]["task_id"])
        story.pins[task_ids[plan.key]] = (plan.lat, plan.lon)
    story.log(f"commissioned {len(task_ids)} tasks")
    return task_ids


def claim_and_review(story: Story, clock: Clock, t: dict[str, int]) -> None:
    """Days 2-9: claims, photos and reviews; two submissions are rejected with a reason, handed
    in again and approved."""
    wesh, accounts = story.contracts, story.accounts
    clock.at(2, 9.5)
    for who, key in (
        (ANOUK, "bench"),
        (BRAM, "graffiti"),
        (DIRK, "stickers"),
        (ESRA, "bulbs"),
        (FENNA, "brook"),
        (CHANTAL, "playground"),
        (GIJS, "moss"),
        (JOKE, "leaves"),
    ):
        story.claim(who, t[key])
    clock.at(3, 15)
    story.submit(ANOUK, t["bench"], "Twee lagen groen, het bankje ziet er weer netjes uit.")
    story.submit(BRAM, t["graffiti"], "Alle kleine tags zijn weg.")
    story.submit(DIRK, t["stickers"], "Veertien palen stickervrij.")
    story.submit(CHANTAL, t["playground"])
    clock.at(4, 11)
    story.do(
        REVIEWER,
        wesh.approve_submissions(
            [
                (t["bench"], accounts[ANOUK]),
                (t["graffiti"], accounts[BRAM]),
                (t["stickers"], accounts[DIRK]),
            ]
        ),
    )
    story.do(REVIEWER, wesh.reject_submission(t["playground"], accounts[CHANTAL], 1))  # photos
    clock.at(5, 16)
    story.submit(CHANTAL, t["playground"], "Nieuwe foto's, nu van dichtbij.")
    story.submit(ESRA, t["bulbs"], "200 bollen in de grond.")
    story.submit(FENNA, t["brook"], "Vier zakken afval opgehaald.")
    story.submit(GIJS, t["moss"])
    clock.at(6, 10)
    story.do(
        REVIEWER,
        wesh.approve_submissions(
            [
                (t["playground"], accounts[CHANTAL]),
                (t["bulbs"], accounts[ESRA]),
                (t["brook"], accounts[FENNA]),
            ]
        ),
    )
    story.do(REVIEWER, wesh.reject_submission(t["moss"], accounts[GIJS], 2))  # unfinished
    clock.at(7, 17)
    story.submit(GIJS, t["moss"], "Nu ook de hoek bij de kerk gedaan.")
    clock.at(8, 9)
    story.do(REVIEWER, wesh.approve_submission(t["moss"], accounts[GIJS]))
    clock.at(8, 14)
    story.submit(JOKE, t["leaves"], "Pad rond de vijver is bladvrij.")
    clock.at(9, 10)
    story.do(REVIEWER, wesh.approve_submission(t["leaves"], accounts[JOKE]))
    story.log("played claims, photos, approvals and two rejections")


def pay_at_shops(story: Story, clock: Clock) -> None:
    """Days 10-12: citizens spend their Heitjes at the shops."""
    payments = (
        (10, 9.2, ANOUK, BAKERY, 6_50, "BAK-0410"),
        (10, 12.5, BRAM, BIKES, 18_00, "FIETS-2231"),
        (10, 17.8, DIRK, BAR, 4_80, "MIJN-0077"),
        (11, 11.1, ESRA, BOOKSHOP, 12_95, "BOEK-5120"),
        (11, 14.6, FENNA, BIKES, 9_50, "FIETS-2240"),
        (11, 19.5, CHANTAL, THEATRE, 10_00, "SCHACHT-118"),
        (12, 8.9, GIJS, BAKERY, 3_20, "BAK-0433"),
        (12, 18.3, JOKE, BAR, 5_60, "MIJN-0091"),
    )
    for day, hour, who, shop, cents, reference in payments:
        clock.at(day, hour)
        story.pay(who, shop, cents, reference)
    story.log(f"{len(payments)} payments at the shops")


def cash_out(story: Story, clock: Clock, state_dir: Path, bank_accounts: Path, start: int) -> Path:
    """Days 13-15: the bakery cashes in and the treasurer pays it by SEPA file; the bar cashes
    in too, and that request stays open. Returns the SEPA file."""
    wesh = story.contracts
    clock.at(13, 17)
    story.do(BAKERY, wesh.redeem(9_70))
    clock.at(14, 10)
    sepa_file = pay_by_sepa(story, state_dir, bank_accounts, start + 14 * 86_400)
    clock.at(14, 10.5)
    reference = sepa.check(sepa_file.read_bytes()).message_id
    story.do(TREASURER, wesh.mark_paid([1], reference))
    clock.at(15, 18)
    story.do(BAR, wesh.redeem(10_40))
    story.log("the bakery's cash-out was paid by SEPA file; the bar's is open")
    return sepa_file


def leave_work_open(story: Story, clock: Clock, t: dict[str, int]) -> None:
    """Days 16-20: new claims, one submission waiting for review, one appeal, one cancellation:
    work for whoever tries the demo."""
    wesh, accounts = story.contracts, story.accounts
    clock.at(16, 9)
    for who, key in (
        (HANNEKE, "nestboxes"),
        (ILIAS, "litter"),
        (DIRK, "watering"),
        (ANOUK, "weeding"),
    ):
        story.claim(who, t[key])
    clock.at(17, 15)
    # Ilias's "after" photo is the one Joke handed in for the leaves on day 8: the reviewer is
    # warned that it was handed in before, for another task by another resident.
    story.submit(ILIAS, t["litter"], "Twee volle zakken rond het plein.", reuse=(t["leaves"], JOKE))
    story.submit(HANNEKE, t["nestboxes"], "Vijf kastjes hangen.")
    clock.at(18, 10)
    story.do(REVIEWER, wesh.reject_submission(t["nestboxes"], accounts[HANNEKE], 3))  # location
    clock.at(19, 9)
    story.do(HANNEKE, wesh.appeal(t["nestboxes"]))
    clock.at(19, 14)
    story.do(TASK_MANAGER, wesh.cancel_task(t["watering"]))  # the city's own crew took it over
    clock.at(20, 11)
    story.pay(ANOUK, BOOKSHOP, 7_50, "BOEK-5188")
    # The appeal waits for the independent reviewer (account 5): decided live in the demo.
    story.log("a submission and an appeal wait for review; one task was cancelled")


def pay_by_sepa(story: Story, state_dir: Path, bank_accounts: Path, when: int) -> Path:
    """The treasurer's payout file for the open cash-outs (what ``redemptions sepa`` writes)."""
    wesh = story.contracts
    accounts = parse_bank_accounts(bank_accounts)
    parties = {str(a): sepa.Party(r.name, r.iban, r.bic) for a, r in accounts.items()}
    requests = []
    for rid in range(1, wesh.request_count() + 1):
        request = wesh.request(rid)
        if request.status == RequestStatus.OPEN:
            requests.append((rid, str(request.merchant), request.amount))
    created = datetime.fromtimestamp(when, AMSTERDAM)
    message_id = f"WESH-{created:%Y%m%d}-R{requests[0][0]}"
    city = sepa.Party("Gemeente Heerlen", iban.example("NL", *heerlen.CITY_BANK), heerlen.CITY_BIC)
    data = sepa.credit_transfer(
        message_id=message_id,
        debtor=city,
        transfers=sepa.redemption_transfers(requests, parties),
        execution_date=(created + timedelta(days=1)).date(),
        created=created,
    )
    folder = state_dir / "sepa"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{message_id}.xml"
    path.write_bytes(data)
    return path
