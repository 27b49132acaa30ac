"""The whole of issue #14 in one day, in Chromium, on a live stack with the city's relayer: a
resident and a shop with nothing but a phone (docs/onboarding.md).

- The resident starts from an EMPTY Chromium profile (a fresh user-data directory) with NO wallet
  injected: "Doe mee met deze telefoon" makes the account, the page shows the code.
- The registrar, in a second browser context, types that code at the desk (/gemeente/balie) and
  registers the resident; the resident's page turns to "Je bent aangemeld" by itself.
- The resident claims a task and hands in photos; the reviewer approves it on /gemeente/beoordelen;
  the reward appears on the resident's open page.
- A shop joins the same way (its phone, the merchant manager's desk); it asks an amount with a QR
  code; the resident opens the QR link in the browser that holds the account and pays with one
  tap; the shop's screen says "betaald" live, naming the neighbourhood, never an address.
- The resident loses the phone: a third context makes a new account, the registrar moves the
  resident, and the balance follows. The shop loses its phone too: the same, at the shops' desk.
- Every phone's account holds 0 of the chain's native coin and sends nothing throughout; the staff
  accounts send nothing either (everything is relayed).

The parts have their own, closer tests: test_web_desk (the camera, the duplicate warning),
test_web_shop_join (the bank account), test_web_pay (the amount in words), test_web_passkey (the
device's lock), test_web_words (the words a resident reads).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import photos
import pytest
import webstack
from conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    HAND_IN,
    PHONE,
    Visitor,
    claim_task,
    money_text,
    rx,
    shot,
    sign_in,
)
from playwright.sync_api import Playwright, expect
from test_web_desk import join_with_phone, phone_address
from test_web_shop_join import form_of, join_with_this_phone
from webstack import OFFICER, Stack

from wesh import iban as ibans

SHOP = "Fietsenmaker Heerlerbaan"
IBAN = ibans.example("NL", "RABO", "0300065264")
TASK = "weeds"
TITLE = "Onkruid wieden in de plantenbakken"


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """This module's own stack, with the relayer."""
    running = webstack.start(tmp_path_factory.mktemp("web-phone-only-stack"), relayer=True)
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture
def empty_profile_phone(
    playwright_session: Playwright, stack: Stack, tmp_path: Path
) -> Iterator[Visitor]:
    """A phone-sized Chromium on an empty user-data directory, with no wallet injected."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make chromium`", pytrace=False)
    profile = tmp_path / "empty-profile"
    profile.mkdir()
    context = playwright_session.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        args=CHROMIUM_ARGS,
        viewport=PHONE,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
    )
    context.set_default_timeout(30_000)
    page = context.pages[0] if context.pages else context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    try:
        yield Visitor(context=context, page=page, stack=stack, console_errors=errors, seen=[])
    finally:
        context.close()


def test_a_resident_and_a_shop_with_nothing_but_a_phone(
    visit: Any, stack: Stack, empty_profile_phone: Visitor, tmp_path: Path
) -> None:
    w3 = stack.w3
    officer = stack.account(OFFICER)
    officer_sent = w3.eth.get_transaction_count(officer)  # type: ignore[arg-type]

    # --- The resident: an empty profile, no wallet; "Doe mee", and the code to show.
    resident = empty_profile_phone
    phone = resident.page
    resident.go("/burger")
    assert phone.evaluate("typeof window.ethereum") == "undefined"
    code = join_with_phone(resident)
    address = phone_address(phone)
    assert "0x" not in phone.locator("#main").inner_text()

    # --- The registrar (second context) types the code at the desk and registers.
    desk = visit(OFFICER, "/gemeente/balie", viewport=DESKTOP)
    sign_in(desk)
    desk.go("/gemeente/balie")
    counter = desk.page
    register = counter.locator("form.desk").first
    register.get_by_label("Code van de telefoon").fill(code)
    register.get_by_label("Code van de telefoon").press("Tab")
    expect(register.locator(".desk-found")).to_have_text("Nieuwe telefoon, nog niet aangemeld.")
    register.get_by_label("Wijk").select_option(label="Heerlerbaan")
    register.get_by_label("BSN of documentnummer (wordt niet bewaard)").fill("999 990 019")
    register.get_by_role("button", name="Aanmelden").click()
    expect(register.locator(".status.status-ok")).to_have_text(
        re.compile("Aangemeld: een nieuwe inwoner in Heerlerbaan"), timeout=60_000
    )
    expect(phone.locator(".joined")).to_have_text(
        re.compile("^Je bent aangemeld, in Heerlerbaan"), timeout=30_000
    )
    citizen_id = stack.wesh.account(address).id

    # --- Claims the Heerlerbaan task and hands in photos, from the phone.
    task = stack.task_ids[TASK]
    resident.go(f"/burger/klus/{task}")
    claim_task(phone)
    expect(phone.get_by_text("Je hebt de klus aangenomen. Succes!")).to_be_visible(timeout=60_000)
    before, after = photos.bench_photos(tmp_path / "photos")
    phone.get_by_label("Foto vóór het werk").set_input_files(before)
    phone.get_by_label("Foto na het werk").set_input_files(after)
    phone.get_by_role("button", name=HAND_IN).click()
    expect(phone.locator(".claim-state")).to_have_text(
        re.compile("ingeleverd", re.I), timeout=60_000
    )
    resident.go("/burger")
    expect(phone.locator("#balance")).to_have_text(money_text(0))

    # --- The reviewer approves it on the city's page; the reward arrives on the open phone page.
    desk.go("/gemeente/beoordelen")
    item = counter.locator("li.review", has_text=TITLE)
    expect(item).to_contain_text(f"inwoner {citizen_id}")
    assert "0x" not in item.inner_text()
    item.get_by_role("button", name="Goedkeuren en betalen").click()
    expect(counter.get_by_text("Goedgekeurd en betaald.")).to_be_visible(timeout=60_000)
    expect(phone.locator("#balance")).to_have_text(money_text(12_00), timeout=30_000)

    # --- A shop joins with its own phone at the merchant manager's desk.
    shop = visit(None, "/winkel")
    shop_address, shop_code = join_with_this_phone(shop)
    desk.go("/gemeente/winkels")
    new_shop = form_of(counter, "Nieuwe winkel")
    new_shop.get_by_label("Code van de telefoon van de winkel").fill(shop_code)
    new_shop.get_by_label("Naam van de winkel", exact=True).fill(SHOP)
    new_shop.get_by_label("Soort", exact=True).select_option(label="Winkel")
    new_shop.get_by_label("Straat en huisnummer").fill("Heerlerbaan 120")
    new_shop.get_by_label("Postcode", exact=True).fill("6418 CH")
    new_shop.get_by_label("Wijk", exact=True).select_option(label="Heerlerbaan")
    new_shop.get_by_label("Openingstijden").fill("di-za 9.00-17.30")
    new_shop.get_by_label("IBAN", exact=True).fill(ibans.format_iban(IBAN))
    new_shop.get_by_role("button", name="Winkel aanmelden").click()
    expect(counter.get_by_text(f"Winkel {SHOP} is aangemeld.")).to_be_visible(timeout=60_000)
    till = shop.page
    expect(till.get_by_role("heading", name=f"Winkel: {SHOP}")).to_be_visible(timeout=30_000)

    # --- The shop asks € 7,50 with a QR code; the resident opens its link and pays in one tap.
    till.get_by_label("Bedrag in euro").first.fill("7,50")
    till.get_by_role("button", name="Maak QR-code").click()
    expect(till.get_by_text(rx("Wacht op betaling van € 7,50"))).to_be_visible()
    link = till.locator("a.pay-link").get_attribute("href")
    assert link
    phone.goto(link)
    phone.wait_for_selector("#main[aria-busy='false']")
    expect(phone.get_by_role("heading", level=1)).to_have_text(f"Betalen bij {SHOP}")
    expect(phone.locator(".in-words")).to_have_text("In woorden: zeven Heitjes en vijftig cent")
    phone.get_by_role("button", name=rx("Betaal € 7,50")).click()
    expect(phone.locator(".pay-outcome .paid")).to_have_text(re.compile("Betaald"), timeout=30_000)
    expect(phone.locator(".balance-after")).to_have_text(rx("Je saldo is nu € 4,50."))
    # The shop's screen: "betaald" live, a neighbourhood and no address.
    expect(till.locator(".paid-by")).to_have_text(
        rx("€ 7,50 betaald door inwoner uit Heerlerbaan"), timeout=15_000
    )
    assert "0x" not in till.locator("#main").inner_text()
    # The resident's history names the shop and the task.
    resident.go("/burger/geschiedenis")
    history = phone.locator("#main")
    expect(history).to_contain_text(f"Betaald bij {SHOP}")
    expect(history).to_contain_text(f"Beloning voor: {TITLE}")
    shot(phone, "phone-only-history")

    # --- The resident's phone is lost: a new phone (third context), moved at the desk.
    new_phone = visit(None, "/burger")
    new_code = join_with_phone(new_phone)
    new_address = phone_address(new_phone.page)
    desk.go("/gemeente/balie")
    move = counter.locator("form.desk").nth(1)
    move.get_by_label("Inwonernummer").fill(str(citizen_id))
    move.get_by_label("Code van de nieuwe telefoon").fill(new_code)
    move.get_by_label("Code van de nieuwe telefoon").press("Tab")
    expect(move.locator(".desk-found")).to_have_text("Nieuwe telefoon, nog niet aangemeld.")
    move.get_by_role("button", name="Verhuizen naar de nieuwe telefoon").click()
    expect(move.locator(".status.status-ok")).to_have_text(
        f"Inwoner {citizen_id} gebruikt nu de nieuwe telefoon.", timeout=60_000
    )
    expect(new_phone.page.locator(".joined")).to_have_text(
        re.compile("^Je bent aangemeld, in Heerlerbaan"), timeout=30_000
    )
    expect(new_phone.page.locator("#balance")).to_have_text(money_text(4_50))
    assert stack.wesh.account(new_address).balance == 4_50
    assert stack.wesh.account(address).moved

    # --- The shop's phone is lost too: a new phone, moved at the shops' desk.
    shop_phone = visit(None, "/winkel")
    shop_new_address, shop_new_code = join_with_this_phone(shop_phone)
    desk.go("/gemeente/winkels")
    shop_move = form_of(counter, "Nieuwe telefoon voor een winkel")
    option = shop_move.get_by_label("Winkel", exact=True).locator("option", has_text=SHOP)
    shop_move.get_by_label("Winkel", exact=True).select_option(value=option.get_attribute("value"))
    shop_move.get_by_label("Code van de nieuwe telefoon").fill(shop_new_code)
    shop_move.get_by_role("button", name="Naar de nieuwe telefoon verhuizen").click()
    expect(counter.get_by_text(f"Winkel {SHOP} gebruikt nu de nieuwe telefoon.")).to_be_visible(
        timeout=60_000
    )
    shop_page = shop_phone.page
    expect(shop_page.get_by_role("heading", name=f"Winkel: {SHOP}")).to_be_visible(timeout=30_000)
    expect(shop_page.locator("#balance")).to_have_text(money_text(7_50))
    expect(shop_page.locator("#recv-title + *")).to_contain_text("inwoner uit Heerlerbaan")
    assert stack.wesh.account(shop_new_address).balance == 7_50
    assert stack.wesh.account(shop_address).moved

    # --- Nobody held or spent the chain's native coin: the city's relayer sent everything.
    for account in (address, new_address, shop_address, shop_new_address):
        assert w3.eth.get_balance(account) == 0  # type: ignore[arg-type]
        assert w3.eth.get_transaction_count(account) == 0  # type: ignore[arg-type]
    assert w3.eth.get_transaction_count(officer) == officer_sent  # type: ignore[arg-type]
    for visitor in (resident, desk, shop, new_phone, shop_phone):
        assert not [e for e in visitor.console_errors if "pageerror" in e], visitor.console_errors
