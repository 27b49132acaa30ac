"""A shop's books, computed from the indexer's tables (payments, transfers, redemptions, blocks)
and the API's own record of which payment a refund was for (``api.tables.shop_refunds``).

Dates are Europe/Amsterdam. "Now" is the later of the server's clock and the newest indexed
block's time, so "today" is the chain's day also where a test chain runs ahead of the clock.
"""

from __future__ import annotations

import csv
import io
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.errors import Conflict, InvalidInput, NotFound
from api.merchants.service import shop_of
from api.payments.service import payment_code
from api.prepared import PreparedTx, Transactions
from api.shop_books import texts
from api.shop_books.schemas import (
    BookPayment,
    BookRefund,
    CashoutLine,
    DayOut,
    HoodCount,
    InvolvedOut,
)
from api.tables import shop_refunds
from indexer import schema as s
from wesh.money import format_euros
from wesh.neighbourhoods import name_of
from wesh.rules import RequestStatus
from wesh.sepa import request_end_to_end_id

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
#: The longest period one CSV export covers (days): a year and a bit, for the annual accounts.
MAX_EXPORT_DAYS = 400
#: A chain position: (block number, log index); pending blocks come after confirmed ones.
Position = tuple[int, int]


def english_euros(cents: int) -> str:
    return "€" + f"{cents / 100:,.2f}"


#: The dates the books answer for (outside: a 422 naming the field, not an overflow).
FIRST_YEAR, LAST_YEAR = 2000, 2999


def check_date(day: date | None, name: str) -> None:
    if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise InvalidInput("invalid_input", fields=[name])


def day_bounds(day: date) -> tuple[int, int]:
    """Unix times of the start of ``day`` and of the next day, Europe/Amsterdam."""
    start = datetime(day.year, day.month, day.day, tzinfo=AMSTERDAM)
    end = datetime.combine(day + timedelta(days=1), datetime.min.time(), tzinfo=AMSTERDAM)
    return int(start.timestamp()), int(end.timestamp())


def local(ts: int) -> datetime:
    return datetime.fromtimestamp(ts, AMSTERDAM)


@dataclass(frozen=True)
class Move:
    """A payment or a refund of the shop, with its time and the resident on the other side."""

    tx_hash: str
    log_index: int
    position: Position
    timestamp: int | None
    amount: int
    wallet: str  # the resident's wallet (payer, or refund receiver), lower case
    reference: str | None  # payments: the bytes32 reference of pay(), None for a plain transfer
    merchant_id: int  # payments: the shop paid
    confirmed: bool

    @property
    def id(self) -> str:
        return f"{self.tx_hash}-{self.log_index}"

    @property
    def code(self) -> str:
        return payment_code(self.reference, self.tx_hash)


@dataclass(frozen=True)
class Resident:
    citizen_id: int
    neighbourhood: int
    wallet: str  # their wallet now


class ShopBooks:
    def __init__(self, engine: Engine, txs: Transactions, min_count: int) -> None:
        self.engine = engine
        self.txs = txs
        self.min_count = min_count

    # ----------------------------------------------------------------- reading
    def now(self, db: sa.Connection) -> int:
        newest = db.execute(sa.select(sa.func.max(s.blocks.c.timestamp))).scalar()
        return max(int(time.time()), int(newest or 0))

    def today(self, db: sa.Connection) -> date:
        return local(self.now(db)).date()

    @staticmethod
    def shop(db: sa.Connection, wallet: str) -> tuple[int, set[str]]:
        """The shop of ``wallet`` and every wallet it has had (a lost phone moves it)."""
        shop = shop_of(db, wallet)
        if shop is None:
            raise NotFound("shop_unknown")
        wallets = {wallet.lower()}
        for table in (s.merchants, s.merchant_moves):
            column = table.c.wallet if table is s.merchants else table.c.old_wallet
            wallets |= {
                str(w) for (w,) in db.execute(sa.select(column).where(table.c.merchant_id == shop))
            }
        return shop, wallets

    @staticmethod
    def residents(db: sa.Connection, wallets: set[str]) -> dict[str, Resident]:
        """Wallet (lower case) -> the resident who has it or moved away from it."""
        if not wallets:
            return {}
        c, moves = s.citizens.c, s.citizen_moves.c
        found: dict[str, Resident] = {}
        for row in db.execute(
            sa.select(c.citizen_id, c.neighbourhood, c.wallet).where(c.wallet.in_(sorted(wallets)))
        ):
            found[str(row.wallet)] = Resident(row.citizen_id, row.neighbourhood, str(row.wallet))
        rest = wallets - found.keys()
        if rest:
            for moved in db.execute(
                sa.select(moves.old_wallet, c.citizen_id, c.neighbourhood, c.wallet)
                .select_from(s.citizen_moves.join(s.citizens, c.citizen_id == moves.citizen_id))
                .where(moves.old_wallet.in_(sorted(rest)))
            ):
                found[str(moved.old_wallet)] = Resident(
                    moved.citizen_id, moved.neighbourhood, str(moved.wallet)
                )
        return found

    @staticmethod
    def _rows(
        db: sa.Connection, table: sa.Table, where: Any, start: int | None, end: int | None
    ) -> list[tuple[Any, bool]]:
        """Rows of ``table`` and its pending twin matching ``where(table)``, with their block's
        time (``ts``), oldest first; within [start, end) when given (a pending row whose block
        time is not known yet counts as now)."""
        found: list[tuple[Any, bool]] = []
        for pending in (False, True):
            t = s.pending(table) if pending else table
            blocks = s.pending(s.blocks) if pending else s.blocks
            query = (
                sa.select(t, blocks.c.timestamp.label("ts"))
                .select_from(t.outerjoin(blocks, blocks.c.number == t.c.block_number))
                .where(where(t))
                .order_by(t.c.block_number, t.c.log_index)
            )
            if start is not None and end is not None:
                inside = sa.and_(blocks.c.timestamp >= start, blocks.c.timestamp < end)
                query = query.where(
                    sa.or_(inside, blocks.c.timestamp.is_(None)) if pending else inside
                )
            found.extend((row, pending) for row in db.execute(query))
        return found

    def payments(
        self,
        db: sa.Connection,
        shop: int,
        start: int | None = None,
        end: int | None = None,
        payers: set[str] | None = None,
    ) -> list[Move]:
        """Payments to the shop (by its id: also those to a wallet it moved away from)."""

        def where(t: sa.Table) -> Any:
            match = t.c.merchant_id == shop
            return sa.and_(match, t.c.payer.in_(sorted(payers))) if payers is not None else match

        return [
            Move(
                tx_hash=row.tx_hash,
                log_index=row.log_index,
                position=(row.block_number, row.log_index),
                timestamp=row.ts,
                amount=row.amount,
                wallet=str(row.payer),
                reference=row.reference,
                merchant_id=int(row.merchant_id),
                confirmed=not pending,
            )
            for row, pending in self._rows(db, s.payments, where, start, end)
        ]

    def refunds(
        self,
        db: sa.Connection,
        wallets: set[str],
        start: int | None = None,
        end: int | None = None,
        receivers: set[str] | None = None,
    ) -> list[Move]:
        """Refunds from the shop's wallets to residents."""

        def where(t: sa.Table) -> Any:
            match = sa.and_(t.c.kind == "refund", t.c.sender.in_(sorted(wallets)))
            if receivers is not None:
                match = sa.and_(match, t.c.receiver.in_(sorted(receivers)))
            return match

        return [
            Move(
                tx_hash=row.tx_hash,
                log_index=row.log_index,
                position=(row.block_number, row.log_index),
                timestamp=row.ts,
                amount=row.value,
                wallet=str(row.receiver),
                reference=None,
                merchant_id=0,
                confirmed=not pending,
            )
            for row, pending in self._rows(db, s.transfers, where, start, end)
        ]

    def window(self, db: sa.Connection, citizen_id: int, shop: int, wallets: set[str]) -> int:
        """What the contract lets the shop give the resident back now: ``windows`` of one."""
        return self.windows(db, {citizen_id}, shop, wallets).get(citizen_id, 0)

    def windows(
        self, db: sa.Connection, citizen_ids: set[int], shop: int, wallets: set[str]
    ) -> dict[int, int]:
        """Resident number -> what the contract lets the shop give them back now (their refund
        window, contracts/Heitje.vy ``_refund``): what they paid this shop with ``pay`` since they
        last paid another shop with ``pay``, less the refunds this shop gave them since. A plain
        transfer neither opens nor closes the window. Four queries for any number of residents."""
        if not citizen_ids:
            return {}
        c, moves = s.citizens.c, s.citizen_moves.c
        owner: dict[str, int] = {
            str(w): int(i)
            for w, i in db.execute(
                sa.select(c.wallet, c.citizen_id).where(c.citizen_id.in_(sorted(citizen_ids)))
            )
        }
        owner |= {
            str(w): int(i)
            for w, i in db.execute(
                sa.select(moves.old_wallet, moves.citizen_id).where(
                    moves.citizen_id.in_(sorted(citizen_ids))
                )
            )
        }

        def where(t: sa.Table) -> Any:
            return sa.and_(t.c.payer.in_(sorted(owner)), t.c.reference.is_not(None))

        pays: dict[int, list[Any]] = defaultdict(list)
        for row, _ in self._rows(db, s.payments, where, None, None):
            pays[owner[str(row.payer)]].append(row)
        back: dict[int, list[Move]] = defaultdict(list)
        for refund in self.refunds(db, wallets, receivers=set(owner)):
            back[owner[refund.wallet]].append(refund)
        out: dict[int, int] = {}
        for citizen in citizen_ids:
            theirs = pays.get(citizen, [])
            if not theirs or int(theirs[-1].merchant_id) != shop:
                out[citizen] = 0
                continue
            opened: Position = (-1, -1)
            for row in theirs:
                if int(row.merchant_id) != shop:
                    opened = (row.block_number, row.log_index)
            paid = sum(r.amount for r in theirs if (r.block_number, r.log_index) > opened)
            given = sum(r.amount for r in back.get(citizen, []) if r.position > opened)
            out[citizen] = max(paid - given, 0)
        return out

    def refunded(
        self, db: sa.Connection, shop: int, wallets: set[str]
    ) -> tuple[dict[str, int], dict[str, str]]:
        """Which payment each refund on the chain was for: (payment id -> amount given back for
        it, refund id -> the payment's code). A refund recorded with ``refund`` matches the first
        refund on the chain after the payment, of that amount, to that resident, not matched
        yet; one never sent matches nothing."""
        asked = db.execute(
            sa.select(shop_refunds)
            .where(shop_refunds.c.merchant_id == shop)
            .order_by(shop_refunds.c.id)
        ).all()
        if not asked:
            return {}, {}
        chain = self.refunds(db, wallets)
        owners = self.residents(db, {r.wallet for r in chain})
        by_payment: dict[str, int] = defaultdict(int)
        codes: dict[str, str] = {}
        used: set[str] = set()
        positions: dict[tuple[str, int], tuple[Position, str]] = {}
        for row in asked:
            key = (row.payment_tx, row.payment_log)
            if key not in positions:
                found = self._payment(db, shop, *key)
                if found is None:
                    continue
                positions[key] = (found.position, found.code)
            position, code = positions[key]
            for refund in chain:
                owner = owners.get(refund.wallet)
                if (
                    refund.id not in used
                    and owner is not None
                    and owner.citizen_id == row.citizen_id
                    and refund.amount == row.amount
                    and refund.position > position
                ):
                    used.add(refund.id)
                    by_payment[f"{row.payment_tx}-{row.payment_log}"] += refund.amount
                    codes[refund.id] = code
                    break
        return dict(by_payment), codes

    def _payment(self, db: sa.Connection, shop: int, tx_hash: str, log_index: int) -> Move | None:
        def where(t: sa.Table) -> Any:
            return sa.and_(
                t.c.merchant_id == shop, t.c.tx_hash == tx_hash, t.c.log_index == log_index
            )

        for row, pending in self._rows(db, s.payments, where, None, None):
            return Move(
                tx_hash=row.tx_hash,
                log_index=row.log_index,
                position=(row.block_number, row.log_index),
                timestamp=row.ts,
                amount=row.amount,
                wallet=str(row.payer),
                reference=row.reference,
                merchant_id=int(row.merchant_id),
                confirmed=not pending,
            )
        return None

    # ------------------------------------------------------------ the day
    def day(self, wallet: str, day: date | None = None) -> DayOut:
        check_date(day, "date")
        with self.engine.connect() as db:
            shop, wallets = self.shop(db, wallet)
            today = self.today(db)
            day = day or today
            start, end = day_bounds(day)
            payments = self.payments(db, shop, start, end)
            refunds = self.refunds(db, wallets, start, end)
            by_payment, codes = self.refunded(db, shop, wallets)
            people = self.residents(db, {m.wallet for m in payments + refunds})
            windows = self.windows(
                db,
                {people[m.wallet].citizen_id for m in payments if m.wallet in people},
                shop,
                wallets,
            )
        lines = []
        for m in payments:
            person = people.get(m.wallet)
            back = by_payment.get(m.id, 0)
            window = windows.get(person.citizen_id, 0) if person else 0
            lines.append(
                BookPayment(
                    id=m.id,
                    code=m.code,
                    timestamp=m.timestamp,
                    amount=m.amount,
                    refunded=back,
                    refundable=max(min(m.amount - back, window), 0),
                    neighbourhood=person.neighbourhood if person else None,
                    neighbourhood_name=name_of(person.neighbourhood) if person else None,
                    confirmed=m.confirmed,
                )
            )
        refund_lines = [
            BookRefund(
                timestamp=r.timestamp,
                amount=r.amount,
                code=codes.get(r.id),
                neighbourhood_name=name_of(people[r.wallet].neighbourhood)
                if r.wallet in people
                else None,
                confirmed=r.confirmed,
            )
            for r in refunds
        ]
        received = sum(p.amount for p in payments)
        given = sum(r.amount for r in refunds)
        return DayOut(
            date=day.isoformat(),
            today=today.isoformat(),
            payments=lines,
            refunds=refund_lines,
            count=len(payments),
            received=received,
            refunded=given,
            net=received - given,
        )

    # ------------------------------------------------------------ refunds
    def refund(self, wallet: str, payment: str, amount: int, now: int) -> PreparedTx:
        """Prepares giving the resident back ``amount`` of ``payment`` (relayed for a phone
        account like every shop's action), within what is left of the payment and within the
        contract's refund window; records which payment it is for."""
        tx_hash, _, log = payment.rpartition("-")
        with self.engine.connect() as db:
            shop, wallets = self.shop(db, wallet)
            paid = self._payment(db, shop, tx_hash.lower(), int(log))
            if paid is None:
                raise NotFound("book_payment_unknown")
            person = self.residents(db, {paid.wallet}).get(paid.wallet)
            if person is None:
                raise InvalidInput("refund_not_a_resident")
            by_payment, _ = self.refunded(db, shop, wallets)
            left = paid.amount - by_payment.get(paid.id, 0)
            window = self.window(db, person.citizen_id, shop, wallets)
        limit = min(left, window)
        if limit <= 0:
            nl, en = texts.ALL_BACK if left <= 0 else texts.WINDOW_CLOSED
            raise Conflict("refund_nothing_left", why=nl, why_en=en)
        if amount > limit:
            raise InvalidInput(
                "refund_above_limit",
                max=format_euros(limit),
                max_en=english_euros(limit),
                limit=limit,
            )
        prepared = self.txs.prepare(
            self.txs.wesh.transfer(person.wallet, amount),
            wallet,
            "refund",
            amount=amount,
            code=paid.code,
        )
        with self.engine.begin() as db:
            db.execute(
                shop_refunds.insert().values(
                    merchant_id=shop,
                    payment_tx=paid.tx_hash,
                    payment_log=paid.log_index,
                    citizen_id=person.citizen_id,
                    amount=amount,
                    created_at=now,
                )
            )
        return prepared

    # ------------------------------------------------------------ the accountant's CSV
    def csv(self, wallet: str, first: date | None, last: date | None) -> tuple[str, str]:
        """Payments and refunds of a period as CSV for a Dutch accountant: (file name, text).

        Semicolons between fields and a decimal comma (what Excel and accounting packages set to
        Dutch read as numbers), dates as YYYY-MM-DD, times Europe/Amsterdam, UTF-8 with a byte
        order mark (Excel reads the é of a neighbourhood right), CRLF line ends (RFC 4180). One
        line per payment and per refund; a refund names the payment it was for when known.
        Never who: the resident's neighbourhood only."""
        check_date(first, "from")
        check_date(last, "to")
        with self.engine.connect() as db:
            shop, wallets = self.shop(db, wallet)
            today = self.today(db)
            first = first or today.replace(day=1)
            last = last or today
            if last < first or (last - first).days >= MAX_EXPORT_DAYS:
                raise InvalidInput("book_period", days=MAX_EXPORT_DAYS)
            start, _ = day_bounds(first)
            _, end = day_bounds(last)
            moves = [(m, "betaling") for m in self.payments(db, shop, start, end) if m.confirmed]
            moves += [
                (m, "terugbetaling") for m in self.refunds(db, wallets, start, end) if m.confirmed
            ]
            _, codes = self.refunded(db, shop, wallets)
            people = self.residents(db, {m.wallet for m, _ in moves})
        moves.sort(key=lambda item: item[0].position)
        out = io.StringIO()
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(["Datum", "Tijd", "Soort", "Code", "Bedrag", "Terugbetaald", "Wijk"])
        for move, kind in moves:
            when = local(move.timestamp) if move.timestamp is not None else None
            person = people.get(move.wallet)
            writer.writerow(
                [
                    when.date().isoformat() if when else "",
                    when.strftime("%H:%M:%S") if when else "",
                    kind,
                    move.code if kind == "betaling" else codes.get(move.id, ""),
                    format_euros(move.amount if kind == "betaling" else 0, symbol=False),
                    format_euros(move.amount if kind != "betaling" else 0, symbol=False),
                    name_of(person.neighbourhood) if person else "",
                ]
            )
        name = f"heitjes-winkel-{shop}-{first.isoformat()}-{last.isoformat()}.csv"
        return name, "\ufeff" + out.getvalue()

    # ------------------------------------------------------------ cash-outs
    def cashouts(self, wallet: str) -> list[CashoutLine]:
        """The shop's cash-outs, newest first, numbered per shop (its first is 1) with the SEPA
        end-to-end id of the bank transfer that pays each and the treasurer's reference."""
        r = s.redemptions
        with self.engine.connect() as db:
            shop, wallets = self.shop(db, wallet)
            mine = sa.or_(r.c.merchant_id == shop, r.c.merchant.in_(sorted(wallets)))
            asked = s.blocks.alias("asked")
            paid = s.blocks.alias("paid")
            rows = db.execute(
                sa.select(r, asked.c.timestamp.label("asked_at"), paid.c.timestamp.label("paid_at"))
                .select_from(
                    r.outerjoin(asked, asked.c.number == r.c.requested_block).outerjoin(
                        paid, paid.c.number == r.c.paid_block
                    )
                )
                .where(mine)
                .order_by(r.c.redemption_id)
            ).all()
        lines = [
            CashoutLine(
                number=number,
                redemption_id=row.redemption_id,
                amount=row.amount,
                requested_at=row.asked_at,
                status="paid" if row.status == RequestStatus.PAID else "open",
                paid_at=row.paid_at if row.status == RequestStatus.PAID else None,
                end_to_end_id=request_end_to_end_id(row.redemption_id),
                payment_reference=row.payment_reference
                if row.status == RequestStatus.PAID
                else None,
            )
            for number, row in enumerate(rows, start=1)
        ]
        return lines[::-1]

    # ------------------------------------------------------------ who's involved
    def involved(self, wallet: str, month: str | None) -> InvolvedOut:
        """How many different residents paid the shop in ``month`` (YYYY-MM, default this
        month), by neighbourhood; small counts hidden (``hide``)."""
        with self.engine.connect() as db:
            shop, _ = self.shop(db, wallet)
            today = self.today(db)
            first = date.fromisoformat(f"{month}-01") if month else today.replace(day=1)
            following = (first + timedelta(days=32)).replace(day=1)
            start, _ = day_bounds(first)
            end, _ = day_bounds(following)
            payments = [m for m in self.payments(db, shop, start, end) if m.confirmed]
            people = self.residents(db, {m.wallet for m in payments})
        hoods: dict[int, set[int]] = defaultdict(set)
        for m in payments:
            person = people.get(m.wallet)
            if person is not None:
                hoods[person.neighbourhood].add(person.citizen_id)
        counts = {hood: len(ids) for hood, ids in hoods.items()}
        return hide(f"{first:%Y-%m}", counts, self.min_count)


def hide(month: str, counts: dict[int, int], k: int) -> InvolvedOut:
    """Counts by neighbourhood with small counts hidden: every number shown, and every number a
    subtraction from the total gives, is 0 or at least ``k``.

    A count below ``k`` is hidden. The hidden ones are said together ("andere wijken samen"),
    which the total minus the shown ones gives anyway; so while that sum is below ``k``, or is
    one neighbourhood's alone, the smallest count still shown is hidden too. Below ``k``
    residents in all, the total is hidden as well."""
    total = sum(counts.values())
    if total < k:
        return InvolvedOut(
            month=month,
            min_count=k,
            residents=None,
            neighbourhoods=[],
            hidden_neighbourhoods=len(counts),
            hidden_residents=None,
        )
    shown = sorted(counts.items(), key=lambda item: (item[1], item[0]))
    hidden = [item for item in shown if item[1] < k]
    shown = [item for item in shown if item[1] >= k]
    while hidden and shown and (len(hidden) == 1 or sum(n for _, n in hidden) < k):
        hidden.append(shown.pop(0))
    rest = sum(n for _, n in hidden)
    return InvolvedOut(
        month=month,
        min_count=k,
        residents=total,
        neighbourhoods=[
            HoodCount(neighbourhood=hood, name=name_of(hood), residents=n)
            for hood, n in sorted(shown, key=lambda item: (-item[1], name_of(item[0])))
        ],
        hidden_neighbourhoods=len(hidden),
        hidden_residents=rest if hidden else None,
    )
