"""The words a resident reads (issue #14, docs/onboarding.md "Words"): on every citizen page state
a resident can reach with the account on this phone — no wallet injected — the page says no fee,
no network name, no "0x", no "wallet", no "transactie" and no "blockchain", in Dutch and in
English.

What is read: the page's visible text (``document.body.innerText``), the <title>, and every
aria-label, title, alt text, aria-valuetext and placeholder; and, for the states that pass by
(status lines while an action runs, "Betaald"), every text that appeared on the page at all
(``record_texts``). Each state is read in Dutch, then switched to English with the page's own
language button and read again.

The states: /burger signed out; "Doe mee met deze telefoon" done but not registered (the start
page, a task page, the pay page); registered (the start page with tasks, a task page); a task
taken on; the photos handed in; the reward paid and the history; the message about it (the
start page saying it is new, with the first milestone reached, the messages page); reporting a
spot (the form, the report received, the report made a task); the pay
page of a shop's QR code with the account and after paying; a refused payment (balance too
low); an unknown payment code; and the pay page in a browser without any account.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import webstack
from conftest import HAND_IN, Visitor, claim_task
from photos import bench_photos
from playwright.sync_api import expect
from webstack import BAKERY, OFFICER, Stack

from demo.photos import phone_photo
from wesh.signer import UnlockedSigner, transact

#: What a resident must never read (case-insensitive; whole words where a word could be part of
#: another: "gas" is not in "gastvrij", "fee" not in "coffee").
FORBIDDEN = re.compile(
    r"netwerkkosten|transactiekosten|\bgas\b|\bfees?\b"
    r"|\banvil\b|\bgnosis\b|\bxdai\b|\bethereum\b|\bchains?\b|\bnetwerk\w*|\bnetworks?\b"
    r"|0x|\bwallets?\b|\btransacti\w*|blockchain",
    re.IGNORECASE,
)
#: The page's text as a resident meets it: visible text, the title and the texts of attributes
#: that screen readers and tooltips read out.
PAGE_TEXT_JS = """() => {
  const parts = [document.title, document.body.innerText];
  const names = ['aria-label', 'title', 'alt', 'aria-valuetext', 'placeholder'];
  for (const el of document.querySelectorAll(names.map((n) => `[${n}]`).join(','))) {
    for (const name of names) {
      const value = el.getAttribute(name);
      if (value) parts.push(value);
    }
  }
  return parts.join('\\n');
}"""


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """This module's own stack, with the relayer: the account on this phone only signs."""
    running = webstack.start(tmp_path_factory.mktemp("web-words-stack"), relayer=True)
    try:
        yield running
    finally:
        running.stop()


def jargon(text: str) -> list[str]:
    """The lines of ``text`` that use a forbidden word."""
    return [line for line in text.splitlines() if FORBIDDEN.search(line)]


def test_the_pattern_finds_the_jargon_and_leaves_plain_words_alone() -> None:
    """A guard for the test itself."""
    for bad in (
        "Meld je aan met je wallet",
        "kost een klein bedrag aan netwerkkosten",
        "Gnosis, chain 100",
        "WESH lokaal (anvil)",
        "0x12ab…34cd",
        "De transactie is verstuurd",
        "Sign in with your Wallet",
        "a small network fee",
        "Transaction sent",
        "De blockchain weigerde dit",
        "Je app staat op een ander netwerk",
    ):
        assert jargon(bad), bad
    for fine in (
        "Doe mee met deze telefoon",
        "Koffie en gebak: gastvrij",
        "€ 0,50 coffee",
        "Betaald bij Bakkerij Schandelen",
        "twaalf Heitjes en vijftig cent",
    ):
        assert not jargon(fine), fine


def read(visitor: Visitor, state: str, said: dict[str, list[str]]) -> None:
    """Reads the page as it is now in Dutch and, after the language button, in English (then
    back to Dutch); keeps each language's lines that use a forbidden word under ``state``."""
    page = visitor.page
    for lang, button in (("nl", "English"), ("en", "Nederlands")):
        page.wait_for_selector("#main[aria-busy='false']")
        expect(page.locator("html")).to_have_attribute("lang", lang)
        page.wait_for_load_state("networkidle")
        found = jargon(page.evaluate(PAGE_TEXT_JS))
        if found:
            said[f"{state} ({lang})"] = found
        page.locator("button.lang").filter(has_text=button).click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def register(stack: Stack, address: str, hood: int = 4) -> None:
    """The desk registers ``address`` (from the test: the desk's own page is another test's)."""
    officer = UnlockedSigner(stack.account(OFFICER))
    transact(stack.w3, stack.wesh.register_citizens([address], [hood]), officer)  # type: ignore[arg-type]
    stack.wait_indexed()


def make_task_of_report(stack: Stack, text: str) -> None:
    """The task manager makes a task of the resident's report (``POST /city/reports/{id}/task``,
    as /gemeente/klus?melding= sends it) and sends it from their own account; indexed."""
    city = stack.session(OFFICER)
    try:
        report = next(r for r in city.get("/city/reports").json()["items"] if r["text"] == text)
        now = int(stack.w3.eth.get_block("latest")["timestamp"])
        reply = city.post(
            f"/city/reports/{report['report_id']}/task",
            json={
                "title": "Zwerfvuil rapen langs het fietspad",
                "description": text,
                "neighbourhood": report["neighbourhood"],
                "street": "Fietspad",
                "lat": report["lat"],
                "lon": report["lon"],
                "reward": 500,
                "slots": 1,
                "claim_deadline": now + 30 * 86_400,
                "claim_duration": 86_400,
                "estimated_minutes": 30,
                "safety": "Draag handschoenen.",
                "not_regular_work": True,
            },
        )
        assert reply.status_code == 200, reply.text
        tx = reply.json()["tx"]
    finally:
        city.close()
    sent = stack.w3.eth.send_transaction({"from": tx["from"], "to": tx["to"], "data": tx["data"]})
    assert stack.w3.eth.wait_for_transaction_receipt(sent)["status"] == 1
    stack.wait_indexed()


def payment_request(stack: Stack, amount: int, note: str = "") -> str:
    """A payment request of the bakery (its own session, as its counter page makes it)."""
    shop = stack.session(BAKERY)
    try:
        created = shop.post("/merchant/payment-requests", json={"amount": amount, "note": note})
        assert created.status_code == 201, created.text
        return str(created.json()["reference"])
    finally:
        shop.close()


def test_no_citizen_page_says_fee_network_0x_wallet_transaction_or_blockchain(
    visit, stack: Stack, tmp_path: Path
) -> None:
    said: dict[str, list[str]] = {}
    task = stack.task_ids["bench"]

    # A browser without any account: the pay page says how to pay in the app instead.
    stranger = visit(None, f"/betalen/{payment_request(stack, 1250, 'Vlaai')}", record_texts=True)
    expect(stranger.page.get_by_role("heading", level=2, name="Deze telefoon doet nog niet mee"))
    read(stranger, "pay page, no account", said)
    stranger.go("/betalen/00000000000000ff")
    expect(stranger.page.locator("#main [role='alert']")).to_contain_text("bestaat niet")
    read(stranger, "pay page, unknown code", said)

    resident = visit(None, "/burger", record_texts=True)
    page = resident.page
    read(resident, "start page, signed out", said)
    resident.go(f"/burger/klus/{task}")
    read(resident, "task page, signed out", said)

    # "Doe mee met deze telefoon": an account, not registered yet.
    resident.go("/burger")
    page.get_by_role("button", name="Doe mee met deze telefoon").click()
    page.locator(".account .addr").wait_for()
    page.wait_for_selector("#main[aria-busy='false']")
    read(resident, "start page, joined, not registered", said)
    resident.go(f"/burger/klus/{task}")
    read(resident, "task page, not registered", said)
    resident.go(f"/betalen/{payment_request(stack, 300)}")
    read(resident, "pay page, not registered", said)
    address = page.evaluate(
        "import(document.querySelector('link[rel=modulepreload][href$=\"/js/account.js\"]').href)"
        ".then((account) => account.storedAddress())"
    )
    assert address

    # Registered: the start page with tasks, a task page.
    register(stack, address)
    resident.go("/burger")
    expect(page.locator("#balance")).to_be_visible()
    read(resident, "start page, registered", said)
    resident.go(f"/burger/klus/{task}")
    read(resident, "task page, registered", said)

    # A refused payment: the balance is too low (the API refuses before anything is signed).
    resident.go(f"/betalen/{payment_request(stack, 400)}")
    expect(page.locator(".status-error")).to_contain_text("te laag")
    read(resident, "pay page, balance too low", said)
    for lang, button_name in (("nl", "Betaal"), ("en", "Pay")):
        if lang == "en":
            page.locator("button.lang").filter(has_text="English").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        page.get_by_role("button", name=re.compile(f"^{button_name} ")).click()
        expect(page.locator(".status-error").last).to_be_visible()
        found = jargon(page.evaluate(PAGE_TEXT_JS))
        if found:
            said[f"pay refused ({lang})"] = found
    page.locator("button.lang").filter(has_text="Nederlands").click()

    # Taken on, handed in.
    resident.go(f"/burger/klus/{task}")
    claim_task(page)
    # Relayed actions wait for the relayer and the indexer: on a busy machine more than 5 s.
    expect(page.get_by_text("Je hebt de klus aangenomen. Succes!")).to_be_visible(timeout=30_000)
    read(resident, "task taken on", said)
    before, after = bench_photos(tmp_path)
    page.get_by_label("Foto vóór het werk").set_input_files(before)
    page.get_by_label("Foto na het werk").set_input_files(after)
    page.get_by_role("button", name=HAND_IN).click()
    expect(page.locator(".claim-state")).to_have_text(re.compile("Ingeleverd"), timeout=30_000)
    read(resident, "photos handed in", said)
    resident.go("/burger")
    read(resident, "start page, work handed in", said)

    # Approved and paid; the history names the task.
    officer = UnlockedSigner(stack.account(OFFICER))
    transact(stack.w3, stack.wesh.approve_submission(task, address), officer)  # type: ignore[arg-type]
    stack.wait_indexed()
    resident.go("/burger/geschiedenis")
    expect(page.get_by_text("Beloning voor: Bankje schilderen in het Aambos")).to_be_visible()
    read(resident, "history, reward", said)
    # The message about it (the notifier in the API makes it within seconds), and the start
    # page that says a message is new (and lists the shops).
    deadline = time.monotonic() + 30
    resident.go("/burger")
    while not page.locator(".inbox-card").count() and time.monotonic() < deadline:
        time.sleep(1)
        resident.go("/burger")
    expect(page.locator(".inbox-card")).to_be_visible()
    # ... and the resident's milestones: the first task reached (engagement.js, issue #16).
    expect(page.locator("section.engagement .milestone.reached")).to_have_count(1)
    read(resident, "start page, a new message, a first milestone", said)
    resident.go("/burger/berichten")
    expect(page.get_by_text("Goedgekeurd: Bankje schilderen in het Aambos")).to_be_visible()
    read(resident, "messages", said)

    # Reporting a spot (reports.js, issue #16): the form, the report received, and the report
    # that the city made a task of (in one step, here through the API as its page does it).
    resident.go("/burger/melden")
    page.locator(".map-slot .map").wait_for()
    read(resident, "report form", said)
    spot = tmp_path / "plek.jpg"
    spot.write_bytes(phone_photo(width=800, height=600, seed=5))
    page.get_by_label("Foto van de plek").set_input_files(spot)
    page.get_by_label("Wat is er aan de hand?").fill("Zwerfvuil langs het fietspad")
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_text("Dank je wel! Je melding is ontvangen.")).to_be_visible()
    read(resident, "start page, report received", said)
    make_task_of_report(stack, "Zwerfvuil langs het fietspad")
    deadline = time.monotonic() + 30
    resident.go("/burger")
    while not page.locator("li.report-task").count() and time.monotonic() < deadline:
        time.sleep(1)
        resident.go("/burger")
    expect(page.locator("li.report-task .report-became")).to_be_visible()
    read(resident, "start page, report became a task", said)

    # Paying at the bakery by its QR link, in Dutch and then in English.
    for lang, amount, paid in (("nl", 1250, "Betaald"), ("en", 275, "Paid")):
        resident.go(f"/betalen/{payment_request(stack, amount, 'Vlaai')}")
        if lang == "en":
            read(resident, "pay page with the account", said)
            page.locator("button.lang").filter(has_text="English").click()
            expect(page.locator("html")).to_have_attribute("lang", "en")
        page.get_by_role("button", name=re.compile("^(Betaal|Pay) ")).click()
        expect(page.locator(".pay-outcome .paid")).to_have_text(re.compile(paid), timeout=30_000)
        expect(page.locator(".balance-after")).to_be_visible()
        found = jargon(page.evaluate(PAGE_TEXT_JS))
        if found:
            said[f"paid ({lang})"] = found
    page.locator("button.lang").filter(has_text="Nederlands").click()
    resident.go("/burger/geschiedenis")
    expect(page.get_by_text("Betaald bij Bakkerij Schandelen").first).to_be_visible()
    read(resident, "history, paid", said)

    # Everything that appeared at all, status lines while an action ran included.
    for visitor, who in ((resident, "resident"), (stranger, "stranger")):
        passing = [text for text in visitor.seen if FORBIDDEN.search(text)]
        if passing:
            said[f"texts that appeared ({who})"] = passing[:10]
    assert not said, said
    assert not [e for e in resident.console_errors if "pageerror" in e], resident.console_errors
