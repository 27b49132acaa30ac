"""Fixtures of the relayer's tests: a world (anvil, WESH, people with keys, the index) on each
backend, SQLite and PostgreSQL (a schema of its own in a database made for the session; never
skipped: tests/servers.py starts a throwaway server when none answers)."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from relayer_support import World, build_world
from servers import Postgres

BACKENDS = ["sqlite", "postgres"]
_schemas = itertools.count(1)


@pytest.fixture(scope="session")
def pg_database(pg_server: Postgres) -> Iterator[str]:
    name = f"wesh_relayer_{secrets.token_hex(4)}"
    with psycopg.connect(pg_server.conninfo(), autocommit=True) as admin:
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
def database_url(backend: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    """A fresh, empty database on the test's backend."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / f'wesh-{next(_schemas)}.db'}"
    pg: Postgres = request.getfixturevalue("pg_server")
    database: str = request.getfixturevalue("pg_database")
    schema = f"r{next(_schemas)}_{secrets.token_hex(3)}"
    with psycopg.connect(pg.conninfo(database), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return pg.url(database, options=f"-csearch_path={schema}")


@pytest.fixture
def world(database_url: str, tmp_path: Path) -> Iterator[World]:
    built = build_world(database_url, tmp_path)
    try:
        yield built
    finally:
        built.engine.dispose()
        built.node.stop()
