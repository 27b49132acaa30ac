"""The FastAPI application: ``create_app()`` wires settings, database, chain and routers."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import orjson
from fastapi import FastAPI
from prometheus_client import Counter, Histogram
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from web3 import Web3

from api import docs_ui, errors
from api.deps import Services
from api.routers import auth, citizen, city, demo, merchant, public, system
from api.settings import ApiSettings, get_settings
from api.siwe_auth import SiweConfig
from api.state import EphemeralStore, PaymentRequests, RedisStore, SqlStore
from api.state import metadata as state_metadata
from api.views import Views, api_metadata
from indexer import schema
from indexer.db import make_engine
from wesh import deployment
from wesh.contract import Wesh
from wesh.metadata import ContentStore, FolderStore

log = logging.getLogger("wesh.api")
access_log = logging.getLogger("wesh.api.access")

REQUESTS = Counter("wesh_api_requests_total", "API requests", ["method", "route", "status"])
LATENCY = Histogram(
    "wesh_api_request_seconds",
    "API request latency",
    ["route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5),
)

DESCRIPTION = """
WESH — *'t Heerlens Heitje*. The municipality pays citizens in Heitjes (1 Heitje = 1 euro) for
small public-space tasks; they spend them at local shops, which cash them in with the city.

Sign in with Ethereum (`/auth/message`, then `/auth/verify`); the session is a cookie or a bearer
token. Every error is an RFC 9457 problem (`application/problem+json`), in Dutch unless
`Accept-Language` prefers English. Actions on chain are returned as prepared, unsigned
transactions for the user's own wallet: the API never holds keys.
"""


class Observe:
    """Counts and times every request (Prometheus) and writes one JSON access-log line.

    A plain ASGI middleware: Starlette's ``BaseHTTPMiddleware`` costs about as much per request
    as a whole page of tasks."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            elapsed = time.perf_counter() - started
            REQUESTS.labels(scope["method"], route, str(status)).inc()
            LATENCY.labels(route).observe(elapsed)
            if access_log.isEnabledFor(logging.INFO):
                line = {"method": scope["method"], "route": route, "status": status}
                access_log.info(orjson.dumps({**line, "ms": round(elapsed * 1000, 2)}).decode())


def content_store(settings: ApiSettings) -> ContentStore:
    if settings.ipfs_api_url:
        from api.kubo import KuboStore

        return KuboStore(settings.ipfs_api_url)
    return FolderStore(settings.content_dir)


def create_tables(engine: Engine, attempts: int = 5) -> None:
    """Creates the indexer's and the API's tables where missing. Several workers (and the
    indexer) may start at once and race to create the same table; the loser's CREATE fails, and
    a second look finds the table there."""
    for attempt in range(attempts):
        try:
            schema.create(engine)
            state_metadata.create_all(engine)
            api_metadata.create_all(engine)
            return
        except (ProgrammingError, IntegrityError, OperationalError):
            if attempt == attempts - 1:
                raise
            time.sleep(0.2 * (attempt + 1))


def build_services(settings: ApiSettings) -> Services:
    manifest = deployment.load(settings.deployment)
    engine = make_engine(settings.database_url)
    create_tables(engine)
    store: EphemeralStore = (
        RedisStore(settings.redis_url) if settings.redis_url else SqlStore(engine)
    )
    w3 = Web3(Web3.HTTPProvider(settings.rpc_url, request_kwargs={"timeout": 10}))
    content = content_store(settings)
    return Services(
        settings=settings,
        engine=engine,
        store=store,
        payment_requests=PaymentRequests(engine),
        wesh=Wesh(w3, manifest.heitje, manifest.redemption),
        chain_id=manifest.chain_id,
        content=content,
        views=Views(engine, content),
        siwe=SiweConfig(
            domain=settings.siwe_domain,
            uri=settings.public_url,
            chain_id=manifest.chain_id,
            rpc_url=settings.rpc_url,
            nonce_ttl_s=settings.nonce_ttl_s,
            max_age_s=settings.siwe_max_age_s,
        ),
    )


def create_app(settings: ApiSettings | None = None, services: Services | None = None) -> FastAPI:
    settings = settings or get_settings()
    local_docs = docs_ui.available()
    app = FastAPI(
        title="WESH API",
        version="1.0.0",
        description=DESCRIPTION,
        license_info={"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        # /docs from this server when swagger-ui-dist is installed (api.docs_ui), else FastAPI's.
        docs_url=None if local_docs else "/docs",
    )
    app.state.services = services or build_services(settings)
    errors.install(app)

    app.add_middleware(Observe)

    for router in (
        system.router,
        auth.router,
        public.router,
        citizen.router,
        merchant.router,
        city.router,
        demo.router,
    ):
        app.include_router(router, responses=errors.PROBLEM_RESPONSES)
    if local_docs:
        docs_ui.mount_docs(app)

    web = Path(__file__).resolve().parent.parent / "web"
    if (web / "index.html").exists():
        from api.web import mount_web

        mount_web(app, web)
    return app
