"""`ape run budget`: grant, show and withdraw the task budget."""

from __future__ import annotations

from scripts_support import REVIEWER, TREASURER, City, alias


def test_grant_show_and_withdraw(deployed: City) -> None:
    output = deployed.ape("budget", "grant", "1250,50", "--account", alias(TREASURER), "--yes")
    assert "grant € 1.250,50 of budget" in output and "tx 0x" in output
    ledger = deployed.wesh.ledger()
    assert ledger.budget_granted == ledger.budget_available == 125_050
    (granted,) = deployed.events("BudgetGranted")
    assert granted["args"]["amount"] == 125_050

    deployed.commission(("Bankje schilderen", "25", 2))
    show = deployed.ape("budget", "show")
    assert "€ 1.250,50" in show and "€ 1.200,50" in show and "€ 50,00" in show

    too_much = deployed.ape("budget", "withdraw", "1201", "--account", alias(TREASURER), "--yes",
                            expect=1)  # fmt: skip
    assert "€ 1.200,50 is available" in too_much
    deployed.ape("budget", "withdraw", "200.50", "--account", alias(TREASURER), "--yes")
    assert deployed.wesh.ledger().budget_available == 100_000


def test_bad_amounts_and_roles(deployed: City) -> None:
    nonce = deployed.nonce(TREASURER)
    for amount in ("12.345", "1.500,00", "ten", "0"):
        output = deployed.ape("budget", "grant", amount, "--account", alias(TREASURER), "--yes",
                              expect=1 if amount == "0" else 2)  # fmt: skip
        assert "Error" in output
    assert deployed.nonce(TREASURER) == nonce
    output = deployed.ape("budget", "grant", "10", "--account", alias(REVIEWER), "--yes", expect=1)
    assert "only a treasurer may do this" in output
