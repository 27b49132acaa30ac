"""Shops' offers (issue #16): one short line per shop ("10% korting met Heitjes"), written by
the shop itself or by the merchant manager, shown with the shop on the residents' list."""

from __future__ import annotations

import time

import sqlalchemy as sa
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine

from api.errors import Forbidden, NotFound
from api.merchants.service import shop_of
from api.tables import shop_offers
from indexer import schema as s

#: The longest offer: one line on a phone.
MAX_OFFER = 80


class OfferIn(BaseModel):
    text_nl: str = Field(min_length=3, max_length=MAX_OFFER, description="The offer in Dutch")
    text_en: str = Field(
        default="", max_length=MAX_OFFER, description="In English (else the Dutch is shown)"
    )


class OfferOut(BaseModel):
    merchant_id: int
    text_nl: str
    text_en: str


class OfferService:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def offers(self) -> list[OfferOut]:
        """Every shop's offer, by shop id."""
        o = shop_offers.c
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(o.merchant_id, o.text_nl, o.text_en).order_by(o.merchant_id)
            ).all()
        return [
            OfferOut(merchant_id=r.merchant_id, text_nl=r.text_nl, text_en=r.text_en) for r in rows
        ]

    def shop_of(self, wallet: str) -> int:
        """The shop whose wallet signed in (a merchant without one is refused)."""
        with self.engine.connect() as db:
            shop = shop_of(db, wallet)
        if shop is None:
            raise Forbidden(role="merchant")
        return shop

    def set_offer(self, merchant_id: int, offer: OfferIn, by: str) -> OfferOut:
        """Sets (or replaces) shop ``merchant_id``'s offer."""
        text_nl, text_en = offer.text_nl.strip(), offer.text_en.strip()
        with self.engine.begin() as db:
            known = db.execute(
                sa.select(s.merchants.c.merchant_id).where(s.merchants.c.merchant_id == merchant_id)
            ).first()
            if known is None:
                raise NotFound()
            db.execute(shop_offers.delete().where(shop_offers.c.merchant_id == merchant_id))
            db.execute(
                shop_offers.insert().values(
                    merchant_id=merchant_id,
                    text_nl=text_nl,
                    text_en=text_en,
                    set_by=by.lower(),
                    set_at=int(time.time()),
                )
            )
        return OfferOut(merchant_id=merchant_id, text_nl=text_nl, text_en=text_en)

    def remove(self, merchant_id: int) -> None:
        with self.engine.begin() as db:
            db.execute(shop_offers.delete().where(shop_offers.c.merchant_id == merchant_id))
