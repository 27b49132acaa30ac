"""Residents (issue #15): where to spend, and hearing about their tasks.

* The shops on /burger, from their public documents (name, kind, address, opening hours): with the
  location allowed (Playwright's geolocation permission and coordinates) the nearest first with
  its distance; without it the resident's own neighbourhood first, then by name (signed out: by
  name); the map shows them as pins. The location stays in the browser: no request carries it.
* The messages: the resident's hand-in is approved on chain, the notifier in the API process
  makes the message, the header says "Berichten, 1 nieuw", opening the messages marks them read.
  Notifications on this phone: Chromium without a push service cannot subscribe for real, so
  ``PushManager.subscribe`` is replaced at that edge (an init script) by one that returns the
  subscription of a push service on loopback (tests/push_service.py), keys made by this test as
  a browser would. Everything after that edge is real: the page posts the subscription, the API's
  notifier sends the approval with pywebpush, and the local service verifies the VAPID signature
  and decrypts the message.
* axe-core: 0 serious or critical on each new state at 360 and 1280 px.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from conftest import DESKTOP, PHONE, Visitor, axe_violations, copy_to_docs, shot, sign_in
from playwright.sync_api import Page, expect
from push_service import PushService
from webstack import BAKERY, CAFE, DEWI, OFFICER, SHOP_PLACES, Stack

from wesh.metadata import FolderStore, put_document, task_document
from wesh.signer import UnlockedSigner, transact

#: The Pancratiusplein, by the café; the Schandelerboord, by the bakery.
BY_THE_CAFE = {"latitude": 50.8884, "longitude": 5.9812}
BY_THE_BAKERY = {"latitude": 50.8972, "longitude": 5.9901}
BAKERY_NAME, CAFE_NAME = "Bakkerij Schandelen", "Café De Mijn"

#: PushManager replaced at the edge Chromium cannot pass (no push service here): subscribe()
#: returns the local push service's subscription; it is kept for the page's session.
FAKE_PUSH_JS = """
(() => {
  const sub = __SUBSCRIPTION__;
  const made = () => ({
    endpoint: sub.endpoint,
    toJSON: () => sub,
    unsubscribe: async () => { sessionStorage.removeItem('fake-push'); return true; },
  });
  PushManager.prototype.subscribe = async function (options) {
    window.__pushOptions = {
      userVisibleOnly: options.userVisibleOnly,
      keyBytes: options.applicationServerKey.byteLength,
    };
    sessionStorage.setItem('fake-push', '1');
    return made();
  };
  PushManager.prototype.getSubscription = async function () {
    return sessionStorage.getItem('fake-push') ? made() : null;
  };
})();
"""


def audit(page: Page, name: str, found: dict[str, Any]) -> None:
    """axe at phone and desktop width; what it finds goes into ``found``."""
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        shot(page, f"{name}-{label}")
        violations = axe_violations(page)
        if violations:
            found[f"{name}-{label}"] = violations
    page.set_viewport_size(PHONE)


def shop_names(page: Page) -> list[str]:
    return [name.strip() for name in page.locator("#shop-list .shop h3").all_inner_texts()]


@pytest.fixture(scope="module")
def push_service() -> Iterator[PushService]:
    service = PushService()
    yield service
    service.stop()


def test_the_shops_nearest_first_with_location_and_by_neighbourhood_without(
    visit: Any, stack: Stack
) -> None:
    found: dict[str, Any] = {}
    # Signed out, no location: by name; each shop with its kind, address and opening hours.
    guest = visit(None, "/burger")
    page = guest.page
    expect(page.get_by_role("heading", name="Waar kun je betalen?")).to_be_visible()
    expect(page.locator("#shop-list .shop")).to_have_count(2)
    assert shop_names(page) == [BAKERY_NAME, CAFE_NAME]
    expect(page.locator("#shop-order")).to_have_text("Op naam.")
    bakery = page.locator(".shop", has_text=BAKERY_NAME)
    expect(bakery).to_contain_text("Bakkerij")
    expect(bakery).to_contain_text("Schandelerboord 12, 6411 AA Heerlen")
    expect(bakery).to_contain_text(f"Open: {SHOP_PLACES[BAKERY][2]}")
    expect(page.locator(".shop", has_text=CAFE_NAME)).to_contain_text(SHOP_PLACES[CAFE][2])

    # Dewi lives in Centrum: the café (Centrum) first. Asked for her location, she does not
    # allow it: the page says so and keeps that order.
    dewi = visit(DEWI, "/burger")
    page = dewi.page
    sign_in(dewi)
    expect(page.locator("#shop-order")).to_contain_text("Eerst je eigen wijk (Centrum)")
    expect(page.locator("#shop-list .shop")).to_have_count(2)
    assert shop_names(page) == [CAFE_NAME, BAKERY_NAME]
    page.get_by_role("button", name="Dichtstbij eerst").click()
    expect(page.locator(".shops .status")).to_contain_text("Je locatie is niet gedeeld")
    assert shop_names(page) == [CAFE_NAME, BAKERY_NAME]
    expect(page.locator(".shop-distance")).to_have_count(0)

    # She allows it, standing by the bakery in Schandelen: the bakery first, with distances.
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url + (request.post_data or "")))
    dewi.context.grant_permissions(["geolocation"], origin=stack.api_url)
    dewi.context.set_geolocation(BY_THE_BAKERY)
    page.get_by_role("button", name="Dichtstbij eerst").click()
    expect(page.locator(".shops .status")).to_contain_text("Je locatie blijft op je telefoon")
    expect(page.locator(".shop-distance")).to_have_count(2)
    assert shop_names(page) == [BAKERY_NAME, CAFE_NAME]
    distances = page.locator(".shop-distance").all_inner_texts()
    assert re.fullmatch(r"Afstand: \d+ m", distances[0].replace("\n", " ")), distances
    assert re.search(r"1,\d km", distances[1]), distances
    audit(page, "residents-shops-nearest", found)
    copy_to_docs(page, "residents-shops-phone")
    # By the café: the café first.
    dewi.context.set_geolocation(BY_THE_CAFE)
    page.get_by_role("button", name="Dichtstbij eerst").click()
    expect(page.locator("#shop-list .shop").first).to_contain_text(CAFE_NAME)
    # The location never left the browser: no request named it.
    for coordinate in ("50.88", "50.89", "5.98", "5.99"):
        assert not [r for r in requests if coordinate in r], requests

    # The map: a pin for each shop, its popup names it.
    page.get_by_role("button", name="Plattegrond").click()
    pins = page.locator("#shop-map-slot .pin-shop")
    expect(pins).to_have_count(2)
    # The map may still be settling (fitting the pins, spreading them) when the first click
    # lands: click again until the popup opens, at most three times.
    bakery_pin = page.locator("#shop-map-slot .pin-shop[aria-label^='Bakkerij']")
    popup = page.locator(".leaflet-popup")
    for _ in range(3):
        bakery_pin.click()
        if popup.count() or page.wait_for_timeout(1500) or popup.count():
            break
    expect(popup).to_contain_text(BAKERY_NAME)
    # Leaflet fades a popup in: audit its colours once it is fully there, not halfway.
    expect(popup).to_have_css("opacity", "1")
    audit(page, "residents-shops-map", found)
    assert not found, found
    assert not [e for e in dewi.console_errors if "pageerror" in e], dewi.console_errors


def subscribed_language(stack: Stack) -> str | None:
    """The language of the (one) push subscription in the stack's database."""
    engine = sa.create_engine(stack.database_url)
    try:
        with engine.connect() as db:
            return db.execute(sa.text("SELECT lang FROM api_push_subscriptions")).scalar()
    finally:
        engine.dispose()


def commission(stack: Stack, title: str, duration: int = 7 * 86_400) -> int:
    """A small task of the city's (its document in the content store, then on chain)."""
    officer = UnlockedSigner(stack.account(OFFICER))
    now = int(stack.w3.eth.get_block("latest")["timestamp"])
    document = task_document(
        title=title,
        description="Veeg het blad van het pad bij de wijkpost.",
        neighbourhood=1,
        street="Pancratiusplein",
        lat=50.8881,
        lon=5.9813,
        reward=2_00,
        slots=1,
        claim_deadline=now + 30 * 86_400,
        claim_duration=duration,
        title_en=f"{title} (en)",
    )
    cid = put_document(FolderStore(stack.content_dir), document)
    tx = stack.wesh.commission_task(cid, 2_00, 1, now + 30 * 86_400, duration, 1)
    transact(stack.w3, tx, officer)  # type: ignore[arg-type]
    return int(stack.wesh.counts()[2])


def test_an_approval_reaches_the_inbox_and_the_phone(
    visit: Any, stack: Stack, push_service: PushService
) -> None:
    found: dict[str, Any] = {}
    phone = push_service.browser("dewi")
    subscription = phone.subscription()
    del subscription["lang"]
    dewi: Visitor = visit(DEWI, "/burger/berichten")
    dewi.context.grant_permissions(["notifications"], origin=stack.api_url)
    dewi.context.add_init_script(FAKE_PUSH_JS.replace("__SUBSCRIPTION__", json.dumps(subscription)))
    page = dewi.page
    sign_in(dewi)
    dewi.go("/burger/berichten")
    expect(page.get_by_role("heading", level=1, name="Berichten")).to_be_visible()
    # What was there before is read now: the header counts nothing.
    expect(page.locator("#inbox-link .count")).to_be_hidden()

    # Notifications on: the service worker is registered, the subscription is kept.
    page.get_by_role("button", name="Meldingen aanzetten").click()
    expect(page.get_by_text("Meldingen staan aan op deze telefoon.")).to_be_visible()
    assert page.evaluate("window.__pushOptions") == {"userVisibleOnly": True, "keyBytes": 65}
    assert page.evaluate("navigator.serviceWorker.getRegistration('/').then((r) => !!r)")
    api = stack.session(DEWI)
    try:
        assert api.get("/me/push").json() == {"subscriptions": 1}
    finally:
        api.close()
    audit(page, "residents-messages-push-on", found)

    # Her hand-in is approved (on chain, as the reviewer's page would).
    title = "Bladeren vegen bij de wijkpost"
    task = commission(stack, title)
    me = UnlockedSigner(stack.account(DEWI))
    transact(stack.w3, stack.wesh.claim_task(task), me)  # type: ignore[arg-type]
    transact(stack.w3, stack.wesh.submit(task, "bafkreidewileaves"), me)  # type: ignore[arg-type]
    officer = UnlockedSigner(stack.account(OFFICER))
    transact(stack.w3, stack.wesh.approve_submission(task, stack.account(DEWI)), officer)  # type: ignore[arg-type]
    stack.wait_indexed()

    # The push: delivered to her phone's push service, decrypted, nothing personal in it.
    deadline = time.monotonic() + 30
    while not push_service.delivered and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not push_service.refused, push_service.refused
    (delivery,) = push_service.delivered
    assert delivery.payload["body"] == "Je klus is goedgekeurd."
    assert delivery.payload["url"] == "/burger/berichten"
    assert title not in json.dumps(delivery.payload) and "2,00" not in json.dumps(delivery.payload)

    # The app: /burger says 1 new, the header too; opening the messages marks it read.
    dewi.go("/burger")
    link = page.locator("#inbox-link")
    expect(link).to_have_accessible_name("Berichten 1 nieuw")
    expect(link.locator(".count")).to_have_text("1")
    expect(page.locator(".inbox-card")).to_contain_text("Je hebt 1 nieuw bericht")
    audit(page, "residents-burger-unread", found)
    link.click()
    expect(page.get_by_role("heading", level=1, name="Berichten")).to_be_visible()
    message = page.locator(".message").first
    expect(message).to_contain_text(f"Goedgekeurd: {title}")
    expect(message).to_contain_text("Je kreeg € 2,00")
    expect(message.locator(".badge-new")).to_have_text("Nieuw")
    expect(link).to_have_accessible_name("Berichten")
    audit(page, "residents-messages-new", found)
    copy_to_docs(page, "residents-messages-phone")
    api = stack.session(DEWI)
    try:
        assert api.get("/me/notifications/unread").json() == {"unread": 0}
    finally:
        api.close()
    # In English too; the pushes follow: the messages page renews the subscription's language.
    page.locator("button.lang").filter(has_text="English").click()
    expect(page.locator(".message").first).to_contain_text(f"Approved: {title} (en)")
    expect(page.get_by_role("button", name="Turn notifications off")).to_be_visible()
    deadline = time.monotonic() + 10
    while subscribed_language(stack) != "en" and time.monotonic() < deadline:
        time.sleep(0.2)
    assert subscribed_language(stack) == "en"
    page.locator("button.lang").filter(has_text="Nederlands").click()
    expect(page.get_by_role("button", name="Meldingen uitzetten")).to_be_visible()

    # Notifications off again: the subscription is gone, the messages stay.
    page.get_by_role("button", name="Meldingen uitzetten").click()
    expect(page.get_by_text("Meldingen staan uit.")).to_be_visible()
    api = stack.session(DEWI)
    try:
        assert api.get("/me/push").json() == {"subscriptions": 0}
    finally:
        api.close()
    assert not found, found
    assert not [e for e in dewi.console_errors if "pageerror" in e], dewi.console_errors


def test_the_service_worker_is_served_from_the_root(stack: Stack) -> None:
    """/sw.js: the scope of the whole app, never cached long (a new version is found at once)."""
    reply = httpx.get(f"{stack.api_url}/sw.js", timeout=10)
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/javascript")
    assert reply.headers["cache-control"] == "no-cache"
    assert reply.headers["service-worker-allowed"] == "/"
    assert "showNotification" in reply.text


def test_a_rejection_and_a_claim_running_out_are_said_in_the_messages(
    visit: Any, stack: Stack
) -> None:
    """Dewi takes on a task of an hour (it runs out within the day: the notifier warns her) and
    hands in another, which is rejected: both are in her messages, with the reason and until
    when she can still act."""
    found: dict[str, Any] = {}
    me = UnlockedSigner(stack.account(DEWI))
    officer = UnlockedSigner(stack.account(OFFICER))
    soon = commission(stack, "Tegels vegen bij de bushalte", duration=3_600)
    transact(stack.w3, stack.wesh.claim_task(soon), me)  # type: ignore[arg-type]
    redo = commission(stack, "Plantenbak water geven")
    transact(stack.w3, stack.wesh.claim_task(redo), me)  # type: ignore[arg-type]
    transact(stack.w3, stack.wesh.submit(redo, "bafkreidewiplants"), me)  # type: ignore[arg-type]
    reject = stack.wesh.reject_submission(redo, stack.account(DEWI), 1)
    transact(stack.w3, reject, officer)  # type: ignore[arg-type]
    stack.wait_indexed()

    dewi: Visitor = visit(DEWI, "/burger")
    page = dewi.page
    sign_in(dewi)
    link = page.locator("#inbox-link")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        dewi.go("/burger")
        if link.locator(".count").inner_text() == "2":
            break
        time.sleep(1)
    expect(link).to_have_accessible_name("Berichten 2 nieuw")
    link.click()
    expect(page.get_by_role("heading", level=1, name="Berichten")).to_be_visible()
    rejected = page.locator(".message-rejected").first
    expect(rejected).to_contain_text("Afgekeurd: Plantenbak water geven")
    expect(rejected).to_contain_text("Reden: De foto's ontbreken of zijn onduidelijk.")
    expect(rejected).to_contain_text("nieuwe foto\u2019s inleveren of bezwaar maken")
    expiring = page.locator(".message-expiring").first
    expect(expiring).to_contain_text("Loopt bijna af: Tegels vegen bij de bushalte")
    expect(expiring).to_contain_text("Lever je foto\u2019s in vóór")
    audit(page, "residents-messages-rejected-expiring", found)
    expect(link).to_have_accessible_name("Berichten")
    assert not found, found
    assert not [e for e in dewi.console_errors if "pageerror" in e], dewi.console_errors
