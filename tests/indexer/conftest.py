"""Fixtures of the indexer suite: a real anvil node with WESH deployed, and a fresh database on
each backend (a SQLite file, and a PostgreSQL schema in a database made for this session).

PostgreSQL is not optional: the session's server (``pg_server``, see tests/servers.py) is the
configured one when it answers, or else a throwaway one; the tests never skip it.
"""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from indexer_world import N_ACCOUNTS, World, start_world
from servers import Postgres

from wesh import anvil

BACKENDS = ["sqlite", "postgres"]
_schemas = itertools.count(1)


@pytest.fixture(scope="session")
def pg_database(pg_server: Postgres) -> Iterator[str]:
    """A database of its own for this test session, dropped at the end."""
    name = f"wesh_test_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(pg_server.conninfo(), autocommit=True)
    except psycopg.OperationalError as error:
        pytest.fail(f"PostgreSQL at {pg_server} stopped answering: {error}", pytrace=False)
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield name
    finally:
        with psycopg.connect(pg_server.conninfo(), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def new_db(backend: str, tmp_path: Path, request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """A factory of fresh, empty databases on the test's backend: SQLite files, or PostgreSQL
    schemas in the session's database."""
    if backend == "sqlite":
        return lambda: f"sqlite:///{tmp_path / f'wesh-{next(_schemas)}.db'}"
    pg: Postgres = request.getfixturevalue("pg_server")
    pg_database: str = request.getfixturevalue("pg_database")

    def make() -> str:
        schema = f"t{next(_schemas)}_{secrets.token_hex(3)}"
        with psycopg.connect(pg.conninfo(pg_database), autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{schema}"')
        return pg.url(pg_database, options=f"-csearch_path={schema}")

    return make


@pytest.fixture
def node() -> Iterator[anvil.Anvil]:
    with anvil.running(extra=["--accounts", str(N_ACCOUNTS)]) as running:
        yield running


@pytest.fixture
def world(node: anvil.Anvil) -> World:
    return start_world(node)
