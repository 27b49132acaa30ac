"""What a request handler needs, as ``Annotated`` dependencies: the services built at start-up,
who is signed in, role requirements and rate limits."""

from __future__ import annotations

import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Annotated, Any, TypeVar

from fastapi import APIRouter, Depends, Request, Response
from fastapi.routing import APIRoute
from sqlalchemy.engine import Engine

from api.auth.roles import ASSOCIATION, CITIZEN, CITY, CITY_ROLES, MERCHANT, Roles, RoleSet
from api.auth.service import AuthService
from api.auth.store import EphemeralStore
from api.budget.service import BudgetService
from api.cashouts.service import CashoutService
from api.citizens.service import CitizenService
from api.claims.service import ClaimService
from api.database import IndexState, IndexVersionError
from api.documents.service import DocumentService
from api.errors import Forbidden, IndexNotReady, IndexVersion, RateLimited, Unauthenticated
from api.evidence.service import EvidenceService
from api.joining.service import JoinService
from api.merchants.service import MerchantService
from api.page_cache import PageCache
from api.payments.service import PaymentService
from api.relay.service import RelayService
from api.reviews.service import ReviewService
from api.settings import ApiSettings
from api.shops.service import ShopDesk
from api.statistics.service import StatisticsService
from api.tasks.service import TaskService
from wesh.contract import Wesh
from wesh.rules import Role

log = logging.getLogger("wesh.api")

T = TypeVar("T")

SESSION_COOKIE = "wesh_session"
BEARER = "bearer "
#: Rate limits count requests per client address in windows of this many seconds.
RATE_WINDOW_S = 60

# The dependencies and the busiest read endpoints are ``async`` although they query the database
# synchronously: their queries are index lookups of well under a millisecond, and running them
# on the event loop saves the thread-pool hop that would otherwise cost more than the query.


@dataclass
class Services:
    """Everything built once per process at start-up (``api.app.build_services``)."""

    settings: ApiSettings
    engine: Engine
    #: Whether the indexer has made its tables (the API reads them, never makes them).
    index: IndexState
    store: EphemeralStore
    wesh: Wesh
    chain_id: int
    pages: PageCache
    roles: Roles
    auth: AuthService
    tasks: TaskService
    merchants: MerchantService
    citizens: CitizenService
    claims: ClaimService
    payments: PaymentService
    cashouts: CashoutService
    budget: BudgetService
    reviews: ReviewService
    statistics: StatisticsService
    documents: DocumentService
    evidence: EvidenceService
    #: The city's relayer (off unless WESH_RELAYER_ENABLED).
    relay: RelayService
    #: Join codes and the desk (registering and moving residents).
    joining: JoinService
    #: The merchant manager's desk (shops joining, bank accounts, a shop's new phone).
    shops: ShopDesk
    #: The smaller domains' services, each made on its first request (``once``).
    made: dict[str, Any] = field(default_factory=dict)

    def once(self, name: str, make: Callable[[], T]) -> T:
        """The service ``name``, made by ``make`` on first use and kept for the process."""
        if name not in self.made:
            self.made[name] = make()
        return self.made[name]  # type: ignore[no-any-return]


async def services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(services)]


def require_index(index: IndexState) -> None:
    """Lets a request through once the indexer has made its tables: until then, a 503 problem
    that says so (every route but /health, /ready, /metrics and /config reads the index)."""
    try:
        ready = index.check()
    except IndexVersionError as error:
        log.error("%s", error)
        raise IndexVersion(found=error.found, expected=error.expected) from None
    if not ready:
        raise IndexNotReady()


class IndexedRoute(APIRoute):
    """A route that reads the index: ``require_index`` runs in its handler. Not a dependency:
    once the index is there this is one attribute read, where a FastAPI dependency on every
    route cost about 7% of the fastest page in ``make bench-api``."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def gated(request: Request) -> Response:
            index: IndexState = request.app.state.services.index
            if not index.ready:
                require_index(index)
            return await handler(request)

        return gated


def indexed_router(**options: Any) -> APIRouter:
    """The router of a domain that reads the index (its routes answer 503 until it exists)."""
    return APIRouter(route_class=IndexedRoute, **options)


@dataclass(frozen=True)
class SignedIn:
    """A signed-in wallet, without its roles: for the routes that show a wallet its own data
    and need nothing else (``GET /me``), three index lookups fewer."""

    address: str
    token: str


@dataclass(frozen=True)
class Caller:
    """A signed-in wallet and what it may do, read from the indexed chain on every request (so a
    role revoked on chain is revoked here as soon as the indexer sees the block)."""

    address: str
    token: str
    roles: RoleSet


def session_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith(BEARER):
        return header[len(BEARER) :].strip() or None
    return request.cookies.get(SESSION_COOKIE)


async def signed_in(request: Request, svc: ServicesDep) -> SignedIn:
    """The session of the request's token, looked up in the shared store on every request: a
    sign-out or an expiry counts at once, in every worker."""
    token = session_token(request)
    session = svc.store.get_session(token) if token else None
    if token is None or session is None:
        raise Unauthenticated()
    return SignedIn(address=session.address, token=token)


SignedInDep = Annotated[SignedIn, Depends(signed_in)]


async def current_caller(signed: SignedInDep, svc: ServicesDep) -> Caller:
    return Caller(address=signed.address, token=signed.token, roles=svc.roles.of(signed.address))


CallerDep = Annotated[Caller, Depends(current_caller)]


def require(role: str):  # type: ignore[no-untyped-def]
    """A dependency that lets only callers holding ``role`` through."""

    async def check(caller: CallerDep) -> Caller:
        if role not in caller.roles.names:
            raise Forbidden(role=role)
        return caller

    return Depends(check)


def require_any(*roles: str):  # type: ignore[no-untyped-def]
    """A dependency that lets callers holding any of ``roles`` through (the problem names them
    joined by "or": ``api.i18n.ROLE_NAMES`` has the words for it)."""

    async def check(caller: CallerDep) -> Caller:
        if not caller.roles.names & set(roles):
            raise Forbidden(role=" or ".join(roles))
        return caller

    return Depends(check)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def rate_limit(bucket: str, per_minute_setting: str):  # type: ignore[no-untyped-def]
    """A dependency counting requests per client address in a one-minute window
    (``per_minute_setting`` names the setting that says how many)."""

    def check(request: Request, svc: ServicesDep) -> None:
        limit = int(getattr(svc.settings, per_minute_setting))
        wait = svc.store.hit(f"{bucket}:{client_ip(request)}", limit, RATE_WINDOW_S)
        if wait:
            raise RateLimited(retry_after=wait)

    return Depends(check)


Citizen = Annotated[Caller, require(CITIZEN)]
Merchant = Annotated[Caller, require(MERCHANT)]
Reviewer = Annotated[Caller, require(CITY_ROLES[Role.REVIEWER])]
TaskManager = Annotated[Caller, require(CITY_ROLES[Role.TASK_MANAGER])]
Treasurer = Annotated[Caller, require(CITY_ROLES[Role.TREASURER])]
CityStaff = Annotated[Caller, require(CITY)]
Registrar = Annotated[Caller, require(CITY_ROLES[Role.REGISTRAR])]
MerchantManager = Annotated[Caller, require(CITY_ROLES[Role.MERCHANT_MANAGER])]
#: The desks: the registrar (residents) or the merchant manager (shops).
Staff = Annotated[
    Caller, require_any(CITY_ROLES[Role.REGISTRAR], CITY_ROLES[Role.MERCHANT_MANAGER])
]
#: Who registers residents: the registrar, or a neighbourhood association (its own
#: neighbourhoods only, through the neighbourhood desk contract).
ResidentDesk = Annotated[Caller, require_any(CITY_ROLES[Role.REGISTRAR], ASSOCIATION)]
#: Who reads what a join code stands for: the desks, and a neighbourhood association.
JoinDesk = Annotated[
    Caller,
    require_any(CITY_ROLES[Role.REGISTRAR], CITY_ROLES[Role.MERCHANT_MANAGER], ASSOCIATION),
]
