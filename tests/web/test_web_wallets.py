"""Wallets as people have them: several installed at once (EIP-6963), the Heitje added to the
wallet (wallet_watchAsset), a session that survives a reload, signing out, and the language
choice that is kept."""

from __future__ import annotations

from conftest import OWN_APP, rx, sign_in
from playwright.sync_api import expect
from webstack import DEWI, Stack


def test_every_installed_wallet_is_offered_and_the_heitje_can_be_added(visit, stack: Stack):
    dewi = visit(DEWI, "/burger", wallets=2)
    page = dewi.page
    # On the citizen page the account on this phone comes first; the wallets are the quiet
    # second choice.
    expect(page.get_by_role("button", name="Doe mee met deze telefoon")).to_be_visible()
    expect(page.get_by_role("button", name="Aanmelden met Testwallet 1")).to_be_hidden()
    page.get_by_role("button", name=OWN_APP).click()
    expect(page.get_by_text("Kies je app:")).to_be_visible()
    expect(page.get_by_role("button", name="Aanmelden met Testwallet 1")).to_be_visible()
    expect(page.get_by_role("button", name="Aanmelden met Testwallet 2")).to_be_visible()
    sign_in(dewi, "Testwallet 2")
    expect(page.locator(".account .roles")).to_have_text("inwoner")
    message = dewi.wallet_calls("personal_sign")[0]["params"]
    text = bytes.fromhex(message[0][2:]).decode()
    assert text.startswith(f"127.0.0.1:{stack.api_url.rsplit(':', 1)[1]} wants you to sign in")
    assert message[1] == stack.account(DEWI)

    page.get_by_role("button", name="Heitje toevoegen aan je app").click()
    expect(page.get_by_text("Het Heitje staat nu in je app.")).to_be_visible()
    asset = dewi.wallet_calls("wallet_watchAsset")[0]["params"]
    assert asset["type"] == "ERC20"
    assert asset["options"]["address"] == stack.wesh.heitje.address
    assert (asset["options"]["symbol"], asset["options"]["decimals"]) == ("HEIT", 2)

    # The session is a cookie: a reload keeps it, and the wallet is found again without a prompt.
    dewi.go("/burger/geschiedenis")
    expect(page.get_by_role("heading", level=1)).to_have_text("Geschiedenis")
    expect(page.locator(".history li").first).to_be_visible()
    expect(page.get_by_text(rx("Betaald bij Café De Mijn"))).to_be_visible()
    page.get_by_role("button", name="Afmelden").click()
    expect(page.get_by_role("heading", name="Aanmelden")).to_be_visible()
    expect(page.locator(".account .addr")).to_have_count(0)


def test_the_language_choice_is_kept_and_the_api_answers_in_it(visit) -> None:
    guest = visit(None, "/burger")
    page = guest.page
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.get_by_role("button", name="Switch to English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tasks in Heerlen")
    guest.go("/betalen/0123456789abcdef")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("alert")).to_have_text(
        "This payment request does not exist or has expired. Ask the shop for a new QR code."
    )
    page.get_by_role("button", name="Schakel naar Nederlands").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Dit betaalverzoek bestaat niet of is verlopen. Vraag de winkel om een nieuwe QR-code."
    )
