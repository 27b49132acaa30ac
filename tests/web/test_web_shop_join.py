"""A shop joins at the merchant manager's desk and later moves to a new phone (issue #14), in
Chromium, on a live stack with the city's relayer:

- the shop owner's empty profile, with no wallet injected, opens /winkel, chooses "Doe mee met
  deze telefoon" and sees "Wacht op aanmelding" with its join code (``POST /join``);
- the merchant manager (a second context) types that code on /gemeente/winkels with the shop's
  public details and bank account, and registers it (signed, relayed: the manager sends nothing);
- the shop's page turns into the shop page live; a resident pays the shop;
- on a new phone (a third context, also without a wallet) the shop makes an account and shows
  its code; the manager moves the shop to it; the new phone's page turns into the shop page with
  the balance and the payment, and the bank account stays the shop's;
- axe-core finds no serious or critical violation in the new states at 360 and 1280 px; every
  phone account's native balance is 0 throughout, and the manager's account sent nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import webstack
from conftest import DESKTOP, PHONE, Visitor, axe_violations, money_text, shot, sign_in
from playwright.sync_api import Browser, Page, expect
from test_web_desk import camera, desk_browser, open_desk, write_qr_video  # noqa: F401
from webstack import ADMIN, BRAM, OFFICER, REVIEWER2, Stack

from wesh import iban as ibans
from wesh.contract import Role
from wesh.signer import UnlockedSigner, transact

IBAN = ibans.example("NL", "INGB", "0001234567")
SHOP = "Bloemen Bij Bep"
#: The texts of a shop's page a customer may read aloud too: no jargon in the waiting state.
JARGON = re.compile(r"0x|wallet|transactie|blockchain", re.I)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """This module's own stack, with the relayer (overrides the suite's stack without it)."""
    running = webstack.start(tmp_path_factory.mktemp("web-shop-join-stack"), relayer=True)
    try:
        yield running
    finally:
        running.stop()


def audit(visitor: Visitor, name: str, found: dict[str, Any]) -> None:
    """axe at phone and desktop width on the page as it is now (then back to the phone)."""
    page = visitor.page
    for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than the {width} screen"
        shot(page, f"{name}-{width}")
        violations = axe_violations(page)
        if violations:
            found[f"{name}-{width}"] = violations
    page.set_viewport_size(PHONE)


def join_with_this_phone(visitor: Visitor) -> tuple[str, str]:
    """'Doe mee met deze telefoon' on /winkel: the account is made and waits for the desk.
    Returns its address and the join code on screen."""
    page = visitor.page
    page.get_by_role("button", name="Doe mee met deze telefoon").click()
    waiting = page.locator("section.join")
    expect(waiting.get_by_role("heading", name="Wacht op aanmelding")).to_be_visible()
    code = waiting.locator(".code")
    expect(code).to_have_text(re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    expect(waiting.locator("img.qr")).to_be_visible()
    expect(waiting.locator(".status")).to_have_text("Wacht op aanmelding…")
    assert not JARGON.search(waiting.inner_text()), waiting.inner_text()
    address = page.evaluate("fetch('/auth/session').then((r) => r.json()).then((s) => s.address)")
    return str(address), code.inner_text()


def form_of(page: Page, heading: str) -> Any:
    return page.locator("form", has=page.get_by_role("heading", name=heading))


def test_a_shop_joins_at_the_desk_and_moves_to_a_new_phone(visit, stack: Stack) -> None:
    found: dict[str, Any] = {}
    officer = stack.account(OFFICER)
    officer_sent = stack.w3.eth.get_transaction_count(officer)  # type: ignore[arg-type]

    # The shop's phone: no wallet, an empty profile.
    shop = visit(None, "/winkel")
    old_address, code = join_with_this_phone(shop)
    audit(shop, "shop-waiting", found)

    # The merchant manager registers it with the code, its details and its bank account.
    desk = visit(OFFICER, "/gemeente/winkels", viewport=DESKTOP)
    sign_in(desk)
    page = desk.page
    expect(page.get_by_role("link", name="Winkels")).to_have_attribute("aria-current", "page")
    audit(desk, "city-shops", found)
    # A shop registered from the city's CSV file names its kind in Dutch: shown as the same word.
    bakery = page.locator("table.shops tbody tr", has_text="Bakkerij Schandelen")
    expect(bakery.locator("td").nth(1)).to_have_text("Bakkerij")
    new_shop = form_of(page, "Nieuwe winkel")
    new_shop.get_by_label("Code van de telefoon van de winkel").fill(code.lower())
    new_shop.get_by_label("Naam van de winkel", exact=True).fill(SHOP)
    new_shop.get_by_label("Soort", exact=True).select_option(label="Winkel")
    new_shop.get_by_label("Straat en huisnummer").fill("Saroleastraat 8")
    new_shop.get_by_label("Postcode", exact=True).fill("6411 hv")
    new_shop.get_by_label("Wijk", exact=True).select_option(value="1")
    new_shop.get_by_label("Openingstijden").fill("ma-za 9.00-18.00")
    # A typo in the IBAN: the field is marked and the page says what to do.
    new_shop.get_by_label("IBAN", exact=True).fill(IBAN[:-1] + ("0" if IBAN[-1] != "0" else "1"))
    new_shop.get_by_role("button", name="Winkel aanmelden").click()
    expect(new_shop.locator(".status-error")).to_contain_text("Het IBAN klopt niet")
    expect(new_shop.get_by_label("IBAN", exact=True)).to_have_attribute("aria-invalid", "true")
    new_shop.get_by_label("IBAN", exact=True).fill(ibans.format_iban(IBAN))
    new_shop.get_by_role("button", name="Winkel aanmelden").click()
    expect(page.get_by_text(f"Winkel {SHOP} is aangemeld.")).to_be_visible(timeout=60_000)
    row = page.locator("table.shops tbody tr", has_text=SHOP)
    expect(row).to_contain_text(ibans.format_iban(IBAN))
    expect(row).to_contain_text("Centrum")

    # The shop's page turns into the shop page by itself.
    expect(shop.page.get_by_role("heading", name=f"Winkel: {SHOP}")).to_be_visible(timeout=30_000)
    expect(shop.page.locator("#balance")).to_have_text(money_text(0))

    # A resident pays the shop (from the test: the pay page has tests of its own).
    transact(
        stack.w3,
        stack.wesh.pay(old_address, 2_75, b"bloemen"),
        UnlockedSigner(stack.account(BRAM)),  # type: ignore[arg-type]
    )
    stack.wait_indexed()
    shop.go("/winkel")
    expect(shop.page.locator("#balance")).to_have_text(money_text(2_75))

    # The phone is lost: a new phone (a third context, no wallet) joins and shows its code.
    new_phone = visit(None, "/winkel")
    new_address, new_code = join_with_this_phone(new_phone)
    assert new_address.lower() != old_address.lower()
    desk.go("/gemeente/winkels")
    move = form_of(desk.page, "Nieuwe telefoon voor een winkel")
    shop_option = move.get_by_label("Winkel", exact=True).locator("option", has_text=SHOP)
    move.get_by_label("Winkel", exact=True).select_option(value=shop_option.get_attribute("value"))
    move.get_by_label("Code van de nieuwe telefoon").fill(new_code)
    move.get_by_role("button", name="Naar de nieuwe telefoon verhuizen").click()
    expect(desk.page.get_by_text(f"Winkel {SHOP} gebruikt nu de nieuwe telefoon.")).to_be_visible(
        timeout=60_000
    )

    # The new phone's page turns into the shop page, with the balance and the payment.
    expect(new_phone.page.get_by_role("heading", name=f"Winkel: {SHOP}")).to_be_visible(
        timeout=30_000
    )
    expect(new_phone.page.locator("#balance")).to_have_text(money_text(2_75))
    received = new_phone.page.locator("#recv-title + * .history-item")
    expect(received).to_have_count(1)
    expect(received).to_contain_text(money_text(2_75))
    expect(received).to_contain_text("inwoner uit Centrum")
    audit(new_phone, "shop-moved", found)

    # The old phone (found again, say) is no shop any more, and says so instead of a code.
    shop.go("/winkel")
    expect(shop.page.locator("section.join .status-error")).to_have_text(
        re.compile("^Deze telefoon hoort niet meer bij je winkel")
    )
    expect(shop.page.locator("section.join .code")).to_have_count(0)

    # The bank account stayed the shop's; the old phone is no shop any more.
    desk.go("/gemeente/winkels")
    row = desk.page.locator("table.shops tbody tr", has_text=SHOP)
    expect(row).to_contain_text(ibans.format_iban(IBAN))
    view = stack.wesh.account(new_address)
    assert view.is_merchant and view.balance == 2_75
    assert stack.wesh.account(old_address).moved
    with httpx.Client(base_url=stack.api_url) as http:
        directory = http.get("/merchants").text
    assert SHOP in directory and IBAN not in directory

    # Relayed throughout: the phones hold no native coin and sent nothing, nor did the manager.
    for address in (old_address, new_address):
        assert stack.w3.eth.get_balance(address) == 0  # type: ignore[arg-type]
        assert stack.w3.eth.get_transaction_count(address) == 0  # type: ignore[arg-type]
    assert stack.w3.eth.get_transaction_count(officer) == officer_sent  # type: ignore[arg-type]
    for visitor in (shop, desk, new_phone):
        assert not [e for e in visitor.console_errors if "pageerror" in e], visitor.console_errors

    report = "\n".join(
        f"{name}: {v['id']} ({v['impact']}) {v['help']}\n    " + "\n    ".join(v["nodes"])
        for name, violations in found.items()
        for v in violations
    )
    assert not found, report


def test_the_codes_qr_link_opens_the_shops_desk_for_a_merchant_manager(visit, stack: Stack) -> None:
    """The QR code holds a link to the registrar's desk (/gemeente/balie?code=...): scanned with
    the phone's camera by a merchant manager who is no registrar, it opens the shops' desk with
    the code filled in."""
    manager = stack.account(REVIEWER2)
    transact(
        stack.w3,
        stack.wesh.grant_role(manager, Role.MERCHANT_MANAGER),
        UnlockedSigner(stack.account(ADMIN)),  # type: ignore[arg-type]
    )
    stack.wait_indexed()
    shop = visit(None, "/winkel")
    _, code = join_with_this_phone(shop)
    desk = visit(REVIEWER2, f"/gemeente/balie?code={code}")
    sign_in(desk)
    expect(desk.page.get_by_role("heading", name="Gemeente: Winkels")).to_be_visible()
    new_shop = form_of(desk.page, "Nieuwe winkel")
    expect(new_shop.get_by_label("Code van de telefoon van de winkel")).to_have_value(code)


def test_the_desk_reads_the_shops_code_with_the_camera(
    visit,
    stack: Stack,
    desk_browser: Browser,  # noqa: F811 (the fixture imported above)
    camera: Path,  # noqa: F811 (the fixture imported above)
) -> None:
    """The camera reader of the registrar's desk (web/js/desk.js) on the shops' desk: Chromium's
    fake camera plays the QR code of the shop's phone and the code field fills in, in both
    forms."""
    shop = visit(None, "/winkel")
    _, code = join_with_this_phone(shop)
    desk = open_desk(desk_browser, stack)
    desk.go("/gemeente/winkels")
    write_qr_video(f"{stack.api_url}/gemeente/balie?code={code}", camera)
    for heading, label in (
        ("Nieuwe winkel", "Code van de telefoon van de winkel"),
        ("Nieuwe telefoon voor een winkel", "Code van de nieuwe telefoon"),
    ):
        form = form_of(desk.page, heading)
        form.get_by_role("button", name="Scan QR-code met de camera").click()
        expect(form.get_by_label(label)).to_have_value(code, timeout=30_000)
