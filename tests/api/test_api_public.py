"""Public endpoints and problem responses, through httpx's ASGI transport."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from api_support import Stack

from api.page_cache import BLOCK_CHECK_S
from wesh import rules

pytestmark = pytest.mark.anyio


async def test_open_tasks_list_the_seeded_tasks_newest_first(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    stack.sync()
    reply = await client.get("/tasks")
    assert reply.status_code == 200
    body = reply.json()
    ids = [item["task_id"] for item in body["items"]]
    assert ids == sorted(ids, reverse=True)
    assert set(stack.tasks.values()) <= set(ids)
    assert body["total"] == len(ids), body
    bench = next(i for i in body["items"] if i["task_id"] == stack.tasks["bench"])
    assert bench["title"] == "Bankje schilderen in het Aambos"
    assert bench["reward"] == 1_500
    assert bench["slots_open"] == stack.wesh.task(stack.tasks["bench"]).slots_open < 5
    assert bench["category"] == "schilderen"


async def test_tasks_filter_by_neighbourhood_category_and_map_box(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    by_hood = (await client.get("/tasks", params={"neighbourhood": 2})).json()["items"]
    assert [t["task_id"] for t in by_hood] == [stack.tasks["stickers"]]
    assert all(t["neighbourhood"] == 2 for t in by_hood)
    by_category = (await client.get("/tasks", params={"category": "schilderen"})).json()["items"]
    assert [t["task_id"] for t in by_category] == [stack.tasks["bench"]]
    box = "50.885,5.975,50.890,5.985"  # around the Aambos bench only
    in_box = (await client.get("/tasks", params={"bbox": box})).json()["items"]
    assert [t["task_id"] for t in in_box] == [stack.tasks["bench"]]


async def test_task_detail_carries_its_document_and_claim_counts(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    reply = await client.get(f"/tasks/{stack.tasks['stickers']}")
    assert reply.status_code == 200
    body = reply.json()
    assert body["document"]["title"]["nl"] == "Stickers verwijderen Promenade"
    assert body["claims_by_status"]["2"] >= 1  # the citizen's submitted claim


async def test_unknown_task_is_a_dutch_problem_by_default(client: httpx.AsyncClient) -> None:
    reply = await client.get("/tasks/999999")
    assert reply.status_code == 404
    assert reply.headers["content-type"] == "application/problem+json"
    body = reply.json()
    assert body["status"] == 404 and body["title"] == "Niet gevonden"
    assert body["detail"] == "Dit bestaat niet (meer)."


async def test_problem_in_english_when_the_client_prefers_it(client: httpx.AsyncClient) -> None:
    reply = await client.get("/tasks/999999", headers={"Accept-Language": "en-GB,nl;q=0.5"})
    assert reply.json()["detail"] == "This does not exist (any more)."
    assert reply.headers["content-language"] == "en"


async def test_bad_query_is_a_422_problem_naming_the_field(client: httpx.AsyncClient) -> None:
    reply = await client.get("/tasks", params={"limit": 0, "bbox": "x"})
    assert reply.status_code == 422
    body = reply.json()
    assert body["code"] == "invalid_input"
    assert set(body["params"]["fields"]) == {"limit", "bbox"}


async def test_merchants_directory_shows_names_from_their_documents(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    names = {m["name"] for m in (await client.get("/merchants")).json()}
    assert names == {"Test bakker", "Test boekhandel"}


async def test_config_names_chain_and_token(client: httpx.AsyncClient, stack: Stack) -> None:
    body = (await client.get("/config")).json()
    assert body["chain_id"] == 31337 and body["demo"] is True
    assert body["token"] == {
        "address": stack.manifest.heitje,
        "symbol": "HEIT",
        "decimals": 2,
        "name": "'t Heerlens Heitje",
    }


async def test_config_gives_the_dapp_the_task_rules(client: httpx.AsyncClient) -> None:
    """The dApp's forms and labels take categories, bounds and status names from here (wesh.rules),
    so nothing in web/ writes them down a second time."""
    body = (await client.get("/config")).json()
    assert body["categories"] == list(rules.CATEGORIES)
    assert (body["max_reward"], body["max_slots"]) == (rules.MAX_REWARD, rules.MAX_SLOTS)
    assert body["min_claim_duration"] == rules.MIN_CLAIM_DURATION
    assert body["max_claim_duration"] == rules.MAX_CLAIM_DURATION
    assert body["max_rejections"] == rules.MAX_REJECTIONS
    assert body["task_statuses"]["1"] == "open"
    assert body["claim_statuses"] == {str(s.value): s.name.lower() for s in rules.ClaimStatus}
    assert (body["max_title"], body["max_description"]) == (rules.MAX_TITLE, rules.MAX_DESCRIPTION)
    assert body["max_payment_reference_length"] == rules.MAX_PAYMENT_REFERENCE_LENGTH


async def test_public_documents_are_served_but_evidence_is_not(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    task = (await client.get(f"/tasks/{stack.tasks['bench']}")).json()
    reply = await client.get(f"/documents/{task['metadata_cid']}")
    assert reply.status_code == 200
    assert reply.json()["title"]["nl"] == "Bankje schilderen in het Aambos"
    assert (await client.get("/documents/bafkreievidence")).status_code == 404


async def test_health_ready_and_metrics(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).json() == {"status": "ok"}
    ready = (await client.get("/ready")).json()
    assert ready["status"] == "ready" and ready["lag_blocks"] == 0
    assert ready["unplaced_events"] == 0  # events the indexer could not place: alert-worthy
    metrics = (await client.get("/metrics")).text
    assert "wesh_api_requests_total" in metrics and "wesh_indexed_block" in metrics
    assert "wesh_indexer_unplaced_events 0.0" in metrics


async def test_task_pages_carry_an_etag_and_answer_304_until_the_next_block(
    client: httpx.AsyncClient, stack: Stack
) -> None:
    first = await client.get("/tasks")
    etag = first.headers["etag"]
    again = await client.get("/tasks", headers={"If-None-Match": etag})
    assert again.status_code == 304
    # A new block with a new task changes the page and its tag.
    deadline = stack.now() + 86_400
    stack.send(stack.wesh.commission_task("bafkreietagtask", 100, 1, deadline, 3_600, 1), "admin")
    stack.sync()
    await asyncio.sleep(BLOCK_CHECK_S + 0.05)  # a worker looks at the indexed block this often
    changed = await client.get("/tasks", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert changed.json()["items"][0]["task_id"] == stack.wesh.counts()[2]


async def test_the_api_docs_page_and_its_assets_come_from_this_server(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/docs")
    assert page.status_code == 200
    assert '"/docs/assets/swagger-ui-bundle.js"' in page.text and "/openapi.json" in page.text
    assert "cdn" not in page.text.lower()  # works offline; no third party sees the reader
    for name, media_type, size in (
        ("swagger-ui-bundle.js", "text/javascript", 500_000),
        ("swagger-ui.css", "text/css", 50_000),
        ("favicon-32x32.png", "image/png", 100),
    ):
        asset = await client.get(f"/docs/assets/{name}")
        assert asset.status_code == 200, name
        assert asset.headers["content-type"].startswith(media_type)
        assert len(asset.content) > size and "max-age" in asset.headers["cache-control"]
