"""SEPA credit-transfer files (ISO 20022 pain.001.001.03) for merchants' cash-outs.

The treasurer pays open redemption requests by uploading one of these files to the city's bank.
Each open request becomes one credit transfer whose end-to-end id names the request
(``WESH-R<id>``), so the bank statement and the chain can be matched line by line; the message id
is the payment reference recorded on chain with ``mark_paid``.

pain.001.001.03 is the version every Dutch bank accepts for SEPA Credit Transfers (EPC
implementation guidelines). Every file is checked against the official XSD (shipped by the
``sepaxml`` package) and its control sums are recomputed before it is written.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from text_unidecode import unidecode

from wesh import iban as ibans
from wesh.money import plain_euros

NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"
MAX_ID = 35
MAX_NAME = 70
MAX_REMITTANCE = 140
# The EPC's basic Latin character set for SEPA text fields.
_NOT_SEPA = re.compile(r"[^A-Za-z0-9/\-?:().,'+ ]")


class SepaError(ValueError):
    """A payout file that cannot be made or does not check out."""


@dataclass(frozen=True)
class Party:
    name: str
    iban: str
    bic: str | None = None


@dataclass(frozen=True)
class Transfer:
    end_to_end_id: str
    amount: int  # cents
    creditor: Party
    remittance: str


@dataclass(frozen=True)
class Summary:
    """What a checked file holds."""

    message_id: str
    count: int
    total: int  # cents
    end_to_end_ids: tuple[str, ...]


def sepa_text(text: str, limit: int) -> str:
    """``text`` in the SEPA character set (accents dropped, others replaced), cut to ``limit``."""
    plain = _NOT_SEPA.sub(" ", unidecode(text))
    return " ".join(plain.split())[:limit]


def _id(text: str, what: str) -> str:
    if not text or len(text) > MAX_ID or _NOT_SEPA.search(text) or text.startswith("/"):
        raise SepaError(f"{what} {text!r} must be 1 to {MAX_ID} SEPA characters")
    return text


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    if text is not None:
        element.text = text
    return element


def _agent(parent: ET.Element, tag: str, bic: str | None) -> None:
    institution = _sub(_sub(parent, tag), "FinInstnId")
    if bic:
        _sub(institution, "BIC", ibans.validate_bic(bic))
    else:
        # IBAN-only payments (allowed within SEPA since 2016): the EPC's marker for "no BIC".
        _sub(_sub(institution, "Othr"), "Id", "NOTPROVIDED")


def _account(parent: ET.Element, tag: str, iban: str) -> None:
    _sub(_sub(_sub(parent, tag), "Id"), "IBAN", ibans.validate(iban))


def credit_transfer(
    *,
    message_id: str,
    debtor: Party,
    transfers: list[Transfer],
    execution_date: date,
    created: datetime,
) -> bytes:
    """A pain.001.001.03 document paying ``transfers`` from ``debtor``'s account.

    Raises ``SepaError`` (or ``IbanError``) for anything a bank would refuse.
    """
    if not transfers:
        raise SepaError("nothing to pay: the file would have no transfers")
    seen: set[str] = set()
    for transfer in transfers:
        _id(transfer.end_to_end_id, "end-to-end id")
        if transfer.end_to_end_id in seen:
            raise SepaError(f"end-to-end id {transfer.end_to_end_id} appears twice")
        seen.add(transfer.end_to_end_id)
        if not 1 <= transfer.amount <= 99_999_999_999:
            raise SepaError(f"{transfer.end_to_end_id}: amount must be 0.01 to 999,999,999.99")
    total = sum(t.amount for t in transfers)

    root = ET.Element("Document", {"xmlns": NAMESPACE})
    initiation = _sub(root, "CstmrCdtTrfInitn")
    header = _sub(initiation, "GrpHdr")
    _sub(header, "MsgId", _id(message_id, "message id"))
    _sub(header, "CreDtTm", created.replace(microsecond=0, tzinfo=None).isoformat())
    _sub(header, "NbOfTxs", str(len(transfers)))
    _sub(header, "CtrlSum", plain_euros(total))
    _sub(_sub(header, "InitgPty"), "Nm", sepa_text(debtor.name, MAX_NAME))

    info = _sub(initiation, "PmtInf")
    _sub(info, "PmtInfId", _id(message_id, "message id"))
    _sub(info, "PmtMtd", "TRF")
    _sub(info, "BtchBookg", "false")  # one line per merchant on the city's statement
    _sub(info, "NbOfTxs", str(len(transfers)))
    _sub(info, "CtrlSum", plain_euros(total))
    _sub(_sub(_sub(info, "PmtTpInf"), "SvcLvl"), "Cd", "SEPA")
    _sub(info, "ReqdExctnDt", execution_date.isoformat())
    _sub(_sub(info, "Dbtr"), "Nm", sepa_text(debtor.name, MAX_NAME))
    _account(info, "DbtrAcct", debtor.iban)
    _agent(info, "DbtrAgt", debtor.bic)
    _sub(info, "ChrgBr", "SLEV")
    for transfer in transfers:
        tx = _sub(info, "CdtTrfTxInf")
        _sub(_sub(tx, "PmtId"), "EndToEndId", transfer.end_to_end_id)
        _sub(_sub(tx, "Amt"), "InstdAmt", plain_euros(transfer.amount), Ccy="EUR")
        if transfer.creditor.bic:
            _agent(tx, "CdtrAgt", transfer.creditor.bic)
        _sub(_sub(tx, "Cdtr"), "Nm", sepa_text(transfer.creditor.name, MAX_NAME))
        _account(tx, "CdtrAcct", transfer.creditor.iban)
        _sub(_sub(tx, "RmtInf"), "Ustrd", sepa_text(transfer.remittance, MAX_REMITTANCE))

    ET.indent(root)
    data = ET.tostring(root, encoding="UTF-8", xml_declaration=True)
    check(data)
    return data


def _schema_path() -> Path:
    import sepaxml

    return Path(sepaxml.__file__).parent / "schemas" / "pain.001.001.03.xsd"


def check(data: bytes) -> Summary:
    """Checks a pain.001.001.03 file: the XSD, both control sums and counts, every IBAN.

    Returns what it holds; raises ``SepaError`` naming the first problem.
    """
    import xmlschema

    schema = xmlschema.XMLSchema(str(_schema_path()))
    try:
        root = ET.fromstring(data)
    except ET.ParseError as error:
        raise SepaError(f"not well-formed XML: {error}") from None
    errors = list(schema.iter_errors(data.decode("utf-8")))
    if errors:
        first = errors[0]
        raise SepaError(f"not a valid pain.001.001.03 file: {first.reason} at {first.path}")
    ns = {"p": NAMESPACE}

    def text(element: ET.Element, path: str) -> str:
        found = element.find(path, ns)
        if found is None or found.text is None:
            raise SepaError(f"{path} is missing")
        return found.text

    def cents(value: str) -> int:
        return int(Decimal(value) * 100)

    header = root.find("p:CstmrCdtTrfInitn/p:GrpHdr", ns)
    assert header is not None  # the schema requires it
    amounts: list[int] = []
    ids: list[str] = []
    for info in root.findall("p:CstmrCdtTrfInitn/p:PmtInf", ns):
        ibans.validate(text(info, "p:DbtrAcct/p:Id/p:IBAN"))
        block = [cents(text(tx, "p:Amt/p:InstdAmt")) for tx in info.findall("p:CdtTrfTxInf", ns)]
        for tx in info.findall("p:CdtTrfTxInf", ns):
            ibans.validate(text(tx, "p:CdtrAcct/p:Id/p:IBAN"))
            ids.append(text(tx, "p:PmtId/p:EndToEndId"))
        if info.find("p:NbOfTxs", ns) is not None and int(text(info, "p:NbOfTxs")) != len(block):
            raise SepaError("PmtInf/NbOfTxs does not match its transfers")
        if info.find("p:CtrlSum", ns) is not None and cents(text(info, "p:CtrlSum")) != sum(block):
            raise SepaError("PmtInf/CtrlSum does not match its transfers")
        amounts += block
    if int(text(header, "p:NbOfTxs")) != len(amounts):
        raise SepaError("GrpHdr/NbOfTxs does not match the number of transfers")
    if cents(text(header, "p:CtrlSum")) != sum(amounts):
        raise SepaError("GrpHdr/CtrlSum does not match the sum of the transfers")
    return Summary(
        message_id=text(header, "p:MsgId"),
        count=len(amounts),
        total=sum(amounts),
        end_to_end_ids=tuple(ids),
    )


def request_end_to_end_id(redemption_id: int) -> str:
    """The end-to-end id of the transfer paying redemption request ``redemption_id``."""
    return f"WESH-R{redemption_id}"


def redemption_id_of(end_to_end_id: str) -> int | None:
    """The request id behind an end-to-end id made by ``request_end_to_end_id``."""
    match = re.fullmatch(r"WESH-R(\d+)", end_to_end_id)
    return int(match.group(1)) if match else None


def remittance_text(redemption_id: int) -> str:
    """What the merchant reads on its bank statement (Dutch first)."""
    return f"WESH inwisseling Heitjes R{redemption_id} / Heitje cash-out R{redemption_id}"


def redemption_transfers(
    requests: list[tuple[int, str, int]], parties: Mapping[str, Party]
) -> list[Transfer]:
    """One transfer per (request id, merchant address, amount in cents).

    ``parties`` maps merchant addresses to their bank accounts (the city's file). A merchant
    without an account raises ``SepaError`` naming every one missing, so no partial file is made.
    """
    missing = sorted({merchant for _, merchant, _ in requests if merchant not in parties})
    if missing:
        raise SepaError(
            "no bank account for merchant(s) " + ", ".join(missing) + ": add them to the "
            "bank-accounts file (address,name,iban[,bic]); no file was written"
        )
    return [
        Transfer(
            end_to_end_id=request_end_to_end_id(rid),
            amount=amount,
            creditor=parties[merchant],
            remittance=remittance_text(rid),
        )
        for rid, merchant, amount in requests
    ]


def next_working_day(day: date) -> date:
    """The first weekday after ``day`` (when a payout file asks the bank to pay by default)."""
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def payout_message_id(
    created: datetime, redemption_ids: list[int], serial: int | None = None
) -> str:
    """The file's message id: its day and the first and last cash-out it pays
    (``WESH-20261130-R4-R9``); ``serial`` (the number of a file made on the web) keeps two files
    of the same day and cash-outs apart (``...-F3``), as a bank refuses a message id twice."""
    first, last = redemption_ids[0], redemption_ids[-1]
    message_id = f"WESH-{created:%Y%m%d}-R{first}" + (f"-R{last}" if last != first else "")
    return message_id + (f"-F{serial}" if serial is not None else "")


@dataclass(frozen=True)
class PayoutFile:
    """A checked pain.001 file paying cash-out requests (what ``redemptions sepa`` writes and
    what the treasurer downloads on the web)."""

    message_id: str
    data: bytes
    transfers: tuple[Transfer, ...]
    execution_date: date

    @property
    def total(self) -> int:
        return sum(t.amount for t in self.transfers)


def payout_file(
    requests: list[tuple[int, str, int]],
    parties: Mapping[str, Party],
    debtor: Party,
    created: datetime,
    execution_date: date | None = None,
    serial: int | None = None,
) -> PayoutFile:
    """The payout file for ``requests`` (request id, merchant key, amount in cents) from
    ``debtor``'s account, paid on ``execution_date`` (default: the next working day). Checked
    against the XSD and its sums before it is returned; raises ``SepaError`` (or ``IbanError``)."""
    transfers = redemption_transfers(requests, parties)
    when = execution_date or next_working_day(created.date())
    message_id = payout_message_id(created, [rid for rid, _, _ in requests], serial)
    data = credit_transfer(
        message_id=message_id,
        debtor=debtor,
        transfers=transfers,
        execution_date=when,
        created=created,
    )
    return PayoutFile(message_id, data, tuple(transfers), when)
