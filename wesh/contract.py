"""A typed wrapper around the WESH contracts (Heitje, Redemption and the neighbourhood desk).

Everything that reads or drives the contracts goes through here: the ape scripts, the indexer,
the API and the tests. Reads return frozen dataclasses; writes return a ``TxRequest`` (to, data),
an unsigned transaction that any signer can send: an unlocked anvil account in tests, an ape
account in the scripts, the citizen's own wallet through the API.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from eth_typing import ChecksumAddress
from eth_utils import to_checksum_address
from web3 import Web3
from web3.contract import Contract
from web3.exceptions import ContractLogicError
from web3.types import BlockIdentifier, TxParams

from wesh import artifacts
from wesh.rules import ClaimStatus, RequestStatus, Role, TaskStatus


@dataclass(frozen=True)
class AccountView:
    is_citizen: bool
    is_merchant: bool
    active: bool
    moved: bool
    id: int
    neighbourhood: int
    balance: int
    earned_year: int
    earned_month: int
    reserved: int
    open_claims: int


@dataclass(frozen=True)
class TaskView:
    reward: int
    slots: int
    slots_open: int
    claim_deadline: int
    claim_duration: int
    neighbourhood: int
    status: TaskStatus


@dataclass(frozen=True)
class ClaimView:
    status: ClaimStatus
    expires_at: int
    reward: int
    reason: int
    appealed: bool
    rejected_by: ChecksumAddress
    # Rejections so far; the MAX_REJECTIONS-th is final (no resubmission, only an appeal).
    rejections: int


@dataclass(frozen=True)
class LedgerView:
    total_supply: int
    total_minted: int
    total_burned: int
    escrow_locked: int
    budget_granted: int
    budget_available: int
    paused: bool


@dataclass(frozen=True)
class CapsView:
    yearly: int
    monthly: int
    next_yearly: int
    next_monthly: int
    next_from_year: int
    max_open_claims: int


@dataclass(frozen=True)
class RequestView:
    merchant: ChecksumAddress
    amount: int
    status: RequestStatus


@dataclass(frozen=True)
class TxRequest:
    """An unsigned contract call: what a wallet or an account signs and sends."""

    to: ChecksumAddress
    data: str
    function: str

    def as_dict(self) -> dict[str, Any]:
        return {"to": self.to, "data": self.data, "value": 0}


class ContractRefusal(Exception):
    """The contract refused a call; ``reason`` is its revert string ("tasks: deadline passed")."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def refusal_from(error: ContractLogicError) -> ContractRefusal:
    """The revert string out of web3's error ("execution reverted: tasks: ..." -> "tasks: ...")."""
    message = str(error.message if hasattr(error, "message") else error)
    reason = message.split("execution reverted:", 1)[-1].strip() or "reverted without a reason"
    return ContractRefusal(reason)


class DeskMissing(Exception):
    """This deployment has no neighbourhood desk (a manifest written before it existed)."""


class Wesh:
    """One WESH deployment: the Heitje contract, its Redemption contract and (when deployed) its
    neighbourhood desk, through which associations register residents of their neighbourhoods."""

    def __init__(self, w3: Web3, heitje: str, redemption: str, desk: str = "") -> None:
        self.w3 = w3
        self.heitje: Contract = w3.eth.contract(
            address=to_checksum_address(heitje), abi=artifacts.load("Heitje").abi
        )
        self.redemption: Contract = w3.eth.contract(
            address=to_checksum_address(redemption), abi=artifacts.load("Redemption").abi
        )
        self._desk: Contract | None = (
            w3.eth.contract(
                address=to_checksum_address(desk), abi=artifacts.load("NeighbourhoodDesk").abi
            )
            if desk
            else None
        )
        self._forwarder: Contract | None = None

    @property
    def has_desk(self) -> bool:
        return self._desk is not None

    @property
    def desk(self) -> Contract:
        """The neighbourhood desk contract; ``DeskMissing`` if this deployment has none."""
        if self._desk is None:
            raise DeskMissing(
                "this deployment has no neighbourhood desk: run `ape run deploy` again to add it"
            )
        return self._desk

    @property
    def forwarder(self) -> Contract:
        """The trusted ERC-2771 forwarder Heitje names (read from the chain once)."""
        if self._forwarder is None:
            address = self.heitje.functions.TRUSTED_FORWARDER().call()
            self._forwarder = self.w3.eth.contract(
                address=to_checksum_address(address), abi=artifacts.load("Forwarder").abi
            )
        return self._forwarder

    # ------------------------------------------------------------------ reads
    def balance_of(self, owner: str) -> int:
        return int(self.heitje.functions.balanceOf(to_checksum_address(owner)).call())

    def total_supply(self) -> int:
        return int(self.heitje.functions.totalSupply().call())

    def roles_of(self, account: str) -> Role:
        return Role(self.heitje.functions.roles_of(to_checksum_address(account)).call())

    def account(self, owner: str, block: BlockIdentifier = "latest") -> AccountView:
        values = self.heitje.functions.account(to_checksum_address(owner)).call(
            block_identifier=block
        )
        return AccountView(*values)

    def task(self, task_id: int) -> TaskView:
        values = list(self.heitje.functions.task(task_id).call())
        values[-1] = TaskStatus(values[-1])
        return TaskView(*values)

    def claim(self, task_id: int, citizen_id: int) -> ClaimView:
        values = list(self.heitje.functions.claim_of(task_id, citizen_id).call())
        values[0] = ClaimStatus(values[0])
        values[5] = to_checksum_address(values[5])
        return ClaimView(*values)

    def ledger(self) -> LedgerView:
        return LedgerView(*self.heitje.functions.ledger().call())

    def caps(self) -> CapsView:
        return CapsView(*self.heitje.functions.caps().call())

    def counts(self) -> tuple[int, int, int]:
        citizens, merchants, tasks = self.heitje.functions.counts().call()
        return int(citizens), int(merchants), int(tasks)

    def period(self) -> tuple[int, int]:
        year, month = self.heitje.functions.period().call()
        return int(year), int(month)

    def request(self, redemption_id: int) -> RequestView:
        merchant, amount, status = self.redemption.functions.request(redemption_id).call()
        return RequestView(to_checksum_address(merchant), amount, RequestStatus(status))

    def request_count(self) -> int:
        return int(self.redemption.functions.request_count().call())

    def redemption_totals(self) -> tuple[int, int]:
        """(total requested, total marked paid) in cents."""
        return (
            int(self.redemption.functions.total_requested().call()),
            int(self.redemption.functions.total_paid().call()),
        )

    def is_granted(self, association: str, neighbourhood: int) -> bool:
        """Whether the desk lets ``association`` register residents of ``neighbourhood``."""
        return bool(
            self.desk.functions.is_granted(to_checksum_address(association), neighbourhood).call()
        )

    def neighbourhood_count(self, association: str) -> int:
        """How many neighbourhoods the desk grants ``association`` now (0: no association)."""
        return int(self.desk.functions.neighbourhood_count(to_checksum_address(association)).call())

    # ----------------------------------------------------------- transactions
    def _tx(self, contract: Contract, function: str, *args: Any) -> TxRequest:
        data = contract.encode_abi(function, args=list(args))
        return TxRequest(to=contract.address, data=data, function=function)

    def _h(self, function: str, *args: Any) -> TxRequest:
        return self._tx(self.heitje, function, *args)

    # token
    def transfer(self, to: str, amount: int) -> TxRequest:
        return self._h("transfer", to_checksum_address(to), amount)

    def approve(self, spender: str, amount: int) -> TxRequest:
        return self._h("approve", to_checksum_address(spender), amount)

    def transfer_from(self, owner: str, to: str, amount: int) -> TxRequest:
        return self._h("transferFrom", to_checksum_address(owner), to_checksum_address(to), amount)

    def pay(self, merchant: str, amount: int, reference: bytes) -> TxRequest:
        return self._h("pay", to_checksum_address(merchant), amount, reference.ljust(32, b"\0"))

    # admin
    def set_paused(self, paused: bool) -> TxRequest:
        return self._h("set_paused", paused)

    def grant_role(self, account: str, role: Role) -> TxRequest:
        return self._h("grant_role", to_checksum_address(account), int(role))

    def revoke_role(self, account: str, role: Role) -> TxRequest:
        return self._h("revoke_role", to_checksum_address(account), int(role))

    def set_caps(self, yearly: int, monthly: int, from_year: int) -> TxRequest:
        return self._h("set_caps", yearly, monthly, from_year)

    def set_max_open_claims(self, limit: int) -> TxRequest:
        return self._h("set_max_open_claims", limit)

    def set_redemption(self, redemption: str) -> TxRequest:
        return self._h("set_redemption", to_checksum_address(redemption))

    # registry
    def register_citizen(self, citizen: str, neighbourhood: int) -> TxRequest:
        return self.register_citizens([citizen], [neighbourhood])

    def register_citizens(
        self, citizens: Sequence[str], neighbourhoods: Sequence[int]
    ) -> TxRequest:
        return self._h(
            "register_citizens", [to_checksum_address(c) for c in citizens], list(neighbourhoods)
        )

    def set_citizen_neighbourhood(self, citizen: str, neighbourhood: int) -> TxRequest:
        return self._h("set_citizen_neighbourhood", to_checksum_address(citizen), neighbourhood)

    def set_active(self, account: str, active: bool) -> TxRequest:
        return self._h("set_active", to_checksum_address(account), active)

    def move_citizen(self, old_wallet: str, new_wallet: str) -> TxRequest:
        return self._h(
            "move_citizen", to_checksum_address(old_wallet), to_checksum_address(new_wallet)
        )

    def register_merchant(self, merchant: str, metadata_cid: str) -> TxRequest:
        return self._h("register_merchant", to_checksum_address(merchant), metadata_cid)

    def update_merchant(self, merchant: str, metadata_cid: str) -> TxRequest:
        return self._h("update_merchant", to_checksum_address(merchant), metadata_cid)

    def move_merchant(self, old_wallet: str, new_wallet: str) -> TxRequest:
        return self._h(
            "move_merchant", to_checksum_address(old_wallet), to_checksum_address(new_wallet)
        )

    # budget and tasks
    def grant_budget(self, amount: int) -> TxRequest:
        return self._h("grant_budget", amount)

    def withdraw_budget(self, amount: int) -> TxRequest:
        return self._h("withdraw_budget", amount)

    def commission_task(
        self,
        metadata_cid: str,
        reward: int,
        slots: int,
        claim_deadline: int,
        claim_duration: int,
        neighbourhood: int,
    ) -> TxRequest:
        return self._h(
            "commission_task",
            metadata_cid,
            reward,
            slots,
            claim_deadline,
            claim_duration,
            neighbourhood,
        )

    def cancel_task(self, task_id: int) -> TxRequest:
        return self._h("cancel_task", task_id)

    def close_task(self, task_id: int) -> TxRequest:
        return self._h("close_task", task_id)

    # claims
    def claim_task(self, task_id: int) -> TxRequest:
        return self._h("claim", task_id)

    def submit(self, task_id: int, evidence_cid: str) -> TxRequest:
        return self._h("submit", task_id, evidence_cid)

    def abandon(self, task_id: int) -> TxRequest:
        return self._h("abandon", task_id)

    def expire_claim(self, task_id: int, citizen: str) -> TxRequest:
        return self._h("expire_claim", task_id, to_checksum_address(citizen))

    def appeal(self, task_id: int) -> TxRequest:
        return self._h("appeal", task_id)

    # review
    def approve_submission(self, task_id: int, citizen: str) -> TxRequest:
        return self._h("approve_submission", task_id, to_checksum_address(citizen))

    def approve_submissions(self, items: Sequence[tuple[int, str]]) -> TxRequest:
        return self._h(
            "approve_submissions",
            [task_id for task_id, _ in items],
            [to_checksum_address(citizen) for _, citizen in items],
        )

    def reject_submission(self, task_id: int, citizen: str, reason: int) -> TxRequest:
        return self._h("reject_submission", task_id, to_checksum_address(citizen), reason)

    def decide_appeal(self, task_id: int, citizen: str, grant: bool, reason: int) -> TxRequest:
        return self._h("decide_appeal", task_id, to_checksum_address(citizen), grant, reason)

    # redemption
    def redeem(self, amount: int) -> TxRequest:
        return self._tx(self.redemption, "redeem", amount)

    def mark_paid(self, redemption_ids: list[int], payment_reference: str) -> TxRequest:
        return self._tx(self.redemption, "mark_paid", redemption_ids, payment_reference)

    # neighbourhood desk
    def grant_neighbourhood(self, association: str, neighbourhood: int) -> TxRequest:
        return self._tx(self.desk, "grant", to_checksum_address(association), neighbourhood)

    def withdraw_neighbourhood(self, association: str, neighbourhood: int) -> TxRequest:
        return self._tx(self.desk, "withdraw", to_checksum_address(association), neighbourhood)

    def desk_register_citizen(self, citizen: str, neighbourhood: int) -> TxRequest:
        """An association registers a resident of one of its neighbourhoods (via the desk)."""
        return self._tx(self.desk, "register_citizen", to_checksum_address(citizen), neighbourhood)

    def desk_register_citizens(
        self, citizens: Sequence[str], neighbourhoods: Sequence[int]
    ) -> TxRequest:
        return self._tx(
            self.desk,
            "register_citizens",
            [to_checksum_address(c) for c in citizens],
            list(neighbourhoods),
        )

    # ---------------------------------------------------------------- checks
    def check(self, tx: TxRequest, sender: str) -> None:
        """Raises ``ContractRefusal`` with the contract's reason if ``tx`` would revert now."""
        try:
            self.w3.eth.call(cast(TxParams, {**tx.as_dict(), "from": to_checksum_address(sender)}))
        except ContractLogicError as error:
            raise refusal_from(error) from None
