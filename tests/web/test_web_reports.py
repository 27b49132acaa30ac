"""Residents report a spot that needs care; the city makes it a task in one step (issue #16).

A resident with nothing but a phone (the account on this phone, no wallet injected) reports a
spot in Centrum on /burger/melden: a phone photo with its GPS position, the pin moved by "Gebruik
mijn locatie" (the browser's location, given only to this test's page), a short text. Their
/burger lists it as "Ontvangen". A task manager opens /gemeente/meldingen, sees the photo, the
pin, the text and the resident's number, and with "Maak er een klus van" gets the commission
form filled from the report; one submit commissions the task. The resident's /burger then says
"Jouw melding is een klus geworden", and their messages say it once. Every new page state is
audited with axe-core (0 serious or critical) at 360 and 1280 px, and the resident's states are
read for the words a resident never reads (test_web_words' list)."""

from __future__ import annotations

import io
import re
import time
from datetime import datetime, timedelta
from pathlib import Path

from conftest import DESKTOP, PHONE, Visitor, axe_violations, copy_to_docs, sign_in
from PIL import Image
from playwright.sync_api import Page, expect
from test_web_words import PAGE_TEXT_JS, jargon
from webstack import OFFICER, Stack

from demo.photos import phone_photo
from wesh.rules import AMSTERDAM
from wesh.signer import UnlockedSigner, transact

#: Where the resident stands (the browser's location): by the Pancratiusplein, in Centrum.
HERE = (50.8878, 5.9808)
TEXT = "Losse stoeptegels bij de bushalte, je struikelt er zo over"
TITLE = "Stoeptegels rechtleggen bij de bushalte"


def audit(page: Page, state: str) -> None:
    """axe-core at phone and desktop width: nothing serious or critical."""
    original = page.viewport_size
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        found = axe_violations(page)
        assert not found, f"{state} at {size['width']} px: {found}"
    if original:
        page.set_viewport_size(original)


def plain_words(page: Page, state: str) -> None:
    """The resident's page in Dutch and English says no fee, network, 0x, wallet, transaction."""
    for lang, button in (("nl", "English"), ("en", "Nederlands")):
        expect(page.locator("html")).to_have_attribute("lang", lang)
        page.wait_for_selector("#main[aria-busy='false']")
        said = jargon(page.evaluate(PAGE_TEXT_JS))
        assert not said, f"{state} ({lang}): {said}"
        page.locator("button.lang").filter(has_text=button).click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def phone_resident(visit, stack: Stack) -> Visitor:  # type: ignore[no-untyped-def]
    """A browser with no wallet: "Doe mee met deze telefoon", then the desk registers the account
    in Centrum (from the test: the desk's page is another test's)."""
    resident: Visitor = visit(None, "/burger", viewport=PHONE)
    page = resident.page
    page.get_by_role("button", name="Doe mee met deze telefoon").click()
    page.locator(".account .addr").wait_for()
    address = page.evaluate(
        "import(document.querySelector('link[rel=modulepreload][href$=\"/js/account.js\"]').href)"
        ".then((account) => account.storedAddress())"
    )
    assert address
    officer = UnlockedSigner(stack.account(OFFICER))
    transact(stack.w3, stack.wesh.register_citizens([address], [1]), officer)  # type: ignore[arg-type]
    stack.wait_indexed()
    return resident


def test_a_phone_resident_reports_a_spot_and_the_city_makes_it_a_task(
    visit, stack: Stack, tmp_path: Path
) -> None:
    resident = phone_resident(visit, stack)
    page = resident.page
    assert page.evaluate("typeof window.ethereum") == "undefined"
    resident.go("/burger")
    card = page.locator("section.reports")
    expect(card.get_by_role("heading", name="Meld een plek")).to_be_visible()
    audit(page, "start page with the report card")

    # The form: the pin starts in the middle of Centrum; "Gebruik mijn locatie" moves it.
    card.get_by_role("link", name="Meld een plek").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Meld een plek")
    where = page.locator(".report-where")
    expect(where).to_have_text(re.compile("De speld staat midden in Centrum"))
    page.locator(".map-slot .map").wait_for()
    audit(page, "report form")
    plain_words(page, "report form")
    resident.context.grant_permissions(["geolocation"])
    resident.context.set_geolocation({"latitude": HERE[0], "longitude": HERE[1]})
    page.get_by_role("button", name="Gebruik mijn locatie").click()
    expect(where).to_have_text(re.compile("De speld staat op de plek waar je nu bent"))

    # Sent without a photo or with too few words: said next to the button, nothing sent.
    page.get_by_role("button", name="Melding versturen").click()
    status = page.locator(".report-form .submit-row .status")
    expect(status).to_have_text("Kies eerst een foto van de plek.")
    photo = tmp_path / "IMG_0001.jpg"
    taken = int(datetime.now(AMSTERDAM).timestamp())
    photo.write_bytes(
        phone_photo(width=1600, height=1200, taken_at=taken, lat=50.9, lon=5.99, seed=7)
    )
    page.get_by_label("Foto van de plek").set_input_files(photo)
    page.get_by_label("Wat is er aan de hand?").fill("Kapot")
    page.get_by_role("button", name="Melding versturen").click()
    expect(status).to_have_text(re.compile("minstens 10 tekens"))
    page.get_by_label("Wat is er aan de hand?").fill(TEXT)
    expect(page.locator(".report-form img.preview")).to_be_visible()
    audit(page, "report form filled")
    if page.viewport_size == PHONE:
        page.locator(".report-form").evaluate("(el) => el.scrollIntoView()")
        copy_to_docs(page, "residents-report-form-phone")
    page.get_by_role("button", name="Melding versturen").click()

    # Back on /burger: received.
    expect(page.get_by_text("Dank je wel! Je melding is ontvangen.")).to_be_visible()
    assert page.url.endswith("/burger")
    item = page.locator("section.reports li.report")
    expect(item).to_have_count(1)
    expect(item.locator(".report-text")).to_have_text(TEXT)
    expect(item.locator(".badge")).to_have_text("Ontvangen")
    audit(page, "start page, report received")
    plain_words(page, "start page, report received")

    # What the city got: the pin the resident confirmed, a photo without metadata.
    city_api = stack.session(OFFICER)
    try:
        report = next(r for r in city_api.get("/city/reports").json()["items"] if r["text"] == TEXT)
        assert (report["lat"], report["lon"]) == HERE
        assert report["neighbourhood"] == 1 and report["state"] == "received"
        stored = city_api.get(report["photo_url"])
        assert stored.status_code == 200
        assert not Image.open(io.BytesIO(stored.content)).getexif(), "no EXIF, no GPS"
    finally:
        city_api.close()

    # The task manager: the list, then the form filled from the report, one submit.
    city = visit(OFFICER, "/gemeente/meldingen", viewport=DESKTOP)
    sign_in(city)
    desk = city.page
    waiting = desk.locator(f"li.report-item[data-report='{report['report_id']}']")
    expect(waiting).to_contain_text(TEXT)
    expect(waiting.get_by_role("heading")).to_have_text(f"Melding {report['report_id']} · Centrum")
    expect(waiting).to_contain_text(f"Inwoner {report['citizen_id']}")
    expect(waiting.locator("img.report-photo")).to_have_js_property("complete", True)
    assert waiting.locator("img.report-photo").evaluate("(img) => img.naturalWidth") > 0
    audit(desk, "city reports list")
    copy_to_docs(desk, "city-reports-desktop")
    waiting.get_by_role("link", name="Maak er een klus van").click()
    expect(desk.locator(".report-source")).to_contain_text(
        f"Klus van melding {report['report_id']}"
    )
    expect(desk.get_by_label("Omschrijving (Nederlands)")).to_have_value(TEXT)
    expect(desk.get_by_label("Wijk")).to_have_value("1")
    expect(desk.get_by_label("Breedtegraad")).to_have_value(f"{HERE[0]:.6f}")
    day = (datetime.now(AMSTERDAM) + timedelta(days=20)).date()
    desk.get_by_label("Titel (Nederlands)").fill(TITLE)
    desk.get_by_label("Straat of plek").fill("Bushalte Pancratiusplein")
    desk.get_by_label("Beloning per persoon (euro)").fill("7,50")
    desk.get_by_label("Geschatte tijd per inwoner (minuten)").fill("30")
    desk.get_by_label("Aannemen kan tot en met").fill(day.isoformat())
    desk.get_by_label("Ik bevestig dat deze klus geen regulier betaald werk is").check()
    audit(desk, "commission form from a report")
    desk.get_by_role("button", name="Klus uitzetten").click()
    done = desk.locator(".submit-row .status")
    expect(done).to_contain_text("Klus uitgezet.", timeout=30_000)
    expect(desk.get_by_role("button", name="Klus uitzetten")).to_have_count(0)
    audit(desk, "commission from a report done")

    # The resident: "Jouw melding is een klus geworden", and one message.
    stack.wait_indexed()
    deadline = time.monotonic() + 30
    resident.go("/burger")
    while not page.locator("li.report-task").count() and time.monotonic() < deadline:
        time.sleep(1)
        resident.go("/burger")
    became = page.locator("section.reports li.report-task")
    expect(became.locator(".report-became")).to_have_text("Jouw melding is een klus geworden.")
    expect(became.locator(".badge")).to_have_text("Klus geworden")
    audit(page, "start page, report became a task")
    page.locator("section.reports").evaluate("(el) => el.scrollIntoView()")
    copy_to_docs(page, "residents-report-became-task-phone")
    plain_words(page, "start page, report became a task")
    became.get_by_role("link", name="Bekijk de klus").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    resident.go("/burger/berichten")
    message = page.locator("li.message-report_task")
    expect(message).to_have_count(1)
    expect(message.get_by_role("heading")).to_contain_text("Jouw melding is een klus geworden")
    expect(message).to_contain_text(f'De gemeente maakte er de klus "{TITLE}" van.')
    audit(page, "messages, report became a task")
    plain_words(page, "messages, report became a task")
    page.locator("button.lang").filter(has_text="English").click()
    expect(message.get_by_role("heading")).to_contain_text("Your report has become a task")
    page.locator("button.lang").filter(has_text="Nederlands").click()
    assert not [e for e in resident.console_errors if "pageerror" in e], resident.console_errors
    assert not [e for e in city.console_errors if "pageerror" in e], city.console_errors


def test_the_city_declines_a_report_and_the_resident_reads_why(
    visit, stack: Stack, tmp_path: Path
) -> None:
    """Niet oppakken, with a reason: the resident's /burger says "Niet opgepakt" and the reason."""
    resident = phone_resident(visit, stack)
    page = resident.page
    resident.go("/burger/melden")
    garage = tmp_path / "garage.jpg"
    garage.write_bytes(phone_photo(width=800, height=600, seed=3))
    page.get_by_label("Foto van de plek").set_input_files(garage)
    page.get_by_label("Wat is er aan de hand?").fill("Graffiti op de garagedeur van nummer 12")
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_text("Dank je wel! Je melding is ontvangen.")).to_be_visible()

    city = visit(OFFICER, "/gemeente/meldingen", viewport=PHONE)
    sign_in(city)
    desk = city.page
    item = desk.locator("li.report-item", has_text="Graffiti op de garagedeur")
    item.get_by_role("button", name="Niet oppakken").click()
    reason = "Dit is een privé-garage: vraag de eigenaar. Graffiti op straat melden we zelf."
    item.get_by_label("Reden voor de inwoner").fill(reason)
    audit(desk, "decline with a reason")
    item.get_by_role("button", name="Niet oppakken, met deze reden").click()
    expect(desk.locator("section.reports-done")).to_contain_text("wordt niet opgepakt")
    expect(desk.locator("section.reports-done table")).to_contain_text(reason)
    audit(desk, "city reports decided")

    resident.go("/burger")
    declined = page.locator("section.reports li.report-declined")
    expect(declined.locator(".badge")).to_have_text("Niet opgepakt")
    expect(declined).to_contain_text(f"De gemeente pakt dit niet op. Reden: {reason}")
    audit(page, "start page, report declined")
    plain_words(page, "start page, report declined")
