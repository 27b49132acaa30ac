"""A shop's books (issue #15, Shops): the day overview, refunds within the contract's refund window,
the accountant's CSV, the cash-out history numbered per shop with the bank's reference, and who's
involved with small counts hidden. Against a history seeded here with known answers: a new shop
of its own (a key of the test's, so other tests' payments never reach it) and 13 new residents
in three neighbourhoods (6, 5 and 2) who each earned 20.00 and paid it 1.00 to 3.00."""

from __future__ import annotations

import csv
import dataclasses
import io
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from api_support import PUBLIC_URL, Stack, signed_in
from eth_account import Account
from eth_account.messages import encode_defunct
from eth_account.signers.local import LocalAccount

from api.app import create_app
from api.shop_books.service import hide
from wesh.metadata import FolderStore, merchant_document, put_document, task_document
from wesh.signer import UnlockedSigner, transact

pytestmark = pytest.mark.anyio

#: Residents per neighbourhood (codes 1, 2, 3) and what each pays the shop (cents).
HOODS = {1: 6, 2: 5, 3: 2}
REWARD = 20_00


def paid(index: int) -> int:
    """What resident ``index`` (0-12) pays the shop: 1.00, 1.50, ..., 3.00, 1.00, ..."""
    return 100 + 50 * (index % 5)


def reference_of(index: int) -> str:
    """The payment request reference resident ``index`` quotes: its code is 01ABAB, 02ABAB, ..."""
    return f"{index + 1:02x}" + "ab" * 7


@dataclass
class Books:
    shop: LocalAccount
    residents: list[LocalAccount]
    hoods: list[int]

    @property
    def received(self) -> int:
        return sum(paid(i) for i in range(len(self.residents)))


def as_signer(stack: Stack, address: str) -> UnlockedSigner:
    """An account of a key the test holds, sending through anvil (impersonated, with gas)."""
    stack.node.rpc("anvil_impersonateAccount", address)
    stack.node.rpc("anvil_setBalance", address, hex(10**18))
    return UnlockedSigner(address)


def send(stack: Stack, tx: Any, who: LocalAccount) -> None:
    transact(stack.w3, tx, as_signer(stack, who.address))


def send_prepared(stack: Stack, tx: dict[str, Any]) -> None:
    """Sends what the API prepared from its ``from`` and indexes it."""
    signer = as_signer(stack, tx["from"])
    transact(stack.w3, {"to": tx["to"], "data": tx["data"]}, signer)
    stack.sync()


async def with_key(app: Any, key: LocalAccount) -> httpx.AsyncClient:
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL)
    message = (await http.post("/auth/message", json={"address": key.address})).json()["message"]
    signature = key.sign_message(encode_defunct(text=message)).signature.to_0x_hex()
    reply = await http.post("/auth/verify", json={"message": message, "signature": signature})
    assert reply.status_code == 200, reply.text
    return http


@pytest.fixture(scope="module")
def books(stack: Stack) -> Books:
    """A new shop and 13 new residents who earned 20.00 each and paid the shop once each."""
    wesh, store = stack.wesh, FolderStore(stack.content_dir)
    shop = Account.create()
    document = merchant_document(
        name="Boekenwinkel De Kas",
        kind="boekhandel",
        street="Akerstraat 1",
        postcode="6411 HA",
        city="Heerlen",
        neighbourhood=1,
    )
    stack.send(wesh.register_merchant(shop.address, put_document(store, document)), "admin")
    hoods = [hood for hood, n in HOODS.items() for _ in range(n)]
    residents = [Account.create() for _ in hoods]
    stack.send(wesh.register_citizens([r.address for r in residents], hoods), "admin")
    deadline = stack.now() + 30 * 86_400
    cid = put_document(
        store,
        task_document(
            title="Zwerfafval prikken Bekkerveld",
            description="Zwerfafval prikken: beschrijving",
            neighbourhood=2,
            street="Teststraat 2",
            lat=50.89,
            lon=5.98,
            reward=REWARD,
            slots=len(residents),
            claim_deadline=deadline,
            claim_duration=7 * 86_400,
        ),
    )
    stack.send(wesh.commission_task(cid, REWARD, len(residents), deadline, 7 * 86_400, 2), "admin")
    task = wesh.counts()[2]
    for resident in residents:
        send(stack, wesh.claim_task(task), resident)
        send(stack, wesh.submit(task, "bafkreibooks"), resident)
    stack.send(
        wesh.approve_submissions([(task, r.address) for r in residents]),
        "reviewer",
    )
    for index, resident in enumerate(residents):
        send(
            stack, wesh.pay(shop.address, paid(index), bytes.fromhex(reference_of(index))), resident
        )
    stack.sync()
    return Books(shop=shop, residents=residents, hoods=hoods)


async def day_of(http: httpx.AsyncClient) -> dict[str, Any]:
    reply = await http.get("/merchant/day")
    assert reply.status_code == 200, reply.text
    return dict(reply.json())


def payment_of(day: dict[str, Any], code: str) -> dict[str, Any]:
    return next(p for p in day["payments"] if p["code"] == code)


def code_of(index: int) -> str:
    return reference_of(index)[:6].upper()


async def test_the_day_overview_has_every_payment_of_today_with_totals(
    app: Any, stack: Stack, books: Books
) -> None:
    shop = await with_key(app, books.shop)
    day = await day_of(shop)
    assert day["date"] == day["today"]
    assert day["count"] == 13
    assert day["received"] == books.received == 2450
    assert [p["amount"] for p in day["payments"]] == [paid(i) for i in range(13)]
    first = payment_of(day, code_of(0))
    assert first["neighbourhood"] == 1 and first["neighbourhood_name"]
    # Nothing given back yet: each payment can be refunded whole (its window holds just it).
    assert [p["refundable"] for p in day["payments"]] == [p["amount"] for p in day["payments"]]
    assert "payer" not in first and "0x" not in first["code"]
    # Another day: nothing.
    other = (await shop.get("/merchant/day", params={"date": "2020-01-01"})).json()
    assert (other["count"], other["received"], other["payments"]) == (0, 0, [])


async def test_refund_part_then_the_rest_is_the_limit_and_a_closed_window_refuses(
    app: Any, stack: Stack, books: Books
) -> None:
    shop = await with_key(app, books.shop)
    day = await day_of(shop)
    index = 3  # paid 2.50
    payment = payment_of(day, code_of(index))
    assert payment["amount"] == 250
    resident = books.residents[index]
    balance = stack.wesh.balance_of(resident.address)

    too_much = await shop.post("/merchant/refunds", json={"payment": payment["id"], "amount": 251})
    assert too_much.status_code == 422, too_much.text
    body = too_much.json()
    assert body["code"] == "refund_above_limit" and body["params"]["limit"] == 250
    assert "€ 2,50" in body["detail"]

    part = await shop.post("/merchant/refunds", json={"payment": payment["id"], "amount": 100})
    assert part.status_code == 200, part.text
    assert (
        part.json()["description"]["nl"]
        == f"€ 1,00 terugbetalen aan de inwoner van betaling {code_of(index)}."
    )
    send_prepared(stack, part.json())
    assert stack.wesh.balance_of(resident.address) == balance + 100

    day = await day_of(shop)
    after = payment_of(day, code_of(index))
    assert (after["refunded"], after["refundable"]) == (100, 150)
    assert day["refunded"] == 100 and day["net"] == books.received - 100
    assert [(r["amount"], r["code"]) for r in day["refunds"]] == [(100, code_of(index))]

    above = await shop.post("/merchant/refunds", json={"payment": payment["id"], "amount": 151})
    assert above.status_code == 422 and above.json()["params"]["limit"] == 150

    # The resident pays another shop with a payment request: the contract's window moves there.
    other = stack.accounts["merchant2"].address
    send(stack, stack.wesh.pay(other, 50, bytes.fromhex("00000000000000aa")), resident)
    stack.sync()
    closed = await shop.post("/merchant/refunds", json={"payment": payment["id"], "amount": 50})
    assert closed.status_code == 409, closed.text
    assert closed.json()["code"] == "refund_nothing_left"
    assert "andere winkel" in closed.json()["detail"]
    assert payment_of(await day_of(shop), code_of(index))["refundable"] == 0


async def test_a_payment_refunded_whole_has_nothing_left(
    app: Any, stack: Stack, books: Books
) -> None:
    shop = await with_key(app, books.shop)
    payment = payment_of(await day_of(shop), code_of(0))
    whole = await shop.post("/merchant/refunds", json={"payment": payment["id"], "amount": 100})
    assert whole.status_code == 200, whole.text
    send_prepared(stack, whole.json())
    again = await shop.post("/merchant/refunds", json={"payment": payment["id"], "amount": 1})
    assert again.status_code == 409
    assert "al terugbetaald" in again.json()["detail"]
    english = await shop.post(
        "/merchant/refunds",
        json={"payment": payment["id"], "amount": 1},
        headers={"Accept-Language": "en"},
    )
    assert "refunded already" in english.json()["detail"]


async def test_refusals_of_refunds(app: Any, stack: Stack, books: Books) -> None:
    shop = await with_key(app, books.shop)
    unknown = await shop.post(
        "/merchant/refunds", json={"payment": "0x" + "ab" * 32 + "-1", "amount": 1}
    )
    assert unknown.status_code == 404 and unknown.json()["code"] == "book_payment_unknown"
    # Another shop's payment is not this shop's to refund.
    other_shop = stack.accounts["merchant2"].address
    send(
        stack, stack.wesh.pay(other_shop, 10, bytes.fromhex("00000000000000bb")), books.residents[5]
    )
    stack.sync()
    bakery = await signed_in(app, stack, "merchant2")
    theirs = (await day_of(bakery))["payments"][-1]
    other = await shop.post("/merchant/refunds", json={"payment": theirs["id"], "amount": 1})
    assert other.status_code == 404
    for path, params in (
        ("/merchant/day", {"date": "0001-01-01"}),
        ("/merchant/payments.csv", {"from": "2026-01-01", "to": "9999-12-31"}),
        ("/merchant/involved", {"month": "0000-01"}),
    ):
        far = await shop.get(path, params=params)
        assert far.status_code == 422, far.text
    malformed = await shop.post("/merchant/refunds", json={"payment": "34", "amount": 1})
    assert malformed.status_code == 422
    zero = await shop.post("/merchant/refunds", json={"payment": theirs["id"], "amount": 0})
    assert zero.status_code == 422
    # Residents and strangers have no books.
    citizen = await signed_in(app, stack, "citizen")
    for path in (
        "/merchant/day",
        "/merchant/payments.csv",
        "/merchant/cashout-history",
        "/merchant/involved",
    ):
        assert (await citizen.get(path)).status_code == 403
    anonymous = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=PUBLIC_URL)
    assert (await anonymous.get("/merchant/day")).status_code == 401


async def test_the_accountants_csv(app: Any, stack: Stack, books: Books) -> None:
    shop = await with_key(app, books.shop)
    today = (await day_of(shop))["today"]
    reply = await shop.get("/merchant/payments.csv", params={"from": today, "to": today})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/csv")
    assert "attachment" in reply.headers["content-disposition"]
    text = reply.content.decode("utf-8")
    assert text.startswith("\ufeff") and "\r\n" in text
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Datum", "Tijd", "Soort", "Code", "Bedrag", "Terugbetaald", "Wijk"]
    payments = [r for r in rows[1:] if r[2] == "betaling"]
    refunds = [r for r in rows[1:] if r[2] == "terugbetaling"]
    assert len(payments) == 13
    assert {r[0] for r in rows[1:]} == {today}
    assert [r[4] for r in payments[:5]] == ["1,00", "1,50", "2,00", "2,50", "3,00"]
    assert sorted((r[3], r[5]) for r in refunds) == sorted(
        [(code_of(3), "1,00"), (code_of(0), "1,00")]
    )
    assert all(r[4] == "0,00" for r in refunds)
    assert "0x" not in text
    wijken = {r[6] for r in payments}
    assert len(wijken) == 3 and "" not in wijken
    # A period before the shop existed: only the header.
    empty = await shop.get(
        "/merchant/payments.csv", params={"from": "2020-01-01", "to": "2020-01-31"}
    )
    assert empty.content.decode().lstrip("\ufeff").count("\r\n") == 1
    backwards = await shop.get("/merchant/payments.csv", params={"from": today, "to": "2020-01-01"})
    assert backwards.status_code == 422 and backwards.json()["code"] == "book_period"
    too_long = await shop.get(
        "/merchant/payments.csv", params={"from": "2020-01-01", "to": "2022-01-01"}
    )
    assert too_long.status_code == 422


async def test_cashouts_are_numbered_per_shop_with_the_banks_reference(
    app: Any, stack: Stack, books: Books
) -> None:
    shop = await with_key(app, books.shop)
    # Another shop cashes out between this shop's two: the city's numbers are shared by all.
    bakery = stack.accounts["merchant2"].address
    send(stack, stack.wesh.pay(bakery, 200, bytes.fromhex("cc" * 8)), books.residents[7])
    send(stack, stack.wesh.redeem(500), books.shop)
    stack.send(stack.wesh.redeem(200), "merchant2")
    send(stack, stack.wesh.redeem(300), books.shop)
    stack.sync()
    lines = (await shop.get("/merchant/cashout-history")).json()
    assert [(c["number"], c["amount"], c["status"]) for c in lines] == [
        (2, 300, "open"),
        (1, 500, "open"),
    ]
    first, second = lines[1]["redemption_id"], lines[0]["redemption_id"]
    assert second == first + 2
    assert lines[1]["end_to_end_id"] == f"WESH-R{first}"
    assert lines[1]["payment_reference"] is None and lines[1]["paid_at"] is None
    stack.send(stack.wesh.mark_paid([first], "WESH-2026-12-06-1"), "treasurer")
    stack.sync()
    lines = (await shop.get("/merchant/cashout-history")).json()
    assert (lines[1]["status"], lines[1]["payment_reference"]) == ("paid", "WESH-2026-12-06-1")
    assert lines[1]["paid_at"] >= lines[1]["requested_at"]
    assert (lines[0]["status"], lines[0]["payment_reference"]) == ("open", None)


async def test_who_is_involved_hides_small_counts_and_what_subtraction_gives_away(
    app: Any, stack: Stack, books: Books
) -> None:
    shop = await with_key(app, books.shop)
    involved = (await shop.get("/merchant/involved")).json()
    # 6 + 5 + 2 residents: the 2 is hidden, and the 5 with it (else 13 - 6 - 5 gives the 2).
    assert involved["min_count"] == 5
    assert involved["residents"] == 13
    assert [(h["neighbourhood"], h["residents"]) for h in involved["neighbourhoods"]] == [(1, 6)]
    assert (involved["hidden_neighbourhoods"], involved["hidden_residents"]) == (2, 7)
    # A month without payments: nothing to show.
    empty = (await shop.get("/merchant/involved", params={"month": "2020-01"})).json()
    assert (empty["residents"], empty["neighbourhoods"]) == (None, [])
    assert (await shop.get("/merchant/involved", params={"month": "2020-13"})).status_code == 422


def test_hide_counts() -> None:
    def shown(counts: dict[int, int]) -> tuple[int | None, list[tuple[int, int]], int | None]:
        out = hide("2026-12", counts, 5)
        return (
            out.residents,
            [(h.neighbourhood, h.residents) for h in out.neighbourhoods],
            out.hidden_residents,
        )

    assert shown({}) == (None, [], None)
    assert shown({1: 4}) == (None, [], None)  # fewer than 5 in all: not even the total
    assert shown({1: 3, 2: 1}) == (None, [], None)
    assert shown({1: 5}) == (5, [(1, 5)], None)
    assert shown({1: 7, 2: 5}) == (12, [(1, 7), (2, 5)], None)
    # One small cell: the smallest shown one goes with it.
    assert shown({1: 9, 2: 6, 3: 1}) == (16, [(1, 9)], 7)
    # Two small cells that add up to less than 5: one shown cell joins them.
    assert shown({1: 9, 2: 6, 3: 1, 4: 2}) == (18, [(1, 9)], 9)
    # Two small cells adding up to 5 or more: only they are hidden.
    assert shown({1: 9, 2: 3, 3: 4}) == (16, [(1, 9)], 7)
    # Everything small but the total: only the total.
    assert shown({1: 2, 2: 2, 3: 2}) == (6, [], 6)


async def test_the_books_on_postgresql(stack: Stack, books: Books, pg_url: str) -> None:
    """The same chain indexed into PostgreSQL: the same figures (the API's own record of which
    payment a refund was for is per database, so refunds there are the chain's only)."""
    on_pg = dataclasses.replace(stack, database_url=pg_url)
    on_pg.sync()
    shop = await with_key(create_app(on_pg.settings()), books.shop)
    day = await day_of(shop)
    assert (day["count"], day["received"], day["refunded"]) == (13, books.received, 200)
    assert [(r["amount"], r["code"]) for r in day["refunds"]] == [(100, None), (100, None)]
    # Resident 1 paid 1.50 and only here: all of it; resident 3 paid another shop since.
    above = await shop.post(
        "/merchant/refunds", json={"payment": payment_of(day, code_of(1))["id"], "amount": 151}
    )
    assert above.status_code == 422 and above.json()["params"]["limit"] == 150
    closed = await shop.post(
        "/merchant/refunds", json={"payment": payment_of(day, code_of(3))["id"], "amount": 1}
    )
    assert closed.status_code == 409
    involved = (await shop.get("/merchant/involved")).json()
    assert (involved["residents"], involved["hidden_residents"]) == (13, 7)
    lines = (await shop.get("/merchant/cashout-history")).json()
    assert [c["number"] for c in lines] == [2, 1]
    text = (await shop.get("/merchant/payments.csv")).content.decode("utf-8-sig")
    assert text.count("\r\n") == 1 + 13 + 2


async def test_a_moved_resident_is_refunded_on_the_new_phone_and_plain_transfers_open_nothing(
    app: Any, stack: Stack, books: Books
) -> None:
    """(Last: it adds to the day's figures the tests above count.)"""
    shop = await with_key(app, books.shop)
    # Resident 8 (paid 2.50) moves to a new phone: the refund goes to the new wallet.
    old, new = books.residents[8], Account.create()
    stack.send(stack.wesh.move_citizen(old.address, new.address), "admin")
    stack.sync()
    payment = payment_of(await day_of(shop), code_of(8))
    assert payment["refundable"] == 250
    refund = await shop.post("/merchant/refunds", json={"payment": payment["id"], "amount": 100})
    assert refund.status_code == 200, refund.text
    send_prepared(stack, refund.json())
    assert stack.wesh.balance_of(new.address) == REWARD - 250 + 100
    after = payment_of(await day_of(shop), code_of(8))
    assert (after["refunded"], after["refundable"]) == (100, 150)
    # Resident 9 (paid 3.00 with a payment request) also sends 5.00 by a plain transfer: the
    # contract's window holds only the 3.00, so no more than that can go back for either.
    send(stack, stack.wesh.transfer(books.shop.address, 500), books.residents[9])
    stack.sync()
    day = await day_of(shop)
    plain = next(p for p in day["payments"] if p["amount"] == 500)
    assert plain["refundable"] == 300
    above = await shop.post("/merchant/refunds", json={"payment": plain["id"], "amount": 301})
    assert above.status_code == 422 and above.json()["params"]["limit"] == 300
