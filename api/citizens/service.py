"""A signed-in wallet's own page: balance, earnings against the cap, claims, and history."""

from __future__ import annotations

from functools import lru_cache

import sqlalchemy as sa
from eth_utils import to_checksum_address
from sqlalchemy.engine import Connection, Engine

from api.citizens.me_cache import DEFAULT_SIZE, MeCache
from api.citizens.schemas import ME, ClaimOut, HistoryItem, MeOut
from api.index_version import IndexVersions
from api.ledger import Ledger
from api.payments.service import payer_neighbourhoods
from api.tables import task_meta
from api.tasks.texts import TaskTexts
from indexer import schema as s
from wesh import deadlines
from wesh.calendar import amsterdam_period

#: Claims listed on the page, newest first.
CLAIMS_SHOWN = 100
#: Transfers listed in the history, newest first.
HISTORY_SHOWN = 50

# The page's statements, built once: building one per call cost more than running it.
_account, _citizen, _earning, _claim = s.accounts.c, s.citizens.c, s.earnings.c, s.claims.c
_pending_transfer = s.pending(s.transfers).c
_ACCOUNT = sa.select(_account.balance).where(_account.address == sa.bindparam("wallet"))
_CITIZEN = sa.select(
    _citizen.citizen_id,
    _citizen.active,
    _citizen.neighbourhood,
    _citizen.reserved,
    _citizen.open_claims,
).where(_citizen.wallet == sa.bindparam("wallet"))
_LEDGER = sa.select(s.ledger)
# The year's months in one query: the year's total and this month's.
_EARNINGS = sa.select(_earning.month, _earning.amount).where(
    _earning.citizen_id == sa.bindparam("citizen_id"), _earning.year == sa.bindparam("year")
)
_CLAIMS = (
    sa.select(
        _claim.task_id,
        _claim.status,
        _claim.expires_at,
        _claim.reward,
        _claim.reason,
        _claim.appealed,
        _claim.rejections,
        _claim.evidence_cid,
    )
    .where(_claim.citizen_id == sa.bindparam("citizen_id"))
    .order_by(_claim.claimed_block.desc())
    .limit(CLAIMS_SHOWN)
)
_INCOMING = sa.select(sa.func.coalesce(sa.func.sum(_pending_transfer.value), 0)).where(
    _pending_transfer.receiver == sa.bindparam("wallet")
)


#: A checksummed address costs a Keccak hash (a sixth of building the page): each caller's once.
checksummed = lru_cache(maxsize=DEFAULT_SIZE)(to_checksum_address)


class CitizenService:
    def __init__(
        self, engine: Engine, me_cache_size: int = DEFAULT_SIZE, texts: TaskTexts | None = None
    ) -> None:
        self.engine = engine
        self.texts = texts
        self.index_versions = IndexVersions(engine)
        self.me_cache = MeCache(me_cache_size)

    def me_json(self, address: str, now: float) -> bytes:
        """``me(address, now)`` as JSON: the bytes built for ``address`` last time while the
        index and the Amsterdam month are as they were then (``api.citizens.me_cache``), else
        built now."""
        wallet = address.lower()
        period = amsterdam_period(int(now))
        cache = self.me_cache
        # The version first: the page built below is at least that new.
        version = self.index_versions.current() if cache.enabled else None
        key = (version, period)
        if version is not None:
            body = cache.get(wallet, key)
            if body is not None:
                return body
        with self.engine.connect() as db:
            body = ME.dump_json(self._me(db, address, *period))
        if version is not None:
            cache.put(wallet, key, body)
        return body

    def me(self, address: str, now: float) -> MeOut:
        """What ``address`` holds and may still earn at ``now``, and its latest claims."""
        with self.engine.connect() as db:
            return self._me(db, address, *amsterdam_period(int(now)))

    def _me(self, db: Connection, address: str, year: int, month: int) -> MeOut:
        wallet = address.lower()
        by_wallet = {"wallet": wallet}
        balance = db.execute(_ACCOUNT, by_wallet).scalar()
        citizen = db.execute(_CITIZEN, by_wallet).first()
        ledger = Ledger.of(db.execute(_LEDGER).first())
        earned_year = earned_month = 0
        claims: list[ClaimOut] = []
        if citizen is not None:
            cid = {"citizen_id": int(citizen.citizen_id)}
            for row_month, amount in db.execute(_EARNINGS, {**cid, "year": year}):
                earned_year += int(amount)
                if int(row_month) == month:
                    earned_month += int(amount)
            claims = [
                ClaimOut(
                    task_id=row.task_id,
                    status=row.status,
                    # As the contract decides it: a deadline in a pause gets a grace.
                    expires_at=deadlines.effective_expiry(
                        int(row.expires_at), ledger.pause_grace_from, ledger.resumed_at
                    ),
                    reward=row.reward,
                    reason=row.reason,
                    appealed=bool(row.appealed),
                    rejections=row.rejections,
                    final=deadlines.is_final(int(row.rejections)),
                    evidence_cid=row.evidence_cid,
                )
                for row in db.execute(_CLAIMS, cid)
            ]
        incoming = db.execute(_INCOMING, by_wallet).scalar_one()
        caps = ledger.caps().in_force(year)
        reserved = int(citizen.reserved) if citizen else 0
        cap_left = max(0, caps.yearly - earned_year - reserved)
        if caps.monthly:
            cap_left = min(cap_left, max(0, caps.monthly - earned_month - reserved))
        return MeOut(
            address=checksummed(address),
            balance=int(balance or 0),
            pending_incoming=int(incoming or 0),
            is_citizen=citizen is not None,
            citizen_id=int(citizen.citizen_id) if citizen else None,
            active=bool(citizen.active) if citizen else False,
            neighbourhood=int(citizen.neighbourhood) if citizen else None,
            year=year,
            month=month,
            earned_year=earned_year,
            earned_month=earned_month,
            reserved=reserved,
            open_claims=int(citizen.open_claims) if citizen else 0,
            max_open_claims=ledger.max_open_claims,
            cap_yearly=caps.yearly,
            cap_monthly=caps.monthly,
            cap_left=cap_left,
            claims=claims,
        )

    def history(self, address: str, limit: int = HISTORY_SHOWN) -> list[HistoryItem]:
        """Every transfer to or from ``address``, newest first, in people's terms: the shop on
        the other side (its id: a payment by the shop it was paid to, a refund by the wallet the
        shop had then), the task a reward was for (its title), and for a shop the neighbourhood
        of the resident who paid (never who they are)."""
        wallet = address.lower()
        t, p = s.transfers, s.payments
        # A reward's mint is logged right before its SubmissionApproved (contracts/Heitje.vy,
        # _approve): the approval one log later in the same block names the task.
        r = s.reviews
        approved = sa.and_(
            t.c.kind == "mint",
            r.c.block_number == t.c.block_number,
            r.c.log_index == t.c.log_index + 1,
            r.c.outcome == "approved",
        )
        if self.texts is not None:
            self.texts.sync()
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
                    p.c.merchant_id,
                    r.c.task_id,
                    task_meta.c.title_nl,
                    task_meta.c.title_en,
                    s.blocks.c.timestamp,
                )
                .select_from(
                    t.outerjoin(
                        p,
                        sa.and_(
                            p.c.block_number == t.c.block_number, p.c.log_index == t.c.log_index
                        ),
                    )
                    .outerjoin(r, approved)
                    .outerjoin(task_meta, task_meta.c.task_id == r.c.task_id)
                    .outerjoin(s.blocks, s.blocks.c.number == t.c.block_number)
                )
                .where(sa.or_(t.c.sender == wallet, t.c.receiver == wallet))
                .order_by(t.c.block_number.desc(), t.c.log_index.desc())
                .limit(limit)
            ).all()
            others = {
                str(row.sender if row.receiver == wallet else row.receiver) for row in rows
            } - {ZERO}
            shops = _shops_of(db, others)
            hoods = payer_neighbourhoods(db, others)
        items = []
        for row in rows:
            incoming = row.receiver == wallet
            other = str(row.sender if incoming else row.receiver)
            # A payment's merchant_id is the shop paid: the other side only for the payer.
            paid_shop = row.merchant_id if not incoming else None
            shop = paid_shop if paid_shop is not None else shops.get(other)
            items.append(
                HistoryItem(
                    block_number=row.block_number,
                    log_index=row.log_index,
                    tx_hash=row.tx_hash,
                    timestamp=row.timestamp,
                    kind=row.kind,
                    direction="in" if incoming else "out",
                    counterparty=to_checksum_address(other),
                    amount=row.value,
                    reference=row.reference,
                    merchant_id=int(shop) if shop is not None and row.kind != "move" else None,
                    task_id=row.task_id,
                    task_title=row.title_nl,
                    task_title_en=row.title_en or None,
                    neighbourhood=hoods.get(other) if row.kind in ("payment", "refund") else None,
                )
            )
        return items


#: The zero address: the other side of a mint or a burn.
ZERO = "0x" + "0" * 40


def _shops_of(db: Connection, wallets: set[str]) -> dict[str, int]:
    """Wallet (lower case) -> the id of the shop that has it now or moved away from it."""
    if not wallets:
        return {}
    m, moves = s.merchants.c, s.merchant_moves.c
    found = {
        str(w): int(i)
        for w, i in db.execute(
            sa.select(m.wallet, m.merchant_id).where(m.wallet.in_(sorted(wallets)))
        )
    }
    rest = wallets - found.keys()
    if rest:
        for w, i in db.execute(
            sa.select(moves.old_wallet, moves.merchant_id).where(moves.old_wallet.in_(sorted(rest)))
        ):
            found.setdefault(str(w), int(i))
    return found
