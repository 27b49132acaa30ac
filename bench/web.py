"""Web benchmark: what the three start pages cost a first visitor, and axe-core's verdict.

Run with ``make bench-web``. Starts the live stack (anvil, contracts, a seeded Heerlen, indexer,
API serving the dApp; see ``tests/web/webstack.py``) in a temporary folder, opens each start page
in Debian's Chromium with an empty cache and sums the compressed bytes transferred
(DevTools ``Network.loadingFinished.encodedDataLength``: every response, headers included).
Then runs axe-core (WCAG 2.0/2.1 A and AA) on every page, signed out and signed in as the person
who uses it, at phone width. Writes ``bench/results/web.json``: a flat object of numbers.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "web"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))  # forked, for webstack

import measure
import webstack

RESULTS = Path(__file__).parent / "results" / "web.json"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
PHONE: ViewportSize = {"width": 360, "height": 740}
BUDGET_KB = {"citizen_start_kb": 150.0}
START_PAGES = {
    "citizen_start_kb": "/burger",
    "merchant_start_kb": "/winkel",
    "city_start_kb": "/gemeente",
}
#: Pages audited with axe-core: (who, path); who is an anvil account index or None (no wallet).
AUDITED = [
    (None, "/"),
    (None, "/burger"),
    (None, "/winkel"),
    (None, "/gemeente"),
    (webstack.ANNA, "/burger"),
    (webstack.ANNA, "/burger/klus/1"),
    (webstack.ANNA, "/burger/geschiedenis"),
    (webstack.BAKERY, "/winkel"),
    (webstack.OFFICER, "/gemeente"),
    (webstack.OFFICER, "/gemeente/klus"),
    (webstack.OFFICER, "/gemeente/beoordelen"),
    (webstack.OFFICER, "/gemeente/bezwaren"),
    (webstack.OFFICER, "/gemeente/uitbetalingen"),
]


def signed_in_page(
    browser: Browser, stack: webstack.Stack, who: int | None
) -> tuple[BrowserContext, Page]:
    """A page whose context carries ``who``'s API session cookie (signed in as a wallet would)."""
    context = browser.new_context(viewport=PHONE, locale="nl-NL")
    if who is not None:
        client = stack.session(who)
        try:
            token = client.cookies.get("wesh_session")
        finally:
            client.close()
        if token is None:
            raise RuntimeError(f"account {who} could not sign in")
        context.add_cookies([{"name": "wesh_session", "value": token, "url": stack.api_url}])
        context.add_init_script("localStorage.setItem('wesh.signedIn', '1')")
    return context, context.new_page()


def main() -> int:
    if not Path(CHROMIUM).exists():
        print(f"{CHROMIUM} missing: `make chromium` installs it", file=sys.stderr)
        return 2
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="wesh-bench-web-") as folder:
        stack = webstack.start(Path(folder))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                for key, path in START_PAGES.items():
                    transferred = measure.transferred_bytes(browser, stack.api_url + path, PHONE)
                    results[key] = round(transferred / 1024, 1)
                serious = 0
                for who, path in AUDITED:
                    context, page = signed_in_page(browser, stack, who)
                    try:
                        page.goto(stack.api_url + path)
                        page.wait_for_selector("#main[aria-busy='false']")
                        page.wait_for_load_state("networkidle")
                        found = measure.axe_violations(page)
                    finally:
                        context.close()
                    for violation in found:
                        print(f"axe {path} ({who}): {violation['id']} {violation['impact']}")
                    serious += len(found)
                results["axe_serious_or_critical"] = serious
                results["pages_audited"] = len(AUDITED)
                browser.close()
        finally:
            stack.stop()

    ok = results["axe_serious_or_critical"] == 0
    print(f"{'measure':28} {'value':>8}  budget")
    for key, value in results.items():
        budget = BUDGET_KB.get(key)
        mark = "" if budget is None else ("  ok" if value <= budget else "  OVER")
        ok &= budget is None or value <= budget
        shown = (
            f"<= {budget:g} KB" if budget is not None else ("0" if key.startswith("axe") else "")
        )
        print(f"{key:28} {value:>8g}  {shown}{mark}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(f"\nwritten to {RESULTS} at {time.strftime('%Y-%m-%d %H:%M:%S')}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
