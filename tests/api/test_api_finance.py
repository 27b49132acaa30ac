"""Financiën (issue #15) on a real chain and index of its own, whose history is set in known
months: the books' export per Europe/Amsterdam month is checked against figures worked out by
hand below (not against the code's own sums), and the SEPA payout file made on the web is the
schema-checked pain.001 file, pays each cash-out once, names the shop without a bank account,
and marks the cash-outs it paid with its message id. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import psycopg
import pytest
from api_support import PUBLIC_URL, Stack, signed_in
from servers import Postgres
from web3 import Web3

from api.app import create_app
from wesh import anvil, deployment, sepa
from wesh import iban as ibans
from wesh.contract import Role
from wesh.deploy import deploy
from wesh.metadata import FolderStore, merchant_document, put_document, task_document
from wesh.rules import AMSTERDAM
from wesh.signer import UnlockedSigner

pytestmark = pytest.mark.anyio

NAMES = ["admin", "treasurer", "reviewer", "anna", "bram", "bakery", "bar"]
ROLES = {
    "admin": Role.ADMIN | Role.REGISTRAR | Role.MERCHANT_MANAGER | Role.TASK_MANAGER,
    "treasurer": Role.TREASURER,
    "reviewer": Role.REVIEWER,
}
BAKERY_IBAN = ibans.example("NL", "ABNA", "0417164300")
BAR_IBAN = ibans.example("NL", "RABO", "0123456789")


def utc(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


def at(stack: Stack, when: str) -> None:
    """The next block is mined at ``when`` (UTC)."""
    stack.node.rpc("evm_setNextBlockTimestamp", utc(when))


def history(stack: Stack) -> None:
    """Three months of money, each step at a known time (UTC; Amsterdam is UTC+1 in winter):

    January:  budget 1,000.00 granted; Anna and Bram each earn 25.00 (payouts 50.00).
    February: at 00:30 on 1 February Amsterdam time (31 January 23:30 UTC) Anna pays the bakery
              20.00 and the bakery cashes out 15.00 (cash-out 1); 100.00 budget withdrawn; at
              23:30 on 28 February Amsterdam time Bram pays the bar 10.00, which cashes out 10.00
              (cash-out 2).
    March:    200.00 budget granted; Anna earns 30.00; the bakery cashes out 5.00 (cash-out 3).
    """
    wesh, store = stack.wesh, FolderStore(stack.content_dir)
    a = {name: stack.accounts[name].address for name in NAMES}
    for name, kind in (("bakery", "bakkerij"), ("bar", "café")):
        cid = put_document(
            store,
            merchant_document(
                name="Bakkerij Zon" if name == "bakery" else "Café Noord",
                kind=kind,
                street="Promenade 1",
                postcode="6411 JA",
                city="Heerlen",
                neighbourhood=1,
            ),
        )
        stack.send(wesh.register_merchant(a[name], cid), "admin")
    stack.send(wesh.register_citizens([a["anna"], a["bram"]], [1, 2]), "admin")
    at(stack, "2026-01-10T10:00:00")
    stack.send(wesh.grant_budget(1_000_00), "treasurer")

    def task(reward: int, slots: int) -> int:
        deadline = stack.now() + 60 * 86_400
        document = task_document(
            title="Zwerfafval prikken",
            description="Rond het plein",
            neighbourhood=1,
            street="Pancratiusplein",
            lat=50.888,
            lon=5.98,
            reward=reward,
            slots=slots,
            claim_deadline=deadline,
            claim_duration=7 * 86_400,
        )
        cid = put_document(store, document)
        stack.send(wesh.commission_task(cid, reward, slots, deadline, 7 * 86_400, 1), "admin")
        return wesh.counts()[2]

    def earn(task_id: int, who: str) -> None:
        stack.send(wesh.claim_task(task_id), who)
        stack.send(wesh.submit(task_id, f"bafkrei{who}{task_id}"), who)
        stack.send(wesh.approve_submission(task_id, a[who]), "reviewer")

    first = task(25_00, 2)
    earn(first, "anna")
    at(stack, "2026-01-20T10:00:00")
    earn(first, "bram")

    at(stack, "2026-01-31T23:30:00")
    stack.send(wesh.pay(a["bakery"], 20_00, b"BAK-1"), "anna")
    stack.send(wesh.redeem(15_00), "bakery")
    at(stack, "2026-02-10T10:00:00")
    stack.send(wesh.withdraw_budget(100_00), "treasurer")
    at(stack, "2026-02-28T22:30:00")
    stack.send(wesh.pay(a["bar"], 10_00, b"BAR-1"), "bram")
    stack.send(wesh.redeem(10_00), "bar")

    at(stack, "2026-03-10T10:00:00")
    stack.send(wesh.grant_budget(200_00), "treasurer")
    earn(task(30_00, 1), "anna")
    stack.send(wesh.redeem(5_00), "bakery")


# month, granted, withdrawn, payouts, requested, paid, outstanding, unpaid, liability (worked
# out by hand from the history above, in cents)
EXPECTED = [
    ("2026-01", 1_000_00, 0, 50_00, 0, 0, 50_00, 0, 50_00),
    ("2026-02", 0, 100_00, 0, 25_00, 0, 25_00, 25_00, 50_00),
    ("2026-03", 200_00, 0, 30_00, 5_00, 0, 50_00, 30_00, 80_00),
]
COLUMNS = [
    "month",
    "budget_granted",
    "budget_withdrawn",
    "payouts",
    "cashouts_requested",
    "cashouts_paid",
    "heitjes_outstanding",
    "cashouts_unpaid",
    "liability",
]


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def books(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    root = tmp_path_factory.mktemp("finance")
    pg: Postgres | None = None
    name = f"wesh_finance_{secrets.token_hex(4)}"
    if request.param == "postgresql":
        pg = request.getfixturevalue("pg_server")
        with psycopg.connect(pg.conninfo(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        database_url = pg.url(name)
    else:
        database_url = f"sqlite:///{root / 'wesh.db'}"
    node = anvil.start(timestamp=utc("2026-01-05T09:00:00"), extra=["--accounts", str(len(NAMES))])
    try:
        w3 = Web3(Web3.HTTPProvider(node.url))
        signers = dict(zip(NAMES, (UnlockedSigner(x) for x in w3.eth.accounts), strict=True))
        deployed = deploy(w3, signers["admin"], {signers[n].address: r for n, r in ROLES.items()})
        manifest = deployment.Deployment(
            network="finance-test",
            chain_id=w3.eth.chain_id,
            heitje=str(deployed.wesh.heitje.address),
            redemption=str(deployed.wesh.redemption.address),
            neighbourhood_desk=str(deployed.wesh.desk.address),
            start_block=deployed.block,
            deployer=signers["admin"].address,
            start_block_hash=w3.eth.get_block(deployed.block)["hash"].to_0x_hex(),
        )
        stack = Stack(
            node=node,
            w3=w3,
            wesh=deployed.wesh,
            manifest=manifest,
            manifest_path=deployment.save(manifest, root / "manifest.json"),
            database_url=database_url,
            content_dir=root / "content",
            accounts=signers,
        )
        history(stack)
        stack.sync()
        yield stack
    finally:
        node.stop()
        if pg is not None:
            with psycopg.connect(pg.conninfo(), autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def books_app(books: Stack) -> Any:
    return create_app(books.settings())


async def test_the_books_per_month_match_the_history(books_app: Any, books: Stack) -> None:
    treasurer = await signed_in(books_app, books, "treasurer")
    reply = await treasurer.get("/city/finance/months.csv")
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"].startswith("text/csv")
    assert "attachment" in reply.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(reply.text)))
    assert rows[0] == COLUMNS
    euros = [[month, *(f"{v // 100}.{v % 100:02d}" for v in values)] for month, *values in EXPECTED]
    assert rows[1:4] == euros
    # Every month after March up to this one: nothing moved, the city still owes 80.00.
    this_month = datetime.now(AMSTERDAM).strftime("%Y-%m")
    assert rows[-1][0] == this_month
    assert all(r[1:6] == ["0.00"] * 5 and r[6:] == ["50.00", "30.00", "80.00"] for r in rows[4:])
    as_json = (await treasurer.get("/city/finance/months")).json()
    assert [m["month"] for m in as_json] == [r[0] for r in rows[1:]]
    await treasurer.aclose()

    # Only the treasurer: the merchant manager is refused.
    manager = await signed_in(books_app, books, "admin")
    assert (await manager.get("/city/finance/months.csv")).status_code == 403
    assert (await manager.get("/city/payouts")).status_code == 403
    await manager.aclose()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=books_app), base_url=PUBLIC_URL
    ) as nobody:
        assert (await nobody.get("/city/finance/months")).status_code == 401


def send(stack: Stack, prepared: dict[str, Any]) -> None:
    """Sends a prepared call as its sender (an unlocked anvil account) and indexes it."""
    tx_hash = stack.w3.eth.send_transaction(
        {"from": prepared["from"], "to": prepared["to"], "data": prepared["data"]}
    )
    assert stack.w3.eth.wait_for_transaction_receipt(tx_hash)["status"] == 1
    stack.sync()


async def test_a_payout_file_pays_each_cash_out_once_and_marks_them_paid(
    books_app: Any, books: Stack
) -> None:
    manager = await signed_in(books_app, books, "admin")
    treasurer = await signed_in(books_app, books, "treasurer")
    shops = {s["name"]: s for s in (await manager.get("/city/merchants")).json()}
    bakery, bar = shops["Bakkerij Zon"]["merchant_id"], shops["Café Noord"]["merchant_id"]
    reply = await manager.put(f"/city/merchants/{bakery}/bank-account", json={"iban": BAKERY_IBAN})
    assert reply.status_code == 200, reply.text

    # The open cash-outs: the bakery's two are ready, the bar has no bank account yet.
    view = (await treasurer.get("/city/payouts")).json()
    assert [(c["redemption_id"], c["state"]) for c in view["open"]] == [
        (1, "ready"),
        (2, "no_bank_account"),
        (3, "ready"),
    ]
    assert view["files"] == []

    reply = await treasurer.post("/city/payout-files", json={})
    assert reply.status_code == 200, reply.text
    made = reply.json()
    first = made["file"]
    assert [x["redemption_id"] for x in made["left_out"]] == [2]
    assert made["left_out"][0]["shop"] == "Café Noord"
    assert (first["transfers"], first["total"], first["status"]) == (2, 20_00, "waiting")
    assert first["created_by"] == books.accounts["treasurer"].address

    # The file as downloaded: the schema-checked pain.001 file, the right amounts and account.
    reply = await treasurer.get(f"/city/payout-files/{first['file_id']}/xml")
    assert reply.status_code == 200
    assert reply.headers["content-type"].startswith("application/xml")
    assert f'filename="{first["message_id"]}.xml"' in reply.headers["content-disposition"]
    summary = sepa.check(reply.content)
    assert summary.message_id == first["message_id"]
    assert (summary.count, summary.total) == (2, 20_00)
    assert summary.end_to_end_ids == ("WESH-R1", "WESH-R3")
    assert BAKERY_IBAN in reply.text and '<InstdAmt Ccy="EUR">15.00</InstdAmt>' in reply.text
    assert '<InstdAmt Ccy="EUR">5.00</InstdAmt>' in reply.text

    # No cash-out twice: the only one left has no bank account; the filed ones are refused.
    reply = await treasurer.post("/city/payout-files", json={})
    assert (reply.status_code, reply.json()["code"]) == (409, "payout_no_bank_account")
    assert "Café Noord" in reply.json()["detail"]
    reply = await treasurer.post("/city/payout-files", json={"redemption_ids": [1]})
    assert (reply.status_code, reply.json()["code"]) == (409, "payout_already_filed")
    reply = await treasurer.post("/city/payout-files", json={"redemption_ids": [9]})
    assert (reply.status_code, reply.json()["code"]) == (409, "payout_not_open")
    # Nor by hand: a cash-out in a file is marked paid from the file (the bank may pay it).
    reply = await treasurer.post(
        "/city/redemptions/mark-paid", json={"redemption_ids": [3], "payment_reference": "X-1"}
    )
    assert (reply.status_code, reply.json()["code"]) == (409, "payout_already_filed")

    # The bar's account is added: a second file pays only its cash-out; made again (say the bank
    # refused it), the new file replaces it and the old one can no longer be marked paid.
    reply = await manager.put(f"/city/merchants/{bar}/bank-account", json={"iban": BAR_IBAN})
    assert reply.status_code == 200
    second = (await treasurer.post("/city/payout-files", json={})).json()["file"]
    assert [i["redemption_id"] for i in second["items"]] == [2]
    reply = await treasurer.post(f"/city/payout-files/{second['file_id']}/replace")
    assert reply.status_code == 200, reply.text
    third = reply.json()["file"]
    assert third["message_id"] != second["message_id"]
    assert sepa.check(
        (await treasurer.get(f"/city/payout-files/{third['file_id']}/xml")).content
    ).end_to_end_ids == ("WESH-R2",)
    reply = await treasurer.post(f"/city/payout-files/{second['file_id']}/mark-paid")
    assert (reply.status_code, reply.json()["code"]) == (409, "payout_file_replaced")
    reply = await treasurer.post(f"/city/payout-files/{second['file_id']}/replace")
    assert (reply.status_code, reply.json()["code"]) == (409, "payout_file_replaced")

    # The bank executed the first file (in April): marked paid with its message id.
    reply = await treasurer.post(f"/city/payout-files/{first['file_id']}/mark-paid")
    assert reply.status_code == 200, reply.text
    prepared = reply.json()
    assert prepared["from"] == books.accounts["treasurer"].address
    at(books, "2026-04-15T10:00:00")
    send(books, prepared)
    paid = (await treasurer.get(f"/city/payout-files/{first['file_id']}")).json()
    assert paid["status"] == "paid" and all(i["paid"] for i in paid["items"])
    redemptions = (await treasurer.get("/city/redemptions?status=paid")).json()
    assert {(r["redemption_id"], r["payment_reference"]) for r in redemptions} == {
        (1, first["message_id"]),
        (3, first["message_id"]),
    }
    reply = await treasurer.post(f"/city/payout-files/{first['file_id']}/mark-paid")
    assert (reply.status_code, reply.json()["code"]) == (409, "payout_file_paid")
    view = (await treasurer.get("/city/payouts")).json()
    assert [(c["redemption_id"], c["state"], c["file_id"]) for c in view["open"]] == [
        (2, "filed", third["file_id"])
    ]
    assert [(f["file_id"], f["status"]) for f in view["files"]] == [
        (third["file_id"], "waiting"),
        (second["file_id"], "replaced"),
        (first["file_id"], "paid"),
    ]
    # The books: 20.00 paid in April, 10.00 still to pay.
    months = {m["month"]: m for m in (await treasurer.get("/city/finance/months")).json()}
    assert (months["2026-04"]["cashouts_paid"], months["2026-04"]["cashouts_unpaid"]) == (
        20_00,
        10_00,
    )
    assert months["2026-04"]["liability"] == 60_00
    await manager.aclose()
    await treasurer.aclose()


async def test_the_quarterly_report_for_the_council_holds_the_books(
    books_app: Any, books: Stack
) -> None:
    """Issue #16 section 2: the quarter's PDF, read back with pypdf, holds the figures worked out
    by hand from the history above (January to March: 2026-Q1); two residents only, so every
    participation row is suppressed."""
    import re

    from pypdf import PdfReader

    from wesh.rules import DEFAULT_CATEGORY
    from wesh.task_categories import BY_KEY

    staff = await signed_in(books_app, books, "reviewer")
    reply = await staff.get("/city/report/quarterly.pdf", params={"quarter": "2026-Q1"})
    assert reply.status_code == 200, reply.text
    assert reply.headers["content-type"] == "application/pdf"
    assert "wesh-kwartaalrapportage-2026-Q1.pdf" in reply.headers["content-disposition"]
    pages = PdfReader(io.BytesIO(reply.content)).pages
    text = re.sub(r" +", " ", "\n".join(page.extract_text() for page in pages))
    for line in (
        "kwartaalrapportage 2026-Q1",
        "Budget toegekend € 1.200,00",
        "Budget teruggetrokken € 100,00",
        "Vastgezet voor nieuwe taken € 80,00",  # 2 x 25.00 and 1 x 30.00
        "Terug naar budget (taak gestopt of niet gedaan) € 0,00",
        "Uitbetaald aan bewoners (verdiend) € 80,00",
        "Besteed bij winkels € 30,00",  # the bakery 20.00 (1 February, Amsterdam) and the bar
        "Inwisselingen gevraagd door winkels € 30,00",
        "Inwisselingen betaald door de gemeente € 0,00",
        "Heitjes in omloop aan het eind € 50,00",
        "Inwisselingen nog te betalen aan het eind € 30,00",
        "Wat de gemeente verschuldigd is aan het eind € 80,00",
        "januari 2026 < 10 < 10 < 10",
        "februari 2026 0 0 € 0,00",
        "maart 2026 < 10 < 10 < 10",
        f"{BY_KEY[DEFAULT_CATEGORY].name_nl} < 10 < 10 < 10",
        "Centrum < 10 < 10 < 10",
        "Centrum € 30,00",  # both shops are in Centrum
    ):
        assert line in text, line

    # The next quarter counts only its own months: no budget granted, no shop paid.
    q2 = await staff.get("/city/report/quarterly.pdf", params={"quarter": "2026-Q2"})
    assert q2.status_code == 200
    q2_text = re.sub(r" +", " ", PdfReader(io.BytesIO(q2.content)).pages[0].extract_text())
    assert "Budget toegekend € 0,00" in q2_text
    assert "Geen betalingen bij winkels in dit kwartaal." in q2_text

    wrong = await staff.get("/city/report/quarterly.pdf", params={"quarter": "2026-4"})
    assert (wrong.status_code, wrong.json()["code"]) == (422, "report_quarter_invalid")
    assert wrong.headers["content-type"].startswith("application/problem+json")
    await staff.aclose()


async def test_the_quarterly_report_follows_the_statistics_threshold(books: Stack) -> None:
    """With WESH_STATISTICS_MIN_RESIDENTS at 2 the report hides rows of fewer than 2 residents
    and says "< 2": January (Anna and Bram: 2 tasks, 50.00) is shown, March (Anna alone) not."""
    import re

    from pypdf import PdfReader

    app = create_app(books.settings(statistics_min_residents=2))
    staff = await signed_in(app, books, "reviewer")
    reply = await staff.get("/city/report/quarterly.pdf", params={"quarter": "2026-Q1"})
    assert reply.status_code == 200, reply.text
    pages = PdfReader(io.BytesIO(reply.content)).pages
    text = re.sub(r"\s+", " ", "\n".join(page.extract_text() for page in pages))
    assert "minder dan 2 bewoners rust, toont '< 2'" in text
    assert "januari 2026 2 2 € 50,00" in text
    assert "maart 2026 < 2 < 2 < 2" in text
    assert "< 10" not in text
    await staff.aclose()


# Starlette's TestClient over httpx is what the brief asks for (an httpx.Client over the app).
@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient` is deprecated")
def test_the_quarterly_report_on_the_command_line(
    books_app: Any, books: Stack, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``ape run report quarterly --quarter 2026-Q1 --pdf ... --account TEST::2`` signs in to the
    API as the reviewer (anvil's dev account 2, which is ape's TEST::2) and writes the same
    report: the hand-worked 2026-Q1 figures read back from the file. The API is the real app,
    reached through Starlette's TestClient (an httpx.Client over ASGI) in place of the network.
    A quarter typo is refused before any request; a resident's account (TEST::3, Anna) is told
    it holds no city role; an API that does not answer is one line saying how to start it."""
    from click.testing import CliRunner
    from pypdf import PdfReader
    from starlette.testclient import TestClient

    from scripts import report

    urls: list[str] = []

    def app_client(url: str) -> httpx.Client:
        urls.append(url)
        return TestClient(books_app, base_url=url, headers={"Accept-Language": "en"})

    out = tmp_path / "q1.pdf"
    monkeypatch.setattr(report, "make_client", app_client)
    monkeypatch.setenv("WESH_API_URL", PUBLIC_URL)
    args = ["quarterly", "--quarter", "2026-Q1", "--pdf", str(out)]
    result = CliRunner().invoke(report.cli, [*args, "--account", "TEST::2"])
    assert result.exit_code == 0, result.output
    assert urls == [PUBLIC_URL]
    size = out.stat().st_size
    assert f"2026-Q1: the council's quarterly report from {PUBLIC_URL}, {size:,} bytes." in (
        result.output
    )
    text = " ".join(PdfReader(str(out)).pages[0].extract_text().split())
    assert "kwartaalrapportage 2026-Q1" in text
    assert "Budget toegekend € 1.200,00" in text
    assert "Uitbetaald aan bewoners (verdiend) € 80,00" in text
    assert "Besteed bij winkels € 30,00" in text
    assert "Wat de gemeente verschuldigd is aan het eind € 80,00" in text

    typo = tmp_path / "typo.pdf"
    wrong = CliRunner().invoke(
        report.cli, ["quarterly", "--quarter", "Q1", "--pdf", str(typo), "--account", "TEST::2"]
    )
    assert wrong.exit_code == 1 and "'Q1' is not a quarter: write it as 2026-Q4" in wrong.output
    assert urls == [PUBLIC_URL] and not typo.exists()  # refused before any request

    resident = CliRunner().invoke(report.cli, [*args[:-1], str(typo), "--account", "TEST::3"])
    assert resident.exit_code == 1, resident.output
    assert "Error: this account holds no city role that may read the report:" in resident.output
    assert "Sign in with a staff account: --account <alias>." in resident.output
    assert "Traceback" not in resident.output and not typo.exists()

    monkeypatch.undo()
    closed = f"http://127.0.0.1:{anvil.free_port()}"
    down = CliRunner().invoke(
        report.cli, [*args[:-1], str(typo), "--account", "TEST::2", "--api-url", closed]
    )
    assert down.exit_code == 1, down.output
    assert f"Error: the API at {closed} did not answer" in down.output
    assert "Start the API: make demo, or pass --api-url" in down.output
    assert len(down.output.strip().splitlines()) == 1 and not typo.exists()
