"""What the budget routes take."""

from __future__ import annotations

from pydantic import BaseModel, Field


class AmountIn(BaseModel):
    amount: int = Field(ge=1, le=10**12, description="cents")
