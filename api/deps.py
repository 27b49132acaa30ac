"""What a request handler needs, as ``Annotated`` dependencies: settings, the database, the
shared ephemeral store, the contract wrapper, the content store, and who is signed in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.engine import Engine

from api.errors import Forbidden, RateLimited, Unauthenticated
from api.settings import ApiSettings
from api.siwe_auth import SiweConfig
from api.state import EphemeralStore, PaymentRequests
from api.views import RoleSet, Views
from wesh.contract import Wesh
from wesh.metadata import ContentStore

SESSION_COOKIE = "wesh_session"

# The dependencies and the busiest read endpoints are ``async`` although they query the database
# synchronously: their queries are index lookups of well under a millisecond, and running them
# on the event loop saves the thread-pool hop that would otherwise cost more than the query.


@dataclass
class Services:
    """Everything built once per process at start-up (see ``api.app.create_app``)."""

    settings: ApiSettings
    engine: Engine
    store: EphemeralStore
    payment_requests: PaymentRequests
    wesh: Wesh
    chain_id: int
    content: ContentStore
    views: Views
    siwe: SiweConfig


async def services(request: Request) -> Services:
    return request.app.state.services  # type: ignore[no-any-return]


ServicesDep = Annotated[Services, Depends(services)]


@dataclass(frozen=True)
class Caller:
    """A signed-in wallet and what it may do, read from the indexed chain on every request (so a
    role revoked on chain is revoked here as soon as the indexer sees the block)."""

    address: str
    token: str
    roles: RoleSet


def session_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return request.cookies.get(SESSION_COOKIE)


async def current_caller(request: Request, svc: ServicesDep) -> Caller:
    token = session_token(request)
    session = svc.store.get_session(token) if token else None
    if token is None or session is None:
        raise Unauthenticated()
    return Caller(address=session.address, token=token, roles=svc.views.roles_of(session.address))


CallerDep = Annotated[Caller, Depends(current_caller)]


def require(role: str):  # type: ignore[no-untyped-def]
    """A dependency that lets only callers holding ``role`` through."""

    async def check(caller: CallerDep) -> Caller:
        if role not in caller.roles.names:
            raise Forbidden(role=role)
        return caller

    return Depends(check)


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def rate_limit(bucket: str, per_minute_setting: str):  # type: ignore[no-untyped-def]
    """A dependency counting requests per client address in a one-minute window."""

    def check(request: Request, svc: ServicesDep) -> None:
        limit = int(getattr(svc.settings, per_minute_setting))
        wait = svc.store.hit(f"{bucket}:{client_ip(request)}", limit, 60)
        if wait:
            raise RateLimited(retry_after=wait)

    return Depends(check)


Citizen = Annotated[Caller, require("citizen")]
Merchant = Annotated[Caller, require("merchant")]
Reviewer = Annotated[Caller, require("reviewer")]
TaskManager = Annotated[Caller, require("task manager")]
Treasurer = Annotated[Caller, require("treasurer")]
CityStaff = Annotated[Caller, require("city")]
