"""The admin's parameters: the earnings caps of a coming year, the open-claims limit, pausing.

    ape run parameters show
    ape run parameters caps 1500 --monthly 250 --account city-admin     # euros, from next 1 January
    ape run parameters open-claims 3 --account city-admin
    ape run parameters pause --account city-admin
    ape run parameters unpause --account city-admin

Caps change only from 1 January of next year (Europe/Amsterdam), as the volunteer allowance
they follow does. Lowering a cap needs WESH paused (in an earlier transaction; the contract checks
that): while paused no claim can be made, so ``caps`` checks every citizen's open reservations
and nothing can change between that check and ``set_caps``. A claim made now may be paid after
1 January, and a citizen whose open claims already reserve more than the new cap could then
earn more than it in that year. The contract cannot see that (it would have to visit every
citizen), so the script refuses, names the citizen and says what to do. Raising a cap needs no
pause and no check. A second ``caps`` before 1 January replaces the scheduled change; the
confirmation shows the change it replaces. Only an admin may change parameters; in production the
admin is a multisig (see ``ape run roles``): pause in one transaction, then run ``caps``.
"""

from __future__ import annotations

from typing import Any

import click
from ape.cli import ConnectedProviderCommand, account_option

from scripts._common import EUROS, Chain, ScriptError, connect, fails_cleanly, pairs, yes_option
from wesh.money import format_euros
from wesh.rules import MAX_CAP, MAX_OPEN_CLAIMS


@click.group()
def cli() -> None:
    """Show and change the earnings caps, the open-claims limit and the pause."""


@cli.command(cls=ConnectedProviderCommand)
@fails_cleanly
def show(provider: Any) -> None:
    """The caps in force, the caps scheduled, the open-claims limit, and whether paused."""
    chain = connect(provider)
    caps = chain.wesh.caps()
    year, _ = chain.wesh.period()
    rows = [
        (f"yearly cap {year}", format_euros(caps.yearly)),
        (f"monthly cap {year}", format_euros(caps.monthly) if caps.monthly else "none"),
    ]
    if caps.next_from_year:
        monthly = format_euros(caps.next_monthly) if caps.next_monthly else "none"
        rows.append(
            (
                f"from 1 January {caps.next_from_year}",
                f"yearly {format_euros(caps.next_yearly)}, monthly {monthly}",
            )
        )
    rows += [
        ("open claims per citizen", str(caps.max_open_claims)),
        ("paused", "yes" if chain.wesh.ledger().paused else "no"),
    ]
    click.echo(pairs(rows))


def largest_reservation(chain: Chain) -> tuple[int, int, str]:
    """(reserved, citizen id, wallet) of the citizen whose open claims reserve the most."""
    largest = (0, 0, "")
    for citizen_id, wallet in sorted(chain.history.citizen_wallets().items()):
        reserved = chain.wesh.account(wallet).reserved
        if reserved > largest[0]:
            largest = (reserved, citizen_id, str(wallet))
    return largest


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("yearly", type=EUROS)
@click.option("--monthly", type=EUROS, default="0", help="monthly cap in euros (0: none)")
@click.option("--from-year", type=int, help="first year of the new caps (only next year)")
@yes_option
@fails_cleanly
def caps(
    provider: Any, account: Any, yearly: int, monthly: int, from_year: int | None, yes: bool
) -> None:
    """Schedule a YEARLY cap in euros (and a monthly one) from 1 January of next year."""
    chain = connect(provider)
    year, _ = chain.wesh.period()
    from_year = year + 1 if from_year is None else from_year
    if from_year != year + 1:
        raise ScriptError(
            f"caps change only from 1 January of next year: --from-year {year + 1} "
            "(or leave it out)"
        )
    if not 0 < yearly <= MAX_CAP:
        raise ScriptError(f"the yearly cap must be more than 0 and at most {format_euros(MAX_CAP)}")
    if monthly > yearly:
        raise ScriptError("the monthly cap cannot be more than the yearly cap")
    now = chain.wesh.caps()
    lowering = yearly < now.yearly or (monthly != 0 and (now.monthly == 0 or monthly < now.monthly))
    if not lowering:
        reserved, citizen_id, wallet = 0, 0, ""
    elif not chain.wesh.ledger().paused:
        raise ScriptError(
            "a lower cap needs WESH paused first, so that no claim can be made between the check "
            "of every open reservation and the new cap. Next: ape run parameters pause, then run "
            "this command again, then ape run parameters unpause"
        )
    else:
        reserved, citizen_id, wallet = largest_reservation(chain)
    binding = min(yearly, monthly) if monthly else yearly
    if reserved > binding:
        which = "monthly" if monthly and monthly < yearly else "yearly"
        raise ScriptError(
            f"citizen {citizen_id} ({wallet}) has {format_euros(reserved)} reserved for open "
            f"claims, more than the new {which} cap of {format_euros(binding)}: those claims may "
            f"be paid after 1 January {from_year} and take the citizen over it. Next: choose a "
            f"cap of at least {format_euros(reserved)}, or schedule it once those claims are "
            "paid or released (ape run review waiting)"
        )
    monthly_text = f", monthly {format_euros(monthly)}" if monthly else ", no monthly cap"
    replaces = ""
    if now.next_from_year:
        pending = format_euros(now.next_monthly) if now.next_monthly else "none"
        replaces = (
            f" (replaces the change scheduled for {now.next_from_year}: yearly "
            f"{format_euros(now.next_yearly)}, monthly {pending})"
        )
    chain.sender(account, yes).send(
        chain.wesh.set_caps(yearly, monthly, from_year),
        f"caps from 1 January {from_year}: yearly {format_euros(yearly)}{monthly_text}{replaces}",
    )
    click.echo(
        f"Scheduled. Largest open reservation now: {format_euros(reserved)}"
        + (f" (citizen {citizen_id})" if citizen_id else "")
    )


@cli.command(
    "open-claims",
    cls=ConnectedProviderCommand,
    help=f"How many claims a citizen may hold open at once (1 to {MAX_OPEN_CLAIMS}).",
)
@account_option()
@click.argument("limit", type=int)
@yes_option
@fails_cleanly
def open_claims(provider: Any, account: Any, limit: int, yes: bool) -> None:
    if not 0 < limit <= MAX_OPEN_CLAIMS:
        raise ScriptError(f"the limit must be 1 to {MAX_OPEN_CLAIMS}")
    chain = connect(provider)
    if chain.wesh.caps().max_open_claims == limit:
        click.echo(f"The limit is {limit} already: nothing sent")
        return
    chain.sender(account, yes).send(
        chain.wesh.set_max_open_claims(limit), f"open claims per citizen: {limit}"
    )


def _pause(provider: Any, account: Any, paused: bool, yes: bool) -> None:
    chain = connect(provider)
    word = "paused" if paused else "running"
    if chain.wesh.ledger().paused == paused:
        click.echo(f"WESH is {word} already: nothing sent")
        return
    chain.sender(account, yes).send(
        chain.wesh.set_paused(paused), "pause WESH" if paused else "unpause WESH"
    )
    click.echo(f"WESH is {word} now")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@yes_option
@fails_cleanly
def pause(provider: Any, account: Any, yes: bool) -> None:
    """Stop registrations, tasks, claims, reviews, budget changes and new cash-outs (payments
    at shops, refunds and marking cash-outs paid go on: nothing leaves the loop meanwhile)."""
    _pause(provider, account, True, yes)


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@yes_option
@fails_cleanly
def unpause(provider: Any, account: Any, yes: bool) -> None:
    """Let everything run again."""
    _pause(provider, account, False, yes)
