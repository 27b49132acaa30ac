"""Read-only views over the indexer's projections (``indexer.schema``), shaped for the API.

Everything here is a query: the indexer owns the tables and the API never writes them. Task
texts and locations are not on chain (only their CID is): ``api_task_meta`` caches what the
content store holds for each task so that lists, filters and the map are single queries.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from eth_utils import to_checksum_address
from sqlalchemy.engine import Engine

from indexer import schema as s
from wesh import deadlines
from wesh.contract import Role
from wesh.metadata import ContentStore, get_document
from wesh.neighbourhoods import NEIGHBOURHOODS

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
CITY_ROLES = {
    Role.ADMIN: "admin",
    Role.REGISTRAR: "registrar",
    Role.MERCHANT_MANAGER: "merchant manager",
    Role.TASK_MANAGER: "task manager",
    Role.REVIEWER: "reviewer",
    Role.TREASURER: "treasurer",
}
#: Statistics cells with fewer people than this are suppressed (CBS practice for small counts).
MIN_CELL = 3
#: A list's total (for paging) is counted again when the indexer applied a block, or after this
#: many seconds: counting 100,000 rows on every request would cost more than the page itself.
COUNT_TTL_S = 30.0
#: How often a worker asks the database which block the indexer has reached.
BLOCK_CHECK_S = 0.2
#: A cached public page is rebuilt after this long even without a new block (deadlines pass).
PAGE_TTL_S = 5.0

api_metadata = sa.MetaData()
task_meta = sa.Table(
    "api_task_meta",
    api_metadata,
    sa.Column("task_id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("cid", sa.Text, nullable=False),
    sa.Column("title_nl", sa.Text, nullable=False),
    sa.Column("title_en", sa.Text, nullable=False),
    sa.Column("category", sa.String(40), nullable=False),
    sa.Column("street", sa.Text, nullable=False),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Column("document", sa.Text, nullable=False),
    sa.Index("ix_api_task_meta_latlon", "lat", "lon"),
    sa.Index("ix_api_task_meta_category", "category"),
)

#: Who uploaded which evidence (photos are personal data: only their owner and reviewers may
#: fetch them, and they can be erased).
evidence_owners = sa.Table(
    "api_evidence",
    api_metadata,
    sa.Column("cid", sa.String(100), primary_key=True),
    sa.Column("owner", sa.String(42), nullable=False, index=True),
    sa.Column("media_type", sa.String(40), nullable=False),
    sa.Column("created_at", sa.BigInteger, nullable=False),
)


@dataclass(frozen=True)
class RoleSet:
    bits: int
    is_citizen: bool
    is_merchant: bool
    citizen_id: int | None = None
    merchant_id: int | None = None
    names: frozenset[str] = field(default_factory=frozenset)


def period_of(timestamp: float) -> tuple[int, int]:
    """Europe/Amsterdam (year, month), as the contract's calendar computes it."""
    moment = datetime.fromtimestamp(timestamp, AMSTERDAM)
    return moment.year, moment.month


def lower(address: str) -> str:
    return address.lower()


def _payment(row: Any, pending: bool) -> dict[str, Any]:
    """A row of ``payments`` (or its pending twin) as the API shows it."""
    return {
        "block_number": int(row.block_number),
        "log_index": int(row.log_index),
        "tx_hash": row.tx_hash,
        "payer": to_checksum_address(row.payer),
        "amount": int(row.amount),
        "reference": row.reference,
        "confirmed": not pending,
    }


def caps_in(ledger: dict[str, Any], year: int) -> tuple[int, int, int]:
    """(yearly cap, monthly cap, max open claims) in force in ``year``, from the ledger row (a
    scheduled change applies from its year on, as the contract's ``_current_caps``)."""
    yearly, monthly = int(ledger.get("cap_yearly", 0)), int(ledger.get("cap_monthly", 0))
    next_year = int(ledger.get("cap_next_from_year", 0))
    if next_year and year >= next_year:
        yearly = int(ledger.get("cap_next_yearly", 0))
        monthly = int(ledger.get("cap_next_monthly", 0))
    return yearly, monthly, int(ledger.get("max_open_claims", 0))


class PageCache:
    """Serialised public pages, kept while the indexed block stays the same (and at most
    PAGE_TTL_S). The pages are the same for everyone, so N requests between two blocks cost one
    query for the block number each, instead of N rebuilds."""

    def __init__(self, views: Views, size: int = 1_024) -> None:
        self.views = views
        self.size = size
        self.entries: dict[tuple[Any, ...], tuple[int | None, float, bytes, str]] = {}
        self.block: int | None = None
        self.block_read_at = -1.0

    def respond(self, request: Any, key: tuple[Any, ...], build: Any) -> Any:
        from fastapi import Response  # the views stay importable without the web layer

        now = time.monotonic()
        # The indexed block is read at most every BLOCK_CHECK_S: a page can be that much later
        # than the indexer, and a request that finds its page costs no database round trip.
        if now - self.block_read_at > BLOCK_CHECK_S:
            self.block = self.views.indexed_block()
            self.block_read_at = now
        block = self.block
        entry = self.entries.get(key)
        if entry is None or entry[0] != block or now - entry[1] > PAGE_TTL_S:
            body = build()
            etag = f'W/"{block}-{hashlib.blake2b(body, digest_size=8).hexdigest()}"'
            if len(self.entries) >= self.size:
                self.entries.clear()
            entry = (block, now, body, etag)
            self.entries[key] = entry
        headers = {"ETag": entry[3], "Cache-Control": "public, max-age=2"}
        if request.headers.get("if-none-match") == entry[3]:
            return Response(status_code=304, headers=headers)
        return Response(entry[2], media_type="application/json", headers=headers)


class Views:
    def __init__(self, engine: Engine, content: ContentStore) -> None:
        self.engine = engine
        self.content = content
        self.pages = PageCache(self)
        api_metadata.create_all(engine)
        self._meta_checked = 0.0
        self._counts: dict[tuple[Any, ...], tuple[int, float]] = {}

    # --------------------------------------------------------------- content
    def is_public_document(self, cid: str) -> bool:
        """Task and merchant documents are public; evidence is not."""
        with self.engine.connect() as db:
            for column in (s.tasks.c.metadata_cid, s.merchants.c.metadata_cid):
                found = db.execute(sa.select(sa.literal(1)).where(column == cid).limit(1)).first()
                if found:
                    return True
        return False

    def record_evidence(self, cid: str, owner: str, media_type: str) -> None:
        with self.engine.begin() as db:
            exists = db.execute(
                sa.select(evidence_owners.c.cid).where(evidence_owners.c.cid == cid)
            ).first()
            if exists is None:
                db.execute(
                    evidence_owners.insert().values(
                        cid=cid,
                        owner=lower(owner),
                        media_type=media_type,
                        created_at=int(time.time()),
                    )
                )

    def claims_evidence(self, cid: str, wallet: str) -> bool:
        """Whether ``cid`` is the evidence document of one of ``wallet``'s claims."""
        with self.engine.connect() as db:
            found = db.execute(
                sa.select(sa.literal(1))
                .where(s.claims.c.evidence_cid == cid, s.claims.c.wallet == lower(wallet))
                .limit(1)
            ).first()
        return found is not None

    def evidence_record(self, cid: str) -> tuple[str, str] | None:
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(evidence_owners.c.owner, evidence_owners.c.media_type).where(
                    evidence_owners.c.cid == cid
                )
            ).first()
        return (row.owner, row.media_type) if row else None

    def indexed_block(self) -> int | None:
        with self.engine.connect() as db:
            return db.execute(sa.select(s.sync_state.c.indexed_block)).scalar()

    # ------------------------------------------------------------------ roles
    def roles_of(self, address: str) -> RoleSet:
        wallet = lower(address)
        with self.engine.connect() as db:
            bits = db.execute(
                sa.select(s.roles.c.roles).where(s.roles.c.account == wallet)
            ).scalar_one_or_none()
            citizen_id = db.execute(
                sa.select(s.citizens.c.citizen_id).where(s.citizens.c.wallet == wallet)
            ).scalar_one_or_none()
            merchant_id = db.execute(
                sa.select(s.merchants.c.merchant_id).where(s.merchants.c.wallet == wallet)
            ).scalar_one_or_none()
        bits = int(bits or 0)
        names = {name for role, name in CITY_ROLES.items() if bits & role}
        if names:
            names.add("city")
        if citizen_id is not None:
            names.add("citizen")
        if merchant_id is not None:
            names.add("merchant")
        return RoleSet(
            bits=bits,
            is_citizen=citizen_id is not None,
            is_merchant=merchant_id is not None,
            citizen_id=citizen_id,
            merchant_id=merchant_id,
            names=frozenset(names),
        )

    # ------------------------------------------------------------ task texts
    def sync_task_meta(self, force: bool = False) -> int:
        """Caches the documents of tasks that have none cached yet; returns how many.

        Task ids only grow, so the tasks without a cached document are those above the highest
        cached id: two index lookups decide whether there is anything to do."""
        now = time.monotonic()
        if not force and now - self._meta_checked < 1.0:
            return 0
        self._meta_checked = now
        with self.engine.connect() as db:
            cached = db.execute(sa.select(sa.func.max(task_meta.c.task_id))).scalar() or 0
            newest = db.execute(sa.select(sa.func.max(s.tasks.c.task_id))).scalar() or 0
            if newest <= cached:
                return 0
            missing = db.execute(
                sa.select(s.tasks.c.task_id, s.tasks.c.metadata_cid)
                .where(s.tasks.c.task_id > cached)
                .order_by(s.tasks.c.task_id)
                .limit(5_000)
            ).all()
        rows = [self._meta_row(task_id, cid) for task_id, cid in missing]
        if rows:
            with self.engine.begin() as db:
                # Another worker may have cached some of them meanwhile: skip those.
                present = set(
                    db.execute(
                        sa.select(task_meta.c.task_id).where(
                            task_meta.c.task_id.in_([row["task_id"] for row in rows])
                        )
                    ).scalars()
                )
                fresh = [row for row in rows if row["task_id"] not in present]
                if fresh:
                    db.execute(task_meta.insert(), fresh)
        return len(rows)

    def _meta_row(self, task_id: int, cid: str) -> dict[str, Any]:
        document = get_document(self.content, cid) or {}
        raw_title, raw_location = document.get("title"), document.get("location")
        title: dict[str, Any] = raw_title if isinstance(raw_title, dict) else {}
        location: dict[str, Any] = raw_location if isinstance(raw_location, dict) else {}
        title_nl = str(title.get("nl") or f"Klus {task_id}")
        return {
            "task_id": task_id,
            "cid": cid,
            "title_nl": title_nl,
            "title_en": str(title.get("en") or title_nl),
            "category": str(document.get("category") or "overig")[:40],
            "street": str(location.get("street") or ""),
            "lat": _float(location.get("lat")),
            "lon": _float(location.get("lon")),
            "document": json.dumps(document, ensure_ascii=False),
        }

    # ------------------------------------------------------------------ tasks
    def tasks(
        self,
        *,
        status: str | None,
        neighbourhood: int | None,
        category: str | None,
        bbox: tuple[float, float, float, float] | None,
        offset: int,
        limit: int,
        now: int,
    ) -> tuple[list[dict[str, Any]], int]:
        self.sync_task_meta()
        t, m = s.tasks, task_meta
        query = sa.select(
            t.c.task_id,
            t.c.reward,
            t.c.slots,
            t.c.slots_open,
            t.c.claim_deadline,
            t.c.claim_duration,
            t.c.neighbourhood,
            t.c.status,
            t.c.metadata_cid,
            m.c.title_nl,
            m.c.title_en,
            m.c.category,
            m.c.street,
            m.c.lat,
            m.c.lon,
        ).select_from(t.outerjoin(m, m.c.task_id == t.c.task_id))
        if status == "open":
            query = query.where(t.c.status == 1, t.c.claim_deadline >= now, t.c.slots_open > 0)
        elif status == "full":
            query = query.where(t.c.status == 1, t.c.slots_open == 0)
        elif status == "cancelled":
            query = query.where(t.c.status == 2)
        elif status == "closed":
            query = query.where(sa.or_(t.c.status == 3, t.c.claim_deadline < now))
        if neighbourhood is not None:
            query = query.where(t.c.neighbourhood == neighbourhood)
        if category:
            query = query.where(m.c.category == category)
        if bbox is not None:
            south, west, north, east = bbox
            query = query.where(m.c.lat.between(south, north), m.c.lon.between(west, east))
        with self.engine.connect() as db:
            # The total only changes when the indexer applies a block (or a claim deadline
            # passes, which COUNT_TTL_S bounds).
            indexed = db.execute(sa.select(s.sync_state.c.indexed_block)).scalar()
            count_key = (status, neighbourhood, category, bbox, indexed)
            cached_total = self._counts.get(count_key)
            if cached_total and time.monotonic() - cached_total[1] < COUNT_TTL_S:
                total = cached_total[0]
            else:
                total = int(db.execute(self._count_query(query, category, bbox)).scalar_one())
                if len(self._counts) > 1_000:
                    self._counts.clear()
                self._counts[count_key] = (total, time.monotonic())
            rows = db.execute(query.order_by(t.c.task_id.desc()).offset(offset).limit(limit)).all()
        return [_task_card(row._mapping) for row in rows], total

    @staticmethod
    def _count_query(query: sa.Select[Any], category: str | None, bbox: object) -> sa.Select[Any]:
        """The list's count; without the join to the document cache when no filter needs it."""
        if category or bbox:
            return sa.select(sa.func.count()).select_from(query.subquery())
        counted = sa.select(sa.func.count()).select_from(s.tasks)
        if query.whereclause is not None:
            counted = counted.where(query.whereclause)
        return counted

    def task(self, task_id: int) -> dict[str, Any] | None:
        self.sync_task_meta()
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(s.tasks, task_meta.c.document)
                .select_from(s.tasks.outerjoin(task_meta, task_meta.c.task_id == s.tasks.c.task_id))
                .where(s.tasks.c.task_id == task_id)
            ).first()
            if row is None:
                return None
            claimed = db.execute(
                sa.select(s.claims.c.status, sa.func.count())
                .where(s.claims.c.task_id == task_id)
                .group_by(s.claims.c.status)
            ).all()
        data = dict(row._mapping)
        document = json.loads(data.pop("document") or "null") or get_document(
            self.content, data["metadata_cid"]
        )
        card = {
            key: data[key]
            for key in (
                "task_id",
                "reward",
                "slots",
                "slots_open",
                "claim_deadline",
                "claim_duration",
                "neighbourhood",
                "status",
                "metadata_cid",
            )
        }
        card["task_manager"] = to_checksum_address(data["task_manager"])
        card["document"] = document or {}
        card["claims_by_status"] = {str(status): int(count) for status, count in claimed}
        return card

    # -------------------------------------------------------------- merchants
    def merchants(self, active_only: bool = True) -> list[dict[str, Any]]:
        query = sa.select(s.merchants).order_by(s.merchants.c.merchant_id)
        if active_only:
            query = query.where(s.merchants.c.active.is_(True))
        with self.engine.connect() as db:
            rows = db.execute(query).all()
        return [self._merchant_card(row) for row in rows]

    def merchant(self, address: str) -> dict[str, Any] | None:
        """One merchant by wallet (an index lookup, and only its own document read)."""
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(s.merchants).where(s.merchants.c.wallet == lower(address))
            ).first()
        return self._merchant_card(row) if row is not None else None

    def _merchant_card(self, row: Any) -> dict[str, Any]:
        document = get_document(self.content, row.metadata_cid) or {}
        return {
            "merchant_id": int(row.merchant_id),
            "address": to_checksum_address(row.wallet),
            "active": bool(row.active),
            "metadata_cid": row.metadata_cid,
            "name": str(document.get("name") or f"Winkel {row.merchant_id}"),
            "kind": str(document.get("kind") or ""),
            "document": document,
        }

    # ----------------------------------------------------------------- ledger
    def ledger(self) -> dict[str, Any]:
        with self.engine.connect() as db:
            row = db.execute(sa.select(s.ledger)).first()
            sync = db.execute(sa.select(s.sync_state)).first()
        data = dict(row._mapping) if row else {}
        data.pop("id", None)
        data.pop("updated_block", None)
        if data.get("redemption_contract"):
            data["redemption_contract"] = to_checksum_address(data["redemption_contract"])
        data["indexed_block"] = int(sync.indexed_block) if sync else 0
        return data

    def caps(self, year: int) -> tuple[int, int, int]:
        """(yearly cap, monthly cap, max open claims) in force in ``year``."""
        return caps_in(self.ledger(), year)

    # -------------------------------------------------------------------- me
    def me(self, address: str, now: float) -> dict[str, Any]:
        wallet = lower(address)
        year, month = period_of(now)
        with self.engine.connect() as db:
            account = db.execute(
                sa.select(s.accounts).where(s.accounts.c.address == wallet)
            ).first()
            citizen = db.execute(sa.select(s.citizens).where(s.citizens.c.wallet == wallet)).first()
            ledger = db.execute(sa.select(s.ledger)).first()
            earned_year = earned_month = 0
            claims: list[dict[str, Any]] = []
            grace_from = int(ledger.pause_grace_from) if ledger else 0
            resumed_at = int(ledger.resumed_at) if ledger else 0
            if citizen is not None:
                cid = int(citizen.citizen_id)
                e = s.earnings.c
                # The year's months in one query: the year's total and this month's.
                for row_month, amount in db.execute(
                    sa.select(e.month, e.amount).where(e.citizen_id == cid, e.year == year)
                ):
                    earned_year += int(amount)
                    if int(row_month) == month:
                        earned_month += int(amount)
                claims = [
                    {
                        "task_id": int(row.task_id),
                        "status": int(row.status),
                        # As the contract decides it: a deadline in a pause gets a grace.
                        "expires_at": deadlines.effective_expiry(
                            int(row.expires_at), grace_from, resumed_at
                        ),
                        "reward": int(row.reward),
                        "reason": int(row.reason),
                        "appealed": bool(row.appealed),
                        "rejections": int(row.rejections),
                        "final": deadlines.is_final(int(row.rejections)),
                        "evidence_cid": row.evidence_cid,
                    }
                    for row in db.execute(
                        sa.select(s.claims)
                        .where(s.claims.c.citizen_id == cid)
                        .order_by(s.claims.c.claimed_block.desc())
                        .limit(100)
                    ).all()
                ]
            incoming = db.execute(
                sa.select(sa.func.coalesce(sa.func.sum(s.pending(s.transfers).c.value), 0)).where(
                    s.pending(s.transfers).c.receiver == wallet
                )
            ).scalar_one()
        yearly_cap, monthly_cap, max_open = caps_in(dict(ledger._mapping) if ledger else {}, year)
        reserved = int(citizen.reserved) if citizen else 0
        cap_left = max(0, yearly_cap - earned_year - reserved)
        if monthly_cap:
            cap_left = min(cap_left, max(0, monthly_cap - earned_month - reserved))
        return {
            "address": to_checksum_address(address),
            "balance": int(account.balance) if account else 0,
            "pending_incoming": int(incoming or 0),
            "is_citizen": citizen is not None,
            "citizen_id": int(citizen.citizen_id) if citizen else None,
            "active": bool(citizen.active) if citizen else False,
            "neighbourhood": int(citizen.neighbourhood) if citizen else None,
            "year": year,
            "month": month,
            "earned_year": earned_year,
            "earned_month": earned_month,
            "reserved": reserved,
            "open_claims": int(citizen.open_claims) if citizen else 0,
            "max_open_claims": max_open,
            "cap_yearly": yearly_cap,
            "cap_monthly": monthly_cap,
            "cap_left": cap_left,
            "claims": claims,
        }

    def history(self, address: str, limit: int = 50) -> list[dict[str, Any]]:
        wallet = lower(address)
        t, p = s.transfers, s.payments
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(
                    t.c.block_number,
                    t.c.log_index,
                    t.c.tx_hash,
                    t.c.sender,
                    t.c.receiver,
                    t.c.value,
                    t.c.kind,
                    p.c.reference,
                    s.blocks.c.timestamp,
                )
                .select_from(
                    t.outerjoin(
                        p,
                        sa.and_(
                            p.c.block_number == t.c.block_number, p.c.log_index == t.c.log_index
                        ),
                    ).outerjoin(s.blocks, s.blocks.c.number == t.c.block_number)
                )
                .where(sa.or_(t.c.sender == wallet, t.c.receiver == wallet))
                .order_by(t.c.block_number.desc(), t.c.log_index.desc())
                .limit(limit)
            ).all()
        return [
            {
                "block_number": int(row.block_number),
                "log_index": int(row.log_index),
                "tx_hash": row.tx_hash,
                "timestamp": int(row.timestamp) if row.timestamp is not None else None,
                "kind": row.kind,
                "direction": "in" if row.receiver == wallet else "out",
                "counterparty": to_checksum_address(
                    row.sender if row.receiver == wallet else row.receiver
                ),
                "amount": int(row.value),
                "reference": row.reference,
            }
            for row in rows
        ]

    # -------------------------------------------------------------- merchant
    def payments_to(self, merchant: str, after: tuple[int, int] = (-1, -1), limit: int = 50):
        """Confirmed payments to ``merchant`` after a position, newest last, plus pending ones."""
        wallet = lower(merchant)
        out: list[dict[str, Any]] = []
        with self.engine.connect() as db:
            for table, pending in ((s.payments, False), (s.pending(s.payments), True)):
                query = sa.select(table).where(table.c.merchant == wallet)
                if not pending:
                    query = query.where(
                        sa.tuple_(table.c.block_number, table.c.log_index) > sa.tuple_(*after)
                    )
                rows = db.execute(
                    query.order_by(table.c.block_number.desc(), table.c.log_index.desc()).limit(
                        limit
                    )
                ).all()
                out.extend(_payment(row, pending) for row in reversed(rows))
        return out

    def request_progress(self, merchant: str, reference: str, amount: int) -> dict[str, Any]:
        """How far a payment request of ``merchant`` for ``amount`` cents is paid.

        Only payments to ``merchant`` quoting ``reference`` (its bytes32 form) count: the same
        reference quoted to another shop pays nothing here. They add up, confirmed and on their
        way alike; the request is paid when their sum reaches ``amount``."""
        wallet, quoted = lower(merchant), reference.lower()
        payments: list[dict[str, Any]] = []
        with self.engine.connect() as db:
            for table, pending in ((s.payments, False), (s.pending(s.payments), True)):
                rows = db.execute(
                    sa.select(table)
                    .where(table.c.merchant == wallet, table.c.reference == quoted)
                    .order_by(table.c.block_number, table.c.log_index)
                ).all()
                payments.extend(_payment(row, pending) for row in rows)
        received = sum(p["amount"] for p in payments)
        return {
            "amount": amount,
            "received": received,
            "remaining": max(amount - received, 0),
            "paid": received >= amount,
            "payments": payments,
        }

    def redemptions(
        self, merchant: str | None = None, status: int | None = None
    ) -> list[dict[str, Any]]:
        query = sa.select(s.redemptions).order_by(s.redemptions.c.redemption_id.desc())
        if merchant:
            query = query.where(s.redemptions.c.merchant == lower(merchant))
        if status:
            query = query.where(s.redemptions.c.status == status)
        with self.engine.connect() as db:
            rows = db.execute(query.limit(500)).all()
        return [
            {
                "redemption_id": int(row.redemption_id),
                "merchant": to_checksum_address(row.merchant),
                "amount": int(row.amount),
                "status": "paid" if row.status == 2 else "open",
                "payment_reference": row.payment_reference,
                "requested_tx": row.requested_tx,
                "paid_tx": row.paid_tx,
            }
            for row in rows
        ]

    # ------------------------------------------------------------------- city
    def review_queue(self, limit: int = 100) -> list[dict[str, Any]]:
        """Submitted (2) and appealed (4) claims, oldest first, with their evidence."""
        c = s.claims
        self.sync_task_meta()
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(c, task_meta.c.title_nl)
                .select_from(c.outerjoin(task_meta, task_meta.c.task_id == c.c.task_id))
                .where(c.c.status.in_((2, 4)))
                .order_by(c.c.updated_block, c.c.task_id, c.c.citizen_id)
                .limit(limit)
            ).all()
        return [
            {
                "task_id": int(row.task_id),
                "citizen_id": int(row.citizen_id),
                "citizen": to_checksum_address(row.wallet),
                "status": "appealed" if row.status == 4 else "submitted",
                "reward": int(row.reward),
                "evidence_cid": row.evidence_cid,
                "rejected_by": to_checksum_address(row.rejected_by)
                if int(row.rejected_by, 16)
                else None,
                "reason": int(row.reason),
                # Rejections so far: one more than MAX_REJECTIONS - 1 is final.
                "rejections": int(row.rejections),
                "title": row.title_nl or f"Klus {row.task_id}",
            }
            for row in rows
        ]

    def statistics(self) -> dict[str, Any]:
        """Public, privacy-safe numbers: tasks paid and people taking part, by neighbourhood and
        month; cells with fewer than MIN_CELL people are suppressed."""
        r, c, b = s.reviews, s.citizens, s.blocks
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(
                    c.c.neighbourhood,
                    b.c.timestamp,
                    r.c.citizen_id,
                    r.c.amount,
                )
                .select_from(
                    r.join(c, c.c.citizen_id == r.c.citizen_id).join(
                        b, b.c.number == r.c.block_number
                    )
                )
                .where(r.c.outcome == "approved")
            ).all()
            ledger = self.ledger()
        cells: dict[tuple[int, str], dict[str, Any]] = {}
        for hood, timestamp, citizen_id, amount in rows:
            year, month_number = period_of(timestamp)
            key = (int(hood), f"{year}-{month_number:02d}")
            cell = cells.setdefault(key, {"people": set(), "tasks": 0, "paid": 0})
            cell["people"].add(int(citizen_id))
            cell["tasks"] += 1
            cell["paid"] += int(amount)
        names = {n.code: n.name for n in NEIGHBOURHOODS}
        out = []
        for (hood, month), cell in sorted(cells.items(), key=lambda item: (item[0][1], item[0][0])):
            people = len(cell["people"])
            suppressed = people < MIN_CELL
            out.append(
                {
                    "neighbourhood": hood,
                    "neighbourhood_name": names.get(hood, str(hood)),
                    "month": month,
                    "people": None if suppressed else people,
                    "tasks_paid": None if suppressed else cell["tasks"],
                    "amount_paid": None if suppressed else cell["paid"],
                    "suppressed": suppressed,
                }
            )
        return {
            "cells": out,
            "min_cell": MIN_CELL,
            "totals": {
                "citizens": int(ledger.get("citizens", 0)),
                "merchants": int(ledger.get("merchants", 0)),
                "tasks": int(ledger.get("tasks", 0)),
                "outstanding": int(ledger.get("total_supply", 0)),
                "minted": int(ledger.get("total_minted", 0)),
            },
        }

    def indexer_progress(self) -> dict[str, Any]:
        with self.engine.connect() as db:
            row = db.execute(sa.select(s.sync_state)).first()
            if row is None:
                return {"indexed_block": None, "head_block": None, "lag_blocks": None}
            # Events the indexer could not place (docs/indexer.md): alert-worthy, not fatal.
            unplaced = db.execute(sa.select(sa.func.count()).select_from(s.unplaced_events))
        return {
            "indexed_block": int(row.indexed_block),
            "head_block": int(row.head_block),
            "lag_blocks": max(0, int(row.head_block) - int(row.indexed_block)),
            "updated_at": float(row.updated_at),
            "unplaced_events": int(unplaced.scalar_one()),
        }


def _float(value: object) -> float | None:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def _task_card(row: Any) -> dict[str, Any]:
    return {
        "task_id": int(row["task_id"]),
        "title": row["title_nl"] or f"Klus {row['task_id']}",
        "title_en": row["title_en"] or row["title_nl"] or f"Task {row['task_id']}",
        "category": row["category"] or "overig",
        "reward": int(row["reward"]),
        "slots": int(row["slots"]),
        "slots_open": int(row["slots_open"]),
        "claim_deadline": int(row["claim_deadline"]),
        "claim_duration": int(row["claim_duration"]),
        "neighbourhood": int(row["neighbourhood"]),
        "status": int(row["status"]),
        "street": row["street"] or "",
        "lat": row["lat"],
        "lon": row["lon"],
        "metadata_cid": row["metadata_cid"],
    }
