"""``GET /me`` is kept per caller until the indexer writes again (api.citizens.me_cache): these
tests show that no one is shown a stale balance. Two apps on one database stand for two workers;
each keeps its own cache, and both must answer with the new state at once."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import sqlalchemy as sa
from api_support import PUBLIC_URL, Stack, sign_in

from api.app import create_app
from api.citizens.me_cache import MeCache
from api.driver_sql import DriverSelect
from indexer.db import make_engine
from wesh.rules import AMSTERDAM

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def worker2(stack: Stack) -> Any:
    """A second worker: an app of its own (and a cache of its own) on the same database."""
    return create_app(stack.settings())


@pytest.fixture
async def workers(app: Any, worker2: Any) -> AsyncIterator[list[httpx.AsyncClient]]:
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=a), base_url=PUBLIC_URL)
        for a in (app, worker2)
    ]
    yield clients
    for client in clients:
        await client.aclose()


async def token_of(http: httpx.AsyncClient, stack: Stack, who: str) -> dict[str, str]:
    """``who`` signed in; the bearer header of the session (no cookie is kept)."""
    token = (await sign_in(http, stack, who))["token"]
    http.cookies.clear()
    return {"Authorization": f"Bearer {token}"}


async def me(http: httpx.AsyncClient, auth: dict[str, str]) -> dict[str, Any]:
    reply = await http.get("/me", headers=auth)
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def cache_of(app: Any) -> MeCache:
    return app.state.services.citizens.me_cache  # type: ignore[no-any-return]


async def test_after_a_block_the_very_next_me_shows_the_new_balance(
    app: Any, worker2: Any, workers: list[httpx.AsyncClient], stack: Stack
) -> None:
    citizen = await token_of(workers[0], stack, "citizen")
    merchant = await token_of(workers[0], stack, "merchant")
    stack.sync()
    before = {}
    for http, worker in zip(workers, (app, worker2), strict=True):
        cache = cache_of(worker)
        for who, auth in (("citizen", citizen), ("merchant", merchant)):
            first = await me(http, auth)
            hits = cache.hits
            assert await me(http, auth) == first
            assert cache.hits == hits + 1  # the second answer came from the cache
            before[who] = first["balance"]

    stack.send(stack.wesh.transfer(stack.accounts["merchant"].address, 7), "citizen")
    stack.sync()

    for http in workers:
        assert (await me(http, citizen))["balance"] == before["citizen"] - 7
        assert (await me(http, merchant))["balance"] == before["merchant"] + 7
    chain = stack.wesh.account(stack.accounts["citizen"].address)
    assert (await me(workers[1], citizen))["balance"] == chain.balance


async def test_after_sign_out_the_old_token_is_refused_at_once(
    workers: list[httpx.AsyncClient], stack: Stack
) -> None:
    auth = await token_of(workers[0], stack, "citizen2")
    for http in workers:
        await me(http, auth)
        await me(http, auth)  # kept in both workers' caches
    assert (await workers[1].post("/auth/logout", headers=auth)).status_code == 204
    for http in workers:
        reply = await http.get("/me", headers=auth)
        assert reply.status_code == 401 and reply.json()["code"] == "sign_in_required"


async def test_pending_incoming_payments_show_as_they_appear(
    workers: list[httpx.AsyncClient], stack: Stack
) -> None:
    merchant = await token_of(workers[0], stack, "merchant")
    stack.sync()
    start = await me(workers[0], merchant)
    assert start["pending_incoming"] == 0
    await me(workers[1], merchant)
    try:
        stack.send(stack.wesh.transfer(stack.accounts["merchant"].address, 11), "citizen")
        # Two confirmations: the payment's block is above the confirmed tip, in the pending
        # tables only (the indexed block stays where it was).
        stack.sync(confirmations=2)
        for http in workers:
            pending = await me(http, merchant)
            assert (pending["balance"], pending["pending_incoming"]) == (start["balance"], 11)
        stack.node.rpc("evm_mine")
        stack.node.rpc("evm_mine")
        stack.sync(confirmations=2)
        for http in workers:
            confirmed = await me(http, merchant)
            assert (confirmed["balance"], confirmed["pending_incoming"]) == (
                start["balance"] + 11,
                0,
            )
    finally:
        stack.sync()  # every block confirmed again, as the other tests expect


async def test_the_body_is_the_page_the_model_describes(app: Any, stack: Stack) -> None:
    """The kept bytes are exactly what ``CitizenService.me`` gives (the response's shape)."""
    citizens = app.state.services.citizens
    address = stack.accounts["citizen"].address
    now = float(stack.now())
    body = citizens.me_json(address, now)
    assert citizens.me_json(address, now) is body  # the second time from the cache
    assert json.loads(body) == citizens.me(address, now).model_dump()


async def test_a_new_amsterdam_month_builds_the_page_again(app: Any, stack: Stack) -> None:
    """Earnings and what is left of the caps are per month and year: the page kept on the last
    evening of the year is not the first morning's."""
    citizens = app.state.services.citizens
    address = stack.accounts["citizen"].address
    new_year = datetime(2031, 1, 1, tzinfo=AMSTERDAM).timestamp()
    old = json.loads(citizens.me_json(address, new_year - 1))
    new = json.loads(citizens.me_json(address, new_year))
    assert (old["year"], old["month"]) == (2030, 12)
    assert (new["year"], new["month"]) == (2031, 1)


def test_the_cache_keeps_the_most_recently_asked_for_callers() -> None:
    cache = MeCache(size=2)
    cache.put("0xa", 1, b"a")
    cache.put("0xb", 1, b"b")
    assert cache.get("0xa", 1) == b"a"  # 0xb is now the least recently asked for
    cache.put("0xc", 1, b"c")
    assert (cache.get("0xa", 1), cache.get("0xb", 1), cache.get("0xc", 1)) == (b"a", None, b"c")
    assert cache.get("0xa", 2) is None  # built under another version: not served
    assert len(cache) == 2


def test_size_zero_keeps_nothing() -> None:
    cache = MeCache(size=0)
    cache.put("0xa", 1, b"a")
    assert not cache.enabled and cache.get("0xa", 1) is None and len(cache) == 0


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "postgresql":
        return str(request.getfixturevalue("pg_url"))  # the session's PostgreSQL
    return f"sqlite:///{tmp_path / 'driver.db'}"


def test_a_driver_select_gives_the_rows_sqlalchemy_gives(database_url: str) -> None:
    """``api.driver_sql``: compiled once per dialect (SQLite's "?" and psycopg's named
    parameters), a LIMIT compiled in, the caller's parameters on top."""
    engine = make_engine(database_url)
    table = sa.Table(
        "driver_rows",
        sa.MetaData(),
        sa.Column("key", sa.String(10), primary_key=True),
        sa.Column("value", sa.BigInteger),
        sa.Column("at", sa.Float),
    )
    table.create(engine)
    with engine.begin() as db:
        db.execute(table.insert(), [{"key": f"k{n}", "value": n, "at": n / 4} for n in range(5)])
    statement = (
        sa.select(table.c.value, table.c.at)
        .where(table.c.key == sa.bindparam("key"))
        .order_by(table.c.value)
        .limit(1)
    )
    select = DriverSelect(engine, statement)
    with engine.connect() as db:
        expected = tuple(db.execute(statement, {"key": "k3"}).one())
    assert select.first(key="k3") == expected == (3, 0.75)
    assert select.first(key="none") is None
    engine.dispose()
