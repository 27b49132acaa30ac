"""`ape run redemptions`: open cash-outs, the SEPA pain.001 payout file, marking requests paid."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from scripts_support import CITIZENS, EVIDENCE, MERCHANTS, REVIEWER, TREASURER, City, alias

from wesh import iban, sepa
from wesh.rules import RequestStatus

CITY_IBAN = iban.example("NL", "BNGH", "0285059842")
NS = {"p": sepa.NAMESPACE}


def _cash_outs(city: City) -> list[str]:
    """Two shops paid by citizens; the bakery cashes in twice, the bar once."""
    city.register_citizens(*CITIZENS[:2])
    city.register_merchants(*MERCHANTS[:3])
    city.grant_budget(100)
    (task,) = city.commission(("Bankje schilderen", "25", 2))
    for citizen in CITIZENS[:2]:
        city.claim_and_submit(citizen, task, EVIDENCE)
    city.approve_all([(task, CITIZENS[0]), (task, CITIZENS[1])])
    wesh = city.wesh
    bakery, bar, books = (city.accounts[m] for m in MERCHANTS[:3])
    city.act(CITIZENS[0], wesh.pay(bakery, 1250, b"BAK-1"))
    city.act(CITIZENS[1], wesh.pay(bar, 830, b"MIJN-7"))
    city.act(MERCHANTS[0], wesh.redeem(1000))  # request 1
    city.act(MERCHANTS[1], wesh.redeem(830))  # request 2
    city.act(MERCHANTS[0], wesh.redeem(250))  # request 3
    return [bakery, bar, books]


def _bank_file(city: City, shops: list[str], *extra: str) -> Path:
    bakery = iban.format_iban(iban.example("NL", "RABO", "0123456789"))  # with spaces
    lines = [
        "address,name,iban,bic",
        f"{shops[0]},Bakkerij Coriovallum VOF,{bakery},RABONL2U",
        f"{shops[1]},Café De Mijnlamp B.V.,{iban.example('NL', 'INGB', '0007654321')},",
        f"{shops[2]},Boekhandel Het Geleenbeekje,{iban.example('NL', 'ABNA', '0417164300')},",
        *extra,
    ]  # fmt: skip
    return city.write("merchant-bank-accounts.csv", "\n".join(lines) + "\n")


def test_list_pay_by_sepa_file_and_mark_paid(deployed: City) -> None:
    shops = _cash_outs(deployed)
    listing = deployed.ape("redemptions", "list")
    assert "Still to pay: € 20,80" in listing and listing.count("open") == 3

    out = deployed.folder / "payout.xml"
    written = deployed.ape(
        "redemptions", "sepa", "--bank-accounts", str(_bank_file(deployed, shops)),
        "--out", str(out), "--debtor-iban", CITY_IBAN, "--debtor-bic", "BNGHNL2G",
        "--execution-date", "2030-01-07",
    )  # fmt: skip
    assert "3 transfer(s), € 20,80" in written and "mark-paid --sepa" in written

    data = out.read_bytes()
    summary = sepa.check(data)  # the official XSD, both control sums, every IBAN
    assert summary.count == 3 and summary.total == 2080
    assert summary.end_to_end_ids == ("WESH-R1", "WESH-R2", "WESH-R3")
    root = ET.fromstring(data)
    info = root.find("p:CstmrCdtTrfInitn/p:PmtInf", NS)
    assert info is not None
    assert info.findtext("p:ReqdExctnDt", namespaces=NS) == "2030-01-07"
    assert info.findtext("p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == CITY_IBAN
    assert info.findtext("p:CtrlSum", namespaces=NS) == "20.80"
    transfers = info.findall("p:CdtTrfTxInf", NS)
    assert [t.findtext("p:Amt/p:InstdAmt", namespaces=NS) for t in transfers] == [
        "10.00", "8.30", "2.50"]  # fmt: skip
    assert transfers[0].findtext("p:Cdtr/p:Nm", namespaces=NS) == "Bakkerij Coriovallum VOF"
    assert transfers[1].findtext("p:Cdtr/p:Nm", namespaces=NS) == "Cafe De Mijnlamp B.V."
    assert transfers[0].findtext("p:CdtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "RABONL2U"
    assert all(iban.is_valid(t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS) or "")
               for t in transfers)  # fmt: skip
    assert "R1" in (transfers[0].findtext("p:RmtInf/p:Ustrd", namespaces=NS) or "")

    deployed.ape("redemptions", "mark-paid", "--sepa", str(out), "--account", alias(TREASURER),
                 "--yes")  # fmt: skip
    wesh = deployed.wesh
    assert all(wesh.request(i).status == RequestStatus.PAID for i in (1, 2, 3))
    paid = deployed.events("RedemptionPaid", "redemption")
    assert {e["args"]["payment_reference"] for e in paid} == {summary.message_id}
    assert wesh.redemption_totals() == (2080, 2080)
    assert "No open cash-out requests" in deployed.ape("redemptions", "list")
    assert summary.message_id in deployed.ape("redemptions", "list", "--all")

    nonce = deployed.nonce(TREASURER)
    again = deployed.ape("redemptions", "mark-paid", "--sepa", str(out), "--account",
                         alias(TREASURER), "--yes")  # fmt: skip
    assert "every request is marked paid already" in again
    assert deployed.nonce(TREASURER) == nonce


def test_an_invalid_iban_is_refused_with_its_line(deployed: City) -> None:
    shops = _cash_outs(deployed)
    bank = _bank_file(deployed, shops)
    lines = bank.read_text().splitlines()
    lines[2] = lines[2].replace(lines[2].split(",")[2], "NL91ABNA0417164301")  # one digit off
    lines[3] = lines[3].replace(lines[3].split(",")[2], "NL91 ABNA 0417")  # too short
    bank.write_text("\n".join(lines) + "\n")
    out = deployed.folder / "payout.xml"
    output = deployed.ape("redemptions", "sepa", "--bank-accounts", str(bank), "--out", str(out),
                          "--debtor-iban", CITY_IBAN, expect=1)  # fmt: skip
    assert "line 3: IBAN 'NL91ABNA0417164301' fails the check digits" in output
    assert "line 4: IBAN 'NL91 ABNA 0417' has 12 characters; NL IBANs have 18" in output
    assert not out.exists()


def test_a_merchant_without_bank_account_means_no_file(deployed: City) -> None:
    shops = _cash_outs(deployed)
    bank = deployed.write(
        "bank.csv",
        f"address,name,iban\n{shops[0]},Bakkerij,{iban.example('NL', 'RABO', '0123456789')}\n",
    )
    out = deployed.folder / "payout.xml"
    output = deployed.ape("redemptions", "sepa", "--bank-accounts", str(bank), "--out", str(out),
                          "--debtor-iban", CITY_IBAN, expect=1)  # fmt: skip
    assert f"no bank account for merchant(s) {shops[1]}" in output
    assert not out.exists()
    bad_debtor = deployed.ape("redemptions", "sepa", "--bank-accounts", str(_bank_file(deployed,
                              shops)), "--out", str(out), "--debtor-iban", "NL00BNGH0285059842",
                              expect=1)  # fmt: skip
    assert "fails the check digits" in bad_debtor and not out.exists()


def test_mark_paid_by_id_with_a_bank_reference(deployed: City) -> None:
    _cash_outs(deployed)
    deployed.ape("redemptions", "mark-paid", "2", "--reference", "BNG-2026-11-30-0042",
                 "--account", alias(TREASURER), "--yes")  # fmt: skip
    wesh = deployed.wesh
    assert wesh.request(2).status == RequestStatus.PAID
    assert wesh.request(1).status == RequestStatus.OPEN
    nonce = deployed.nonce(TREASURER)
    for args, message in (
        (["1", "--reference", "X" * 36], "1 to 35 characters"),
        (["9", "--reference", "REF"], "there is no cash-out request 9"),
        (["1"], "give request ids and --reference"),
    ):
        output = deployed.ape("redemptions", "mark-paid", *args, "--account", alias(TREASURER),
                              "--yes", expect=1)  # fmt: skip
        assert message in output
    assert deployed.nonce(TREASURER) == nonce
    other = deployed.ape("redemptions", "mark-paid", "1", "--reference", "REF", "--account",
                         alias(REVIEWER), "--yes", expect=1)  # fmt: skip
    assert "only a treasurer may do this" in other


@pytest.mark.parametrize("ids", [["--id", "3"]])
def test_a_sepa_file_for_chosen_requests(deployed: City, ids: list[str]) -> None:
    shops = _cash_outs(deployed)
    out = deployed.folder / "payout.xml"
    deployed.ape("redemptions", "sepa", "--bank-accounts", str(_bank_file(deployed, shops)),
                 "--out", str(out), "--debtor-iban", CITY_IBAN, *ids)  # fmt: skip
    summary = sepa.check(out.read_bytes())
    assert summary.end_to_end_ids == ("WESH-R3",) and summary.total == 250
