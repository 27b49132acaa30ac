"""Path parameters and field patterns that several domains share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

#: A wallet address (checksummed or not).
ADDRESS = r"^0x[0-9a-fA-F]{40}$"
#: A payment request's reference: 16 lower-case hex digits (8 random bytes).
REFERENCE = r"^[0-9a-f]{16}$"

TaskIdPath = Annotated[int, Path(ge=1, le=2**63 - 1)]
ReferencePath = Annotated[str, Path(pattern=REFERENCE)]
CidPath = Annotated[str, Path(max_length=100)]
