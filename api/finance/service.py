"""Financiën: the SEPA payout file made on the web (the same pain.001 file ``ape run redemptions
sepa`` writes: ``wesh.sepa``, checked against the schema), kept so it can be downloaded again and
no cash-out goes into two files, the cash-outs marked paid from it (``Redemption.mark_paid`` with
the file's message id as payment reference, prepared for the treasurer as every staff call is),
and the monthly figures for the books, from the indexer's tables.

Bank accounts are the merchant manager's (``api.shops``): a shop without one is named and left
out of the file, never paid to a guessed account.
"""

from __future__ import annotations

import csv
import io
import secrets
import time
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from eth_utils import to_checksum_address
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from api import tables
from api.errors import Conflict, NotFound, Unavailable
from api.finance.schemas import (
    LeftOutOut,
    MadeOut,
    MonthOut,
    OpenCashoutOut,
    PayoutFileOut,
    PayoutItemOut,
    PayoutsOut,
)
from api.merchants.service import MerchantService
from api.prepared import PreparedTx, Transactions
from api.shops.service import ShopDesk
from indexer import schema as s
from wesh import anvil, sepa
from wesh import iban as ibans
from wesh.money import plain_euros
from wesh.rules import AMSTERDAM, MAX_REDEMPTION_BATCH, RequestStatus

#: On the local chain (31337) only, the city's account a payout file pays from when none is set
#: (``WESH_DEBTOR_IBAN``): an example IBAN of the BNG, the municipalities' bank.
DEV_DEBTOR = sepa.Party("Gemeente Heerlen", ibans.example("NL", "BNGH", "0285059842"), "BNGHNL2G")

#: The columns of the books' export (docs/finance.md).
MONTH_COLUMNS = (
    "month",
    "budget_granted",
    "budget_withdrawn",
    "payouts",
    "cashouts_requested",
    "cashouts_paid",
    "heitjes_outstanding",
    "cashouts_unpaid",
    "liability",
)


def debtor_of(name: str, iban: str | None, bic: str | None, chain_id: int) -> sepa.Party | None:
    """The city's paying account from the settings; the example account on the local chain;
    None when it is not set (no file can be made)."""
    if iban:
        return sepa.Party(name, ibans.validate(iban), ibans.validate_bic(bic) if bic else None)
    if chain_id == anvil.DEV_CHAIN_ID:
        return DEV_DEBTOR
    return None


class FinanceService:
    def __init__(
        self,
        engine: Engine,
        txs: Transactions,
        shops: ShopDesk,
        merchants: MerchantService,
        debtor: sepa.Party | None,
    ) -> None:
        self.engine = engine
        self.txs = txs
        self.shops = shops
        self.merchants = merchants
        self.debtor = debtor

    # ------------------------------------------------------------------ reading
    def payouts(self) -> PayoutsOut:
        """The open cash-outs (in a file, ready for one, or waiting for a bank account) and every
        file made, newest first."""
        names = self._names()
        accounts, shop_of = self.shops.accounts_by_shop()
        with self.engine.connect() as db:
            open_rows = self._open(db)
            filed: dict[int, int] = _filed(db)
            files = self._files(db, names)
            times = _block_times(db, [row.requested_block for row in open_rows])
        messages = {f.file_id: f.message_id for f in files}
        out = []
        for row in open_rows:
            shop = _shop(row, shop_of)
            file_id = filed.get(row.redemption_id)
            state = "filed" if file_id else "ready" if shop in accounts else "no_bank_account"
            out.append(
                OpenCashoutOut(
                    redemption_id=row.redemption_id,
                    merchant_id=shop,
                    shop=names.get(shop, f"#{shop}"),
                    amount=row.amount,
                    requested_at=times.get(row.requested_block),
                    state=state,
                    file_id=file_id,
                    message_id=messages.get(file_id) if file_id else None,
                )
            )
        return PayoutsOut(open=out, files=files)

    def file(self, file_id: int) -> PayoutFileOut:
        with self.engine.connect() as db:
            found = self._files(db, self._names(), file_id)
        if not found:
            raise NotFound("payout_file_unknown")
        return found[0]

    def xml(self, file_id: int) -> tuple[str, bytes]:
        """The file's message id and its bytes, exactly as made."""
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(tables.payout_files.c.message_id, tables.payout_files.c.data).where(
                    tables.payout_files.c.id == file_id
                )
            ).first()
        if row is None:
            raise NotFound("payout_file_unknown")
        return str(row.message_id), bytes(row.data)

    # ------------------------------------------------------------------- making
    def make(
        self,
        sender: str,
        redemption_ids: list[int] | None = None,
        execution_date: date | None = None,
        replaces: int | None = None,
    ) -> MadeOut:
        """A new payout file for the open cash-outs in no file yet (or ``redemption_ids`` of
        them; or, with ``replaces``, the still-open cash-outs of that file, which it replaces).
        Shops without a bank account are left out and named."""
        if self.debtor is None:
            raise Unavailable("payout_no_city_account")
        names = self._names()
        accounts, shop_of = self.shops.accounts_by_shop()
        created = datetime.now(AMSTERDAM)
        if execution_date is not None and execution_date < created.date():
            raise Conflict("payout_date_past")
        try:
            with self.engine.begin() as db:
                rows = self._choose(db, redemption_ids, replaces)
                payable = [r for r in rows if _shop(r, shop_of) in accounts]
                left_out = [
                    LeftOutOut(
                        redemption_id=r.redemption_id,
                        merchant_id=_shop(r, shop_of),
                        shop=names.get(_shop(r, shop_of), f"#{_shop(r, shop_of)}"),
                        amount=r.amount,
                    )
                    for r in rows
                    if _shop(r, shop_of) not in accounts
                ]
                if not payable:
                    if left_out:
                        shops = ", ".join(sorted({x.shop for x in left_out}))
                        raise Conflict("payout_no_bank_account", shops=shops)
                    raise Conflict("payout_nothing_open")
                still_open = max(0, len(payable) - MAX_REDEMPTION_BATCH)
                payable = payable[:MAX_REDEMPTION_BATCH]
                file_id = self._make(
                    db, payable, accounts, shop_of, sender, created, execution_date
                )
                if replaces is not None:
                    db.execute(
                        tables.payout_files.update()
                        .where(tables.payout_files.c.id == replaces)
                        .values(replaced_by=file_id)
                    )
                    db.execute(
                        tables.payout_filed.delete().where(
                            tables.payout_filed.c.file_id == replaces
                        )
                    )
                db.execute(
                    tables.payout_filed.insert(),
                    [{"redemption_id": r.redemption_id, "file_id": file_id} for r in payable],
                )
        except IntegrityError:
            # Another file took one of these cash-outs at the same moment: nothing was kept.
            raise Conflict("payout_busy") from None
        return MadeOut(file=self.file(file_id), left_out=left_out, still_open=still_open)

    def _choose(
        self, db: sa.Connection, redemption_ids: list[int] | None, replaces: int | None
    ) -> list[Any]:
        """The open cash-outs the new file may pay, oldest first."""
        open_rows = self._open(db)
        filed: dict[int, int] = _filed(db)
        if replaces is not None:
            old = db.execute(
                sa.select(tables.payout_files.c.replaced_by).where(
                    tables.payout_files.c.id == replaces
                )
            ).first()
            if old is None:
                raise NotFound("payout_file_unknown")
            if old.replaced_by is not None:
                raise Conflict("payout_file_replaced", file_id=old.replaced_by)
            rows = [r for r in open_rows if filed.get(r.redemption_id) == replaces]
            if not rows:
                raise Conflict("payout_file_paid")
            return rows
        if redemption_ids is None:
            return [r for r in open_rows if r.redemption_id not in filed]
        by_id = {r.redemption_id: r for r in open_rows}
        not_open = sorted(set(redemption_ids) - set(by_id))
        if not_open:
            raise Conflict("payout_not_open", ids=", ".join(map(str, not_open)))
        in_file = sorted(i for i in set(redemption_ids) if i in filed)
        if in_file:
            raise Conflict("payout_already_filed", ids=", ".join(map(str, in_file)))
        return [by_id[i] for i in sorted(set(redemption_ids))]

    def _make(
        self,
        db: sa.Connection,
        rows: list[Any],
        accounts: dict[int, Any],
        shop_of: dict[str, int],
        sender: str,
        created: datetime,
        execution_date: date | None,
    ) -> int:
        """Writes the file's rows and returns its number (the file's serial in its message id)."""
        assert self.debtor is not None
        files = tables.payout_files
        made_row = db.execute(
            files.insert().values(
                message_id=f"making-{secrets.token_hex(8)}",
                created_by=sender.lower(),
                created_at=int(created.timestamp()),
                execution_date="",
                transfers=0,
                total=0,
                data=b"",
            )
        ).inserted_primary_key
        assert made_row is not None
        file_id = int(made_row[0])
        parties = {}
        for row in rows:
            account = accounts[_shop(row, shop_of)]
            parties[str(row.merchant)] = sepa.Party(account.holder, account.iban, account.bic)
        made = sepa.payout_file(
            [(r.redemption_id, str(r.merchant), int(r.amount)) for r in rows],
            parties,
            self.debtor,
            created=created,
            execution_date=execution_date,
            serial=file_id,
        )
        db.execute(
            files.update()
            .where(files.c.id == file_id)
            .values(
                message_id=made.message_id,
                execution_date=made.execution_date.isoformat(),
                transfers=len(made.transfers),
                total=made.total,
                data=made.data,
            )
        )
        db.execute(
            tables.payout_file_items.insert(),
            [
                {
                    "file_id": file_id,
                    "redemption_id": r.redemption_id,
                    "merchant_id": _shop(r, shop_of),
                    "amount": r.amount,
                    "holder": parties[str(r.merchant)].name,
                    "iban": parties[str(r.merchant)].iban,
                }
                for r in rows
            ],
        )
        return file_id

    # ------------------------------------------------------------ marking paid
    def mark_paid(self, file_id: int, sender: str) -> PreparedTx:
        """Prepares ``mark_paid`` for the file's cash-outs still open, with its message id as
        the payment reference (the bank has executed the file)."""
        found = self.file(file_id)
        if found.status == "replaced":
            raise Conflict("payout_file_replaced", file_id=found.replaced_by)
        ids = [item.redemption_id for item in found.items if not item.paid]
        if not ids:
            raise Conflict("payout_file_paid")
        return self.txs.prepare(
            self.txs.wesh.mark_paid(ids, found.message_id),
            sender,
            "mark_paid",
            count=len(ids),
            reference=found.message_id,
        )

    # ------------------------------------------------------------------- books
    def months(self, now: int | None = None) -> list[MonthOut]:
        """Every Europe/Amsterdam month from the first money event to this month: budget granted
        and withdrawn, earnings paid to residents, cash-outs asked for and paid, and what the
        city owes at the month's end (Heitjes outstanding, cash-outs unpaid)."""
        blocks = s.blocks
        with self.engine.connect() as db:
            budget = db.execute(
                sa.select(blocks.c.timestamp, s.budget_changes.c.kind, s.budget_changes.c.amount)
                .join(blocks, blocks.c.number == s.budget_changes.c.block_number)
                .where(s.budget_changes.c.kind.in_(("granted", "withdrawn")))
            ).all()
            supply = db.execute(
                sa.select(blocks.c.timestamp, s.transfers.c.kind, s.transfers.c.value)
                .join(blocks, blocks.c.number == s.transfers.c.block_number)
                .where(s.transfers.c.kind.in_(("mint", "burn")))
            ).all()
            requested = db.execute(
                sa.select(blocks.c.timestamp, s.redemptions.c.amount).join(
                    blocks, blocks.c.number == s.redemptions.c.requested_block
                )
            ).all()
            paid = db.execute(
                sa.select(blocks.c.timestamp, s.redemptions.c.amount)
                .join(blocks, blocks.c.number == s.redemptions.c.paid_block)
                .where(s.redemptions.c.status == RequestStatus.PAID)
            ).all()
        sums: dict[str, dict[str, int]] = {}

        def add(timestamp: int, column: str, amount: int) -> None:
            month = datetime.fromtimestamp(timestamp, AMSTERDAM).strftime("%Y-%m")
            row = sums.setdefault(month, {})
            row[column] = row.get(column, 0) + int(amount)

        for ts, kind, amount in budget:
            add(ts, "budget_granted" if kind == "granted" else "budget_withdrawn", amount)
        for ts, kind, amount in supply:
            add(ts, "payouts" if kind == "mint" else "burned", amount)
        for ts, amount in requested:
            add(ts, "cashouts_requested", amount)
        for ts, amount in paid:
            add(ts, "cashouts_paid", amount)
        if not sums:
            return []
        this_month = datetime.fromtimestamp(now or time.time(), AMSTERDAM).strftime("%Y-%m")
        out = []
        outstanding = unpaid = 0
        for month in _months(min(sums), max(max(sums), this_month)):
            row = sums.get(month, {})
            outstanding += row.get("payouts", 0) - row.get("burned", 0)
            unpaid += row.get("cashouts_requested", 0) - row.get("cashouts_paid", 0)
            out.append(
                MonthOut(
                    month=month,
                    budget_granted=row.get("budget_granted", 0),
                    budget_withdrawn=row.get("budget_withdrawn", 0),
                    payouts=row.get("payouts", 0),
                    cashouts_requested=row.get("cashouts_requested", 0),
                    cashouts_paid=row.get("cashouts_paid", 0),
                    heitjes_outstanding=outstanding,
                    cashouts_unpaid=unpaid,
                    liability=outstanding + unpaid,
                )
            )
        return out

    def months_csv(self, now: int | None = None) -> str:
        """The books' export: a header row, then a month a row, amounts in euros (2 decimals)."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(MONTH_COLUMNS)
        for month in self.months(now):
            values = month.model_dump()
            writer.writerow([month.month, *(plain_euros(values[c]) for c in MONTH_COLUMNS[1:])])
        return out.getvalue()

    # ------------------------------------------------------------------ helpers
    def _names(self) -> dict[int, str]:
        return {card.merchant_id: card.name for card in self.merchants.merchants(False)}

    def _open(self, db: sa.Connection) -> list[Any]:
        return list(
            db.execute(
                sa.select(s.redemptions)
                .where(s.redemptions.c.status == RequestStatus.OPEN)
                .order_by(s.redemptions.c.redemption_id)
            ).all()
        )

    def _files(
        self, db: sa.Connection, names: dict[int, str], file_id: int | None = None
    ) -> list[PayoutFileOut]:
        files, items = tables.payout_files, tables.payout_file_items
        query = sa.select(*(c for c in files.c if c.name != "data")).order_by(files.c.id.desc())
        item_query = sa.select(items).order_by(items.c.redemption_id)
        if file_id is not None:
            query = query.where(files.c.id == file_id)
            item_query = item_query.where(items.c.file_id == file_id)
        rows = db.execute(query).all()
        by_file: dict[int, list[Any]] = {}
        for item in db.execute(item_query).all():
            by_file.setdefault(item.file_id, []).append(item)
        ids = [i.redemption_id for group in by_file.values() for i in group]
        paid = _paid(db, ids)
        out = []
        for row in rows:
            mine = by_file.get(row.id, [])
            done = sum(1 for i in mine if i.redemption_id in paid)
            status = (
                "replaced"
                if row.replaced_by is not None
                else "paid"
                if mine and done == len(mine)
                else "partly_paid"
                if done
                else "waiting"
            )
            out.append(
                PayoutFileOut(
                    file_id=row.id,
                    message_id=row.message_id,
                    created_by=to_checksum_address(row.created_by),
                    created_at=row.created_at,
                    execution_date=date.fromisoformat(row.execution_date),
                    transfers=row.transfers,
                    total=row.total,
                    status=status,
                    replaced_by=row.replaced_by,
                    items=[
                        PayoutItemOut(
                            redemption_id=i.redemption_id,
                            merchant_id=i.merchant_id,
                            shop=names.get(i.merchant_id, f"#{i.merchant_id}"),
                            amount=i.amount,
                            iban=ibans.format_iban(i.iban),
                            holder=i.holder,
                            paid=i.redemption_id in paid,
                        )
                        for i in mine
                    ],
                )
            )
        return out


def _shop(row: Any, shop_of: dict[str, int]) -> int:
    """The shop of a cash-out: its id in the index, else the shop its wallet was."""
    return int(row.merchant_id) or shop_of.get(str(row.merchant).lower(), 0)


def _filed(db: sa.Connection) -> dict[int, int]:
    """Which file each cash-out is in now."""
    rows = db.execute(sa.select(tables.payout_filed)).tuples().all()
    return {int(rid): int(fid) for rid, fid in rows}


def _paid(db: sa.Connection, ids: Iterable[int]) -> set[int]:
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    return set(
        db.execute(
            sa.select(s.redemptions.c.redemption_id).where(
                s.redemptions.c.redemption_id.in_(wanted),
                s.redemptions.c.status == RequestStatus.PAID,
            )
        ).scalars()
    )


def _block_times(db: sa.Connection, numbers: Iterable[int]) -> dict[int, int]:
    wanted = sorted(set(numbers))
    if not wanted:
        return {}
    rows = db.execute(
        sa.select(s.blocks.c.number, s.blocks.c.timestamp).where(s.blocks.c.number.in_(wanted))
    ).tuples()
    return {int(n): int(t) for n, t in rows}


def _months(first: str, last: str) -> list[str]:
    year, month = map(int, first.split("-"))
    out = []
    while f"{year:04d}-{month:02d}" <= last:
        out.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return out
