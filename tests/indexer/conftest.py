"""Fixtures of the indexer suite: a real anvil node with WESH deployed, and a fresh database on
each backend (a SQLite file, and a PostgreSQL schema in a database made for this session).

PostgreSQL is not optional: `.ci/run` starts it, so if it cannot be reached the tests fail and
say why (they are never skipped).
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from indexer_world import N_ACCOUNTS, World, start_world

from wesh import anvil

PG_HOST = os.environ.get("WESH_TEST_PG_HOST", "127.0.0.1")
PG_PORT = os.environ.get("WESH_TEST_PG_PORT", "5432")
PG_USER = os.environ.get("WESH_TEST_PG_USER", "postgres")
PG_ADMIN_DB = os.environ.get("WESH_TEST_PG_DB", "test")
BACKENDS = ["sqlite", "postgres"]
_schemas = itertools.count(1)


def _admin_conninfo(dbname: str) -> str:
    return f"host={PG_HOST} port={PG_PORT} user={PG_USER} dbname={dbname} connect_timeout=5"


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A database of its own for this test session, dropped at the end."""
    name = f"wesh_test_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(_admin_conninfo(PG_ADMIN_DB), autocommit=True)
    except psycopg.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT} as {PG_USER} (database "
            f"{PG_ADMIN_DB}): {error}. Start it (.ci/run does) - the indexer tests need it.",
            pytrace=False,
        )
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(_admin_conninfo(PG_ADMIN_DB), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def fresh_database_url(backend: str, tmp_path: Path, pg_database: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / f'wesh-{next(_schemas)}.db'}"
    schema = f"t{next(_schemas)}_{secrets.token_hex(3)}"
    with psycopg.connect(_admin_conninfo(pg_database), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    options = quote(f"-csearch_path={schema}")
    return f"postgresql+psycopg://{PG_USER}@{PG_HOST}:{PG_PORT}/{pg_database}?options={options}"


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def new_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A factory of fresh, empty databases on the test's backend."""
    pg = request.getfixturevalue("pg_database") if backend == "postgres" else ""

    def make() -> str:
        return fresh_database_url(backend, tmp_path, pg)

    return make


@pytest.fixture
def node() -> Iterator[anvil.Anvil]:
    with anvil.running(extra=["--accounts", str(N_ACCOUNTS)]) as running:
        yield running


@pytest.fixture
def world(node: anvil.Anvil) -> World:
    return start_world(node)
