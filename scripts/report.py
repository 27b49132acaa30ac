"""Reports: the city's books, the annual earnings statement per citizen, the council's quarter.

    ape run report summary [--csv books.csv]
    ape run report earnings --year 2026 [--csv earnings-2026.csv]
    ape run report quarterly --quarter 2026-Q4 --pdf report.pdf --account <staff> [--api-url URL]

``summary``: budget granted and available, escrow committed to tasks, paid out, Heitjes
outstanding (the city's euro liability) and cash-outs still to pay, straight from the contracts.
``earnings``: what each citizen earned in a calendar year (Europe/Amsterdam), the statement the
tax and benefit offices ask for. Citizens appear as citizen id and wallet; the city joins these
to names in its own register. Both cross-check against the contracts' own totals.
``quarterly``: the council's quarterly report as a PDF (Dutch; ``wesh.quarterly``), fetched
from the running API (``GET /city/report/quarterly.pdf``, signed in with a staff member's
``--account``; scripts/_api.py): its figures join the index with the treasurer's books and the
liveability ratings, which belong to the API, so the script asks it rather than importing it.
Needs the API running (``make demo``, or ``--api-url``/``WESH_API_URL``); no chain connection.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import httpx
from ape.cli import ConnectedProviderCommand, account_option

from scripts._api import API_URL_ENV, DEFAULT_API_URL, make_client, problem_detail, request, sign_in
from scripts._api import api_url as api_url_of
from scripts._common import ScriptError, connect, fails_cleanly, table
from wesh.money import format_euros
from wesh.report import earnings, earnings_csv, ledger_csv, ledger_lines
from wesh.rules import AMSTERDAM

if TYPE_CHECKING:
    from ape.api import AccountAPI


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


def fetch_quarterly(client: httpx.Client, account: AccountAPI, quarter: str) -> bytes:
    """The PDF of ``quarter`` (``2026-Q4``) from the API behind ``client``, signed in as
    ``account``."""
    token = sign_in(client, account)
    answer = request(
        client,
        "GET",
        "/city/report/quarterly.pdf",
        params={"quarter": quarter},
        headers={"Authorization": f"Bearer {token}"},
    )
    if answer.status_code in (401, 403):
        raise ScriptError(
            f"this account holds no city role that may read the report: "
            f"{problem_detail(answer)} Sign in with a staff account: --account <alias>."
        )
    if answer.status_code != 200:
        raise ScriptError(f"the API did not make the report: {problem_detail(answer)}")
    if not answer.headers.get("content-type", "").startswith("application/pdf"):
        raise ScriptError(f"the API at {client.base_url} answered without a PDF; check --api-url")
    return answer.content


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
    "--api-url",
    default=None,
    help=f"The running WESH API (default: {API_URL_ENV}, else {DEFAULT_API_URL}).",
)
@account_option()
def quarterly_report(
    quarter: str, pdf_file: Path, api_url: str | None, account: AccountAPI
) -> None:
    """The council's quarterly report as a PDF, from the running API (signs in as a staff
    member with --account)."""
    from wesh.quarterly import Quarter, QuarterInvalid  # fpdf: only this command lays out PDFs

    try:
        period = Quarter.parse(quarter)
    except QuarterInvalid:
        raise ScriptError(f"{quarter!r} is not a quarter: write it as 2026-Q4") from None
    url = api_url_of(api_url)
    client = make_client(url)
    try:
        data = fetch_quarterly(client, account, period.label)
    finally:
        client.close()
    pdf_file.write_bytes(data)
    click.echo(f"{period.label}: the council's quarterly report from {url}, {len(data):,} bytes.")
    click.echo(f"Wrote {pdf_file}")
