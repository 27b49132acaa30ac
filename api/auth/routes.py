"""Sign-In with Ethereum: nonce, message, verify, session, sign-out."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import APIRouter, Response

from api import openapi
from api.auth import siwe as siwe_auth
from api.auth.schemas import MessageIn, MessageOut, NonceOut, SessionOut, VerifyIn
from api.deps import SESSION_COOKIE, CallerDep, ServicesDep, rate_limit

router = APIRouter(prefix="/auth", tags=[openapi.AUTH])


@router.get(
    "/nonce", response_model=NonceOut, dependencies=[rate_limit("signin", "signin_per_minute")]
)
def nonce(svc: ServicesDep) -> NonceOut:
    """A fresh single-use nonce, with what the SIWE message must name."""
    config = svc.siwe
    return NonceOut(
        nonce=siwe_auth.new_nonce(svc.store, config),
        domain=config.domain,
        uri=config.uri,
        chain_id=config.chain_id,
        statement=siwe_auth.STATEMENT,
        expires_in=config.nonce_ttl_s,
    )


@router.post(
    "/message",
    response_model=MessageOut,
    dependencies=[rate_limit("signin", "signin_per_minute")],
)
def message(body: MessageIn, svc: ServicesDep) -> MessageOut:
    """A complete EIP-4361 message for ``address`` to sign (with a fresh nonce)."""
    nonce_value = siwe_auth.new_nonce(svc.store, svc.siwe)
    return MessageOut(
        message=siwe_auth.build_message(body.address, nonce_value, svc.siwe), nonce=nonce_value
    )


@router.post(
    "/verify",
    response_model=SessionOut,
    dependencies=[rate_limit("signin", "signin_per_minute")],
)
def verify(body: VerifyIn, response: Response, svc: ServicesDep) -> SessionOut:
    """Checks a signed message; on success starts a session (cookie and bearer token)."""
    address = siwe_auth.verify(body.message, body.signature, svc.store, svc.siwe)
    token = siwe_auth.new_session_token()
    session = svc.store.create_session(token, address, svc.settings.session_ttl_s)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=svc.settings.session_ttl_s,
        httponly=True,
        secure=svc.settings.cookie_secure,
        samesite="lax",
        path="/",
    )
    roles = svc.roles.of(address)
    return SessionOut(
        address=address,
        roles=sorted(roles.names),
        citizen_id=roles.citizen_id,
        merchant_id=roles.merchant_id,
        token=token,
        expires_at=session.expires_at,
    )


@router.get("/session", response_model=SessionOut)
def session(caller: CallerDep) -> SessionOut:
    """Who is signed in, with the roles the chain gives them now."""
    return SessionOut(
        address=caller.address,
        roles=sorted(caller.roles.names),
        citizen_id=caller.roles.citizen_id,
        merchant_id=caller.roles.merchant_id,
    )


@router.post("/logout", status_code=HTTPStatus.NO_CONTENT)
def logout(caller: CallerDep, response: Response, svc: ServicesDep) -> Response:
    """Ends the session everywhere (the token stops working in every worker)."""
    svc.store.delete_session(caller.token)
    response.status_code = HTTPStatus.NO_CONTENT
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
