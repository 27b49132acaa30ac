"""Every endpoint x every kind of caller: anonymous callers get 401 where a sign-in is needed,
signed-in callers without the role get 403, and the role holder gets through."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from api_support import PUBLIC_URL, Stack, sign_in

pytestmark = pytest.mark.anyio

CALLERS = [
    "anonymous",
    "outsider",
    "citizen",
    "merchant",
    "reviewer",
    "task_manager",
    "treasurer",
    "registrar",
]
PUBLIC, SIGNED_IN = "public", "signed-in"
# Which callers hold which requirement.
HOLDERS = {
    PUBLIC: set(CALLERS),
    SIGNED_IN: set(CALLERS) - {"anonymous"},
    "citizen": {"citizen"},
    "merchant": {"merchant"},
    "reviewer": {"reviewer"},
    "task manager": {"task_manager"},
    "treasurer": {"treasurer"},
    "registrar": {"registrar"},
    # The desks: the registrar or the merchant manager (none of these callers holds the latter).
    "desk": {"registrar"},
    "city": {"reviewer", "task_manager", "treasurer", "registrar"},
    # Stadsbeheer's overview of the tasks: the task managers and the reviewers.
    "stadsbeheer": {"reviewer", "task_manager"},
    # Held by the stack's admin, who is not among the callers: everyone here is refused.
    "merchant manager": set(),
}
A_TASK = 1
SOMEONE = "0x70997970C51812dc3A010C7d01b50e0d17dc79C8"
PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"
    b"\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01\x01\x00\xc9\xfe\x92\xef"
    b"\x00\x00\x00\x00IEND\xaeB`\x82"
)

#: A valid commission: for commissioning a task, and for making one of a resident's report.
COMMISSION = {
    "title": "Test",
    "description": "Test klus",
    "neighbourhood": 1,
    "street": "Promenade",
    "lat": 50.888,
    "lon": 5.979,
    "reward": 500,
    "slots": 1,
    "claim_deadline": 4_000_000_000,
    "claim_duration": 86_400,
    "estimated_minutes": 60,
    "safety": "Draag handschoenen.",
    "not_regular_work": True,
}

# (method, path) -> (requirement, request keyword arguments)
ENDPOINTS: dict[tuple[str, str], tuple[str, dict[str, Any]]] = {
    ("GET", "/health"): (PUBLIC, {}),
    ("GET", "/ready"): (PUBLIC, {}),
    ("GET", "/metrics"): (PUBLIC, {}),
    ("GET", "/auth/nonce"): (PUBLIC, {}),
    ("POST", "/auth/message"): (PUBLIC, {"json": {"address": SOMEONE}}),
    ("POST", "/auth/verify"): (PUBLIC, {"json": {"message": "x", "signature": "0x00"}}),
    ("GET", "/auth/session"): (SIGNED_IN, {}),
    ("POST", "/auth/logout"): (SIGNED_IN, {}),
    ("GET", "/config"): (PUBLIC, {}),
    ("GET", "/tasks"): (PUBLIC, {}),
    ("GET", "/tasks/{task_id}"): (PUBLIC, {}),
    ("GET", "/merchants"): (PUBLIC, {}),
    ("GET", "/neighbourhoods"): (PUBLIC, {}),
    ("GET", "/reasons"): (PUBLIC, {}),
    ("GET", "/statistics"): (PUBLIC, {}),
    ("GET", "/statistics/tables"): (PUBLIC, {}),
    ("GET", "/open-data/wesh-deelname.csv"): (PUBLIC, {}),
    ("GET", "/open-data/wesh-deelname.csv-metadata.json"): (PUBLIC, {}),
    ("GET", "/open-data/wesh-besteding-winkelgebied.csv"): (PUBLIC, {}),
    ("GET", "/open-data/wesh-besteding-winkelgebied.csv-metadata.json"): (PUBLIC, {}),
    ("GET", "/documents/{cid}"): (PUBLIC, {}),
    ("GET", "/me"): (SIGNED_IN, {}),
    ("GET", "/me/history"): (SIGNED_IN, {}),
    ("POST", "/me/tasks/{task_id}/claim"): ("citizen", {}),
    ("POST", "/me/tasks/{task_id}/evidence"): (
        "citizen",
        {"files": {"before": ("b.png", PNG, "image/png"), "after": ("a.png", PNG, "image/png")}},
    ),
    ("POST", "/me/tasks/{task_id}/appeal"): ("citizen", {}),
    ("POST", "/me/tasks/{task_id}/abandon"): ("citizen", {}),
    ("GET", "/evidence/{cid}"): (SIGNED_IN, {}),
    ("GET", "/pay/{reference}"): (PUBLIC, {}),
    ("POST", "/me/payments"): ("citizen", {"json": {"reference": "00112233aabbccdd"}}),
    ("POST", "/merchant/payment-requests"): ("merchant", {"json": {"amount": 250}}),
    ("GET", "/merchant/payment-requests/{reference}/qr.svg"): (PUBLIC, {}),
    ("GET", "/merchant/payments"): ("merchant", {}),
    ("GET", "/merchant/payments/stream"): ("merchant", {"params": {"seconds": 1}}),
    ("GET", "/merchant/payment-requests/{reference}/status"): ("merchant", {}),
    ("GET", "/merchant/cashouts"): ("merchant", {}),
    ("POST", "/merchant/cashouts"): ("merchant", {"json": {"amount": 100}}),
    ("GET", "/merchant/day"): ("merchant", {}),
    ("POST", "/merchant/refunds"): (
        "merchant",
        {"json": {"payment": "0x" + "ab" * 32 + "-1", "amount": 1}},
    ),
    ("GET", "/merchant/payments.csv"): ("merchant", {}),
    ("GET", "/merchant/cashout-history"): ("merchant", {}),
    ("GET", "/merchant/involved"): ("merchant", {}),
    ("POST", "/city/tasks"): ("task manager", {"json": COMMISSION}),
    ("POST", "/city/tasks/{task_id}/cancel"): ("task manager", {}),
    ("GET", "/task-categories"): (PUBLIC, {}),
    ("GET", "/city/taskboard"): ("stadsbeheer", {}),
    ("POST", "/city/tasks/reference-photo"): (
        "task manager",
        {"files": {"photo": ("p.png", PNG, "image/png")}},
    ),
    ("GET", "/reference-photos/{cid}"): (PUBLIC, {}),
    ("GET", "/city/review-queue"): ("reviewer", {}),
    ("GET", "/city/evidence/{cid}/checks"): ("reviewer", {}),
    ("POST", "/city/reviews/approve"): ("reviewer", {"json": {"task_id": 1, "citizen": SOMEONE}}),
    ("POST", "/city/reviews/approve-batch"): (
        "reviewer",
        {"json": {"items": [{"task_id": 1, "citizen": SOMEONE}]}},
    ),
    ("POST", "/city/reviews/reject"): (
        "reviewer",
        {"json": {"task_id": 1, "citizen": SOMEONE, "reason": 1}},
    ),
    ("POST", "/city/appeals/decide"): (
        "reviewer",
        {"json": {"task_id": 1, "citizen": SOMEONE, "grant": True}},
    ),
    # The relayer: a signed request authenticates itself (no session); its status is public
    # (what the city spends on fees is public record).
    ("GET", "/relay"): (PUBLIC, {}),
    ("POST", "/relay/requests"): (PUBLIC, {"json": {"request": {}, "signature": "0x00"}}),
    ("GET", "/relay/requests/{request_id}"): (PUBLIC, {}),
    ("GET", "/relay/requests/{request_id}/events"): (PUBLIC, {}),
    ("GET", "/relay/status"): (PUBLIC, {}),
    # Joining at the desk: any signed-in account (a new one has no role) asks for its code.
    ("POST", "/join"): (SIGNED_IN, {}),
    ("GET", "/me/stream"): (SIGNED_IN, {"params": {"seconds": 1}}),
    ("GET", "/city/join/{code}"): ("desk", {}),
    ("POST", "/city/citizens"): (
        "registrar",
        {"json": {"code": "ABCD-EFGH", "neighbourhood": 1, "person_reference": "X1234567"}},
    ),
    ("POST", "/city/citizens/move"): ("registrar", {"json": {"citizen": 1, "code": "ABCD-EFGH"}}),
    ("GET", "/city/budget"): ("city", {}),
    ("POST", "/city/budget/grant"): ("treasurer", {"json": {"amount": 100}}),
    ("GET", "/city/redemptions"): ("treasurer", {}),
    ("POST", "/city/redemptions/mark-paid"): (
        "treasurer",
        {"json": {"redemption_ids": [1], "payment_reference": "SEPA-1"}},
    ),
    ("GET", "/city/merchants"): ("merchant manager", {}),
    ("POST", "/city/merchants"): (
        "merchant manager",
        {
            "json": {
                "code": "ABCD-EFGH",
                "name": "Test",
                "kind": "shop",
                "street": "Promenade 1",
                "postcode": "6411 JA",
                "neighbourhood": 1,
                "iban": "NL91ABNA0417164300",
            }
        },
    ),
    ("PUT", "/city/merchants/{merchant_id}/bank-account"): (
        "merchant manager",
        {"json": {"iban": "NL91ABNA0417164300"}},
    ),
    ("GET", "/city/merchants/{merchant_id}/bank-accounts"): ("merchant manager", {}),
    ("POST", "/city/merchants/move"): (
        "merchant manager",
        {"json": {"merchant": 1, "code": "ABCD-EFGH"}},
    ),
    ("GET", "/city/merchants/bank-accounts.csv"): ("treasurer", {}),
    # Financiën: payout files and the books (api/finance).
    ("GET", "/city/payouts"): ("treasurer", {}),
    ("POST", "/city/payout-files"): ("treasurer", {"json": {}}),
    ("GET", "/city/payout-files/{file_id}"): ("treasurer", {}),
    ("GET", "/city/payout-files/{file_id}/xml"): ("treasurer", {}),
    ("POST", "/city/payout-files/{file_id}/replace"): ("treasurer", {}),
    ("POST", "/city/payout-files/{file_id}/mark-paid"): ("treasurer", {}),
    ("GET", "/city/finance/months"): ("treasurer", {}),
    ("GET", "/city/finance/months.csv"): ("treasurer", {}),
    ("GET", "/city/report/quarterly.pdf"): ("city", {"params": {"quarter": "2026-Q4"}}),
    # Residents' messages and Web Push (api/notifications).
    ("GET", "/me/notifications"): ("citizen", {}),
    ("GET", "/me/notifications/unread"): ("citizen", {}),
    ("POST", "/me/notifications/read"): ("citizen", {"json": {}}),
    ("GET", "/push"): (PUBLIC, {}),
    ("GET", "/me/push"): ("citizen", {}),
    (
        "POST",
        "/me/push",
    ): (
        "citizen",
        {
            "json": {
                "endpoint": "https://push.example/one",
                "keys": {"p256dh": "B" + "A" * 86, "auth": "A" * 22},
            }
        },
    ),
    ("DELETE", "/me/push"): ("citizen", {"json": {"endpoint": "https://push.example/one"}}),
    # Residents' engagement (issue #16): milestones and the neighbourhoods' goals.
    ("GET", "/me/engagement"): (SIGNED_IN, {}),
    ("GET", "/neighbourhood-goals"): (PUBLIC, {}),
    ("PUT", "/neighbourhood-goals/{neighbourhood}/{month}"): (
        "task manager",
        {"json": {"target": 40}},
    ),
    # Shops' offers (issue #16).
    ("GET", "/shop-offers"): (PUBLIC, {}),
    ("PUT", "/merchant/offer"): ("merchant", {"json": {"text_nl": "10% korting met Heitjes"}}),
    ("DELETE", "/merchant/offer"): ("merchant", {}),
    ("PUT", "/city/merchants/{merchant_id}/offer"): (
        "merchant manager",
        {"json": {"text_nl": "10% korting met Heitjes"}},
    ),
    ("DELETE", "/city/merchants/{merchant_id}/offer"): ("merchant manager", {}),
    # Residents' reports of a spot that needs care (issue #16).
    ("POST", "/me/reports"): (
        "citizen",
        {
            "files": {"photo": ("p.png", PNG, "image/png")},
            "data": {
                "text": "Kapotte stoeptegel bij de bushalte",
                "neighbourhood": "1",
                "lat": "50.888",
                "lon": "5.979",
            },
        },
    ),
    ("GET", "/me/reports"): ("citizen", {}),
    ("GET", "/reports/{report_id}/photo"): (SIGNED_IN, {}),
    ("GET", "/city/reports"): ("task manager", {}),
    ("POST", "/city/reports/{report_id}/decline"): (
        "task manager",
        {"json": {"reason": "Dit is eigen terrein."}},
    ),
    ("POST", "/city/reports/{report_id}/task"): ("task manager", {"json": COMMISSION}),
    # The resident survey of liveability (issue #16): a file refused as a whole (nothing stored).
    ("POST", "/city/liveability"): (
        "task manager",
        {"json": {"file_name": "leeg.csv", "csv": "wijk;periode;cijfer;respondenten"}},
    ),
    ("GET", "/liveability"): (PUBLIC, {}),
    ("GET", "/open-data/wesh-leefbaarheid.csv"): (PUBLIC, {}),
    ("GET", "/open-data/wesh-leefbaarheid.csv-metadata.json"): (PUBLIC, {}),
}


def concrete(path: str) -> str:
    return (
        path.replace("{task_id}", str(A_TASK))
        .replace("{cid}", "bafkreiunknown")
        .replace("{reference}", "00112233aabbccdd")
        .replace("{request_id}", "00000000-0000-4000-8000-000000000000")
        .replace("{code}", "ABCD-EFGH")
        .replace("{merchant_id}", "1")
        .replace("{file_id}", "1")
        .replace("{neighbourhood}", "4")
        .replace("{month}", "2026-12")
        # A report no one made (a report of another test would be someone's).
        .replace("{report_id}", "2000000000")
    )


def test_every_route_of_the_app_is_in_the_matrix(app: Any) -> None:
    routes = {
        (method.upper(), path)
        for path, operations in app.openapi()["paths"].items()
        for method in operations
    }
    assert routes - set(ENDPOINTS) == set(), "add new endpoints to ENDPOINTS"
    assert set(ENDPOINTS) - routes == set()


@pytest.fixture(scope="module")
async def tokens(app: Any, stack: Stack) -> dict[str, str]:
    out: dict[str, str] = {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as http:
        for caller in CALLERS[1:]:
            out[caller] = (await sign_in(http, stack, caller))["token"]
    return out


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize("endpoint", sorted(ENDPOINTS), ids=lambda e: f"{e[0]} {e[1]}")
async def test_authorization(
    endpoint: tuple[str, str], caller: str, tokens: dict[str, str], app: Any
) -> None:
    method, path = endpoint
    requirement, kwargs = ENDPOINTS[endpoint]
    token = tokens.get(caller)
    if token and path == "/auth/logout":
        # Log out a session of its own, so the shared tokens stay valid for the other cases.
        svc = app.state.services
        token = f"logout-{caller}"
        svc.store.create_session(token, svc.store.get_session(tokens[caller]).address, 600)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC_URL) as http:
        reply = await http.request(method, concrete(path), headers=headers, **kwargs)
    allowed = caller in HOLDERS[requirement]
    if allowed:
        assert reply.status_code not in (401, 403), reply.text
        assert reply.status_code < 500, reply.text
    elif caller == "anonymous":
        assert reply.status_code == 401, reply.text
        assert reply.json()["code"] == "sign_in_required"
    else:
        assert reply.status_code == 403, reply.text
        assert reply.json()["code"] == "forbidden"
