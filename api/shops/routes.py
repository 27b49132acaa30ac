"""The merchant manager's desk (Heerlen Mijn Stad): shops join with the code their phone shows,
their bank account for cash-outs is kept city side, and a shop that lost its phone moves to a new
one. The treasurer takes the bank accounts as the file ``redemptions sepa`` reads."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path, Response

from api import openapi
from api.deps import MerchantManager, ServicesDep, Treasurer, indexed_router
from api.responses import json_list
from api.shops.schemas import (
    BANK_ACCOUNTS,
    SHOPS,
    BankAccountIn,
    BankAccountOut,
    MoveOut,
    MoveShopIn,
    RegisteredOut,
    ShopIn,
    ShopOut,
)
from wesh import rules

router = indexed_router()

ShopIdPath = Annotated[int, Path(ge=1, le=rules.MAX_MERCHANTS)]


@router.get("/city/merchants", response_model=list[ShopOut], tags=[openapi.CITY])
def shops(caller: MerchantManager, svc: ServicesDep) -> Response:
    """Every shop (active or not) with its bank account for cash-outs."""
    return json_list(SHOPS, svc.shops.shops())


@router.post("/city/merchants", response_model=RegisteredOut, tags=[openapi.CITY])
def register(body: ShopIn, caller: MerchantManager, svc: ServicesDep) -> RegisteredOut:
    """Prepares registering the shop whose phone shows ``code``: its public details go into its
    document (only the CID on chain); its IBAN is checked and kept here, never on chain."""
    return svc.shops.register(body, caller.address)


@router.put(
    "/city/merchants/{merchant_id}/bank-account",
    response_model=BankAccountOut,
    tags=[openapi.CITY],
)
def change_bank_account(
    merchant_id: ShopIdPath, body: BankAccountIn, caller: MerchantManager, svc: ServicesDep
) -> BankAccountOut:
    """A shop's new bank account for cash-outs (the earlier ones stay on record: who, when)."""
    return svc.shops.change_bank_account(merchant_id, body, caller.address)


@router.get(
    "/city/merchants/{merchant_id}/bank-accounts",
    response_model=list[BankAccountOut],
    tags=[openapi.CITY],
)
def bank_history(merchant_id: ShopIdPath, caller: MerchantManager, svc: ServicesDep) -> Response:
    """Every bank account the shop has had, newest first, with who set it and when."""
    return json_list(BANK_ACCOUNTS, svc.shops.bank_history(merchant_id))


@router.post("/city/merchants/move", response_model=MoveOut, tags=[openapi.CITY])
def move(body: MoveShopIn, caller: MerchantManager, svc: ServicesDep) -> MoveOut:
    """Prepares moving a shop to the new phone that shows ``code``: its balance, number,
    details and bank account go along; the old phone's account is retired."""
    return svc.shops.move(body, caller.address)


@router.get(
    "/city/merchants/bank-accounts.csv",
    tags=[openapi.CITY],
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def bank_accounts_csv(caller: Treasurer, svc: ServicesDep) -> Response:
    """The shops' bank accounts as the file ``ape run redemptions sepa --bank-accounts`` reads
    (``address,name,iban,bic``; a row for each wallet a shop has had)."""
    return Response(
        svc.shops.bank_accounts_csv(),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="bank-accounts.csv"',
            "Cache-Control": "no-store",
        },
    )
