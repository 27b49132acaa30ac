"""`ape run report`: the books and the annual earnings statement equal the contracts' ledger."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from scripts_support import CITIZENS, EVIDENCE, MERCHANTS, TASK_MANAGER, City

from wesh.rules import AMSTERDAM


def _csv(path_text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path_text)))


def test_summary_equals_the_ledger(deployed: City) -> None:
    deployed.register_citizens(*CITIZENS[:2])
    deployed.register_merchants(MERCHANTS[0])
    deployed.grant_budget(300)
    tasks = deployed.commission(("Bankje schilderen", "25", 2), ("Bladeren ruimen", "12.50", 4))
    for citizen in CITIZENS[:2]:
        deployed.claim_and_submit(citizen, tasks[0], EVIDENCE)
    deployed.approve_all([(tasks[0], CITIZENS[0]), (tasks[0], CITIZENS[1])])
    deployed.act(TASK_MANAGER, deployed.wesh.cancel_task(tasks[1]))
    wesh = deployed.wesh
    deployed.act(CITIZENS[0], wesh.pay(deployed.accounts[MERCHANTS[0]], 1800, b"R"))
    deployed.act(MERCHANTS[0], wesh.redeem(1500))

    out = deployed.folder / "books.csv"
    output = deployed.ape("report", "summary", "--csv", str(out))

    ledger = wesh.ledger()
    requested, paid = wesh.redemption_totals()
    figures = {row["item"]: round(float(row["eur"]) * 100) for row in _csv(out.read_text())}
    assert figures == {
        "budget_granted": ledger.budget_granted,
        "budget_available": ledger.budget_available,
        "escrow_locked": ledger.escrow_locked,
        "total_minted": ledger.total_minted,
        "total_burned": ledger.total_burned,
        "outstanding": ledger.total_supply,
        "redemption_requested": requested,
        "redemption_paid": paid,
        "redemption_owed": requested - paid,
    }
    assert figures["budget_granted"] == 30_000 and figures["total_minted"] == 5_000
    assert figures["escrow_locked"] == 0 and figures["outstanding"] == 3_500
    assert "€ 35,00" in output and "granted = available + escrow + paid out: OK" in output


def test_annual_earnings_statement(deployed: City) -> None:
    deployed.register_citizens(*CITIZENS[:3])
    deployed.grant_budget(1000)
    tasks = deployed.commission(
        ("Bankje schilderen", "25", 3), ("Stickers verwijderen", "12.50", 3),
        ("Onkruid wieden", "15", 3), days=500,
    )  # fmt: skip
    wesh = deployed.wesh
    for citizen in CITIZENS[:2]:
        deployed.claim_and_submit(citizen, tasks[0], EVIDENCE)
    deployed.claim_and_submit(CITIZENS[0], tasks[1], EVIDENCE)
    deployed.approve_all(
        [(tasks[0], CITIZENS[0]), (tasks[0], CITIZENS[1]), (tasks[1], CITIZENS[0])]
    )
    this_year = datetime.fromtimestamp(deployed.now(), AMSTERDAM).year

    # New Year in Heerlen: 1 January, 00:30 Amsterdam time.
    new_year = datetime(this_year + 1, 1, 1, 0, 30, tzinfo=AMSTERDAM)
    deployed.node.rpc("evm_setNextBlockTimestamp", int(new_year.timestamp()))
    deployed.node.rpc("evm_mine")
    deployed.claim_and_submit(CITIZENS[0], tasks[2], EVIDENCE)
    deployed.claim_and_submit(CITIZENS[2], tasks[2], EVIDENCE)
    deployed.approve_all([(tasks[2], CITIZENS[0]), (tasks[2], CITIZENS[2])])

    out = deployed.folder / "earnings.csv"
    output = deployed.ape("report", "earnings", "--year", str(this_year), "--csv", str(out))
    rows = _csv(out.read_text())
    anouk, bram, chantal = (deployed.accounts[c] for c in CITIZENS[:3])
    assert [(r["wallet"], r["tasks"], r["earned_eur"]) for r in rows] == [
        (anouk, "2", "37.50"), (bram, "1", "25.00")]  # fmt: skip
    assert all(r["year"] == str(this_year) and r["neighbourhood"] == "Schandelen" for r in rows)
    assert f"{this_year}: 2 citizen(s) earned € 62,50" in output
    assert "paid out by the contract € 92,50: OK" in output

    next_year = deployed.ape("report", "earnings", "--year", str(this_year + 1))
    assert "2 citizen(s) earned € 30,00" in next_year and chantal in next_year
    # The contract's own yearly counter (what the cap checks) agrees with the statement.
    assert wesh.account(anouk).earned_year == 1500 and wesh.account(chantal).earned_year == 1500
    default = deployed.ape("report", "earnings")  # this year on the chain's clock
    assert f"{this_year + 1}: 2 citizen(s)" in default
