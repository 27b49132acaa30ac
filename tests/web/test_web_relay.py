"""The city pays the fees (issue #13), in Chromium: with the relayer on, citizens, shops and city
staff whose accounts hold none of the chain's own coin do the whole journey — claim, hand in
photos, the reviewer approves, pay at a shop through its QR link, the shop cashes in, the
treasurer settles — by signing requests (``eth_signTypedData_v4``), never sending a transaction;
the pages say every step in plain words and never show a fee; the balances are 0 from start to
end. A refusal of the relayer (a spent quota) is said in its own words; with the relayer's sender
stopped the page offers to send it oneself, which works for someone whose wallet holds the coin
and is said as "not enough" (not "you cancelled") for someone whose wallet does not.

These tests run their own stack (``webstack.start(..., relayer=True)``: anvil, indexer, API and
``python -m relayer`` with one of anvil's dev accounts); the rest of the suite runs without the
relayer, on the prepared-transaction path.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
import webstack
from conftest import DESKTOP, HAND_IN, PHONE, Visitor, amount_pattern, claim_task, rx, sign_in
from photos import bench_photos
from playwright.sync_api import expect
from webstack import ANNA, BAKERY, BRAM, CAFE, DEWI, OFFICER, Stack

from relayer.journal import Journal
from relayer.journal import requests as journal_requests

#: What a page must never say while the city pays: a fee, gas, a transaction, the coin.
FEE = re.compile(r"kosten|transacti|\bgas\b|\bfees?\b|\bx?dai\b|\bgwei\b|\bwei\b|\beth\b", re.I)
#: The offer to send it oneself (only when the relayer cannot pay).
DIRECT = "Zelf versturen met je eigen app (dat kost je een klein bedrag)"
RAW = re.compile(r"0x[0-9a-fA-F]{8,}|Traceback|execution reverted|forwarder:")


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """This module's own stack, with the relayer (overrides the suite's stack without it)."""
    running = webstack.start(tmp_path_factory.mktemp("web-relay-stack"), relayer=True)
    try:
        yield running
    finally:
        running.stop()


def native_balance(stack: Stack, who: int) -> int:
    return int(stack.w3.eth.get_balance(stack.account(who)))  # type: ignore[arg-type]


def set_native_balance(stack: Stack, who: int, wei: int) -> None:
    stack.rpc("anvil_setBalance", stack.account(who), hex(wei))
    assert native_balance(stack, who) == wei


def steps(visitor: Visitor) -> list[str]:
    """The texts of the status lines this visitor saw, in order (each once in a row)."""
    out: list[str] = []
    for text in visitor.seen:
        if not out or out[-1] != text:
            out.append(text)
    return out


def assert_no_fee_shown(visitor: Visitor) -> None:
    """No text on any of this visitor's pages named a fee (nor did a page fail)."""
    assert visitor.seen, "nothing was recorded"
    shown = [text for text in visitor.seen if FEE.search(text)]
    assert shown == [], shown
    assert not [e for e in visitor.console_errors if "pageerror" in e], visitor.console_errors


def relayed_calls(stack: Stack, who: int) -> list[tuple[str, str]]:
    """The requests the relayer journaled for ``who``: (function, state), oldest first."""
    engine = sa.create_engine(stack.database_url)
    try:
        with engine.connect() as db:
            rows = db.execute(
                sa.select(journal_requests.c.function, journal_requests.c.state)
                .where(sa.func.lower(journal_requests.c.signer) == stack.account(who).lower())
                .order_by(journal_requests.c.created_at)
            ).all()
    finally:
        engine.dispose()
    return [(str(row.function), str(row.state)) for row in rows]


def assert_said_in_order(visitor: Visitor, *texts: str) -> None:
    """Each of ``texts`` appeared on this visitor's pages, in this order."""
    seen = steps(visitor)
    position = 0
    for text in texts:
        found = next((i for i in range(position, len(seen)) if text in seen[i]), None)
        said = [line for line in seen[position:] if len(line) < 200]
        assert found is not None, f"{text!r} was not said; after {texts[:1]}: {said}"
        position = found + 1


def test_whole_journey_with_no_native_coin_the_city_pays(visit, stack: Stack, tmp_path: Path):
    task = stack.task_ids["bench"]
    title = "Bankje schilderen in het Aambos"
    people = (ANNA, BAKERY, OFFICER)  # citizen, shop, reviewer and treasurer
    for who in people:
        set_native_balance(stack, who, 0)
    sent_before = {who: stack.w3.eth.get_transaction_count(stack.account(who)) for who in people}  # type: ignore[arg-type]

    # --- the citizen claims the task and hands in photos: she signs, the city sends
    anna = visit(ANNA, f"/burger/klus/{task}", record_texts=True)
    sign_in(anna)
    phone = anna.page
    expect(phone.get_by_role("heading", level=1)).to_have_text(title)
    claim_task(phone)
    expect(phone.get_by_text("Je hebt de klus aangenomen. Succes!")).to_be_visible()
    assert_said_in_order(
        anna,
        f"Bevestig in je app: Klus {task} aannemen",
        "Ontvangen. Het wordt zo verstuurd",
        "Verwerkt. Het overzicht wordt bijgewerkt",
    )
    signed = anna.wallet_calls("eth_signTypedData_v4")[0]["params"]
    assert signed[0] == stack.account(ANNA)
    assert isinstance(signed[1], str), "a wallet takes the typed data as a JSON string"
    before, after = bench_photos(tmp_path)
    phone.get_by_label("Foto vóór het werk").set_input_files(before)
    phone.get_by_label("Foto na het werk").set_input_files(after)
    phone.get_by_role("button", name=HAND_IN).click()
    expect(phone.get_by_text("Ingeleverd! Je hoort het als de gemeente")).to_be_visible()
    expect(phone.locator(".claim-state")).to_have_text(re.compile("Ingeleverd"))
    assert_said_in_order(anna, "Foto\u2019s uploaden", "Bevestig in je app", "Verwerkt")
    anna.go("/burger")
    expect(phone.locator("#balance")).to_have_text(amount_pattern(0))

    # --- the reviewer approves: the reward reaches the citizen's open page
    city = visit(OFFICER, "/gemeente/beoordelen", viewport=DESKTOP, record_texts=True)
    sign_in(city)
    page = city.page
    item = page.locator("li.review", has_text=title)
    item.get_by_role("button", name="Goedkeuren en betalen").click()
    expect(page.get_by_text("Goedgekeurd en betaald.")).to_be_visible()
    assert_said_in_order(city, "Bevestig in je app: Het werk aan klus", "Verwerkt")
    expect(phone.locator("#balance")).to_have_text(amount_pattern(25_00), timeout=15_000)

    # --- the shop asks for € 4,25 with a QR code; the citizen pays through its link
    shop = visit(BAKERY, "/winkel", viewport=PHONE, record_texts=True)
    sign_in(shop)
    counter = shop.page
    counter.get_by_label("Bedrag in euro").first.fill("4,25")
    counter.get_by_role("button", name="Maak QR-code").click()
    expect(counter.get_by_text(rx("Wacht op betaling van € 4,25"))).to_be_visible()
    link = counter.locator("a.pay-link").get_attribute("href")
    assert link
    anna.page.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Betalen bij Bakkerij Schandelen")
    phone.get_by_role("button", name=rx("Betaal € 4,25")).click()
    expect(phone.locator(".paid")).to_have_text(re.compile("Betaald"))
    expect(phone.get_by_text("Betaald! Laat dit scherm zien aan de winkel.")).to_be_visible()
    assert_said_in_order(anna, "Bevestig in je app: € 4,25 betalen aan Bakkerij Schandelen")
    # People, not addresses: the shop sees the payer's neighbourhood (Anna lives in Schandelen).
    payer = "inwoner uit Schandelen"
    expect(counter.locator(".paid-by")).to_have_text(
        rx(f"€ 4,25 betaald door {payer}"), timeout=10_000
    )

    # --- the shop cashes in (its network holds event streams back: the page asks every
    # second instead); the treasurer settles; the shop sees "uitbetaald"
    expect(counter.locator("#balance")).to_have_text(amount_pattern(4_25))
    counter.route(re.compile(r"/relay/requests/[0-9a-f-]+/events$"), lambda route: route.abort())
    polled: list[str] = []
    counter.on(
        "request",
        lambda request: (
            polled.append(request.url)
            if re.search(r"/relay/requests/[0-9a-f-]+$", request.url)
            else None
        ),
    )
    cash = counter.get_by_label("Bedrag in euro").nth(1)
    expect(cash).to_have_value("4,25")
    counter.get_by_role("button", name="Inwisselen").click()
    expect(counter.get_by_text("Aangevraagd. De gemeente maakt het geld over.")).to_be_visible()
    assert_said_in_order(shop, "Bevestig in je app: € 4,25 inwisselen", "Ontvangen", "Verwerkt")
    assert polled, "the shop's page did not ask for the request's state"
    city.go("/gemeente/uitbetalingen")
    expect(page.get_by_label(rx("Bakkerij Schandelen · € 4,25"))).to_be_checked()
    page.get_by_label("Betalingskenmerk van de bank").fill("SEPA-2026-12-0042")
    page.get_by_role("button", name="Markeer als betaald").click()
    expect(page.get_by_text("Gemarkeerd als betaald.")).to_be_visible()
    expect(counter.locator(".cashouts")).to_contain_text(
        "uitbetaald (kenmerk SEPA-2026-12-0042)", timeout=15_000
    )

    # Every action went through the relayer; nobody sent a transaction of their own, no page
    # showed a fee, and nobody holds any of the chain's coin.
    for visitor in (anna, city, shop):
        assert_no_fee_shown(visitor)
        assert visitor.wallet_calls("eth_sendTransaction") == []
    done = {"mined", "confirmed"}
    assert [(f, s in done) for f, s in relayed_calls(stack, ANNA)] == [
        ("claim", True),
        ("submit", True),
        ("pay", True),
    ]
    assert [(f, s in done) for f, s in relayed_calls(stack, OFFICER)] == [
        ("approve_submission", True),
        ("mark_paid", True),
    ]
    assert [(f, s in done) for f, s in relayed_calls(stack, BAKERY)] == [("redeem", True)]
    for who in people:
        assert native_balance(stack, who) == 0, stack.account(who)
        assert stack.w3.eth.get_transaction_count(stack.account(who)) == sent_before[who]  # type: ignore[arg-type]


def test_a_spent_quota_is_said_in_words_and_nothing_is_sent(visit, stack: Stack) -> None:
    """The relayer refuses Dewi's request (her quota for today is 0): the page shows the
    refusal's own words, offers no way around it, and the claim did not happen."""
    journal = Journal(sa.create_engine(stack.database_url))
    subject = f"signer:{stack.account(DEWI).lower()}"
    journal.set_override(subject, 0)
    try:
        task = stack.task_ids["weeds"]
        dewi = visit(DEWI, f"/burger/klus/{task}", record_texts=True)
        sign_in(dewi)
        page = dewi.page
        claim_task(page)
        error = page.locator(".task-actions .status-error")
        expect(error).to_contain_text("acties laten versturen, het maximum per dag")
        expect(error).to_contain_text("Morgen kan het weer.")
        assert not RAW.search(page.locator("#main").inner_text())
        expect(page.get_by_role("button", name=DIRECT)).to_have_count(0)
        assert dewi.wallet_calls("eth_signTypedData_v4")
        assert dewi.wallet_calls("eth_sendTransaction") == []
        # Nothing changed: the task is still hers to take on.
        dewi.go(f"/burger/klus/{task}")
        expect(page.get_by_role("button", name="Klus aannemen")).to_be_visible()
        # In English the same refusal comes in English.
        page.get_by_role("button", name="Switch to English").click()
        page.get_by_role("button", name="Take on this task", exact=True).click()
        page.get_by_role("button", name="Read: take on this task").click()
        expect(page.locator(".task-actions .status-error")).to_contain_text(
            "the most per day. You can again tomorrow."
        )
    finally:
        journal.set_override(subject, None)


def test_the_demo_wallet_signs_relayed_requests_too(visit, stack: Stack) -> None:
    """On the demo chain the picker's wallet (anvil's accounts through /demo/rpc) signs the
    request: the café, with none of the coin, cashes in its takings."""
    set_native_balance(stack, CAFE, 0)
    guest = visit(None, "/winkel", record_texts=True)
    page = guest.page
    page.get_by_role("button", name=re.compile("Winkel: Café De Mijn")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Winkel: Café De Mijn")
    expect(page.locator("#balance")).to_have_text(rx("€ 3,50"))
    page.get_by_role("button", name="Inwisselen").click()
    expect(page.get_by_text("Aangevraagd. De gemeente maakt het geld over.")).to_be_visible()
    assert_said_in_order(guest, "Bevestig in je app: € 3,50 inwisselen", "Ontvangen", "Verwerkt")
    assert_no_fee_shown(guest)
    assert [(f, s in {"mined", "confirmed"}) for f, s in relayed_calls(stack, CAFE)] == [
        ("redeem", True)
    ]
    assert native_balance(stack, CAFE) == 0


def relayer_address(stack: Stack) -> str:
    reply = httpx.get(f"{stack.api_url}/relay", timeout=5)
    assert reply.status_code == 200, reply.text
    return str(reply.json()["relayer"])


def claim_through_the_offer(visit, stack: Stack, who: int, task: int, why: str) -> None:
    """Claims ``task`` as ``who`` while the relayer cannot send: the page says ``why`` and offers
    to send it oneself; without the coin the wallet's refusal is said as "not enough for the
    network fee" (never "you cancelled"); with it the same button sends the claim."""
    set_native_balance(stack, who, 0)
    person = visit(who, f"/burger/klus/{task}")
    sign_in(person)
    page = person.page
    claim_task(page)
    offer = page.get_by_role("button", name=DIRECT)
    expect(offer).to_be_visible(timeout=30_000)
    error = page.locator(".task-actions .status-error")
    expect(error).to_contain_text(why)
    assert not RAW.search(page.locator("#main").inner_text())
    assert person.wallet_calls("eth_sendTransaction") == []
    offer.click()
    expect(error).to_contain_text("Je app heeft niet genoeg tegoed om dit zelf te versturen")
    expect(error).not_to_contain_text("geannuleerd")
    assert len(person.wallet_calls("eth_sendTransaction")) == 1
    set_native_balance(stack, who, 10**18)
    offer.click()
    expect(page.get_by_text("Je hebt de klus aangenomen. Succes!")).to_be_visible()
    expect(offer).to_have_count(0)
    assert len(person.wallet_calls("eth_sendTransaction")) == 2
    assert native_balance(stack, who) < 10**18


def test_a_relayer_out_of_funds_offers_to_send_it_oneself(visit, stack: Stack) -> None:
    relayer = relayer_address(stack)
    funds = int(stack.w3.eth.get_balance(relayer))  # type: ignore[arg-type]
    stack.rpc("anvil_setBalance", relayer, "0x0")
    try:
        claim_through_the_offer(
            visit,
            stack,
            BRAM,
            stack.task_ids["stickers"],
            "De gemeente kan de kosten nu niet betalen",
        )
    finally:
        stack.rpc("anvil_setBalance", relayer, hex(funds))


def test_the_city_dashboard_shows_what_is_left_for_network_fees(visit, stack: Stack) -> None:
    """The overview's "Netwerkkosten" card: the relayer's balance in coins, days left at the last
    seven days' rate, today's spending against the daily budget (GET /relay/status)."""
    status = httpx.get(f"{stack.api_url}/relay/status", timeout=10).json()
    balance = int(status["balance_wei"])
    whole, fraction = divmod(balance, 10**18)
    shown = f"{whole:,}".replace(",", ".") + f",{fraction // 10**14:04d} ETH"
    city = visit(OFFICER, "/gemeente", viewport=DESKTOP)
    sign_in(city)
    card = city.page.get_by_role("region", name="Netwerkkosten")
    expect(card).to_be_visible()
    expect(card.get_by_text(shown)).to_be_visible()
    days = card.locator("dd").nth(1)
    if status["days_left"] is None:
        expect(days).to_have_text("nog niets uitgegeven deze week")
    else:
        expect(days).to_have_text(re.compile(r"ongeveer \d+ dagen"))
    expect(card.get_by_text(re.compile(r" / .* ETH$"))).to_be_visible()


def test_with_the_relayer_stopped_the_page_offers_to_send_it_oneself(visit, stack: Stack):
    """The sender is down: the relayer does not accept what nobody would send, and the page
    offers the direct path."""
    stack.stop_relayer()
    try:
        claim_through_the_offer(visit, stack, DEWI, stack.task_ids["weeds"], "De gemeente kan")
    finally:
        stack.start_relayer()
