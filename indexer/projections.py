"""What each event of the WESH contracts does to the projection tables (``HANDLERS``), and
applying a list of decoded events to a batch in chain order (``apply``).

A handler changes rows of the ``indexer.batch.Batch`` (copies of the committed rows, written
back in bulk at the end), appends history rows, and raises ``IntegrityError`` for an event that
contradicts the index. Statuses are ``wesh.rules``'s, the cap calendar is ``wesh.calendar``'s.

An event the projections cannot place (it contradicts what the index holds, say a release of a
claim that has no row; its log cannot be decoded; its handler fails) makes ``apply`` raise
``Unplaceable``, with the batch half-changed: the caller throws the batch away (rolls its
transaction back) and applies the same events again with that event in ``Batch.unplaceable``,
which ``apply`` then records in ``unplaced_events`` instead of applying (``indexer.sync``;
docs/indexer.md, "Events it cannot place"). So a handler that fails half-way leaves nothing of
itself, and the handlers need no undo of their own.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.engine import Connection

from indexer.batch import (
    ACCOUNT,
    APPROVAL,
    ASSOCIATION,
    CITIZEN,
    CLAIM,
    EARNINGS,
    LEDGER,
    LEDGER_KEY,
    MERCHANT,
    REDEMPTION,
    ROLES,
    STATE_NAMES,
    TASK,
    Batch,
    IntegrityError,
    Key,
    Row,
)
from indexer.decoded import UNDECODABLE, Event, Undecodable
from wesh import deadlines
from wesh.calendar import Caps, amsterdam_period
from wesh.rules import RELEASED_STATUS, ClaimStatus, RequestStatus, TaskStatus

ZERO = "0x" + "0" * 40

#: What a handler may raise on an event it cannot place, besides IntegrityError: an error of the
#: handler itself (the database's errors are none of these: they stop the indexer as before).
HANDLER_ERRORS = (LookupError, TypeError, ValueError, ArithmeticError)


class Unplaceable(Exception):
    """``apply`` could not place ``event``: the batch is half-changed and must be thrown away.

    ``cause`` is ``inconsistent`` (an IntegrityError: the event contradicts the index),
    ``undecodable`` (its log does not have the layout its topic0 promises) or ``handler_error``
    (its handler failed otherwise: most likely a bug of the indexer)."""

    def __init__(self, event: Event, cause: str, reason: str) -> None:
        where = f"block {event.block_number} log {event.log_index} ({event.name})"
        super().__init__(f"{where}: {cause}: {reason}")
        self.event = event
        self.cause = cause
        self.reason = reason


# =========================================================================== events
#: A handler applies ``events[index]`` to the batch; it gets the whole list because a few events
#: are read together with their neighbour (a Transfer with the Payment after it, the mint before
#: a SubmissionApproved).
Handler = Callable[[Batch, Sequence[Event], int], None]
#: The (table, key) pairs an event will read, from its args and its block's timestamp.
KeysOf = Callable[[tuple[Any, ...], int], list[tuple[str, Key]]]
HANDLERS: dict[str, Handler] = {}
#: Event name -> the rows it will read, for prefetching them in a few queries.
KEYS: dict[str, KeysOf] = {}


def handles(name: str, keys: KeysOf) -> Callable[[Handler], Handler]:
    """Registers the handler of event ``name``, and the rows it reads (``keys``)."""

    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        KEYS[name] = keys
        return handler

    return register


def _accounts(*positions: int) -> KeysOf:
    """The accounts whose addresses are the args at ``positions``."""
    return lambda args, _timestamp: [("accounts", (args[p],)) for p in positions]


def _no_rows(_args: tuple[Any, ...], _timestamp: int) -> list[tuple[str, Key]]:
    return []


def _claim_rows(args: tuple[Any, ...], _timestamp: int) -> list[tuple[str, Key]]:
    """The claim (task id, citizen id: the first two args), its citizen and its task."""
    task_id, citizen_id = args[0], args[1]
    return [("claims", (task_id, citizen_id)), ("citizens", (citizen_id,)), ("tasks", (task_id,))]


def _task_row(args: tuple[Any, ...], _timestamp: int) -> list[tuple[str, Key]]:
    return [("tasks", (args[0],))]


def _citizen_row(args: tuple[Any, ...], _timestamp: int) -> list[tuple[str, Key]]:
    return [("citizens", (args[0],))]


def _merchant_row(args: tuple[Any, ...], _timestamp: int) -> list[tuple[str, Key]]:
    return [("merchants", (args[0],))]


def _claim_row(args: tuple[Any, ...], _timestamp: int) -> list[tuple[str, Key]]:
    return [("claims", (args[0], args[1]))]


def _roles_row(args: tuple[Any, ...], _timestamp: int) -> list[tuple[str, Key]]:
    return [("roles", (args[1],))]


def _redemption_row(args: tuple[Any, ...], _timestamp: int) -> list[tuple[str, Key]]:
    return [("redemptions", (args[0],))]


# ---------------------------------------------------------------- token
@handles("Transfer", _accounts(0, 1))
def _transfer(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    sender, receiver, value = event.args
    block, log_index, tx = event.block_number, event.log_index, event.tx_hash
    # The event the same call emitted right after it tells a payment and a move apart.
    after = events[index + 1] if index + 1 < len(events) else None
    same_call = after is not None and after.tx_hash == tx and after.log_index == log_index + 1
    followed_by = after.name if same_call and after is not None else ""
    ledger = batch.ledger() if sender == ZERO or receiver == ZERO else None
    if sender == ZERO:
        kind = "mint"
        assert ledger is not None
        ledger[LEDGER.total_supply] += value
        ledger[LEDGER.total_minted] += value
        ledger[LEDGER.escrow_locked] -= value
    else:
        payer = batch.account(sender)
        if payer[ACCOUNT.balance] < value:
            raise IntegrityError(
                f"block {block}: transfer of {value} from {sender} exceeds balance"
            )
        payer[ACCOUNT.balance] -= value
        if receiver == ZERO:
            kind = "burn"
            assert ledger is not None
            ledger[LEDGER.total_supply] -= value
            ledger[LEDGER.total_burned] += value
        elif followed_by in ("CitizenMoved", "MerchantMoved"):
            kind = "move"
        elif followed_by == "Payment" or payer[ACCOUNT.is_citizen]:
            kind = "payment"
        else:
            kind = "refund"
    if receiver != ZERO:
        batch.account(receiver)[ACCOUNT.balance] += value
    batch.history["transfers"].append((block, log_index, tx, sender, receiver, value, kind))
    if kind == "payment":
        reference = events[index + 1].args[1] if followed_by == "Payment" else None
        merchant_id = batch.account(receiver)[ACCOUNT.holder_id]
        batch.history["payments"].append(
            (block, log_index, tx, sender, receiver, value, reference, merchant_id)
        )


@handles("Payment", _no_rows)
def _payment(batch: Batch, events: Sequence[Event], index: int) -> None:
    # Written with the Transfer right before it (which carries payer and amount).
    event = events[index]
    merchant, _reference = event.args
    before = events[index - 1] if index > 0 else None
    if (
        before is None
        or before.name != "Transfer"
        or before.tx_hash != event.tx_hash
        or before.args[1] != merchant
    ):
        raise IntegrityError(
            f"block {event.block_number} log {event.log_index}: Payment without its Transfer"
        )


@handles("Approval", _no_rows)
def _approval(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    owner, spender, value = event.args
    batch.put(
        "approvals",
        (owner, spender),
        APPROVAL.new(
            owner=owner, spender=spender, value=str(value), updated_block=event.block_number
        ),
    )


# ---------------------------------------------------------------- admin
@handles("Paused", _no_rows)
def _paused(batch: Batch, events: Sequence[Event], index: int) -> None:
    timestamp = events[index].timestamp
    ledger = batch.ledger()
    ledger[LEDGER.paused] = True
    # As Heitje.set_paused: a pause within the grace of the last one extends from its start.
    if not deadlines.in_grace(timestamp, ledger[LEDGER.resumed_at]):
        ledger[LEDGER.pause_grace_from] = timestamp


@handles("Unpaused", _no_rows)
def _unpaused(batch: Batch, events: Sequence[Event], index: int) -> None:
    ledger = batch.ledger()
    ledger[LEDGER.paused] = False
    ledger[LEDGER.resumed_at] = events[index].timestamp


def ledger_caps(row: Row | Sequence[Any]) -> Caps:
    """The caps a ledger row holds, as set (``Caps.in_force`` gives those in force)."""
    return Caps(
        row[LEDGER.cap_yearly],
        row[LEDGER.cap_monthly],
        row[LEDGER.cap_next_yearly],
        row[LEDGER.cap_next_monthly],
        row[LEDGER.cap_next_from_year],
    )


@handles("CapsChanged", _no_rows)
def _caps_changed(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    yearly, monthly, from_year, _admin = event.args
    ledger = batch.ledger()
    if from_year == 0:  # the constructor: in force from the start
        ledger[LEDGER.cap_yearly], ledger[LEDGER.cap_monthly] = yearly, monthly
        return
    # A change scheduled earlier that is in force by now becomes the current caps; this one is
    # the next change.
    year, _ = amsterdam_period(event.timestamp)
    current = ledger_caps(ledger).in_force(year)
    ledger[LEDGER.cap_yearly], ledger[LEDGER.cap_monthly] = current.yearly, current.monthly
    ledger[LEDGER.cap_next_yearly], ledger[LEDGER.cap_next_monthly] = yearly, monthly
    ledger[LEDGER.cap_next_from_year] = from_year


@handles("MaxOpenClaimsChanged", _no_rows)
def _max_open_claims_changed(batch: Batch, events: Sequence[Event], index: int) -> None:
    batch.ledger()[LEDGER.max_open_claims] = events[index].args[0]


def _roles_of(batch: Batch, account: str) -> Row:
    return batch.mut("roles", (account,)) or batch.put(
        "roles", (account,), ROLES.new(account=account)
    )


@handles("RoleGranted", _roles_row)
def _role_granted(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    role, account, _sender = event.args
    row = _roles_of(batch, account)
    row[ROLES.roles] |= role
    row[ROLES.updated_block] = event.block_number


@handles("RoleRevoked", _roles_row)
def _role_revoked(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    role, account, _sender = event.args
    row = _roles_of(batch, account)
    row[ROLES.roles] &= ~role
    row[ROLES.updated_block] = event.block_number


@handles("RedemptionContractSet", _no_rows)
def _redemption_contract_set(batch: Batch, events: Sequence[Event], index: int) -> None:
    batch.ledger()[LEDGER.redemption_contract] = events[index].args[0]


# ---------------------------------------------------------------- registry
def _citizen_and_wallet(args: tuple[Any, ...], _timestamp: int) -> list[tuple[str, Key]]:
    return [("citizens", (args[0],)), ("accounts", (args[1],))]


@handles("CitizenRegistered", _citizen_and_wallet)
def _citizen_registered(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    citizen_id, wallet, neighbourhood, _registrar = event.args
    block = event.block_number
    batch.put(
        "citizens",
        (citizen_id,),
        CITIZEN.new(
            citizen_id=citizen_id,
            wallet=wallet,
            neighbourhood=neighbourhood,
            active=True,
            registered_block=block,
            updated_block=block,
        ),
    )
    account = batch.account(wallet)
    account[ACCOUNT.is_citizen] = True
    account[ACCOUNT.holder_id] = citizen_id
    batch.ledger()[LEDGER.citizens] += 1


@handles("CitizenNeighbourhoodChanged", _citizen_row)
def _citizen_neighbourhood_changed(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    citizen_id, _wallet, neighbourhood, _registrar = event.args
    row = batch.must("citizens", (citizen_id,))
    row[CITIZEN.neighbourhood] = neighbourhood
    row[CITIZEN.updated_block] = event.block_number


@handles("CitizenActiveChanged", _citizen_row)
def _citizen_active_changed(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    citizen_id, _wallet, active, _registrar = event.args
    row = batch.must("citizens", (citizen_id,))
    row[CITIZEN.active] = active
    row[CITIZEN.updated_block] = event.block_number


def _citizen_and_wallets(args: tuple[Any, ...], _timestamp: int) -> list[tuple[str, Key]]:
    return [("citizens", (args[0],)), ("accounts", (args[1],)), ("accounts", (args[2],))]


def _move_account(batch: Batch, old: str, new: str, kind: int, holder_id: int) -> None:
    """A citizen or a shop (``kind``: its flag column) moved from wallet ``old`` to ``new``:
    the old account is retired and points at the new one, which now holds ``holder_id``."""
    before = batch.account(old)
    before[kind] = False
    before[ACCOUNT.moved] = True
    before[ACCOUNT.holder_id] = 0
    before[ACCOUNT.moved_to] = new
    after = batch.account(new)
    after[kind] = True
    after[ACCOUNT.holder_id] = holder_id


@handles("CitizenMoved", _citizen_and_wallets)
def _citizen_moved(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    citizen_id, old, new, balance, registrar = event.args
    block = event.block_number
    row = batch.must("citizens", (citizen_id,))
    row[CITIZEN.wallet] = new
    row[CITIZEN.updated_block] = block
    _move_account(batch, old, new, ACCOUNT.is_citizen, citizen_id)
    batch.history["citizen_moves"].append(
        (block, event.log_index, event.tx_hash, citizen_id, old, new, balance, registrar)
    )


# ---------------------------------------------------------------- neighbourhood desk
def _grant_row(args: tuple[Any, ...], _timestamp: int) -> list[tuple[str, Key]]:
    return [("association_neighbourhoods", (args[0], args[1]))]


def _set_grant(batch: Batch, event: Event, granted: bool) -> None:
    """NeighbourhoodGranted, NeighbourhoodWithdrawn: the (association, neighbourhood) row."""
    association, neighbourhood, registrar = event.args
    key = (association, neighbourhood)
    block = event.block_number
    row = batch.mut("association_neighbourhoods", key)
    if row is None:
        if not granted:
            raise IntegrityError(f"block {block}: {key} withdrawn but never granted")
        row = batch.put(
            "association_neighbourhoods",
            key,
            ASSOCIATION.new(association=association, neighbourhood=neighbourhood),
        )
    elif row[ASSOCIATION.granted] == granted:
        state = "granted" if granted else "withdrawn"
        raise IntegrityError(f"block {block}: {key} {state} twice")
    row[ASSOCIATION.granted] = granted
    row[ASSOCIATION.changed_by] = registrar
    if granted:
        row[ASSOCIATION.granted_block] = block
    row[ASSOCIATION.updated_block] = block


@handles("NeighbourhoodGranted", _grant_row)
def _neighbourhood_granted(batch: Batch, events: Sequence[Event], index: int) -> None:
    _set_grant(batch, events[index], True)


@handles("NeighbourhoodWithdrawn", _grant_row)
def _neighbourhood_withdrawn(batch: Batch, events: Sequence[Event], index: int) -> None:
    _set_grant(batch, events[index], False)


@handles("CitizenRegisteredBy", _accounts(0))
def _citizen_registered_by(batch: Batch, events: Sequence[Event], index: int) -> None:
    """The desk registered a citizen for an association (after Heitje's CitizenRegistered of the
    same call): the citizen row records the association."""
    event = events[index]
    wallet, _neighbourhood, association = event.args
    account = batch.mut("accounts", (wallet,))
    if account is None or not account[ACCOUNT.is_citizen]:
        raise IntegrityError(f"block {event.block_number}: {wallet} registered by but no citizen")
    row = batch.must("citizens", (account[ACCOUNT.holder_id],))
    row[CITIZEN.registered_by] = association
    row[CITIZEN.updated_block] = event.block_number


def _merchant_and_wallet(args: tuple[Any, ...], _timestamp: int) -> list[tuple[str, Key]]:
    return [("merchants", (args[0],)), ("accounts", (args[1],))]


@handles("MerchantRegistered", _merchant_and_wallet)
def _merchant_registered(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    merchant_id, wallet, cid, _manager = event.args
    block = event.block_number
    batch.put(
        "merchants",
        (merchant_id,),
        MERCHANT.new(
            merchant_id=merchant_id,
            wallet=wallet,
            metadata_cid=cid,
            active=True,
            registered_block=block,
            updated_block=block,
        ),
    )
    account = batch.account(wallet)
    account[ACCOUNT.is_merchant] = True
    account[ACCOUNT.holder_id] = merchant_id
    batch.ledger()[LEDGER.merchants] += 1


def _merchant_and_wallets(args: tuple[Any, ...], _timestamp: int) -> list[tuple[str, Key]]:
    return [("merchants", (args[0],)), ("accounts", (args[1],)), ("accounts", (args[2],))]


@handles("MerchantMoved", _merchant_and_wallets)
def _merchant_moved(batch: Batch, events: Sequence[Event], index: int) -> None:
    """A shop moved to a new wallet (a lost key): its id, and with it its payments
    (``payments.merchant_id``) and cash-outs (``redemptions.merchant_id``), go along; the
    Transfer before it moved the balance."""
    event = events[index]
    merchant_id, old, new, balance, manager = event.args
    block = event.block_number
    row = batch.must("merchants", (merchant_id,))
    row[MERCHANT.wallet] = new
    row[MERCHANT.updated_block] = block
    _move_account(batch, old, new, ACCOUNT.is_merchant, merchant_id)
    batch.history["merchant_moves"].append(
        (block, event.log_index, event.tx_hash, merchant_id, old, new, balance, manager)
    )


@handles("MerchantUpdated", _merchant_row)
def _merchant_updated(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    merchant_id, _wallet, cid, _manager = event.args
    row = batch.must("merchants", (merchant_id,))
    row[MERCHANT.metadata_cid] = cid
    row[MERCHANT.updated_block] = event.block_number


@handles("MerchantActiveChanged", _merchant_row)
def _merchant_active_changed(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    merchant_id, _wallet, active, _manager = event.args
    row = batch.must("merchants", (merchant_id,))
    row[MERCHANT.active] = active
    row[MERCHANT.updated_block] = event.block_number


# ---------------------------------------------------------------- budget and tasks
def _budget_change(
    batch: Batch, event: Event, kind: str, amount: int, task_id: int | None, actor: str
) -> None:
    """A ``budget_changes`` row: ``kind`` is granted, withdrawn, locked or returned."""
    batch.history["budget_changes"].append(
        (event.block_number, event.log_index, event.tx_hash, kind, amount, task_id, actor)
    )


@handles("BudgetGranted", _no_rows)
def _budget_granted(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    amount, granted_total, treasurer = event.args
    ledger = batch.ledger()
    ledger[LEDGER.budget_available] += amount
    ledger[LEDGER.budget_granted] = granted_total
    _budget_change(batch, event, "granted", amount, None, treasurer)


@handles("BudgetWithdrawn", _no_rows)
def _budget_withdrawn(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    amount, granted_total, treasurer = event.args
    ledger = batch.ledger()
    ledger[LEDGER.budget_available] -= amount
    ledger[LEDGER.budget_granted] = granted_total
    _budget_change(batch, event, "withdrawn", amount, None, treasurer)


@handles("TaskCommissioned", _task_row)
def _task_commissioned(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    task_id, reward, slots, deadline, duration, neighbourhood, cid, manager = event.args
    block = event.block_number
    batch.put(
        "tasks",
        (task_id,),
        TASK.new(
            task_id=task_id,
            reward=reward,
            slots=slots,
            slots_open=slots,
            claim_deadline=deadline,
            claim_duration=duration,
            neighbourhood=neighbourhood,
            status=TaskStatus.OPEN,
            metadata_cid=cid,
            task_manager=manager,
            commissioned_block=block,
            commissioned_tx=event.tx_hash,
            updated_block=block,
        ),
    )
    escrow = reward * slots
    ledger = batch.ledger()
    ledger[LEDGER.budget_available] -= escrow
    ledger[LEDGER.escrow_locked] += escrow
    ledger[LEDGER.tasks] += 1
    _budget_change(batch, event, "locked", escrow, task_id, manager)


def _task_ended(batch: Batch, event: Event, status: TaskStatus) -> None:
    """TaskCancelled, TaskClosed: no slot left open, the unspent escrow back to the budget."""
    task_id, returned, actor = event.args
    block = event.block_number
    row = batch.must("tasks", (task_id,))
    row[TASK.status] = status
    row[TASK.slots_open] = 0
    row[TASK.returned] = returned
    row[TASK.ended_block] = block
    row[TASK.updated_block] = block
    ledger = batch.ledger()
    ledger[LEDGER.escrow_locked] -= returned
    ledger[LEDGER.budget_available] += returned
    _budget_change(batch, event, "returned", returned, task_id, actor)


@handles("TaskCancelled", _task_row)
def _task_cancelled(batch: Batch, events: Sequence[Event], index: int) -> None:
    _task_ended(batch, events[index], TaskStatus.CANCELLED)


@handles("TaskClosed", _task_row)
def _task_closed(batch: Batch, events: Sequence[Event], index: int) -> None:
    _task_ended(batch, events[index], TaskStatus.CLOSED)


# ---------------------------------------------------------------- claims
@handles("TaskClaimed", _claim_rows)
def _task_claimed(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    task_id, citizen_id, wallet, reward, expires_at = event.args
    block = event.block_number
    batch.put(
        "claims",
        (task_id, citizen_id),
        CLAIM.new(
            task_id=task_id,
            citizen_id=citizen_id,
            wallet=wallet,
            status=ClaimStatus.CLAIMED,
            expires_at=expires_at,
            reward=reward,
            rejected_by=ZERO,
            claimed_block=block,
            updated_block=block,
        ),
    )
    citizen = batch.must("citizens", (citizen_id,))
    citizen[CITIZEN.reserved] += reward
    citizen[CITIZEN.open_claims] += 1
    citizen[CITIZEN.updated_block] = block
    task = batch.must("tasks", (task_id,))
    if task[TASK.slots_open] <= 0:
        raise IntegrityError(f"block {block}: task {task_id} claimed with no open slot")
    task[TASK.slots_open] -= 1
    task[TASK.updated_block] = block


def _claim(batch: Batch, task_id: int, citizen_id: int, block: int) -> Row:
    """The claim row for changing (it must exist), marked changed in ``block``."""
    row = batch.must("claims", (task_id, citizen_id))
    row[CLAIM.updated_block] = block
    return row


@handles("EvidenceSubmitted", _claim_row)
def _evidence_submitted(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    task_id, citizen_id, wallet, cid = event.args
    block = event.block_number
    row = _claim(batch, task_id, citizen_id, block)
    row[CLAIM.status] = ClaimStatus.SUBMITTED
    row[CLAIM.evidence_cid] = cid
    batch.history["submissions"].append(
        (block, event.log_index, event.tx_hash, task_id, citizen_id, wallet, cid)
    )


def _approval_rows(args: tuple[Any, ...], timestamp: int) -> list[tuple[str, Key]]:
    task_id, citizen_id = args[0], args[1]
    return [
        ("claims", (task_id, citizen_id)),
        ("citizens", (citizen_id,)),
        ("earnings", (citizen_id, *amsterdam_period(timestamp))),
    ]


@handles("SubmissionApproved", _approval_rows)
def _submission_approved(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    task_id, citizen_id, reviewer = event.args
    block, tx = event.block_number, event.tx_hash
    row = _claim(batch, task_id, citizen_id, block)
    reward = row[CLAIM.reward]
    mint = events[index - 1] if index > 0 else None  # Transfer(0 -> citizen) of the same call
    if mint is None or mint.name != "Transfer" or mint.tx_hash != tx or mint.args[2] != reward:
        raise IntegrityError(f"block {block}: approval of ({task_id}, {citizen_id}) without mint")
    row[CLAIM.status] = ClaimStatus.PAID
    citizen = batch.must("citizens", (citizen_id,))
    citizen[CITIZEN.reserved] -= reward
    citizen[CITIZEN.open_claims] -= 1
    citizen[CITIZEN.updated_block] = block
    year, month = amsterdam_period(event.timestamp)
    key = (citizen_id, year, month)
    earned = batch.mut("earnings", key) or batch.put(
        "earnings", key, EARNINGS.new(citizen_id=citizen_id, year=year, month=month)
    )
    earned[EARNINGS.amount] += reward
    earned[EARNINGS.tasks_paid] += 1
    earned[EARNINGS.updated_block] = block
    batch.history["reviews"].append(
        (block, event.log_index, tx, task_id, citizen_id, reviewer, "approved", 0, 0, reward)
    )


@handles("SubmissionRejected", _claim_row)
def _submission_rejected(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    task_id, citizen_id, reviewer, reason, expires_at = event.args
    block = event.block_number
    row = _claim(batch, task_id, citizen_id, block)
    row[CLAIM.status] = ClaimStatus.REJECTED
    row[CLAIM.expires_at] = expires_at
    row[CLAIM.reason] = reason
    row[CLAIM.rejected_by] = reviewer
    row[CLAIM.rejections] += 1
    batch.history["reviews"].append(
        (
            block,
            event.log_index,
            event.tx_hash,
            task_id,
            citizen_id,
            reviewer,
            "rejected",
            reason,
            expires_at,
            0,
        )
    )


@handles("AppealFiled", _claim_row)
def _appeal_filed(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    task_id, citizen_id, wallet = event.args
    block = event.block_number
    row = _claim(batch, task_id, citizen_id, block)
    row[CLAIM.status] = ClaimStatus.APPEALED
    row[CLAIM.appealed] = True
    batch.history["appeals"].append(
        (block, event.log_index, event.tx_hash, task_id, citizen_id, wallet, "filed", "0")
    )


@handles("AppealDecided", _claim_row)
def _appeal_decided(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    task_id, citizen_id, reviewer, granted, reason = event.args
    block = event.block_number
    row = _claim(batch, task_id, citizen_id, block)
    if granted:  # SubmissionApproved follows and pays
        row[CLAIM.status] = ClaimStatus.SUBMITTED
    decision = "granted" if granted else "denied"
    batch.history["appeals"].append(
        (
            block,
            event.log_index,
            event.tx_hash,
            task_id,
            citizen_id,
            reviewer,
            decision,
            str(reason),
        )
    )


@handles("ClaimReleased", _claim_rows)
def _claim_released(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    task_id, citizen_id, caller, reason, returned = event.args
    block = event.block_number
    row = _claim(batch, task_id, citizen_id, block)
    if reason not in RELEASED_STATUS:
        raise IntegrityError(f"block {block}: unknown release cause {reason}")
    row[CLAIM.status] = RELEASED_STATUS[reason]
    reward = row[CLAIM.reward]
    citizen = batch.must("citizens", (citizen_id,))
    citizen[CITIZEN.reserved] -= reward
    citizen[CITIZEN.open_claims] -= 1
    citizen[CITIZEN.updated_block] = block
    if returned == 0:  # the slot reopened (a reward is never 0)
        task = batch.must("tasks", (task_id,))
        task[TASK.slots_open] += 1
        task[TASK.updated_block] = block
    else:
        ledger = batch.ledger()
        ledger[LEDGER.escrow_locked] -= returned
        ledger[LEDGER.budget_available] += returned
        _budget_change(batch, event, "returned", returned, task_id, caller)
    batch.history["releases"].append(
        (block, event.log_index, event.tx_hash, task_id, citizen_id, caller, reason, returned)
    )


@handles(UNDECODABLE, _no_rows)
def _undecodable(batch: Batch, events: Sequence[Event], index: int) -> None:
    raise IntegrityError(Undecodable(*events[index].args).reason)


# ---------------------------------------------------------------- redemption
@handles("RedemptionRequested", _redemption_row)
def _redemption_requested(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    redemption_id, merchant, amount = event.args
    batch.put(
        "redemptions",
        (redemption_id,),
        REDEMPTION.new(
            redemption_id=redemption_id,
            merchant=merchant,
            merchant_id=batch.account(merchant)[ACCOUNT.holder_id],
            amount=amount,
            status=RequestStatus.OPEN,
            requested_block=event.block_number,
            requested_tx=event.tx_hash,
        ),
    )
    batch.ledger()[LEDGER.redemptions_requested] += amount


@handles("RedemptionPaid", _redemption_row)
def _redemption_paid(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    redemption_id, _merchant, amount, reference, treasurer = event.args
    row = batch.must("redemptions", (redemption_id,))
    row[REDEMPTION.status] = RequestStatus.PAID
    row[REDEMPTION.paid_block] = event.block_number
    row[REDEMPTION.paid_tx] = event.tx_hash
    row[REDEMPTION.payment_reference] = reference
    row[REDEMPTION.treasurer] = treasurer
    batch.ledger()[LEDGER.redemptions_paid] += amount


# =========================================================================== applying
def apply(batch: Batch, events: Sequence[Event]) -> None:
    """Applies decoded events, in chain order, to the batch; records those of
    ``batch.unplaceable`` as unplaced instead. Raises ``Unplaceable`` (the batch is half-changed
    then) for an event it cannot place."""
    batch.store.warm_once(batch.conn)
    if not batch.store.complete:
        _prefetch_rows(batch, events)
    handlers = HANDLERS
    skip = batch.unplaceable
    for index, event in enumerate(events):
        handler = handlers.get(event.name)
        if handler is None:
            continue
        block = batch.block = event.block_number
        if skip and (block, event.log_index) in skip:
            batch.unplace(event, *skip[block, event.log_index])
            continue
        try:
            handler(batch, events, index)
        except IntegrityError as error:
            cause = "undecodable" if event.name == UNDECODABLE else "inconsistent"
            raise Unplaceable(event, cause, str(error)) from error
        except HANDLER_ERRORS as error:
            reason = f"{type(error).__name__}: {error}"
            raise Unplaceable(event, "handler_error", reason) from error


def _prefetch_rows(batch: Batch, events: Sequence[Event]) -> None:
    """Reads the rows the events will touch in a few queries (an incomplete cache only)."""
    wanted: dict[str, set[Key]] = {name: set() for name in STATE_NAMES}
    wanted["ledger"].add(LEDGER_KEY)
    for event in events:
        keys_of = KEYS.get(event.name)
        if keys_of is not None:
            for table, key in keys_of(event.args, event.timestamp):
                wanted[table].add(key)
    batch.prefetch(wanted)


def count_unplaced(conn: Connection) -> int:
    """How many confirmed events ``unplaced_events`` holds."""
    return int(conn.exec_driver_sql("SELECT COUNT(*) FROM unplaced_events").scalar_one())
