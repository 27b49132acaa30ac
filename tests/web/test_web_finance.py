"""Financiën (issue #15) in Chromium, as the city's treasurer and merchant manager do it:

* the merchant manager enters the bakery's bank account on /gemeente/winkels (IBAN checked) and
  sees the change logged with who and when;
* the treasurer, on /gemeente/uitbetalingen, sees the café named as having no bank account (left
  out), makes the SEPA payout file, downloads it (it validates against the pain.001 schema and
  names the right amount and account), marks it paid once "the bank executed it", and the cash-out
  moves to "betaald" with the file's message id; the café's account added, its file is made, made
  again ("Opnieuw maken": the first is replaced) and marked paid;
* the monthly CSV for the books is downloaded and holds what was paid.

axe-core on every new state at 360 and 1280 px. This module has a stack of its own: the shops'
balances and cash-outs it makes would change what the other modules' pages show.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
import webstack
from conftest import (
    DESKTOP,
    PHONE,
    Visitor,
    axe_violations,
    copy_to_docs,
    money_text,
    shot,
    sign_in,
)
from playwright.sync_api import Page, expect
from webstack import BAKERY, CAFE, DEWI, OFFICER, Stack

from wesh import iban as ibans
from wesh import sepa
from wesh.rules import AMSTERDAM
from wesh.signer import UnlockedSigner, transact

BAKERY_IBAN = ibans.example("NL", "INGB", "0001234567")
CAFE_IBAN = ibans.example("NL", "RABO", "0300065264")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """This module's own stack (overrides the suite's)."""
    running = webstack.start(tmp_path_factory.mktemp("web-finance-stack"))
    try:
        yield running
    finally:
        running.stop()


def audit(visitor: Visitor, name: str, found: dict[str, Any]) -> None:
    """axe at phone and desktop width on the page as it is now (then back to desktop)."""
    page = visitor.page
    for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than the {width} screen"
        shot(page, f"{name}-{width}")
        violations = axe_violations(page)
        if violations:
            found[f"{name}-{width}"] = violations
    page.set_viewport_size(DESKTOP)


def cash_outs(stack: Stack) -> None:
    """Dewi pays the bakery 4.00; the bakery cashes it in, and the café its 3.50 takings."""

    def send(tx: object, who: int) -> None:
        transact(stack.w3, tx, UnlockedSigner(stack.account(who)))  # type: ignore[arg-type]

    send(stack.wesh.pay(stack.account(BAKERY), 4_00, b"BAK-FIN-1"), DEWI)
    send(stack.wesh.redeem(4_00), BAKERY)
    send(stack.wesh.redeem(3_50), CAFE)
    stack.wait_indexed()


def download(page: Page, name: str, within: Any = None) -> bytes:
    """Clicks the link ``name`` (in ``within``, else anywhere on the page); the file's bytes."""
    with page.expect_download() as info:
        (within or page).get_by_role("link", name=name).first.click()
    path = info.value.path()
    return path.read_bytes()


def file_card(page: Page, message_id: str) -> Any:
    return page.locator(
        "li.payout-file", has=page.get_by_role("heading", name=re.compile(message_id))
    )


def test_the_treasurer_pays_the_shops_by_sepa_file_and_downloads_the_books(
    visit: Any, stack: Stack
) -> None:
    found: dict[str, Any] = {}
    cash_outs(stack)

    # The merchant manager enters the bakery's bank account; the change is logged: who, when.
    city = visit(OFFICER, "/gemeente/winkels", viewport=DESKTOP)
    sign_in(city)
    page = city.page
    bank = page.locator("form", has=page.get_by_role("heading", name="Bankrekening wijzigen"))
    bank.get_by_label("Winkel", exact=True).select_option(label="Bakkerij Schandelen (1)")
    bank.get_by_label("IBAN", exact=True).fill(ibans.format_iban(BAKERY_IBAN))
    bank.get_by_role("button", name="Bankrekening opslaan").click()
    bank = page.locator("form", has=page.get_by_role("heading", name="Bankrekening wijzigen"))
    bank.get_by_label("Winkel", exact=True).select_option(label="Bakkerij Schandelen (1)")
    history = bank.locator(".bank-history li")
    expect(history).to_have_count(1)
    expect(history.first).to_contain_text(ibans.format_iban(BAKERY_IBAN))
    expect(history.first).to_contain_text(re.compile(r"gewijzigd .+ door jou"))
    audit(city, "city-shops-bank-history", found)

    # The treasurer's section: the bakery's cash-out is ready, the café has no bank account.
    city.go("/gemeente/uitbetalingen")
    make = page.locator("section.payout-make")
    expect(make).to_contain_text(f"Uitbetaling 1 · Bakkerij Schandelen · {money_text(4_00)}")
    missing = make.locator(".payout-missing")
    expect(missing).to_contain_text("Geen bankrekening bekend van Café De Mijn")
    expect(missing).to_contain_text(f"Uitbetaling 2 · Café De Mijn · {money_text(3_50)}")
    audit(city, "city-payouts-ready", found)

    make.get_by_role("button", name=re.compile("Maak betaalbestand")).click()
    # (What the page says after an action is not checked here: a rerender when the index moves
    # may replace it; what stays is checked.)
    card = file_card(page, r"WESH-\d{8}-R1-F1")
    expect(card.locator(".badge").first).to_have_text("wacht op de bank")
    expect(card).to_contain_text("door jou")
    message_id = card.locator(".message-id").inner_text()
    audit(city, "city-payouts-file", found)
    copy_to_docs(page, "finance-payout-file-desktop")  # with WESH_DOCS_SCREENSHOTS=1
    page.set_viewport_size(PHONE)
    card.scroll_into_view_if_needed()
    copy_to_docs(page, "finance-payout-file-phone")
    page.set_viewport_size(DESKTOP)

    # The file as the bank gets it: schema-valid pain.001, the bakery's account and amount.
    data = download(page, "Download bestand voor de bank (XML)")
    summary = sepa.check(data)
    assert summary.message_id == message_id
    assert (summary.count, summary.total, summary.end_to_end_ids) == (1, 4_00, ("WESH-R1",))
    assert BAKERY_IBAN.encode() in data and b'<InstdAmt Ccy="EUR">4.00</InstdAmt>' in data

    # The bank executed it: marked paid (the treasurer's wallet signs), the cash-out is paid.
    card.get_by_role("button", name="Bestand als betaald markeren").click()
    card = file_card(page, message_id)
    expect(card.locator("h3 .badge")).to_have_text("betaald", timeout=30_000)
    expect(card.get_by_role("button", name="Bestand als betaald markeren")).to_have_count(0)
    paid = page.locator("section", has=page.get_by_role("heading", name="Betaald", exact=True))
    expect(paid).to_contain_text(f"uitbetaald (kenmerk {message_id})")
    assert stack.wesh.request(1).status == 2  # paid on chain

    # The café's account is added; its file is made, made again, and the new one marked paid.
    stack.session(OFFICER).put("/city/merchants/2/bank-account", json={"iban": CAFE_IBAN})
    city.go("/gemeente/uitbetalingen")
    page.get_by_role("button", name=re.compile("Maak betaalbestand")).click()
    second = file_card(page, "-R2-F2")
    second.get_by_role("button", name="Opnieuw maken").click()
    expect(file_card(page, "-R2-F2").locator("h3 .badge")).to_have_text("vervangen door bestand 3")
    third = file_card(page, "-R2-F3")
    assert sepa.check(download(page, "Download bestand voor de bank (XML)", third)).total == 3_50
    third.get_by_role("button", name="Bestand als betaald markeren").click()
    expect(file_card(page, "-R2-F3").locator("h3 .badge")).to_have_text("betaald", timeout=30_000)
    expect(page.locator("section.payout-make")).to_contain_text("Er staan geen uitbetalingen open.")

    # The books: this month's row holds what was cashed in and paid.
    books = page.locator("section", has=page.get_by_role("heading", name="Boekhouding per maand"))
    expect(books.locator("table")).to_be_visible()
    audit(city, "city-payouts-paid", found)
    rows = list(csv.reader(io.StringIO(download(page, "Download maandoverzicht (CSV)").decode())))
    assert rows[0][:6] == [
        "month",
        "budget_granted",
        "budget_withdrawn",
        "payouts",
        "cashouts_requested",
        "cashouts_paid",
    ]
    months = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    now = months[datetime.now(AMSTERDAM).strftime("%Y-%m")]
    assert (now["cashouts_requested"], now["cashouts_paid"], now["cashouts_unpaid"]) == (
        "7.50",
        "7.50",
        "0.00",
    )
    assert now["budget_granted"] == "5000.00"
    assert not [e for e in city.console_errors if "pageerror" in e], city.console_errors
    assert found == {}, found
