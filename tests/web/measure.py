"""What a page costs and what axe-core says of it, in Chromium: shared by the browser tests and
``bench/web.py`` (``make bench-web``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, ViewportSize

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


class MissingTool(RuntimeError):
    """axe-core is not installed (``npm ci`` installs it)."""


def transferred_bytes(browser: Browser, url: str, viewport: ViewportSize) -> int:
    """Bytes a first visit to ``url`` transfers (compressed, as on the wire: Chrome DevTools'
    ``Network.loadingFinished.encodedDataLength``), with an empty cache, until the page has
    rendered and the network is idle. Map tiles and photos are not part of a start page."""
    context = browser.new_context(viewport=viewport, locale="nl-NL")
    try:
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        sizes: dict[str, int] = {}
        cdp.on(
            "Network.loadingFinished",
            lambda event: sizes.__setitem__(event["requestId"], int(event["encodedDataLength"])),
        )
        page.goto(url)
        page.wait_for_selector("#main[aria-busy='false']")
        page.wait_for_load_state("networkidle")
        return sum(sizes.values())
    finally:
        context.close()


def axe_violations(page: Page) -> list[dict[str, Any]]:
    """axe-core's WCAG 2.0/2.1 A and AA rules on the page as it is now: the serious and critical
    violations, each with up to five of its elements."""
    if not AXE.exists():
        raise MissingTool(f"{AXE} missing: run `make install` (npm ci installs axe-core)")
    # Evaluated through DevTools, not as a <script> tag: the pages' Content-Security-Policy
    # (rightly) refuses inline scripts.
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text() + "\n;undefined")
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {
              runOnly: { type: 'tag', values: tags },
              resultTypes: ['violations'],
            });
            return result.violations.map(v => ({
              id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
            }));
        }""",
        AXE_TAGS,
    )
    return [v for v in found if v["impact"] in ("serious", "critical")]
