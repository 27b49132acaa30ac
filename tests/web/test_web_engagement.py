"""A resident's milestones and their neighbourhood's goal on /burger (issue #16, section 4).

Bram (Centrum) had one job paid when the town was seeded. Stadsbeheer sets Centrum's goal for
this month through the API (PUT /neighbourhood-goals/...); Bram signs in on his phone and reads
the goal, how far it is, his first task reached and his streak, in Dutch and in English; axe-core
finds nothing serious or critical at 360 and 1280 px."""

from __future__ import annotations

import re
from datetime import datetime

import httpx
import pytest
from conftest import DESKTOP, PHONE, axe_violations, copy_to_docs, sign_in
from playwright.sync_api import ViewportSize, expect
from webstack import BAKERY, BRAM, CAFE, OFFICER, Stack

from wesh.rules import AMSTERDAM


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_resident_sees_their_milestones_and_the_neighbourhoods_goal(
    visit, stack: Stack, viewport: ViewportSize
) -> None:
    now = datetime.now(AMSTERDAM)
    month = f"{now.year}-{now.month:02d}"
    city = stack.session(OFFICER)
    try:
        reply = city.put(f"/neighbourhood-goals/1/{month}", json={"target": 40})
        assert reply.status_code == 200, reply.text
        goal = reply.json()
    finally:
        city.close()
    assert goal["done"] >= 1  # Bram's job, and whatever other tests had paid in Centrum

    bram = visit(BRAM, "/burger", viewport=viewport)
    sign_in(bram)
    page = bram.page
    card = page.locator("section.engagement")
    expect(card.get_by_role("heading", name="Jouw klussen en je buurt")).to_be_visible()
    expect(card).to_contain_text(f"Centrum: 40 klussen deze maand, nog {goal['left']}")
    expect(card.get_by_role("progressbar")).to_have_attribute("aria-valuenow", str(goal["done"]))
    expect(card.locator(".milestone.reached")).to_contain_text(
        re.compile(r"Eerste klus gehaald op")
    )
    expect(card.locator(".milestone:not(.reached)")).to_have_count(2)
    expect(card.locator(".streak")).to_have_text(re.compile(r"maand(en)? op rij een klus gedaan"))
    found = axe_violations(page)
    assert not found, found
    if viewport == PHONE:
        card.evaluate("(el) => el.scrollIntoView()")
        copy_to_docs(page, "residents-milestones-phone")

    page.locator("button.lang").filter(has_text="English").click()
    expect(card.get_by_role("heading", name="Your tasks and your neighbourhood")).to_be_visible()
    expect(card).to_contain_text(f"Centrum: 40 tasks this month, {goal['left']} to go")
    expect(card.locator(".milestone.reached")).to_contain_text("First task reached on")
    assert not axe_violations(page)
    page.locator("button.lang").filter(has_text="Nederlands").click()
    assert not [e for e in bram.console_errors if "pageerror" in e], bram.console_errors


def test_a_shops_offer_shows_with_the_shop_on_the_residents_list(visit, stack: Stack) -> None:
    """The bakery writes its offer; a resident finds it with the bakery on /burger's shop list,
    in Dutch and in English; axe-core finds nothing serious or critical at 360 and 1280 px."""
    shop = stack.session(BAKERY)
    try:
        reply = shop.put(
            "/merchant/offer",
            json={"text_nl": "10% korting met Heitjes", "text_en": "10% off with Heitjes"},
        )
        assert reply.status_code == 200, reply.text
        bakery = reply.json()["merchant_id"]
        for viewport in (PHONE, DESKTOP):
            guest = visit(None, "/burger", viewport=viewport)
            card = guest.page.locator(f"li.shop[data-merchant='{bakery}']")
            expect(card.locator(".shop-offer")).to_have_text("10% korting met Heitjes")
            assert not axe_violations(guest.page)
            guest.page.locator("button.lang").filter(has_text="English").click()
            expect(card.locator(".shop-offer")).to_have_text("10% off with Heitjes")
            assert not axe_violations(guest.page)
    finally:
        shop.delete("/merchant/offer")
        shop.close()


def test_the_shop_writes_its_offer_on_its_page(visit, stack: Stack) -> None:
    """The café writes its offer on /winkel and takes it away again; the residents' list
    follows; axe-core finds nothing serious or critical on the form."""
    cafe = visit(CAFE, "/winkel")
    sign_in(cafe)
    page = cafe.page
    card = page.locator("section").filter(has=page.get_by_role("heading", name="Jouw aanbieding"))
    card.get_by_label("Aanbieding (Nederlands)").fill("Koffie + vlaai voor 5 Heitjes")
    card.get_by_role("button", name="Aanbieding opslaan").click()
    expect(card.get_by_role("status")).to_have_text(re.compile("Opgeslagen"))
    assert not axe_violations(page)
    offers = httpx.get(f"{stack.api_url}/shop-offers").json()
    assert [o["text_nl"] for o in offers] == ["Koffie + vlaai voor 5 Heitjes"]
    guest = visit(None, "/burger")
    expect(guest.page.locator(".shop-offer")).to_have_text("Koffie + vlaai voor 5 Heitjes")
    card.get_by_role("button", name="Aanbieding weghalen").click()
    expect(card.get_by_role("status")).to_have_text(re.compile("Weggehaald"))
    assert httpx.get(f"{stack.api_url}/shop-offers").json() == []


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_stadsbeheer_sets_a_neighbourhoods_goal(
    visit, stack: Stack, viewport: ViewportSize
) -> None:
    """A task manager sets Schandelen's goal for this month on /gemeente/klussen; the table of
    the month's goals shows it; axe-core finds nothing serious or critical."""
    city = visit(OFFICER, "/gemeente/klussen", viewport=viewport)
    sign_in(city)
    page = city.page
    card = page.locator("section").filter(has=page.get_by_role("heading", name="Wijkdoelen"))
    card.get_by_label("Wijk", exact=True).select_option(label="Schandelen")
    card.get_by_label("Aantal klussen").fill("25")
    card.get_by_role("button", name="Doel opslaan").click()
    expect(card.get_by_role("status")).to_have_text("Opgeslagen: Schandelen, 25 klussen.")
    row = card.get_by_role("row").filter(has=page.get_by_role("rowheader", name="Schandelen"))
    expect(row.get_by_role("cell").first).to_have_text("25")
    found = axe_violations(page)
    assert not found, found


def test_the_merchant_manager_writes_a_shops_offer(visit, stack: Stack) -> None:
    """The merchant manager writes the bakery's offer on /gemeente/winkels; residents see it with
    the bakery; removed again, it is gone; axe-core finds nothing serious or critical."""
    city = visit(OFFICER, "/gemeente/winkels", viewport=DESKTOP)
    sign_in(city)
    page = city.page
    card = page.locator("section").filter(
        has=page.get_by_role("heading", name="Aanbiedingen van winkels")
    )
    card.get_by_label("Winkel", exact=True).select_option(label="Bakkerij Schandelen")
    card.get_by_label("Aanbieding (Nederlands)").fill("Tweede vlaai half geld")
    card.get_by_role("button", name="Aanbieding opslaan").click()
    expect(card.get_by_role("status")).to_have_text(re.compile("Opgeslagen"))
    expect(card.locator("li")).to_have_text("Bakkerij Schandelen: Tweede vlaai half geld")
    found = axe_violations(page)
    assert not found, found
    guest = visit(None, "/burger")
    expect(guest.page.locator(".shop-offer")).to_have_text("Tweede vlaai half geld")
    card.get_by_role("button", name="Aanbieding weghalen").click()
    expect(card.get_by_role("status")).to_have_text("Weggehaald.")
    assert httpx.get(f"{stack.api_url}/shop-offers").json() == []
