"""Budget: what the city has made available for task rewards.

    ape run budget show
    ape run budget grant 5000 --account treasurer          # euros
    ape run budget withdraw 1000 --account treasurer

Commissioning a task locks reward x slots of the available budget; what is locked can only go to
approved work or back to the budget. Only budget not committed to tasks can be withdrawn.
"""

from __future__ import annotations

from typing import Any

import click
from ape.cli import ConnectedProviderCommand, account_option

from scripts._common import EUROS, ScriptError, connect, fails_cleanly, pairs, yes_option
from wesh.money import format_euros


@click.group()
def cli() -> None:
    """Grant, withdraw and show the task budget."""


@cli.command(cls=ConnectedProviderCommand)
@fails_cleanly
def show(provider: Any) -> None:
    """Budget granted, available, and committed to tasks."""
    chain = connect(provider)
    ledger = chain.wesh.ledger()
    click.echo(
        pairs(
            [
                ("granted", format_euros(ledger.budget_granted)),
                ("available for new tasks", format_euros(ledger.budget_available)),
                ("committed to tasks (escrow)", format_euros(ledger.escrow_locked)),
                ("paid out for approved work", format_euros(ledger.total_minted)),
            ]
        )
    )


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("amount", type=EUROS)
@yes_option
@fails_cleanly
def grant(provider: Any, account: Any, amount: int, yes: bool) -> None:
    """Add AMOUNT euros to the budget."""
    if amount <= 0:
        raise ScriptError("the amount must be more than zero")
    chain = connect(provider)
    chain.sender(account, yes).send(
        chain.wesh.grant_budget(amount), f"grant {format_euros(amount)} of budget"
    )
    click.echo(f"Available now: {format_euros(chain.wesh.ledger().budget_available)}")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("amount", type=EUROS)
@yes_option
@fails_cleanly
def withdraw(provider: Any, account: Any, amount: int, yes: bool) -> None:
    """Take AMOUNT euros of uncommitted budget back."""
    chain = connect(provider)
    available = chain.wesh.ledger().budget_available
    if not 0 < amount <= available:
        raise ScriptError(
            f"{format_euros(amount)} cannot be withdrawn: {format_euros(available)} is available "
            "(budget committed to tasks stays until the tasks end)"
        )
    chain.sender(account, yes).send(
        chain.wesh.withdraw_budget(amount), f"withdraw {format_euros(amount)} of budget"
    )
    click.echo(f"Available now: {format_euros(chain.wesh.ledger().budget_available)}")
