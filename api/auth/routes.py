"""Sign-In with Ethereum: nonce, message, verify, session, sign-out."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import Response

from api import openapi
from api.auth.schemas import MessageIn, MessageOut, NonceOut, SessionOut, VerifyIn
from api.auth.service import session_out
from api.auth.siwe import address_in
from api.deps import (
    RATE_WINDOW_S,
    SESSION_COOKIE,
    CallerDep,
    Services,
    ServicesDep,
    indexed_router,
    rate_limit,
)
from api.errors import RateLimited

router = indexed_router(prefix="/auth", tags=[openapi.AUTH])

#: Per client address (IP): starting a sign-in (a nonce, a message) and finishing one (verify)
#: are counted apart, so one sign-in costs one of each (``signin_per_minute``).
START = rate_limit("signin-start", "signin_per_minute")
FINISH = rate_limit("signin-verify", "signin_per_minute")


def per_account(svc: Services, address: str | None) -> None:
    """Counts a sign-in request naming ``address``, from any client address
    (``signin_per_account_per_minute``)."""
    if not address:
        return
    limit = svc.settings.signin_per_account_per_minute
    wait = svc.store.hit(f"signin-account:{address.lower()}", limit, RATE_WINDOW_S)
    if wait:
        raise RateLimited(retry_after=wait)


@router.get("/nonce", response_model=NonceOut, dependencies=[START])
def nonce(svc: ServicesDep) -> NonceOut:
    """A fresh single-use nonce, with what the SIWE message must name."""
    return svc.auth.nonce()


@router.post(
    "/message",
    response_model=MessageOut,
    dependencies=[START],
)
def message(body: MessageIn, svc: ServicesDep) -> MessageOut:
    """A complete EIP-4361 message for ``address`` to sign (with a fresh nonce)."""
    per_account(svc, body.address)
    return svc.auth.message(body.address)


@router.post(
    "/verify",
    response_model=SessionOut,
    dependencies=[FINISH],
)
def verify(body: VerifyIn, response: Response, svc: ServicesDep) -> SessionOut:
    """Checks a signed message; on success starts a session (cookie and bearer token)."""
    per_account(svc, address_in(body.message))
    session = svc.auth.sign_in(body.message, body.signature)
    response.set_cookie(
        SESSION_COOKIE,
        session.token or "",
        max_age=svc.settings.session_ttl_s,
        httponly=True,
        secure=svc.settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    return session


@router.get("/session", response_model=SessionOut)
def session(caller: CallerDep, svc: ServicesDep) -> SessionOut:
    """Who is signed in, with the roles the chain gives them now, and when the session ends
    (``expires_at``: the pages say so when it has)."""
    live = svc.store.get_session(caller.token)
    return session_out(caller.address, caller.roles, expires_at=live.expires_at if live else None)


@router.post("/logout", status_code=HTTPStatus.NO_CONTENT)
def logout(caller: CallerDep, response: Response, svc: ServicesDep) -> Response:
    """Ends the session everywhere (the token stops working in every worker)."""
    svc.auth.sign_out(caller.token)
    response.status_code = HTTPStatus.NO_CONTENT
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
