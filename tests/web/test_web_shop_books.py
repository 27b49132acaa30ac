"""The shop owner's day (issue #15, Shops) in Chromium, with phone accounts only (no wallet app,
none of the chain's coin: the city's relayer sends everything):

- a shop joins with its phone, asks € 7,50 on a 360 x 740 phone and its QR code is in view at once
  (its box measured against the viewport);
- a resident's phone pays it; the shop refunds part of it (more than it may is refused in words),
  the resident's balance goes back; today's overview shows the payments, the refund and the totals;
- the accountant's CSV downloads with the right rows (no address);
- "wie doen er mee": 12 residents paid this month (6 from Centrum, 5 from Grasbroek, 1 from
  Musschemig): Centrum is shown, the other two together only (one alone would be 12 - 6 - 5);
- a cash-out is "Uitbetaling 1" for this shop although the café cashed out before it, "nog niet
  uitbetaald" until the treasurer pays it, then with the bank's reference;
- axe-core: no serious or critical finding on these states at 360 and 1280 px.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import webstack
from conftest import DESKTOP, PHONE, Visitor, axe_violations, copy_to_docs, money_text, rx, shot
from eth_account import Account
from playwright.sync_api import Page, expect
from webstack import BRAM, CAFE, OFFICER, Stack

from wesh.metadata import FolderStore, merchant_document, put_document, task_document
from wesh.signer import UnlockedSigner, transact

SHOP = "Kaaswinkel Op de Hoek"
#: Scripted residents by neighbourhood (Centrum 5 + the phone's resident, Grasbroek 5, Musschemig
#: 1), each paying the shop 1,00.
SCRIPTED = [1] * 5 + [2] * 5 + [3]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """This module's own stack, with the relayer: the phones only sign."""
    running = webstack.start(tmp_path_factory.mktemp("web-shop-books-stack"), relayer=True)
    try:
        yield running
    finally:
        running.stop()


def send(stack: Stack, tx: Any, address: str) -> None:
    """From an account of a key the test holds (impersonated on anvil, with gas money)."""
    stack.rpc("anvil_impersonateAccount", address)
    stack.rpc("anvil_setBalance", address, hex(10**18))
    transact(stack.w3, tx, UnlockedSigner(address))


def by(stack: Stack, tx: Any, index: int) -> None:
    transact(stack.w3, tx, UnlockedSigner(stack.account(index)))


def register_shop(stack: Stack, address: str) -> None:
    """The merchant manager registers the shop's phone account (the desk's form is tested in
    test_web_shop_join.py)."""
    document = merchant_document(
        name=SHOP,
        kind="winkel",
        street="Saroleastraat 2",
        postcode="6411 KM",
        city="Heerlen",
        neighbourhood=1,
    )
    cid = put_document(FolderStore(stack.content_dir), document)
    by(stack, stack.wesh.register_merchant(address, cid), OFFICER)


def scripted_residents_pay(stack: Stack, shop: str) -> None:
    """11 new residents earn 5,00 with a task and pay the shop 1,00 each (payment requests of
    their own: their references)."""
    residents = [Account.create().address for _ in SCRIPTED]
    by(stack, stack.wesh.register_citizens(residents, SCRIPTED), OFFICER)
    deadline = int(stack.w3.eth.get_block("latest")["timestamp"]) + 30 * webstack.DAY
    document = task_document(
        title="Bloembakken water geven",
        description="Bloembakken op de Promenade water geven",
        neighbourhood=1,
        street="Promenade",
        lat=50.8882,
        lon=5.9795,
        reward=5_00,
        slots=len(residents),
        claim_deadline=deadline,
        claim_duration=7 * webstack.DAY,
    )
    cid = put_document(FolderStore(stack.content_dir), document)
    by(
        stack,
        stack.wesh.commission_task(cid, 5_00, len(residents), deadline, 7 * webstack.DAY, 1),
        OFFICER,
    )
    task = stack.wesh.counts()[2]
    for resident in residents:
        send(stack, stack.wesh.claim_task(task), resident)
        send(stack, stack.wesh.submit(task, webstack.EVIDENCE_CID), resident)
    by(stack, stack.wesh.approve_submissions([(task, r) for r in residents]), OFFICER)
    for number, resident in enumerate(residents, start=1):
        send(stack, stack.wesh.pay(shop, 1_00, bytes.fromhex(f"{number:02x}" + "bb" * 7)), resident)
    stack.wait_indexed()


def join_with_this_phone(visitor: Visitor, path: str) -> str:
    """'Doe mee met deze telefoon': the account is made in this browser; its address."""
    page = visitor.page
    visitor.go(path)
    page.get_by_role("button", name="Doe mee met deze telefoon").click()
    page.locator(".account .addr").or_(page.locator("section.join")).first.wait_for()
    address = page.evaluate("fetch('/auth/session').then((r) => r.json()).then((s) => s.address)")
    assert isinstance(address, str) and address.startswith("0x")
    return address


def axe_at_both_widths(page: Page, name: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        page.wait_for_load_state("networkidle")
        shot(page, f"{name}-{width}")
        violations = axe_violations(page)
        if violations:
            found[f"{name} ({width})"] = violations
    page.set_viewport_size(PHONE)
    return found


def test_a_shop_owners_day(visit, stack: Stack) -> None:
    # --- The shop joins with its phone; the merchant manager registers it.
    shop = visit(None, "/winkel", viewport={"width": 360, "height": 740})
    till = shop.page
    shop_address = join_with_this_phone(shop, "/winkel")
    register_shop(stack, shop_address)
    expect(till.get_by_role("heading", name=f"Winkel: {SHOP}")).to_be_visible(timeout=30_000)
    scripted_residents_pay(stack, shop_address)
    # The café cashes out first: the city's cash-out numbers are shared by all shops.
    by(stack, stack.wesh.redeem(3_50), CAFE)

    # --- The resident's phone: a new account, Bram (Centrum, € 10,00 earned) moved onto it.
    resident = visit(None, "/burger")
    phone = resident.page
    resident_address = join_with_this_phone(resident, "/burger")
    by(stack, stack.wesh.move_citizen(stack.account(BRAM), resident_address), OFFICER)
    stack.wait_indexed()
    assert stack.wesh.balance_of(resident_address) == 10_00

    # --- The shop asks € 7,50: on a 360 x 740 phone the QR code is in view right away.
    till.reload()
    till.wait_for_selector("#main[aria-busy='false']")
    till.get_by_label("Bedrag in euro").first.fill("7,50")
    till.get_by_role("button", name="Maak QR-code").click()
    expect(till.get_by_text(rx("Wacht op betaling van € 7,50"))).to_be_visible()
    qr = till.locator(".qr-slot img.qr")
    expect(qr).to_be_visible()
    expect(qr).to_have_js_property("complete", True)
    box = qr.bounding_box()
    assert box is not None
    assert box["y"] >= 0 and box["y"] + box["height"] <= 740, box
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    code_shown = till.locator(".qr-slot .pay-code").bounding_box()
    assert code_shown and code_shown["y"] + code_shown["height"] <= 740, code_shown
    found = axe_at_both_widths(till, "shop-books-qr")
    link = till.locator("a.pay-link").get_attribute("href")
    code = till.locator(".qr-slot .pay-code").inner_text().removeprefix("Betaalcode ")
    assert link

    # --- The resident pays in one tap; the shop sees it.
    phone.goto(link)
    phone.wait_for_selector("#main[aria-busy='false']")
    phone.get_by_role("button", name=rx("Betaal € 7,50")).click()
    expect(phone.locator(".pay-outcome .paid")).to_have_text(re.compile("Betaald"), timeout=30_000)
    expect(till.locator(".paid-by")).to_have_text(
        rx("€ 7,50 betaald door inwoner uit Centrum"), timeout=15_000
    )

    # --- Today: 12 payments, € 18,50 received; the resident's payment with a refund button.
    day = till.locator("section.day")
    expect(day.locator(".day-total", has_text="Betalingen")).to_contain_text("12")
    expect(day.locator(".day-total", has_text="Ontvangen")).to_contain_text(money_text(18_50))
    # The newest ten at first; the rest behind one button.
    expect(day.locator("li.day-payment")).to_have_count(10)
    day.get_by_role("button", name="Toon alle 12 betalingen van vandaag").click()
    expect(day.locator("li.day-payment")).to_have_count(12)
    line = day.locator("li.day-payment", has_text=f"betaling {code}")
    expect(line).to_contain_text("inwoner uit Centrum")
    expect(line).to_contain_text(money_text(7_50))
    line.get_by_role("button", name=f"Terugbetalen: betaling {code}").click()
    form = line.locator("form.refund-form")
    amount = form.get_by_label("Bedrag terug in euro")
    expect(amount).to_have_value("7,50")
    expect(form).to_contain_text("Hoogstens € 7,50")
    found |= axe_at_both_widths(till, "shop-books-refund-form")
    line.scroll_into_view_if_needed()
    copy_to_docs(till, "shops-refund-phone")
    amount.fill("8")
    form.get_by_role("button", name=rx("Betaal € 8,00 terug")).click()
    expect(form.locator(".status")).to_have_text(
        rx("Dat is meer dan je terug kunt betalen: hoogstens € 7,50.")
    )
    amount.fill("2,50")
    form.get_by_role("button", name=rx("Betaal € 2,50 terug")).click()
    expect(day.locator(".status-ok")).to_have_text(
        rx("€ 2,50 is terugbetaald. Het staat weer op het saldo van de inwoner."), timeout=60_000
    )
    assert stack.wesh.balance_of(resident_address) == 10_00 - 7_50 + 2_50
    line = day.locator("li.day-payment", has_text=f"betaling {code}")
    expect(line).to_contain_text(f"{money_text(2_50)} terugbetaald")
    expect(day.locator(".day-total", has_text="Terugbetaald")).to_contain_text(money_text(2_50))
    expect(day.locator(".day-total", has_text="Netto")).to_contain_text(money_text(16_00))
    expect(day.locator(".day-refunds li")).to_contain_text(
        f"voor betaling {code} · inwoner uit Centrum"
    )
    expect(till.locator("#balance")).to_have_text(money_text(16_00))
    # The resident sees the money back.
    resident.go("/burger")
    expect(phone.locator("#balance")).to_have_text(money_text(5_00), timeout=15_000)

    # --- The accountant's CSV of this month.
    books = till.locator("section.export")
    with till.expect_download() as download_info:
        books.get_by_role("link", name="Download CSV").click()
    download = download_info.value
    assert re.fullmatch(
        r"heitjes-winkel-\d+-\d{4}-\d{2}-01-\d{4}-\d{2}-\d{2}\.csv", download.suggested_filename
    )
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["Datum", "Tijd", "Soort", "Code", "Bedrag", "Terugbetaald", "Wijk"]
    payments = [r for r in rows[1:] if r[2] == "betaling"]
    refunds = [r for r in rows[1:] if r[2] == "terugbetaling"]
    assert sorted(r[4] for r in payments) == ["1,00"] * 11 + ["7,50"]
    assert refunds == [
        [refunds[0][0], refunds[0][1], "terugbetaling", code, "0,00", "2,50", "Centrum"]
    ]
    assert sorted(r[6] for r in payments).count("Centrum") == 6
    assert "0x" not in text

    # --- Who's involved: Centrum 6; Grasbroek (5) and Musschemig (1) only together.
    involved = till.locator("section.involved")
    expect(involved.locator(".involved-total")).to_have_text("12 verschillende inwoners")
    expect(involved.locator(".involved-hoods li").first).to_have_text("Centrum: 6")
    expect(involved.locator(".involved-hidden")).to_have_text("Andere wijken samen (2): 6")
    expect(involved).not_to_contain_text("Grasbroek")
    expect(involved).not_to_contain_text("Musschemig")

    # --- A cash-out: this shop's first, relayed; not paid out until the treasurer pays it.
    cash = till.get_by_label("Bedrag in euro").nth(1)
    expect(cash).to_have_value("16,00")
    cash.fill("10,00")
    till.get_by_role("button", name="Inwisselen").click()
    expect(till.get_by_text("Aangevraagd. De gemeente maakt het geld over.")).to_be_visible(
        timeout=60_000
    )
    first = till.locator(".cashouts li").first
    expect(first).to_contain_text("Uitbetaling 1")
    expect(first).to_contain_text("Nog niet uitbetaald.")
    by(stack, stack.wesh.mark_paid([2], "WESH-20261206-1"), OFFICER)
    expect(first).to_contain_text("uitbetaald (kenmerk WESH-20261206-1)", timeout=15_000)
    expect(first).to_contain_text("op je bankafschrift: WESH-R2")
    found |= axe_at_both_widths(till, "shop-books-after")
    to_top = "(el) => el.scrollIntoView({ block: 'start' })"
    till.locator("section.day h2").evaluate(to_top)
    copy_to_docs(till, "shops-day-overview-phone")
    till.set_viewport_size(DESKTOP)
    till.locator("section.day h2").evaluate(to_top)
    copy_to_docs(till, "shops-day-overview-desktop")
    till.set_viewport_size(PHONE)
    assert "0x" not in till.locator("#main").inner_text()

    # Nobody's phone holds or spent any of the chain's coin: the relayer sent it all.
    for address in (shop_address, resident_address):
        assert stack.w3.eth.get_balance(address) == 0  # type: ignore[arg-type]
        assert stack.w3.eth.get_transaction_count(address) == 0  # type: ignore[arg-type]
    assert not found, found
    for visitor in (shop, resident):
        assert not [e for e in visitor.console_errors if "pageerror" in e], visitor.console_errors
