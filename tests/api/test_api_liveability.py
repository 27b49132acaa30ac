"""The resident survey (issue #16, section 3): import, re-import, refusal, and each
neighbourhood's rating before and after beside the tasks done there, on an index seeded by hand
with a history whose answers are worked out below by hand (SQLite and PostgreSQL); then the
routes and their roles on the session's stack.

The history (threshold 10 respondents; Europe/Amsterdam is UTC+1 in winter, UTC+2 in summer):
  Schandelen (4): tasks approved 10 Mar 2026 (the first: a rejection in June 2025 does not
    count), 20 May, 1 Jul 00:30 (30 June in UTC), 15 Nov 2026 and 10 Jan 2027.
    Survey: 2025 6,4 (212), 2026-H1 6,9 (187), 2026-H2 7,1 (150), 2026-Q3 5 (3: hidden).
    Before = 2025 (the last period that ended before March 2026); after = 2026-H2; tasks
    between (1 Jan 2026 up to 1 Jan 2027) = 4 (not January 2027's).
  Centrum (1): tasks approved 5 Sep 2025 (the first), 31 Mar 2026 23:30 (still Q1), 1 Apr 2026
    00:15 (31 March in UTC, but April in Heerlen), 31 Dec 2026 23:59.
    Survey: 2026-Q1 6,8 (55) and 2026 7,2 (40). No period ended before September 2025: before =
    the earliest (2026-Q1, not before WESH); after = 2026; tasks between (1 Apr 2026 up to
    1 Jan 2027) = 2.
  Heerlerheide (12): no tasks; survey 2026 6,0 (20): before = 2026, no after.
  Passart (13): survey 2026 with 5 respondents: hidden, nothing shown.
"""

from __future__ import annotations

import csv
import io
import re
import threading
import time
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest
from api_support import Stack, signed_in
from index_rows import add_block, add_citizen, add_review, add_task
from pypdf import PdfReader

from api.database import migrate
from api.errors import Conflict, InvalidInput
from api.liveability import opendata
from api.liveability.service import LiveabilityService
from api.report.service import quarter_figures
from api.tables import liveability_ratings
from indexer import schema as s
from indexer.db import make_engine
from wesh import quarterly
from wesh.rules import AMSTERDAM

NOBODY = "0x" + "d" * 40
MANAGER = "0x" + "e" * 40


def at(text: str) -> int:
    """A unix time from an Amsterdam wall-clock time "YYYY-MM-DD HH:MM"."""
    return int(datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=AMSTERDAM).timestamp())


TASKS = {10: 4, 20: 1, 30: 7}  # task -> neighbourhood (Meezenbroek's task is elsewhere)
REVIEWS = [  # task, outcome, Amsterdam time
    (10, "rejected", "2025-06-01 10:00"),
    (10, "approved", "2026-03-10 10:00"),
    (10, "approved", "2026-05-20 10:00"),
    (10, "approved", "2026-07-01 00:30"),
    (10, "approved", "2026-11-15 10:00"),
    (10, "approved", "2027-01-10 10:00"),
    (20, "approved", "2025-09-05 10:00"),
    (20, "approved", "2026-03-31 23:30"),
    (20, "approved", "2026-04-01 00:15"),
    (20, "approved", "2026-12-31 23:59"),
    (30, "approved", "2026-06-01 10:00"),
]
SURVEY = """\ufeffwijk;periode;cijfer;respondenten
Schandelen;2025;6,4;212
Schandelen;2026-H1;6,9;187
4;2026-H2;7,1;150
Schandelen;2026-Q3;5;3
Centrum;2026;7,2;40
1;2026-Q1;6,8;55
Heerlerheide;2026;6,0;20
Passart;2026;8;5
"""


@pytest.fixture(params=["sqlite", "postgresql"])
def service(request: pytest.FixtureRequest, tmp_path: Any) -> LiveabilityService:
    if request.param == "sqlite":
        return seeded(f"sqlite:///{tmp_path / 'liveability.db'}")
    return seeded(str(request.getfixturevalue("pg_url")))


def seeded(url: str) -> LiveabilityService:
    """The hand-worked history in a fresh database at ``url``."""
    engine = make_engine(url)
    s.create(engine)
    migrate(engine)  # the API's tables, v0009 among them
    with engine.begin() as db:
        add_citizen(db, 1, NOBODY, 4)
        for tid, hood in TASKS.items():
            add_task(db, tid, neighbourhood=hood, claim_deadline=at("2027-06-01 00:00"))
        for number, (tid, outcome, when) in enumerate(REVIEWS, start=100):
            add_block(db, number, at(when))
            add_review(db, number, task_id=tid, citizen_id=1, outcome=outcome, amount=500)
    return LiveabilityService(engine, min_respondents=10)


def stored(service: LiveabilityService) -> list[tuple[Any, ...]]:
    with service.engine.connect() as db:
        rows = db.execute(
            liveability_ratings.select().order_by(
                liveability_ratings.c.neighbourhood, liveability_ratings.c.period
            )
        ).all()
    return [(r.neighbourhood, r.period, r.rating_centi, r.respondents) for r in rows]


def test_before_and_after_beside_the_tasks_done_in_between(service: LiveabilityService) -> None:
    result = service.import_csv("enquete-2026.csv", SURVEY, MANAGER)
    assert (result.ratings, result.added, result.replaced) == (8, 8, 0)
    view = service.published()
    assert view.min_respondents == 10
    assert view.source is not None and view.source.file_name == "enquete-2026.csv"
    assert "geen oorzaak en gevolg" in view.note_nl
    hoods = {h.neighbourhood: h for h in view.neighbourhoods}
    assert sorted(hoods) == [1, 4, 12, 13]

    def pair(code: int) -> tuple[Any, ...]:
        h = hoods[code]
        before = (h.before.period, h.before.rating, h.before.respondents) if h.before else None
        after = (h.after.period, h.after.rating, h.after.respondents) if h.after else None
        return before, after, h.before_wesh, h.first_task_month, h.tasks_between

    assert pair(4) == (("2025", 6.4, 212), ("2026-H2", 7.1, 150), True, "2026-03", 4)
    assert [p.period for p in hoods[4].periods] == ["2025", "2026-H1", "2026-H2"]
    assert hoods[4].hidden_periods == 1  # 2026-Q3, 3 respondents
    assert hoods[4].neighbourhood_name == "Schandelen"
    assert pair(1) == (("2026-Q1", 6.8, 55), ("2026", 7.2, 40), False, "2025-09", 2)
    assert pair(12) == (("2026", 6.0, 20), None, True, None, None)
    assert pair(13) == (None, None, False, None, None)
    assert hoods[13].periods == [] and hoods[13].hidden_periods == 1


def test_importing_again_replaces_and_a_bad_file_stores_nothing(
    service: LiveabilityService,
) -> None:
    service.import_csv("enquete.csv", SURVEY, MANAGER)
    first = stored(service)
    assert len(first) == 8
    # The same pairs again, one corrected, one new: replaced, never counted twice.
    again = 'wijk,periode,cijfer,respondenten\n4,2026-H2,"7,3",160\n4,2026,7,300\n'
    result = service.import_csv("correctie.csv", again, MANAGER)
    assert (result.ratings, result.added, result.replaced) == (2, 1, 1)
    after = stored(service)
    assert len(after) == 9
    assert (4, "2026-H2", 730, 160) in after and (4, "2026-H2", 710, 150) not in after
    hood = {h.neighbourhood: h for h in service.published().neighbourhoods}[4]
    assert hood.after is not None and (hood.after.period, hood.after.rating) == ("2026-H2", 7.3)
    # One bad line: the whole file is refused, the good line with it.
    bad = "wijk;periode;cijfer;respondenten\nCentrum;2027;6,1;99\nCentrum;2027-Q1;12;99\n"
    with pytest.raises(InvalidInput) as caught:
        service.import_csv("fout.csv", bad, MANAGER)
    assert caught.value.key == "liveability_file_invalid"
    assert caught.value.params["lines"] == "3"
    assert caught.value.params["errors"][0]["line"] == 3
    assert "Cijfer '12'" in caught.value.params["errors"][0]["nl"]
    assert stored(service) == after
    with service.engine.connect() as db:
        who = db.execute(
            liveability_ratings.select().where(liveability_ratings.c.period == "2026")
        ).first()
    assert who is not None and who.imported_by == MANAGER and who.imported_at > 0


def test_the_quarterly_report_shows_the_same_view(service: LiveabilityService) -> None:
    service.import_csv("enquete-2026.csv", SURVEY, MANAGER)
    figures = quarter_figures(service.engine, quarterly.Quarter.parse("2026-Q4"), min_people=10)
    rows = {r.neighbourhood: r for r in figures.liveability}
    assert sorted(rows) == ["Centrum", "Heerlerheide", "Schandelen"]  # Passart: nothing shown
    assert rows["Schandelen"] == quarterly.LiveabilityRow(
        "Schandelen", quarterly.Rating("2025", 6.4, 212), quarterly.Rating("2026-H2", 7.1, 150), 4
    )
    assert rows["Centrum"].tasks_between == 2 and rows["Heerlerheide"].after is None
    assert "enquete-2026.csv" in figures.liveability_source
    assert "minder dan 10 respondenten" in figures.liveability_source
    pages = PdfReader(io.BytesIO(quarterly.render(figures))).pages
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in pages))
    assert "Schandelen 6,4 (2025, n=212) 7,1 (2026-H2, n=150) 4" in text
    assert "Centrum 6,8 (2026-Q1, n=55) 7,2 (2026, n=40) 2" in text
    assert "geen oorzaak en gevolg" in text


def test_the_open_data_file_agrees_with_its_metadata(service: LiveabilityService) -> None:
    service.import_csv("enquete-2026.csv", SURVEY, MANAGER)
    view = service.published()
    meta = opendata.liveability_metadata(view, "https://wesh.test/")
    assert meta["url"] == "https://wesh.test/open-data/wesh-leefbaarheid.csv"
    assert meta["dc:license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert meta["dc:temporal"] == "2025-01/2026-12"
    assert meta["dc:source"] == "enquete-2026.csv"
    assert meta["wesh:suppression"]["min_respondents"] == 10
    assert "not cause and effect" in meta["dc:description"]
    columns = meta["tableSchema"]["columns"]
    header, *lines = list(csv.reader(io.StringIO(opendata.liveability_csv(view))))
    assert header == [c["name"] for c in columns]
    checks = {
        "integer": lambda v: re.fullmatch(r"\d+", v) is not None,
        "decimal": lambda v: Decimal(v) is not None,
        "gYearMonth": lambda v: re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", v) is not None,
        "string": lambda v: True,
    }
    for line in lines:
        for column, value in zip(columns, line, strict=True):
            assert value or not column["required"], (column["name"], line)
            assert not value or checks[column["datatype"]](value), (column["name"], value)
    rows = [(r[0], r[3], r[6], r[7], r[8], r[9]) for r in lines]
    # Schandelen's three shown periods (2026-Q3 hidden), Centrum's two, Heerlerheide's one.
    assert rows == [
        ("1", "2026-Q1", "6.8", "55", "voor", ""),
        ("1", "2026", "7.2", "40", "na", "2"),
        ("4", "2025", "6.4", "212", "voor", ""),
        ("4", "2026-H1", "6.9", "187", "", ""),
        ("4", "2026-H2", "7.1", "150", "na", "4"),
        ("12", "2026", "6", "20", "voor", ""),
    ]
    assert lines[0][2] == "BU09173300"  # Centrum's CBS buurt


def test_a_simultaneous_import_of_the_same_pairs_is_refused_whole(pg_url: str) -> None:
    """PostgreSQL: another import commits Schandelen 2025 between our delete and insert; ours
    is refused with a problem (409, import again), nothing of it stored. (SQLite lets one
    writer at a time: there the imports queue.)"""
    service = seeded(pg_url)
    row = {
        "neighbourhood": 4,
        "period": "2025",
        "period_start": "2025-01",
        "period_end": "2025-12",
        "rating_centi": 500,
        "respondents": 99,
        "source_file": "other.csv",
        "imported_by": NOBODY,
        "imported_at": 1,
    }
    outcome: list[BaseException | None] = []

    def ours() -> None:
        try:
            service.import_csv("enquete.csv", SURVEY, MANAGER)
            outcome.append(None)
        except BaseException as error:  # handed to the test's thread
            outcome.append(error)

    with service.engine.connect() as other:
        other.begin()
        other.execute(liveability_ratings.insert().values(**row))
        racing = threading.Thread(target=ours)
        racing.start()
        time.sleep(0.5)  # ours now waits on the unique key the other holds
        other.commit()
        racing.join(10)
    assert len(outcome) == 1 and isinstance(outcome[0], Conflict), outcome
    assert outcome[0].key == "liveability_busy"
    assert stored(service) == [(4, "2025", 500, 99)]


# ---------------------------------------------------------------- the routes on the stack
@pytest.mark.anyio
async def test_stadsbeheer_imports_and_anyone_reads(app: Any, stack: Stack) -> None:
    manager = await signed_in(app, stack, "task_manager")
    reviewer = await signed_in(app, stack, "reviewer")
    try:
        body = {
            "file_name": "enquete.csv",
            "csv": "wijk;periode;cijfer;respondenten\nWelten;2026;7;50\n",
        }
        assert (await reviewer.post("/city/liveability", json=body)).status_code == 403
        reply = await manager.post("/city/liveability", json=body)
        assert reply.status_code == 200, reply.text
        assert reply.json()["ratings"] == 1
        bad = {"file_name": "fout.csv", "csv": "wijk;periode;cijfer;respondenten\nWelten;2026;7\n"}
        refused = await manager.post(
            "/city/liveability", json=bad, headers={"Accept-Language": "en"}
        )
        assert refused.status_code == 422
        problem = refused.json()
        assert problem["code"] == "liveability_file_invalid"
        assert problem["detail"].startswith("Nothing was imported")
        assert problem["params"]["errors"][0]["line"] == 2
        data = await reviewer.get("/open-data/wesh-leefbaarheid.csv")
        assert data.status_code == 200 and data.headers["content-type"].startswith("text/csv")
        assert "9,Welten,BU09173601,2026,2026-01,2026-12,7,50,voor," in data.text
        view = (await reviewer.get("/liveability")).json()
        welten = [h for h in view["neighbourhoods"] if h["neighbourhood"] == 9]
        assert welten and welten[0]["before"]["rating"] == 7.0
        assert view["source"]["file_name"] == "enquete.csv"
    finally:
        await manager.aclose()
        await reviewer.aclose()
