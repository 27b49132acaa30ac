"""The whole journey, as the people of Heerlen go through it in their browsers:

the city commissions a task (form with a map pin) → a citizen finds it, claims it, uploads a
before and an after photo and hands them in → the city sees the photos side by side and approves
→ the citizen's balance and yearly-cap bar update on the open page → a shop asks for € 3,50 with
a QR code → the citizen pays one cent of it (the shop sees "nog € 3,49 te betalen", not "Betaald")
→ the citizen opens the QR link and pays the rest → the shop sees "Betaald ... door ..." live →
the shop cashes in → the treasurer settles with a bank reference → the shop sees "uitbetaald".
"""

from __future__ import annotations

import re
from pathlib import Path

from conftest import (
    DESKTOP,
    HAND_IN,
    PHONE,
    amount_pattern,
    claim_task,
    copy_to_docs,
    rx,
    shot,
    sign_in,
)
from photos import bench_photos
from playwright.sync_api import expect
from webstack import ANNA, BAKERY, OFFICER

from wesh.signer import UnlockedSigner, transact

TITLE = "Speeltuin aanvegen in Welten"


def test_whole_journey_from_commission_to_settled_cashout(visit, stack, tmp_path: Path) -> None:
    # --- the city commissions a task
    city = visit(OFFICER, "/gemeente/klus", viewport=DESKTOP)
    sign_in(city)
    page = city.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeente: Klus uitzetten")
    page.get_by_label("Titel (Nederlands)").fill(TITLE)
    page.get_by_label("Titel (Engels, mag leeg)").fill("Sweep the playground in Welten")
    page.get_by_label("Omschrijving (Nederlands)").fill(
        "Veeg het zand en de bladeren van de paden rond de speeltuin. Bezem ligt bij de wijkpost."
    )
    page.get_by_label("Wijk").select_option(label="Welten")
    expect(page.get_by_label("Breedtegraad")).to_have_value("50.870500")
    # The pin: a click on the map sets the coordinates (the map works without tiles).
    page.locator(".map").wait_for()
    expect(page.locator(".map-note")).to_be_visible()  # no tiles offline: said, not broken
    page.locator(".map").click(position={"x": 200, "y": 150})
    expect(page.get_by_label("Breedtegraad")).not_to_have_value("50.870500")
    page.get_by_label("Breedtegraad").fill("50.8712")
    page.get_by_label("Lengtegraad").fill("5.9712")
    page.get_by_label("Straat of plek").fill("Speeltuin Weltertuin")
    page.get_by_label("Beloning per persoon (euro)").fill("15,00")
    page.get_by_label("Aantal plekken").fill("2")
    # Issue #15: the estimated time and the confirmation that it is not regular paid work (the
    # safety note comes filled in from the kind of task).
    page.get_by_label("Geschatte tijd per inwoner (minuten)").fill("90")
    page.get_by_label("Ik bevestig dat deze klus geen regulier betaald werk is").check()
    shot(page, "city-commission-desktop")
    page.get_by_role("button", name="Klus uitzetten").click()
    expect(page.get_by_text("De klus staat open voor inwoners.")).to_be_visible()

    # --- a citizen finds it, claims it and hands in photos
    anna = visit(ANNA, "/burger")
    sign_in(anna)
    phone = anna.page
    phone.get_by_role("link", name=TITLE).click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(phone.locator(".reward.big")).to_have_text(amount_pattern(1500))
    claim_task(phone)
    expect(phone.get_by_text("Je hebt de klus aangenomen. Succes!")).to_be_visible()
    before, after = bench_photos(tmp_path)
    phone.get_by_label("Foto vóór het werk").set_input_files(before)
    phone.get_by_label("Foto na het werk").set_input_files(after)
    phone.get_by_label("Opmerking (mag leeg blijven)").fill("Alles aangeveegd.")
    shot(phone, "citizen-evidence-phone")
    phone.get_by_role("button", name=HAND_IN).click()
    expect(phone.get_by_text("Ingeleverd! Je hoort het als de gemeente")).to_be_visible()
    expect(phone.locator(".claim-state")).to_have_text(re.compile("Ingeleverd"))

    # The citizen waits on the start page; the city reviews.
    anna.go("/burger")
    expect(phone.locator("#balance")).to_have_text(amount_pattern(0))

    city.go("/gemeente/beoordelen")
    item = page.locator("li.review", has_text=TITLE)
    photos = item.locator(".photos-side img")
    expect(photos).to_have_count(2)
    for n in range(2):
        expect(photos.nth(n)).to_have_js_property("complete", True)
        assert photos.nth(n).evaluate("img => img.naturalWidth") > 0
    expect(item.get_by_text("Opmerking van de inwoner: Alles aangeveegd.")).to_be_visible()
    shot(page, "city-review-desktop")
    copy_to_docs(page, "city-review-desktop")
    item.get_by_role("button", name="Goedkeuren en betalen").click()
    expect(page.get_by_text("Goedgekeurd en betaald.")).to_be_visible()
    expect(page.locator("li.review", has_text=TITLE)).to_have_count(0)

    # --- the reward arrives on the citizen's open page, with the yearly cap
    expect(phone.locator("#balance")).to_have_text(amount_pattern(1500), timeout=15_000)
    expect(phone.locator(".cap-text")).to_contain_text(rx("van € 100,00 verdiend in"))
    expect(phone.locator(".meter[aria-labelledby='cap-label']")).to_have_attribute(
        "aria-valuenow", "1500"
    )
    shot(phone, "citizen-start-phone")
    copy_to_docs(phone, "citizen-start-phone")

    # --- a shop asks for € 3,50; the citizen pays through the QR link
    shop = visit(BAKERY, "/winkel", viewport=PHONE)
    sign_in(shop)
    counter = shop.page
    expect(counter.get_by_role("heading", level=1)).to_have_text("Winkel: Bakkerij Schandelen")
    counter.get_by_label("Bedrag in euro").first.fill("3,50")
    counter.get_by_label("Omschrijving (mag leeg blijven)").fill("2 krentenbollen")
    counter.get_by_role("button", name="Maak QR-code").click()
    qr = counter.get_by_role("img", name=rx("QR-code om € 3,50 te betalen aan Bakkerij Schandelen"))
    expect(qr).to_be_visible()
    expect(qr).to_have_js_property("complete", True)
    assert qr.evaluate("img => img.naturalWidth") > 100
    link = counter.locator("a.pay-link").get_attribute("href")
    assert link and re.fullmatch(re.escape(stack.api_url) + r"/betalen/[0-9a-f]{16}", link)
    expect(counter.get_by_text(rx("Wacht op betaling van € 3,50"))).to_be_visible()
    shot(counter, "merchant-qr-phone")
    counter.locator("#ask-title").scroll_into_view_if_needed()
    counter.evaluate("document.getElementById('ask-title').scrollIntoView()")
    copy_to_docs(counter, "merchant-qr-phone")

    # --- one cent is not € 3,50: the shop sees a short payment as short, and the QR asks the rest
    reference = bytes.fromhex(link.rsplit("/", 1)[1])
    cent = stack.wesh.pay(stack.account(BAKERY), 1, reference)
    transact(stack.w3, cent, UnlockedSigner(stack.account(ANNA)))
    expect(counter.locator(".paid-short")).to_have_text(
        rx("€ 0,01 ontvangen van € 3,50 — nog € 3,49 te betalen"), timeout=10_000
    )
    expect(counter.locator(".paid")).to_have_count(0)

    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Betalen bij Bakkerij Schandelen")
    expect(phone.get_by_text("2 krentenbollen")).to_be_visible()
    expect(phone.locator(".paid-short")).to_have_text(
        rx("€ 0,01 van € 3,50 is al betaald; nog € 3,49 te betalen.")
    )
    phone.get_by_role("button", name=rx("Betaal € 3,49")).click()
    expect(phone.locator(".paid")).to_have_text(re.compile("Betaald"))
    shot(phone, "citizen-paid-phone")

    # --- the shop sees it arrive, live, with who paid
    # People, not addresses: the shop sees the payer's neighbourhood (Anna lives in Schandelen).
    who = "inwoner uit Schandelen"
    expect(counter.locator(".paid-by")).to_have_text(
        rx(f"€ 3,50 betaald door {who}"), timeout=10_000
    )
    expect(counter.locator(".paid")).to_have_text(re.compile("Betaald"))
    expect(counter.locator("#balance")).to_have_text(amount_pattern(350))
    shot(counter, "merchant-paid-phone")

    # --- the shop cashes in; the treasurer settles; the shop sees "uitbetaald"
    cash = counter.get_by_label("Bedrag in euro").nth(1)
    expect(cash).to_have_value("3,50")
    counter.get_by_role("button", name="Inwisselen").click()
    expect(counter.get_by_text("Aangevraagd. De gemeente maakt het geld over.")).to_be_visible()
    expect(counter.locator(".cashouts")).to_contain_text("aangevraagd, wacht op de gemeente")

    city.go("/gemeente/uitbetalingen")
    expect(page.get_by_label(rx("Bakkerij Schandelen · € 3,50"))).to_be_checked()
    page.get_by_label("Betalingskenmerk van de bank").fill("SEPA-2026-11-0001")
    page.get_by_role("button", name="Markeer als betaald").click()
    expect(page.get_by_text("Gemarkeerd als betaald.")).to_be_visible()
    shot(page, "city-payouts-desktop")

    expect(counter.locator(".cashouts")).to_contain_text(
        "uitbetaald (kenmerk SEPA-2026-11-0001)", timeout=15_000
    )
    shot(counter, "merchant-settled-phone")

    # The money adds up on the city's overview: nothing of this is still owed to the bakery.
    city.go("/gemeente")
    expect(page.locator(".stat", has_text="Uitbetalingen nog te doen")).to_contain_text(
        amount_pattern(0)
    )
    shot(page, "city-overview-desktop")
    for visitor in (city, anna, shop):
        assert not [e for e in visitor.console_errors if "pageerror" in e], visitor.console_errors
