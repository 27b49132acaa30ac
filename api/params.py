"""Path parameters and field patterns that several domains share."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path

from wesh import rules

#: A wallet address (checksummed or not).
ADDRESS = r"^0x[0-9a-fA-F]{40}$"
#: A payment request's reference: 16 lower-case hex digits (8 random bytes).
REFERENCE = r"^[0-9a-f]{16}$"

#: Task ids are 1, 2, ... below the contract's TASK_ID_LIMIT.
TaskIdPath = Annotated[int, Path(ge=1, le=rules.TASK_ID_LIMIT - 1)]
ReferencePath = Annotated[str, Path(pattern=REFERENCE)]
CidPath = Annotated[str, Path(max_length=rules.MAX_CID_LENGTH)]
