"""What the API itself remembers, shared by every worker: sign-in nonces, sessions, rate-limit
counters (in the database, or in Redis when ``WESH_REDIS_URL`` is set) and merchants' payment
requests (always in the database: they are business records, not ephemeral state).

The API's own tables live beside the indexer's projections but are created and owned here; the
indexer never reads them.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

metadata = sa.MetaData()

nonces = sa.Table(
    "api_nonces",
    metadata,
    sa.Column("nonce", sa.String(64), primary_key=True),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
)
sessions = sa.Table(
    "api_sessions",
    metadata,
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("address", sa.String(42), nullable=False, index=True),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
)
rate_limits = sa.Table(
    "api_rate_limits",
    metadata,
    sa.Column("bucket", sa.String(200), primary_key=True),
    sa.Column("window", sa.BigInteger, primary_key=True),
    sa.Column("hits", sa.Integer, nullable=False),
)
payment_requests = sa.Table(
    "api_payment_requests",
    metadata,
    sa.Column("reference", sa.String(66), primary_key=True),
    sa.Column("merchant", sa.String(42), nullable=False, index=True),
    sa.Column("amount", sa.BigInteger, nullable=False),
    sa.Column("note", sa.String(140), nullable=False, server_default=""),
    sa.Column("created_at", sa.BigInteger, nullable=False),
    sa.Column("expires_at", sa.BigInteger, nullable=False),
)


def token_hash(token: str) -> str:
    """Sessions are stored by the hash of their token: a database leak gives no sessions."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    address: str
    expires_at: int


@dataclass(frozen=True)
class PaymentRequest:
    reference: str
    merchant: str
    amount: int
    note: str
    created_at: int
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


def _upsert(engine: Engine, table: sa.Table) -> sa.Insert:
    dialect = engine.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise RuntimeError(f"unsupported database {dialect}: use SQLite or PostgreSQL")


class SqlStore:
    """The default: the database the API already reads, so N workers behave as one."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

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
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(sessions.c.address, sessions.c.expires_at).where(
                    sessions.c.token_hash == token_hash(token)
                )
            ).first()
        if row is None or row.expires_at < time.time():
            return None
        return Session(address=row.address, expires_at=int(row.expires_at))

    def delete_session(self, token: str) -> None:
        with self.engine.begin() as db:
            db.execute(sessions.delete().where(sessions.c.token_hash == token_hash(token)))

    def hit(self, bucket: str, limit: int, window_s: int) -> int:
        now = int(time.time())
        window = now - now % window_s
        statement = _upsert(self.engine, rate_limits).values(bucket=bucket, window=window, hits=1)
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


class PaymentRequests:
    """Merchants' payment requests (the QR codes), by reference."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        metadata.create_all(engine)

    def create(self, request: PaymentRequest) -> None:
        with self.engine.begin() as db:
            db.execute(payment_requests.insert().values(**request.__dict__))

    def get(self, reference: str) -> PaymentRequest | None:
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(payment_requests).where(payment_requests.c.reference == reference)
            ).first()
        return PaymentRequest(**row._mapping) if row else None

    def of_merchant(self, merchant: str, limit: int = 50) -> list[PaymentRequest]:
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(payment_requests)
                .where(payment_requests.c.merchant == merchant)
                .order_by(payment_requests.c.created_at.desc())
                .limit(limit)
            ).all()
        return [PaymentRequest(**row._mapping) for row in rows]
