"""Property-based requests generated from the OpenAPI schema (schemathesis): at least 1,000
requests, no server error, and every response conforming to the schema."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from api_support import PUBLIC_URL, Stack, sign_in
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi import checks as openapi_checks

from wesh.contract import Role

#: Operations left out, and why: the streams stay open by design (tested in test_api_flows and
#: test_api_joining), and
#: signing out would end the session the other generated requests use (tested in test_api_siwe).
EXCLUDED = {
    ("GET", "/merchant/payments/stream"),
    ("GET", "/me/stream"),
    ("POST", "/auth/logout"),
}
#: Up to 15 generated requests per operation and mode: with 100+ operations that is 2,500 or
#: more, well over the 1,000 asked for, each operation still tried positively and negatively.
#: (30 made 5,000 requests and most of this suite's time; hypothesis, derandomized, tries the
#: boundary and empty values first, where the server errors it found were.)
EXAMPLES_PER_OPERATION = 15


@pytest.fixture(scope="module")
def superuser_token(app: Any, stack: Stack) -> str:
    """A caller holding every city role and registered as a citizen, so that generated requests
    reach the handlers instead of stopping at 401/403."""
    admin = stack.accounts["admin"].address
    for role in (Role.REVIEWER, Role.TREASURER):
        stack.send(stack.wesh.grant_role(admin, role), "admin")
    stack.send(stack.wesh.register_citizens([admin], [1]), "admin")
    stack.sync()
    import asyncio

    async def token() -> str:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as http:
            return str((await sign_in(http, stack, "admin"))["token"])

    return asyncio.run(token())


def test_generated_requests_never_fail_the_server_and_conform(
    app: Any, superuser_token: str
) -> None:
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    sent = 0
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an Err would raise here, loudly
        if (operation.method.upper(), operation.path) in EXCLUDED:
            continue
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            sent += exercise(operation, mode, superuser_token, failures)
    print(f"schemathesis: {sent} requests over {operations} operations")
    assert not failures, "\n".join(failures[:20])
    assert sent >= 1_000


def exercise(operation: Any, mode: GenerationMode, token: str, failures: list[str]) -> int:
    """Sends up to EXAMPLES_PER_OPERATION generated requests; returns how many were sent."""
    sent = 0

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case: Any) -> None:
        nonlocal sent
        sent += 1
        try:
            response = case.call(headers={"Authorization": f"Bearer {token}"})
            case.validate_response(
                response,
                checks=[
                    schemathesis.checks.not_a_server_error,
                    openapi_checks.status_code_conformance,
                    openapi_checks.content_type_conformance,
                    openapi_checks.response_schema_conformance,
                ],
            )
        except Exception as error:  # collect all, report together
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")

    try:
        run()
    except Unsatisfiable:
        # Negative mode on an operation with nothing to get wrong (no parameters, no body).
        assert mode is GenerationMode.NEGATIVE, operation.path
    return sent
