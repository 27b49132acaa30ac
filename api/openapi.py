"""How the OpenAPI document groups the routes: by who calls them (its tags)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.routing import APIRoute

PUBLIC = "public"
CITIZEN = "citizen"
MERCHANT = "merchant"
CITY = "city"
AUTH = "auth"
SYSTEM = "system"
DEMO = "demo"

#: The two ways a signed-in request carries its session (``api.deps.session_token``).
BEARER_SCHEME = "bearerToken"
COOKIE_SCHEME = "sessionCookie"


def security_schemes(cookie_name: str) -> dict[str, dict[str, str]]:
    return {
        BEARER_SCHEME: {
            "type": "http",
            "scheme": "bearer",
            "description": "The session token from POST /auth/verify, as "
            "`Authorization: Bearer <token>`.",
        },
        COOKIE_SCHEME: {
            "type": "apiKey",
            "in": "cookie",
            "name": cookie_name,
            "description": "The same token in the HttpOnly cookie POST /auth/verify sets "
            "(what the web pages use).",
        },
    }


def _needs(dependant: Any, call: Callable[..., Any]) -> bool:
    """Whether ``call`` is among the dependencies of ``dependant``, however deep."""
    return any(dep.call is call or _needs(dep, call) for dep in dependant.dependencies)


def _api_routes(routes: Iterable[Any]) -> Iterator[APIRoute]:
    """Every APIRoute, also inside included routers (FastAPI keeps those as routers of their
    own since 0.16x)."""
    for route in routes:
        if isinstance(route, APIRoute):
            if route.include_in_schema:
                yield route
        elif hasattr(route, "original_router"):
            yield from _api_routes(route.original_router.routes)


def install(app: FastAPI) -> None:
    """Declares the bearer token and the session cookie in the app's OpenAPI document, and names
    them on exactly the routes that need a session (those that depend on ``signed_in``)."""
    from api.deps import SESSION_COOKIE, signed_in

    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        schema.setdefault("components", {})["securitySchemes"] = security_schemes(SESSION_COOKIE)
        protected = {
            route.operation_id or route.unique_id
            for route in _api_routes(app.routes)
            if _needs(route.dependant, signed_in)
        }
        for item in schema["paths"].values():
            for operation in item.values():
                if operation.get("operationId") in protected:
                    operation["security"] = [{BEARER_SCHEME: []}, {COOKIE_SCHEME: []}]
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
