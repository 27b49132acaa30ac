"""Joining at the desk and a new phone (issue #14, docs/onboarding.md), in Chromium, against a
stack with the city's relayer.

- A resident with NO wallet injected makes an account ("Doe mee met deze telefoon") and sees
  "Wacht op aanmelding": the QR code and the code in large letters.
- The registrar, in a second browser whose camera is Chromium's fake one playing a video of the
  resident's QR code (``--use-file-for-fake-video-capture``), scans it on /gemeente/balie (jsQR:
  Chromium on Linux has no BarcodeDetector), sees "Nieuwe telefoon, nog niet aangemeld" (no
  address), picks the neighbourhood, types the person reference and registers, relayed; the
  resident's page turns to "Je bent aangemeld" by itself (no reload) with the neighbourhood's tasks
  first. The same person again is a warning with "Toch aanmelden" / "Annuleren".
- The resident earns a reward; a third context (the new phone) makes an account and shows its
  code, typed at the desk this time; the registrar moves the resident; the new phone turns to
  "Je bent aangemeld" with the balance, and the native balance of every resident account is 0.
- axe-core: 0 serious or critical findings on each new state at 360 and 1280 px.
- web/vendor/jsqr/ is npm's locked release (tools/vendor_jsqr.py --check).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import photos
import pytest
import segno
import webstack
from conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    HAND_IN,
    PHONE,
    WALLET_JS,
    Visitor,
    axe_violations,
    claim_task,
    money_text,
    shot,
    sign_in,
)
from PIL import Image
from playwright.sync_api import Browser, Page, Playwright, expect
from webstack import OFFICER, Stack

from wesh.signer import UnlockedSigner, transact

#: Words a resident's texts must not use (docs/onboarding.md, "Words").
JARGON = re.compile(r"0x|wallet|transactie|blockchain", re.I)
VIDEO = (640, 480)


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """This module's own stack, with the relayer (the desk's actions are relayed)."""
    running = webstack.start(tmp_path_factory.mktemp("web-desk-stack"), relayer=True)
    try:
        yield running
    finally:
        running.stop()


def write_qr_video(text: str | None, path: Path) -> None:
    """A Y4M video (what Chromium's fake camera plays, in a loop) of the QR code of ``text``
    on white, as a phone's screen held up to the desk's camera; None: a white picture."""
    width, height = VIDEO
    picture = Image.new("L", VIDEO, 255)
    if text is not None:
        qr = segno.make(text, error="m")
        rows = [list(row) for row in qr.matrix_iter(scale=1, border=4)]
        size = len(rows)
        code = Image.new("L", (size, size))
        code.putdata([0 if dark else 255 for row in rows for dark in row])
        side = (min(width, height) * 9 // 10) // size * size
        picture.paste(code.resize((side, side), Image.Resampling.NEAREST),
                      ((width - side) // 2, (height - side) // 2))  # fmt: skip
    chroma = bytes([128]) * (width // 2 * height // 2)
    frame = b"FRAME\n" + picture.tobytes() + chroma + chroma
    header = f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode()
    path.write_bytes(header + frame * 4)


@pytest.fixture(scope="module")
def camera(tmp_path_factory: pytest.TempPathFactory) -> Path:
    video = tmp_path_factory.mktemp("camera") / "qr.y4m"
    write_qr_video(None, video)
    return video


@pytest.fixture(scope="module")
def desk_browser(playwright_session: Playwright, camera: Path) -> Iterator[Browser]:
    """A Chromium whose camera plays ``camera`` (rewritten before each scan: the file is read
    when the camera starts), and which grants the camera without asking."""
    if not CHROMIUM.exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: `make chromium`", pytrace=False)
    args = [
        *CHROMIUM_ARGS,
        "--use-fake-device-for-media-stream",
        "--use-fake-ui-for-media-stream",
        f"--use-file-for-fake-video-capture={camera}",
    ]
    browser = playwright_session.chromium.launch(executable_path=str(CHROMIUM), args=args)
    try:
        yield browser
    finally:
        browser.close()


def open_desk(browser: Browser, stack: Stack) -> Visitor:
    """The registrar at the desk: the officer's account in an injected wallet, signed in on
    /gemeente/balie, at desktop width, the camera granted."""
    import json

    node_chain = int(stack.w3.eth.chain_id)
    config = {
        "rpc": stack.node.url,
        "account": stack.account(OFFICER),
        "chainId": node_chain,
        "nodeChainId": node_chain,
        "knownChains": [node_chain],
        "wallets": [{"uuid": "test-wallet-0", "name": "Testwallet 1", "rdns": "nl.wesh.test0"}],
        "legacy": True,
    }
    context = browser.new_context(
        viewport=DESKTOP,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        permissions=["camera"],
    )
    context.set_default_timeout(30_000)
    context.add_init_script(WALLET_JS.replace("__WALLET_CONFIG__", json.dumps(config)))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
    visitor = Visitor(context=context, page=page, stack=stack, console_errors=errors, seen=[])
    visitor.go("/gemeente/balie")
    sign_in(visitor)
    visitor.go("/gemeente/balie")
    return visitor


def join_with_phone(visitor: Visitor) -> str:
    """'Doe mee met deze telefoon' on /burger; returns the code the page then shows."""
    page = visitor.page
    page.locator("section.signin").get_by_role("button", name="Doe mee met deze telefoon").click()
    code = page.locator(".join-code-text .code")
    expect(code).to_have_text(re.compile(r"^[0-9A-Z]{4}-[0-9A-Z]{4}$"))
    expect(page.locator("section.join .status")).to_have_text(re.compile("Wacht op aanmelding"))
    return code.inner_text()


def phone_address(page: Page) -> str:
    address: str = page.evaluate(
        "fetch('/auth/session').then((r) => r.json()).then((s) => s.address)"
    )
    return address


def audit(page: Page, name: str, found: dict[str, Any]) -> None:
    """axe at phone and desktop width; what it finds goes into ``found``."""
    original = page.viewport_size
    for label, size in (("phone", PHONE), ("desktop", DESKTOP)):
        page.set_viewport_size(size)
        shot(page, f"{name}-{label}")
        violations = axe_violations(page)
        if violations:
            found[f"{name}-{label}"] = violations
    if original:
        page.set_viewport_size(original)


def test_vendored_jsqr_is_the_locked_npm_release() -> None:
    result = subprocess.run(
        [sys.executable, str(webstack.ROOT / "tools" / "vendor_jsqr.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_join_at_the_desk_then_a_new_phone(
    visit: Any, stack: Stack, desk_browser: Browser, camera: Path, tmp_path: Path
) -> None:
    found: dict[str, Any] = {}

    # The resident: no wallet, "Doe mee", the code to show.
    resident = visit(None, "/burger")
    page = resident.page
    code = join_with_phone(resident)
    card = page.locator("section.join")
    expect(card.get_by_role("img", name="QR-code om te laten zien bij de balie")).to_be_visible()
    expect(card).to_contain_text(
        "Laat deze code zien bij de balie van het stadhuis of bij je buurtvereniging."
    )
    assert not JARGON.search(card.inner_text()), card.inner_text()
    # The code in large letters.
    size = page.locator(".join-code-text .code").evaluate("el => getComputedStyle(el).fontSize")
    assert float(size.removesuffix("px")) >= 32
    audit(page, "resident-waiting", found)
    address = phone_address(page)
    page.evaluate("window.__sameDocument = true")

    # The desk reads the QR code with the camera (the link in it, as the page's QR code holds).
    desk = open_desk(desk_browser, stack)
    counter = desk.page
    write_qr_video(f"{stack.api_url}/gemeente/balie?code={code}", camera)
    register = counter.locator("form.desk").first
    register.get_by_role("button", name="Scan QR-code met de camera").click()
    expect(register.get_by_label("Code van de telefoon")).to_have_value(code, timeout=30_000)
    expect(register.locator(".desk-found")).to_have_text("Nieuwe telefoon, nog niet aangemeld.")
    assert not re.search("0x", register.inner_text())
    register.get_by_label("Wijk").select_option(label="Heerlerbaan")
    register.get_by_label("BSN of documentnummer (wordt niet bewaard)").fill("123 456 782")
    audit(counter, "desk-found", found)
    officer_nonce = stack.w3.eth.get_transaction_count(stack.account(OFFICER))  # type: ignore[arg-type]
    register.get_by_role("button", name="Aanmelden").click()
    expect(register.locator(".status.status-ok")).to_have_text(
        re.compile("Aangemeld: een nieuwe inwoner in Heerlerbaan"), timeout=60_000
    )

    # The resident's page turns by itself: registered, the neighbourhood's tasks first.
    expect(page.locator(".joined")).to_have_text(
        re.compile("^Je bent aangemeld, in Heerlerbaan"), timeout=30_000
    )
    assert page.evaluate("window.__sameDocument === true"), "the page was reloaded"
    first = page.locator(".task-list .task").first
    expect(first.locator(".meta").first).to_contain_text("Heerlerbaan")
    expect(page.get_by_text("Klussen in Heerlerbaan staan bovenaan.")).to_be_visible()
    audit(page, "resident-registered", found)
    view = stack.wesh.account(address)
    assert view.is_citizen and view.neighbourhood == 6
    # Relayed: the registrar sent nothing itself.
    assert stack.w3.eth.get_transaction_count(stack.account(OFFICER)) == officer_nonce  # type: ignore[arg-type]

    # The same person with another phone: a warning, and "Annuleren" leaves everything as it was.
    other = visit(None, "/burger")
    other_code = join_with_phone(other)
    register.get_by_label("Code van de telefoon").fill(other_code)
    register.get_by_label("Code van de telefoon").press("Tab")
    expect(register.locator(".desk-found")).to_have_text("Nieuwe telefoon, nog niet aangemeld.")
    register.get_by_label("Wijk").select_option(label="Schandelen")
    register.get_by_label("BSN of documentnummer (wordt niet bewaard)").fill("123456782")
    register.get_by_role("button", name="Aanmelden").click()
    warning = register.locator(".desk-warning")
    expect(warning).to_contain_text("Deze persoon is eerder aangemeld")
    expect(warning).to_contain_text("in Heerlerbaan")
    assert "123" not in warning.inner_text()
    audit(counter, "desk-duplicate", found)
    warning.get_by_role("button", name="Annuleren").click()
    expect(register.locator(".status").last).to_have_text(re.compile("Niet aangemeld"))
    assert not stack.wesh.account(phone_address(other.page)).is_citizen

    # The resident earns a reward: claims the Heerlerbaan task and hands in photos (relayed);
    # the reviewer approves (from here).
    task = stack.task_ids["weeds"]
    resident.go(f"/burger/klus/{task}")
    claim_task(page)
    expect(page.get_by_text("Je hebt de klus aangenomen. Succes!")).to_be_visible(timeout=60_000)
    before, after = photos.bench_photos(tmp_path / "photos")
    page.get_by_label("Foto vóór het werk").set_input_files(before)
    page.get_by_label("Foto na het werk").set_input_files(after)
    page.get_by_role("button", name=HAND_IN).click()
    expect(page.locator(".claim-state")).to_have_text(
        re.compile("ingeleverd", re.I), timeout=60_000
    )
    officer = UnlockedSigner(stack.account(OFFICER))
    transact(stack.w3, stack.wesh.approve_submission(task, address), officer)  # type: ignore[arg-type]
    stack.wait_indexed()
    reward = stack.wesh.account(address).balance
    assert reward == 12_00

    # A new phone: a third context makes an account; its code is typed at the desk.
    new_phone = visit(None, "/burger")
    new_code = join_with_phone(new_phone)
    new_address = phone_address(new_phone.page)
    citizen_id = view.id
    move = counter.locator("form.desk").nth(1)
    move.get_by_label("Inwonernummer").fill(str(citizen_id))
    move.get_by_label("Code van de nieuwe telefoon").fill(new_code.lower().replace("-", " "))
    move.get_by_label("Code van de nieuwe telefoon").press("Tab")
    expect(move.locator(".desk-found")).to_have_text("Nieuwe telefoon, nog niet aangemeld.")
    audit(counter, "desk-move", found)
    officer_nonce = stack.w3.eth.get_transaction_count(stack.account(OFFICER))  # type: ignore[arg-type]
    move.get_by_role("button", name="Verhuizen naar de nieuwe telefoon").click()
    expect(move.locator(".status.status-ok")).to_have_text(
        f"Inwoner {citizen_id} gebruikt nu de nieuwe telefoon.", timeout=60_000
    )

    # The new phone turns to "Je bent aangemeld" by itself, and the balance followed.
    expect(new_phone.page.locator(".joined")).to_have_text(
        re.compile("^Je bent aangemeld, in Heerlerbaan"), timeout=30_000
    )
    expect(new_phone.page.locator("#balance")).to_have_text(money_text(reward))
    moved = stack.wesh.account(new_address)
    assert moved.is_citizen and moved.id == citizen_id and moved.balance == reward
    assert stack.wesh.account(address).moved
    assert stack.w3.eth.get_transaction_count(stack.account(OFFICER)) == officer_nonce  # type: ignore[arg-type]
    # The old phone: no code any more, and where the Heitjes are now.
    resident.go("/burger")
    expect(page.locator(".retired")).to_have_text(
        re.compile("^Deze telefoon doet niet meer mee: je Heitjes staan nu op je nieuwe telefoon")
    )
    expect(page.locator(".join-code-text")).to_have_count(0)
    audit(page, "resident-retired", found)

    for account in (address, new_address, phone_address(other.page)):
        assert stack.w3.eth.get_balance(account) == 0  # type: ignore[arg-type]

    for visitor in (resident, other, new_phone, desk):
        assert not [e for e in visitor.console_errors if "pageerror" in e], visitor.console_errors
    desk.context.close()
    assert not found, found
