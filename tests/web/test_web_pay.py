"""Paying by opening the shop's QR code (issue #14), in Chromium with no wallet injected:

- The amount in words (web/js/words.js), Dutch and English, checked in the page itself.
- In the browser that holds the account on this phone: the shop's name, the amount in figures and
  in words, the payment code the shop's screen shows, one tap (relayed: the account holds none of
  the chain's coin), "Betaald" and the balance left; the shop's open page says "betaald door
  inwoner uit Centrum" live and its list names the payer's neighbourhood and the code, never 0x.
  Signed out, the same browser pays in one tap (it signs in with the account and pays).
- In a browser without an account (a phone camera's default browser): plain words on how to pay in
  the installed app or the browser one takes part with, and making an account here; no pay button.
- The manifest takes /betalen/ links into the installed app where browsers do that.
- axe-core: no serious or critical finding on these states at 360 and 1280 px.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import webstack
from conftest import DESKTOP, PHONE, Visitor, axe_violations, rx, shot, sign_in
from playwright.sync_api import Page, expect
from webstack import BAKERY, BRAM, OFFICER, Stack

from wesh.signer import UnlockedSigner, transact

#: The account module, imported in the page from the URL index.html preloads it under.
IMPORT_ACCOUNT = (
    "import(document.querySelector('link[rel=modulepreload][href$=\"/js/account.js\"]').href)"
)
#: The words module, from the same versioned asset folder.
IMPORT_WORDS = (
    "import(document.querySelector('link[rel=modulepreload][href$=\"/js/app.js\"]').href"
    ".replace(/app\\.js$/, 'words.js'))"
)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """This module's own stack, with the relayer: the account on this phone only signs."""
    running = webstack.start(tmp_path_factory.mktemp("web-pay-stack"), relayer=True)
    try:
        yield running
    finally:
        running.stop()


def payment_request(stack: Stack, amount: int, note: str = "") -> dict[str, Any]:
    """A payment request of the bakery, as its counter page makes it."""
    shop = stack.session(BAKERY)
    try:
        created = shop.post("/merchant/payment-requests", json={"amount": amount, "note": note})
        assert created.status_code == 201, created.text
        return dict(created.json())
    finally:
        shop.close()


def axe_at_both_widths(page: Page, name: str) -> dict[str, Any]:
    """axe-core's serious and critical findings on the page as it is, at 360 and 1280 px."""
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


def join_with_this_phone(visitor: Visitor) -> str:
    """ "Doe mee met deze telefoon" on /burger; the address the page keeps."""
    page = visitor.page
    visitor.go("/burger")
    page.get_by_role("button", name="Doe mee met deze telefoon").click()
    page.locator(".account .addr").wait_for()
    page.wait_for_selector("#main[aria-busy='false']")
    address = page.evaluate(f"{IMPORT_ACCOUNT}.then((account) => account.storedAddress())")
    assert isinstance(address, str) and address.startswith("0x")
    return address


def test_the_amount_in_words_in_dutch_and_english(visit) -> None:
    guest = visit(None, "/burger")
    cases = [
        1250,
        100,
        1,
        50,
        2199,
        2200,
        3300,
        10100,
        12345,
        100000,
        250000,
        110000,
        10000000,
    ]
    said = guest.page.evaluate(
        f"""async (cases) => {{
          const words = await {IMPORT_WORDS};
          return cases.map((c) => [words.amountInWords(c, 'nl'), words.amountInWords(c, 'en')]);
        }}""",
        cases,
    )
    assert dict(zip(cases, said, strict=True)) == {
        1250: ["twaalf Heitjes en vijftig cent", "twelve Heitjes and fifty cents"],
        100: ["één Heitje", "one Heitje"],
        1: ["één cent", "one cent"],
        50: ["vijftig cent", "fifty cents"],
        2199: [
            "eenentwintig Heitjes en negenennegentig cent",
            "twenty-one Heitjes and ninety-nine cents",
        ],
        2200: ["tweeëntwintig Heitjes", "twenty-two Heitjes"],
        3300: ["drieëndertig Heitjes", "thirty-three Heitjes"],
        10100: ["honderdeen Heitjes", "one hundred and one Heitjes"],
        12345: [
            "honderddrieëntwintig Heitjes en vijfenveertig cent",
            "one hundred and twenty-three Heitjes and forty-five cents",
        ],
        100000: ["duizend Heitjes", "one thousand Heitjes"],
        250000: ["tweeduizend vijfhonderd Heitjes", "two thousand five hundred Heitjes"],
        110000: ["duizend honderd Heitjes", "one thousand one hundred Heitjes"],
        10000000: ["honderdduizend Heitjes", "one hundred thousand Heitjes"],
    }
    refused = guest.page.evaluate(
        f"""async () => {{
          const words = await {IMPORT_WORDS};
          const out = [];
          for (const bad of [-1, 1.5, 'twaalf']) {{
            try {{ words.amountInWords(bad, 'nl'); out.push('accepted'); }}
            catch (error) {{ out.push(error instanceof RangeError ? 'refused' : 'other'); }}
          }}
          return out;
        }}"""
    )
    assert refused == ["refused", "refused", "refused"]


def test_the_manifest_takes_payment_links_into_the_installed_app(stack: Stack) -> None:
    manifest = httpx.get(f"{stack.api_url}/manifest.webmanifest", timeout=10).json()
    assert manifest["scope"] == "/"  # /betalen/<reference> is inside the app
    assert manifest["handle_links"] == "preferred"
    assert manifest["launch_handler"]["client_mode"][0] == "navigate-existing"


def test_a_qr_link_opened_without_an_account_says_how_to_pay(visit, stack: Stack) -> None:
    request = payment_request(stack, 1250, "Vlaai")
    stranger = visit(None, f"/betalen/{request['reference']}")
    page = stranger.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Betalen bij Bakkerij Schandelen")
    expect(page.locator(".in-words")).to_have_text("In woorden: twaalf Heitjes en vijftig cent")
    expect(page.locator(".pay .pay-code")).to_have_text(f"Betaalcode {request['code']}")
    note = page.locator(".other-browser")
    expect(note.get_by_role("heading", level=2)).to_have_text("Deze telefoon doet nog niet mee")
    expect(note).to_contain_text(
        "Open Heitje op je telefoon en scan de code daar, of open deze link in de browser "
        "waarmee je meedoet."
    )
    expect(page.get_by_role("button", name=re.compile("^Betaal "))).to_have_count(0)
    expect(page.get_by_role("button", name="Doe mee met deze telefoon")).to_be_visible()
    found = axe_at_both_widths(page, "pay-no-account")
    # English, from the page's own language button.
    page.locator("button.lang").click()
    expect(page.locator(".in-words")).to_have_text("In words: twelve Heitjes and fifty cents")
    expect(page.locator(".other-browser h2")).to_have_text("This phone is not taking part yet")
    page.locator("button.lang").click()
    # "Doe mee" here makes the account in this browser (it waits to be registered).
    page.get_by_role("button", name="Doe mee met deze telefoon").click()
    page.locator(".account .addr").wait_for()
    expect(page.locator(".other-browser")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("^Betaal "))).to_have_count(0)
    assert not found, found
    assert not [e for e in stranger.console_errors if "pageerror" in e], stranger.console_errors


def test_the_phone_pays_a_qr_link_in_one_tap_and_the_shop_sees_it_live(visit, stack: Stack) -> None:
    resident = visit(None, "/burger")
    page = resident.page
    address = join_with_this_phone(resident)
    # A lost phone, the other way round: the desk moves Bram (Centrum, € 10,00 earned) to this
    # phone's new account, so it has Heitjes to pay with.
    officer = UnlockedSigner(stack.account(OFFICER))
    transact(stack.w3, stack.wesh.move_citizen(stack.account(BRAM), address), officer)  # type: ignore[arg-type]
    stack.wait_indexed()
    start = stack.wesh.account(address).balance
    assert start == 10_00

    # The shop's counter is open; it asks € 7,50 with a QR code.
    shop = visit(BAKERY, "/winkel")
    sign_in(shop)
    counter = shop.page
    counter.get_by_label("Bedrag in euro").first.fill("7,50")
    counter.get_by_role("button", name="Maak QR-code").click()
    expect(counter.get_by_text(rx("Wacht op betaling van € 7,50"))).to_be_visible()
    link = counter.locator("a.pay-link").get_attribute("href")
    code = counter.locator(".qr-slot .pay-code").inner_text().removeprefix("Betaalcode ")
    assert link and re.fullmatch(r"[0-9A-F]{6}", code), code

    # The phone's camera opens the link in the browser that holds the account.
    page.goto(link)
    page.wait_for_selector("#main[aria-busy='false']")
    expect(page.get_by_role("heading", level=1)).to_have_text("Betalen bij Bakkerij Schandelen")
    expect(page.locator(".pay .balance")).to_have_text(rx("€ 7,50"))
    expect(page.locator(".in-words")).to_have_text("In woorden: zeven Heitjes en vijftig cent")
    expect(page.locator(".pay .pay-code")).to_have_text(f"Betaalcode {code}")
    found = axe_at_both_widths(page, "pay-with-account")
    page.get_by_role("button", name=rx("Betaal € 7,50")).click()
    expect(page.locator(".pay-outcome .paid")).to_have_text(re.compile("Betaald"), timeout=30_000)
    expect(page.locator(".balance-after")).to_have_text(rx("Je saldo is nu € 2,50."))
    found |= axe_at_both_widths(page, "pay-paid")

    # The shop's screen: "betaald" live, by a resident of Centrum; its list has no address.
    expect(counter.locator(".paid-by")).to_have_text(
        rx("€ 7,50 betaald door inwoner uit Centrum"), timeout=15_000
    )
    received = counter.locator("#recv-title + *")
    expect(received.locator("li").first).to_contain_text(
        f"Ontvangen van inwoner uit Centrum · code {code}"
    )
    expect(received).not_to_contain_text("0x")
    history = counter.locator("#hist-title + *")
    expect(history.locator("li").first).to_contain_text("Ontvangen van inwoner uit Centrum")
    assert "0x" not in counter.locator("#main").inner_text()
    found |= axe_at_both_widths(counter, "shop-paid")

    # Signed out, the same browser pays in one tap: it signs in with the account and pays.
    resident.go("/burger")
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("button", name="Aanmelden met deze telefoon")).to_be_visible()
    again = payment_request(stack, 100)
    resident.go(f"/betalen/{again['reference']}")
    expect(page.get_by_text("Je wordt aangemeld en betaalt in één keer.")).to_be_visible()
    page.get_by_role("button", name=rx("Betaal € 1,00")).click()
    expect(page.locator(".pay-outcome .paid")).to_have_text(re.compile("Betaald"), timeout=30_000)
    expect(page.locator(".balance-after")).to_have_text(rx("Je saldo is nu € 1,50."))
    expect(page.locator(".account .addr")).to_have_text(re.compile(r"^Inwoner \d+$"))

    # Every payment went through the city's relayer: the account holds none of the chain's coin.
    assert stack.w3.eth.get_balance(address) == 0  # type: ignore[arg-type]
    assert stack.w3.eth.get_transaction_count(address) == 0  # type: ignore[arg-type]
    assert stack.wesh.account(address).balance == start - 8_50
    assert not found, found
    assert not [e for e in resident.console_errors if "pageerror" in e], resident.console_errors


def test_an_app_of_ones_own_is_the_quiet_second_choice(visit, stack: Stack) -> None:
    """With a wallet in the browser, the citizen page still leads with the account on this phone;
    the wallet is behind a link-styled button that says what it is in plain words."""
    visitor = visit(BRAM, "/betalen/" + payment_request(stack, 50)["reference"])
    page = visitor.page
    expect(page.get_by_role("button", name="Doe mee met deze telefoon")).to_be_visible()
    own_app = page.get_by_role("button", name="Ik heb al een eigen app voor Heitjes")
    expect(own_app).to_have_attribute("aria-expanded", "false")
    expect(page.get_by_role("button", name="Aanmelden met Testwallet 1")).to_be_hidden()
    found = axe_at_both_widths(page, "signin-own-app-closed")
    own_app.click()
    expect(own_app).to_have_attribute("aria-expanded", "true")
    expect(page.get_by_role("button", name="Aanmelden met Testwallet 1")).to_be_visible()
    found |= axe_at_both_widths(page, "signin-own-app-open")
    assert not found, found
