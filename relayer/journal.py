"""The relayer's journal: its own tables in the indexer's database (SQLite or PostgreSQL).

Every request the relayer accepted and every transaction it signed is written here before
anything is sent, so that a restart, or a ``kill -9`` at any moment, loses nothing and sends
nothing twice (docs/relayer.md, "Operating the relayer"):

* ``relayer_requests``: one row per accepted request (what was signed, the role it was allowed
  for, its state ``accepted -> sent -> mined -> confirmed``, or ``refused`` / ``failed`` with a
  reason in words, the transaction that carried it). ``live_nonce`` is the request's nonce while
  that nonce is, or may still be, used on chain, and NULL once it cannot be (refused, or skipped
  by the forwarder): (signer, live_nonce) is unique, so a signer's nonce is journaled for one
  request at a time, and a nonce left unused may be signed again.
* ``relayer_transactions``: one row per signed transaction, written with its raw signed bytes
  *before* it is broadcast (a crash in between is healed by broadcasting the same bytes again);
  a replacement (same relayer nonce, higher fees) is another row with the same ``nonce``.
* ``relayer_quotas``: the run-time overrides of the daily limits (``ape run relayer quota``).
* ``relayer_spending``: fees paid per Europe/Amsterdam day (for the daily budget).
* ``relayer_senders``: the sender's heartbeat (when it last made a pass; gone when it stopped),
  so that the API does not accept what nobody would send.

The indexer never reads or drops these tables; ``create`` makes them (idempotent) and records
``SCHEMA_VERSION`` in ``relayer_schema_version``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from relayer.reasons import Reason, reason
from wesh.rules import AMSTERDAM

#: 1: requests, transactions, quota overrides, daily spending and the sender's heartbeat.
SCHEMA_VERSION = 1
#: The PostgreSQL advisory lock held while the tables are made ("WESHRLY1").
CREATE_LOCK = 0x574553485252C931

ACCEPTED, SENT, MINED, CONFIRMED, REFUSED, FAILED = (
    "accepted",
    "sent",
    "mined",
    "confirmed",
    "refused",
    "failed",
)
STATES = (ACCEPTED, SENT, MINED, CONFIRMED, REFUSED, FAILED)
#: States a request does not leave.
FINAL = frozenset({CONFIRMED, REFUSED, FAILED})
#: A transaction: signed (journaled, maybe not broadcast yet), sent (the node took it), mined,
#: confirmed, or dropped (another transaction of its nonce was mined instead).
TX_SIGNED, TX_SENT, TX_MINED, TX_CONFIRMED, TX_DROPPED = (
    "signed",
    "sent",
    "mined",
    "confirmed",
    "dropped",
)
TX_PENDING = (TX_SIGNED, TX_SENT)
#: A request whose transaction failed as a whole this often is refused.
MAX_ATTEMPTS = 3

metadata = sa.MetaData()
ADDR = sa.String(42)
HASH = sa.String(66)

schema_version = sa.Table(
    "relayer_schema_version",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
)
requests = sa.Table(
    "relayer_requests",
    metadata,
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("signer", ADDR, nullable=False),
    sa.Column("nonce", sa.BigInteger, nullable=False),
    sa.Column("live_nonce", sa.BigInteger, nullable=True),
    sa.Column("target", ADDR, nullable=False),
    sa.Column("function", sa.String(40), nullable=False),
    sa.Column("data", sa.LargeBinary, nullable=False),
    sa.Column("gas", sa.BigInteger, nullable=False),
    sa.Column("deadline", sa.BigInteger, nullable=False),
    sa.Column("signature", sa.LargeBinary, nullable=False),
    #: The role it was allowed for (citizen, merchant, staff): its quota.
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("state", sa.String(12), nullable=False),
    sa.Column("reason_code", sa.String(40), nullable=True),
    sa.Column("reason_nl", sa.Text, nullable=True),
    sa.Column("reason_en", sa.Text, nullable=True),
    #: The relayer nonce of the transaction that carries it (while sent), and the mined one.
    sa.Column("tx_nonce", sa.BigInteger, nullable=True),
    sa.Column("tx_hash", HASH, nullable=True),
    sa.Column("block_number", sa.BigInteger, nullable=True),
    #: What the relayer expects it to cost (wei): counted against the day's budget until mined.
    sa.Column("estimate_wei", sa.BigInteger, nullable=False),
    #: The Europe/Amsterdam day it was accepted (YYYY-MM-DD): its quota's day.
    sa.Column("day", sa.String(10), nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
    sa.Column("sent_at", sa.Float, nullable=True),
    sa.Column("mined_at", sa.Float, nullable=True),
    sa.UniqueConstraint("signer", "live_nonce", name="ux_relayer_requests_live_nonce"),
    sa.Index("ix_relayer_requests_state", "state"),
    sa.Index("ix_relayer_requests_signer_day", "signer", "day"),
    sa.Index("ix_relayer_requests_day", "day"),
)
transactions = sa.Table(
    "relayer_transactions",
    metadata,
    sa.Column("hash", HASH, primary_key=True),
    sa.Column("relayer", ADDR, nullable=False),
    sa.Column("nonce", sa.BigInteger, nullable=False),
    sa.Column("raw", sa.LargeBinary, nullable=False),
    sa.Column("gas_limit", sa.BigInteger, nullable=False),
    sa.Column("max_fee_per_gas", sa.BigInteger, nullable=False),
    sa.Column("max_priority_fee_per_gas", sa.BigInteger, nullable=False),
    #: The requests it carries, in batch order (a JSON list of ids).
    sa.Column("request_ids", sa.Text, nullable=False),
    sa.Column("state", sa.String(12), nullable=False),
    sa.Column("created_at", sa.Float, nullable=False),
    sa.Column("sent_at", sa.Float, nullable=True),
    sa.Column("block_number", sa.BigInteger, nullable=True),
    sa.Column("block_hash", HASH, nullable=True),
    sa.Column("gas_used", sa.BigInteger, nullable=True),
    sa.Column("fee_wei", sa.BigInteger, nullable=True),
    sa.Column("mined_at", sa.Float, nullable=True),
    sa.Index("ix_relayer_transactions_state", "state"),
    sa.Index("ix_relayer_transactions_nonce", "relayer", "nonce"),
)
#: subject: "citizen", "merchant" or "staff" (requests per signer per day), "budget" (wei per
#: day), or "signer:0x..." (one signer's requests per day).
quotas = sa.Table(
    "relayer_quotas",
    metadata,
    sa.Column("subject", sa.String(60), primary_key=True),
    sa.Column("per_day", sa.BigInteger, nullable=False),
    sa.Column("updated_at", sa.Float, nullable=False),
)
spending = sa.Table(
    "relayer_spending",
    metadata,
    sa.Column("day", sa.String(10), primary_key=True),
    sa.Column("spent_wei", sa.BigInteger, nullable=False),
    sa.Column("transactions", sa.BigInteger, nullable=False),
)

senders = sa.Table(
    "relayer_senders",
    metadata,
    sa.Column("relayer", ADDR, primary_key=True),
    sa.Column("pid", sa.Integer, nullable=False),
    sa.Column("started_at", sa.Float, nullable=False),
    sa.Column("seen_at", sa.Float, nullable=False),
)


class JournalVersionError(RuntimeError):
    """The database holds relayer tables of another version."""


def amsterdam_day(timestamp: float) -> str:
    """The Europe/Amsterdam date of a unix time (YYYY-MM-DD): quotas and budgets count per day."""
    return datetime.fromtimestamp(timestamp, AMSTERDAM).date().isoformat()


def version(engine: Engine | Connection) -> int | None:
    """The journal's version in this database (None: no relayer tables yet)."""
    conn_or_engine = engine
    if isinstance(conn_or_engine, Engine):
        with conn_or_engine.connect() as conn:
            return version(conn)
    conn = conn_or_engine
    if not sa.inspect(conn).has_table(schema_version.name):
        return None
    return conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()


def create(engine: Engine) -> None:
    """Makes the relayer's tables that are missing and records the version (idempotent; the API
    and the sender may both start at once: one makes them while the other waits)."""
    with engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(CREATE_LOCK)))
        else:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        found = version(conn)
        if found is not None and found != SCHEMA_VERSION:
            raise JournalVersionError(
                f"the database has relayer journal version {found}, this relayer needs "
                f"{SCHEMA_VERSION}: run the relayer and the API of the same release"
            )
        metadata.create_all(conn, checkfirst=True)
        if found is None:
            conn.execute(schema_version.insert().values(version=SCHEMA_VERSION))
        conn.commit()


def open_journal(database_url: str) -> Journal:
    """The journal in the database at ``database_url``, its tables made if missing (for the
    admin scripts, which do not reach into the indexer's package themselves)."""
    from indexer.db import make_engine

    engine = make_engine(database_url)
    create(engine)
    return Journal(engine)


# ----------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class Request:
    """One journaled request."""

    id: str
    signer: str
    nonce: int
    #: The nonce while it is, or may still be, used on chain for this request (else None).
    live_nonce: int | None
    target: str
    function: str
    data: bytes
    gas: int
    deadline: int
    signature: bytes
    role: str
    state: str
    reason: Reason | None
    tx_nonce: int | None
    tx_hash: str | None
    block_number: int | None
    estimate_wei: int
    day: str
    attempts: int
    created_at: float
    updated_at: float
    sent_at: float | None
    mined_at: float | None

    @classmethod
    def of(cls, row: Any) -> Request:
        found = None
        if row.reason_code:
            found = Reason(row.reason_code, row.reason_nl or "", row.reason_en or "")
        return cls(
            id=row.id,
            signer=row.signer,
            nonce=int(row.nonce),
            live_nonce=row.live_nonce,
            target=row.target,
            function=row.function,
            data=bytes(row.data),
            gas=int(row.gas),
            deadline=int(row.deadline),
            signature=bytes(row.signature),
            role=row.role,
            state=row.state,
            reason=found,
            tx_nonce=row.tx_nonce,
            tx_hash=row.tx_hash,
            block_number=row.block_number,
            estimate_wei=int(row.estimate_wei),
            day=row.day,
            attempts=int(row.attempts),
            created_at=float(row.created_at),
            updated_at=float(row.updated_at),
            sent_at=row.sent_at,
            mined_at=row.mined_at,
        )


@dataclass(frozen=True)
class Transaction:
    """One signed transaction of the relayer (an attempt at its nonce)."""

    hash: str
    relayer: str
    nonce: int
    raw: bytes
    gas_limit: int
    max_fee_per_gas: int
    max_priority_fee_per_gas: int
    request_ids: list[str]
    state: str
    created_at: float
    sent_at: float | None
    block_number: int | None
    block_hash: str | None
    fee_wei: int | None

    @classmethod
    def of(cls, row: Any) -> Transaction:
        return cls(
            hash=row.hash,
            relayer=row.relayer,
            nonce=int(row.nonce),
            raw=bytes(row.raw),
            gas_limit=int(row.gas_limit),
            max_fee_per_gas=int(row.max_fee_per_gas),
            max_priority_fee_per_gas=int(row.max_priority_fee_per_gas),
            request_ids=list(json.loads(row.request_ids)),
            state=row.state,
            created_at=float(row.created_at),
            sent_at=row.sent_at,
            block_number=row.block_number,
            block_hash=row.block_hash,
            fee_wei=row.fee_wei,
        )


@dataclass(frozen=True)
class NewRequest:
    """What ``Journal.accept`` writes: a request that passed every check."""

    signer: str
    nonce: int
    target: str
    function: str
    data: bytes
    gas: int
    deadline: int
    signature: bytes
    role: str
    estimate_wei: int


class _Moved(Exception):
    """A request of a transaction being journaled is no longer waiting."""


class Replayed(Exception):
    """Another request holds this signer's nonce."""


@dataclass(frozen=True)
class Outcome:
    """What became of one request of a mined transaction."""

    state: str  # MINED or FAILED
    reason: Reason | None = None
    #: Whether its nonce was used on chain (a failing call uses it, a skipped request not).
    nonce_used: bool = True


def _reason_values(why: Reason | None) -> dict[str, Any]:
    if why is None:
        return {"reason_code": None, "reason_nl": None, "reason_en": None}
    return {"reason_code": why.code, "reason_nl": why.nl, "reason_en": why.en}


class Journal:
    """The relayer's tables on one engine: what the API's checks read and write, and every state
    change the sender makes (each in one database transaction)."""

    def __init__(self, engine: Engine, clock: Any = time.time) -> None:
        self.engine = engine
        self.clock = clock

    # ---------------------------------------------------------------------- reading
    def get(self, request_id: str) -> Request | None:
        with self.engine.connect() as db:
            row = db.execute(sa.select(requests).where(requests.c.id == request_id)).first()
        return Request.of(row) if row else None

    def many(self, ids: Sequence[str]) -> list[Request]:
        """The requests ``ids``, in that order."""
        if not ids:
            return []
        with self.engine.connect() as db:
            rows = db.execute(sa.select(requests).where(requests.c.id.in_(list(ids)))).all()
        found = {row.id: Request.of(row) for row in rows}
        return [found[i] for i in ids if i in found]

    def of_nonce(self, signer: str, nonce: int) -> list[Request]:
        """Every request journaled for ``signer``'s ``nonce`` (at most one of them live)."""
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(requests).where(
                    requests.c.signer == signer.lower(), requests.c.nonce == nonce
                )
            ).all()
        return [Request.of(row) for row in rows]

    def next_nonce(self, signer: str) -> int | None:
        """The nonce after the signer's highest request still waiting to be mined (None: none
        waits)."""
        with self.engine.connect() as db:
            top = db.execute(
                sa.select(sa.func.max(requests.c.nonce)).where(
                    requests.c.signer == signer.lower(),
                    requests.c.state.in_([ACCEPTED, SENT]),
                )
            ).scalar()
        return None if top is None else int(top) + 1

    def count_today(self, signer: str, day: str) -> int:
        """The signer's requests accepted on ``day`` that count against its quota (all but the
        refused: those cost the city nothing)."""
        with self.engine.connect() as db:
            return int(
                db.execute(
                    sa.select(sa.func.count()).where(
                        requests.c.signer == signer.lower(),
                        requests.c.day == day,
                        requests.c.state != REFUSED,
                    )
                ).scalar_one()
            )

    def spent(self, day: str) -> int:
        """Fees paid on ``day`` (wei)."""
        with self.engine.connect() as db:
            value = db.execute(
                sa.select(spending.c.spent_wei).where(spending.c.day == day)
            ).scalar()
        return int(value or 0)

    def spent_since(self, first_day: str) -> dict[str, int]:
        """Fees paid per day from ``first_day`` on."""
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(spending.c.day, spending.c.spent_wei).where(spending.c.day >= first_day)
            ).all()
        return {row.day: int(row.spent_wei) for row in rows}

    def reserved(self) -> int:
        """What the requests not mined yet are expected to cost (wei)."""
        with self.engine.connect() as db:
            value = db.execute(
                sa.select(sa.func.sum(requests.c.estimate_wei)).where(
                    requests.c.state.in_([ACCEPTED, SENT])
                )
            ).scalar()
        return int(value or 0)

    def override(self, subject: str) -> int | None:
        """The run-time limit of ``subject`` (see ``quotas``), if one is set."""
        with self.engine.connect() as db:
            value = db.execute(
                sa.select(quotas.c.per_day).where(quotas.c.subject == subject)
            ).scalar()
        return None if value is None else int(value)

    def overrides(self) -> dict[str, int]:
        with self.engine.connect() as db:
            rows = db.execute(sa.select(quotas.c.subject, quotas.c.per_day)).all()
        return {row.subject: int(row.per_day) for row in rows}

    def set_override(self, subject: str, per_day: int | None) -> None:
        """Sets (or, with None, removes) the run-time limit of ``subject``."""
        with self.engine.begin() as db:
            db.execute(quotas.delete().where(quotas.c.subject == subject))
            if per_day is not None:
                db.execute(
                    quotas.insert().values(
                        subject=subject, per_day=per_day, updated_at=self.clock()
                    )
                )

    def counts_by_state(self, day: str | None = None) -> dict[str, int]:
        """Requests per state (of requests accepted on ``day``, or of all)."""
        query = sa.select(requests.c.state, sa.func.count()).group_by(requests.c.state)
        if day is not None:
            query = query.where(requests.c.day == day)
        with self.engine.connect() as db:
            rows = db.execute(query).all()
        found = {state: 0 for state in STATES}
        found.update({str(state): int(n) for state, n in rows})
        return found

    def beat(self, relayer: str, pid: int, started_at: float) -> None:
        """The sender of ``relayer`` is alive (it made a pass now)."""
        now = self.clock()
        with self.engine.begin() as db:
            updated = db.execute(
                senders.update()
                .where(senders.c.relayer == relayer.lower())
                .values(pid=pid, started_at=started_at, seen_at=now)
            )
            if updated.rowcount == 0:
                db.execute(
                    senders.insert().values(
                        relayer=relayer.lower(), pid=pid, started_at=started_at, seen_at=now
                    )
                )

    def stopped(self, relayer: str, pid: int) -> None:
        """The sender ``pid`` of ``relayer`` stopped (another may have taken over since)."""
        with self.engine.begin() as db:
            db.execute(
                senders.delete().where(senders.c.relayer == relayer.lower(), senders.c.pid == pid)
            )

    def sender_seen(self, relayer: str) -> float | None:
        """When the sender of ``relayer`` last made a pass (None: it stopped, or never ran)."""
        with self.engine.connect() as db:
            return db.execute(
                sa.select(senders.c.seen_at).where(senders.c.relayer == relayer.lower())
            ).scalar()

    def last_sent(self) -> Transaction | None:
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(transactions)
                .where(transactions.c.sent_at.is_not(None))
                .order_by(transactions.c.sent_at.desc())
                .limit(1)
            ).first()
        return Transaction.of(row) if row else None

    def totals(self) -> dict[str, int]:
        """Requests that ever reached each state (the metrics' counters), and the fees paid."""
        r = requests.c
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(
                    sa.func.count(),
                    sa.func.count(r.sent_at),
                    sa.func.count(r.mined_at),
                    sa.func.sum(sa.case((r.state == CONFIRMED, 1), else_=0)),
                    sa.func.sum(sa.case((r.state == REFUSED, 1), else_=0)),
                    sa.func.sum(sa.case((r.state == FAILED, 1), else_=0)),
                )
            ).one()
            fees = db.execute(
                sa.select(sa.func.sum(transactions.c.fee_wei)).where(
                    transactions.c.state.in_([TX_MINED, TX_CONFIRMED])
                )
            ).scalar()
        names = (ACCEPTED, SENT, MINED, CONFIRMED, REFUSED, FAILED)
        counts = {name: int(value or 0) for name, value in zip(names, row, strict=True)}
        return {**counts, "fees_wei": int(fees or 0)}

    def latencies(self, bounds: Sequence[float]) -> tuple[list[int], int, float]:
        """Accepted -> mined latencies: how many took at most each of ``bounds`` seconds, how many
        there are, and their sum."""
        r = requests.c
        latency = r.mined_at - r.created_at
        columns = [sa.func.sum(sa.case((latency <= bound, 1), else_=0)) for bound in bounds]
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(sa.func.count(), sa.func.sum(latency), *columns).where(
                    r.mined_at.is_not(None)
                )
            ).one()
        return [int(v or 0) for v in row[2:]], int(row[0] or 0), float(row[1] or 0.0)

    # ---------------------------------------------------------------- accepting (API)
    def accept(self, new: NewRequest) -> tuple[Request, bool]:
        """Journals an accepted request; returns it and True. The same request (signer, nonce
        and signature) sent again returns the journaled one and False; another request holding
        the signer's nonce raises ``Replayed``."""
        now = self.clock()
        values = {
            "id": str(uuid.uuid4()),
            "signer": new.signer.lower(),
            "nonce": new.nonce,
            "live_nonce": new.nonce,
            "target": new.target.lower(),
            "function": new.function,
            "data": new.data,
            "gas": new.gas,
            "deadline": new.deadline,
            "signature": new.signature,
            "role": new.role,
            "state": ACCEPTED,
            "estimate_wei": new.estimate_wei,
            "day": amsterdam_day(now),
            "attempts": 0,
            "created_at": now,
            "updated_at": now,
        }
        try:
            with self.engine.begin() as db:
                db.execute(requests.insert().values(**values))
        except IntegrityError:
            for same in self.of_nonce(new.signer, new.nonce):
                if same.signature == new.signature:
                    return same, False
            raise Replayed() from None
        created = self.get(values["id"])
        assert created is not None
        return created, True

    # ---------------------------------------------------------------- sending (sender)
    def waiting(self) -> list[Request]:
        """Accepted requests, oldest first."""
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(requests)
                .where(requests.c.state == ACCEPTED)
                .order_by(requests.c.created_at, requests.c.id)
            ).all()
        return [Request.of(row) for row in rows]

    def signers_in_flight(self) -> set[str]:
        """Signers with a request in a transaction that is not mined yet."""
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(requests.c.signer).where(requests.c.state == SENT).distinct()
            ).all()
        return {row.signer for row in rows}

    def pending(self) -> list[Transaction]:
        """Transactions signed and not mined yet, by nonce, oldest attempt first."""
        return self._transactions(transactions.c.state.in_(TX_PENDING))

    def transactions(self) -> list[Transaction]:
        """Every journaled transaction, by nonce, oldest attempt first."""
        return self._transactions(sa.true())

    def mined(self) -> list[Transaction]:
        """Transactions mined and not confirmed yet."""
        return self._transactions(transactions.c.state == TX_MINED)

    def _transactions(self, where: Any) -> list[Transaction]:
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(transactions)
                .where(where)
                .order_by(transactions.c.nonce, transactions.c.created_at)
            ).all()
        return [Transaction.of(row) for row in rows]

    def transactions_of(self, request_id: str) -> list[Transaction]:
        """Every transaction (attempt) that carried ``request_id``."""
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(transactions).where(transactions.c.request_ids.contains(request_id))
            ).all()
        return [t for t in map(Transaction.of, rows) if request_id in t.request_ids]

    def top_nonce(self, relayer: str) -> int | None:
        """The relayer account's highest journaled nonce."""
        with self.engine.connect() as db:
            value = db.execute(
                sa.select(sa.func.max(transactions.c.nonce)).where(
                    transactions.c.relayer == relayer.lower()
                )
            ).scalar()
        return None if value is None else int(value)

    def journal_transaction(self, tx: Transaction, replacement: bool = False) -> bool:
        """Writes a signed transaction before it is broadcast; a first attempt also moves its
        requests from accepted to sent (all of them or, if any has moved on, nothing: False)."""
        now = self.clock()
        try:
            with self.engine.begin() as db:
                self._journal_transaction(db, tx, replacement, now)
        except _Moved:
            return False
        return True

    def _journal_transaction(
        self, db: Connection, tx: Transaction, replacement: bool, now: float
    ) -> None:
        if not replacement:
            moved = db.execute(
                requests.update()
                .where(requests.c.id.in_(tx.request_ids), requests.c.state == ACCEPTED)
                .values(
                    state=SENT,
                    tx_nonce=tx.nonce,
                    sent_at=now,
                    updated_at=now,
                    attempts=requests.c.attempts + 1,
                )
            )
            if moved.rowcount != len(tx.request_ids):
                raise _Moved()
        db.execute(
            transactions.insert().values(
                hash=tx.hash,
                relayer=tx.relayer.lower(),
                nonce=tx.nonce,
                raw=tx.raw,
                gas_limit=tx.gas_limit,
                max_fee_per_gas=tx.max_fee_per_gas,
                max_priority_fee_per_gas=tx.max_priority_fee_per_gas,
                request_ids=json.dumps(tx.request_ids),
                state=TX_SIGNED,
                created_at=now,
            )
        )

    def broadcast(self, tx_hash: str) -> None:
        """The node took the transaction."""
        with self.engine.begin() as db:
            db.execute(
                transactions.update()
                .where(transactions.c.hash == tx_hash, transactions.c.state == TX_SIGNED)
                .values(state=TX_SENT, sent_at=self.clock())
            )

    def record_mined(
        self,
        tx: Transaction,
        block_number: int,
        block_hash: str,
        gas_used: int,
        fee_wei: int,
        outcomes: dict[str, Outcome],
    ) -> None:
        """``tx`` was mined: it and what became of each of its requests, the other attempts at
        its nonce dropped, the fee counted on today's spending; one database transaction."""
        now = self.clock()
        day = amsterdam_day(now)
        with self.engine.begin() as db:
            db.execute(
                transactions.update()
                .where(transactions.c.relayer == tx.relayer, transactions.c.nonce == tx.nonce)
                .where(transactions.c.hash != tx.hash)
                .values(state=TX_DROPPED)
            )
            db.execute(
                transactions.update()
                .where(transactions.c.hash == tx.hash)
                .values(
                    state=TX_MINED,
                    block_number=block_number,
                    block_hash=block_hash,
                    gas_used=gas_used,
                    fee_wei=fee_wei,
                    mined_at=now,
                    sent_at=sa.func.coalesce(transactions.c.sent_at, now),
                )
            )
            self._spend(db, day, fee_wei, 1)
            unused: list[tuple[str, int]] = []
            for request_id, outcome in outcomes.items():
                values: dict[str, Any] = {
                    "state": outcome.state,
                    "tx_hash": tx.hash,
                    "block_number": block_number,
                    "mined_at": now,
                    "updated_at": now,
                    **_reason_values(outcome.reason),
                }
                if not outcome.nonce_used:
                    values["live_nonce"] = None
                db.execute(
                    requests.update()
                    .where(requests.c.id == request_id, requests.c.state == SENT)
                    .values(**values)
                )
                if not outcome.nonce_used:
                    row = db.execute(
                        sa.select(requests.c.signer, requests.c.nonce).where(
                            requests.c.id == request_id
                        )
                    ).one()
                    unused.append((row.signer, int(row.nonce)))
            self._cascade(db, unused, now)

    def _spend(self, db: Connection, day: str, fee_wei: int, count: int) -> None:
        updated = db.execute(
            spending.update()
            .where(spending.c.day == day)
            .values(
                spent_wei=spending.c.spent_wei + fee_wei,
                transactions=spending.c.transactions + count,
            )
        )
        if updated.rowcount == 0:
            db.execute(spending.insert().values(day=day, spent_wei=fee_wei, transactions=count))

    def _cascade(self, db: Connection, unused: Iterable[tuple[str, int]], now: float) -> None:
        """A signer's nonce left unused: their later requests still waiting can never be
        executed (the forwarder takes nonces in order), so they are refused."""
        why = reason("earlier_failed")
        for signer, nonce in unused:
            db.execute(
                requests.update()
                .where(
                    requests.c.signer == signer,
                    requests.c.nonce > nonce,
                    requests.c.state == ACCEPTED,
                )
                .values(state=REFUSED, live_nonce=None, updated_at=now, **_reason_values(why))
            )

    def refuse(self, request_ids: Sequence[str], why: Reason) -> None:
        """Requests the sender will not send (expired, nonce used, the call would fail): refused
        with ``why``; their nonce stays unused, so the signers' later ones are refused too."""
        if not request_ids:
            return
        now = self.clock()
        with self.engine.begin() as db:
            rows = db.execute(
                sa.select(requests.c.signer, requests.c.nonce).where(
                    requests.c.id.in_(list(request_ids)), requests.c.state == ACCEPTED
                )
            ).all()
            db.execute(
                requests.update()
                .where(requests.c.id.in_(list(request_ids)), requests.c.state == ACCEPTED)
                .values(state=REFUSED, live_nonce=None, updated_at=now, **_reason_values(why))
            )
            self._cascade(db, [(row.signer, int(row.nonce)) for row in rows], now)

    def requeue(self, tx: Transaction) -> None:
        """No attempt at ``tx``'s nonce carried its requests (the transaction failed as a whole,
        or the nonce went to another transaction): they wait again, or, after ``MAX_ATTEMPTS``,
        are refused."""
        now = self.clock()
        with self.engine.begin() as db:
            db.execute(
                transactions.update()
                .where(
                    transactions.c.relayer == tx.relayer,
                    transactions.c.nonce == tx.nonce,
                    transactions.c.state.in_(TX_PENDING),
                )
                .values(state=TX_DROPPED)
            )
            rows = db.execute(
                sa.select(requests.c.id, requests.c.signer, requests.c.nonce, requests.c.attempts)
                .where(requests.c.id.in_(tx.request_ids), requests.c.state == SENT)
                .order_by(requests.c.nonce)
            ).all()
            given_up = [row for row in rows if int(row.attempts) >= MAX_ATTEMPTS]
            retried = [row.id for row in rows if int(row.attempts) < MAX_ATTEMPTS]
            if retried:
                db.execute(
                    requests.update()
                    .where(requests.c.id.in_(retried))
                    .values(state=ACCEPTED, tx_nonce=None, sent_at=None, updated_at=now)
                )
            if given_up:
                why = reason("not_sent", attempts=MAX_ATTEMPTS)
                db.execute(
                    requests.update()
                    .where(requests.c.id.in_([row.id for row in given_up]))
                    .values(state=REFUSED, live_nonce=None, updated_at=now, **_reason_values(why))
                )
                self._cascade(db, [(row.signer, int(row.nonce)) for row in given_up], now)

    def confirm(self, tx: Transaction) -> None:
        """``tx`` is deep enough: it and its mined requests are confirmed."""
        now = self.clock()
        with self.engine.begin() as db:
            db.execute(
                transactions.update()
                .where(transactions.c.hash == tx.hash)
                .values(state=TX_CONFIRMED)
            )
            db.execute(
                requests.update()
                .where(requests.c.tx_hash == tx.hash, requests.c.state == MINED)
                .values(state=CONFIRMED, updated_at=now)
            )

    def unmine(self, tx: Transaction) -> None:
        """``tx``'s block left the chain (a reorganisation): it is pending again, its requests
        are sent again, its fee is taken off the day it was counted on."""
        now = self.clock()
        with self.engine.begin() as db:
            row = db.execute(
                sa.select(transactions.c.mined_at, transactions.c.fee_wei).where(
                    transactions.c.hash == tx.hash
                )
            ).one()
            if row.mined_at is not None and row.fee_wei:
                self._spend(db, amsterdam_day(float(row.mined_at)), -int(row.fee_wei), -1)
            db.execute(
                transactions.update()
                .where(transactions.c.hash == tx.hash)
                .values(
                    state=TX_SENT,
                    block_number=None,
                    block_hash=None,
                    gas_used=None,
                    fee_wei=None,
                    mined_at=None,
                )
            )
            db.execute(
                requests.update()
                .where(requests.c.tx_hash == tx.hash, requests.c.state.in_([MINED, FAILED]))
                .values(
                    state=SENT,
                    live_nonce=requests.c.nonce,
                    tx_hash=None,
                    block_number=None,
                    mined_at=None,
                    updated_at=now,
                    **_reason_values(None),
                )
            )
