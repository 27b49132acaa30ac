"""Reports: the city's books, the annual earnings statement per citizen, the council's quarter.

    ape run report summary [--csv books.csv]
    ape run report earnings --year 2026 [--csv earnings-2026.csv]
    ape run report quarterly --quarter 2026-Q4 --pdf report.pdf

``summary``: budget granted and available, escrow committed to tasks, paid out, Heitjes
outstanding (the city's euro liability) and cash-outs still to pay, straight from the contracts.
``earnings``: what each citizen earned in a calendar year (Europe/Amsterdam), the statement the
tax and benefit offices ask for. Citizens appear as citizen id and wallet; the city joins these
to names in its own register. Both cross-check against the contracts' own totals.
``quarterly``: the council's quarterly report as a PDF (Dutch; ``wesh.quarterly``), from the
index's database (``WESH_DATABASE_URL``, as the API reads it): the same figures as
``GET /city/report/quarterly.pdf``. Only reads; no network connection needed.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click
from ape.cli import ConnectedProviderCommand
from sqlalchemy import exc as sa_exc

from scripts._common import ScriptError, connect, fails_cleanly, table
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


@cli.command("quarterly")
@click.option("--quarter", required=True, help="The quarter, e.g. 2026-Q4.")
@click.option(
    "--pdf",
    "pdf_file",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the report to this PDF file.",
)
@click.option(
    "--database-url",
    default=None,
    help="The index's database (default: WESH_DATABASE_URL, as the API reads it).",
)
def quarterly_report(quarter: str, pdf_file: Path, database_url: str | None) -> None:
    """The council's quarterly report as a PDF (reads the index)."""
    from api.app import content_store
    from api.merchants.service import MerchantService
    from api.report.service import quarter_figures, shop_areas
    from api.settings import ApiSettings
    from indexer.db import make_engine
    from wesh import quarterly

    try:
        period = quarterly.Quarter.parse(quarter)
    except quarterly.QuarterInvalid:
        raise ScriptError(f"{quarter!r} is not a quarter: write it as 2026-Q4") from None
    settings = ApiSettings()
    engine = make_engine(database_url or settings.database_url)
    try:
        shops = MerchantService(engine, content_store(settings)).merchants(False)
        figures = quarter_figures(
            engine,
            period,
            shop_areas([(m.merchant_id, m.document) for m in shops]),
            min_people=settings.statistics_min_residents,
        )
        data = quarterly.render(figures)
    except quarterly.FontMissing as error:
        raise ScriptError(str(error)) from None
    except sa_exc.OperationalError as error:
        raise ScriptError(
            f"cannot read the index at {engine.url!r} ({error.orig}); run the indexer first "
            "or pass --database-url"
        ) from None
    finally:
        engine.dispose()
    pdf_file.write_bytes(data)
    m = figures.money
    click.echo(
        f"{period.label}: paid to residents {format_euros(m.payouts)}, spent at shops "
        f"{format_euros(m.spending)}, cash-outs paid {format_euros(m.cashouts_paid)}."
    )
    click.echo(f"Wrote {pdf_file}")
