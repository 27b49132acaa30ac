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
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import orjson
from sqlalchemy import Table
from sqlalchemy.engine import Connection, Engine

from indexer import schema
from indexer.db import TableSql, bulk, sql_for
from wesh import deadlines
from wesh.events import by_name

ZERO = "0x" + "0" * 40
AMSTERDAM = ZoneInfo("Europe/Amsterdam")

# ClaimStatus, TaskStatus, RequestStatus of wesh.contract (plain ints on the hot path).
CLAIM_CLAIMED, CLAIM_SUBMITTED, CLAIM_REJECTED, CLAIM_APPEALED = 1, 2, 3, 4
CLAIM_PAID, CLAIM_EXPIRED, CLAIM_ABANDONED, CLAIM_DENIED = 5, 6, 7, 8
RELEASE_STATUS = {1: CLAIM_EXPIRED, 2: CLAIM_ABANDONED, 3: CLAIM_DENIED}
TASK_OPEN, TASK_CANCELLED, TASK_CLOSED = 1, 2, 3
REQUEST_OPEN, REQUEST_PAID = 1, 2
LEDGER_KEY = (1,)

Key = tuple[Any, ...]
_MISSING: Any = object()
Row = list[Any]
#: A decoded event: (name, args, block_number, log_index, tx_hash, timestamp).
Event = tuple[str, tuple[Any, ...], int, int, str, int]


class IntegrityError(RuntimeError):
    """The events contradict each other (a bug or a node serving a broken chain)."""


#: The name of the event ``indexer.sync`` makes of a log it cannot decode; its args are (the name
#: its topic0 stands for, why, topics, data).
UNDECODABLE = "(undecodable)"
#: What a handler may raise on an event it cannot place, besides IntegrityError: an error of the
#: handler itself (the database's errors are none of these: they stop the indexer as before).
HANDLER_ERRORS = (LookupError, TypeError, ValueError, ArithmeticError)
#: An event's position: (block number, log index).
Position = tuple[int, int]


class Unplaceable(Exception):
    """``apply`` could not place ``event``: the batch is half-changed and must be thrown away.

    ``cause`` is ``inconsistent`` (an IntegrityError: the event contradicts the index),
    ``undecodable`` (its log does not have the layout its topic0 promises) or ``handler_error``
    (its handler failed otherwise: most likely a bug of the indexer)."""

    def __init__(self, event: Event, cause: str, reason: str) -> None:
        super().__init__(f"block {event[2]} log {event[3]} ({event[0]}): {cause}: {reason}")
        self.event = event
        self.cause = cause
        self.reason = reason


@lru_cache(maxsize=65_536)
def amsterdam_period(timestamp: int) -> tuple[int, int]:
    """The Europe/Amsterdam (year, month) of a timestamp: the contract's cap calendar."""
    moment = datetime.fromtimestamp(timestamp, AMSTERDAM)
    return moment.year, moment.month


class Cols:
    """Column positions of a table: ``A.balance`` is the index of ``balance`` in a row."""

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


A = Cols(schema.accounts)
CZ = Cols(schema.citizens)
M = Cols(schema.merchants)
RL = Cols(schema.roles)
T = Cols(schema.tasks)
CL = Cols(schema.claims)
E = Cols(schema.earnings)
RD = Cols(schema.redemptions)
AP = Cols(schema.approvals)
L = Cols(schema.ledger)

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

    def unplace(self, ev: Event, cause: str, reason: str) -> None:
        """Records an event as unplaced (a history row: rolled back with its block)."""
        name, args, block, log_index, tx, timestamp = ev
        if name == UNDECODABLE:
            name, _, topics, data = args
            shown: Any = {"topics": topics, "data": data}
        else:
            spec = by_name().get(name)
            values = [_json_value(v) for v in args]
            shown = dict(zip(spec.arg_names, values, strict=True)) if spec else values
        self.history["unplaced_events"].append(
            (
                block,
                log_index,
                tx,
                self.hashes.get(block, ""),
                timestamp,
                name,
                json.dumps(shown),
                cause,
                reason,
            )
        )
        self.unplaced += 1

    def ledger(self) -> Row:
        row = self.mut("ledger", LEDGER_KEY)
        if row is None:
            row = self.put("ledger", LEDGER_KEY, L.new(id=1))
        row[L.updated_block] = self.block
        return row

    def account(self, address: str) -> Row:
        row = self.mut("accounts", (address,))
        if row is None:
            row = self.put("accounts", (address,), A.new(address=address, first_block=self.block))
        row[A.updated_block] = self.block
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
Handler = Callable[[Batch, list[Event], int], None]
HANDLERS: dict[str, Handler] = {}
#: Event name -> function giving the (table, key) pairs the event will read (from its args and
#: its block timestamp), for prefetching.
KEYS: dict[str, Callable[[tuple[Any, ...], int], list[tuple[str, Key]]]] = {}


def handles(name: str, keys: Callable[..., list[tuple[str, Key]]]) -> Any:
    def register(fn: Handler) -> Handler:
        HANDLERS[name] = fn
        KEYS[name] = keys
        return fn

    return register


def _acc(*positions: int) -> Callable[..., list[tuple[str, Key]]]:
    return lambda a, _t: [("accounts", (a[p],)) for p in positions]


def _none(_a: tuple[Any, ...], _t: int) -> list[tuple[str, Key]]:
    return []


def _claim_keys(a: tuple[Any, ...], _t: int) -> list[tuple[str, Key]]:
    return [("claims", (a[0], a[1])), ("citizens", (a[1],)), ("tasks", (a[0],))]


# ---------------------------------------------------------------- token
@handles("Transfer", _acc(0, 1))
def _transfer(b: Batch, evs: list[Event], i: int) -> None:
    _, (sender, receiver, value), block, log_index, tx, _ = evs[i]
    nxt = evs[i + 1] if i + 1 < len(evs) else None
    follows = nxt[0] if nxt is not None and nxt[4] == tx and nxt[3] == log_index + 1 else ""
    led = b.ledger() if sender == ZERO or receiver == ZERO else None
    if sender == ZERO:
        kind = "mint"
        assert led is not None
        led[L.total_supply] += value
        led[L.total_minted] += value
        led[L.escrow_locked] -= value
    else:
        row = b.account(sender)
        if row[A.balance] < value:
            raise IntegrityError(
                f"block {block}: transfer of {value} from {sender} exceeds balance"
            )
        row[A.balance] -= value
        if receiver == ZERO:
            kind = "burn"
            assert led is not None
            led[L.total_supply] -= value
            led[L.total_burned] += value
        elif follows == "CitizenMoved":
            kind = "move"
        elif follows == "Payment" or row[A.is_citizen]:
            kind = "payment"
        else:
            kind = "refund"
    if receiver != ZERO:
        b.account(receiver)[A.balance] += value
    b.history["transfers"].append((block, log_index, tx, sender, receiver, value, kind))
    if kind == "payment":
        reference = evs[i + 1][1][1] if follows == "Payment" else None
        b.history["payments"].append((block, log_index, tx, sender, receiver, value, reference))


@handles("Payment", _none)
def _payment(b: Batch, evs: list[Event], i: int) -> None:
    # Written with the Transfer right before it (which carries payer and amount).
    _, (merchant, _reference), block, log_index, tx, _ = evs[i]
    prev = evs[i - 1] if i > 0 else None
    if prev is None or prev[0] != "Transfer" or prev[4] != tx or prev[1][1] != merchant:
        raise IntegrityError(f"block {block} log {log_index}: Payment without its Transfer")


@handles("Approval", _none)
def _approval(b: Batch, evs: list[Event], i: int) -> None:
    _, (owner, spender, value), block, *_ = evs[i]
    b.put(
        "approvals",
        (owner, spender),
        AP.new(owner=owner, spender=spender, value=str(value), updated_block=block),
    )


# ---------------------------------------------------------------- admin
@handles("Paused", _none)
def _paused(b: Batch, evs: list[Event], i: int) -> None:
    timestamp = evs[i][5]
    ledger = b.ledger()
    ledger[L.paused] = True
    # As Heitje.set_paused: a pause within the grace of the last one extends from its start.
    if not deadlines.in_grace(timestamp, ledger[L.resumed_at]):
        ledger[L.pause_grace_from] = timestamp


@handles("Unpaused", _none)
def _unpaused(b: Batch, evs: list[Event], i: int) -> None:
    ledger = b.ledger()
    ledger[L.paused] = False
    ledger[L.resumed_at] = evs[i][5]


def caps_in_force(row: Row | tuple[Any, ...], year: int) -> tuple[int, int, int, int, int]:
    """(yearly, monthly, next_yearly, next_monthly, next_from_year) as the contract's
    ``_current_caps`` sees them in ``year``: a scheduled change applies from its year on."""
    yearly, monthly = row[L.cap_yearly], row[L.cap_monthly]
    nxt_y, nxt_m, nxt_from = (
        row[L.cap_next_yearly],
        row[L.cap_next_monthly],
        row[L.cap_next_from_year],
    )
    if nxt_from != 0 and year >= nxt_from:
        return nxt_y, nxt_m, 0, 0, 0
    return yearly, monthly, nxt_y, nxt_m, nxt_from


@handles("CapsChanged", _none)
def _caps(b: Batch, evs: list[Event], i: int) -> None:
    _, (yearly, monthly, from_year, _admin), _, _, _, timestamp = evs[i]
    led = b.ledger()
    if from_year == 0:  # the constructor: in force from the start
        led[L.cap_yearly], led[L.cap_monthly] = yearly, monthly
        return
    year, _ = amsterdam_period(timestamp)
    current = caps_in_force(led, year)
    led[L.cap_yearly], led[L.cap_monthly] = current[0], current[1]
    led[L.cap_next_yearly], led[L.cap_next_monthly] = yearly, monthly
    led[L.cap_next_from_year] = from_year


@handles("MaxOpenClaimsChanged", _none)
def _max_open(b: Batch, evs: list[Event], i: int) -> None:
    b.ledger()[L.max_open_claims] = evs[i][1][0]


@handles("RoleGranted", lambda a, _t: [("roles", (a[1],))])
def _role_granted(b: Batch, evs: list[Event], i: int) -> None:
    _, (role, account, _sender), block, *_ = evs[i]
    row = b.mut("roles", (account,)) or b.put("roles", (account,), RL.new(account=account))
    row[RL.roles] |= role
    row[RL.updated_block] = block


@handles("RoleRevoked", lambda a, _t: [("roles", (a[1],))])
def _role_revoked(b: Batch, evs: list[Event], i: int) -> None:
    _, (role, account, _sender), block, *_ = evs[i]
    row = b.mut("roles", (account,)) or b.put("roles", (account,), RL.new(account=account))
    row[RL.roles] &= ~role
    row[RL.updated_block] = block


@handles("RedemptionContractSet", _none)
def _redemption_set(b: Batch, evs: list[Event], i: int) -> None:
    b.ledger()[L.redemption_contract] = evs[i][1][0]


# ---------------------------------------------------------------- registry
@handles("CitizenRegistered", lambda a, _t: [("citizens", (a[0],)), ("accounts", (a[1],))])
def _citizen_registered(b: Batch, evs: list[Event], i: int) -> None:
    _, (citizen_id, wallet, neighbourhood, _registrar), block, *_ = evs[i]
    b.put(
        "citizens",
        (citizen_id,),
        CZ.new(
            citizen_id=citizen_id,
            wallet=wallet,
            neighbourhood=neighbourhood,
            active=True,
            registered_block=block,
            updated_block=block,
        ),
    )
    acc = b.account(wallet)
    acc[A.is_citizen] = True
    acc[A.holder_id] = citizen_id
    b.ledger()[L.citizens] += 1


@handles("CitizenNeighbourhoodChanged", lambda a, _t: [("citizens", (a[0],))])
def _citizen_neighbourhood(b: Batch, evs: list[Event], i: int) -> None:
    _, (citizen_id, _wallet, neighbourhood, _registrar), block, *_ = evs[i]
    row = b.must("citizens", (citizen_id,))
    row[CZ.neighbourhood] = neighbourhood
    row[CZ.updated_block] = block


@handles("CitizenActiveChanged", lambda a, _t: [("citizens", (a[0],))])
def _citizen_active(b: Batch, evs: list[Event], i: int) -> None:
    _, (citizen_id, _wallet, active, _registrar), block, *_ = evs[i]
    row = b.must("citizens", (citizen_id,))
    row[CZ.active] = active
    row[CZ.updated_block] = block


@handles(
    "CitizenMoved",
    lambda a, _t: [("citizens", (a[0],)), ("accounts", (a[1],)), ("accounts", (a[2],))],
)
def _citizen_moved(b: Batch, evs: list[Event], i: int) -> None:
    _, (citizen_id, old, new, balance, registrar), block, log_index, tx, _ = evs[i]
    row = b.must("citizens", (citizen_id,))
    row[CZ.wallet] = new
    row[CZ.updated_block] = block
    before = b.account(old)
    before[A.is_citizen] = False
    before[A.moved] = True
    before[A.holder_id] = 0
    before[A.moved_to] = new
    after = b.account(new)
    after[A.is_citizen] = True
    after[A.holder_id] = citizen_id
    b.history["citizen_moves"].append(
        (block, log_index, tx, citizen_id, old, new, balance, registrar)
    )


@handles("MerchantRegistered", lambda a, _t: [("merchants", (a[0],)), ("accounts", (a[1],))])
def _merchant_registered(b: Batch, evs: list[Event], i: int) -> None:
    _, (merchant_id, wallet, cid, _manager), block, *_ = evs[i]
    b.put(
        "merchants",
        (merchant_id,),
        M.new(
            merchant_id=merchant_id,
            wallet=wallet,
            metadata_cid=cid,
            active=True,
            registered_block=block,
            updated_block=block,
        ),
    )
    acc = b.account(wallet)
    acc[A.is_merchant] = True
    acc[A.holder_id] = merchant_id
    b.ledger()[L.merchants] += 1


@handles("MerchantUpdated", lambda a, _t: [("merchants", (a[0],))])
def _merchant_updated(b: Batch, evs: list[Event], i: int) -> None:
    _, (merchant_id, _wallet, cid, _manager), block, *_ = evs[i]
    row = b.must("merchants", (merchant_id,))
    row[M.metadata_cid] = cid
    row[M.updated_block] = block


@handles("MerchantActiveChanged", lambda a, _t: [("merchants", (a[0],))])
def _merchant_active(b: Batch, evs: list[Event], i: int) -> None:
    _, (merchant_id, _wallet, active, _manager), block, *_ = evs[i]
    row = b.must("merchants", (merchant_id,))
    row[M.active] = active
    row[M.updated_block] = block


# ---------------------------------------------------------------- budget and tasks
def _budget(
    b: Batch, evs: list[Event], i: int, kind: str, amount: int, task_id: int | None, actor: str
) -> None:
    _, _, block, log_index, tx, _ = evs[i]
    b.history["budget_changes"].append((block, log_index, tx, kind, amount, task_id, actor))


@handles("BudgetGranted", _none)
def _budget_granted(b: Batch, evs: list[Event], i: int) -> None:
    amount, granted_total, treasurer = evs[i][1]
    led = b.ledger()
    led[L.budget_available] += amount
    led[L.budget_granted] = granted_total
    _budget(b, evs, i, "granted", amount, None, treasurer)


@handles("BudgetWithdrawn", _none)
def _budget_withdrawn(b: Batch, evs: list[Event], i: int) -> None:
    amount, granted_total, treasurer = evs[i][1]
    led = b.ledger()
    led[L.budget_available] -= amount
    led[L.budget_granted] = granted_total
    _budget(b, evs, i, "withdrawn", amount, None, treasurer)


@handles("TaskCommissioned", lambda a, _t: [("tasks", (a[0],))])
def _task_commissioned(b: Batch, evs: list[Event], i: int) -> None:
    _, args, block, _, tx, _ = evs[i]
    task_id, reward, slots, deadline, duration, neighbourhood, cid, manager = args
    b.put(
        "tasks",
        (task_id,),
        T.new(
            task_id=task_id,
            reward=reward,
            slots=slots,
            slots_open=slots,
            claim_deadline=deadline,
            claim_duration=duration,
            neighbourhood=neighbourhood,
            status=TASK_OPEN,
            metadata_cid=cid,
            task_manager=manager,
            commissioned_block=block,
            commissioned_tx=tx,
            updated_block=block,
        ),
    )
    cost = reward * slots
    led = b.ledger()
    led[L.budget_available] -= cost
    led[L.escrow_locked] += cost
    led[L.tasks] += 1
    _budget(b, evs, i, "locked", cost, task_id, manager)


def _task_ended(b: Batch, evs: list[Event], i: int, status: int) -> None:
    _, (task_id, returned, actor), block, *_ = evs[i]
    row = b.must("tasks", (task_id,))
    row[T.status] = status
    row[T.slots_open] = 0
    row[T.returned] = returned
    row[T.ended_block] = block
    row[T.updated_block] = block
    led = b.ledger()
    led[L.escrow_locked] -= returned
    led[L.budget_available] += returned
    _budget(b, evs, i, "returned", returned, task_id, actor)


@handles("TaskCancelled", lambda a, _t: [("tasks", (a[0],))])
def _task_cancelled(b: Batch, evs: list[Event], i: int) -> None:
    _task_ended(b, evs, i, TASK_CANCELLED)


@handles("TaskClosed", lambda a, _t: [("tasks", (a[0],))])
def _task_closed(b: Batch, evs: list[Event], i: int) -> None:
    _task_ended(b, evs, i, TASK_CLOSED)


# ---------------------------------------------------------------- claims
@handles("TaskClaimed", _claim_keys)
def _task_claimed(b: Batch, evs: list[Event], i: int) -> None:
    _, (task_id, citizen_id, wallet, reward, expires_at), block, *_ = evs[i]
    b.put(
        "claims",
        (task_id, citizen_id),
        CL.new(
            task_id=task_id,
            citizen_id=citizen_id,
            wallet=wallet,
            status=CLAIM_CLAIMED,
            expires_at=expires_at,
            reward=reward,
            rejected_by=ZERO,
            claimed_block=block,
            updated_block=block,
        ),
    )
    citizen = b.must("citizens", (citizen_id,))
    citizen[CZ.reserved] += reward
    citizen[CZ.open_claims] += 1
    citizen[CZ.updated_block] = block
    task = b.must("tasks", (task_id,))
    if task[T.slots_open] <= 0:
        raise IntegrityError(f"block {block}: task {task_id} claimed with no open slot")
    task[T.slots_open] -= 1
    task[T.updated_block] = block


def _claim(b: Batch, task_id: int, citizen_id: int, block: int) -> Row:
    row = b.must("claims", (task_id, citizen_id))
    row[CL.updated_block] = block
    return row


@handles("EvidenceSubmitted", lambda a, _t: [("claims", (a[0], a[1]))])
def _evidence(b: Batch, evs: list[Event], i: int) -> None:
    _, (task_id, citizen_id, wallet, cid), block, log_index, tx, _ = evs[i]
    row = _claim(b, task_id, citizen_id, block)
    row[CL.status] = CLAIM_SUBMITTED
    row[CL.evidence_cid] = cid
    b.history["submissions"].append((block, log_index, tx, task_id, citizen_id, wallet, cid))


@handles(
    "SubmissionApproved",
    lambda a, t: [
        ("claims", (a[0], a[1])),
        ("citizens", (a[1],)),
        ("earnings", (a[1], *amsterdam_period(t))),
    ],
)
def _approved(b: Batch, evs: list[Event], i: int) -> None:
    _, (task_id, citizen_id, reviewer), block, log_index, tx, timestamp = evs[i]
    row = _claim(b, task_id, citizen_id, block)
    reward = row[CL.reward]
    prev = evs[i - 1] if i > 0 else None
    if prev is None or prev[0] != "Transfer" or prev[4] != tx or prev[1][2] != reward:
        raise IntegrityError(f"block {block}: approval of ({task_id}, {citizen_id}) without mint")
    row[CL.status] = CLAIM_PAID
    citizen = b.must("citizens", (citizen_id,))
    citizen[CZ.reserved] -= reward
    citizen[CZ.open_claims] -= 1
    citizen[CZ.updated_block] = block
    year, month = amsterdam_period(timestamp)
    key = (citizen_id, year, month)
    earned = b.mut("earnings", key) or b.put(
        "earnings", key, E.new(citizen_id=citizen_id, year=year, month=month)
    )
    earned[E.amount] += reward
    earned[E.tasks_paid] += 1
    earned[E.updated_block] = block
    b.history["reviews"].append(
        (block, log_index, tx, task_id, citizen_id, reviewer, "approved", 0, 0, reward)
    )


@handles("SubmissionRejected", lambda a, _t: [("claims", (a[0], a[1]))])
def _rejected(b: Batch, evs: list[Event], i: int) -> None:
    _, (task_id, citizen_id, reviewer, reason, expires_at), block, log_index, tx, _ = evs[i]
    row = _claim(b, task_id, citizen_id, block)
    row[CL.status] = CLAIM_REJECTED
    row[CL.expires_at] = expires_at
    row[CL.reason] = reason
    row[CL.rejected_by] = reviewer
    row[CL.rejections] += 1
    b.history["reviews"].append(
        (block, log_index, tx, task_id, citizen_id, reviewer, "rejected", reason, expires_at, 0)
    )


@handles("AppealFiled", lambda a, _t: [("claims", (a[0], a[1]))])
def _appeal_filed(b: Batch, evs: list[Event], i: int) -> None:
    _, (task_id, citizen_id, wallet), block, log_index, tx, _ = evs[i]
    row = _claim(b, task_id, citizen_id, block)
    row[CL.status] = CLAIM_APPEALED
    row[CL.appealed] = True
    b.history["appeals"].append((block, log_index, tx, task_id, citizen_id, wallet, "filed", "0"))


@handles("AppealDecided", lambda a, _t: [("claims", (a[0], a[1]))])
def _appeal_decided(b: Batch, evs: list[Event], i: int) -> None:
    _, (task_id, citizen_id, reviewer, granted, reason), block, log_index, tx, _ = evs[i]
    row = _claim(b, task_id, citizen_id, block)
    if granted:  # SubmissionApproved follows and pays
        row[CL.status] = CLAIM_SUBMITTED
    kind = "granted" if granted else "denied"
    b.history["appeals"].append(
        (block, log_index, tx, task_id, citizen_id, reviewer, kind, str(reason))
    )


@handles("ClaimReleased", _claim_keys)
def _released(b: Batch, evs: list[Event], i: int) -> None:
    _, (task_id, citizen_id, caller, cause, returned), block, log_index, tx, _ = evs[i]
    row = _claim(b, task_id, citizen_id, block)
    if cause not in RELEASE_STATUS:
        raise IntegrityError(f"block {block}: unknown release cause {cause}")
    row[CL.status] = RELEASE_STATUS[cause]
    reward = row[CL.reward]
    citizen = b.must("citizens", (citizen_id,))
    citizen[CZ.reserved] -= reward
    citizen[CZ.open_claims] -= 1
    citizen[CZ.updated_block] = block
    if returned == 0:  # the slot reopened (a reward is never 0)
        task = b.must("tasks", (task_id,))
        task[T.slots_open] += 1
        task[T.updated_block] = block
    else:
        led = b.ledger()
        led[L.escrow_locked] -= returned
        led[L.budget_available] += returned
        _budget(b, evs, i, "returned", returned, task_id, caller)
    b.history["releases"].append(
        (block, log_index, tx, task_id, citizen_id, caller, cause, returned)
    )


@handles(UNDECODABLE, _none)
def _undecodable(b: Batch, evs: list[Event], i: int) -> None:
    raise IntegrityError(evs[i][1][1])


# ---------------------------------------------------------------- redemption
@handles("RedemptionRequested", lambda a, _t: [("redemptions", (a[0],))])
def _redemption_requested(b: Batch, evs: list[Event], i: int) -> None:
    _, (redemption_id, merchant, amount), block, _, tx, _ = evs[i]
    b.put(
        "redemptions",
        (redemption_id,),
        RD.new(
            redemption_id=redemption_id,
            merchant=merchant,
            amount=amount,
            status=REQUEST_OPEN,
            requested_block=block,
            requested_tx=tx,
        ),
    )
    b.ledger()[L.redemptions_requested] += amount


@handles("RedemptionPaid", lambda a, _t: [("redemptions", (a[0],))])
def _redemption_paid(b: Batch, evs: list[Event], i: int) -> None:
    _, (redemption_id, _merchant, amount, reference, treasurer), block, _, tx, _ = evs[i]
    row = b.must("redemptions", (redemption_id,))
    row[RD.status] = REQUEST_PAID
    row[RD.paid_block] = block
    row[RD.paid_tx] = tx
    row[RD.payment_reference] = reference
    row[RD.treasurer] = treasurer
    b.ledger()[L.redemptions_paid] += amount


def apply(b: Batch, evs: list[Event]) -> None:
    """Applies decoded events, in chain order, to the batch; records those of
    ``b.unplaceable`` as unplaced instead. Raises ``Unplaceable`` (the batch is half-changed
    then) for an event it cannot place."""
    b.store.warm_once(b.conn)
    if not b.store.complete:  # read the rows the batch will touch in a few queries
        wanted: dict[str, set[Key]] = {n: set() for n in STATE_NAMES}
        wanted["ledger"].add(LEDGER_KEY)
        for name, args, _, _, _, stamp in evs:
            keys = KEYS.get(name)
            if keys is not None:
                for table, key in keys(args, stamp):
                    wanted[table].add(key)
        b.prefetch(wanted)
    handlers = HANDLERS
    skip = b.unplaceable
    for i, ev in enumerate(evs):
        handler = handlers.get(ev[0])
        if handler is None:
            continue
        b.block = ev[2]
        if skip and (ev[2], ev[3]) in skip:
            b.unplace(ev, *skip[ev[2], ev[3]])
            continue
        try:
            handler(b, evs, i)
        except IntegrityError as error:
            cause = "undecodable" if ev[0] == UNDECODABLE else "inconsistent"
            raise Unplaceable(ev, cause, str(error)) from error
        except HANDLER_ERRORS as error:
            reason = f"{type(error).__name__}: {error}"
            raise Unplaceable(ev, "handler_error", reason) from error


def count_unplaced(conn: Connection) -> int:
    """How many confirmed events ``unplaced_events`` holds."""
    return int(conn.exec_driver_sql("SELECT COUNT(*) FROM unplaced_events").scalar_one())


def table_names() -> tuple[str, ...]:
    return STATE_NAMES + HISTORY_NAMES


def all_tables() -> Iterable[Table]:
    return schema.PROJECTION_TABLES
