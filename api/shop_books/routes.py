"""A shop's books: the day overview, refunds, the accountant's CSV, the cash-out history with the
bank's reference, and who's involved (counts by neighbourhood, small counts hidden)."""

from __future__ import annotations

import time
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import Query, Response

from api import openapi
from api.deps import Merchant, ServicesDep, indexed_router
from api.prepared import PreparedTx
from api.shop_books.schemas import CashoutLine, DayOut, InvolvedOut, RefundIn
from api.shop_books.service import ShopBooks
from api.shop_books.settings import get_books_settings

router = indexed_router()

MONTH = r"^2[0-9]{3}-(0[1-9]|1[0-2])$"


def books(svc: ServicesDep) -> ShopBooks:
    return ShopBooks(svc.engine, svc.payments.txs, get_books_settings().shop_min_count)


@router.get("/merchant/day", response_model=DayOut, tags=[openapi.MERCHANT])
def day(
    caller: Merchant,
    svc: ServicesDep,
    on: Annotated[date | None, Query(alias="date", description="YYYY-MM-DD; default today")] = None,
) -> DayOut:
    """One day of the shop (Europe/Amsterdam; default today): payments with what is left to
    refund of each, refunds, their count and totals."""
    return books(svc).day(caller.address, on)


@router.post("/merchant/refunds", response_model=PreparedTx, tags=[openapi.MERCHANT])
def refund(body: RefundIn, caller: Merchant, svc: ServicesDep) -> PreparedTx:
    """Prepares giving a resident back all or part of a payment (``transfer`` from the shop to
    the resident, relayed for a phone account): refused above what is left of the payment or
    above the contract's refund window (what the resident paid here since paying another shop,
    less refunds)."""
    return books(svc).refund(caller.address, body.payment, body.amount, int(time.time()))


@router.get(
    "/merchant/payments.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
    tags=[openapi.MERCHANT],
)
def payments_csv(
    caller: Merchant,
    svc: ServicesDep,
    start: Annotated[
        date | None, Query(alias="from", description="first day; default the 1st")
    ] = None,
    end: Annotated[date | None, Query(alias="to", description="last day; default today")] = None,
) -> Response:
    """The shop's payments and refunds of a period for its accountant (CSV: semicolons, decimal
    comma, dates YYYY-MM-DD, Europe/Amsterdam times, UTF-8 with BOM): date, time, kind, code,
    amount, refunded, neighbourhood. Never who paid."""
    name, text = books(svc).csv(caller.address, start, end)
    return Response(
        text.encode(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}"; '
            f"filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
        },
    )


@router.get("/merchant/cashout-history", response_model=list[CashoutLine], tags=[openapi.MERCHANT])
def cashout_history(caller: Merchant, svc: ServicesDep) -> list[CashoutLine]:
    """The shop's cash-outs, newest first, numbered per shop (its first is 1), each with the
    SEPA end-to-end id of the bank transfer that pays it and, once paid, the treasurer's
    payment reference."""
    return books(svc).cashouts(caller.address)


@router.get("/merchant/involved", response_model=InvolvedOut, tags=[openapi.MERCHANT])
def involved(
    caller: Merchant,
    svc: ServicesDep,
    month: Annotated[
        str | None, Query(pattern=MONTH, description="YYYY-MM; default this month")
    ] = None,
) -> InvolvedOut:
    """How many different residents paid the shop in a month and from which neighbourhoods:
    counts only, never who; counts below WESH_SHOP_MIN_COUNT (default 5) are hidden, and so is
    any count the total would give away by subtraction."""
    return books(svc).involved(caller.address, month)
