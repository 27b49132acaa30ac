"""IBAN and BIC checks (ISO 13616 mod-97, ISO 9362), for the SEPA payout files.

Merchants' IBANs live only in a city-side file, never on chain (docs/product.md). A typo there sends
real euros to a stranger or gets the whole bank file refused, so every IBAN is checked before a
payout file is written: country, length for that country, characters, and the mod-97 check digits.
"""

from __future__ import annotations

import re

# IBAN lengths of the SEPA countries (the EPC's register); others are refused for SEPA anyway.
SEPA_LENGTHS: dict[str, int] = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31,
    "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "VA": 22,
}  # fmt: skip

_BIC = re.compile(r"^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$")


class IbanError(ValueError):
    """Why a text is not a valid SEPA IBAN (or BIC)."""


def normalize(text: str) -> str:
    """Upper case, spaces removed: "nl91 abna 0417 1643 00" -> "NL91ABNA0417164300"."""
    return "".join(text.split()).upper()


def mod97(iban: str) -> int:
    """The ISO 7064 mod-97 remainder of an (already normalised) IBAN; 1 means valid."""
    rearranged = iban[4:] + iban[:4]
    digits = "".join(str(int(ch, 36)) for ch in rearranged)
    return int(digits) % 97


def validate(text: str) -> str:
    """The normalised IBAN, or ``IbanError`` saying what is wrong with it."""
    iban = normalize(text)
    if not iban:
        raise IbanError("IBAN is empty")
    if not iban.isalnum() or not iban.isascii():
        raise IbanError(f"IBAN {text!r} has characters other than letters and digits")
    country = iban[:2]
    if country not in SEPA_LENGTHS:
        raise IbanError(f"IBAN {text!r}: {country!r} is not a SEPA country code")
    if len(iban) != SEPA_LENGTHS[country]:
        raise IbanError(
            f"IBAN {text!r} has {len(iban)} characters; {country} IBANs have "
            f"{SEPA_LENGTHS[country]}"
        )
    if not iban[2:4].isdigit():
        raise IbanError(f"IBAN {text!r}: the check digits (3rd and 4th character) must be digits")
    if mod97(iban) != 1:
        raise IbanError(f"IBAN {text!r} fails the check digits (a typo?)")
    return iban


def is_valid(text: str) -> bool:
    try:
        validate(text)
    except IbanError:
        return False
    return True


def validate_bic(text: str) -> str:
    """The normalised BIC (8 or 11 characters), or ``IbanError``."""
    bic = normalize(text)
    if not _BIC.match(bic) or bic[4:6] not in SEPA_LENGTHS:
        raise IbanError(f"BIC {text!r} is not a valid SEPA BIC (8 or 11 characters, e.g. ABNANL2A)")
    return bic


def format_iban(iban: str) -> str:
    """ "NL91ABNA0417164300" -> "NL91 ABNA 0417 1643 00" (how people read it)."""
    iban = normalize(iban)
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


def example(country: str, bank: str, account: str) -> str:
    """A valid IBAN for ``country`` + ``bank`` + ``account`` (computes the check digits).

    For the demo and the tests: real-looking but fictional accounts.
    """
    body = normalize(bank + account)
    check = 98 - mod97(f"{country}00{body}")
    return f"{country}{check:02d}{body}"
