"""What the budget routes take and give."""

from __future__ import annotations

from pydantic import BaseModel, Field

from api.ledger import Ledger
from wesh.rules import MAX_TOTAL_BUDGET


class AmountIn(BaseModel):
    amount: int = Field(ge=1, le=MAX_TOTAL_BUDGET, description="cents")


class Budget(Ledger):
    """The ledger, the euro liability (the Heitjes outstanding) and cash-outs still to pay."""

    liability: int
    cashouts_open: int
