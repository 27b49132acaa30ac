"""What the demo account picker gives."""

from __future__ import annotations

from pydantic import BaseModel, TypeAdapter


class DemoAccount(BaseModel):
    address: str
    roles: list[str]
    citizen_id: int | None
    merchant_id: int | None
    name: str


DEMO_ACCOUNTS = TypeAdapter(list[DemoAccount])
