"""The shops' bank accounts on the web for the demo (Financiën, issue #15).

The demo's shops join by the city's CSV files (``demo.seed``), not at the merchant manager's desk,
so their bank accounts would be known only to the script's file. This keeps the example file's
accounts in the API's table (``api_bank_accounts``) as the desk does, set by the merchant manager
on the day the shops joined, so the treasurer's page can pay the open cash-out by a payout file
made on the web.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from api import tables
from api.database import migrate
from indexer.db import make_engine
from wesh.csv_rows import parse_bank_accounts


def keep_bank_accounts(database_url: str, bank_accounts: Path, manager: str, when: int) -> int:
    """Brings the API's tables up (as the API does at start-up) and keeps each shop's account
    from ``bank_accounts`` (``address,name,iban[,bic]``); returns how many were kept (none when
    the table holds accounts already)."""
    engine = make_engine(database_url)
    try:
        migrate(engine)
        accounts = parse_bank_accounts(bank_accounts)
        with engine.begin() as db:
            if db.execute(sa.select(sa.func.count()).select_from(tables.bank_accounts)).scalar():
                return 0
            db.execute(
                tables.bank_accounts.insert(),
                [
                    {
                        "wallet": str(address).lower(),
                        "holder": row.name,
                        "iban": row.iban,
                        "bic": row.bic,
                        "action": "register",
                        "changed_by": manager.lower(),
                        "changed_at": when,
                    }
                    for address, row in accounts.items()
                ],
            )
        return len(accounts)
    finally:
        engine.dispose()
