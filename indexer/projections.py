"""Applying decoded events to the projection tables: exact, in chain order, in bulk.

How a batch of blocks is applied (all of it in ONE database transaction, with the cursor):

1. the rows the batch will touch are loaded in a few ``SELECT ... WHERE key IN (...)`` queries
   (``Store`` keeps a write-through cache of state rows, complete while it fits in memory, so
   a long catch-up does not read at all);
2. every event is applied in (block, log index) order to copies of those rows in memory: plain
   Python on lists, no ORM, no per-event SQL (``Batch``);
3. the history rows (raw logs, transfers, payments, ...) are written with one insert per table
   (``write_history``, after each range of a batch that spans several: see ``indexer.sync``),
   and the changed state rows as absolute values with one upsert per table, once per batch
   (``write_state``).

Writing absolute values computed from the committed state makes a batch idempotent: replaying it
after a crash starts from the same committed rows and writes the same values. For blocks near the
head, the first change of each row in each block is journaled (the row as it was) so that a
reorganisation can be rolled back exactly (``indexer.reorg``).

The same code computes the pending state: the unconfirmed blocks applied on top of the confirmed
rows, written to the ``pending_*`` twins instead and never merged into the cache.

An event the projections cannot place (it contradicts what the index holds, say a release of a
claim that has no row; its log cannot be decoded; its handler fails) makes ``apply`` raise
``Unplaceable``, with the batch half-changed: the caller throws the batch away (rolls its
transaction back) and applies the same events again with that event in ``Batch.unplaceable``,
which ``apply`` then records in ``unplaced_events`` instead of applying (``indexer.sync``;
docs/indexer.md, "Events it cannot place"). So a handler that fails half-way leaves nothing of
itself, and the handlers need no undo of their own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import Table
from sqlalchemy.engine import Connection, Engine

from indexer import schema
from indexer.db import TableSql, bulk, sql_for
from indexer.decoded import UNDECODABLE, Event, Position, Undecodable
from wesh import deadlines
from wesh.calendar import Caps, amsterdam_period
from wesh.events import by_name
from wesh.rules import RELEASED_STATUS, ClaimStatus, RequestStatus, TaskStatus

ZERO = "0x" + "0" * 40
LEDGER_KEY = (1,)

Key = tuple[Any, ...]
_MISSING: Any = object()
Row = list[Any]


class IntegrityError(RuntimeError):
    """The events contradict each other (a bug or a node serving a broken chain)."""


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


class Cols:
    """Column positions of a table: ``ACCOUNT.balance`` is the index of ``balance`` in a row of
    ``accounts`` (state rows are lists, for speed; see ``Batch``)."""

    def __init__(self, table: Table) -> None:
        self._names = [c.name for c in table.columns]
        for i, name in enumerate(self._names):
            setattr(self, name, i)
        defaults: list[Any] = []
        for column in table.columns:
            default = column.default.arg if column.default is not None else None  # type: ignore[attr-defined]
            defaults.append(default)
        self._template = defaults

    def __getattr__(self, name: str) -> int:
        # Only reached for a name that is not a column; declared so that type checkers know
        # every column attribute is an int.
        raise AttributeError(f"no column {name}")

    def new(self, **values: Any) -> Row:
        row = list(self._template)
        for name, value in values.items():
            row[getattr(self, name)] = value
        return row


# The columns of a row of each state table.
ACCOUNT = Cols(schema.accounts)
CITIZEN = Cols(schema.citizens)
MERCHANT = Cols(schema.merchants)
ROLES = Cols(schema.roles)
TASK = Cols(schema.tasks)
CLAIM = Cols(schema.claims)
EARNINGS = Cols(schema.earnings)
REDEMPTION = Cols(schema.redemptions)
APPROVAL = Cols(schema.approvals)
LEDGER = Cols(schema.ledger)

STATE_NAMES = tuple(t.name for t in schema.STATE_TABLES)
HISTORY_NAMES = tuple(t.name for t in schema.HISTORY_TABLES)


class Store:
    """Loads state rows, and caches them between batches (the indexer is the only writer).

    The cache only ever holds committed rows: a batch works on copies and ``commit`` merges them
    after the transaction committed; ``invalidate`` after a rollback or any failure.

    While the state tables hold at most ``MAX_CACHED`` rows (a city's worth: citizens, claims,
    accounts...), the first batch after an invalidation reads them all at once and the cache is
    *complete*: a key it does not hold has no row, so catching up never asks the database for
    rows one key at a time (most keys a batch touches are new: a new claim, a new month). Above
    that, rows are read per batch with ``SELECT ... WHERE key IN (...)``."""

    MAX_CACHED = 2_000_000

    def __init__(self, engine: Engine) -> None:
        self.sql: dict[str, TableSql] = {t.name: sql_for(engine, t) for t in schema.STATE_TABLES}
        self.cache: dict[str, dict[Key, Any]] = {n: {} for n in STATE_NAMES}
        self.size = 0
        #: Every row of every state table is in the cache.
        self.complete = False
        self._warm_tried = False

    def invalidate(self) -> None:
        for part in self.cache.values():
            part.clear()
        self.size = 0
        self.complete = False
        self._warm_tried = False

    def warm(self, conn: Connection) -> None:
        """Reads every state row into the cache if there are at most ``MAX_CACHED`` of them."""
        self._warm_tried = True
        counts = " + ".join(f"(SELECT COUNT(*) FROM {sql.qname})" for sql in self.sql.values())
        total = int(conn.exec_driver_sql(f"SELECT {counts}").scalar_one())
        if total > self.MAX_CACHED:
            return
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            for name, sql in self.sql.items():
                cache, npk = self.cache[name], sql.npk
                cursor.execute(sql.select_all)
                for row in cursor.fetchall():
                    cache[tuple(row[:npk])] = tuple(row)
        finally:
            cursor.close()
        self.size = sum(len(part) for part in self.cache.values())
        self.complete = True

    def warm_once(self, conn: Connection) -> None:
        """``warm`` unless tried since the last invalidation."""
        if not self._warm_tried:
            self.warm(conn)

    def load(self, conn: Connection, name: str, keys: Iterable[Key]) -> None:
        """Puts the committed rows of ``keys`` (None for no row) into an incomplete cache (a
        complete one needs no loading: see ``apply`` and ``Batch.mut``)."""
        cache = self.cache[name]
        missing = [k for k in set(keys) if k not in cache]
        if not missing:
            return
        self.size += len(missing)
        sql = self.sql[name]
        npk = sql.npk
        chunk = 400 if npk == 1 else 200
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            for i in range(0, len(missing), chunk):
                part = missing[i : i + chunk]
                params = [v for key in part for v in key]
                cursor.execute(sql.select_keys(len(part)), params)
                for row in cursor.fetchall():
                    cache[tuple(row[:npk])] = tuple(row)
                for key in part:
                    cache.setdefault(key, None)
        finally:
            cursor.close()

    def commit(self, rows: dict[str, dict[Key, Row | None]]) -> None:
        if self.size > self.MAX_CACHED:
            self.invalidate()
            return
        # The rows the batch changed become the cache's as they are: a batch is discarded after
        # its commit, and the next one copies a row before changing it (``Batch.mut``).
        for name, overlay in rows.items():
            if overlay:
                self.cache[name].update(overlay)
        self.size = sum(len(part) for part in self.cache.values())


class Batch:
    """The working set of one batch of blocks: copies of state rows, new history rows, journal."""

    def __init__(self, store: Store, conn: Connection, journal_above: int | None) -> None:
        self.store = store
        self.conn = conn
        #: Blocks above this number are journaled; None: none are (deep catch-up, pending).
        self.journal_above = journal_above
        #: Every state row the batch changed, by table and key, as it is now (None: a key
        #: ``mut`` found no row for and nothing created), in the order first touched.
        self.rows: dict[str, dict[Key, Row | None]] = {n: {} for n in STATE_NAMES}
        self.history: dict[str, list[tuple[Any, ...]]] = {n: [] for n in HISTORY_NAMES}
        self.journal: list[tuple[int, str, Key, tuple[Any, ...] | None]] = []
        self._journaled: dict[tuple[str, Key], int] = {}
        # Journal rows are numbered per block; a batch written in parts keeps counting.
        self._seq = 0
        self.block = 0
        #: Set per range by ``indexer.sync``: the block hashes, and the events ``apply`` records
        #: as unplaced instead of applying them: position -> (cause, reason).
        self.hashes: Mapping[int, str] = {}
        self.unplaceable: Mapping[Position, tuple[str, str]] = {}
        #: How many events the batch recorded as unplaced.
        self.unplaced = 0

    # ------------------------------------------------------------------ rows
    def mut(self, name: str, key: Key) -> Row | None:
        """The row for changing (the batch's copy, written back at the end; None: no such row
        yet), journaled at its first change in each block."""
        overlay = self.rows[name]
        row = overlay.get(key, _MISSING)
        if row is _MISSING:
            row = self._copy(overlay, name, key)
        above = self.journal_above
        if above is not None and self.block > above:
            mark = (name, key)
            if self._journaled.get(mark) != self.block:
                self._journaled[mark] = self.block
                self.journal.append((self.block, name, key, None if row is None else tuple(row)))
        return row

    def _copy(self, overlay: dict[Key, Row | None], name: str, key: Key) -> Row | None:
        """Copies the committed row of ``key`` (None: no row) into the batch."""
        cache = self.store.cache[name]
        base = cache.get(key, _MISSING)
        if base is _MISSING:
            if self.store.complete:  # not in a complete cache: no such row
                base = None
            else:
                self.store.load(self.conn, name, [key])
                base = cache[key]
        row = list(base) if base is not None else None  # type: ignore[arg-type]
        overlay[key] = row
        return row

    def put(self, name: str, key: Key, row: Row) -> Row:
        """Creates (or replaces) a row."""
        self.mut(name, key)
        self.rows[name][key] = row
        return row

    def must(self, name: str, key: Key) -> Row:
        row = self.mut(name, key)
        if row is None:
            raise IntegrityError(f"block {self.block}: no {name} row {key} for an event about it")
        return row

    def unplace(self, event: Event, cause: str, reason: str) -> None:
        """Records an event as unplaced (a history row: rolled back with its block)."""
        name = event.name
        if name == UNDECODABLE:
            undecodable = Undecodable(*event.args)
            name = undecodable.event
            shown: Any = {"topics": undecodable.topics, "data": undecodable.data}
        else:
            spec = by_name().get(name)
            values = [_json_value(v) for v in event.args]
            shown = dict(zip(spec.arg_names, values, strict=True)) if spec else values
        block = event.block_number
        self.history["unplaced_events"].append(
            (
                block,
                event.log_index,
                event.tx_hash,
                self.hashes.get(block, ""),
                event.timestamp,
                name,
                json.dumps(shown),
                cause,
                reason,
            )
        )
        self.unplaced += 1

    def ledger(self) -> Row:
        """The ledger row for changing (made at its first event), marked changed in this block."""
        row = self.mut("ledger", LEDGER_KEY)
        if row is None:
            row = self.put("ledger", LEDGER_KEY, LEDGER.new(id=1))
        row[LEDGER.updated_block] = self.block
        return row

    def account(self, address: str) -> Row:
        """The account row of ``address`` for changing (made at its first event), marked changed
        in this block."""
        row = self.mut("accounts", (address,))
        if row is None:
            new = ACCOUNT.new(address=address, first_block=self.block)
            row = self.put("accounts", (address,), new)
        row[ACCOUNT.updated_block] = self.block
        return row

    # -------------------------------------------------------------- writing
    def prefetch(self, wanted: dict[str, set[Key]]) -> None:
        for name, keys in wanted.items():
            if keys:
                self.store.load(self.conn, name, keys)

    def write_state(self, conn: Connection) -> int:
        """Writes the changed state rows (their values now); returns the row count."""
        written = 0
        for name in STATE_NAMES:
            # In the order the batch first touched them: close to key order in practice, which
            # keeps SQLite's B-tree writes local, without a sort.
            live = [row for row in self.rows[name].values() if row is not None]
            bulk(conn, self.store.sql[name], "upsert", live)
            written += len(live)
        return written

    def write_history(self, conn: Connection) -> int:
        """Writes the history rows and the journal collected so far, and forgets them (a batch
        that spans several ranges writes them range by range: see ``indexer.sync``)."""
        written = 0
        for name in HISTORY_NAMES:
            rows_h = self.history[name]
            if rows_h:
                bulk(conn, _history_sql(conn, name), "insert_ignore", rows_h)
                written += len(rows_h)
                self.history[name] = []
        if self.journal:
            # One journal row per (block, table): the keys and before-images of every row the
            # block changed in that table, as two JSON lists.
            groups: dict[tuple[int, str], tuple[list[Any], list[Any]]] = {}
            for block, name, key, before in self.journal:
                group_keys, group_befores = groups.setdefault((block, name), ([], []))
                group_keys.append(key)
                group_befores.append(before)
            entries = [
                (block, self._seq + seq, name, orjson.dumps(ks).decode(), orjson.dumps(bs).decode())
                for seq, ((block, name), (ks, bs)) in enumerate(groups.items())
            ]
            self._seq += len(entries)
            bulk(conn, _history_sql(conn, "journal"), "insert", entries)
            self.journal = []
        return written

    def write_pending(self, conn: Connection) -> None:
        """Writes the changed rows and history rows into the pending twins (emptied first)."""
        for name in (*STATE_NAMES, *HISTORY_NAMES):
            conn.exec_driver_sql(f"DELETE FROM {_pending_sql(conn, name).qname}")
        for name in STATE_NAMES:
            live = [row for row in self.rows[name].values() if row is not None]
            bulk(conn, _pending_sql(conn, name), "insert", live)
        for name in HISTORY_NAMES:
            bulk(conn, _pending_sql(conn, name), "insert", self.history[name])

    def commit(self) -> None:
        """After the transaction committed: the new rows become the cache's."""
        self.store.commit(self.rows)


def _json_value(value: Any) -> Any:
    """An argument as JSON shows it exactly (JavaScript reads integers above 2**53 wrongly)."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 2**53:
        return str(value)
    return value


_SQL: dict[tuple[str, str], TableSql] = {}


def _history_sql(conn: Connection, name: str) -> TableSql:
    key = (conn.dialect.name, name)
    if key not in _SQL:
        _SQL[key] = sql_for(conn, schema.table(name))
    return _SQL[key]


def _pending_sql(conn: Connection, name: str) -> TableSql:
    key = (conn.dialect.name, "pending_" + name)
    if key not in _SQL:
        _SQL[key] = sql_for(conn, schema.PENDING[name])
    return _SQL[key]


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
        elif followed_by == "CitizenMoved":
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
        batch.history["payments"].append((block, log_index, tx, sender, receiver, value, reference))


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


@handles("CitizenMoved", _citizen_and_wallets)
def _citizen_moved(batch: Batch, events: Sequence[Event], index: int) -> None:
    event = events[index]
    citizen_id, old, new, balance, registrar = event.args
    block = event.block_number
    row = batch.must("citizens", (citizen_id,))
    row[CITIZEN.wallet] = new
    row[CITIZEN.updated_block] = block
    before = batch.account(old)
    before[ACCOUNT.is_citizen] = False
    before[ACCOUNT.moved] = True
    before[ACCOUNT.holder_id] = 0
    before[ACCOUNT.moved_to] = new
    after = batch.account(new)
    after[ACCOUNT.is_citizen] = True
    after[ACCOUNT.holder_id] = citizen_id
    batch.history["citizen_moves"].append(
        (block, event.log_index, event.tx_hash, citizen_id, old, new, balance, registrar)
    )


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
