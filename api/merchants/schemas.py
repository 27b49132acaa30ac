"""What the shop directory gives."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, TypeAdapter


class MerchantOut(BaseModel):
    merchant_id: int
    address: str
    active: bool
    metadata_cid: str
    name: str
    kind: str
    document: dict[str, Any]


MERCHANTS = TypeAdapter(list[MerchantOut])
