"""The indexer's SQL schema (SQLAlchemy Core), the same on SQLite and PostgreSQL.

Four kinds of table (see docs/indexer.md):

* **state** tables hold the current value of something the contracts keep (an account's balance,
  a claim's status, the ledger totals). One row per natural key; written as absolute values
  (upserts), and every change to a row in a block near the head is recorded first in ``journal``
  so that a reorganisation can put the old row back.
* **history** tables hold one row per event (``transfers``, ``payments``, ...), keyed by the
  event's position ``(block_number, log_index)``, and ``raw_logs`` one row per block: every raw
  log, for audit. A rollback deletes the rows above the common ancestor. ``unplaced_events`` is
  one of them: the events the projections could not apply (see ``indexer.projections.apply``
  and docs/indexer.md, "Events it cannot place").
* **pending** twins (``pending_<name>``) of both: what the unconfirmed blocks between the
  confirmed tip and the head change, rebuilt on every poll. Confirmed tables only ever receive
  confirmed blocks.
* **meta** tables: ``schema_version``, ``sync_state`` (the cursor, committed in the same
  transaction as the data), ``blocks`` (block-hash log) and ``journal`` (the undo log).

Amounts are cents (BIGINT: the contract bounds every total below 2**56). Addresses, hashes and
bytes32 values are lowercase ``0x`` hex text. The two uint256 fields the contracts leave unbounded
(an ERC-20 approval's value, the reason code of a granted appeal) are decimal text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    DDL,
    BigInteger,
    Boolean,
    Column,
    Float,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    event,
    inspect,
    select,
)
from sqlalchemy.engine import Connection, Engine

#: 2: raw logs archived per block (``raw_logs``) instead of one ``events`` row per log.
#: 3: ``raw_logs.logs`` compressed (``indexer.archive``).
#: 4: ``unplaced_events`` (and its pending twin): events the projections cannot place.
#: 5: ``claims.rejections`` (the third rejection is final) and the ledger's pause window
#:    (``pause_grace_from``, ``resumed_at``: deadlines that fell in a pause get a grace).
#: 6: ``merchant_moves`` (a shop moved to a new wallet) and ``merchant_id`` on ``payments`` and
#:    ``redemptions``, so that a shop's payments and cash-outs follow it to a new wallet.
#: 7: the neighbourhood desk: ``association_neighbourhoods`` (which association may register
#:    residents where), ``citizens.registered_by`` (the association that registered one) and
#:    ``sync_state.neighbourhood_desk`` (the desk whose events this index holds).
SCHEMA_VERSION = 7
#: Earlier versions whose databases ``create`` upgrades in place (when a version only adds
#: tables, which ``create`` makes). None today: version 7 adds columns (and the desk's events
#: from its deployment on, which an index past that block has not read), so an index of
#: version 6 is rebuilt (``python -m indexer reset``); version 4 upgraded 3 in place.
UPGRADED_IN_PLACE: tuple[int, ...] = ()
#: Tables of earlier schema versions, dropped by a reset.
RETIRED = ("events", "pending_events")

metadata = MetaData()

#: SQLite stores these tables in their primary-key B-tree (WITHOUT ROWID): with composite and
#: text keys, a rowid table writes every row twice (the table and its key index). PostgreSQL
#: ignores the option.
NO_ROWID: dict[str, Any] = {"sqlite_with_rowid": False}

ADDR = String(42)
HASH = String(66)


def _int(name: str, **kw: object) -> Column[int]:
    return Column(name, BigInteger, nullable=False, default=0, **kw)  # type: ignore[arg-type]


def _bool(name: str) -> Column[bool]:
    return Column(name, Boolean, nullable=False, default=False)


def _pk_int(name: str) -> Column[int]:
    return Column(name, BigInteger, primary_key=True, autoincrement=False)


def _pos() -> list[Column[object]]:
    """The natural key of a history row: the position of its event on the chain."""
    return [
        Column("block_number", BigInteger, primary_key=True, autoincrement=False),
        Column("log_index", Integer, primary_key=True, autoincrement=False),
        Column("tx_hash", HASH, nullable=False),
    ]


# --------------------------------------------------------------------------- state
accounts = Table(
    "accounts",
    metadata,
    Column("address", ADDR, primary_key=True),
    _int("balance"),
    _bool("is_citizen"),
    _bool("is_merchant"),
    _bool("moved"),
    # The citizen id or merchant id held by this wallet (0: none, or moved away).
    _int("holder_id"),
    Column("moved_to", ADDR, nullable=True),
    _int("first_block"),
    _int("updated_block"),
    **NO_ROWID,
)

citizens = Table(
    "citizens",
    metadata,
    _pk_int("citizen_id"),
    Column("wallet", ADDR, nullable=False),
    _int("neighbourhood"),
    _bool("active"),
    # Rewards of open claims, reserved against the cap, and how many claims are open.
    _int("reserved"),
    _int("open_claims"),
    _int("registered_block"),
    _int("updated_block"),
    # The neighbourhood association whose account registered this citizen through the
    # neighbourhood desk (``CitizenRegisteredBy``); None: the city's registrar did.
    Column("registered_by", ADDR, nullable=True),
    # The API finds the signed-in wallet's citizen on every request.
    Index("ix_citizens_wallet", "wallet"),
    **NO_ROWID,
)

merchants = Table(
    "merchants",
    metadata,
    _pk_int("merchant_id"),
    Column("wallet", ADDR, nullable=False),
    Column("metadata_cid", Text, nullable=False),
    _bool("active"),
    _int("registered_block"),
    _int("updated_block"),
    Index("ix_merchants_wallet", "wallet"),
    **NO_ROWID,
)

roles = Table(
    "roles",
    metadata,
    Column("account", ADDR, primary_key=True),
    # The access.ROLE_* bits, as roles_of(account) returns them.
    _int("roles"),
    _int("updated_block"),
    **NO_ROWID,
)

tasks = Table(
    "tasks",
    metadata,
    _pk_int("task_id"),
    _int("reward"),
    _int("slots"),
    _int("slots_open"),
    _int("claim_deadline"),
    _int("claim_duration"),
    _int("neighbourhood"),
    # 1 open, 2 cancelled, 3 closed (wesh.contract.TaskStatus).
    _int("status"),
    Column("metadata_cid", Text, nullable=False),
    Column("task_manager", ADDR, nullable=False),
    # Escrow given back to the budget when the task was cancelled or closed.
    _int("returned"),
    _int("commissioned_block"),
    Column("commissioned_tx", HASH, nullable=False),
    Column("ended_block", BigInteger, nullable=True),
    _int("updated_block"),
    **NO_ROWID,
)

claims = Table(
    "claims",
    metadata,
    _pk_int("task_id"),
    _pk_int("citizen_id"),
    Column("wallet", ADDR, nullable=False),
    # wesh.contract.ClaimStatus: 1 claimed ... 8 appeal denied.
    _int("status"),
    _int("expires_at"),
    _int("reward"),
    _int("reason"),
    _bool("appealed"),
    Column("rejected_by", ADDR, nullable=False),
    # Rejections so far; the contract's MAX_REJECTIONS-th is final (no resubmission).
    _int("rejections"),
    Column("evidence_cid", Text, nullable=True),
    _int("claimed_block"),
    _int("updated_block"),
    Index("ix_claims_citizen", "citizen_id"),
    **NO_ROWID,
)

earnings = Table(
    "earnings",
    metadata,
    _pk_int("citizen_id"),
    # The Europe/Amsterdam year and month of the approval (the contract's calendar).
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("month", Integer, primary_key=True, autoincrement=False),
    _int("amount"),
    _int("tasks_paid"),
    _int("updated_block"),
    **NO_ROWID,
)

redemptions = Table(
    "redemptions",
    metadata,
    _pk_int("redemption_id"),
    Column("merchant", ADDR, nullable=False),
    # The shop's id: its cash-outs follow it to a new wallet (``merchant`` is the wallet that
    # asked, which a move retires).
    _int("merchant_id"),
    _int("amount"),
    # 1 open, 2 paid (wesh.contract.RequestStatus).
    _int("status"),
    _int("requested_block"),
    Column("requested_tx", HASH, nullable=False),
    Column("paid_block", BigInteger, nullable=True),
    Column("paid_tx", HASH, nullable=True),
    Column("payment_reference", Text, nullable=True),
    Column("treasurer", ADDR, nullable=True),
    Index("ix_redemptions_merchant", "merchant"),
    Index("ix_redemptions_merchant_id", "merchant_id"),
    **NO_ROWID,
)

association_neighbourhoods = Table(
    "association_neighbourhoods",
    metadata,
    # A neighbourhood association's account and a neighbourhood the city's registrar granted it
    # on the neighbourhood desk (NeighbourhoodDesk.vy); the row stays after a withdrawal, with
    # ``granted`` false, so the journal undoes both alike.
    Column("association", ADDR, primary_key=True),
    _pk_int("neighbourhood"),
    _bool("granted"),
    # The registrar who granted or withdrew it last.
    Column("changed_by", ADDR, nullable=False),
    _int("granted_block"),
    _int("updated_block"),
    **NO_ROWID,
)

approvals = Table(
    "approvals",
    metadata,
    Column("owner", ADDR, primary_key=True),
    Column("spender", ADDR, primary_key=True),
    # The value of the last Approval event. transferFrom lowers an allowance without an event
    # (as ERC-20 allows), so this is not the remaining allowance: read allowance() for that.
    Column("value", String(78), nullable=False),
    _int("updated_block"),
    **NO_ROWID,
)

ledger = Table(
    "ledger",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    _int("total_supply"),
    _int("total_minted"),
    _int("total_burned"),
    _int("escrow_locked"),
    _int("budget_granted"),
    _int("budget_available"),
    _bool("paused"),
    # The contract's pause window: a claim deadline at or after ``pause_grace_from`` runs until
    # RESUBMIT_WINDOW after ``resumed_at`` (wesh.deadlines).
    _int("pause_grace_from"),
    _int("resumed_at"),
    _int("cap_yearly"),
    _int("cap_monthly"),
    _int("cap_next_yearly"),
    _int("cap_next_monthly"),
    _int("cap_next_from_year"),
    _int("max_open_claims"),
    Column("redemption_contract", ADDR, nullable=True),
    _int("redemptions_requested"),
    _int("redemptions_paid"),
    _int("citizens"),
    _int("merchants"),
    _int("tasks"),
    _int("updated_block"),
    **NO_ROWID,
)

# --------------------------------------------------------------------------- history
raw_logs = Table(
    "raw_logs",
    metadata,
    # INTEGER on SQLite: the table's own rowid (its rows are large, see below).
    Column(
        "block_number",
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=False,
    ),
    Column("block_hash", HASH, nullable=False),
    Column("log_count", Integer, nullable=False),
    # Every log of the WESH contracts in this block, in log-index order, exactly as
    # eth_getLogs gave it (less the block number and hash, which are the row's): a JSON array
    # of [log_index, transaction_hash, transaction_index, address, [topic0, ...], data],
    # zlib-compressed (indexer.archive: pack, unpack, as_rpc_logs).
    # One row per block, not per log: this is the audit archive, read rarely and written at
    # the speed of the chain; the tables above and below hold the decoded events, one row
    # each, for queries. Large rows: a rowid table on SQLite.
    Column("logs", LargeBinary, nullable=False),
)

transfers = Table(
    "transfers",
    metadata,
    *_pos(),
    Column("sender", ADDR, nullable=False),
    Column("receiver", ADDR, nullable=False),
    _int("value"),
    # mint (approved work), burn (redemption), payment (citizen -> merchant), refund
    # (merchant -> citizen), move (a citizen or a shop to a new wallet).
    Column("kind", String(10), nullable=False),
    Index("ix_transfers_sender", "sender"),
    Index("ix_transfers_receiver", "receiver"),
    **NO_ROWID,
)

payments = Table(
    "payments",
    metadata,
    *_pos(),  # the position of the Transfer event
    Column("payer", ADDR, nullable=False),
    Column("merchant", ADDR, nullable=False),
    _int("amount"),
    # The bytes32 reference of pay() (the merchant's QR request); None for a plain transfer().
    Column("reference", HASH, nullable=True),
    # The shop's id: its payments follow it to a new wallet (``merchant`` is the wallet paid).
    _int("merchant_id"),
    Index("ix_payments_merchant", "merchant"),
    Index("ix_payments_merchant_id", "merchant_id"),
    Index("ix_payments_payer", "payer"),
    **NO_ROWID,
)

submissions = Table(
    "submissions",
    metadata,
    *_pos(),
    _int("task_id"),
    _int("citizen_id"),
    Column("citizen", ADDR, nullable=False),
    Column("evidence_cid", Text, nullable=False),
    Index("ix_submissions_claim", "task_id", "citizen_id"),
    **NO_ROWID,
)

reviews = Table(
    "reviews",
    metadata,
    *_pos(),
    _int("task_id"),
    _int("citizen_id"),
    Column("reviewer", ADDR, nullable=False),
    # approved or rejected
    Column("outcome", String(10), nullable=False),
    _int("reason"),
    _int("expires_at"),
    _int("amount"),
    Index("ix_reviews_claim", "task_id", "citizen_id"),
    **NO_ROWID,
)

appeals = Table(
    "appeals",
    metadata,
    *_pos(),
    _int("task_id"),
    _int("citizen_id"),
    # The citizen who filed, or the reviewer who decided.
    Column("actor", ADDR, nullable=False),
    # filed, granted or denied
    Column("kind", String(10), nullable=False),
    Column("reason", String(78), nullable=False),
    **NO_ROWID,
)

releases = Table(
    "releases",
    metadata,
    *_pos(),
    _int("task_id"),
    _int("citizen_id"),
    Column("caller", ADDR, nullable=False),
    # 1 expired, 2 abandoned, 3 appeal denied
    _int("cause"),
    _int("returned_to_budget"),
    **NO_ROWID,
)

budget_changes = Table(
    "budget_changes",
    metadata,
    *_pos(),
    # granted, withdrawn (budget), locked (a task commissioned), returned (cancel, close,
    # released claim): the escrow moves.
    Column("kind", String(10), nullable=False),
    _int("amount"),
    Column("task_id", BigInteger, nullable=True),
    Column("actor", ADDR, nullable=False),
    **NO_ROWID,
)

citizen_moves = Table(
    "citizen_moves",
    metadata,
    *_pos(),
    _int("citizen_id"),
    Column("old_wallet", ADDR, nullable=False),
    Column("new_wallet", ADDR, nullable=False),
    _int("balance"),
    Column("registrar", ADDR, nullable=False),
    **NO_ROWID,
)

merchant_moves = Table(
    "merchant_moves",
    metadata,
    *_pos(),
    _int("merchant_id"),
    Column("old_wallet", ADDR, nullable=False),
    Column("new_wallet", ADDR, nullable=False),
    _int("balance"),
    Column("manager", ADDR, nullable=False),
    **NO_ROWID,
)

unplaced_events = Table(
    "unplaced_events",
    metadata,
    *_pos(),
    Column("block_hash", HASH, nullable=False),
    Column("block_timestamp", BigInteger, nullable=False),
    # The event's name (for an undecodable log: the name its topic0 stands for).
    Column("event", String(40), nullable=False),
    # Its decoded arguments as a JSON object (uint256 values above 2**53 as decimal strings);
    # for an undecodable log, {"topics": [...], "data": "0x..."}.
    Column("args", Text, nullable=False),
    # inconsistent (the event contradicts the index: IntegrityError), undecodable (the log does
    # not have the layout its topic0 promises), handler_error (the handler failed otherwise:
    # most likely a bug of the indexer).
    Column("cause", String(16), nullable=False),
    # Why, in words.
    Column("reason", Text, nullable=False),
    **NO_ROWID,
)

# --------------------------------------------------------------------------- meta
schema_version = Table(
    "schema_version",
    metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    **NO_ROWID,
)

sync_state = Table(
    "sync_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("chain_id", BigInteger, nullable=False),
    Column("heitje", ADDR, nullable=False),
    Column("redemption", ADDR, nullable=False),
    # The neighbourhood desk whose events the index holds ("" for a deployment without one).
    Column("neighbourhood_desk", ADDR, nullable=False, default=""),
    Column("start_block", BigInteger, nullable=False),
    Column("start_block_hash", HASH, nullable=False),
    # The last confirmed block applied to the state and history tables, and its hash.
    Column("indexed_block", BigInteger, nullable=False),
    Column("indexed_hash", HASH, nullable=False),
    # Every block above this one has its changes journaled: the deepest possible rollback.
    Column("journal_floor", BigInteger, nullable=False),
    Column("head_block", BigInteger, nullable=False, default=0),
    Column("head_seen_at", Float, nullable=False, default=0.0),
    Column("events_total", BigInteger, nullable=False, default=0),
    Column("updated_at", Float, nullable=False, default=0.0),
    **NO_ROWID,
)

blocks = Table(
    "blocks",
    metadata,
    Column("number", BigInteger, primary_key=True, autoincrement=False),
    Column("hash", HASH, nullable=False),
    Column("parent_hash", HASH, nullable=False),
    Column("timestamp", BigInteger, nullable=False),
    # Blocks with WESH events are kept for good; the others only while they may be reorganised.
    Column("has_events", Boolean, nullable=False, default=False),
    **NO_ROWID,
)

journal = Table(
    "journal",
    metadata,
    Column("block_number", BigInteger, primary_key=True, autoincrement=False),
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("table_name", String(40), nullable=False),
    # The primary keys of the rows the block changed in that table, and each row's content
    # before the block changed it (two JSON lists; null for a row the block created).
    Column("pk", Text, nullable=False),
    Column("before", Text, nullable=False),
    **NO_ROWID,
)

pending_state = Table(
    "pending_state",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    # The unconfirmed blocks the pending tables describe: from_block..head_block.
    Column("from_block", BigInteger, nullable=False),
    Column("head_block", BigInteger, nullable=False),
    Column("head_hash", HASH, nullable=False),
    Column("built_at", Float, nullable=False),
    **NO_ROWID,
)

# The archive is compressed already (indexer.archive): PostgreSQL need not try again.
for _archive in ("raw_logs", "pending_raw_logs"):
    event.listen(
        metadata,
        "after_create",
        DDL(f"ALTER TABLE {_archive} ALTER COLUMN logs SET STORAGE EXTERNAL").execute_if(
            dialect="postgresql"
        ),
    )

STATE_TABLES: tuple[Table, ...] = (
    accounts,
    citizens,
    merchants,
    roles,
    tasks,
    claims,
    earnings,
    redemptions,
    association_neighbourhoods,
    approvals,
    ledger,
)
HISTORY_TABLES: tuple[Table, ...] = (
    raw_logs,
    transfers,
    payments,
    submissions,
    reviews,
    appeals,
    releases,
    budget_changes,
    citizen_moves,
    merchant_moves,
    unplaced_events,
)
PROJECTION_TABLES = STATE_TABLES + HISTORY_TABLES


def _pending_twin(table: Table) -> Table:
    columns = [
        Column(c.name, c.type, primary_key=c.primary_key, nullable=c.nullable, autoincrement=False)
        for c in table.columns
    ]
    return Table(f"pending_{table.name}", metadata, *columns, **NO_ROWID)


PENDING: dict[str, Table] = {t.name: _pending_twin(t) for t in (*PROJECTION_TABLES, blocks)}


def pending(table: Table) -> Table:
    """The pending twin of a state, history or blocks table."""
    return PENDING[table.name]


def table(name: str) -> Table:
    return metadata.tables[name]


class SchemaError(RuntimeError):
    """The database holds a schema of another version."""


def version(engine: Engine) -> int | None:
    """The schema version the database holds (None: no indexer tables yet)."""
    with engine.connect() as conn:
        if schema_version.name not in existing_tables(conn):
            return None
        versions = [row[0] for row in conn.execute(select(schema_version.c.version))]
    return max(versions) if versions else None


def create(engine: Engine) -> None:
    """Creates every table that is missing (idempotent) and records the schema version,
    upgrading a version of ``UPGRADED_IN_PLACE``; raises SchemaError, changing nothing, if the
    database holds another version."""
    found = version(engine)
    if found is not None and found != SCHEMA_VERSION and found not in UPGRADED_IN_PLACE:
        raise SchemaError(
            f"the database has indexer schema version {found}, this code needs "
            f"{SCHEMA_VERSION}: run `python -m indexer reset` to re-index from scratch"
        )
    metadata.create_all(engine, checkfirst=True)
    with engine.begin() as conn:
        if found is not None and found != SCHEMA_VERSION:  # upgraded: its new tables are made
            conn.execute(schema_version.delete())
        if conn.execute(select(schema_version.c.version)).first() is None:
            conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))


def secondary_indexes() -> list[Index]:
    """The indexes of the confirmed projection tables other than their primary keys: what the
    API's queries need, and what an empty database's first catch-up builds at the end."""
    return [ix for t in PROJECTION_TABLES for ix in sorted(t.indexes, key=lambda i: str(i.name))]


def drop_secondary_indexes(engine: Engine) -> None:
    with engine.begin() as conn:
        for ix in secondary_indexes():
            ix.drop(conn, checkfirst=True)


def create_secondary_indexes(engine: Engine) -> int:
    """Creates the secondary indexes that are missing (idempotent); returns how many."""
    created = 0
    with engine.begin() as conn:
        existing = {
            ix["name"] for t in PROJECTION_TABLES for ix in inspect(conn).get_indexes(t.name)
        }
        for ix in secondary_indexes():
            if ix.name not in existing:
                ix.create(conn)
                created += 1
    return created


def drop(engine: Engine) -> None:
    """Drops every indexer table (``python -m indexer reset``), of this version or an earlier."""
    metadata.drop_all(engine, checkfirst=True)
    with engine.begin() as conn:
        for name in quoted(conn, RETIRED):
            conn.exec_driver_sql(f"DROP TABLE IF EXISTS {name}")


def existing_tables(conn: Connection) -> set[str]:
    return set(inspect(conn).get_table_names())


def quoted(conn: Connection, names: Iterable[str]) -> list[str]:
    prep = conn.dialect.identifier_preparer
    return [prep.quote(n) for n in names]
