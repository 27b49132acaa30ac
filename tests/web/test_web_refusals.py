"""Refusals as people meet them: every one in words, Dutch first, with what to do next — never a
stack trace, a status code or a revert string."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import DESKTOP, HAND_IN, claim_task, rx, shot, sign_in
from photos import bench_photos
from playwright.sync_api import expect
from web3 import Web3
from webstack import ANNA, BRAM, CAS, DEWI, OFFICER, REVIEWER2, Stack

from wesh.signer import UnlockedSigner, transact

RAW = re.compile(r"0x[0-9a-fA-F]{8,}|Traceback|execution reverted|tasks:|cap:|review:|appeal:")


def assert_no_raw_errors(text: str) -> None:
    """Nothing technical leaks into what a person reads (addresses are shown short, with "…")."""
    assert not RAW.search(text), text


def test_yearly_cap_reached_is_explained_in_dutch_and_english(visit, stack: Stack) -> None:
    cas = visit(CAS, f"/burger/klus/{stack.task_ids['bench']}")
    sign_in(cas)
    page = cas.page
    claim_task(page)
    error = page.locator(".status-error")
    expect(error).to_contain_text("Je jaarlimiet is bereikt")
    assert_no_raw_errors(page.locator("#main").inner_text())
    shot(page, "refusal-cap-phone")
    # The start page shows the cap as full, in words and in the bar.
    cas.go("/burger")
    expect(page.locator(".cap-text")).to_contain_text(rx("€ 100,00 van € 100,00 verdiend"))
    expect(page.get_by_text("Je jaarlimiet is bereikt.")).to_be_visible()
    # In English the same refusal comes in English (the API answers per Accept-Language).
    page.get_by_role("button", name="Switch to English").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Tasks in Heerlen")
    cas.go(f"/burger/klus/{stack.task_ids['bench']}")
    page.get_by_role("button", name="Take on this task", exact=True).click()
    page.get_by_role("button", name="Read: take on this task").click()
    expect(page.locator(".status-error")).to_contain_text("You have reached your yearly limit")


def test_claim_that_expired_cannot_be_handed_in(visit, stack: Stack, tmp_path: Path) -> None:
    dewi = visit(DEWI, f"/burger/klus/{stack.task_ids['graffiti']}")
    sign_in(dewi)
    page = dewi.page
    claim_task(page)
    expect(page.get_by_text("Je hebt de klus aangenomen. Succes!")).to_be_visible()
    # Two hours pass on the chain; the task gave one hour.
    stack.travel(2 * 3600)
    before, after = bench_photos(tmp_path)
    page.get_by_label("Foto vóór het werk").set_input_files(before)
    page.get_by_label("Foto na het werk").set_input_files(after)
    page.get_by_role("button", name=HAND_IN).click()
    expect(page.locator(".evidence .status-error")).to_contain_text(
        "De tijd voor deze klus is verlopen. Neem een nieuwe klus aan."
    )
    assert_no_raw_errors(page.locator("#main").inner_text())
    shot(page, "refusal-expired-phone")


def test_wrong_network_is_named_and_switched_by_adding_the_chain(visit, stack: Stack) -> None:
    """The wallet is on Ethereum mainnet and does not know the WESH chain: the page says so, and
    its button switches the wallet, adding the chain first (EIP-3085 after a 4902 refusal)."""
    anna = visit(ANNA, f"/burger/klus/{stack.task_ids['weeds']}", chain_id=1, known_chains=[1])
    sign_in(anna)
    page = anna.page
    banner = page.locator("#banner [role='alert']")
    expect(banner).to_contain_text("Je wallet staat op een ander netwerk (Ethereum, chain 1)")
    # Trying anyway is refused by the page with the same words, before the wallet is asked.
    claim_task(page)
    expect(page.locator(".task-actions .status-error")).to_contain_text(
        "Je wallet staat op een ander netwerk"
    )
    assert not anna.wallet_calls("eth_sendTransaction")
    shot(page, "refusal-wrong-network-phone")
    banner.get_by_role("button", name="Wissel naar WESH lokaal (anvil)").click()
    expect(page.get_by_text("Je wallet staat nu op het goede netwerk.")).to_be_visible()
    expect(page.locator("#banner [role='alert']")).to_have_count(0)
    switch = anna.wallet_calls("wallet_switchEthereumChain")
    added = anna.wallet_calls("wallet_addEthereumChain")
    assert switch[0]["params"] == [{"chainId": "0x7a69"}]
    assert added[0]["params"][0]["chainId"] == "0x7a69"
    assert added[0]["params"][0]["rpcUrls"] == [stack.node.url]
    claim_task(page)
    expect(page.get_by_text("Je hebt de klus aangenomen. Succes!")).to_be_visible()


def test_no_wallet_says_what_to_do_and_the_demo_picker_signs_in(visit, stack: Stack) -> None:
    guest = visit(None, "/gemeente")
    page = guest.page
    expect(page.get_by_role("heading", name="Geen wallet gevonden")).to_be_visible()
    expect(page.get_by_text("Open deze pagina in de browser van je wallet-app")).to_be_visible()
    shot(page, "no-wallet-phone")
    # A shop without an app of its own joins with this phone (tests/web/test_web_shop_join.py).
    guest.go("/winkel")
    expect(page.get_by_role("button", name="Doe mee met deze telefoon")).to_be_visible()
    # The citizen list still works without a wallet.
    guest.go("/burger")
    expect(page.locator(".task-list li").first).to_be_visible()
    # On the demo chain, a demo account signs in through the API's /demo/rpc.
    guest.go("/winkel")
    page.get_by_role("button", name=re.compile("Winkel: Café De Mijn")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Winkel: Café De Mijn")
    # A shop is named by its number in the header, never by its address.
    expect(page.locator(".account .addr")).to_have_text(re.compile(r"^Winkel \d+$"))
    expect(page.locator("#balance")).to_have_text(rx("€ 3,50"))
    page.get_by_role("button", name="Inwisselen").click()
    expect(page.get_by_text("Aangevraagd. De gemeente maakt het geld over.")).to_be_visible()


def test_rejected_evidence_shows_its_reason_and_an_appeal_is_decided_by_another_reviewer(
    visit, stack: Stack, tmp_path: Path
) -> None:
    task = stack.task_ids["stickers"]
    bram = visit(BRAM, f"/burger/klus/{task}")
    sign_in(bram)
    phone = bram.page
    claim_task(phone)
    expect(phone.get_by_text("Je hebt de klus aangenomen. Succes!")).to_be_visible()
    before, after = bench_photos(tmp_path)
    phone.get_by_label("Foto vóór het werk").set_input_files(before)
    phone.get_by_label("Foto na het werk").set_input_files(after)
    phone.get_by_role("button", name=HAND_IN).click()
    expect(phone.get_by_text("Ingeleverd! Je hoort het als de gemeente")).to_be_visible()

    city = visit(OFFICER, "/gemeente/beoordelen", viewport=DESKTOP)
    sign_in(city)
    page = city.page
    item = page.locator("li.review", has_text="Stickers verwijderen van lantaarnpalen")
    # The choice has a short name; the resident's sentence shows under it (issue #15).
    item.get_by_label("Reden van afkeuren").select_option(label="Niet op de plek gemaakt")
    expect(item.locator(".reason-reads")).to_have_text(
        "De inwoner leest: De foto's zijn niet op de plek van de klus gemaakt."
    )
    item.get_by_role("button", name="Afkeuren").click()
    expect(page.get_by_text("Afgekeurd. De inwoner ziet de reden.")).to_be_visible()

    bram.go(f"/burger/klus/{task}")
    expect(phone.locator(".claim-state")).to_have_text(
        "Afgekeurd. Reden: De foto's zijn niet op de plek van de klus gemaakt."
    )
    expect(phone.get_by_text("opnieuw inleveren vóór")).to_be_visible()
    shot(phone, "refusal-rejected-phone")
    phone.get_by_role("button", name="Bezwaar maken").click()
    expect(phone.get_by_text("Je bezwaar is ingediend.")).to_be_visible()
    expect(phone.locator(".claim-state")).to_have_text(
        "Bezwaar ingediend. Een andere beoordelaar kijkt ernaar."
    )

    # The reviewer who rejected may not decide the appeal: told so in words.
    city.go("/gemeente/bezwaren")
    appeal = page.locator("li.review", has_text="Stickers verwijderen van lantaarnpalen")
    earlier = appeal.get_by_text("Eerder afgekeurd om: De foto's zijn niet op de plek")
    expect(earlier).to_be_visible()
    appeal.get_by_role("button", name="Bezwaar toekennen en betalen").click()
    expect(appeal.locator(".status-error")).to_contain_text(
        "Een bezwaar moet worden beoordeeld door een andere beoordelaar"
    )
    assert_no_raw_errors(appeal.inner_text())

    other = visit(REVIEWER2, "/gemeente/bezwaren", viewport=DESKTOP)
    sign_in(other)
    other.page.locator("li.review", has_text="Stickers verwijderen").get_by_role(
        "button", name="Bezwaar toekennen en betalen"
    ).click()
    expect(other.page.get_by_text("Het bezwaar is beslist.")).to_be_visible()
    shot(other.page, "city-appeals-desktop")

    bram.go(f"/burger/klus/{task}")
    expect(phone.locator(".claim-state")).to_have_text(rx("Goedgekeurd en betaald: € 7,50."))


def test_batch_approval_pays_every_selected_submission(visit, stack: Stack) -> None:
    w3: Web3 = stack.w3
    cid = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
    for who, key in ((DEWI, "bench"), (BRAM, "weeds")):
        signer = UnlockedSigner(stack.account(who))
        transact(w3, stack.wesh.claim_task(stack.task_ids[key]), signer)
        transact(w3, stack.wesh.submit(stack.task_ids[key], cid), signer)
    stack.wait_indexed()
    balances = {who: stack.wesh.balance_of(stack.account(who)) for who in (DEWI, BRAM)}
    city = visit(OFFICER, "/gemeente/beoordelen", viewport=DESKTOP)
    sign_in(city)
    page = city.page
    for title in ("Bankje schilderen in het Aambos", "Onkruid wieden in de plantenbakken"):
        page.locator("li.review", has_text=title).get_by_label(
            "Selecteer voor goedkeuren in één keer"
        ).check()
    # The reviewer is further down the list; the batch bar stays at the top of the screen, and
    # the message appears there, in view (issue #15, defect 5).
    page.locator(
        "li.review", has_text="Onkruid wieden in de plantenbakken"
    ).scroll_into_view_if_needed()
    page.get_by_role("button", name="2 geselecteerde goedkeuren").click()
    done = page.get_by_text("2 inzendingen goedgekeurd en betaald.")
    expect(done).to_be_visible()
    assert done.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    assert stack.wesh.balance_of(stack.account(DEWI)) == balances[DEWI] + 25_00
    assert stack.wesh.balance_of(stack.account(BRAM)) == balances[BRAM] + 12_00
