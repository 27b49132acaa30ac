"""Response helpers: JSON bodies and RFC 9457 problems.

Routes return the pydantic models they declare and FastAPI serialises them; a list endpoint on a
hot path hands its models to a module-level ``TypeAdapter`` instead (``json_list``), which writes
the JSON in one pass without a second validation. ``problem`` is the one shape of every error.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any, TypeVar

import orjson
from fastapi import Request, Response
from fastapi.responses import JSONResponse
from pydantic import BaseModel, TypeAdapter

from api.i18n import Lang, language_of, reason_message, text

T = TypeVar("T")

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"
PROBLEM_TYPE_BASE = "https://wesh.heerlen.nl/problems/"


def json_response(payload: Any) -> Response:
    """orjson straight to bytes, for payloads that are not a declared model (the demo's RPC)."""
    return Response(orjson.dumps(payload), media_type=JSON)


def json_list(adapter: TypeAdapter[list[T]], items: list[T]) -> Response:
    """A list of models as JSON, serialised by ``adapter`` (a module-level
    ``TypeAdapter(list[Model])``) in one pass."""
    return Response(adapter.dump_json(items), media_type=JSON)


class Problem(BaseModel):
    """An RFC 9457 problem, as every error response of this API is."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str
    params: dict[str, Any] | None = None
    #: The English beside the negotiated language, where a problem carries both (the relayer's).
    title_en: str | None = None
    detail_en: str | None = None


def _problem_response(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "model": Problem,
        "content": {PROBLEM_JSON: {"schema": {"$ref": "#/components/schemas/Problem"}}},
    }


#: Documented on every route, so clients (and schemathesis) know every error is a problem.
PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    HTTPStatus.BAD_REQUEST: _problem_response("Bad request"),
    HTTPStatus.UNAUTHORIZED: _problem_response("Not signed in"),
    HTTPStatus.FORBIDDEN: _problem_response("Missing role"),
    HTTPStatus.NOT_FOUND: _problem_response("Not found"),
    HTTPStatus.METHOD_NOT_ALLOWED: _problem_response("Method not allowed"),
    HTTPStatus.CONFLICT: _problem_response("Conflict"),
    HTTPStatus.REQUEST_ENTITY_TOO_LARGE: _problem_response("Too large"),
    HTTPStatus.UNSUPPORTED_MEDIA_TYPE: _problem_response("Unsupported media type"),
    HTTPStatus.UNPROCESSABLE_ENTITY: _problem_response(
        "Invalid input, or the contract would refuse the action"
    ),
    HTTPStatus.TOO_MANY_REQUESTS: _problem_response("Rate limited"),
    HTTPStatus.INTERNAL_SERVER_ERROR: _problem_response("Internal error"),
    HTTPStatus.SERVICE_UNAVAILABLE: _problem_response("Chain or database unavailable"),
}
#: The statuses with a title of their own (``title_<status>`` in api.i18n).
TITLES = frozenset(int(status) for status in PROBLEM_RESPONSES)


def detail_of(key: str, lang: Lang, params: dict[str, Any]) -> str:
    """The sentence of a problem, with a next step."""
    if key == "contract_refused":
        return reason_message(str(params.get("reason", "")), lang)
    return text(key, lang, **params)


def problem(
    request: Request,
    status: int,
    key: str,
    params: dict[str, Any] | None = None,
    bilingual: bool = False,
) -> JSONResponse:
    """An RFC 9457 problem in the language the client prefers (Dutch unless English);
    ``bilingual``: with the English in ``title_en`` and ``detail_en`` too."""
    status = int(status)
    lang = language_of(request.headers.get("accept-language"))
    params = dict(params or {})
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + key.replace("_", "-"),
        "title": text(f"title_{status}", lang) if status in TITLES else text("title_400", lang),
        "status": status,
        "detail": detail_of(key, lang, params),
        "instance": request.url.path,
        "code": key,
    }
    if bilingual:
        body["title_en"] = text(f"title_{status}" if status in TITLES else "title_400", "en")
        body["detail_en"] = detail_of(key, "en", params)
    extras = {k: v for k, v in params.items() if isinstance(v, str | int | float | bool | list)}
    if extras:
        body["params"] = extras
    return JSONResponse(
        body,
        status_code=status,
        media_type=PROBLEM_JSON,
        headers={"Content-Language": lang, "Vary": "Accept-Language"},
    )
