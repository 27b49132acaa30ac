"""The published statistics as charts on /gemeente (issue #16) in Chromium, checked against a
history whose answers are worked out by hand below (not by the code under test).

The history is written into an index of its own (SQLite, the indexer's tables and the API's task
cache) and its tables are made by the real ``StatisticsService`` (threshold 10); the page gets
them in place of the session stack's GET /statistics/tables, whose few residents would all be
suppressed. Europe/Amsterdam is UTC+1 in winter; every time below is midday.

Tasks: Centrum (1) and Heerlerheide (12) residents do task 1 (60 minutes, 5.00), Schandelen (4)
task 2 (30 minutes, 3.00), one task each per month.
  January: Centrum 1-12, Schandelen 101-111, Heerlerheide 201-203 (all first-time).
  February: Centrum 1-10 (returning) and 13-14 (first-time), Schandelen 101-111 (returning).
  Per month: January 26 residents, 26 tasks, 12 + 5.5 + 3 = 20.5 hours, 60 + 33 + 15 = 108.00;
  February 23, 23 tasks, 12 + 5.5 = 17.5 hours, 60 + 33 = 93.00; all: 28 residents (all
  first-time, none returning over the whole period), 49 tasks, 38 hours, 201.00.
  Suppressed: Heerlerheide (3 residents) and its total; the cheapest cycle through them runs
  through Schandelen's total (sum 22, x 4 = 88) and (Schandelen, Jan) (11): 99, against
  Centrum's 24 x 4 + 12 = 108. Centrum's total: 24 tasks, 120.00.
  First-timers: (Centrum, Feb) has 2 of 12 and February's total 2 of 23: hidden, and the cheapest
  cycle for them (from February's total) runs through January's total (26 x 4 = 104) and
  (Centrum, Jan) (12): 116, so January's first-timers are hidden too; the grand total's are not.
Shops: bakery (1), bar (1), bookshop (4), theatre (12).
  January: 1-12 pay 2.00 at the bakery, 101-111 3.00 at the bookshop, 201-203 4.00 at the
  theatre. February: 1-12 pay 1.00 at the bakery (resident 1 from a new phone: one resident,
  not two), 101-111 3.00 at the bar.
  Per kind: bakery 12 residents, 24 payments, 36.00; bar 11, 11, 33.00; the theatre (3) is
  suppressed and, to protect it, the bookshop (11 x 4 + 11 = 55 against the bakery's 108).
  Per area: Centrum 23 residents (1-12, 101-111), 35 payments, 69.00; Heerlerheide (3)
  suppressed and with it Schandelen (11 x 4 + 11 = 55 against Centrum's 35 x 4 + 12 = 152).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import DESKTOP, PHONE, axe_violations, copy_to_docs, money_text, shot, sign_in
from index_rows import add_block, add_citizen, add_merchant, add_payment, add_review, move_citizen
from playwright.sync_api import Locator, Page, Route
from webstack import OFFICER

from api import tables as api_tables
from api.statistics.service import StatisticsService
from indexer import schema as s
from indexer.db import make_engine
from wesh.metadata import FolderStore, merchant_document, put_document

WITHHELD = "minder dan 10 inwoners: niet getoond"


def ts(day: str) -> int:
    return int(datetime.fromisoformat(f"{day}T12:00:00").replace(tzinfo=UTC).timestamp())


def wallet(n: int) -> str:
    return "0x" + f"{n:040x}"


def seeded_tables(root: Path) -> dict[str, Any]:
    """The published tables of the history in the module's docstring, as the API gives them."""
    engine = make_engine(f"sqlite:///{root / 'statistics.db'}")
    s.create(engine)
    api_tables.metadata.create_all(engine, tables=[api_tables.task_meta])
    store = FolderStore(root / "content")
    homes = {c: 1 for c in range(1, 15)} | {c: 4 for c in range(101, 112)}
    homes |= {c: 12 for c in range(201, 204)}
    tasks = {1: (60, 5_00), 2: (30, 3_00)}
    approvals = [(c, 1, "2026-01-10") for c in range(1, 13)]
    approvals += [(c, 2, "2026-01-11") for c in range(101, 112)]
    approvals += [(c, 1, "2026-01-12") for c in range(201, 204)]
    approvals += [(c, 1, "2026-02-10") for c in [*range(1, 11), 13, 14]]
    approvals += [(c, 2, "2026-02-11") for c in range(101, 112)]
    shops = {1: ("bakery", 1), 2: ("bar", 1), 3: ("bookshop", 4), 4: ("theatre", 12)}
    payments = [(wallet(c), 1, 2_00, "2026-01-15") for c in range(1, 13)]
    payments += [(wallet(c), 3, 3_00, "2026-01-16") for c in range(101, 112)]
    payments += [(wallet(c), 4, 4_00, "2026-01-17") for c in range(201, 204)]
    payments += [(wallet(1000 + c if c == 1 else c), 1, 1_00, "2026-02-15") for c in range(1, 13)]
    payments += [(wallet(c), 2, 3_00, "2026-02-16") for c in range(101, 112)]
    with engine.begin() as db:
        for c, hood in homes.items():
            add_citizen(db, c, wallet(c), hood)
        # Resident 1 moved to a new phone in between: the number stays, the wallet is new.
        move_citizen(db, 1, wallet(1), wallet(1001), log_index=99)
        for shop, (kind, area) in shops.items():
            document = merchant_document(
                name=f"Statistiek {kind}",
                kind=kind,
                street="Promenade 1",
                postcode="6411 JA",
                city="Heerlen",
                neighbourhood=area,
            )
            add_merchant(db, shop, wallet(500 + shop), put_document(store, document))
        for task, (minutes, _) in tasks.items():
            db.execute(
                api_tables.task_meta.insert(),
                {
                    "task_id": task,
                    "cid": f"task{task}",
                    "title_nl": f"Klus {task}",
                    "title_en": f"Task {task}",
                    "category": "litter",
                    "street": "Teststraat 1",
                    "document": json.dumps({"estimated_minutes": minutes}),
                },
            )
        events: list[tuple[int, str, tuple[Any, ...]]]
        events = [(ts(day), "review", (c, task)) for c, task, day in approvals]
        events += [
            (ts(day), "payment", (payer, shop, amount)) for payer, shop, amount, day in payments
        ]
        for block, (when, kind, row) in enumerate(events, start=1):
            add_block(db, block, when)
            if kind == "review":
                citizen, task = row
                add_review(
                    db,
                    block,
                    task_id=task,
                    citizen_id=citizen,
                    reviewer=wallet(8),
                    amount=tasks[task][1],
                )
            else:
                payer, shop, amount = row
                add_payment(
                    db,
                    block,
                    payer=payer,
                    merchant=wallet(500 + shop),
                    merchant_id=shop,
                    amount=amount,
                )
    published = StatisticsService(engine, store, None, 10).tables()
    engine.dispose()
    return published.model_dump(mode="json")


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    return seeded_tables(tmp_path_factory.mktemp("statistics"))


def figure(page: Page, caption: str) -> Locator:
    found = page.locator("figure", has=page.locator("figcaption", has_text=caption))
    found.wait_for()
    return found


def rows_of(found: Locator) -> list[list[str]]:
    """The figure's table, row by row, cell by cell (its heading cell first)."""
    rows: list[list[str]] = found.locator("table").evaluate(
        "t => [...t.tBodies[0].rows].map(r => [...r.cells].map(c => c.textContent.trim()))"
    )
    return rows


@pytest.mark.parametrize("width", ["phone", "desktop"])
def test_the_city_sees_the_published_statistics_as_charts(
    visit: Any, published: dict[str, Any], width: str
) -> None:
    city = visit(OFFICER, "/gemeente", viewport=PHONE if width == "phone" else DESKTOP)

    def tables(route: Route) -> None:
        route.fulfill(json=published)

    city.context.route("**/statistics/tables", tables)
    sign_in(city)
    page = city.page
    card = page.locator(
        "section", has=page.get_by_role("heading", name="Cijfers per wijk en maand")
    )
    card.wait_for()
    page.wait_for_selector("#main[aria-busy='false']")
    for summary in card.locator("details > summary").all():
        summary.click()

    months = figure(page, "Deelname per maand")
    assert rows_of(months) == [
        ["jan 2026", "26", "niet getoond", "niet getoond", "26", "20,5", money_text(108_00)],
        ["feb 2026", "23", "niet getoond", "niet getoond", "23", "17,5", money_text(93_00)],
        ["Alle maanden", "28", "28", "0", "49", "38", money_text(201_00)],
    ]
    hoods = figure(page, "Verdiend per wijk")
    assert rows_of(hoods) == [
        ["Centrum", "24", money_text(120_00)],
        ["Schandelen", WITHHELD],
        ["Heerlerheide", WITHHELD],
    ]
    # The chart draws no bar for a withheld figure and says so to screen readers.
    label = hoods.locator("svg").get_attribute("aria-label") or ""
    assert f"Schandelen: {WITHHELD}" in label and "Centrum: € 120,00" in label.replace("\xa0", " ")
    assert hoods.locator("rect.chart-bar").count() == 1
    kinds = figure(page, "Besteed per soort winkel")
    assert rows_of(kinds) == [
        ["Bakkerij", "12", "24", money_text(36_00)],  # resident 1 counted once on two phones
        ["Café", "11", "11", money_text(33_00)],
        ["Boekhandel", WITHHELD],
        ["Theater", WITHHELD],
    ]
    areas = figure(page, "Besteed per winkelgebied")
    assert rows_of(areas) == [
        ["Centrum", "23", "35", money_text(69_00)],
        ["Schandelen", WITHHELD],
        ["Heerlerheide", WITHHELD],
    ]
    assert card.get_by_text("een cijfer over minder dan 10 inwoners staat er niet").is_visible()
    csv = card.get_by_role("link", name="Deelname per wijk en maand (CSV)")
    assert csv.get_attribute("href") == "/open-data/wesh-deelname.csv"
    spending = card.get_by_role("link", name="Besteding per winkelgebied en maand (CSV)")
    assert spending.get_attribute("href") == "/open-data/wesh-besteding-winkelgebied.csv"
    assert card.get_by_role("link", name="beschrijving").count() == 2

    # The wide tables scroll inside their box: the page itself never gets wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert not axe_violations(page)
    shot(page, f"city-statistics-{width}")
    months.scroll_into_view_if_needed()
    copy_to_docs(page, f"city-statistics-{width}")
    # No script error (the 404 of GET /relay/status, the stack having no relayer, is expected).
    assert not [e for e in city.console_errors if e.startswith("pageerror")]
