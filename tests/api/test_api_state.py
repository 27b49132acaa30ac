"""The shared state behind every API worker: the same contract for the database and for Redis."""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.auth.store import EphemeralStore, RedisStore, SqlStore
from api.database import migrate
from indexer.db import make_engine


@pytest.fixture(params=["database", "redis"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[EphemeralStore]:
    if request.param == "database":
        engine = make_engine(f"sqlite:///{tmp_path / 'state.db'}")
        migrate(engine)
        yield SqlStore(engine)
        return
    # The session's Redis (tests/servers.py): the configured one, or else a throwaway one.
    yield RedisStore(request.getfixturevalue("redis_url"))


def test_a_nonce_can_be_taken_exactly_once(store: EphemeralStore) -> None:
    nonce = secrets.token_hex(8)
    store.put_nonce(nonce, 60)
    assert store.take_nonce(nonce) is True
    assert store.take_nonce(nonce) is False
    assert store.take_nonce("never-issued") is False


def test_an_expired_nonce_cannot_be_taken(store: EphemeralStore) -> None:
    nonce = secrets.token_hex(8)
    store.put_nonce(nonce, 1)
    time.sleep(2.1)
    assert store.take_nonce(nonce) is False


def test_sessions_live_until_deleted(store: EphemeralStore) -> None:
    token = secrets.token_urlsafe(16)
    made = store.create_session(token, "0xAbC0000000000000000000000000000000000001", 60)
    found = store.get_session(token)
    assert found is not None and found.address == made.address
    store.delete_session(token)
    assert store.get_session(token) is None
    assert store.get_session("unknown-token") is None


def test_rate_limit_counts_per_bucket_and_says_how_long_to_wait(store: EphemeralStore) -> None:
    bucket = f"test:{secrets.token_hex(4)}"
    waits = [store.hit(bucket, 3, 60) for _ in range(5)]
    assert waits[:3] == [0, 0, 0]
    assert all(0 < wait <= 60 for wait in waits[3:])
    assert store.hit(f"{bucket}:other", 3, 60) == 0
