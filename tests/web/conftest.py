"""Fixtures of the browser suite: one live stack per session (anvil + indexer + API serving the
dApp, see ``webstack``), Debian's Chromium driven by Playwright, a wallet injected into each page
that forwards to anvil, axe-core, and screenshots.

Nothing here reaches beyond this machine: the stack listens on 127.0.0.1, map tiles come from the
test server (which has none: the pages must cope), and Chromium's resolver answers every other
host name with "not found".
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import measure
import pytest
import webstack
from PIL import Image
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    sync_playwright,
)

CHROMIUM = Path(os.environ.get("WESH_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Only loopback exists for this browser: any other host name fails to resolve at once.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
#: The citizen pages' quiet second way in: a wallet of one's own (signin.js).
OWN_APP = "Ik heb al een eigen app voor Heitjes"
#: The hand-in button's name (with a typographic apostrophe).
HAND_IN = "Foto\u2019s inleveren"
PHONE: ViewportSize = {"width": 360, "height": 740}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
ARTIFACTS = webstack.ROOT / "test-artifacts" / "screenshots"
WALLET_JS = Path(__file__).with_name("injected_wallet.js").read_text()
#: Hands every text that appears on a page (added nodes, changed text: status lines too, however
#: briefly they show) to the test through ``weshSeen``, across navigations.
RECORD_TEXTS_JS = """
(() => {
  const tell = (node) => {
    const text = (node.nodeType === Node.TEXT_NODE ? node.data : node.textContent || '').trim();
    if (text) window.weshSeen(text);
  };
  new MutationObserver((mutations) => {
    for (const m of mutations) {
      if (m.type === 'characterData') tell(m.target);
      else m.addedNodes.forEach(tell);
    }
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();
"""


def launch_chromium(playwright: Playwright) -> Browser:
    """Debian's Chromium with the flags above; a clear failure when it is missing."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: the browser tests need Debian's chromium "
            "(`make chromium` installs it, and `make test` runs that first). "
            "Never `playwright install`.",
            pytrace=False,
        )
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webstack.Stack]:
    running = webstack.start(tmp_path_factory.mktemp("web-stack"))
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="session")
def playwright_session() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_session: Playwright) -> Iterator[Browser]:
    chromium = launch_chromium(playwright_session)
    try:
        yield chromium
    finally:
        chromium.close()


@dataclass
class Visitor:
    """One person's browser: a context (cookies, storage) with a wallet for one account."""

    context: BrowserContext
    page: Page
    stack: webstack.Stack
    console_errors: list[str]
    #: With ``record_texts``: every text that appeared on this visitor's pages, in order.
    seen: list[str]

    def go(self, path: str) -> Page:
        self.page.goto(self.stack.api_url + path)
        self.page.wait_for_selector("#main[aria-busy='false']")
        return self.page

    def wallet_calls(self, method: str | None = None) -> list[dict[str, Any]]:
        calls: list[dict[str, Any]] = self.page.evaluate("window.__walletCalls || []")
        return [c for c in calls if method is None or c["method"] == method]


@pytest.fixture
def visit(browser: Browser, stack: webstack.Stack) -> Iterator[Any]:
    """``visit(account, path, ...)`` opens ``path`` for the anvil account ``account`` (an index,
    or None for a browser without any wallet) and returns a ``Visitor``."""
    opened: list[Visitor] = []

    def open_page(
        account: int | None,
        path: str = "/burger",
        *,
        viewport: ViewportSize = PHONE,
        chain_id: int | None = None,
        known_chains: list[int] | None = None,
        wallets: int = 1,
        lang: str = "nl",
        record_texts: bool = False,
        timezone: str = "Europe/Amsterdam",
    ) -> Visitor:
        context = browser.new_context(viewport=viewport, locale="nl-NL", timezone_id=timezone)
        context.set_default_timeout(20_000)
        seen: list[str] = []
        if record_texts:
            context.expose_function("weshSeen", lambda text: seen.append(str(text)))
            context.add_init_script(RECORD_TEXTS_JS)
        if lang != "nl":
            context.add_init_script(f"localStorage.setItem('wesh.lang', {json.dumps(lang)})")
        if account is not None:
            node_chain = int(stack.w3.eth.chain_id)
            config = {
                "rpc": stack.node.url,
                "account": stack.account(account),
                "chainId": chain_id or node_chain,
                "nodeChainId": node_chain,
                "knownChains": known_chains if known_chains is not None else [node_chain],
                "wallets": [
                    {
                        "uuid": f"test-wallet-{n}",
                        "name": f"Testwallet {n + 1}",
                        "rdns": f"nl.wesh.test{n}",
                    }
                    for n in range(wallets)
                ],
                "legacy": True,
            }
            context.add_init_script(WALLET_JS.replace("__WALLET_CONFIG__", json.dumps(config)))
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(f"pageerror: {error}"))
        page.on(
            "console",
            lambda message: (
                errors.append(f"console: {message.text}") if message.type == "error" else None
            ),
        )
        visitor = Visitor(context=context, page=page, stack=stack, console_errors=errors, seen=seen)
        opened.append(visitor)
        visitor.go(path)
        return visitor

    yield open_page
    for visitor in opened:
        visitor.context.close()


def sign_in(visitor: Visitor, name: str = "Testwallet 1") -> None:
    """Signs in with the injected wallet from the sign-in panel on the current page."""
    page = visitor.page
    button = page.get_by_role("button", name=f"Aanmelden met {name}")
    # On citizen pages an app of one's own is the quiet second choice, behind a link-styled button.
    own_app = page.get_by_role("button", name=OWN_APP)
    button.or_(own_app).first.wait_for()
    if not button.is_visible():
        own_app.click()
    button.click()
    page.locator(".account .addr").wait_for()
    page.wait_for_selector("#main[aria-busy='false']")


def claim_task(page: Page) -> None:
    """Takes on the task on the page as a resident does: "Klus aannemen" opens the task's
    safety note, "Gelezen: klus aannemen" claims it (issue #15). After a refused try the note
    is still open: then only the second button is pressed."""
    read = page.get_by_role("button", name="Gelezen: klus aannemen")
    if not read.is_visible():
        page.get_by_role("button", name="Klus aannemen", exact=True).click()
    read.click()


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot into test-artifacts/screenshots/."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.1 A/AA violations on the page as it is now."""
    try:
        return measure.axe_violations(page)
    except measure.MissingTool as missing:
        pytest.fail(str(missing), pytrace=False)


def copy_to_docs(page: Page, name: str) -> None:
    """With WESH_DOCS_SCREENSHOTS=1: the visible part of the page, in 64 colours, into
    docs/screenshots/ (committed, shown in the README). Otherwise nothing, so that `make test`
    leaves the working tree as it found it."""
    if os.environ.get("WESH_DOCS_SCREENSHOTS") != "1":
        return
    target = webstack.ROOT / "docs" / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    png = target / f"{name}.png"
    page.screenshot(path=str(png))
    with Image.open(png) as image:
        image.convert("RGB").quantize(colors=64).save(png, optimize=True)


def money_text(cents: int) -> str:
    """How the Dutch pages write an amount: "€ 12,50" (with a no-break space)."""
    whole, part = divmod(cents, 100)
    return f"€\u00a0{whole:,}".replace(",", ".") + f",{part:02d}"


def amount_pattern(cents: int) -> re.Pattern[str]:
    whole, part = divmod(cents, 100)
    return re.compile(rf"€\s?{whole:,}".replace(",", r"\.") + f",{part:02d}")


def rx(text: str) -> re.Pattern[str]:
    """``text`` as a pattern in which "€ " also matches the no-break space the pages write."""
    return re.compile(re.escape(text).replace("€\\ ", "€\\s"))
