"""The city's input files, read and checked in full before anything is sent.

Citizens, merchants and merchants' bank accounts come to the admin scripts as CSV files exported
from the city's own registers. A file is checked completely first: every bad row is reported with
its line number (the line a spreadsheet or editor shows), and if any row is bad nothing at all is
sent, so a file is never half-registered because of a typo in row 40.

Files may use commas or semicolons (Dutch spreadsheet exports use semicolons), may start with a
byte-order mark, and may name their columns in English or Dutch. Blank lines and lines starting
with ``#`` are skipped. A column the script does not know is an error, not silently dropped: it
usually means a wrong file, or personal data that must not travel further.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from eth_typing import ChecksumAddress
from eth_utils import is_checksum_address, is_hex_address, to_checksum_address

from wesh import iban as ibans
from wesh import neighbourhoods
from wesh.metadata import merchant_document

T = TypeVar("T")


@dataclass(frozen=True)
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


class InputFileError(Exception):
    """A file with bad rows; ``errors`` has every one of them, in line order."""

    def __init__(self, path: Path | str, errors: list[RowError]) -> None:
        self.path = Path(path)
        self.errors = sorted(errors, key=lambda e: e.line)
        count = len(self.errors)
        rows = len({error.line for error in self.errors})
        lines = "\n".join(f"  {error}" for error in self.errors)
        super().__init__(
            f"{self.path}: {count} problem{'s' if count != 1 else ''} on {rows} "
            f"line{'s' if rows != 1 else ''}; nothing was sent.\n"
            f"{lines}\nFix these lines and run the same command again."
        )


@dataclass(frozen=True)
class Column:
    name: str
    aliases: tuple[str, ...] = ()
    required: bool = True


@dataclass(frozen=True)
class Row:
    """One data row: its line number and its values by canonical column name."""

    line: int
    values: dict[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


def parse_address(text: str) -> ChecksumAddress:
    """A wallet address, refusing typos: mixed case must carry a valid EIP-55 checksum."""
    value = text.strip()
    if not value:
        raise ValueError("address is empty")
    if not is_hex_address(value):
        raise ValueError(f"{value!r} is not an address (0x followed by 40 hexadecimal digits)")
    if value[2:] not in (value[2:].lower(), value[2:].upper()) and not is_checksum_address(value):
        raise ValueError(f"{value} has a wrong checksum (mixed case): a typo in the address?")
    address = to_checksum_address(value)
    if int(address, 16) == 0:
        raise ValueError("the zero address cannot be registered")
    return address


def _header_key(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


def read_rows(path: Path | str, columns: list[Column]) -> tuple[list[Row], list[RowError]]:
    """Reads a CSV file against ``columns``; returns its rows and the header/shape errors."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputFileError(path, [RowError(0, "file not found")]) from None
    except UnicodeDecodeError:
        raise InputFileError(
            path, [RowError(0, "not a UTF-8 text file (save it as CSV UTF-8)")]
        ) from None

    lines = text.splitlines()
    first = next((i for i, ln in enumerate(lines) if ln.strip() and not ln.startswith("#")), None)
    if first is None:
        raise InputFileError(path, [RowError(1, "the file is empty: it needs a header row")])
    header_line = lines[first]
    delimiter = ";" if header_line.count(";") > header_line.count(",") else ","

    known: dict[str, str] = {}
    for column in columns:
        for name in (column.name, *column.aliases):
            known[_header_key(name)] = column.name
    expected = ", ".join(c.name for c in columns if c.required)
    optional = ", ".join(c.name for c in columns if not c.required)
    expected_text = f"expected: {expected}" + (f" (optional: {optional})" if optional else "")

    errors: list[RowError] = []
    reader = csv.reader(io.StringIO("\n".join(lines[first:])), delimiter=delimiter)
    header = next(reader)
    header_at = first + 1
    names: list[str] = []
    for cell in header:
        canonical = known.get(_header_key(cell))
        if canonical is None:
            errors.append(RowError(header_at, f"unknown column {cell.strip()!r} ({expected_text})"))
        elif canonical in names:
            errors.append(RowError(header_at, f"column {cell.strip()!r} appears twice"))
        names.append(canonical or "")
    for column in columns:
        if column.required and column.name not in names:
            errors.append(RowError(header_at, f"missing column {column.name!r} ({expected_text})"))

    rows: list[Row] = []
    for cells in reader:
        line = header_at + reader.line_num - 1
        if not any(cell.strip() for cell in cells) or cells[0].lstrip().startswith("#"):
            continue
        if len(cells) != len(header):
            errors.append(
                RowError(line, f"has {len(cells)} values but the header has {len(header)} columns")
            )
            continue
        rows.append(Row(line, {n: v for n, v in zip(names, cells, strict=True) if n}))
    return rows, errors


def _check(rows: Sized, errors: list[RowError], path: Path | str) -> None:
    if errors:
        raise InputFileError(path, errors)
    if not rows:
        raise InputFileError(path, [RowError(1, "the file has a header but no rows")])


def _address(row: Row, errors: list[RowError], seen: dict[str, int]) -> ChecksumAddress | None:
    try:
        address = parse_address(row.get("address"))
    except ValueError as error:
        errors.append(RowError(row.line, str(error)))
        return None
    if address in seen:
        errors.append(RowError(row.line, f"duplicate: {address} is also on line {seen[address]}"))
        return None
    seen[address] = row.line
    return address


def _neighbourhood(row: Row, errors: list[RowError]) -> neighbourhoods.Neighbourhood | None:
    text = row.get("neighbourhood")
    if not text:
        errors.append(RowError(row.line, "neighbourhood is empty"))
        return None
    try:
        return neighbourhoods.lookup(text)
    except neighbourhoods.UnknownNeighbourhood as error:
        errors.append(RowError(row.line, str(error)))
        return None


# ------------------------------------------------------------------ citizens
CITIZEN_COLUMNS = [
    Column("address", ("adres", "wallet", "portemonnee")),
    Column("neighbourhood", ("wijk", "buurt", "neighborhood")),
]


@dataclass(frozen=True)
class CitizenRow:
    line: int
    address: ChecksumAddress
    neighbourhood: int


def parse_citizens(path: Path | str) -> list[CitizenRow]:
    """``address,neighbourhood`` rows; raises ``InputFileError`` listing every bad row."""
    rows, errors = read_rows(path, CITIZEN_COLUMNS)
    seen: dict[str, int] = {}
    result: list[CitizenRow] = []
    for row in rows:
        address = _address(row, errors, seen)
        hood = _neighbourhood(row, errors)
        if address and hood:
            result.append(CitizenRow(row.line, address, hood.code))
    _check(result, errors, path)
    return result


# ----------------------------------------------------------------- merchants
MERCHANT_KINDS = {
    "bakkerij": "bakery",
    "bakery": "bakery",
    "cafe": "bar",
    "café": "bar",
    "bar": "bar",
    "horeca": "bar",
    "restaurant": "restaurant",
    "boekhandel": "bookshop",
    "bookshop": "bookshop",
    "theater": "theatre",
    "theatre": "theatre",
    "cultuur": "culture",
    "culture": "culture",
    "fietsenwinkel": "bike shop",
    "bike shop": "bike shop",
    "winkel": "shop",
    "shop": "shop",
}
#: The kinds a shop's document names (the values above; the dApp shows each in Dutch and English).
KINDS: tuple[str, ...] = tuple(sorted(set(MERCHANT_KINDS.values())))

MERCHANT_COLUMNS = [
    Column("address", ("adres", "wallet")),
    Column("name", ("naam",)),
    Column("kind", ("soort", "type")),
    Column("street", ("straat", "straat en huisnummer")),
    Column("postcode", ("postal code", "zip")),
    Column("neighbourhood", ("wijk", "buurt")),
    Column("city", ("plaats", "woonplaats"), required=False),
    Column("lat", ("latitude", "breedtegraad"), required=False),
    Column("lon", ("longitude", "lengtegraad", "lng"), required=False),
    Column("website", ("site",), required=False),
    # As the shop says it on its door ("di-za 8.00-17.00"); residents read it on /burger.
    Column("opening_hours", ("openingstijden", "open"), required=False),
]


@dataclass(frozen=True)
class MerchantRow:
    line: int
    address: ChecksumAddress
    name: str
    kind: str
    street: str
    postcode: str
    city: str
    neighbourhood: int
    lat: float | None
    lon: float | None
    website: str | None
    opening_hours: str | None = None

    def document(self) -> dict[str, Any]:
        """The shop's public document (``wesh.metadata.merchant_document``): what the dApp shows."""
        return merchant_document(
            name=self.name,
            kind=self.kind,
            street=self.street,
            postcode=self.postcode,
            city=self.city,
            neighbourhood=self.neighbourhood,
            lat=self.lat,
            lon=self.lon,
            website=self.website,
            opening_hours=self.opening_hours,
        )


def _coordinates(row: Row, errors: list[RowError]) -> tuple[float | None, float | None, bool]:
    lat_text, lon_text = row.get("lat"), row.get("lon")
    if not lat_text and not lon_text:
        return None, None, True
    try:
        return float(lat_text.replace(",", ".")), float(lon_text.replace(",", ".")), True
    except ValueError:
        errors.append(RowError(row.line, f"lat/lon {lat_text!r}/{lon_text!r} are not numbers"))
        return None, None, False


def parse_merchants(path: Path | str) -> list[MerchantRow]:
    """One row per shop with its public details (what goes into its metadata document)."""
    rows, errors = read_rows(path, MERCHANT_COLUMNS)
    seen: dict[str, int] = {}
    result: list[MerchantRow] = []
    for row in rows:
        before = len(errors)
        address = _address(row, errors, seen)
        hood = _neighbourhood(row, errors)
        name, street, postcode = row.get("name"), row.get("street"), row.get("postcode")
        kind = MERCHANT_KINDS.get(row.get("kind").lower())
        for label, value in (("name", name), ("street", street), ("postcode", postcode)):
            if not value:
                errors.append(RowError(row.line, f"{label} is empty"))
        if kind is None:
            choices = ", ".join(sorted(set(MERCHANT_KINDS)))
            errors.append(
                RowError(row.line, f"unknown kind {row.get('kind')!r}: use one of {choices}")
            )
        if postcode and not is_postcode(postcode):
            errors.append(
                RowError(row.line, f"postcode {postcode!r} is not a Dutch postcode (6411 AB)")
            )
        lat, lon, ok = _coordinates(row, errors)
        if ok and hood and lat is not None and lon is not None:
            problem = neighbourhoods.check_location(hood, lat, lon)
            if problem:
                errors.append(RowError(row.line, problem))
        if len(errors) == before and address and hood and kind:
            result.append(
                MerchantRow(
                    line=row.line,
                    address=address,
                    name=name,
                    kind=kind,
                    street=street,
                    postcode=format_postcode(postcode),
                    city=row.get("city") or neighbourhoods.MUNICIPALITY,
                    neighbourhood=hood.code,
                    lat=lat,
                    lon=lon,
                    website=row.get("website") or None,
                    opening_hours=row.get("opening_hours") or None,
                )
            )
    _check(result, errors, path)
    return result


def is_postcode(text: str) -> bool:
    compact = text.replace(" ", "").upper()
    return (
        len(compact) == 6 and compact[:4].isdigit() and compact[0] != "0" and compact[4:].isalpha()
    )


def format_postcode(text: str) -> str:
    compact = text.replace(" ", "").upper()
    return f"{compact[:4]} {compact[4:]}"


# ---------------------------------------------------- merchants' bank accounts
BANK_COLUMNS = [
    Column("address", ("adres", "wallet")),
    Column("name", ("naam", "account holder", "tenaamstelling")),
    Column("iban", ("rekeningnummer",)),
    Column("bic", (), required=False),
]


@dataclass(frozen=True)
class BankAccountRow:
    line: int
    address: ChecksumAddress
    name: str
    iban: str
    bic: str | None


def parse_bank_accounts(path: Path | str) -> dict[ChecksumAddress, BankAccountRow]:
    """The city-side file of merchants' bank accounts (never on chain), IBANs checked."""
    rows, errors = read_rows(path, BANK_COLUMNS)
    seen: dict[str, int] = {}
    result: dict[ChecksumAddress, BankAccountRow] = {}
    for row in rows:
        before = len(errors)
        address = _address(row, errors, seen)
        name = row.get("name")
        if not name:
            errors.append(RowError(row.line, "name (account holder) is empty"))
        iban = bic = None
        try:
            iban = ibans.validate(row.get("iban"))
        except ibans.IbanError as error:
            errors.append(RowError(row.line, str(error)))
        if row.get("bic"):
            try:
                bic = ibans.validate_bic(row.get("bic"))
            except ibans.IbanError as error:
                errors.append(RowError(row.line, str(error)))
        if len(errors) == before and address and iban:
            result[address] = BankAccountRow(row.line, address, name, iban, bic)
    _check(result, errors, path)
    return result


def batches(items: list[T], size: int) -> Iterator[list[T]]:
    """``items`` in consecutive lists of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
