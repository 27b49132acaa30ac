"""Residents report a spot that needs care; the city makes a task of it in one step (issue #16).

The first tests run the service on SQLite and PostgreSQL with the indexer's tables seeded by
hand: a report is made, refused for each limit with its own code, listed for the city, declined,
and linked to its task exactly once when the task appears in the index (however often the link
runs), with one inbox item. The last test goes through the routes on the session's stack: a
resident sends a photo and a pin, a task manager makes the task in one step, the chain commissions
it, and the resident sees "klus geworden" and one message."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import index_rows
import pytest
import sqlalchemy as sa
from api_support import Stack, signed_in
from PIL import Image

from api.database import migrate
from api.errors import Conflict, Forbidden, InvalidInput, NotFound, RateLimited, UnsupportedMedia
from api.notifications.service import Notifier
from api.reports.service import DAY_S, MAX_OPEN, MAX_PER_DAY, ReportService
from api.tables import notifications, report_commissions, reports
from indexer import schema as s
from indexer.db import make_engine
from wesh.metadata import FolderStore

NOW = 1_800_000_000
#: A pin in Centrum (neighbourhood 1), and one in Schandelen (4), 2 km away.
CENTRUM, SCHANDELEN = (50.8885, 5.9800), (50.8960, 5.9950)
ANNA, BRAM = 1, 2  # residents' numbers


def jpeg_with_gps() -> bytes:
    """A phone photo as a phone makes it: with its maker, model and GPS position."""
    image = Image.new("RGB", (640, 480), (30, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "Phone 12"
    exif[0x8825] = {2: (50.0, 53.0, 17.0), 4: (5.0, 58.0, 42.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


PHOTO = jpeg_with_gps()


@pytest.fixture(params=["sqlite", "postgresql"])
def service(request: pytest.FixtureRequest, tmp_path: Path) -> ReportService:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'reports.db'}"
    else:
        url = str(request.getfixturevalue("pg_url"))
    engine = make_engine(url)
    s.create(engine)
    migrate(engine)  # the API's tables, v0011 among them
    return ReportService(engine, FolderStore(tmp_path / "content"))


def report(
    service: ReportService,
    citizen: int = ANNA,
    *,
    text: str = "Kapotte stoeptegel bij de bushalte",
    pin: tuple[float, float] = CENTRUM,
    hood: int = 1,
    photo: bytes = PHOTO,
    now: int = NOW,
) -> Any:
    return service.create(
        citizen,
        neighbourhood=hood,
        lat=pin[0],
        lon=pin[1],
        text=text,
        photo=photo,
        declared_type="image/jpeg",
        max_bytes=10 * 1024 * 1024,
        max_pixels=40_000_000,
        now=now,
    )


def add_task(service: ReportService, task_id: int, cid: str) -> None:
    """A task as the indexer writes it once the chain has commissioned it."""
    with service.engine.begin() as db:
        index_rows.add_task(
            db,
            task_id,
            slots=1,
            slots_open=1,
            claim_deadline=NOW + 30 * DAY_S,
            claim_duration=DAY_S,
            metadata_cid=cid,
            task_manager="0x" + "ab" * 20,
        )


def prepared(service: ReportService, report_id: int, cid: str) -> None:
    """What the city's step records once it prepared the commission (see the stack test for
    the step itself)."""
    with service.engine.begin() as db:
        db.execute(
            report_commissions.insert().values(
                metadata_cid=cid, report_id=report_id, prepared_by="0x" + "ab" * 20, prepared_at=NOW
            )
        )


def test_a_report_keeps_the_text_the_pin_and_a_clean_photo(service: ReportService) -> None:
    made = report(service, text="  Kapotte   stoeptegel\nbij de bushalte ")
    assert (made.state, made.neighbourhood_name, made.text) == (
        "received",
        "Centrum",
        "Kapotte stoeptegel bij de bushalte",
    )
    assert (made.lat, made.lon) == CENTRUM and made.task_id is None and made.reason is None
    assert made.photo_url == f"/reports/{made.report_id}/photo"
    stored = service.photo(made.report_id, ANNA, task_manager=False)
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG" and image.size == (640, 480)
    assert not image.getexif(), "no EXIF (GPS, maker, model) is kept"
    assert b"PhoneMaker" not in stored and b"Phone 12" not in stored
    # The photo: for Anna and the task managers, not for Bram.
    assert service.photo(made.report_id, None, task_manager=True) == stored
    with pytest.raises(Forbidden):
        service.photo(made.report_id, BRAM, task_manager=False)
    with pytest.raises(NotFound):
        service.photo(999, ANNA, task_manager=True)
    assert [r.report_id for r in service.mine(ANNA, NOW)] == [made.report_id]
    assert service.mine(BRAM, NOW) == []


@pytest.mark.parametrize(
    ("kwargs", "error", "code"),
    [
        ({"text": "Kapot"}, InvalidInput, "report_text_short"),
        ({"text": "x" * 281}, InvalidInput, "report_text_long"),
        ({"pin": (50.95, 6.10)}, InvalidInput, "report_pin_far"),
        ({"hood": 999}, InvalidInput, "neighbourhood_unknown"),
        ({"photo": b"%PDF-1.4 not a photo"}, UnsupportedMedia, "photo_not_a_photo"),
    ],
)
def test_bad_input_is_refused_with_its_code_and_nothing_is_kept(
    service: ReportService, kwargs: dict[str, Any], error: type[Exception], code: str
) -> None:
    with pytest.raises(error) as raised:
        report(service, **kwargs)
    assert raised.value.key == code  # type: ignore[attr-defined]
    with service.engine.connect() as db:
        assert db.execute(sa.select(sa.func.count()).select_from(reports)).scalar() == 0


def test_a_few_reports_a_day_and_a_few_waiting(service: ReportService) -> None:
    assert (MAX_PER_DAY, MAX_OPEN) == (3, 5)
    first = report(service, now=NOW)
    report(service, now=NOW + 3600)
    report(service, now=NOW + 7200)
    with pytest.raises(RateLimited) as raised:
        report(service, now=NOW + 7300)
    assert raised.value.key == "report_limit_day"
    # The first of the three was sent 2:01 h earlier: 21:59 h to go, said as 22 hours.
    assert raised.value.params == {"n": 3, "hours": 22, "retry_after": DAY_S - 7300}
    # A day after the first, one more may go.
    report(service, now=NOW + DAY_S + 1)
    # Waiting: four now; a fifth the next day, and then the sixth is refused until one is decided.
    report(service, now=NOW + 3 * DAY_S)
    with pytest.raises(Conflict) as waiting:
        report(service, now=NOW + 5 * DAY_S)
    assert waiting.value.key == "report_limit_open"
    service.decline(first.report_id, "Dit is eigen terrein van de woningcorporatie.", "0xab", NOW)
    report(service, now=NOW + 5 * DAY_S)
    # Bram's limits are his own.
    report(service, BRAM, now=NOW + 7300)


def test_the_city_lists_waiting_reports_first_and_declines_with_a_reason(
    service: ReportService,
) -> None:
    one = report(service, ANNA, now=NOW)
    two = report(service, BRAM, text="Zwerfvuil in de berm", pin=SCHANDELEN, hood=4, now=NOW + 1)
    three = report(service, ANNA, text="Graffiti op het bankje", now=NOW + 2)
    declined = service.decline(
        two.report_id, "  Dit valt onder Rd4:  bel 045 - 560 40 00 ", "0xAB", NOW
    )
    assert (declined.state, declined.reason) == (
        "declined",
        "Dit valt onder Rd4: bel 045 - 560 40 00",
    )
    listed = service.for_city(None, NOW)
    assert listed.received == 2
    assert [r.report_id for r in listed.items] == [one.report_id, three.report_id, two.report_id]
    first = listed.items[0]
    assert (first.citizen_id, first.neighbourhood_name, first.photo_cid) == (
        ANNA,
        "Centrum",
        service.for_city("received", NOW).items[0].photo_cid,
    )
    assert "address" not in first.model_dump() and "wallet" not in first.model_dump()
    assert [r.report_id for r in service.for_city("declined", NOW).items] == [two.report_id]
    # Bram reads the reason on his page; a decided report is not decided again.
    assert service.mine(BRAM, NOW)[0].reason == "Dit valt onder Rd4: bel 045 - 560 40 00"
    with pytest.raises(Conflict) as again:
        service.decline(two.report_id, "Nog een keer afgewezen", "0xab", NOW)
    assert again.value.key == "report_decided"
    with pytest.raises(InvalidInput):
        service.decline(one.report_id, "nee", "0xab", NOW)
    with pytest.raises(NotFound):
        service.decline(999, "Bestaat niet meer", "0xab", NOW)


def test_a_report_becomes_one_task_once_and_its_resident_is_told_once(
    service: ReportService,
) -> None:
    made = report(service)
    other = report(service, BRAM, text="Zwerfvuil in de berm", now=NOW + 1)
    # Prepared twice (a retry with other terms): two documents, not yet on the chain.
    prepared(service, made.report_id, "bafkreifirst")
    prepared(service, made.report_id, "bafkreiretry")
    assert service.link(NOW) == 0
    assert service.mine(ANNA, NOW)[0].state == "received"
    # Both went through: the report becomes the first task, once.
    add_task(service, 41, "bafkreiretry")
    add_task(service, 40, "bafkreifirst")
    assert service.link(NOW + 10) == 1
    assert service.link(NOW + 20) == 0
    mine = service.mine(ANNA, NOW + 30)[0]
    assert (mine.state, mine.task_id) == ("task", 40)
    assert service.mine(BRAM, NOW)[0].state == "received"  # Bram's report is not touched
    # The notifier's rounds run the link too: nothing made twice.
    notifier = Notifier(service.engine, None, clock=lambda: NOW + 40, feeders=(service.link,))
    assert notifier.run_once()["reviews"] == 0
    with service.engine.connect() as db:
        items = db.execute(
            sa.select(notifications.c.citizen_id, notifications.c.kind, notifications.c.task_id)
        ).all()
    assert [tuple(i) for i in items] == [(ANNA, "report_task", 40)]
    # A task made of it cannot be declined or made again.
    with pytest.raises(Conflict) as decided:
        service.decline(made.report_id, "Toch niet nodig", "0xab", NOW)
    assert decided.value.key == "report_decided" or decided.value.key == "report_already_task"
    assert service.for_city("task", NOW).items[0].task_id == 40
    assert other.report_id != made.report_id


# ---------------------------------------------------------------- the routes on the stack


def send_prepared(stack: Stack, tx: dict[str, Any]) -> None:
    """Sends a prepared call as its sender (an unlocked anvil account) and indexes it."""
    tx_hash = stack.w3.eth.send_transaction(
        {"from": tx["from"], "to": tx["to"], "data": tx["data"]}
    )
    assert stack.w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1
    stack.sync()


def task_form(stack: Stack, report: dict[str, Any]) -> dict[str, Any]:
    """The commission form as the city's page fills it from a report."""
    return {
        "title": "Stoeptegel rechtleggen",
        "description": report["text"],
        "neighbourhood": report["neighbourhood"],
        "street": "Bij de bushalte",
        "lat": report["lat"],
        "lon": report["lon"],
        "reward": 500,
        "slots": 1,
        "claim_deadline": stack.now() + 30 * 86_400,
        "claim_duration": 86_400,
        "estimated_minutes": 60,
        "safety": "Draag handschoenen.",
        "not_regular_work": True,
    }


@pytest.mark.anyio
async def test_a_resident_reports_and_the_city_makes_a_task_in_one_step(
    app: Any, stack: Stack
) -> None:
    resident = await signed_in(app, stack, "citizen3")  # lives in neighbourhood 3
    manager = await signed_in(app, stack, "task_manager")
    other = await signed_in(app, stack, "citizen4")
    try:
        hoods = {n["code"]: n for n in (await resident.get("/neighbourhoods")).json()}
        home = hoods[3]
        sent = await resident.post(
            "/me/reports",
            files={"photo": ("spot.jpg", PHOTO, "image/jpeg")},
            data={
                "text": "Losliggende stoeptegel bij de bushalte",
                "neighbourhood": "3",
                "lat": str(home["lat"] + 0.001),
                "lon": str(home["lon"]),
            },
        )
        assert sent.status_code == 200, sent.text
        mine = sent.json()
        assert mine["state"] == "received" and mine["neighbourhood_name"] == home["name"]
        photo = await resident.get(mine["photo_url"])
        assert photo.status_code == 200 and not Image.open(io.BytesIO(photo.content)).getexif()
        assert (await other.get(mine["photo_url"])).status_code == 403
        # Refusals say what to do, with their code.
        short = await resident.post(
            "/me/reports",
            files={"photo": ("spot.jpg", PHOTO, "image/jpeg")},
            data={"text": "kapot", "neighbourhood": "3", "lat": "50.9", "lon": "5.98"},
        )
        assert short.status_code == 422 and short.json()["code"] == "report_text_short"
        assert "minstens 10 tekens" in short.json()["detail"]
        # The city's list: the resident by number, the photo for the task manager.
        listed = (await manager.get("/city/reports", params={"state": "received"})).json()
        city = next(r for r in listed["items"] if r["report_id"] == mine["report_id"])
        assert city["citizen_id"] == 3 and city["text"] == mine["text"]
        assert (await manager.get(city["photo_url"])).content == photo.content
        assert (await resident.get("/city/reports")).status_code == 403
        # The one step: the commission form filled from the report.
        form = task_form(stack, city)
        step = await manager.post(f"/city/reports/{city['report_id']}/task", json=form)
        assert step.status_code == 200, step.text
        out = step.json()
        # A retry before the chain has it gives the same document (no second link possible).
        retry = await manager.post(f"/city/reports/{city['report_id']}/task", json=form)
        assert retry.json()["metadata_cid"] == out["metadata_cid"]
        send_prepared(stack, out["tx"])
        task_id = stack.wesh.counts()[2]
        # The task's document names the report, and the report's photo is its reference photo.
        document = (await manager.get(f"/documents/{out['metadata_cid']}")).json()
        assert document["report_id"] == city["report_id"]
        assert document["reference_photo"] == city["photo_cid"]
        # The resident sees it, and one message.
        mine = next(
            r
            for r in (await resident.get("/me/reports")).json()
            if r["report_id"] == city["report_id"]
        )
        assert (mine["state"], mine["task_id"]) == ("task", task_id)
        again = await manager.post(f"/city/reports/{city['report_id']}/task", json=form)
        assert again.status_code == 409 and again.json()["code"] == "report_already_task"
        inbox = (await resident.get("/me/notifications")).json()
        told = [i for i in inbox["items"] if i["kind"] == "report_task"]
        assert [i["task_id"] for i in told] == [task_id]
        await resident.get("/me/reports")
        inbox = (await resident.get("/me/notifications")).json()
        assert len([i for i in inbox["items"] if i["kind"] == "report_task"]) == 1
        # The task's reference photo is the report's, public now as the task is.
        public = await other.get(f"/reference-photos/{city['photo_cid']}")
        assert public.status_code == 200 and public.content == photo.content
        task = (await other.get(f"/tasks/{task_id}")).json()
        assert task["document"]["description"] == {"nl": mine["text"]}
    finally:
        for http in (resident, manager, other):
            await http.aclose()
