"""Issue #15's newcomer defects in the browser: a session that ends is said ("Je sessie is
verlopen") with the sign-in right where the person was, for a wallet and for the account on this
phone, after a reload too; figures on screen follow an action (a task's free places after a
claim, the balance after paying); the map's pins do not cover each other and a popup stays clear
of the zoom buttons; the demo picker's names."""

from __future__ import annotations

import re
from typing import Any

import sqlalchemy as sa
from conftest import (
    DESKTOP,
    PHONE,
    Visitor,
    axe_violations,
    claim_task,
    copy_to_docs,
    shot,
    sign_in,
)
from playwright.sync_api import Locator, Page, expect
from test_web_words import FORBIDDEN
from webstack import ANNA, BAKERY, BRAM, DEWI, OFFICER, Stack

from wesh.signer import UnlockedSigner, transact

#: The account module, imported in the page from the URL index.html preloads it under.
IMPORT_ACCOUNT = (
    "import(document.querySelector('link[rel=modulepreload][href$=\"/js/account.js\"]').href)"
)
ENDED = "Je sessie is verlopen. Meld je opnieuw aan om verder te gaan."


def end_sessions(stack: Stack, address: str) -> None:
    """The sessions of ``address`` run out now (as after WESH_SESSION_TTL_S): the browser still
    holds its cookie, the API no longer knows it."""
    engine = sa.create_engine(stack.database_url)
    try:
        with engine.begin() as db:
            db.execute(
                sa.text("UPDATE api_sessions SET expires_at = 1 WHERE lower(address) = :a"),
                {"a": address.lower()},
            )
    finally:
        engine.dispose()


def axe_at_both_widths(page: Page, name: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for width, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(viewport)
        shot(page, f"{name}-{width}")
        violations = axe_violations(page)
        if violations:
            found[f"{name} ({width})"] = violations
    page.set_viewport_size(PHONE)
    return found


def places_left(page: Page) -> int:
    text = page.locator("dl.facts").inner_text()
    found = re.search(r"nog (\d+) van (\d+) plekken", text)
    assert found, text
    return int(found.group(1))


def in_view(page: Page, locator: Locator) -> bool:
    box = locator.bounding_box()
    size = page.viewport_size
    assert box and size
    return box["y"] >= 0 and box["y"] + min(box["height"], 120) <= size["height"]


def test_an_ended_session_is_said_where_the_claim_was_and_signing_in_there_carries_on(
    visit, stack: Stack
) -> None:
    anna = visit(ANNA, f"/burger/klus/{stack.task_ids['litter']}")
    page = anna.page
    sign_in(anna)
    expect(page.get_by_role("button", name="Klus aannemen", exact=True)).to_be_visible()
    before = places_left(page)
    end_sessions(stack, stack.account(ANNA))

    # She claims: the page says her session ended, right under the button she pressed, and the
    # header no longer shows her as signed in.
    claim_task(page)
    box = page.locator(".session-ended")
    expect(box).to_be_visible(timeout=15_000)
    expect(box.get_by_role("alert").first).to_have_text(ENDED)
    assert "null" not in box.inner_text()
    expect(page.locator(".account .addr")).to_have_count(0)
    pressed = page.get_by_role("button", name="Gelezen: klus aannemen")
    assert in_view(page, box)
    pressed_box, ended_box = pressed.bounding_box(), box.bounding_box()
    assert pressed_box and ended_box and ended_box["y"] >= pressed_box["y"]
    assert ended_box["y"] - (pressed_box["y"] + pressed_box["height"]) < 200
    # The status line by the button says it too, not "Meld je eerst aan".
    expect(page.locator(".task-actions")).not_to_contain_text("Meld je eerst aan.")
    box.scroll_into_view_if_needed()
    copy_to_docs(page, "newcomer-session-ended-phone")
    found = axe_at_both_widths(page, "session-ended-in-place")

    # She signs in right there with her wallet (offered first: she has no account on this phone,
    # so no "Doe mee" that would make her a second one).
    expect(box.get_by_role("button", name="Doe mee met deze telefoon")).to_have_count(0)
    box.get_by_role("button", name="Aanmelden met Testwallet 1").click()
    expect(page.get_by_text("Je bent weer aangemeld. Probeer het nog een keer.")).to_be_visible()
    expect(page.locator(".account .addr")).to_be_visible()
    expect(page.locator(".session-ended")).to_have_count(0)

    # Again: the claim goes through, and the page shows one free place fewer at once.
    pressed.click()
    expect(page.get_by_role("button", name=re.compile("inleveren"))).to_be_visible(timeout=30_000)
    assert places_left(page) == before - 1
    # What happened is said where she pressed (right after the task's facts), in view.
    said = page.locator("dl.facts + .said-near")
    expect(said).to_be_visible()
    assert in_view(page, said)
    assert not found, found
    assert not [e for e in anna.console_errors if "pageerror" in e], anna.console_errors


def test_after_a_reload_the_account_on_this_phone_is_told_its_session_ended(
    visit, stack: Stack
) -> None:
    phone = visit(None, "/burger")
    page = phone.page
    page.get_by_role("button", name="Doe mee met deze telefoon").click()
    page.locator(".account .addr").wait_for()
    address = page.evaluate(f"{IMPORT_ACCOUNT}.then((account) => account.storedAddress())")
    end_sessions(stack, str(address))

    page.reload()
    page.wait_for_selector("#main[aria-busy='false']")
    signin = page.locator("section.signin")
    expect(signin.locator(".session-ended-note")).to_have_text(ENDED)
    assert "null" not in signin.inner_text()
    expect(page.locator(".account .addr")).to_have_count(0)
    # A resident's words: nothing of fees, networks, wallets or addresses (test_web_words).
    assert not FORBIDDEN.findall(page.locator("body").inner_text())
    found = axe_at_both_widths(page, "session-ended-reload")
    signin.get_by_role("button", name="Aanmelden met deze telefoon").click()
    expect(page.locator(".account .addr")).to_be_visible()
    expect(page.get_by_text(ENDED)).to_have_count(0)

    # Signing out oneself is not "verlopen": after a reload nothing is said.
    page.get_by_role("button", name="Afmelden").click()
    expect(page.locator(".account .addr")).to_have_count(0)
    page.reload()
    page.wait_for_selector("#main[aria-busy='false']")
    expect(page.get_by_role("button", name="Aanmelden met deze telefoon")).to_be_visible()
    expect(page.get_by_text(ENDED)).to_have_count(0)
    assert not found, found


def test_the_balance_on_the_pay_page_follows_the_payment(visit, stack: Stack) -> None:
    dewi = visit(DEWI, "/burger")
    sign_in(dewi)
    page = dewi.page
    start = stack.wesh.account(stack.account(DEWI)).balance
    assert start >= 1_00, start
    shop = stack.session(BAKERY)
    try:
        created = shop.post("/merchant/payment-requests", json={"amount": 1_00, "note": ""})
        assert created.status_code == 201, created.text
        reference = created.json()["reference"]
    finally:
        shop.close()
    dewi.go(f"/betalen/{reference}")
    old = page.get_by_text(re.compile(r"^Je saldo: "))
    expect(old).to_be_visible()
    old_text = old.inner_text()
    page.get_by_role("button", name=re.compile(r"Betaal")).click()
    expect(page.locator(".pay-outcome .paid")).to_have_text(re.compile("Betaald"), timeout=30_000)
    left = stack.wesh.account(stack.account(DEWI)).balance
    assert left == start - 1_00
    whole, cents = divmod(left, 100)
    expect(page.locator(".balance-after")).to_have_text(
        re.compile(rf"Je saldo is nu €\s?{whole},{cents:02d}\.")
    )
    # The balance from before the payment is nowhere on the page any more.
    assert old_text not in page.locator("#main").inner_text()


def boxes_overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_map_pins_do_not_cover_each_other_and_a_popup_stays_clear_of_the_zoom_buttons(
    visit,
) -> None:
    found: dict[str, Any] = {}
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        guest = visit(None, "/burger", viewport=viewport)
        page = guest.page
        tasks = page.locator("section.tasks")
        tasks.get_by_role("button", name="Kaart").click()
        pins = tasks.locator(".map .pin")
        expect(pins.first).to_be_visible(timeout=15_000)
        page.wait_for_timeout(400)  # fitBounds may animate; the pins are spread at its end
        boxes = [pins.nth(i).bounding_box() for i in range(pins.count())]
        assert len(boxes) >= 4 and all(boxes)
        overlapping = [
            (i, j)
            for i in range(len(boxes))
            for j in range(i + 1, len(boxes))
            if boxes_overlap(boxes[i], boxes[j])  # type: ignore[arg-type]
        ]
        assert not overlapping, (name, overlapping, boxes)

        # Every pin's popup opens clear of the zoom buttons (Leaflet pans the map if need be).
        zoom = tasks.locator(".leaflet-control-zoom").bounding_box()
        assert zoom
        for i in range(pins.count()):
            # As a keyboard opens it (a pin under the previous popup cannot be clicked).
            pins.nth(i).focus()
            page.keyboard.press("Enter")
            popup = tasks.locator(".leaflet-popup-content-wrapper").last
            expect(popup).to_be_visible()
            page.wait_for_timeout(350)  # the pan that keeps it clear
            box = popup.bounding_box()
            assert box and not boxes_overlap(box, zoom), (name, i, box, zoom)
        # The demo picker's buttons say who, nothing more ("Inwoner 4", not "Inwoner 4null").
        assert "null" not in page.locator("details.demo").inner_text()
        tasks.locator(".map").scroll_into_view_if_needed()
        copy_to_docs(page, f"newcomer-map-{name}")
        violations = axe_violations(page)
        if violations:
            found[f"map popup ({name})"] = violations
        shot(page, f"map-popup-{name}")
    assert not found, found


def test_the_demo_picker_names_a_resident_by_name_when_the_demo_gives_one(
    visit: Any, stack: Stack
) -> None:
    import json

    names = stack.manifest.parent / "demo-names.json"
    names.write_text(json.dumps({stack.account(ANNA): "Anouk"}), encoding="utf-8")
    try:
        visitor: Visitor = visit(None, "/gemeente")
        demo = visitor.page.locator("details.demo")
        expect(
            demo.get_by_role("button", name=re.compile(r"^Anouk \(inwoner \d+\)"))
        ).to_be_visible()
        expect(demo.get_by_role("button", name=re.compile(r"^Inwoner \d+"))).not_to_have_count(0)
    finally:
        names.unlink()


#: session.js, imported in the page from the URL index.html preloads it under.
IMPORT_SESSION = (
    "import(document.querySelector('link[rel=modulepreload][href$=\"/js/session.js\"]').href)"
)


def test_the_session_end_time_is_noticed_without_any_action(visit, stack: Stack) -> None:
    """The page knows when the session ends (expires_at): at that time it asks the API once
    and, the session gone, says so under the title with the sign-in, no click needed."""
    bram = visit(BRAM, "/burger")
    sign_in(bram)
    page = bram.page
    end_sessions(stack, stack.account(BRAM))
    # The page's session ends in a second (as after WESH_SESSION_TTL_S).
    page.evaluate(
        f"{IMPORT_SESSION}.then((s) => s.setSession({{ ...s.session(), "
        "expires_at: Math.floor(Date.now() / 1000) }))"
    )
    box = page.locator(".session-ended")
    expect(box).to_be_visible(timeout=10_000)
    expect(box.get_by_role("alert")).to_have_text(ENDED)
    expect(page.locator(".account .addr")).to_have_count(0)
    # Under the page's title, in view.
    expect(page.locator("#main h1 ~ .session-ended")).to_have_count(1)
    assert in_view(page, box)


def test_the_account_on_this_phone_signs_in_again_where_its_claim_was(visit, stack: Stack) -> None:
    """The built-in account, like a wallet: its session ends while it claims; the sign-in there
    is its one tap ("Aanmelden met deze telefoon"), and the page stays as it was."""
    phone = visit(None, "/burger")
    page = phone.page
    page.get_by_role("button", name="Doe mee met deze telefoon").click()
    page.locator(".account .addr").wait_for()
    address = str(page.evaluate(f"{IMPORT_ACCOUNT}.then((account) => account.storedAddress())"))
    officer = UnlockedSigner(stack.account(OFFICER))
    transact(stack.w3, stack.wesh.register_citizens([address], [1]), officer)  # type: ignore[arg-type]
    stack.wait_indexed()
    phone.go(f"/burger/klus/{stack.task_ids['stickers']}")
    expect(page.get_by_role("button", name="Klus aannemen", exact=True)).to_be_visible()
    end_sessions(stack, address)

    claim_task(page)
    box = page.locator(".session-ended")
    expect(box).to_be_visible(timeout=15_000)
    expect(box.get_by_role("alert")).to_have_text(ENDED)
    assert in_view(page, box)
    assert not FORBIDDEN.findall(box.inner_text())
    expect(box.get_by_role("button", name="Doe mee met deze telefoon")).to_have_count(0)
    box.get_by_role("button", name="Aanmelden met deze telefoon").click()
    expect(page.get_by_text("Je bent weer aangemeld. Probeer het nog een keer.")).to_be_visible()
    expect(page.locator(".account .addr")).to_be_visible()
    expect(page.locator(".session-ended")).to_have_count(0)
    # The page is as she left it: the claim button is there to press again (this stack has no
    # relayer, which the account on this phone needs to claim: test_web_account claims so).
    expect(page.get_by_role("button", name="Gelezen: klus aannemen")).to_be_visible()


def test_the_demo_picker_folds_away_residents_beyond_the_first_twelve(visit: Any) -> None:
    """``make demo``'s history brings 46 more residents: the picker lists twelve and folds the
    rest under "Meer inwoners (N)". The stack has only a few residents, so the real answer of
    GET /demo/accounts gets fifteen history residents added to it in the browser."""
    visitor: Visitor = visit(None, "/gemeente")
    page = visitor.page

    def more_residents(route: Any) -> None:
        real = route.fetch().json()
        extra = [
            {
                "address": "0x" + f"{0xD000 + i:040x}",
                "roles": ["citizen"],
                "citizen_id": 900 + i,
                "merchant_id": None,
                "name": "",
            }
            for i in range(15)
        ]
        route.fulfill(json=real + extra)

    page.route("**/demo/accounts", more_residents)
    page.reload()
    demo = page.locator("details.demo")
    demo.evaluate("(el) => { el.open = true; }")
    folded = demo.locator(".demo-accounts details")
    expect(folded.locator("summary")).to_have_text(re.compile(r"^Meer inwoners \(\d+\)$"))
    listed = demo.locator(".demo-accounts > ul > li").all_inner_texts()
    residents = [text for text in listed if re.match(r"^(Inwoner \d+|\w+ \(inwoner \d+\))", text)]
    assert len(residents) == 12, listed
    folded.locator("summary").click()
    expect(folded.get_by_role("button", name=re.compile(r"^Inwoner 914"))).to_be_visible()
