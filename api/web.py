"""Serving the dApp (``web/``): static files, gzip, cache headers and the page routes.

No bundler: ``web/`` holds plain ES modules, one CSS file, the vendored Leaflet and the icons.
Every asset is served under ``/assets/<version>/...`` where ``<version>`` is a hash over the whole
folder, so assets can be cached for a year (``immutable``) and a changed file changes every URL
at once; relative ``import``s between modules resolve under the same versioned prefix by
themselves. ``index.html`` (served for every page route: ``/``, ``/burger...``, ``/winkel...``,
``/gemeente...``, ``/betalen/<reference>``) is never cached and carries the current version.
An asset asked for under an old version is still answered, uncached, so a page loaded just
before a deployment keeps working.

Files are read and gzip-compressed once at start-up (the folder is small); the API's own JSON
answers are compressed by Starlette's ``GZipMiddleware``, which leaves event streams alone.
"""

from __future__ import annotations

import gzip
import hashlib
import mimetypes
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI, Request, Response
from starlette.middleware.gzip import GZipMiddleware

from api.errors import NotFound
from wesh.deployment import DEV_CHAIN_ID

#: The page routes of the single-page app (Dutch paths: citizen, shop, city, the QR link).
PAGES = ("burger", "winkel", "gemeente", "betalen")
ASSET_PREFIX = "/assets"
COMPRESSIBLE = (
    "text/",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "image/svg+xml",
)
TYPES = {
    ".js": "application/javascript; charset=utf-8",
    ".mjs": "application/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".webmanifest": "application/manifest+json",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".ico": "image/x-icon",
}
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes | None
    media_type: str
    etag: str


def media_type_of(path: Path) -> str:
    return (
        TYPES.get(path.suffix.lower())
        or mimetypes.guess_type(path.name)[0]
        or ("application/octet-stream")
    )


def load_assets(web_dir: Path) -> tuple[str, dict[str, Asset]]:
    """Every file under ``web_dir`` (hidden files and ``index.html`` aside) and the folder's
    version: the first 12 hex digits of a SHA-256 over all paths and contents."""
    digest = hashlib.sha256()
    assets: dict[str, Asset] = {}
    for path in sorted(p for p in web_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(web_dir).as_posix()
        if any(part.startswith(".") for part in relative.split("/")):
            continue
        body = path.read_bytes()
        digest.update(relative.encode() + b"\0" + body + b"\0")
        media_type = media_type_of(path)
        compress = media_type.startswith(COMPRESSIBLE) and len(body) > 256
        assets[relative] = Asset(
            body=body,
            gzipped=gzip.compress(body, compresslevel=9, mtime=0) if compress else None,
            media_type=media_type,
            etag='"' + hashlib.sha256(body).hexdigest()[:20] + '"',
        )
    return digest.hexdigest()[:12], assets


def accepts_gzip(request: Request) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "").lower()


def asset_response(
    request: Request, asset: Asset, cache: str, extra: dict[str, str] | None = None
) -> Response:
    headers = {"Cache-Control": cache, "ETag": asset.etag, **(extra or {})}
    if request.headers.get("if-none-match") == asset.etag:
        return Response(status_code=HTTPStatus.NOT_MODIFIED, headers=headers)
    body = asset.body
    if asset.gzipped is not None:
        headers["Vary"] = "Accept-Encoding"
        if accepts_gzip(request):
            body = asset.gzipped
            headers["Content-Encoding"] = "gzip"
    if request.method == "HEAD":
        headers["Content-Length"] = str(len(body))
        return Response(status_code=HTTPStatus.OK, headers=headers, media_type=asset.media_type)
    return Response(body, headers=headers, media_type=asset.media_type)


def security_headers(request: Request) -> dict[str, str]:
    """A strict Content-Security-Policy for the pages: scripts, styles and connections only from
    this origin (and, on the local demo chain, its node for test wallets), images also from
    the map's tile server."""
    svc = request.app.state.services
    images = ["'self'", "data:", "blob:"]
    template = svc.settings.map_tiles_url
    tiles = urlsplit(template.replace("{s}", "subdomain"))
    if tiles.scheme and tiles.netloc:
        # "{s}.tile.example.org" (Leaflet's a/b/c subdomains) becomes "*.tile.example.org".
        host = tiles.netloc.replace("subdomain", "*") if "{s}" in template else tiles.netloc
        images.append(f"{tiles.scheme}://{host}")
    connect = ["'self'"]
    if svc.chain_id == DEV_CHAIN_ID:
        node = urlsplit(svc.settings.rpc_url)
        connect.append(f"{node.scheme}://{node.netloc}")
    policy = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {' '.join(images)}",
            f"connect-src {' '.join(connect)}",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
            "manifest-src 'self'",
        ]
    )
    return {
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
        "Permissions-Policy": "camera=(self), geolocation=(self), microphone=()",
    }


def mount_web(app: FastAPI, web_dir: Path) -> None:
    """Serves ``web_dir`` on ``app`` (see the module docstring)."""
    version, assets = load_assets(web_dir)
    template = (web_dir / "index.html").read_text(encoding="utf-8")
    html = template.replace("{{ASSETS}}", f"{ASSET_PREFIX}/{version}")
    index = Asset(
        body=html.encode(),
        gzipped=gzip.compress(html.encode(), compresslevel=9, mtime=0),
        media_type="text/html; charset=utf-8",
        etag='"' + hashlib.sha256(html.encode()).hexdigest()[:20] + '"',
    )
    app.state.web_version = version
    app.add_middleware(GZipMiddleware, minimum_size=1000)

    def page(request: Request) -> Response:
        return asset_response(request, index, REVALIDATE, security_headers(request))

    for name in PAGES:
        app.add_api_route(f"/{name}", page, methods=["GET", "HEAD"], include_in_schema=False)
        app.add_api_route(
            f"/{name}/{{rest:path}}", page, methods=["GET", "HEAD"], include_in_schema=False
        )
    app.add_api_route("/", page, methods=["GET", "HEAD"], include_in_schema=False)

    def asset(request: Request, asked: str, path: str) -> Response:
        found = assets.get(path)
        if found is None or path == "index.html":
            raise NotFound()
        return asset_response(request, found, IMMUTABLE if asked == version else REVALIDATE)

    app.add_api_route(
        f"{ASSET_PREFIX}/{{asked}}/{{path:path}}",
        asset,
        methods=["GET", "HEAD"],
        include_in_schema=False,
    )

    def manifest(request: Request) -> Response:
        return asset_response(request, assets["manifest.webmanifest"], REVALIDATE)

    def favicon(request: Request) -> Response:
        return asset_response(request, assets["icons/icon.svg"], "public, max-age=86400")

    if "manifest.webmanifest" in assets:
        app.add_api_route(
            "/manifest.webmanifest", manifest, methods=["GET", "HEAD"], include_in_schema=False
        )

    def icon(request: Request, name: str) -> Response:
        found = assets.get(f"icons/{name}")
        if found is None:
            raise NotFound()
        return asset_response(request, found, "public, max-age=86400")

    app.add_api_route("/icons/{name}", icon, methods=["GET", "HEAD"], include_in_schema=False)

    # The service worker (shows the residents' pushes) from the root, so that its scope is the
    # whole app; never cached long, so a new version is found at once.
    def service_worker(request: Request) -> Response:
        return asset_response(request, assets["sw.js"], REVALIDATE, {"Service-Worker-Allowed": "/"})

    if "sw.js" in assets:
        app.add_api_route(
            "/sw.js", service_worker, methods=["GET", "HEAD"], include_in_schema=False
        )
    if "icons/icon.svg" in assets:
        app.add_api_route("/favicon.ico", favicon, methods=["GET", "HEAD"], include_in_schema=False)
        app.add_api_route("/favicon.svg", favicon, methods=["GET", "HEAD"], include_in_schema=False)
