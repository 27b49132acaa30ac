"""One domain-error hierarchy, turned into RFC 9457 problem responses in Dutch or English.

Every error a client can see is a ``DomainError`` (or becomes one): it carries a message key from
``api.i18n`` and the HTTP status. Nothing else reaches a client: validation errors, unknown
routes and unexpected exceptions are all answered as problems (``api.responses.problem``), never
as a stack trace.
"""

from __future__ import annotations

import logging
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.responses import problem

log = logging.getLogger("wesh.api")


class DomainError(Exception):
    status: int = HTTPStatus.BAD_REQUEST
    key = "bad_request"
    #: Whether the problem carries the English beside the negotiated language (``title_en``,
    #: ``detail_en``): for clients that show one and log the other (the admin scripts).
    bilingual = False

    def __init__(self, key: str | None = None, **params: Any) -> None:
        super().__init__(key or self.key)
        self.key = key or self.key
        self.params = params


class InvalidInput(DomainError):
    status = HTTPStatus.UNPROCESSABLE_ENTITY
    key = "invalid_input"


class Unauthenticated(DomainError):
    status = HTTPStatus.UNAUTHORIZED
    key = "sign_in_required"


class Forbidden(DomainError):
    status = HTTPStatus.FORBIDDEN
    key = "forbidden"


class NotFound(DomainError):
    status = HTTPStatus.NOT_FOUND
    key = "not_found"


class Conflict(DomainError):
    status = HTTPStatus.CONFLICT
    key = "conflict"


class PayloadTooLarge(DomainError):
    status = HTTPStatus.REQUEST_ENTITY_TOO_LARGE
    key = "too_large"


class UnsupportedMedia(DomainError):
    status = HTTPStatus.UNSUPPORTED_MEDIA_TYPE
    key = "unsupported_media"


class RateLimited(DomainError):
    status = HTTPStatus.TOO_MANY_REQUESTS
    key = "rate_limited"


class Unavailable(DomainError):
    status = HTTPStatus.SERVICE_UNAVAILABLE
    key = "unavailable"


class IndexNotReady(Unavailable):
    """The indexer has not made its tables yet (api.database.IndexState)."""

    key = "index_not_ready"


class IndexVersion(Unavailable):
    """The indexer's tables are of a version this API cannot read."""

    key = "index_version"


class ContractRefused(DomainError):
    """The contract would refuse this action; ``reason`` is its revert string."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY
    key = "contract_refused"

    def __init__(self, reason: str) -> None:
        super().__init__("contract_refused", reason=reason)
        self.reason = reason


class RelayRefused(DomainError):
    """The city's relayer does not take a signed request (``relayer.checks``): ``code`` is one
    of ``relayer.reasons``; the problem's key is ``relay_<code>``."""

    bilingual = True
    STATUS: ClassVar[dict[str, int]] = {
        # Not offered here (a deployment without the relayer): not an outage.
        "disabled": HTTPStatus.NOT_FOUND,
        "replayed": HTTPStatus.CONFLICT,
        "nonce_gap": HTTPStatus.CONFLICT,
        "expired": HTTPStatus.UNPROCESSABLE_ENTITY,
        "wrong_chain": HTTPStatus.UNPROCESSABLE_ENTITY,
        "wrong_forwarder": HTTPStatus.UNPROCESSABLE_ENTITY,
        "bad_signature": HTTPStatus.UNPROCESSABLE_ENTITY,
        "unknown_signer": HTTPStatus.FORBIDDEN,
        "not_allowed": HTTPStatus.FORBIDDEN,
        "quota_spent": HTTPStatus.TOO_MANY_REQUESTS,
        "budget_spent": HTTPStatus.SERVICE_UNAVAILABLE,
        "simulation_failed": HTTPStatus.UNPROCESSABLE_ENTITY,
        "out_of_funds": HTTPStatus.SERVICE_UNAVAILABLE,
        "sender_down": HTTPStatus.SERVICE_UNAVAILABLE,
    }

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(f"relay_{code}", **params)
        self.code = code
        self.status = self.STATUS.get(code, HTTPStatus.UNPROCESSABLE_ENTITY)


#: Problem keys of the HTTP errors Starlette raises itself (unknown route, wrong method).
HTTP_ERROR_KEYS: dict[int, str] = {
    HTTPStatus.NOT_FOUND: "not_found",
    HTTPStatus.METHOD_NOT_ALLOWED: "method_not_allowed",
}


def install(app: FastAPI) -> None:
    """Registers the problem handlers on ``app``."""

    async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        response = problem(request, int(exc.status), exc.key, exc.params, exc.bilingual)
        if isinstance(exc, RateLimited) and "retry_after" in exc.params:
            response.headers["Retry-After"] = str(exc.params["retry_after"])
        return response

    async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        # A body that is not JSON at all: the parser's character offset is no field name.
        if any(err.get("type") == "json_invalid" for err in exc.errors()):
            return problem(request, HTTPStatus.BAD_REQUEST, "invalid_json")
        fields = [
            ".".join(str(p) for p in err.get("loc", ())[1:]) or "body" for err in exc.errors()
        ]
        return problem(
            request, InvalidInput.status, "invalid_input", {"fields": sorted(set(fields))}
        )

    async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        key = HTTP_ERROR_KEYS.get(exc.status_code, "bad_request")
        response = problem(request, exc.status_code, key)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(request, HTTPStatus.INTERNAL_SERVER_ERROR, "internal")

    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
