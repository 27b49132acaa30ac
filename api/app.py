"""The FastAPI application: ``create_app()`` wires settings, database, chain and routers."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import orjson
from fastapi import FastAPI
from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from web3 import Web3

from api import docs_ui, errors, openapi
from api.auth import routes as auth
from api.auth.roles import Roles
from api.auth.service import AuthService
from api.auth.siwe import SiweConfig
from api.auth.store import EphemeralStore, RedisStore, SqlStore
from api.budget import routes as budget
from api.budget.service import BudgetService
from api.cashouts import routes as cashouts
from api.cashouts.service import CashoutService
from api.citizens import routes as citizens
from api.citizens.service import CitizenService
from api.claims import routes as claims
from api.claims.service import ClaimService
from api.database import IndexState, indexed_block, migrate
from api.demo import routes as demo
from api.deps import Services
from api.documents import routes as documents
from api.documents.service import DocumentService
from api.engagement import routes as engagement
from api.evidence import routes as evidence
from api.evidence.service import EvidenceService
from api.finance import routes as finance
from api.joining import routes as joining
from api.joining.service import JoinService, person_secret
from api.liveability import routes as liveability
from api.merchants import routes as merchants
from api.merchants.service import MerchantService
from api.notifications import routes as notifications
from api.notifications.runtime import lifespan as notifier_lifespan
from api.page_cache import PageCache
from api.payments import routes as payments
from api.payments.service import PaymentService
from api.payments.store import PaymentRequests
from api.prepared import Transactions
from api.relay import routes as relay
from api.relay.service import RelayService
from api.report import routes as report
from api.reports import routes as reports
from api.responses import PROBLEM_RESPONSES
from api.reviews import routes as reviews
from api.reviews.service import ReviewService
from api.settings import ApiSettings, get_settings
from api.shop_books import routes as shop_books
from api.shops import routes as shops
from api.shops.service import ShopDesk
from api.statistics import routes as statistics
from api.statistics.service import StatisticsService
from api.system import routes as system
from api.taskboard import routes as taskboard
from api.tasks import routes as tasks
from api.tasks.service import TaskService
from api.tasks.texts import TaskTexts
from indexer.db import make_engine
from relayer.settings import RelayerSettings
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


#: The domains whose routes read the index (each ``api/<domain>/routes.py``): they answer 503
#: until the indexer has made its tables. The system's routes (health, readiness, metrics, the
#: dApp's configuration) answer regardless.
INDEXED_DOMAINS = (
    auth,
    tasks,
    taskboard,
    merchants,
    shop_books,
    statistics,
    documents,
    citizens,
    claims,
    evidence,
    payments,
    cashouts,
    reviews,
    budget,
    relay,
    joining,
    shops,
    demo,
    notifications,
    finance,
    engagement,
    report,
    liveability,
    reports,
)


def content_store(settings: ApiSettings) -> ContentStore:
    if settings.ipfs_api_url:
        from api.kubo import KuboStore

        return KuboStore(settings.ipfs_api_url)
    return FolderStore(settings.content_dir)


def build_services(settings: ApiSettings, relayer: RelayerSettings | None = None) -> Services:
    """Every service of the API, on one engine, content store and chain connection; the relayer's
    settings from ``WESH_RELAYER_*`` unless given."""
    manifest = deployment.load(settings.deployment)
    engine = make_engine(settings.database_url)
    migrate(engine)
    index = IndexState(engine)
    # The indexer's tables of another version: a clear error now. Not there yet: the API starts
    # and answers 503 until the indexer has made them.
    if not index.check():
        log.warning("the indexer has not made its tables yet: answering 503 until it has")
    store: EphemeralStore = (
        RedisStore(settings.redis_url) if settings.redis_url else SqlStore(engine)
    )
    w3 = Web3(Web3.HTTPProvider(settings.rpc_url, request_kwargs={"timeout": 10}))
    wesh = Wesh(w3, manifest.heitje, manifest.redemption, manifest.neighbourhood_desk)
    relay_service = RelayService(
        relayer or RelayerSettings(), engine, wesh, manifest.chain_id, manifest.forwarder
    )
    txs = Transactions(wesh, manifest.chain_id, relay_service.offer)
    content = content_store(settings)
    texts = TaskTexts(engine, content)
    roles = Roles(engine)
    tasks = TaskService(engine, content, texts, txs)
    merchants = MerchantService(engine, content)
    cashouts = CashoutService(engine, txs)
    documents = DocumentService(engine, content)
    siwe = SiweConfig(
        domain=settings.siwe_domain,
        uri=settings.public_url,
        chain_id=manifest.chain_id,
        rpc_url=settings.rpc_url,
        nonce_ttl_s=settings.nonce_ttl_s,
        max_age_s=settings.siwe_max_age_s,
    )
    services = Services(
        settings=settings,
        engine=engine,
        index=index,
        store=store,
        wesh=wesh,
        chain_id=manifest.chain_id,
        pages=PageCache(lambda: indexed_block(engine)),
        roles=roles,
        auth=AuthService(store, roles, siwe, settings.session_ttl_s),
        tasks=tasks,
        merchants=merchants,
        citizens=CitizenService(engine, settings.me_cache_size, texts),
        claims=ClaimService(tasks, txs),
        payments=PaymentService(
            engine, PaymentRequests(engine), merchants, txs, settings.public_url
        ),
        cashouts=cashouts,
        budget=BudgetService(engine, cashouts, txs),
        reviews=ReviewService(engine, texts, txs),
        statistics=StatisticsService(engine, content, texts, settings.statistics_min_residents),
        documents=documents,
        evidence=EvidenceService(
            engine,
            content,
            documents,
            txs,
            settings.upload_max_bytes,
            settings.upload_max_pixels,
        ),
        relay=relay_service,
        joining=JoinService(
            engine,
            txs,
            settings.public_url,
            person_secret(settings.person_reference_secret, manifest.chain_id),
        ),
        # The code a shop's phone shows resolves as a resident's does (api.joining).
        shops=ShopDesk(
            engine, txs, merchants, lambda code: services.joining.resolve(code, int(time.time()))
        ),
    )
    return services


def create_app(
    settings: ApiSettings | None = None,
    services: Services | None = None,
    relayer: RelayerSettings | None = None,
) -> FastAPI:
    settings = settings or get_settings()
    local_docs = docs_ui.available()
    app = FastAPI(
        title="WESH API",
        version="1.0.0",
        description=DESCRIPTION,
        license_info={"name": "EUPL-1.2", "identifier": "EUPL-1.2"},
        # /docs from this server when swagger-ui-dist is installed (api.docs_ui), else FastAPI's.
        docs_url=None if local_docs else "/docs",
        # The residents' notifier runs beside the API (api.notifications.runtime).
        lifespan=notifier_lifespan,
    )
    app.state.services = services or build_services(settings, relayer)
    errors.install(app)

    app.add_middleware(Observe)

    app.include_router(system.router, responses=PROBLEM_RESPONSES)
    for domain in INDEXED_DOMAINS:
        app.include_router(domain.router, responses=PROBLEM_RESPONSES)
    if local_docs:
        docs_ui.mount_docs(app)
    openapi.install(app)

    web = Path(__file__).resolve().parent.parent / "web"
    if (web / "index.html").exists():
        from api.web import mount_web

        mount_web(app, web)
    return app
