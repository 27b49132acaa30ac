"""The API's own tables under Alembic, on SQLite and PostgreSQL: a database made before Alembic
(the tables as the API's create_all made them, fixed below) is adopted with its rows, a fresh one
is made exactly as before, upgrading twice changes nothing, workers starting together migrate one
at a time, and the tables in api.tables are the migrations' head."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import Engine

from api import tables
from api.database import current_revision, head_revision, migrate
from indexer import schema
from indexer.db import make_engine

#: The API's tables as ``metadata.create_all`` made them before Alembic (git history: api/state.py
#: and api/views.py); ``"window"`` quoted as PostgreSQL needs it (SQLite makes the same column).
#: Fixed text: the test must not follow later changes.
BEFORE_ALEMBIC = """
CREATE TABLE api_nonces (
    nonce VARCHAR(64) NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (nonce)
);
CREATE TABLE api_payment_requests (
    reference VARCHAR(66) NOT NULL,
    merchant VARCHAR(42) NOT NULL,
    amount BIGINT NOT NULL,
    note VARCHAR(140) DEFAULT '' NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (reference)
);
CREATE INDEX ix_api_payment_requests_merchant ON api_payment_requests (merchant);
CREATE TABLE api_rate_limits (
    bucket VARCHAR(200) NOT NULL,
    "window" BIGINT NOT NULL,
    hits INTEGER NOT NULL,
    PRIMARY KEY (bucket, "window")
);
CREATE TABLE api_sessions (
    token_hash VARCHAR(64) NOT NULL,
    address VARCHAR(42) NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (token_hash)
);
CREATE INDEX ix_api_sessions_address ON api_sessions (address);
CREATE TABLE api_evidence (
    cid VARCHAR(100) NOT NULL,
    owner VARCHAR(42) NOT NULL,
    media_type VARCHAR(40) NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (cid)
);
CREATE INDEX ix_api_evidence_owner ON api_evidence (owner);
CREATE TABLE api_task_meta (
    task_id BIGINT NOT NULL,
    cid TEXT NOT NULL,
    title_nl TEXT NOT NULL,
    title_en TEXT NOT NULL,
    category VARCHAR(40) NOT NULL,
    street TEXT NOT NULL,
    lat FLOAT,
    lon FLOAT,
    document TEXT NOT NULL,
    PRIMARY KEY (task_id)
);
CREATE INDEX ix_api_task_meta_category ON api_task_meta (category);
CREATE INDEX ix_api_task_meta_latlon ON api_task_meta (lat, lon);
"""

#: One row in every table, as a database of before Alembic could hold them.
ROWS: dict[str, list[dict[str, Any]]] = {
    "api_nonces": [{"nonce": "n0nce", "expires_at": 2_000_000_000}],
    "api_sessions": [
        {"token_hash": "ab" * 32, "address": "0x" + "12" * 20, "expires_at": 2_000_000_000}
    ],
    "api_rate_limits": [{"bucket": "signin:127.0.0.1", "window": 1_800_000_000, "hits": 3}],
    "api_payment_requests": [
        {
            "reference": "00112233aabbccdd",
            "merchant": "0x" + "34" * 20,
            "amount": 350,
            "note": "koffie",
            "created_at": 1_800_000_000,
            "expires_at": 1_800_001_800,
        }
    ],
    "api_task_meta": [
        {
            "task_id": 7,
            "cid": "bafkreitask",
            "title_nl": "Bankje schilderen",
            "title_en": "Paint a bench",
            "category": "schilderen",
            "street": "Promenade 1",
            "lat": 50.8882,
            "lon": 5.9795,
            "document": '{"title": {"nl": "Bankje schilderen"}}',
        }
    ],
    "api_evidence": [
        {
            "cid": "bafkreiphoto",
            "owner": "0x" + "56" * 20,
            "media_type": "image/jpeg",
            "created_at": 1_800_000_000,
        }
    ],
}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """An empty database of each kind the API runs on."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'api.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    made = make_engine(url)
    try:
        yield made
    finally:
        made.dispose()


def make_before_alembic(engine: Engine) -> None:
    with engine.begin() as db:
        for statement in BEFORE_ALEMBIC.split(";"):
            if statement.strip():
                db.exec_driver_sql(statement)
        for name, rows in ROWS.items():
            db.execute(tables.metadata.tables[name].insert(), rows)


def rows_of(engine: Engine) -> dict[str, list[dict[str, Any]]]:
    with engine.connect() as db:
        return {
            name: [dict(row._mapping) for row in db.execute(sa.select(table))]
            for name, table in tables.metadata.tables.items()
        }


def shape_of(engine: Engine) -> dict[str, Any]:
    """Every API table's columns (name, type, nullable, default), primary key and indexes."""
    inspector = sa.inspect(engine)
    shape: dict[str, Any] = {}
    for name in sorted(tables.metadata.tables):
        if not inspector.has_table(name):  # a table of a later revision, not made yet
            continue
        columns = [
            (c["name"], str(c["type"]), c["nullable"], c.get("default"))
            for c in inspector.get_columns(name)
        ]
        primary = inspector.get_pk_constraint(name)["constrained_columns"]
        indexes = sorted(
            (ix["name"], tuple(ix["column_names"]), bool(ix["unique"]))
            for ix in inspector.get_indexes(name)
        )
        shape[name] = {"columns": columns, "primary_key": primary, "indexes": indexes}
    return shape


def test_a_database_made_before_alembic_is_adopted_with_its_rows(engine: Engine) -> None:
    make_before_alembic(engine)
    before = shape_of(engine)
    assert current_revision(engine) is None

    migrate(engine)

    # The tables of before keep their rows and shape; the later revisions' tables are added.
    assert rows_of(engine) == {name: ROWS.get(name, []) for name in tables.metadata.tables}
    assert {name: shape for name, shape in shape_of(engine).items() if name in before} == before
    assert current_revision(engine) == head_revision() is not None


def test_a_fresh_database_gets_exactly_the_tables_of_before(engine: Engine) -> None:
    # The tables as create_all made them before Alembic, column by column, index by index, and
    # those of later revisions as api.tables declares them...
    make_before_alembic(engine)
    tables.metadata.create_all(engine)
    before = shape_of(engine)
    tables.metadata.drop_all(engine)
    # ...are what the migrations make in an empty database.
    migrate(engine)
    assert shape_of(engine) == before
    assert rows_of(engine) == {name: [] for name in tables.metadata.tables}
    assert current_revision(engine) == head_revision()
    with engine.connect() as db:
        assert set(sa.inspect(db).get_table_names()) == {*tables.metadata.tables, "alembic_version"}


def test_upgrading_twice_changes_nothing(engine: Engine) -> None:
    make_before_alembic(engine)
    migrate(engine)
    once = (shape_of(engine), rows_of(engine), current_revision(engine))
    migrate(engine)
    assert (shape_of(engine), rows_of(engine), current_revision(engine)) == once


def test_the_indexers_tables_are_left_to_the_indexer(engine: Engine) -> None:
    """Alembic neither makes nor drops the indexer's tables, and api.tables is what the
    migrations make: autogenerate finds nothing to do."""
    migrate(engine)
    with engine.connect() as db:
        assert not set(sa.inspect(db).get_table_names()) & set(schema.metadata.tables)
    schema.create(engine)
    migrate(engine)
    with engine.connect() as db:
        assert set(schema.metadata.tables) <= set(sa.inspect(db).get_table_names())
    with engine.connect() as db:
        context = MigrationContext.configure(
            db,
            opts={
                "include_name": lambda name, type_, _: (
                    type_ != "table" or name in tables.metadata.tables
                ),
                "compare_type": True,
            },
        )
        assert compare_metadata(context, tables.metadata) == []


def test_workers_starting_together_migrate_one_at_a_time(engine: Engine) -> None:
    """Each takes the migration lock before Alembic starts (whose context is one per process,
    so threads stand in for processes only because the lock keeps them apart)."""
    failures: list[BaseException] = []

    def start() -> None:
        try:
            migrate(engine)
        except BaseException as error:  # collected, asserted below
            failures.append(error)

    workers = [threading.Thread(target=start) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    assert not any(worker.is_alive() for worker in workers), "migrations are stuck"
    assert failures == []
    assert current_revision(engine) == head_revision()
    with engine.connect() as db:
        assert db.execute(sa.text("SELECT count(*) FROM alembic_version")).scalar_one() == 1
