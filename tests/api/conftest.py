"""Fixtures of the API tests (the stack itself is built in api_support.py)."""

from api_support import anyio_backend, app, client, pg_url, stack  # noqa: F401
