"""The city's money at a glance."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from api.budget.schemas import Budget
from api.cashouts.service import CashoutService
from api.ledger import read_ledger
from api.prepared import PreparedTx, Transactions
from wesh.rules import RequestStatus


class BudgetService:
    def __init__(self, engine: Engine, cashouts: CashoutService, txs: Transactions) -> None:
        self.engine = engine
        self.cashouts = cashouts
        self.txs = txs

    def overview(self) -> Budget:
        """The ledger with the liability (every Heitje outstanding is a euro the city owes) and
        the cash-outs requested but not yet paid."""
        ledger = read_ledger(self.engine)
        open_cashouts = sum(r.amount for r in self.cashouts.redemptions(status=RequestStatus.OPEN))
        return Budget(
            **ledger.model_dump(), liability=ledger.total_supply, cashouts_open=open_cashouts
        )

    def grant(self, amount: int, sender: str) -> PreparedTx:
        """The treasurer adds ``amount`` cents to the task budget."""
        return self.txs.prepare(
            self.txs.wesh.grant_budget(amount), sender, "grant_budget", amount=amount
        )
