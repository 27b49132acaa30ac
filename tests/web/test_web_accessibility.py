"""Every page, at phone (360 px) and desktop width, signed in as the person who uses it: axe-core
finds no serious or critical WCAG 2.1 A/AA violation, nothing is wider than the screen, and each
page is saved as a screenshot (test-artifacts/screenshots/)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import DESKTOP, PHONE, Visitor, axe_violations, shot, sign_in
from webstack import ANNA, BAKERY, OFFICER, Stack


def audit(visitor: Visitor, name: str, width: str, found: dict[str, Any]) -> None:
    page = visitor.page
    page.wait_for_selector("#main[aria-busy='false']")
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')]
            .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .slice(0, 5)
            .map(el => `${el.tagName}.${el.className} ${el.getBoundingClientRect().right}`)"""
    )
    assert overflow <= 0, f"{name} is {overflow}px wider than a {width} screen: {wide}"
    shot(page, f"{name}-{width}")
    violations = axe_violations(page)
    if violations:
        found[name] = violations


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_every_page_passes_axe_and_fits_the_screen(visit, stack: Stack, width: str) -> None:
    viewport = PHONE if width == "phone" else DESKTOP
    found: dict[str, Any] = {}

    guest = visit(None, "/", viewport=viewport)
    audit(guest, "home", width, found)
    guest.go("/burger")
    audit(guest, "citizen-signed-out", width, found)
    guest.page.get_by_role("button", name="Kaart").click()
    guest.page.locator(".map .leaflet-marker-icon").first.wait_for()
    audit(guest, "citizen-map", width, found)
    guest.go("/betalen/0000000000000000")
    audit(guest, "pay-unknown", width, found)

    shop_api = stack.session(BAKERY)
    try:
        created = shop_api.post("/merchant/payment-requests", json={"amount": 250, "note": "thee"})
        reference = created.json()["reference"]
    finally:
        shop_api.close()

    anna = visit(ANNA, "/burger", viewport=viewport)
    sign_in(anna)
    audit(anna, "citizen-start", width, found)
    anna.go(f"/burger/klus/{stack.task_ids['bench']}")
    audit(anna, "citizen-task", width, found)
    anna.go("/burger/geschiedenis")
    audit(anna, "citizen-history", width, found)
    anna.go(f"/betalen/{reference}")
    audit(anna, "pay", width, found)

    shop = visit(BAKERY, "/winkel", viewport=viewport)
    sign_in(shop)
    shop.page.get_by_label("Bedrag in euro").first.fill("2,50")
    shop.page.get_by_role("button", name="Maak QR-code").click()
    shop.page.locator("img.qr").wait_for()
    audit(shop, "merchant", width, found)

    city = visit(OFFICER, "/gemeente", viewport=viewport)
    sign_in(city)
    for path, name in (
        ("/gemeente", "city-overview"),
        ("/gemeente/klus", "city-commission"),
        ("/gemeente/beoordelen", "city-review"),
        ("/gemeente/bezwaren", "city-appeals"),
        ("/gemeente/uitbetalingen", "city-payouts"),
    ):
        city.go(path)
        if name == "city-commission":
            city.page.locator(".map").wait_for()
        audit(city, name, width, found)

    report = "\n".join(
        f"{page}: {v['id']} ({v['impact']}) {v['help']}\n    " + "\n    ".join(v["nodes"])
        for page, violations in found.items()
        for v in violations
    )
    assert not found, report
