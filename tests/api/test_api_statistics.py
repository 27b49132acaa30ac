"""GET /statistics/tables and the open-data CSV with its metadata, on an index seeded by hand with
a history whose answers are worked out below by hand (not by the code under test).

The history (threshold 2 residents; Europe/Amsterdam is UTC+1 in winter):
  Centrum (1): residents 1, 2 (Jan), 1, 3 (Feb; 3's task at 31 Jan 23:30 UTC is February).
  Schandelen (4): residents 4, 5, 7 (Jan), 4, 5 (Feb).  Heerlerheide (12): resident 6 (Jan).
  Task 1 (60 min) pays 5, task 2 (30 min) pays 3, task 3 (no estimate) pays 4.
Suppression: (12, Jan) and Heerlerheide's total have 1 resident. The cheapest cycle through them
goes through Centrum's total (sum 4, a margin: cost 4 x 4 = 16) and (1, Jan) (2): 18, against
Schandelen's (5 x 4 + 3 = 23) or the month/grand totals; so those two are hidden as well.
First-time residents (issue #16, 1a): (1, Feb) has 2 residents of whom 1 is new (3) and 1
returning (1): both sub-counts hidden, and so is February's total's (1 new of 4). First-timers
add up along lines: row Centrum Jan 2 + Feb 1 = 3, column Feb (1, Feb) 1 + (4, Feb) 0 = 1. The
hidden ones (1,Jan) (12,Jan) (1,T) (12,T) (1,Feb) (T,Feb) form cycles except (1,Feb)-(T,Feb):
closing it from row Centrum to column Feb costs January's total (6 x 4 = 24) against the grand
total's (7 x 4 = 28), so January's total's first-timers are hidden too.
Shops: the bakery is in Centrum (1), the hairdresser in Schandelen (4). Resident 1 moved to a new
phone (wallet 1 -> 201) between their January and February payments: one resident, not two.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from api_support import PUBLIC_URL, Stack
from index_rows import (
    add_block,
    add_citizen,
    add_merchant,
    add_payment,
    add_review,
    add_task,
    move_citizen,
)

from api.app import create_app
from indexer import schema as s
from indexer.db import make_engine
from wesh.metadata import FolderStore, merchant_document, put_document, task_document

pytestmark = pytest.mark.anyio


def ts(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def wallet(n: int) -> str:
    return "0x" + f"{n:040x}"


@pytest.fixture(params=["sqlite", "postgresql"])
async def client(
    stack: Stack, tmp_path: Path, request: pytest.FixtureRequest
) -> AsyncIterator[httpx.AsyncClient]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'wesh.db'}"
    else:
        url = str(request.getfixturevalue("pg_url"))
    engine = make_engine(url)
    s.create(engine)
    store = FolderStore(stack.content_dir)
    shops = {
        kind: put_document(
            store,
            merchant_document(
                name=f"Statistiek {kind}",
                kind=kind,
                street="Promenade 1",
                postcode="6411 JA",
                city="Heerlen",
                neighbourhood=area,
            ),
        )
        for kind, area in (("bakker", 1), ("kapper", 4))
    }
    approvals = [  # citizen, task, amount, UTC time
        (1, 1, 5, "2026-01-10T10:00:00"),
        (2, 1, 5, "2026-01-11T10:00:00"),
        (4, 2, 3, "2026-01-12T10:00:00"),
        (5, 2, 3, "2026-01-13T10:00:00"),
        (7, 2, 3, "2026-01-14T10:00:00"),
        (6, 1, 5, "2026-01-15T10:00:00"),
        (1, 1, 5, "2026-02-10T10:00:00"),
        (3, 3, 4, "2026-01-31T23:30:00"),
        (4, 2, 3, "2026-02-11T10:00:00"),
        (5, 3, 4, "2026-02-12T10:00:00"),
    ]
    payments = [  # payer, shop (1 bakker, 2 kapper), amount, UTC time
        (1, 1, 4, "2026-01-05T10:00:00"),
        (2, 1, 6, "2026-01-06T10:00:00"),
        (3, 2, 10, "2026-01-07T10:00:00"),
        (201, 1, 2, "2026-01-31T23:45:00"),  # resident 1 on their new phone
        (2, 1, 3, "2026-02-03T10:00:00"),
    ]
    homes = {1: 1, 2: 1, 3: 1, 4: 4, 5: 4, 7: 4, 6: 12}
    events = [(ts(t), "review", row) for *row, t in approvals]
    events += [(ts(t), "payment", row) for *row, t in payments]
    with engine.begin() as db:
        for c, h in homes.items():
            add_citizen(db, c, wallet(c), h)
        # Resident 1 moved to a new phone: the number stays, the wallet is new.
        move_citizen(db, 1, wallet(1), wallet(201), log_index=9)
        for i, k in ((1, "bakker"), (2, "kapper")):
            add_merchant(db, i, wallet(100 + i), shops[k])
        # Real task documents in the store: 1 and 2 give an estimate, 3 none; the API caches
        # them (api_task_meta) from the store, as it does for the task board.
        deadline = ts("2026-03-01T00:00:00")
        for task_id, minutes in ((1, 60), (2, 30), (3, None)):
            document = task_document(
                title=f"Statistiekklus {task_id}",
                description="Voor de statistiek",
                neighbourhood=1,
                street="Teststraat 1",
                lat=50.8882,
                lon=5.9795,
                reward=100,
                slots=10,
                claim_deadline=deadline,
                claim_duration=86_400,
                estimated_minutes=minutes,
            )
            add_task(
                db,
                task_id,
                claim_deadline=deadline,
                metadata_cid=put_document(store, document),
                task_manager=wallet(99),
            )
        for number, (when, kind, row) in enumerate(sorted(events), start=1):
            add_block(db, number, when)
            if kind == "review":
                citizen, task, amount = row
                add_review(
                    db, number, task_id=task, citizen_id=citizen, reviewer=wallet(98), amount=amount
                )
            else:
                payer, shop, amount = row
                add_payment(
                    db,
                    number,
                    payer=wallet(payer),
                    merchant=wallet(100 + shop),
                    merchant_id=shop,
                    amount=amount,
                )
    app = create_app(stack.settings(database_url=url, statistics_min_residents=2))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as http:
        yield http


def cell(rows: list[dict[str, Any]], **where: Any) -> dict[str, Any]:
    found = [r for r in rows if all(r[k] == v for k, v in where.items())]
    assert len(found) == 1, where
    return found[0]


FIGURES = ("residents", "first_time", "returning", "tasks", "hours", "tasks_without_estimate")


async def test_participation_and_spending_match_the_hand_worked_history(
    client: httpx.AsyncClient,
) -> None:
    reply = await client.get("/statistics/tables")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["min_residents"] == 2
    rows = body["participation"]
    figures = (*FIGURES, "heitjes")

    def shown(hood: int | None, month: str | None) -> tuple[Any, ...]:
        found = cell(rows, neighbourhood=hood, month=month)
        assert found["suppressed"] is False
        return tuple(found[k] for k in figures)

    #             residents first returning tasks hours no-estimate heitjes
    assert shown(4, "2026-01") == (3, 3, 0, 3, 1.5, 0, 9)
    assert shown(1, "2026-02") == (2, None, None, 2, 1.0, 1, 9)  # 1 new, 1 returning: hidden
    assert shown(4, "2026-02") == (2, 0, 2, 2, 0.5, 1, 7)
    assert shown(4, None) == (3, 3, 0, 5, 2.0, 1, 16)
    assert shown(None, "2026-01") == (6, None, None, 6, 4.5, 0, 24)  # would give (1, Feb) away
    assert shown(None, "2026-02") == (4, None, None, 4, 1.5, 2, 16)  # 1 new
    assert shown(None, None) == (7, 7, 0, 10, 6.0, 2, 40)
    hidden = [(r["neighbourhood"], r["month"]) for r in rows if r["suppressed"]]
    assert sorted(hidden, key=repr) == sorted(
        [(12, "2026-01"), (12, None), (1, "2026-01"), (1, None)], key=repr
    )
    for r in rows:
        if r["suppressed"]:
            assert all(r[k] is None for k in figures), r
    assert len(rows) == 11  # 5 cells, 3 neighbourhood totals, 2 month totals, the grand total
    assert cell(rows, neighbourhood=None, month=None)["neighbourhood_name"] == "Heerlen"
    assert cell(rows, neighbourhood=4, month=None)["neighbourhood_name"] == "Schandelen"
    # CBS codes (table 85984NED): Schandelen is buurt BU09173102 of wijk WK091731.
    schandelen = cell(rows, neighbourhood=4, month=None)
    assert (schandelen["cbs_wijk"], schandelen["cbs_buurten"]) == ("WK091731", "BU09173102")
    heerlen = cell(rows, neighbourhood=None, month=None)
    assert (heerlen["cbs_wijk"], heerlen["cbs_buurten"]) == (None, None)

    spending = body["spending"]
    assert cell(spending, month="2026-02", kind="bakker") | {} == {
        "month": "2026-02",
        "kind": "bakker",
        "suppressed": False,
        "residents": 2,
        "payments": 2,
        "heitjes": 5,
    }
    jan = cell(spending, month="2026-01", kind=None)
    assert (jan["residents"], jan["payments"], jan["heitjes"]) == (3, 3, 20)
    everything = cell(spending, month=None, kind=None)
    # Residents 1 (two phones), 2 and 3: three, not four.
    assert (everything["residents"], everything["payments"], everything["heitjes"]) == (3, 5, 25)
    hidden_spent = sorted(((r["month"], r["kind"]) for r in spending if r["suppressed"]), key=repr)
    assert hidden_spent == sorted(
        [("2026-01", "kapper"), (None, "kapper"), ("2026-01", "bakker"), (None, "bakker")],
        key=repr,
    )

    # Per shopping area: the same payments by the shop's neighbourhood (issue #16, 1c).
    areas = body["spending_by_area"]

    def spent(month: str | None, area: int | None) -> tuple[Any, ...]:
        found = cell(areas, month=month, area=area)
        return (found["suppressed"], found["residents"], found["payments"], found["heitjes"])

    assert spent("2026-02", 1) == (False, 2, 2, 5)
    assert spent("2026-01", None) == (False, 3, 3, 20)
    assert spent("2026-02", None) == (False, 2, 2, 5)
    assert spent(None, None) == (False, 3, 5, 25)
    for hidden_cell in (("2026-01", 1), ("2026-01", 4), (None, 1), (None, 4)):
        assert spent(*hidden_cell) == (True, None, None, None), hidden_cell
    assert len(areas) == 8  # 3 cells, 2 area totals, 2 month totals, the grand total
    assert cell(areas, month="2026-02", area=1)["area_name"] == "Centrum"
    assert cell(areas, month=None, area=4)["area_name"] == "Schandelen"


async def test_the_open_data_csv_agrees_with_its_metadata(client: httpx.AsyncClient) -> None:
    meta_reply = await client.get("/open-data/wesh-deelname.csv-metadata.json")
    csv_reply = await client.get("/open-data/wesh-deelname.csv")
    assert meta_reply.status_code == 200 and csv_reply.status_code == 200
    assert csv_reply.headers["content-type"].startswith("text/csv")
    meta = meta_reply.json()
    assert meta["dc:license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert meta["url"].endswith("/open-data/wesh-deelname.csv")
    assert meta["dc:temporal"] == "2026-01/2026-02"
    assert meta["wesh:suppression"]["min_residents"] == 2
    assert "fewer than 2" in meta["wesh:suppression"]["rule"]
    columns = meta["tableSchema"]["columns"]
    reader = csv.reader(io.StringIO(csv_reply.text))
    header, *lines = list(reader)
    assert header == [c["name"] for c in columns]
    assert len(lines) == 11
    checks = {
        "integer": lambda v: re.fullmatch(r"-?\d+", v) is not None,
        "decimal": lambda v: Decimal(v) is not None,
        "boolean": lambda v: v in ("true", "false"),
        "gYearMonth": lambda v: re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", v) is not None,
        "string": lambda v: True,
    }
    for line in lines:
        assert len(line) == len(columns)
        row = dict(zip(header, line, strict=True))
        for column, value in zip(columns, line, strict=True):
            if value == "":
                assert not column["required"], (column["name"], line)
                continue
            assert checks[column["datatype"]](value), (column["name"], value)
        if row["suppressed"] == "true":
            assert all(row[name] == "" for name in (*FIGURES, "heitjes")), line
    month = header.index("month")
    grand = [row for row in lines if row[0] == "" and row[month] == ""]
    wijk, buurten = header.index("cbs_wijk"), header.index("cbs_buurten")
    assert {(r[wijk], r[buurten]) for r in lines if r[0] == "4"} == {("WK091731", "BU09173102")}
    assert len(grand) == 1 and grand[0][header.index("heitjes")] == "40"


async def test_the_spending_open_data_agrees_with_its_metadata(client: httpx.AsyncClient) -> None:
    meta_reply = await client.get("/open-data/wesh-besteding-winkelgebied.csv-metadata.json")
    csv_reply = await client.get("/open-data/wesh-besteding-winkelgebied.csv")
    assert meta_reply.status_code == 200 and csv_reply.status_code == 200
    assert csv_reply.headers["content-type"].startswith("text/csv")
    meta = meta_reply.json()
    assert meta["url"].endswith("/open-data/wesh-besteding-winkelgebied.csv")
    assert meta["dc:license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert meta["dc:temporal"] == "2026-01/2026-02"
    assert "fewer than 2" in meta["wesh:suppression"]["rule"]
    columns = meta["tableSchema"]["columns"]
    header, *lines = list(csv.reader(io.StringIO(csv_reply.text)))
    assert header == [c["name"] for c in columns]
    assert len(lines) == 8
    types = {c["name"]: c["datatype"] for c in columns}
    for line in lines:
        row = dict(zip(header, line, strict=True))
        for column in columns:
            value = row[column["name"]]
            if value == "":
                assert not column["required"], (column["name"], line)
            elif types[column["name"]] == "integer":
                assert re.fullmatch(r"\d+", value), (column["name"], value)
        if row["suppressed"] == "true":
            assert row["residents"] == row["payments"] == row["heitjes"] == "", line
    rows = {(r[0], r[1]): r for r in lines}
    assert rows[("2026-02", "1")][header.index("area_name")] == "Centrum"
    assert rows[("2026-02", "1")][header.index("heitjes")] == "5"
    assert rows[("", "")][header.index("residents")] == "3"


async def test_the_older_cells_route_follows_the_same_threshold(client: httpx.AsyncClient) -> None:
    """GET /statistics (whose counts the dashboard reads) suppresses as the tables do: below 2
    residents, Heerlerheide's January; with it Centrum's January (the same cycle as above)."""
    reply = await client.get("/statistics")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["min_cell"] == 2
    cells = {(c["neighbourhood"], c["month"]): c for c in body["cells"]}
    hidden = sorted(key for key, c in cells.items() if c["suppressed"])
    assert hidden == [(1, "2026-01"), (12, "2026-01")]
    shown = {
        key: (c["people"], c["tasks_paid"], c["amount_paid"])
        for key, c in cells.items()
        if not c["suppressed"]
    }
    assert shown == {
        (4, "2026-01"): (3, 3, 9),
        (1, "2026-02"): (2, 2, 9),
        (4, "2026-02"): (2, 2, 7),
    }
