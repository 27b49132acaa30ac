"""The shops: the directory, and one shop by wallet (for payment requests and the demo)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from eth_utils import to_checksum_address
from sqlalchemy.engine import Engine

from api.merchants.schemas import MerchantOut
from indexer import schema as s
from wesh.metadata import ContentStore, get_document


def shop_of(db: sa.Connection, wallet: str) -> int | None:
    """The id of the shop whose wallet ``wallet`` is now (confirmed, else pending), if any."""
    address = wallet.lower()
    for merchants in (s.merchants, s.pending(s.merchants)):
        shop = db.execute(
            sa.select(merchants.c.merchant_id).where(merchants.c.wallet == address)
        ).scalar()
        if shop is not None:
            return int(shop)
    return None


def of_shop(table: sa.Table, wallet: str, shop: int | None) -> sa.ColumnElement[bool]:
    """Rows of ``table`` (payments, redemptions and their pending twins) that belong to the shop
    ``shop`` (``shop_of(wallet)``): by the shop's id, so that what was paid to or cashed out by
    the shop before it moved to a new wallet (a lost phone: ``move_merchant``) stays its own.
    A wallet that is no shop's matches by address, as before."""
    if shop is None:
        return table.c.merchant == wallet.lower()
    return table.c.merchant_id == shop


class MerchantService:
    def __init__(self, engine: Engine, content: ContentStore) -> None:
        self.engine = engine
        self.content = content

    def merchants(self, active_only: bool = True) -> list[MerchantOut]:
        """The shops by number; only the active ones unless ``active_only`` is False."""
        query = sa.select(s.merchants).order_by(s.merchants.c.merchant_id)
        if active_only:
            query = query.where(s.merchants.c.active.is_(True))
        with self.engine.connect() as db:
            rows = db.execute(query).all()
        return [self._card(row) for row in rows]

    def merchant(self, address: str) -> MerchantOut | None:
        """One merchant by wallet (an index lookup, and only its own document read)."""
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(s.merchants).where(s.merchants.c.wallet == address.lower())
            ).first()
        return self._card(row) if row is not None else None

    def _card(self, row: Any) -> MerchantOut:
        """A shop row with what its document says (name and kind)."""
        document = get_document(self.content, row.metadata_cid) or {}
        return MerchantOut(
            merchant_id=row.merchant_id,
            address=to_checksum_address(row.wallet),
            active=bool(row.active),
            metadata_cid=row.metadata_cid,
            name=str(document.get("name") or f"Winkel {row.merchant_id}"),
            kind=str(document.get("kind") or ""),
            document=document,
        )
