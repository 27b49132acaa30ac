"""What happened on a WESH deployment, read straight from its events.

The contracts keep current state in views, but not history: which tasks exist, which
submissions wait for review, which cash-outs are open, who earned what in a year. The admin
scripts need those answers without depending on the indexer, so this module reads the events
with web3's ``get_logs`` from the deployment block, in ranges that public RPC nodes accept, and
decodes them with web3's generic decoder. That is slow per event (about 2,400 events/s on a
2-core machine, some 20 times slower than anvil hands them out), which is fine for a terminal
command run by city staff; the indexer is the fast path for everything else. Current state (is
a claim still waiting? is a request still open?) always comes from the contract's views, never
from replaying events.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from eth_typing import ChecksumAddress
from eth_utils import to_checksum_address
from web3.contract import Contract
from web3.types import EventData

from wesh.calendar import amsterdam_period
from wesh.contract import ClaimStatus, RequestStatus, Role, TaskStatus, Wesh

#: Blocks per eth_getLogs call: within what public RPC providers allow.
LOG_RANGE = 10_000


@dataclass(frozen=True)
class TaskRecord:
    task_id: int
    metadata_cid: str
    reward: int
    slots: int
    slots_open: int
    claim_deadline: int
    claim_duration: int
    neighbourhood: int
    status: TaskStatus
    block: int


@dataclass(frozen=True)
class Submission:
    task_id: int
    citizen_id: int
    citizen: ChecksumAddress  # the citizen's current wallet
    evidence_cid: str
    status: ClaimStatus  # SUBMITTED (waits for review) or APPEALED (waits for another reviewer)
    reward: int
    block: int


@dataclass(frozen=True)
class RequestRecord:
    redemption_id: int
    merchant: ChecksumAddress
    amount: int
    status: RequestStatus
    block: int


@dataclass(frozen=True)
class Payout:
    """One approved piece of work: what the citizen earned, and when (Europe/Amsterdam)."""

    task_id: int
    citizen_id: int
    amount: int
    timestamp: int
    block: int

    @property
    def year(self) -> int:
        """The calendar year the contract counted it in (the cap's year)."""
        return amsterdam_period(self.timestamp)[0]


@dataclass(frozen=True)
class MerchantRecord:
    merchant_id: int
    address: ChecksumAddress
    metadata_cid: str
    active: bool


class History:
    """Event queries over one deployment, from its start block to the chain head."""

    def __init__(self, wesh: Wesh, start_block: int, *, log_range: int = LOG_RANGE) -> None:
        self.wesh = wesh
        self.w3 = wesh.w3
        self.start_block = start_block
        self.log_range = log_range
        self._cache: dict[tuple[str, str], list[EventData]] = {}
        self._block_times: dict[int, int] = {}

    @cached_property
    def head(self) -> int:
        return int(self.w3.eth.block_number)

    def events(self, contract: Contract, name: str) -> list[EventData]:
        """Every ``name`` event of ``contract`` since the deployment, oldest first."""
        key = (str(contract.address), name)
        if key not in self._cache:
            event = getattr(contract.events, name)
            found: list[EventData] = []
            for start in range(self.start_block, self.head + 1, self.log_range):
                end = min(start + self.log_range - 1, self.head)
                found.extend(event.get_logs(from_block=start, to_block=end))
            self._cache[key] = found
        return self._cache[key]

    def heitje_events(self, name: str) -> list[EventData]:
        return self.events(self.wesh.heitje, name)

    def block_time(self, block: int) -> int:
        if block not in self._block_times:
            self._block_times[block] = int(self.w3.eth.get_block(block)["timestamp"])
        return self._block_times[block]

    # ------------------------------------------------------------- registry
    def citizen_wallets(self) -> dict[int, ChecksumAddress]:
        """Citizen id -> current wallet (after any moves to a new wallet)."""
        wallets = {
            int(e["args"]["citizen_id"]): to_checksum_address(e["args"]["citizen"])
            for e in self.heitje_events("CitizenRegistered")
        }
        for e in self.heitje_events("CitizenMoved"):
            wallets[int(e["args"]["citizen_id"])] = to_checksum_address(e["args"]["new_wallet"])
        return wallets

    def merchants(self) -> list[MerchantRecord]:
        cids: dict[int, tuple[ChecksumAddress, str]] = {}
        for name in ("MerchantRegistered", "MerchantUpdated"):
            for e in self.heitje_events(name):
                args = e["args"]
                cids[int(args["merchant_id"])] = (
                    to_checksum_address(args["merchant"]),
                    str(args["metadata_cid"]),
                )
        # A shop moved to a new wallet (a lost key) keeps its id and its details.
        for e in self.heitje_events("MerchantMoved"):
            mid = int(e["args"]["merchant_id"])
            cids[mid] = (to_checksum_address(e["args"]["new_wallet"]), cids[mid][1])
        return [
            MerchantRecord(mid, address, cid, self.wesh.account(address).active)
            for mid, (address, cid) in sorted(cids.items())
        ]

    def role_holders(self) -> dict[ChecksumAddress, Role]:
        """Every address that ever held a role -> the roles it holds now (possibly none)."""
        seen = {
            to_checksum_address(e["args"]["account"])
            for name in ("RoleGranted", "RoleRevoked")
            for e in self.heitje_events(name)
        }
        return {address: self.wesh.roles_of(address) for address in sorted(seen)}

    # ---------------------------------------------------------------- tasks
    def tasks(self) -> list[TaskRecord]:
        records = []
        for e in self.heitje_events("TaskCommissioned"):
            task_id = int(e["args"]["task_id"])
            view = self.wesh.task(task_id)
            records.append(
                TaskRecord(
                    task_id=task_id,
                    metadata_cid=str(e["args"]["metadata_cid"]),
                    reward=view.reward,
                    slots=view.slots,
                    slots_open=view.slots_open,
                    claim_deadline=view.claim_deadline,
                    claim_duration=view.claim_duration,
                    neighbourhood=view.neighbourhood,
                    status=view.status,
                    block=int(e["blockNumber"]),
                )
            )
        return records

    def task_ids_by_cid(self) -> dict[str, int]:
        """Metadata CID -> task id (the first task with that document)."""
        found: dict[str, int] = {}
        for e in self.heitje_events("TaskCommissioned"):
            found.setdefault(str(e["args"]["metadata_cid"]), int(e["args"]["task_id"]))
        return found

    def waiting_submissions(self) -> list[Submission]:
        """Submissions waiting for a reviewer now: evidence submitted, or an appeal filed."""
        wallets = self.citizen_wallets()
        latest: dict[tuple[int, int], EventData] = {}
        for e in self.heitje_events("EvidenceSubmitted"):
            latest[(int(e["args"]["task_id"]), int(e["args"]["citizen_id"]))] = e
        waiting = []
        for (task_id, citizen_id), e in sorted(latest.items()):
            claim = self.wesh.claim(task_id, citizen_id)
            if claim.status not in (ClaimStatus.SUBMITTED, ClaimStatus.APPEALED):
                continue
            waiting.append(
                Submission(
                    task_id=task_id,
                    citizen_id=citizen_id,
                    citizen=wallets.get(citizen_id, to_checksum_address(e["args"]["citizen"])),
                    evidence_cid=str(e["args"]["evidence_cid"]),
                    status=claim.status,
                    reward=claim.reward,
                    block=int(e["blockNumber"]),
                )
            )
        return waiting

    # ---------------------------------------------------------------- money
    def payouts(self) -> list[Payout]:
        """Every approved submission (appeals granted included), with its reward and time."""
        payouts = []
        for e in self.heitje_events("SubmissionApproved"):
            task_id, citizen_id = int(e["args"]["task_id"]), int(e["args"]["citizen_id"])
            block = int(e["blockNumber"])
            payouts.append(
                Payout(
                    task_id=task_id,
                    citizen_id=citizen_id,
                    amount=self.wesh.claim(task_id, citizen_id).reward,
                    timestamp=self.block_time(block),
                    block=block,
                )
            )
        return payouts

    def citizen_neighbourhoods(self) -> dict[int, int]:
        """Citizen id -> neighbourhood code now."""
        hoods: dict[int, int] = {}
        for name in ("CitizenRegistered", "CitizenNeighbourhoodChanged"):
            for e in self.heitje_events(name):
                hoods[int(e["args"]["citizen_id"])] = int(e["args"]["neighbourhood"])
        return hoods

    def requests(self) -> list[RequestRecord]:
        """Every cash-out request with its current status."""
        records = []
        for e in self.events(self.wesh.redemption, "RedemptionRequested"):
            rid = int(e["args"]["redemption_id"])
            view = self.wesh.request(rid)
            records.append(
                RequestRecord(rid, view.merchant, view.amount, view.status, int(e["blockNumber"]))
            )
        return records

    def payment_references(self) -> dict[int, str]:
        """Request id -> the payment reference it was marked paid with."""
        return {
            int(e["args"]["redemption_id"]): str(e["args"]["payment_reference"])
            for e in self.events(self.wesh.redemption, "RedemptionPaid")
        }
