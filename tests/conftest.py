"""Fixtures shared by every suite: the PostgreSQL and Redis servers (see ``servers``). The
configured ones are used when they answer; otherwise a throwaway server is started once for the
session, on first use, and stopped at its end. The report header says which."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import servers


def pytest_report_header() -> list[str]:
    return servers.describe()


@pytest.fixture(scope="session")
def pg_server() -> Iterator[servers.Postgres]:
    with servers.postgres() as pg:
        yield pg


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    with servers.redis_url() as url:
        yield url
