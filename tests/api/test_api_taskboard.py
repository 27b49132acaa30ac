"""Stadsbeheer (issue #15): the categories the city keeps, commissioning with an estimated
duration, a safety note and the confirmation that the task is not regular paid work, the hourly
warning, the overview of the city's tasks with their claims, cancelling, and reference photos."""

from __future__ import annotations

import io
import json
from typing import Any

import httpx
import pytest
from api_support import Stack, signed_in
from PIL import Image
from web3.types import Wei

from wesh import rules
from wesh.metadata import FolderStore, get_document

pytestmark = pytest.mark.anyio


def send_prepared(stack: Stack, tx: dict[str, Any]) -> None:
    tx_hash = stack.w3.eth.send_transaction(
        {"from": tx["from"], "to": tx["to"], "data": tx["data"], "value": Wei(0)}
    )
    assert stack.w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1
    stack.sync()


def task(stack: Stack, **changes: Any) -> dict[str, Any]:
    body = {
        "title": "Zwerfafval rapen in het Aambos",
        "description": "Raap het zwerfafval langs het pad bij de vijver.",
        "category": "zwerfafval",
        "neighbourhood": 1,
        "street": "Aambos, bij de vijver",
        "lat": 50.888,
        "lon": 5.979,
        "reward": 10_00,
        "slots": 2,
        "claim_deadline": stack.now() + 30 * 86_400,
        "claim_duration": 7 * 86_400,
        "estimated_minutes": 60,
        "safety": "Draag handschoenen en gebruik de grijper.",
        "safety_en": "Wear gloves and use the grabber.",
        "not_regular_work": True,
    }
    body.update(changes)
    return body


def jpeg_with_gps() -> bytes:
    image = Image.new("RGB", (2400, 1800), (90, 140, 60))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (50.0, 53.0, 17.0), 3: "E", 4: (5.0, 58.0, 42.0)}
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=95)
    return out.getvalue()


async def test_the_categories_the_city_keeps_with_what_residents_may_do(
    client: httpx.AsyncClient,
) -> None:
    reply = await client.get("/task-categories")
    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert [c["key"] for c in body["categories"]] == list(rules.CATEGORIES)
    for category in body["categories"]:
        for part in ("name", "may", "safety"):
            assert category[part]["nl"] and category[part]["en"]
    assert body["hourly_warning"] == rules.DEFAULT_HOURLY_WARNING == 15_00
    assert body["max_reward"] == rules.MAX_REWARD == 100_00
    assert (body["min_estimated_minutes"], body["max_estimated_minutes"]) == (5, 480)


@pytest.mark.parametrize(
    ("changes", "code", "fields"),
    [
        ({"not_regular_work": False}, "not_regular_work_unconfirmed", None),
        ({"not_regular_work": None}, "not_regular_work_unconfirmed", None),
        ({"estimated_minutes": None}, "invalid_input", "estimated_minutes"),
        ({"estimated_minutes": 481}, "invalid_input", "estimated_minutes"),
        ({"estimated_minutes": 4}, "invalid_input", "estimated_minutes"),
        ({"safety": ""}, "invalid_input", "safety"),
        ({"safety": "x" * 501}, "invalid_input", "safety"),
        ({"reward": 100_01}, "invalid_input", "reward"),
        ({"category": "snoeien"}, "invalid_input", "category"),
        ({"reference_photo": "foto.jpg"}, "invalid_input", "reference_photo"),
        (
            {"reference_photo": "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"},
            "reference_photo_unknown",
            None,
        ),
    ],
)
async def test_commissioning_refuses_what_the_rules_do_not_allow(
    app: Any, stack: Stack, changes: dict[str, Any], code: str, fields: str | None
) -> None:
    http = await signed_in(app, stack, "task_manager")
    body = {k: v for k, v in task(stack, **changes).items() if v is not None}
    reply = await http.post("/city/tasks", json=body)
    assert reply.status_code == 422, reply.text
    problem = reply.json()
    assert problem["code"] == code
    if fields:
        assert fields in problem["detail"], problem
    if code == "not_regular_work_unconfirmed":
        assert problem["detail"].startswith("Bevestig eerst dat deze klus geen regulier betaald")


async def test_a_reviewer_may_see_the_overview_but_not_commission(app: Any, stack: Stack) -> None:
    http = await signed_in(app, stack, "reviewer")
    assert (await http.get("/city/taskboard")).status_code == 200
    assert (await http.post("/city/tasks", json=task(stack))).status_code == 403


async def test_commission_warn_overview_filter_and_cancel(app: Any, stack: Stack) -> None:
    http = await signed_in(app, stack, "task_manager")
    # 10.00 for 30 minutes is 20.00 an hour: above the warning, allowed, and said so.
    reply = await http.post("/city/tasks", json=task(stack, estimated_minutes=30))
    assert reply.status_code == 200, reply.text
    out = reply.json()
    assert (out["hourly"], out["hourly_warning"], out["above_hourly_warning"]) == (
        20_00, 15_00, True
    )  # fmt: skip
    document = get_document(FolderStore(stack.content_dir), out["metadata_cid"])
    assert document is not None
    assert document["schema"] == "wesh.task/1"
    assert document["estimated_minutes"] == 30
    assert document["safety"] == {
        "nl": "Draag handschoenen en gebruik de grijper.",
        "en": "Wear gloves and use the grabber.",
    }
    assert document["not_regular_work"] is True
    send_prepared(stack, out["tx"])
    task_id = stack.wesh.counts()[2]

    # Below the warning: 10.00 for an hour.
    calm = await http.post("/city/tasks", json=task(stack, title="Onkruid bij de kerk"))
    assert calm.json()["above_hourly_warning"] is False and calm.json()["hourly"] == 10_00

    board = (await http.get("/city/taskboard")).json()
    mine = next(item for item in board["items"] if item["task_id"] == task_id)
    assert (mine["state"], mine["hourly"], mine["above_warning"]) == ("open", 20_00, True)
    assert (mine["estimated_minutes"], mine["category"], mine["claims"]) == (30, "zwerfafval", [])
    assert board["hourly_warning"] == 15_00
    # The seeded tasks: one handed in (stickers), one claimed (big); claims by number only.
    by_id = {item["task_id"]: item for item in board["items"]}
    stickers = by_id[stack.tasks["stickers"]]
    assert stickers["state"] == "handed_in"
    assert stickers["claims"][0]["status"] == "submitted"
    assert set(stickers["claims"][0]) == {"citizen_id", "status", "expires_at", "overdue"}
    assert by_id[stack.tasks["big"]]["state"] == "claimed"
    assert "0x" not in json.dumps(board)
    # Shares per category and their hourly rates.
    shares = {share["category"]: share for share in board["by_category"]}
    assert shares["zwerfafval"]["above_warning"] >= 1
    assert shares["zwerfafval"]["hourly_max"] >= 20_00
    assert sum(share["tasks"] for share in board["by_category"]) == len(board["items"])
    # Filters: neighbourhood, category, state.
    only = (await http.get("/city/taskboard", params={"category": "stickers"})).json()
    assert {item["category"] for item in only["items"]} == {"stickers"}
    hood = (await http.get("/city/taskboard", params={"neighbourhood": 4})).json()
    assert {item["neighbourhood"] for item in hood["items"]} == {4}
    handed = (await http.get("/city/taskboard", params={"state": "handed_in"})).json()
    # (Other tests of the session hand in work too: only the state is checked here.)
    assert stack.tasks["stickers"] in [item["task_id"] for item in handed["items"]]
    assert {item["state"] for item in handed["items"]} == {"handed_in"}
    assert handed["states"]["handed_in"] == len(handed["items"])
    bad = await http.get("/city/taskboard", params={"state": "lost"})
    assert bad.status_code == 422

    # Cancel: prepared for the task manager, then the overview says cancelled; again: 409.
    prepared = await http.post(f"/city/tasks/{task_id}/cancel")
    assert prepared.status_code == 200, prepared.text
    send_prepared(stack, prepared.json())
    cancelled = (await http.get("/city/taskboard", params={"state": "cancelled"})).json()
    assert task_id in [item["task_id"] for item in cancelled["items"]]
    again = await http.post(f"/city/tasks/{task_id}/cancel")
    assert again.status_code == 409
    assert again.json()["code"] == "task_already_cancelled"


async def test_a_reference_photo_is_cleaned_stored_and_named_in_the_document(
    app: Any, stack: Stack, client: httpx.AsyncClient
) -> None:
    http = await signed_in(app, stack, "task_manager")
    original = jpeg_with_gps()
    reply = await http.post(
        "/city/tasks/reference-photo", files={"photo": ("plek.jpg", original, "image/jpeg")}
    )
    assert reply.status_code == 200, reply.text
    photo = reply.json()
    assert max(photo["width"], photo["height"]) == 1600
    served = await client.get(photo["url"])
    assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
    image = Image.open(io.BytesIO(served.content))
    assert not image.getexif(), "location and device data are stripped"
    assert len(served.content) <= 256 * 1024
    out = await http.post("/city/tasks", json=task(stack, reference_photo=photo["cid"]))
    assert out.status_code == 200, out.text
    document = get_document(FolderStore(stack.content_dir), out.json()["metadata_cid"])
    assert document is not None and document["reference_photo"] == photo["cid"]
    # Only photos uploaded as reference photos are served here.
    assert (await client.get("/reference-photos/bafkreievidence")).status_code == 404
    not_a_photo = await http.post(
        "/city/tasks/reference-photo", files={"photo": ("x.jpg", b"not a photo", "image/jpeg")}
    )
    assert not_a_photo.status_code == 415
