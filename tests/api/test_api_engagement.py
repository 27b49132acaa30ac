"""Residents' engagement (issue #16, section 4): milestones, streaks, seasons and the
neighbourhoods' monthly goals.

The first tests seed the indexer's tables with a history whose answers are worked out by hand
below (SQLite and PostgreSQL); the last ones go through the routes on the session's stack."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from api_support import Stack, signed_in
from index_rows import add_block, add_citizen, add_review, add_task

from api.database import migrate
from api.engagement.service import EngagementService, season_of
from indexer import schema as s
from indexer.db import make_engine
from wesh.rules import AMSTERDAM


def at(text: str) -> int:
    """A unix time from an Amsterdam wall-clock time "YYYY-MM-DD HH:MM"."""
    return int(datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=AMSTERDAM).timestamp())


ANNA, BRAM, CEES, NOBODY = ("0x" + c * 40 for c in "abcd")
#: citizen id -> (wallet, neighbourhood): Anna and Bram live in Schandelen (4), Cees in Centrum (1).
CITIZENS = {1: (ANNA, 4), 2: (BRAM, 4), 3: (CEES, 1)}
#: task id -> neighbourhood.
TASKS = {10: 4, 11: 4, 20: 1}
#: (citizen, task, outcome, Amsterdam time).
REVIEWS = [
    (1, 11, "rejected", "2026-05-20 10:00"),  # a rejection counts for nothing
    (1, 11, "approved", "2026-06-15 10:00"),  # first task
    (1, 11, "approved", "2026-07-03 10:00"),
    (1, 11, "approved", "2026-08-20 10:00"),  # summer complete: a task every month of it
    (1, 11, "approved", "2026-09-10 10:00"),
    (1, 11, "approved", "2026-10-05 10:00"),  # the fifth task
    (1, 11, "approved", "2026-11-02 10:00"),
    (1, 10, "approved", "2026-12-01 10:00"),  # December: 1 for Schandelen
    (2, 10, "approved", "2026-11-30 23:30"),  # still November in Amsterdam
    (
        2,
        10,
        "approved",
        "2026-12-01 00:30",
    ),  # December (23:30 UTC on 30 November): 2 for Schandelen
    (3, 20, "approved", "2026-12-05 09:00"),  # December: 1 for Centrum
    (3, 11, "approved", "2026-10-01 09:00"),  # a task in Schandelen, in October: not December's
]
NOW = at("2026-12-10 12:00")


@pytest.fixture(params=["sqlite", "postgresql"])
def service(request: pytest.FixtureRequest, tmp_path: Any) -> EngagementService:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'engagement.db'}"
    else:
        url = str(request.getfixturevalue("pg_url"))
    engine = make_engine(url)
    s.create(engine)
    migrate(engine)  # the API's tables, v0010 among them
    with engine.begin() as db:
        for cid, (wallet, hood) in CITIZENS.items():
            add_citizen(db, cid, wallet, hood)
        for tid, hood in TASKS.items():
            add_task(db, tid, neighbourhood=hood, claim_deadline=NOW + 86_400)
        for number, (cid, tid, outcome, when) in enumerate(REVIEWS, start=100):
            add_block(db, number, at(when))
            add_review(db, number, task_id=tid, citizen_id=cid, outcome=outcome, amount=500)
    return EngagementService(engine)


def test_a_residents_milestones_streak_and_season(service: EngagementService) -> None:
    anna = service.of_resident(ANNA, NOW)
    assert anna.is_citizen and anna.tasks_done == 7
    marks = {m.key: (m.reached, m.reached_at) for m in anna.milestones}
    assert marks == {
        "first_task": (True, at("2026-06-15 10:00")),
        "five_tasks": (True, at("2026-10-05 10:00")),
        "full_season": (True, at("2026-08-20 10:00")),
    }
    assert anna.streak_months == 7  # June to December
    assert anna.season.name == "winter" and anna.season.year == 2026
    assert anna.season.months == ["2026-12", "2027-01", "2027-02"]
    assert anna.season.months_done == ["2026-12"]


def test_amsterdam_months_decide_streaks_and_a_season_not_yet_full(
    service: EngagementService,
) -> None:
    bram = service.of_resident(BRAM, NOW)
    assert bram.tasks_done == 2
    marks = {m.key: m.reached for m in bram.milestones}
    assert marks == {"first_task": True, "five_tasks": False, "full_season": False}
    assert bram.streak_months == 2  # November (23:30 on the 30th) and December
    # In January, before a task: December still counts, and the streak holds.
    assert service.of_resident(BRAM, at("2027-01-15 12:00")).streak_months == 2
    # In February without a January task it is broken.
    assert service.of_resident(BRAM, at("2027-02-02 12:00")).streak_months == 0


def test_someone_who_is_not_a_resident_has_nothing(service: EngagementService) -> None:
    nobody = service.of_resident(NOBODY, NOW)
    assert not nobody.is_citizen and nobody.tasks_done == 0 and nobody.streak_months == 0
    assert not any(m.reached for m in nobody.milestones)
    assert nobody.goal is None


def test_goals_count_the_neighbourhoods_tasks_of_the_month(service: EngagementService) -> None:
    assert service.of_resident(ANNA, NOW).goal is None  # none set yet
    set_ = service.set_goal(4, "2026-12", 40, NOBODY)
    assert (set_.neighbourhood_name, set_.target, set_.done, set_.left) == ("Schandelen", 40, 2, 38)
    service.set_goal(1, "2026-12", 5, NOBODY)
    service.set_goal(1, "2026-12", 3, NOBODY)  # replaced, not added
    goal = service.of_resident(CEES, NOW).goal
    assert goal is not None and (goal.month, goal.target, goal.done, goal.left) == (
        "2026-12",
        3,
        1,
        2,
    )
    assert service.of_resident(ANNA, NOW).goal == set_
    # Standings between neighbourhoods: nearest to its goal first.
    standings = service.goals("2026-12")
    assert [(g.neighbourhood, g.done, g.left) for g in standings.goals] == [(1, 1, 2), (4, 2, 38)]
    # November's Schandelen: Anna's 2 November and Bram's 30 November 23:30.
    service.set_goal(4, "2026-11", 2, NOBODY)
    assert [(g.done, g.left) for g in service.goals("2026-11").goals] == [(2, 0)]
    assert service.goals("2027-01").goals == []


def test_seasons_are_meteorological() -> None:
    assert season_of((2027, 1)) == ("winter", 2026, [(2026, 12), (2027, 1), (2027, 2)])
    assert season_of((2026, 5)) == ("spring", 2026, [(2026, 3), (2026, 4), (2026, 5)])
    assert season_of((2026, 9))[0:2] == ("autumn", 2026)


# ---------------------------------------------------------------- the routes on the stack


@pytest.mark.anyio
async def test_a_task_manager_sets_a_goal_and_the_resident_sees_it(app: Any, stack: Stack) -> None:
    manager = await signed_in(app, stack, "task_manager")
    resident = await signed_in(app, stack, "citizen")  # lives in Centrum (1), one task paid
    try:
        now = datetime.now(AMSTERDAM)
        month = f"{now.year}-{now.month:02d}"
        reply = await manager.put(f"/neighbourhood-goals/1/{month}", json={"target": 40})
        assert reply.status_code == 200, reply.text
        goal = reply.json()
        assert goal["neighbourhood_name"] == "Centrum" and goal["target"] == 40
        assert goal["done"] >= 1 and goal["left"] == 40 - goal["done"]
        mine = (await resident.get("/me/engagement")).json()
        assert mine["is_citizen"] and mine["tasks_done"] >= 1
        assert {m["key"]: m["reached"] for m in mine["milestones"]}["first_task"] is True
        assert mine["goal"] == goal
        public = (await resident.get("/neighbourhood-goals", params={"month": month})).json()
        assert goal in public["goals"]
        # A resident may not set goals; a goal must be a number of tasks in a real place.
        refused = await resident.put(f"/neighbourhood-goals/1/{month}", json={"target": 40})
        assert refused.status_code == 403
        assert (
            await manager.put(f"/neighbourhood-goals/1/{month}", json={"target": 0})
        ).status_code == 422
        unknown = await manager.put(f"/neighbourhood-goals/999/{month}", json={"target": 5})
        assert unknown.status_code == 422 and unknown.json()["code"] == "neighbourhood_unknown"
        bad = await manager.put("/neighbourhood-goals/1/2026-13", json={"target": 5})
        assert bad.status_code == 422
    finally:
        await manager.aclose()
        await resident.aclose()


# ---------------------------------------------------------------- shops' offers


@pytest.mark.anyio
async def test_a_shop_and_the_merchant_manager_write_offers_residents_read(
    app: Any, stack: Stack
) -> None:
    shop = await signed_in(app, stack, "merchant2")
    manager = await signed_in(app, stack, "admin")  # holds the merchant manager's role
    resident = await signed_in(app, stack, "citizen")
    try:
        shop_id = 2  # the stack registers "merchant" (1), then "merchant2" (2)
        reply = await shop.put(
            "/merchant/offer",
            json={"text_nl": "  10% korting met Heitjes ", "text_en": "10% off with Heitjes"},
        )
        assert reply.status_code == 200, reply.text
        assert reply.json() == {
            "merchant_id": shop_id,
            "text_nl": "10% korting met Heitjes",
            "text_en": "10% off with Heitjes",
        }
        listed = {o["merchant_id"]: o for o in (await resident.get("/shop-offers")).json()}
        assert listed[shop_id]["text_nl"] == "10% korting met Heitjes"
        # The merchant manager writes for the shop (replacing its own line), and takes it away.
        reply = await manager.put(
            f"/city/merchants/{shop_id}/offer", json={"text_nl": "Gratis koffie bij een boek"}
        )
        assert reply.status_code == 200, reply.text
        listed = {o["merchant_id"]: o for o in (await resident.get("/shop-offers")).json()}
        assert (listed[shop_id]["text_nl"], listed[shop_id]["text_en"]) == (
            "Gratis koffie bij een boek",
            "",
        )
        assert (await manager.delete(f"/city/merchants/{shop_id}/offer")).status_code == 204
        remaining = {o["merchant_id"] for o in (await resident.get("/shop-offers")).json()}
        assert shop_id not in remaining
        # Too long, too short, an unknown shop, a resident writing: refused.
        too_long = await shop.put("/merchant/offer", json={"text_nl": "x" * 81})
        assert too_long.status_code == 422
        assert (await shop.put("/merchant/offer", json={"text_nl": "x"})).status_code == 422
        unknown = await manager.put("/city/merchants/9999/offer", json={"text_nl": "Korting"})
        assert unknown.status_code == 404
        forbidden = await resident.put("/merchant/offer", json={"text_nl": "Korting"})
        assert forbidden.status_code == 403
    finally:
        for http in (shop, manager, resident):
            await http.aclose()
