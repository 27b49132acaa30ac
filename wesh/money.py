"""Euro amounts as people write them, and as cents as the contracts count them.

1 Heitje = 1 euro = 100 cents. Every amount on chain is an integer number of cents; people type
"12.50", "12,50", "€ 12,50" or "12". Parsing never goes through floats, so 0.1 + 0.2 cannot
become 0.30000000000000004 cents.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

_AMOUNT = re.compile(r"^\d{1,9}(?:[.,]\d{1,2})?$")


class AmountError(ValueError):
    """An amount that is not a positive euro amount with at most two decimals."""


def parse_euros(text: str | int | float | Decimal) -> int:
    """``"12,50"`` / ``"€ 12.50"`` / ``12.5`` / ``12`` -> 1250 cents. Raises ``AmountError``."""
    if isinstance(text, bool):
        raise AmountError(f"{text!r} is not an amount")
    if isinstance(text, int):
        return text * 100
    if isinstance(text, float | Decimal):
        text = format(Decimal(str(text)), "f")
    cleaned = text.strip().replace("€", "").replace("EUR", "").replace(" ", "")
    # A thousands separator ("1.500,00" or "1,500.00") is refused rather than guessed.
    if not _AMOUNT.match(cleaned):
        raise AmountError(
            f"{text!r} is not an amount in euros: write it like 12.50 or 12,50 "
            "(no thousands separator, at most 2 decimals)"
        )
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern above already excludes this
        raise AmountError(f"{text!r} is not an amount in euros") from None
    return int(value * 100)


def format_euros(cents: int, *, symbol: bool = True) -> str:
    """1250 -> "€ 12,50" (Dutch notation: decimal comma, dot for thousands)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    grouped = f"{whole:,}".replace(",", ".")
    text = f"{sign}{grouped},{part:02d}"
    return f"€ {text}" if symbol else text


def plain_euros(cents: int) -> str:
    """1250 -> "12.50": machine-readable (CSV exports, SEPA amounts)."""
    sign = "-" if cents < 0 else ""
    whole, part = divmod(abs(cents), 100)
    return f"{sign}{whole}.{part:02d}"
