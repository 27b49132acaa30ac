"""Reports: the city's books, and the annual earnings statement per citizen.

    ape run report summary [--csv books.csv]
    ape run report earnings --year 2026 [--csv earnings-2026.csv]

``summary``: budget granted and available, escrow committed to tasks, paid out, Heitjes
outstanding (the city's euro liability) and cash-outs still to pay, straight from the contracts.
``earnings``: what each citizen earned in a calendar year (Europe/Amsterdam), the statement the
tax and benefit offices ask for. Citizens appear as citizen id and wallet; the city joins these
to names in its own register. Both cross-check against the contracts' own totals.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click
from ape.cli import ConnectedProviderCommand

from scripts._common import connect, fails_cleanly, table
from wesh.money import format_euros
from wesh.report import earnings, earnings_csv, ledger_csv, ledger_lines
from wesh.rules import AMSTERDAM


@click.group()
def cli() -> None:
    """The city's books and the annual earnings statement."""


@cli.command(cls=ConnectedProviderCommand)
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the figures to this CSV file.",
)
@fails_cleanly
def summary(provider: Any, csv_file: Path | None) -> None:
    """Budget, escrow, Heitjes outstanding and cash-outs."""
    chain = connect(provider)
    ledger = chain.wesh.ledger()
    requested, paid = chain.wesh.redemption_totals()
    lines = ledger_lines(ledger, requested, paid)
    citizens, merchants, tasks = chain.wesh.counts()
    click.echo(f"WESH on {chain.network}, block {chain.w3.eth.block_number}: "
               f"{citizens} citizens, {merchants} merchants, {tasks} tasks")  # fmt: skip
    click.echo(table(["", "euro"], [[line.label, format_euros(line.cents)] for line in lines]))
    balanced = ledger.budget_granted == (
        ledger.budget_available + ledger.escrow_locked + ledger.total_minted
    )
    click.echo(
        "Check: granted = available + escrow + paid out: "
        + ("OK" if balanced else "MISMATCH - report this to the WESH maintainers")
    )
    if csv_file:
        csv_file.write_text(ledger_csv(lines), encoding="utf-8")
        click.echo(f"Wrote {csv_file}")


@cli.command("earnings", cls=ConnectedProviderCommand)
@click.option("--year", type=int, default=None, help="Calendar year (default: this year).")
@click.option(
    "--csv",
    "csv_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the statement to this CSV file.",
)
@fails_cleanly
def earnings_report(provider: Any, year: int | None, csv_file: Path | None) -> None:
    """What each citizen earned in a year: the annual statement."""
    chain = connect(provider)
    year = year or datetime.fromtimestamp(chain.now(), AMSTERDAM).year
    payouts = chain.history.payouts()
    rows = earnings(
        payouts, year, chain.history.citizen_wallets(), chain.history.citizen_neighbourhoods()
    )
    total = sum(r.earned for r in rows)
    if rows:
        click.echo(
            table(
                ["citizen", "wallet", "neighbourhood", "tasks", "earned"],
                [
                    [
                        f"#{r.citizen_id}",
                        r.wallet,
                        r.neighbourhood_name,
                        r.tasks,
                        format_euros(r.earned),
                    ]
                    for r in rows
                ],
            )
        )
    click.echo(f"{year}: {len(rows)} citizen(s) earned {format_euros(total)} in total.")
    all_years = sum(p.amount for p in payouts)
    minted = chain.wesh.ledger().total_minted
    click.echo(
        f"Check: all payouts ever {format_euros(all_years)} = paid out by the contract "
        f"{format_euros(minted)}: " + ("OK" if all_years == minted else "MISMATCH")
    )
    if csv_file:
        csv_file.write_text(earnings_csv(rows, year), encoding="utf-8")
        click.echo(f"Wrote {csv_file}")
