"""Sign-In with Ethereum: nonce, message, verify, session, sign-out."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import Response

from api import openapi
from api.auth.schemas import MessageIn, MessageOut, NonceOut, SessionOut, VerifyIn
from api.auth.service import session_out
from api.deps import SESSION_COOKIE, CallerDep, ServicesDep, indexed_router, rate_limit

router = indexed_router(prefix="/auth", tags=[openapi.AUTH])


@router.get(
    "/nonce", response_model=NonceOut, dependencies=[rate_limit("signin", "signin_per_minute")]
)
def nonce(svc: ServicesDep) -> NonceOut:
    """A fresh single-use nonce, with what the SIWE message must name."""
    return svc.auth.nonce()


@router.post(
    "/message",
    response_model=MessageOut,
    dependencies=[rate_limit("signin", "signin_per_minute")],
)
def message(body: MessageIn, svc: ServicesDep) -> MessageOut:
    """A complete EIP-4361 message for ``address`` to sign (with a fresh nonce)."""
    return svc.auth.message(body.address)


@router.post(
    "/verify",
    response_model=SessionOut,
    dependencies=[rate_limit("signin", "signin_per_minute")],
)
def verify(body: VerifyIn, response: Response, svc: ServicesDep) -> SessionOut:
    """Checks a signed message; on success starts a session (cookie and bearer token)."""
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
def session(caller: CallerDep) -> SessionOut:
    """Who is signed in, with the roles the chain gives them now."""
    return session_out(caller.address, caller.roles)


@router.post("/logout", status_code=HTTPStatus.NO_CONTENT)
def logout(caller: CallerDep, response: Response, svc: ServicesDep) -> Response:
    """Ends the session everywhere (the token stops working in every worker)."""
    svc.auth.sign_out(caller.token)
    response.status_code = HTTPStatus.NO_CONTENT
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
