"""The merchant manager's desk: a shop joins (its public document to the content store, only its
CID on chain; its bank account city side), its bank account changes (each change a row: who,
when), and a shop that lost its phone moves to a new one (``move_merchant``).

A shop's bank account is never on chain nor in its public document. It is kept per wallet in
``api_bank_accounts``; the shop's account is the newest row of any wallet the shop has had (the
one it was registered with and each it moved to), so it follows the shop to a new phone, and the
cash-outs it asked for from an old one are still paid to it.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from eth_utils import to_checksum_address
from sqlalchemy.engine import Engine

from api import tables
from api.errors import Conflict, InvalidInput, NotFound, Unavailable
from api.merchants.schemas import MerchantOut
from api.merchants.service import MerchantService
from api.prepared import Transactions
from api.shops.schemas import (
    BankAccountIn,
    BankAccountOut,
    MoveOut,
    MoveShopIn,
    RegisteredOut,
    ShopIn,
    ShopOut,
)
from indexer import schema as s
from wesh import iban as ibans
from wesh import neighbourhoods
from wesh.contract import AccountView
from wesh.csv_rows import format_postcode, is_postcode
from wesh.metadata import merchant_document, put_document

#: Turns a join code (as typed, or the QR code's link) into the address that showed it
#: (``api.joining``'s ``resolve``); raises a ``DomainError`` for an unknown or expired code.
Resolver = Callable[[str], str]


class ShopDesk:
    def __init__(
        self,
        engine: Engine,
        txs: Transactions,
        merchants: MerchantService,
        resolve: Resolver,
    ) -> None:
        self.engine = engine
        self.txs = txs
        self.merchants = merchants
        self.resolve = resolve

    # ------------------------------------------------------------------ reading
    def shops(self) -> list[ShopOut]:
        """Every shop (active or not) by number, with its bank account."""
        cards = self.merchants.merchants(active_only=False)
        with self.engine.connect() as db:
            wallets = self._wallets(db)
            rows = db.execute(
                sa.select(tables.bank_accounts).order_by(tables.bank_accounts.c.id)
            ).all()
        newest: dict[str, Any] = {}
        for row in rows:
            newest[row.wallet] = row
        out = []
        for card in cards:
            mine = [newest[w] for w in wallets.get(card.merchant_id, ()) if w in newest]
            account = max(mine, key=lambda row: row.id) if mine else None
            hood = card.document.get("neighbourhood")
            out.append(
                ShopOut(
                    merchant_id=card.merchant_id,
                    address=card.address,
                    active=card.active,
                    name=card.name,
                    kind=card.kind,
                    neighbourhood=int(hood) if isinstance(hood, int) else None,
                    bank_account=_account_out(account) if account is not None else None,
                )
            )
        return out

    def bank_history(self, merchant_id: int) -> list[BankAccountOut]:
        """Every bank account the shop had, newest first, with who set it when."""
        with self.engine.connect() as db:
            wallets = self._wallets(db, merchant_id).get(merchant_id)
            if not wallets:
                raise NotFound("shop_unknown")
            rows = db.execute(
                sa.select(tables.bank_accounts)
                .where(tables.bank_accounts.c.wallet.in_(wallets))
                .order_by(tables.bank_accounts.c.id.desc())
            ).all()
        return [_account_out(row) for row in rows]

    def bank_accounts_csv(self) -> str:
        """The city-side bank-accounts file ``redemptions sepa --bank-accounts`` reads
        (``address,name,iban,bic``): one row for every wallet of every shop with an account,
        so that a cash-out asked for before a move is paid to the same account."""
        with self.engine.connect() as db:
            wallets = self._wallets(db)
            rows = db.execute(
                sa.select(tables.bank_accounts).order_by(tables.bank_accounts.c.id)
            ).all()
        newest: dict[str, Any] = {}
        for row in rows:
            newest[row.wallet] = row
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["address", "name", "iban", "bic"])
        for shop in sorted(wallets):
            mine = [newest[w] for w in wallets[shop] if w in newest]
            if not mine:
                continue
            account = max(mine, key=lambda row: row.id)
            for wallet in sorted(wallets[shop]):
                writer.writerow(
                    [to_checksum_address(wallet), account.holder, account.iban, account.bic or ""]
                )
        return out.getvalue()

    def accounts_by_shop(self) -> tuple[dict[int, Any], dict[str, int]]:
        """Each shop's bank account now (the newest row of any wallet it has had), by shop id;
        and the shop of each wallet (lower case), for a cash-out indexed without its shop id.
        The treasurer's payout files read these (``api.finance``)."""
        with self.engine.connect() as db:
            wallets = self._wallets(db)
            rows = db.execute(
                sa.select(tables.bank_accounts).order_by(tables.bank_accounts.c.id)
            ).all()
        newest: dict[str, Any] = {}
        for row in rows:
            newest[row.wallet] = row
        accounts: dict[int, Any] = {}
        for shop, mine in wallets.items():
            found = [newest[w] for w in mine if w in newest]
            if found:
                accounts[shop] = max(found, key=lambda row: row.id)
        shop_of = {wallet: shop for shop, mine in wallets.items() for wallet in mine}
        return accounts, shop_of

    def _wallets(self, db: sa.Connection, merchant_id: int | None = None) -> dict[int, set[str]]:
        """Every wallet each shop has had (now, and before each move), lower case."""
        current = sa.select(s.merchants.c.merchant_id, s.merchants.c.wallet)
        moved = sa.select(s.merchant_moves.c.merchant_id, s.merchant_moves.c.old_wallet)
        if merchant_id is not None:
            current = current.where(s.merchants.c.merchant_id == merchant_id)
            moved = moved.where(s.merchant_moves.c.merchant_id == merchant_id)
        found: dict[int, set[str]] = {}
        for shop, wallet in [*db.execute(current).all(), *db.execute(moved).all()]:
            found.setdefault(int(shop), set()).add(str(wallet).lower())
        return found

    # -------------------------------------------------------------- registering
    def register(self, body: ShopIn, sender: str) -> RegisteredOut:
        """Prepares ``register_merchant`` for the phone that showed ``body.code`` (or
        ``body.address``) with the shop's public document, and keeps its bank account."""
        iban, bic = _checked_account(body)
        if not is_postcode(body.postcode):
            raise InvalidInput(fields=["postcode"])
        try:
            neighbourhoods.by_code(body.neighbourhood)
        except neighbourhoods.UnknownNeighbourhood:
            raise InvalidInput(fields=["neighbourhood"]) from None
        address = self._address_of(body.code, body.address)
        view = self._account(address)
        if view.is_merchant:
            raise Conflict("shop_exists", merchant_id=view.id)
        _fresh(view)
        document = merchant_document(
            name=body.name.strip(),
            kind=body.kind,
            street=body.street.strip(),
            postcode=format_postcode(body.postcode),
            city=body.city.strip(),
            neighbourhood=body.neighbourhood,
            website=body.website,
            opening_hours=(body.opening_hours or "").strip() or None,
        )
        cid = put_document(self.merchants.content, document)
        wesh = self.txs.wesh
        tx = self.txs.prepare(
            wesh.register_merchant(address, cid), sender, "register_merchant", name=body.name
        )
        holder = (body.holder or "").strip() or body.name.strip()
        self._keep(address, holder, iban, bic, "register", sender)
        return RegisteredOut(tx=tx, address=address, metadata_cid=cid)

    def change_bank_account(
        self, merchant_id: int, body: BankAccountIn, sender: str
    ) -> BankAccountOut:
        """The shop's new bank account (a new row: the old ones stay, with who set them)."""
        iban, bic = _checked_account(body)
        card = self._shop(merchant_id)
        holder = (body.holder or "").strip() or card.name
        self._keep(card.address, holder, iban, bic, "change", sender)
        return self.bank_history(merchant_id)[0]

    def _keep(
        self, wallet: str, holder: str, iban: str, bic: str | None, action: str, sender: str
    ) -> None:
        with self.engine.begin() as db:
            db.execute(
                tables.bank_accounts.insert().values(
                    wallet=wallet.lower(),
                    holder=holder,
                    iban=iban,
                    bic=bic,
                    action=action,
                    changed_by=sender.lower(),
                    changed_at=int(time.time()),
                )
            )

    # ------------------------------------------------------------------- moving
    def move(self, body: MoveShopIn, sender: str) -> MoveOut:
        """Prepares ``move_merchant``: the shop's balance, number, details and bank account go
        to the phone that showed ``body.code`` (or ``body.new_address``)."""
        if isinstance(body.merchant, int):
            card = self._shop(body.merchant)
        else:
            found = self.merchants.merchant(body.merchant)
            if found is None:
                raise NotFound("shop_unknown")
            card = found
        new = self._address_of(body.code, body.new_address)
        if new.lower() == card.address.lower():
            raise Conflict("shop_same_phone")
        if not self._account(card.address).is_merchant:
            raise NotFound("shop_unknown")
        target = self._account(new)
        if target.is_merchant:
            raise Conflict("shop_exists", merchant_id=target.id)
        _fresh(target)
        wesh = self.txs.wesh
        tx = self.txs.prepare(
            wesh.move_merchant(card.address, new), sender, "move_merchant", name=card.name
        )
        return MoveOut(
            tx=tx, merchant_id=card.merchant_id, old_address=card.address, new_address=new
        )

    # ------------------------------------------------------------------ helpers
    def _shop(self, merchant_id: int) -> MerchantOut:
        """The shop numbered ``merchant_id`` (its wallet now, and what its document says)."""
        with self.engine.connect() as db:
            wallet = db.execute(
                sa.select(s.merchants.c.wallet).where(s.merchants.c.merchant_id == merchant_id)
            ).scalar()
        card = self.merchants.merchant(str(wallet)) if wallet is not None else None
        if card is None:
            raise NotFound("shop_unknown")
        return card

    def _address_of(self, code: str | None, address: str | None) -> str:
        if code is not None:
            return to_checksum_address(self.resolve(code))
        assert address is not None  # the schema asks for one of them
        return to_checksum_address(address)

    def _account(self, address: str) -> AccountView:
        """What the chain says ``address`` is now (the index may be a block behind)."""
        try:
            return self.txs.wesh.account(address)
        except Exception:  # the node is unreachable or answered garbage
            raise Unavailable() from None


def _fresh(view: AccountView) -> None:
    """Refuses an account that is a resident's, or retired (moved away): a shop needs its own."""
    if view.is_citizen:
        raise Conflict("account_is_citizen")
    if view.moved:
        raise Conflict("account_retired")


def _checked_account(body: BankAccountIn) -> tuple[str, str | None]:
    """The IBAN and BIC, normalised; a 422 naming the field when one is wrong."""
    try:
        iban = ibans.validate(body.iban)
    except ibans.IbanError as error:
        raise InvalidInput("iban_invalid", fields=["iban"], reason=str(error)) from None
    bic = None
    if body.bic and body.bic.strip():
        try:
            bic = ibans.validate_bic(body.bic)
        except ibans.IbanError as error:
            raise InvalidInput("bic_invalid", fields=["bic"], reason=str(error)) from None
    return iban, bic


def _account_out(row: Any) -> BankAccountOut:
    return BankAccountOut(
        holder=row.holder,
        iban=ibans.format_iban(row.iban),
        bic=row.bic,
        action=row.action,
        changed_by=to_checksum_address(row.changed_by),
        changed_at=int(row.changed_at),
    )
