"""``/docs``: the Swagger UI of the OpenAPI document, served from this server.

FastAPI's default page loads Swagger UI's script and stylesheet from a CDN: blank offline, and a
third party sees who reads the city's API documentation. The same files come from the npm package
``swagger-ui-dist`` (pinned in package.json, installed by ``make install``, its Scarf telemetry
switched off there), read once at start-up. Without the package (an install without npm) the
page falls back to FastAPI's CDN version, which is what ``mount_docs`` returning False means.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, Response

SWAGGER_UI = Path(__file__).resolve().parent.parent / "node_modules" / "swagger-ui-dist"
ASSETS = "/docs/assets"
#: The files the page needs, and their media types.
FILES = {
    "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
    "swagger-ui.css": "text/css; charset=utf-8",
    "favicon-32x32.png": "image/png",
}
CACHE = "public, max-age=86400"


def available(folder: Path = SWAGGER_UI) -> bool:
    return all((folder / name).is_file() for name in FILES)


def mount_docs(app: FastAPI, folder: Path = SWAGGER_UI) -> bool:
    """Adds ``/docs`` and its assets to ``app`` (created with ``docs_url=None``); False when the
    package is not installed."""
    if not available(folder):
        return False
    for name, media_type in FILES.items():
        _asset_route(app, name, (folder / name).read_bytes(), media_type)
    title = f"{app.title} - Swagger UI"
    openapi_url = app.openapi_url or "/openapi.json"

    def page() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=title,
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
        )

    app.add_api_route("/docs", page, methods=["GET"], include_in_schema=False)
    return True


def _asset_route(app: FastAPI, name: str, body: bytes, media_type: str) -> None:
    def asset() -> Response:
        return Response(body, media_type=media_type, headers={"Cache-Control": CACHE})

    app.add_api_route(f"{ASSETS}/{name}", asset, methods=["GET"], include_in_schema=False)
