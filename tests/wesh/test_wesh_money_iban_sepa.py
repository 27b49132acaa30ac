"""Euro amounts, IBAN checks and the SEPA pain.001 writer (pure functions, no chain)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from wesh import iban, sepa
from wesh.money import AmountError, format_euros, parse_euros, plain_euros


@pytest.mark.parametrize(
    ("text", "cents"),
    [("12.50", 1250), ("12,50", 1250), ("€ 12,5", 1250), ("12", 1200), (12, 1200),
     (12.5, 1250), ("0.01", 1), ("1500", 150_000), ("EUR 7,95", 795)],
)  # fmt: skip
def test_parse_euros(text: str | int | float, cents: int) -> None:
    assert parse_euros(text) == cents


@pytest.mark.parametrize("text", ["12.345", "1.500,00", "1,500.00", "-5", "ten", "", "12.", True])
def test_parse_euros_refuses_ambiguous_amounts(text: str | bool) -> None:
    with pytest.raises(AmountError):
        parse_euros(text)


def test_format_euros_in_dutch() -> None:
    assert format_euros(150_000) == "€ 1.500,00"
    assert format_euros(5) == "€ 0,05"
    assert format_euros(-1250) == "€ -12,50"
    assert plain_euros(123_456) == "1234.56"


def test_iban_check_digits() -> None:
    assert iban.validate("nl91 abna 0417 1643 00") == "NL91ABNA0417164300"
    assert iban.validate("DE89 3704 0044 0532 0130 00") == "DE89370400440532013000"
    for bad, why in (
        ("NL91ABNA0417164301", "fails the check digits"),
        ("NL91ABNA041716430", "has 17 characters"),
        ("US64SVBKUS6S3300958879", "not a SEPA country"),
        ("NL91 ABNA 0417 1643 0!", "characters other than"),
        ("", "empty"),
    ):
        with pytest.raises(iban.IbanError, match=why):
            iban.validate(bad)
    made = iban.example("NL", "RABO", "0123456789")
    assert iban.is_valid(made) and iban.format_iban(made).count(" ") == 4
    assert iban.validate_bic("rabonl2u") == "RABONL2U"
    with pytest.raises(iban.IbanError):
        iban.validate_bic("RABO")


def _party(name: str, bank: str, bic: str | None = None) -> sepa.Party:
    return sepa.Party(name, iban.example("NL", bank, "0123456789"), bic)


def test_credit_transfer_is_schema_valid_with_matching_sums() -> None:
    city = _party("Gemeente Heerlen", "BNGH", "BNGHNL2G")
    shop = _party("Café Ün Schön & Zn.", "INGB")
    transfers = [
        sepa.Transfer("WESH-R1", 1250, shop, "WESH inwisseling R1"),
        sepa.Transfer("WESH-R2", 99, _party("Bakkerij", "RABO", "RABONL2U"), "R2"),
    ]
    data = sepa.credit_transfer(message_id="WESH-20261130-R1-R2", debtor=city,
                                transfers=transfers, execution_date=date(2026, 12, 1),
                                created=datetime(2026, 11, 30, 9, 15))  # fmt: skip
    summary = sepa.check(data)
    assert summary == sepa.Summary("WESH-20261130-R1-R2", 2, 1349, ("WESH-R1", "WESH-R2"))
    text = data.decode()
    assert "<Nm>Cafe Un Schon Zn.</Nm>" in text  # the SEPA character set
    assert text.count("<CdtrAgt>") == 1  # only the creditor with a BIC names its bank
    assert text.count("<CtrlSum>13.49</CtrlSum>") == 2


def test_tampered_files_are_refused() -> None:
    city = _party("Gemeente Heerlen", "BNGH")
    data = sepa.credit_transfer(
        message_id="WESH-1", debtor=city,
        transfers=[sepa.Transfer("WESH-R1", 1000, _party("Shop", "INGB"), "R1")],
        execution_date=date(2026, 12, 1), created=datetime(2026, 11, 30),
    ).decode()  # fmt: skip
    assert "<Othr>\n            <Id>NOTPROVIDED</Id>" in data  # a debtor without BIC (IBAN-only)
    with pytest.raises(sepa.SepaError, match="CtrlSum"):
        sepa.check(data.replace("<CtrlSum>10.00</CtrlSum>", "<CtrlSum>11.00</CtrlSum>", 1).encode())
    with pytest.raises(sepa.SepaError, match=r"pain\.001\.001\.03"):
        sepa.check(data.replace("<PmtMtd>TRF</PmtMtd>", "<PmtMtd>XYZ</PmtMtd>").encode())
    with pytest.raises(sepa.SepaError, match="well-formed"):
        sepa.check(data[:-20].encode())


def test_bad_transfers_are_refused_before_a_file_exists() -> None:
    city, shop = _party("Gemeente", "BNGH"), _party("Shop", "INGB")
    common = {"debtor": city, "execution_date": date(2026, 12, 1), "created": datetime(2026, 1, 1)}
    with pytest.raises(sepa.SepaError, match="nothing to pay"):
        sepa.credit_transfer(message_id="M", transfers=[], **common)  # type: ignore[arg-type]
    with pytest.raises(sepa.SepaError, match="appears twice"):
        sepa.credit_transfer(message_id="M", transfers=[sepa.Transfer("A", 1, shop, "x")] * 2,
                             **common)  # type: ignore[arg-type]  # fmt: skip
    with pytest.raises(sepa.SepaError, match="message id"):
        sepa.credit_transfer(message_id="M" * 36, transfers=[sepa.Transfer("A", 1, shop, "x")],
                             **common)  # type: ignore[arg-type]  # fmt: skip
    with pytest.raises(sepa.SepaError, match="no bank account for merchant"):
        sepa.redemption_transfers([(1, "0xabc", 100)], {})
