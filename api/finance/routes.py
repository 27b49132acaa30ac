"""Financiën (the treasurer): the SEPA payout file made on the web, downloaded, and the cash-outs
it pays marked paid from it; the monthly figures for the books as CSV."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response

from api import openapi
from api.deps import Services, ServicesDep, Treasurer, indexed_router
from api.errors import Unavailable
from api.finance.schemas import MadeOut, MonthOut, PayoutFileIn, PayoutFileOut, PayoutsOut
from api.finance.service import FinanceService, debtor_of
from api.prepared import PreparedTx
from wesh import iban as ibans

router = indexed_router(tags=[openapi.CITY])

FileIdPath = Annotated[int, Path(ge=1, le=2**31 - 1)]


def finance(svc: Services) -> FinanceService:
    """The treasurer's service over the services built at start-up (cheap to make)."""
    settings = svc.settings
    try:
        debtor = debtor_of(
            settings.debtor_name, settings.debtor_iban, settings.debtor_bic, svc.chain_id
        )
    except ibans.IbanError:
        raise Unavailable("payout_no_city_account") from None
    return FinanceService(svc.engine, svc.cashouts.txs, svc.shops, svc.merchants, debtor)


@router.get("/city/payouts", response_model=PayoutsOut)
def payouts(caller: Treasurer, svc: ServicesDep) -> PayoutsOut:
    """The open cash-outs (in a payout file, ready for the next, or waiting for their shop's
    bank account) and every payout file made, newest first."""
    return finance(svc).payouts()


@router.post("/city/payout-files", response_model=MadeOut)
def make_file(body: PayoutFileIn, caller: Treasurer, svc: ServicesDep) -> MadeOut:
    """Makes a SEPA payout file (pain.001.001.03, checked against the schema) for the open
    cash-outs in no file yet; shops without a bank account are left out and named. A cash-out is
    in one file at most: a file is made again only with ``/replace``."""
    return finance(svc).make(caller.address, body.redemption_ids, body.execution_date)


@router.get("/city/payout-files/{file_id}", response_model=PayoutFileOut)
def payout_file(file_id: FileIdPath, caller: Treasurer, svc: ServicesDep) -> PayoutFileOut:
    """One payout file: who made it when, the cash-outs it pays and whether they are paid."""
    return finance(svc).file(file_id)


@router.get(
    "/city/payout-files/{file_id}/xml",
    response_class=Response,
    responses={200: {"content": {"application/xml": {}}}},
)
def payout_file_xml(file_id: FileIdPath, caller: Treasurer, svc: ServicesDep) -> Response:
    """The payout file to upload to the bank, exactly as it was made."""
    message_id, data = finance(svc).xml(file_id)
    return Response(
        data,
        media_type="application/xml",
        headers={
            "Content-Disposition": f'attachment; filename="{message_id}.xml"',
            "Cache-Control": "no-store",
        },
    )


@router.post("/city/payout-files/{file_id}/replace", response_model=MadeOut)
def replace_file(file_id: FileIdPath, caller: Treasurer, svc: ServicesDep) -> MadeOut:
    """Makes the file again (a new message id, today's bank accounts) for its cash-outs still
    open; the old file is marked replaced and can no longer be marked paid. Only for a file the
    bank did not execute."""
    return finance(svc).make(caller.address, replaces=file_id)


@router.post("/city/payout-files/{file_id}/mark-paid", response_model=PreparedTx)
def mark_file_paid(file_id: FileIdPath, caller: Treasurer, svc: ServicesDep) -> PreparedTx:
    """Prepares recording that the bank executed the file: its cash-outs still open are marked
    paid with the file's message id as the payment reference."""
    return finance(svc).mark_paid(file_id, caller.address)


@router.get("/city/finance/months", response_model=list[MonthOut])
def months(caller: Treasurer, svc: ServicesDep) -> list[MonthOut]:
    """Per Europe/Amsterdam month (cents): budget granted and withdrawn, earnings paid to
    residents, cash-outs asked for and paid, and what the city owes at the month's end."""
    return finance(svc).months()


@router.get(
    "/city/finance/months.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def months_csv(caller: Treasurer, svc: ServicesDep) -> Response:
    """The same per month as CSV for the books (euros with 2 decimals; docs/finance.md)."""
    return Response(
        finance(svc).months_csv(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="wesh-maanden.csv"',
            "Cache-Control": "no-store",
        },
    )
