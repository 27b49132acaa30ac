"""The indexer owns its tables: the API never makes them. Started before the indexer has made
them, it answers 503 problems that say so (and /ready is not ready) until it has; an index of
another schema version is a clear error at start-up, and a 503 problem if it appears later."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from api_support import PUBLIC_URL, Stack

from api.app import create_app
from api.database import IndexVersionError
from indexer import schema
from indexer.db import make_engine

pytestmark = pytest.mark.anyio


@pytest.fixture
def empty_url(tmp_path: Path) -> str:
    """A database without the indexer's tables."""
    return f"sqlite:///{tmp_path / 'wesh.db'}"


@pytest.fixture
async def client(stack: Stack, empty_url: str) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(stack.settings(database_url=empty_url))
    # Looks for the indexer's tables on every request (in service: at most every second).
    app.state.services.index.recheck_s = 0.0
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as http:
        yield http


async def test_the_api_starts_without_the_index_and_says_it_is_not_ready(
    client: httpx.AsyncClient, empty_url: str
) -> None:
    assert (await client.get("/health")).status_code == 200
    for path in ("/ready", "/tasks", "/merchants", "/statistics", "/auth/session"):
        reply = await client.get(path)
        assert reply.status_code == 503, path
        assert reply.headers["content-type"] == "application/problem+json"
        assert reply.json()["code"] == "index_not_ready"
    dutch = (await client.get("/tasks")).json()["detail"]
    assert "index is nog niet klaar" in dutch and "python -m indexer" in dutch
    english = (await client.get("/tasks", headers={"Accept-Language": "en"})).json()["detail"]
    assert "index is not ready yet" in english
    # The API made its own tables only.
    with make_engine(empty_url).connect() as db:
        assert not set(sa.inspect(db).get_table_names()) & set(schema.metadata.tables)


async def test_once_the_indexer_has_made_its_tables_the_api_serves(
    client: httpx.AsyncClient, empty_url: str
) -> None:
    assert (await client.get("/tasks")).status_code == 503
    schema.create(make_engine(empty_url))
    reply = await client.get("/tasks")
    assert reply.status_code == 200 and reply.json()["items"] == []
    # Ready once the indexer has started following the chain (its cursor is there).
    assert (await client.get("/ready")).json()["code"] == "unavailable"


def test_an_index_of_another_version_stops_the_start(stack: Stack, empty_url: str) -> None:
    engine = make_engine(empty_url)
    schema.schema_version.create(engine)
    with engine.begin() as db:
        db.execute(schema.schema_version.insert().values(version=schema.SCHEMA_VERSION - 1))
    with pytest.raises(IndexVersionError, match="python -m indexer reset"):
        create_app(stack.settings(database_url=empty_url))


async def test_an_index_of_another_version_made_later_is_a_503_that_says_so(
    client: httpx.AsyncClient, empty_url: str
) -> None:
    engine = make_engine(empty_url)
    schema.schema_version.create(engine)
    with engine.begin() as db:
        db.execute(schema.schema_version.insert().values(version=schema.SCHEMA_VERSION + 1))
    reply = await client.get("/tasks", headers={"Accept-Language": "en"})
    assert reply.status_code == 503
    body = reply.json()
    assert body["code"] == "index_version"
    assert body["params"] == {"found": schema.SCHEMA_VERSION + 1, "expected": schema.SCHEMA_VERSION}
    assert f"schema {schema.SCHEMA_VERSION + 1}" in body["detail"]
