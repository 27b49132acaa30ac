"""Prepared transactions: each on-chain action as an unsigned transaction for the user's wallet,
checked against the chain first and described in words.

The API never signs for a user. It encodes the call with the shared contract wrapper, simulates
it from the user's address (``eth_call``) so that a refusal is explained before the wallet opens
("je jaarlimiet is bereikt"), and says in Dutch and English what the wallet is about to sign.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field

from api.errors import ContractRefused, Unavailable
from wesh.contract import ContractRefusal, TxRequest, Wesh
from wesh.money import format_euros


class Description(BaseModel):
    nl: str
    en: str


class RelayOffer(BaseModel):
    """The city pays the fee: sign ``typed_data`` with ``eth_signTypedData_v4`` (no transaction,
    no fee) and hand the message and the signature to ``POST /relay/requests`` before
    ``expires_at`` (unix time; the request's deadline)."""

    typed_data: dict[str, Any]
    expires_at: int


class PreparedTx(BaseModel):
    """An unsigned transaction: send it with ``eth_sendTransaction`` from ``from_``; or, when
    ``relay`` is there, have the city's relayer send it (docs/relayer.md)."""

    to: str
    data: str
    value: str = "0x0"
    chain_id: int
    from_: str = Field(alias="from")
    function: str
    description: Description
    relay: RelayOffer | None = None

    model_config = {"populate_by_name": True}


#: Offers to relay a call for its sender (``api.relay.service.RelayService.offer``).
Offerer = Callable[[TxRequest, str], RelayOffer | None]


DESCRIPTIONS: dict[str, tuple[str, str]] = {
    "claim": (
        "Klus {task_id} aannemen ({reward}); de beloning wordt voor je gereserveerd.",
        "Take on task {task_id} ({reward}); the reward is reserved for you.",
    ),
    "submit": (
        "Je foto's inleveren voor klus {task_id}.",
        "Hand in your photos for task {task_id}.",
    ),
    "abandon": ("Klus {task_id} teruggeven.", "Give task {task_id} back."),
    "appeal": (
        "Bezwaar maken tegen de afwijzing van klus {task_id}.",
        "Appeal the rejection of task {task_id}.",
    ),
    "pay": ("{amount} betalen aan {merchant}.", "Pay {amount} to {merchant}."),
    "redeem": (
        "{amount} inwisselen voor euro's (de Heitjes worden vernietigd).",
        "Cash in {amount} for euros (the Heitjes are burned).",
    ),
    "commission_task": (
        "Klus '{title}' uitzetten: {slots} x {reward} uit het budget vastzetten.",
        "Commission task '{title}': lock {slots} x {reward} of budget.",
    ),
    "approve_submission": (
        "Het werk aan klus {task_id} goedkeuren en {reward} uitbetalen.",
        "Approve the work on task {task_id} and pay {reward}.",
    ),
    "approve_submissions": (
        "{count} inzendingen goedkeuren en uitbetalen.",
        "Approve and pay {count} submissions.",
    ),
    "reject_submission": (
        "Het werk aan klus {task_id} afwijzen (reden {reason}).",
        "Reject the work on task {task_id} (reason {reason}).",
    ),
    "decide_appeal": (
        "Bezwaar over klus {task_id} beslissen: {decision_nl}.",
        "Decide the appeal on task {task_id}: {decision_en}.",
    ),
    "cancel_task": ("Klus {task_id} annuleren.", "Cancel task {task_id}."),
    "grant_budget": ("{amount} budget toekennen.", "Grant {amount} of budget."),
    "register_citizen": (
        "Een nieuwe inwoner aanmelden in {neighbourhood}.",
        "Register a new resident in {neighbourhood}.",
    ),
    "move_citizen": (
        "Inwoner {citizen_id} naar een nieuwe telefoon verhuizen ({amount} gaat mee).",
        "Move resident {citizen_id} to a new phone ({amount} goes along).",
    ),
    "register_merchant": (
        "Winkel '{name}' aanmelden.",
        "Register the shop '{name}'.",
    ),
    "move_merchant": (
        "Winkel '{name}' naar een nieuwe telefoon verhuizen (het saldo gaat mee).",
        "Move the shop '{name}' to a new phone (its balance goes along).",
    ),
    "mark_paid": (
        "{count} uitbetaling(en) als betaald markeren met kenmerk {reference}.",
        "Mark {count} cash-out(s) paid with reference {reference}.",
    ),
}


def check(wesh: Wesh, tx: TxRequest, sender: str) -> None:
    """Raises the problem of a call ``sender`` cannot make now (or the chain cannot be asked)."""
    try:
        wesh.check(tx, sender)
    except ContractRefusal as refusal:
        raise ContractRefused(refusal.reason) from None
    except Exception:  # the node is unreachable or answered garbage
        raise Unavailable() from None


def prepare(
    wesh: Wesh,
    chain_id: int,
    tx: TxRequest,
    sender: str,
    action: str,
    offer: Offerer | None = None,
    **params: Any,
) -> PreparedTx:
    """Checks ``tx`` would succeed from ``sender`` now and returns it ready for the wallet, with
    the relayer's offer when ``offer`` makes one."""
    check(wesh, tx, sender)
    shown = {
        key: format_euros(value)
        if key in {"amount", "reward"} and isinstance(value, int)
        else value
        for key, value in params.items()
    }
    nl, en = DESCRIPTIONS[action]
    return PreparedTx(
        to=tx.to,
        data=tx.data,
        chain_id=chain_id,
        **{"from": sender},
        function=tx.function,
        description=Description(nl=nl.format(**shown), en=en.format(**shown)),
        relay=offer(tx, sender) if offer else None,
    )


@dataclass(frozen=True)
class Transactions:
    """The contracts as the services use them: ``wesh`` encodes a call, ``prepare`` checks it
    from the sender, describes it and adds the relayer's offer (``offer``, when the city
    relays); the chain id is the deployment's."""

    wesh: Wesh
    chain_id: int
    offer: Offerer | None = None

    def prepare(self, tx: TxRequest, sender: str, action: str, **params: Any) -> PreparedTx:
        return prepare(self.wesh, self.chain_id, tx, sender, action, self.offer, **params)

    def check(self, tx: TxRequest, sender: str) -> None:
        """Only whether ``sender`` can make the call now (no description, no offer)."""
        check(self.wesh, tx, sender)
