"""One domain-error hierarchy, turned into RFC 9457 problem responses in Dutch or English.

Every error a client can see is a ``DomainError`` (or becomes one): it carries a message key from
``api.i18n`` and the HTTP status. Nothing else reaches a client: validation errors, unknown
routes and unexpected exceptions are all answered as problems, never as a stack trace.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.i18n import language_of, reason_message, text

log = logging.getLogger("wesh.api")

PROBLEM_TYPE_BASE = "https://wesh.heerlen.nl/problems/"


class Problem(BaseModel):
    """An RFC 9457 problem, as every error response of this API is."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    params: dict[str, Any] | None = None


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "model": Problem,
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}
        },
    }


#: Documented on every route, so clients (and schemathesis) know every error is a problem.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: _problem_response("Bad request"),
    401: _problem_response("Not signed in"),
    403: _problem_response("Missing role"),
    404: _problem_response("Not found"),
    405: _problem_response("Method not allowed"),
    409: _problem_response("Conflict"),
    413: _problem_response("Too large"),
    415: _problem_response("Unsupported media type"),
    422: _problem_response("Invalid input, or the contract would refuse the action"),
    429: _problem_response("Rate limited"),
    500: _problem_response("Internal error"),
    503: _problem_response("Chain or database unavailable"),
}


class DomainError(Exception):
    status = 400
    key = "bad_request"

    def __init__(self, key: str | None = None, **params: Any) -> None:
        super().__init__(key or self.key)
        self.key = key or self.key
        self.params = params


class InvalidInput(DomainError):
    status = 422
    key = "invalid_input"


class Unauthenticated(DomainError):
    status = 401
    key = "sign_in_required"


class Forbidden(DomainError):
    status = 403
    key = "forbidden"


class NotFound(DomainError):
    status = 404
    key = "not_found"


class Conflict(DomainError):
    status = 409
    key = "conflict"


class PayloadTooLarge(DomainError):
    status = 413
    key = "too_large"


class UnsupportedMedia(DomainError):
    status = 415
    key = "unsupported_media"


class RateLimited(DomainError):
    status = 429
    key = "rate_limited"


class Unavailable(DomainError):
    status = 503
    key = "unavailable"


class ContractRefused(DomainError):
    """The contract would refuse this action; ``reason`` is its revert string."""

    status = 422
    key = "contract_refused"

    def __init__(self, reason: str) -> None:
        super().__init__("contract_refused", reason=reason)
        self.reason = reason


def problem(
    request: Request, status: int, key: str, params: dict[str, Any] | None = None
) -> JSONResponse:
    lang = language_of(request.headers.get("accept-language"))
    params = dict(params or {})
    if key == "contract_refused":
        detail = reason_message(str(params.get("reason", "")), lang)
    else:
        detail = text(key, lang, **params)
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + key.replace("_", "-"),
        "title": text(f"title_{status}", lang) if status in TITLES else text("title_400", lang),
        "status": status,
        "detail": detail,
        "instance": request.url.path,
        "code": key,
    }
    extras = {k: v for k, v in params.items() if isinstance(v, str | int | float | bool | list)}
    if extras:
        body["params"] = extras
    return JSONResponse(
        body,
        status_code=status,
        media_type="application/problem+json",
        headers={"Content-Language": lang, "Vary": "Accept-Language"},
    )


TITLES = {400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503}


def install(app: FastAPI) -> None:
    """Registers the problem handlers on ``app``."""

    async def on_domain_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, DomainError)
        response = problem(request, exc.status, exc.key, exc.params)
        if isinstance(exc, RateLimited) and "retry_after" in exc.params:
            response.headers["Retry-After"] = str(exc.params["retry_after"])
        return response

    async def on_validation_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        fields = [
            ".".join(str(p) for p in err.get("loc", ())[1:]) or "body" for err in exc.errors()
        ]
        return problem(request, 422, "invalid_input", {"fields": sorted(set(fields))})

    async def on_http_error(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        key = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "bad_request")
        response = problem(request, exc.status_code, key)
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return problem(request, 500, "internal")

    app.add_exception_handler(DomainError, on_domain_error)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(Exception, on_unexpected)
