"""The months before the story (issue #16): enough residents and history that the city's
statistics show figures.

Statistics are published per neighbourhood and Europe/Amsterdam month, and a cell with fewer than
ten residents is suppressed (``wesh.statistics``). The three weeks of the story alone leave every
cell hidden. So the chain begins three calendar months before this one, and in each of those
months, and once more in the hours before the demo starts, the neighbours of ``demo.heerlen``
(``NEIGHBOURS``, ``ROUNDS``, ``SPENDING``) do their neighbourhood's monthly task: the task manager
commissions it with a slot for each, they claim, hand in two photos, the reviewer approves, and
some of them spend at the shops. Every step is a real signed request through the forwarder, under
every contract rule; the indexer finds the figures in the chain's events as it does in
production.

Speed: the requests of one step are signed by their people and sent by the city's relayer in
batches of up to 32 (``Forwarder.execute_batch``, as the relayer sends a busy hour), with small
photos (320 x 240): about 400 requests in a few seconds.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml
from hexbytes import HexBytes
from web3.logs import DISCARD
from web3.types import TxReceipt

from demo import heerlen
from demo.heerlen import REGISTRAR, REVIEWER, TASK_MANAGER
from wesh import neighbourhoods
from wesh.contract import TxRequest
from wesh.forwarding import (
    MAX_BATCH,
    ForwardRequest,
    SignedRequest,
    domain_of,
    execute_batch_tx,
    sign_with_node,
)
from wesh.metadata import put_document
from wesh.rules import AMSTERDAM
from wesh.signer import UnlockedSigner, transact
from wesh.task_categories import BY_KEY
from wesh.task_files import parse_tasks

#: Gas a forwarded call may use: enough for a claim, a hand-in or a payment...
GAS = 500_000
#: ... and for the reviewer's approval of a whole neighbourhood's hand-ins.
APPROVAL_GAS = 4_000_000
#: The history's photos: small, as a page shrinks them, to keep the seeding quick.
PHOTO_SIZE = (320, 240)
#: Rounds in the months before this one: how many months back.
MONTHS_BACK = (3, 2, 1)


def month_back(now: int, months: int) -> tuple[int, int]:
    """(year, month) of the Amsterdam month ``months`` before the one ``now`` is in."""
    today = datetime.fromtimestamp(now, AMSTERDAM)
    index = today.year * 12 + today.month - 1 - months
    return index // 12, index % 12 + 1


def history_start(now: int) -> int:
    """Midnight (Europe/Amsterdam) of the first day of the oldest round's month: the city
    deploys that morning."""
    year, month = month_back(now, max(MONTHS_BACK))
    return int(datetime(year, month, 1, tzinfo=AMSTERDAM).timestamp())


def month_steps(year: int, month: int) -> list[int]:
    """A round in a month before this one: tasks out on the 2nd at 9.00, claims at 10.00, hand-ins
    on the 4th, approvals on the 5th, spending on the 6th (before any story begins: it starts
    21 days before the demo, so on the 8th of last month at the earliest)."""
    at = [(2, 9.0), (2, 10.0), (4, 15.0), (5, 10.0), (6, 11.0)]
    return [
        int((datetime(year, month, day, tzinfo=AMSTERDAM) + timedelta(hours=hour)).timestamp())
        for day, hour in at
    ]


def recent_steps(now: int, after: int) -> list[int]:
    """This month's round, in the hours before ``now``: within this Amsterdam month and after the
    story's last block ``after``, five steps evenly spread."""
    today = datetime.fromtimestamp(now, AMSTERDAM)
    month_begins = int(today.replace(day=1, hour=0, minute=0, second=0, microsecond=0).timestamp())
    begin = max(now - 10 * 3600, month_begins + 60, after + 60)
    step = max(1, (now - 120 - begin) // 5)
    return [begin + i * step for i in range(5)]


class Batches:
    """Requests signed by many people, sent by the city's relayer a batch at a time."""

    def __init__(self, story: Any) -> None:
        self.story = story
        self.forwarder = story.contracts.forwarder
        self.domain = domain_of(self.forwarder)
        self.pending: list[SignedRequest] = []
        self.nonces: dict[str, int] = {}

    def add(self, account: int, tx: TxRequest, gas: int = GAS) -> None:
        """``account`` signs the request that makes ``tx`` (its next nonce; valid for a day)."""
        signer = self.story.accounts[account]
        # A neighbour acts in batches only: their nonces are counted here from 0.
        nonces = self.story.nonces if account >= heerlen.FIRST_NEIGHBOUR else self.nonces
        if signer not in nonces:
            nonces[signer] = (
                0
                if account >= heerlen.FIRST_NEIGHBOUR
                else int(self.forwarder.functions.nonces(signer).call())
            )
        request = ForwardRequest(
            signer=signer,
            to=tx.to,
            gas=gas,
            nonce=nonces[signer],
            deadline=self.story.clock.moment + 86_400,
            data=bytes(HexBytes(tx.data)),
        )
        nonces[signer] += 1
        signature = sign_with_node(self.story.w3, request, self.domain)
        self.pending.append(SignedRequest(request, signature))

    def send(self) -> list[TxReceipt]:
        """The relayer sends what is pending, 32 requests a transaction; every one must have
        been carried out (a refused one would silently be missing from the history)."""
        relayer = UnlockedSigner(self.story.accounts[heerlen.RELAYER_ACCOUNT])
        receipts = []
        for first in range(0, len(self.pending), MAX_BATCH):
            chunk = self.pending[first : first + MAX_BATCH]
            receipt = transact(self.story.w3, execute_batch_tx(self.forwarder, chunk), relayer)
            done = self.forwarder.events.ExecutedForwardRequest().process_receipt(receipt, DISCARD)
            failed = [e["args"]["signer"] for e in done if not e["args"]["success"]]
            if len(done) != len(chunk) or failed:
                raise RuntimeError(f"a batch of the demo's history was refused: {failed}")
            self.story.count += len(chunk)
            receipts.append(receipt)
        self.pending.clear()
        self.nonces.clear()  # others may act between batches (``Story.do``)
        return receipts


def neighbours(round_: int, hood: str) -> list[heerlen.Citizen]:
    """The neighbours of ``hood`` taking part in ``round_``."""
    places = heerlen.ROUNDS[round_].get(hood, ())
    living = [c for c in heerlen.NEIGHBOURS if c.neighbourhood == hood]
    return [living[place - 1] for place in places]


def tasks_file(folder: Path, round_: int, moment: int) -> Path:
    """The round's tasks in the format ``ape run tasks commission`` reads (one per
    neighbourhood, a slot for each neighbour taking part)."""
    deadline = (datetime.fromtimestamp(moment, AMSTERDAM) + timedelta(days=10)).date()
    tasks = []
    for task in heerlen.MONTHLY_TASKS:
        slots = len(neighbours(round_, task.neighbourhood))
        if not slots:
            continue
        kind = BY_KEY[task.category]
        tasks.append(
            {
                "title": task.title,
                "title_en": task.title_en,
                "description": task.description,
                "description_en": task.description_en,
                "neighbourhood": task.neighbourhood,
                "location": {"street": task.street, "lat": task.lat, "lon": task.lon},
                "reward": f"{task.reward // 100}.{task.reward % 100:02d}",
                "slots": slots,
                "claim_deadline": deadline.isoformat(),
                "claim_duration": "7 days",
                "category": task.category,
                "estimated_minutes": task.minutes,
                "safety": kind.safety_nl,
                "safety_en": kind.safety_en,
                "not_regular_work": "ja",
            }
        )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"round-{round_}.yaml"
    path.write_text(yaml.safe_dump(tasks, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def play_round(story: Any, round_: int, steps: list[int], folder: Path) -> int:
    """One round at the five moments ``steps``; returns how many tasks were approved."""
    wesh, accounts, clock = story.contracts, story.accounts, story.clock
    batches = Batches(story)
    people = {hood: neighbours(round_, hood) for hood in heerlen.NEIGHBOURS_BY_HOOD}

    # Newcomers are registered; the task manager puts out the month's tasks.
    clock.at_time(steps[0])
    clock.mine()  # the month begins: the registrar's request counts its deadline from here
    known = story.registered
    new = [c for hood in people.values() for c in hood if c.account not in known]
    if new:
        codes = [neighbourhoods.lookup(c.neighbourhood).code for c in new]
        story.do(REGISTRAR, wesh.register_citizens([accounts[c.account] for c in new], codes))
        known.update(c.account for c in new)
    rows = parse_tasks(tasks_file(folder, round_, steps[0]), now=steps[0])
    for row in rows:
        cid = put_document(story.store, row.document)
        batches.add(
            TASK_MANAGER,
            wesh.commission_task(
                cid,
                row.reward,
                row.slots,
                row.claim_deadline,
                row.claim_duration,
                row.neighbourhood,
            ),
        )
    hoods = [h for h in heerlen.NEIGHBOURS_BY_HOOD if people[h]]
    by_code = {neighbourhoods.lookup(h).code: h for h in hoods}
    task_of: dict[str, int] = {}
    for receipt in batches.send():
        for event in wesh.heitje.events.TaskCommissioned().process_receipt(receipt, DISCARD):
            hood = by_code[int(event["args"]["neighbourhood"])]
            task_of[hood] = int(event["args"]["task_id"])
    for task in heerlen.MONTHLY_TASKS:
        if task.neighbourhood in task_of:
            story.pins[task_of[task.neighbourhood]] = (task.lat, task.lon)

    def each(act: Callable[[str, heerlen.Citizen], None]) -> None:
        for hood in hoods:
            for citizen in people[hood]:
                act(hood, citizen)

    clock.at_time(steps[1])
    each(lambda hood, c: batches.add(c.account, wesh.claim_task(task_of[hood])))
    batches.send()

    clock.at_time(steps[2])

    def hand_in(hood: str, c: heerlen.Citizen) -> None:
        task = task_of[hood]
        seed = 100_000 + task * 100 + c.account - heerlen.FIRST_NEIGHBOUR
        evidence = story.evidence(task, c.account, "", size=PHOTO_SIZE, seed=seed)
        batches.add(c.account, wesh.submit(task, evidence))

    each(hand_in)
    batches.send()

    clock.at_time(steps[3])
    for hood in hoods:
        done = [(task_of[hood], accounts[c.account]) for c in people[hood]]
        batches.add(REVIEWER, wesh.approve_submissions(done), gas=APPROVAL_GAS)
    batches.send()

    clock.at_time(steps[4])
    month = datetime.fromtimestamp(steps[4], AMSTERDAM)
    for shop, hood, places, cents in heerlen.SPENDING[round_]:
        living = [c for c in heerlen.NEIGHBOURS if c.neighbourhood == hood]
        for place in places:
            payer = living[place - 1]
            reference = f"{month:%m%d}-{payer.account:03d}".encode()
            batches.add(payer.account, wesh.pay(accounts[shop], cents, reference))
    batches.send()
    return sum(len(p) for p in people.values())
