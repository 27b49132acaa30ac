"""The city's relayer: what it has and spends, funding it, and its daily limits (docs/relayer.md).

    ape run relayer status
    ape run relayer fund 5 --account treasurer      # 5 of the native token (xDAI) to the relayer
    ape run relayer quota                           # the limits in force
    ape run relayer quota citizen 20                # requests per citizen per day
    ape run relayer quota budget 2.5                # native token per day for all fees
    ape run relayer quota 0x1234...abcd 100         # one signer's requests per day
    ape run relayer quota citizen --reset           # back to the setting

The relayer's journal lives in the indexer's database and its key is configured as for
``python -m relayer`` (``WESH_DATABASE_URL``, ``WESH_RELAYER_*``); this script needs only the
key's address, never its password. A changed limit counts at once: the API reads the journal on
every request.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

import click
from ape.cli import ConnectedProviderCommand, account_option
from eth_utils import to_checksum_address

from relayer import journal, key
from relayer.settings import RelayerSettings
from relayer.status import status as relayer_status
from scripts._common import ScriptError, connect, fails_cleanly, pairs, table, yes_option
from wesh.csv_rows import parse_address

WEI = 10**18
ROLES = ("citizen", "merchant", "staff")


def native(wei: int | str | None) -> str:
    """Wei as the native token, e.g. ``1.25 xDAI``."""
    if wei is None:
        return "unknown (the node did not answer)"
    amount = (Decimal(int(wei)) / WEI).normalize()
    return f"{amount:f} xDAI"


def parse_native(text: str) -> int:
    """``2.5`` (the native token) as wei."""
    try:
        amount = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ScriptError(f"{text!r} is not an amount: write it like 2.5") from None
    wei = amount * WEI
    if wei < 0 or wei != wei.to_integral_value():
        raise ScriptError(f"{text!r} is not an amount of at most 18 decimals above zero")
    return int(wei)


def relayer_of(chain_id: int) -> tuple[RelayerSettings, journal.Journal, str]:
    """The settings, the journal (its tables made if missing) and the relayer's address."""
    settings = RelayerSettings()
    try:
        address = key.address_of(settings, chain_id)
    except key.KeyProblem as problem:
        raise ScriptError(str(problem)) from None
    return settings, journal.open_journal(settings.database_url), address


@click.group()
def cli() -> None:
    """The city's relayer: its balance and spending, funding, daily limits."""


@cli.command(cls=ConnectedProviderCommand)
@fails_cleanly
def status(provider: Any) -> None:
    """The relayer's balance, spending, days left and today's requests."""
    chain = connect(provider)
    settings, book, address = relayer_of(chain.deployment.chain_id)
    figures = relayer_status(settings, book.engine, chain.w3, address)
    today = ", ".join(f"{n} {state}" for state, n in figures.requests_today.items() if n)
    click.echo(
        pairs(
            [
                ("relayer", figures.relayer),
                ("offered by the API", "yes" if figures.enabled else "no (WESH_RELAYER_ENABLED)"),
                ("balance", native(figures.balance_wei)),
                ("spent today", native(figures.spent_today_wei)),
                ("budget per day", native(figures.budget_per_day_wei)),
                ("spent in 7 days", native(figures.spent_7_days_wei)),
                (
                    "days left at that rate",
                    "-" if figures.days_left is None else f"{figures.days_left:g}",
                ),
                ("requests today", today or "none"),
                ("waiting / in flight", f"{figures.queue} / {figures.in_flight}"),
                ("last sent", figures.last_sent_tx or "-"),
            ]
        )
    )


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("amount")
@yes_option
@fails_cleanly
def fund(provider: Any, account: Any, amount: str, yes: bool) -> None:
    """Send AMOUNT of the native token (xDAI) from ACCOUNT to the relayer."""
    chain = connect(provider)
    wei = parse_native(amount)
    if wei == 0:
        raise ScriptError("the amount must be more than zero")
    chain.sender(account, yes)  # refuses anvil's public test accounts off the dev chain
    _settings, _journal, address = relayer_of(chain.deployment.chain_id)
    summary = f"send {native(wei)} to the relayer {address}"
    if not yes and not click.confirm(f"{summary}\n  from {account.address}. Send?", default=False):
        raise ScriptError("not sent")
    receipt = account.transfer(address, wei)
    click.echo(f"  sent: {summary}\n        tx {receipt.txn_hash}")
    click.echo(f"Balance now: {native(chain.w3.eth.get_balance(to_checksum_address(address)))}")


@cli.command(cls=ConnectedProviderCommand)
@click.argument("subject", required=False)
@click.argument("value", required=False)
@click.option("--reset", is_flag=True, help="Remove SUBJECT's override (back to the setting).")
@fails_cleanly
def quota(provider: Any, subject: str | None, value: str | None, reset: bool) -> None:
    """Show the daily limits, or set SUBJECT's: citizen, merchant, staff (requests per signer
    per day), budget (native token per day), or a signer's address (its requests per day)."""
    chain = connect(provider)
    settings, book, _address = relayer_of(chain.deployment.chain_id)
    if subject is not None:
        key_name = _subject(subject)
        if reset:
            book.set_override(key_name, None)
        elif value is None:
            raise ScriptError(f"give {subject}'s new limit, or --reset")
        else:
            book.set_override(key_name, _limit(key_name, value))
    overrides = book.overrides()
    rows: list[list[object]] = []
    for role in ROLES:
        now = overrides.get(role)
        rows.append([role, "requests/day", settings.quota(role), "-" if now is None else now])
    budget = overrides.get("budget")
    rows.append(
        [
            "budget",
            "xDAI/day",
            native(settings.budget_per_day_wei),
            "-" if budget is None else native(budget),
        ]
    )
    for name, limit in sorted(overrides.items()):
        if name.startswith("signer:"):
            rows.append([name.removeprefix("signer:"), "requests/day", "-", limit])
    click.echo(table(["limit", "unit", "setting", "override"], rows))


def _subject(subject: str) -> str:
    if subject in (*ROLES, "budget"):
        return subject
    try:
        return f"signer:{parse_address(subject).lower()}"
    except ValueError:
        raise ScriptError(
            f"{subject!r} is none of citizen, merchant, staff, budget or a signer's address"
        ) from None


def _limit(subject: str, value: str) -> int:
    if subject == "budget":
        return parse_native(value)
    if not value.isdigit():
        raise ScriptError(f"{value!r} is not a number of requests per day")
    return int(value)
