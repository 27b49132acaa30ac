"""How the API serves the dApp: page routes, versioned and compressed assets, cache headers, the
Content-Security-Policy, the web app manifest, the demo-only routes, the vendored Leaflet, and the
citizen start page's weight (<= 150 KB compressed, measured in Chromium)."""

from __future__ import annotations

import dataclasses
import gzip
import re
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
from conftest import PHONE
from fastapi.testclient import TestClient
from measure import transferred_bytes
from webstack import BAKERY, ROOT, Stack

from api.app import build_services, create_app
from api.settings import ApiSettings
from api.web import security_headers

WEB = ROOT / "web"


@pytest.fixture(scope="module")
def http(stack: Stack) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=stack.api_url, timeout=10) as client:
        yield client


def asset_base(http: httpx.Client) -> str:
    html = http.get("/burger").text
    found = re.search(r'href="(/assets/[0-9a-f]{12})/app\.css"', html)
    assert found, html
    return found.group(1)


@pytest.mark.parametrize(
    "path", ["/", "/burger", "/burger/klus/1", "/winkel", "/gemeente/beoordelen", "/betalen/00ff"]
)
def test_page_routes_serve_the_app_uncached_with_a_strict_policy(http: httpx.Client, path: str):
    reply = http.get(path)
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    assert reply.headers["cache-control"] == "no-cache"
    policy = reply.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    assert '<html lang="nl">' in reply.text and "{{ASSETS}}" not in reply.text


def test_api_routes_are_not_swallowed_by_the_page_fallback(http: httpx.Client) -> None:
    assert http.get("/tasks").headers["content-type"] == "application/json"
    for path in ("/nope", "/tiles/13/4232/2754.png", "/assets/abc/not-there.js"):
        reply = http.get(path)
        assert reply.status_code == 404
        assert reply.headers["content-type"] == "application/problem+json"


def test_assets_are_versioned_immutable_and_gzipped(http: httpx.Client) -> None:
    base = asset_base(http)
    reply = http.get(f"{base}/js/app.js", headers={"Accept-Encoding": "gzip"})
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/javascript; charset=utf-8"
    assert reply.headers["content-encoding"] == "gzip"
    assert reply.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert reply.headers["vary"] == "Accept-Encoding"
    assert reply.text == (WEB / "js" / "app.js").read_text()
    raw = http.get(f"{base}/js/app.js", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in raw.headers
    assert int(reply.headers["content-length"]) < int(raw.headers["content-length"]) / 2
    # Revalidation by ETag; an asset asked for under an old version still comes, uncached.
    again = http.get(f"{base}/js/app.js", headers={"If-None-Match": reply.headers["etag"]})
    assert again.status_code == 304
    old = http.get("/assets/000000000000/app.css")
    assert old.status_code == 200 and old.headers["cache-control"] == "no-cache"
    assert http.get(f"{base}/app.css").headers["content-type"] == "text/css; charset=utf-8"
    assert http.get(f"{base}/icons/icon.svg").headers["content-type"] == "image/svg+xml"


def test_api_json_is_compressed_and_event_streams_are_not(stack: Stack, http: httpx.Client):
    reply = http.get("/tasks?status=all", headers={"Accept-Encoding": "gzip"})
    assert reply.headers["content-encoding"] == "gzip"
    shop = stack.session(BAKERY)
    try:
        with shop.stream(
            "GET", "/merchant/payments/stream?seconds=1", headers={"Accept-Encoding": "gzip"}
        ) as events:
            assert events.headers["content-type"].startswith("text/event-stream")
            assert "content-encoding" not in events.headers
    finally:
        shop.close()


def test_the_app_is_installable(http: httpx.Client) -> None:
    reply = http.get("/manifest.webmanifest")
    assert reply.headers["content-type"] == "application/manifest+json"
    manifest = reply.json()
    assert manifest["start_url"] == "/burger" and manifest["display"] == "standalone"
    assert manifest["lang"] == "nl"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        fetched = http.get(icon["src"])
        assert fetched.status_code == 200, icon
        assert fetched.headers["content-type"] == icon["type"]
    assert any(icon.get("purpose") == "maskable" for icon in manifest["icons"])


def test_demo_routes_offer_the_unlocked_accounts_and_only_wallet_methods(
    stack: Stack, http: httpx.Client
) -> None:
    accounts = http.get("/demo/accounts").json()
    assert [a["address"] for a in accounts] == stack.accounts
    roles = {a["address"]: a["roles"] for a in accounts}
    assert roles[stack.account(3)] == ["citizen"]
    assert "treasurer" in roles[stack.account(1)]
    assert next(a for a in accounts if a["merchant_id"] == 1)["name"] == "Bakkerij Schandelen"
    chain = http.post("/demo/rpc", json={"jsonrpc": "2.0", "id": 7, "method": "eth_chainId"})
    assert chain.json() == {"jsonrpc": "2.0", "id": 7, "result": "0x7a69"}
    for method in ("anvil_setBalance", "evm_increaseTime", "eth_sign", "debug_traceCall"):
        refused = http.post("/demo/rpc", json={"jsonrpc": "2.0", "id": 1, "method": method})
        assert refused.json()["error"]["code"] == -32601, method
    assert http.post("/demo/rpc", content=b"not json").json()["error"]["code"] == -32600
    assert "/demo/rpc" not in http.get("/openapi.json").text


def test_demo_routes_do_not_exist_on_any_other_chain(stack: Stack) -> None:
    settings = ApiSettings(
        database_url=stack.database_url,
        rpc_url=stack.node.url,
        deployment=stack.manifest,
        public_url=stack.api_url,
        content_dir=stack.content_dir,
    )
    services = dataclasses.replace(build_services(settings), chain_id=100)
    with TestClient(create_app(settings, services)) as client:
        for reply in (
            client.get("/demo/accounts"),
            client.post("/demo/rpc", json={"jsonrpc": "2.0", "id": 1, "method": "eth_accounts"}),
        ):
            assert reply.status_code == 404
            assert reply.headers["content-type"] == "application/problem+json"
        config = client.get("/config").json()
        assert config["demo"] is False and config["rpc_urls"] == []
        policy = client.get("/burger").headers["content-security-policy"]
        assert stack.node.url.split("//")[1] not in policy


def test_vendored_leaflet_is_the_locked_npm_release() -> None:
    dist = ROOT / "node_modules" / "leaflet" / "dist"
    assert dist.exists(), "run `make install` (npm ci installs leaflet)"
    vendored = WEB / "vendor" / "leaflet"
    for name in ("leaflet.js", "leaflet.css"):
        assert (vendored / name).read_bytes() == (dist / name).read_bytes(), name
    for image in (dist / "images").iterdir():
        assert (vendored / "images" / image.name).read_bytes() == image.read_bytes()


def test_every_text_has_dutch_and_english() -> None:
    """Each entry of the text tables is a [Dutch, English] pair, no key is in two tables, and every
    key the modules use exists (a missing key would show the key itself to a person). The city's
    and the shop's texts are tables of their own (texts_city.js, texts_shop.js), so the table every
    page loads stays small."""
    tables = {
        "i18n.js": ("const T = {", "\n};"),
        "texts_city.js": ("addTexts({", "\n});"),
        "texts_shop.js": ("addTexts({", "\n});"),
    }
    keys: set[str] = set()
    for name, (start, end) in tables.items():
        source = (WEB / "js" / name).read_text()
        table = source[source.index(start) : source.index(end)]
        found = re.findall(r"^\s+'?([a-z_ 0-9]+)'?: \[", table, re.M)
        assert len(found) == len(set(found)), name
        assert not keys & set(found), (name, keys & set(found))
        keys |= set(found)
    assert len(keys) > 600
    used: set[str] = set()
    for module in (WEB / "js").glob("*.js"):
        used |= set(re.findall(r"\bt\('([a-z_0-9]+)'", module.read_text()))
    assert used - keys == set()
    budgets = {"i18n.js": 20_000, "texts_city.js": 16_000, "texts_shop.js": 8_000}
    for name, budget in budgets.items():
        gz = gzip.compress((WEB / "js" / name).read_bytes())
        assert len(gz) < budget, (name, len(gz))


def test_city_and_shop_texts_are_loaded_by_the_modules_that_use_them() -> None:
    """A module that uses a key of texts_city.js or texts_shop.js imports that file itself, so it
    works however it is reached; the modules every page loads never do."""
    own: dict[str, set[str]] = {}
    for name in ("texts_city.js", "texts_shop.js"):
        source = (WEB / "js" / name).read_text()
        own[name] = set(re.findall(r"^\s+'?([a-z_ 0-9]+)'?: \[", source, re.M))
    for module in (WEB / "js").glob("*.js"):
        source = module.read_text()
        used = set(re.findall(r"\bt\('([a-z_0-9]+)'", source))
        for name, keys in own.items():
            if used & keys:
                assert f"import './{name}';" in source, (module.name, sorted(used & keys)[:3])
    for everywhere in ("app.js", "i18n.js", "header.js", "ui.js", "page.js", "session.js"):
        source = (WEB / "js" / everywhere).read_text()
        assert "import './texts_" not in source, everywhere


def test_citizen_start_page_weighs_at_most_150_kb(browser, stack: Stack) -> None:
    transferred = transferred_bytes(browser, f"{stack.api_url}/burger", PHONE)
    assert 10_000 < transferred <= 150 * 1024, transferred


def test_no_source_file_of_the_app_is_missing_from_the_server(http: httpx.Client) -> None:
    base = asset_base(http)
    for path in sorted(WEB.rglob("*")):
        if path.is_file() and path.name != "index.html":
            relative = path.relative_to(WEB).as_posix()
            assert http.get(f"{base}/{relative}").status_code == 200, relative


@pytest.mark.parametrize(
    ("template", "allowed"),
    [
        ("https://tile.openstreetmap.org/{z}/{x}/{y}.png", "https://tile.openstreetmap.org"),
        (
            "https://{s}.tile.openstreetmap.fr/hot/{z}/{x}/{y}.png",
            "https://*.tile.openstreetmap.fr",
        ),
    ],
)
def test_the_policy_lets_in_images_from_the_configured_tile_server(template: str, allowed: str):
    settings = SimpleNamespace(map_tiles_url=template, rpc_url="http://127.0.0.1:8545")
    services = SimpleNamespace(settings=settings, chain_id=100)
    request = SimpleNamespace(app=SimpleNamespace(state=SimpleNamespace(services=services)))
    policy = security_headers(request)["Content-Security-Policy"]  # type: ignore[arg-type]
    assert f"img-src 'self' data: blob: {allowed};" in policy
    assert "connect-src 'self';" in policy


def test_the_api_docs_render_in_a_browser_without_the_internet(browser: Any, stack: Stack) -> None:
    """/docs draws the API's operations with Swagger UI from this server: every request to
    another host is refused, as on a machine without internet."""
    context = browser.new_context()
    outside: list[str] = []

    def only_local(route: Any) -> None:
        url = route.request.url
        if url.startswith(stack.api_url):
            route.continue_()
        else:
            outside.append(url)
            route.abort()

    try:
        context.route("**/*", only_local)
        page = context.new_page()
        page.goto(stack.api_url + "/docs")
        page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
        assert "WESH API" in page.inner_text(".swagger-ui .info .title")
        page.wait_for_selector(".opblock-summary-path")
        paths = page.locator(".opblock-summary-path").all_inner_texts()
        assert any(p.strip() == "/tasks" for p in paths), paths
        assert outside == []
    finally:
        context.close()
