"""Sign-in nonces, sessions and rate-limit counters, shared by every worker: in the database, or
in Redis when ``WESH_REDIS_URL`` is set."""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.database import upsert
from api.driver_sql import DriverSelect
from api.tables import nonces, rate_limits, sessions


def token_hash(token: str) -> str:
    """Sessions are stored by the hash of their token: a database leak gives no sessions."""
    return hashlib.sha256(token.encode()).hexdigest()


#: Every signed-in request runs it: built once, run on the driver's cursor (``SqlStore``).
_SESSION = sa.select(sessions.c.address, sessions.c.expires_at).where(
    sessions.c.token_hash == sa.bindparam("token_hash")
)


@dataclass(frozen=True)
class Session:
    address: str
    expires_at: int


class EphemeralStore(Protocol):
    """Nonces, sessions and rate-limit counters."""

    def put_nonce(self, nonce: str, ttl_s: int) -> None: ...

    def take_nonce(self, nonce: str) -> bool:
        """True once for a live nonce, False for an unknown, used or expired one."""
        ...

    def create_session(self, token: str, address: str, ttl_s: int) -> Session: ...

    def get_session(self, token: str) -> Session | None: ...

    def delete_session(self, token: str) -> None: ...

    def hit(self, bucket: str, limit: int, window_s: int) -> int:
        """Counts one request; returns 0 if allowed, else seconds until the window ends."""
        ...


class SqlStore:
    """The default: the database the API already reads, so N workers behave as one. Its tables
    are the API's own (``api.tables``, made by the migrations)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._session = DriverSelect(engine, _SESSION)

    def put_nonce(self, nonce: str, ttl_s: int) -> None:
        now = int(time.time())
        with self.engine.begin() as db:
            db.execute(nonces.delete().where(nonces.c.expires_at < now))
            db.execute(nonces.insert().values(nonce=nonce, expires_at=now + ttl_s))

    def take_nonce(self, nonce: str) -> bool:
        with self.engine.begin() as db:
            gone = db.execute(
                nonces.delete().where(
                    nonces.c.nonce == nonce, nonces.c.expires_at >= int(time.time())
                )
            )
            return gone.rowcount == 1

    def create_session(self, token: str, address: str, ttl_s: int) -> Session:
        now = int(time.time())
        session = Session(address=address, expires_at=now + ttl_s)
        with self.engine.begin() as db:
            db.execute(sessions.delete().where(sessions.c.expires_at < now))
            db.execute(
                sessions.insert().values(
                    token_hash=token_hash(token), address=address, expires_at=session.expires_at
                )
            )
        return session

    def get_session(self, token: str) -> Session | None:
        row = self._session.first(token_hash=token_hash(token))
        if row is None:
            return None
        address, expires_at = row
        if expires_at < time.time():
            return None
        return Session(address=address, expires_at=int(expires_at))

    def delete_session(self, token: str) -> None:
        with self.engine.begin() as db:
            db.execute(sessions.delete().where(sessions.c.token_hash == token_hash(token)))

    def hit(self, bucket: str, limit: int, window_s: int) -> int:
        now = int(time.time())
        window = now - now % window_s
        statement = upsert(self.engine, rate_limits).values(bucket=bucket, window=window, hits=1)
        statement = statement.on_conflict_do_update(  # type: ignore[attr-defined]
            index_elements=["bucket", "window"], set_={"hits": rate_limits.c.hits + 1}
        ).returning(rate_limits.c.hits)
        with self.engine.begin() as db:
            hits = int(db.execute(statement).scalar_one())
            if hits == 1:
                db.execute(rate_limits.delete().where(rate_limits.c.window < window - window_s))
        return 0 if hits <= limit else window + window_s - now


class RedisStore:
    """The same with Redis (``WESH_REDIS_URL``): for deployments that already run one."""

    def __init__(self, url: str) -> None:
        import redis

        self.redis = redis.Redis.from_url(url, decode_responses=True)

    def put_nonce(self, nonce: str, ttl_s: int) -> None:
        self.redis.set(f"wesh:nonce:{nonce}", "1", ex=ttl_s)

    def take_nonce(self, nonce: str) -> bool:
        return self.redis.getdel(f"wesh:nonce:{nonce}") is not None

    def create_session(self, token: str, address: str, ttl_s: int) -> Session:
        expires_at = int(time.time()) + ttl_s
        self.redis.set(f"wesh:session:{token_hash(token)}", f"{address}|{expires_at}", ex=ttl_s)
        return Session(address=address, expires_at=expires_at)

    def get_session(self, token: str) -> Session | None:
        value = self.redis.get(f"wesh:session:{token_hash(token)}")
        if not value:
            return None
        address, _, expires = str(value).partition("|")
        return Session(address=address, expires_at=int(expires))

    def delete_session(self, token: str) -> None:
        self.redis.delete(f"wesh:session:{token_hash(token)}")

    def hit(self, bucket: str, limit: int, window_s: int) -> int:
        now = int(time.time())
        window = now - now % window_s
        key = f"wesh:rate:{bucket}:{window}"
        pipe = self.redis.pipeline()
        pipe.incr(key)
        pipe.expire(key, window_s * 2)
        hits = int(pipe.execute()[0])
        return 0 if hits <= limit else window + window_s - now
