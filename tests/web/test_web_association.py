"""A neighbourhood association at the desk (issue #14, docs/onboarding.md), in Chromium, against a
stack with the city's relayer.

GMS's account (a wallet with no city role) is granted Schandelen and Bekkerveld by the registrar on
the neighbourhood desk contract. Signed in, /gemeente opens the desk ('Balie') and nothing else;
the neighbourhood picker holds only GMS's two; there is no 'new phone' card (moving a resident's
money stays with the city's desk). A resident with no wallet joins and shows the code; GMS types
it, picks Schandelen and registers (relayed: GMS sends nothing itself); the resident's page turns
to 'Je bent aangemeld, in Schandelen' by itself, and the desk contract's event names GMS. axe: 0
serious or critical findings on GMS's desk at 360 and 1280 px.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
import webstack
from conftest import DESKTOP, PHONE, Visitor, axe_violations, shot, sign_in
from playwright.sync_api import expect
from webstack import OFFICER, STRANGER, Stack

from wesh.signer import UnlockedSigner, transact

#: GMS: the stack's account with no part in the seeded town.
GMS = STRANGER
SCHANDELEN, BEKKERVELD = 4, 5


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """This module's own stack, with the relayer; GMS granted Schandelen and Bekkerveld."""
    running = webstack.start(tmp_path_factory.mktemp("web-association-stack"), relayer=True)
    try:
        registrar = UnlockedSigner(running.account(OFFICER))
        for area in (SCHANDELEN, BEKKERVELD):
            tx = running.wesh.grant_neighbourhood(running.account(GMS), area)
            transact(running.w3, tx, registrar)  # type: ignore[arg-type]
        running.wait_indexed()
        yield running
    finally:
        running.stop()


def join_with_phone(visitor: Visitor) -> str:
    """'Doe mee met deze telefoon' on /burger; returns the code the page then shows."""
    page = visitor.page
    page.locator("section.signin").get_by_role("button", name="Doe mee met deze telefoon").click()
    code = page.locator(".join-code-text .code")
    expect(code).to_have_text(re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    return code.inner_text()


def test_an_association_registers_a_resident_of_its_own_neighbourhood(
    visit: Any, stack: Stack
) -> None:
    gms_address = stack.account(GMS)
    native_before = stack.w3.eth.get_balance(gms_address)  # type: ignore[arg-type]

    resident = visit(None, "/burger")
    code = join_with_phone(resident)

    desk = visit(GMS, "/gemeente", viewport=DESKTOP)
    sign_in(desk)
    desk.go("/gemeente")
    page = desk.page
    expect(page.get_by_role("heading", level=1)).to_have_text("Gemeente: Balie")
    tabs = page.get_by_role("navigation", name="Onderdelen").get_by_role("link")
    expect(tabs).to_have_text(["Balie"])
    expect(page.locator(".account .roles")).to_have_text("buurtvereniging")
    expect(page.get_by_role("note")).to_contain_text(
        "Jullie vereniging meldt inwoners aan in Schandelen, Bekkerveld."
    )
    expect(page.locator("form.desk")).to_have_count(1)  # no 'new phone' card
    register = page.locator("form.desk")
    options = register.get_by_label("Wijk").locator("option")
    expect(options).to_have_text([re.compile("Kies"), "Schandelen", "Bekkerveld"])
    found: dict[str, Any] = {}
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        shot(page, f"association-desk-{label}")
        if violations := axe_violations(page):
            found[label] = violations
    page.set_viewport_size(DESKTOP)
    assert not found, found

    register.get_by_label("Code van de telefoon").fill(code)
    register.get_by_label("Code van de telefoon").press("Tab")
    expect(register.locator(".desk-found")).to_have_text("Nieuwe telefoon, nog niet aangemeld.")
    register.get_by_label("Wijk").select_option(label="Schandelen")
    register.get_by_label("BSN of documentnummer (wordt niet bewaard)").fill("GMS 0001")
    register.get_by_role("button", name="Aanmelden").click()
    expect(register.locator(".status.status-ok")).to_have_text(
        re.compile("Aangemeld: een nieuwe inwoner in Schandelen"), timeout=60_000
    )

    # The resident's page turns by itself.
    expect(resident.page.locator(".joined")).to_have_text(
        re.compile("^Je bent aangemeld, in Schandelen"), timeout=30_000
    )
    address = resident.page.evaluate(
        "fetch('/auth/session').then((r) => r.json()).then((s) => s.address)"
    )
    view = stack.wesh.account(address)
    assert view.is_citizen and view.neighbourhood == SCHANDELEN
    # Through the desk contract, which names GMS; relayed: GMS paid nothing.
    (event,) = stack.wesh.desk.events.CitizenRegisteredBy.get_logs(from_block=0)
    assert event.args.association == gms_address
    assert event.args.citizen.lower() == address.lower()
    assert stack.w3.eth.get_balance(gms_address) == native_before  # type: ignore[arg-type]
    assert stack.wesh.forwarder.functions.nonces(gms_address).call() == 1
    for visitor in (resident, desk):
        assert not [e for e in visitor.console_errors if "pageerror" in e], visitor.console_errors
