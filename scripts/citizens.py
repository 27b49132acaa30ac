"""Citizens: register from a CSV file, deactivate, reactivate, move to a new wallet; let a
neighbourhood association register residents of its own neighbourhoods.

    ape run citizens register citizens.csv --account registrar
    ape run citizens deactivate 0x... --account registrar
    ape run citizens move 0xOLD 0xNEW --account registrar      # a lost phone
    ape run citizens show 0x...
    ape run citizens grant-neighbourhood 0xGMS Schandelen --account registrar
    ape run citizens withdraw-neighbourhood 0xGMS Schandelen --account registrar

The CSV has two columns, ``address`` and ``neighbourhood`` (``adres`` and ``wijk`` work too;
commas or semicolons). The whole file is checked first, against the file and against the chain:
if any line is bad, every bad line is listed and nothing is sent. A clean file is sent in batches
(as many per transaction as the contract takes: wesh.rules.MAX_BATCH); wallets already
registered are skipped, so running the same file again after an interruption registers only what
is missing and never anyone twice.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from ape.cli import ConnectedProviderCommand, account_option

from scripts._common import (
    ADDRESS,
    Chain,
    ScriptError,
    connect,
    fails_cleanly,
    pairs,
    yes_option,
)
from wesh import neighbourhoods
from wesh.csv_rows import CitizenRow, InputFileError, RowError, batches, parse_citizens
from wesh.money import format_euros
from wesh.rules import MAX_BATCH


@click.group()
def cli() -> None:
    """Register, deactivate and move citizens."""


def plan(chain: Chain, rows: list[CitizenRow]) -> tuple[list[CitizenRow], list[str]]:
    """The rows still to register and notes on those skipped; ``InputFileError`` for conflicts."""
    todo: list[CitizenRow] = []
    notes: list[str] = []
    errors: list[RowError] = []
    for row in rows:
        view = chain.wesh.account(row.address)
        if view.moved:
            errors.append(
                RowError(row.line, f"{row.address} is a retired wallet (its citizen moved to a new "
                         "wallet); it cannot be registered again")
            )  # fmt: skip
        elif view.is_merchant:
            errors.append(RowError(row.line, f"{row.address} is registered as a merchant"))
        elif view.is_citizen:
            note = f"line {row.line}: {row.address} is registered already: skipped"
            if view.neighbourhood != row.neighbourhood:
                note += (
                    f" (registered in {neighbourhoods.name_of(view.neighbourhood)}, the file "
                    f"says {neighbourhoods.name_of(row.neighbourhood)}: see `citizens "
                    "set-neighbourhood`)"
                )
            notes.append(note)
        else:
            todo.append(row)
    if errors:
        raise InputFileError("the file", errors)
    return todo, notes


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--batch-size",
    type=click.IntRange(1, MAX_BATCH),
    default=MAX_BATCH,
    show_default=True,
    help="Citizens per transaction.",
)
@yes_option
@fails_cleanly
def register(provider: Any, account: Any, csv_file: Path, batch_size: int, yes: bool) -> None:
    """Register the citizens in CSV_FILE (address,neighbourhood)."""
    rows = parse_citizens(csv_file)
    chain = connect(provider)
    try:
        todo, notes = plan(chain, rows)
    except InputFileError as error:
        raise InputFileError(csv_file, error.errors) from None
    for note in notes:
        click.echo(f"  {note}")
    click.echo(
        f"{len(rows)} citizens in {csv_file}: {len(todo)} to register, "
        f"{len(rows) - len(todo)} already registered."
    )
    sender = chain.sender(account, yes)
    for batch in batches(todo, batch_size):
        span = f"line {batch[0].line}" + (f"-{batch[-1].line}" if len(batch) > 1 else "")
        sender.send(
            chain.wesh.register_citizens(
                [row.address for row in batch], [row.neighbourhood for row in batch]
            ),
            f"register {len(batch)} citizen(s) ({span})",
        )
    click.echo(f"Done: {len(todo)} registered, {len(rows) - len(todo)} skipped.")


def _citizen(chain: Chain, address: str) -> None:
    view = chain.wesh.account(address)
    if not view.is_citizen:
        state = "a retired wallet" if view.moved else "not a citizen"
        raise ScriptError(f"{address} is {state}: check the address (ape run citizens show ...)")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("address", type=ADDRESS)
@yes_option
@fails_cleanly
def deactivate(provider: Any, account: Any, address: str, yes: bool) -> None:
    """Stop ADDRESS from claiming new tasks (earned Heitjes stay theirs to spend)."""
    chain = connect(provider)
    _citizen(chain, address)
    if not chain.wesh.account(address).active:
        click.echo(f"{address} is inactive already: nothing sent.")
        return
    chain.sender(account, yes).send(chain.wesh.set_active(address, False), f"deactivate {address}")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("address", type=ADDRESS)
@yes_option
@fails_cleanly
def reactivate(provider: Any, account: Any, address: str, yes: bool) -> None:
    """Let a deactivated citizen claim tasks again."""
    chain = connect(provider)
    _citizen(chain, address)
    if chain.wesh.account(address).active:
        click.echo(f"{address} is active already: nothing sent.")
        return
    chain.sender(account, yes).send(chain.wesh.set_active(address, True), f"reactivate {address}")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("old_wallet", type=ADDRESS)
@click.argument("new_wallet", type=ADDRESS)
@yes_option
@fails_cleanly
def move(provider: Any, account: Any, old_wallet: str, new_wallet: str, yes: bool) -> None:
    """Move a citizen from OLD_WALLET to NEW_WALLET (balance, earnings and claims go along)."""
    chain = connect(provider)
    _citizen(chain, old_wallet)
    target = chain.wesh.account(new_wallet)
    if target.is_citizen or target.is_merchant or target.moved:
        raise ScriptError(f"{new_wallet} is already in use: the citizen needs a fresh wallet")
    view = chain.wesh.account(old_wallet)
    chain.sender(account, yes).send(
        chain.wesh.move_citizen(old_wallet, new_wallet),
        f"move citizen #{view.id} ({format_euros(view.balance)}) from {old_wallet} to {new_wallet}",
    )
    click.echo(f"Citizen #{view.id} now uses {new_wallet}; {old_wallet} is retired.")


@cli.command("set-neighbourhood", cls=ConnectedProviderCommand)
@account_option()
@click.argument("address", type=ADDRESS)
@click.argument("neighbourhood")
@yes_option
@fails_cleanly
def set_neighbourhood(
    provider: Any, account: Any, address: str, neighbourhood: str, yes: bool
) -> None:
    """Record that a citizen moved house to NEIGHBOURHOOD (name or code)."""
    hood = _neighbourhood(neighbourhood)
    chain = connect(provider)
    _citizen(chain, address)
    chain.sender(account, yes).send(
        chain.wesh.set_citizen_neighbourhood(address, hood.code),
        f"set the neighbourhood of {address} to {hood.name}",
    )


def _neighbourhood(text: str) -> neighbourhoods.Neighbourhood:
    try:
        return neighbourhoods.lookup(text)
    except neighbourhoods.UnknownNeighbourhood as error:
        raise ScriptError(str(error)) from None


def _with_desk(chain: Chain) -> None:
    if not chain.wesh.has_desk:
        raise ScriptError(
            f"this deployment has no neighbourhood desk ({chain.manifest}): run `ape run deploy "
            "contracts --account <admin>` again to add it"
        )


@cli.command("grant-neighbourhood", cls=ConnectedProviderCommand)
@account_option()
@click.argument("association", type=ADDRESS)
@click.argument("neighbourhood")
@yes_option
@fails_cleanly
def grant_neighbourhood(
    provider: Any, account: Any, association: str, neighbourhood: str, yes: bool
) -> None:
    """Let ASSOCIATION (a neighbourhood association's account, such as GMS's) register residents
    of NEIGHBOURHOOD (name or code) through the neighbourhood desk. Only there: it cannot move a
    resident's account or change anything else."""
    hood = _neighbourhood(neighbourhood)
    chain = connect(provider)
    _with_desk(chain)
    if chain.wesh.is_granted(association, hood.code):
        click.echo(f"{association} registers residents of {hood.name} already: nothing sent.")
        return
    chain.sender(account, yes).send(
        chain.wesh.grant_neighbourhood(association, hood.code),
        f"let association {association} register residents of {hood.name} ({hood.code})",
    )
    count = chain.wesh.neighbourhood_count(association)
    click.echo(
        f"{association} may now register residents of {hood.name} "
        f"({count} neighbourhood(s) in all)."
    )


@cli.command("withdraw-neighbourhood", cls=ConnectedProviderCommand)
@account_option()
@click.argument("association", type=ADDRESS)
@click.argument("neighbourhood")
@yes_option
@fails_cleanly
def withdraw_neighbourhood(
    provider: Any, account: Any, association: str, neighbourhood: str, yes: bool
) -> None:
    """Stop ASSOCIATION registering residents of NEIGHBOURHOOD. The residents it registered
    there stay registered."""
    hood = _neighbourhood(neighbourhood)
    chain = connect(provider)
    _with_desk(chain)
    if not chain.wesh.is_granted(association, hood.code):
        click.echo(f"{association} does not register residents of {hood.name}: nothing sent.")
        return
    chain.sender(account, yes).send(
        chain.wesh.withdraw_neighbourhood(association, hood.code),
        f"stop association {association} registering residents of {hood.name} ({hood.code})",
    )
    count = chain.wesh.neighbourhood_count(association)
    click.echo(
        f"{association} no longer registers residents of {hood.name} "
        f"({count} neighbourhood(s) left)."
    )


@cli.command(cls=ConnectedProviderCommand)
@click.argument("address", type=ADDRESS)
@fails_cleanly
def show(provider: Any, address: str) -> None:
    """What the contract knows of ADDRESS."""
    chain = connect(provider)
    view = chain.wesh.account(address)
    caps = chain.wesh.caps()
    if view.moved:
        click.echo(f"{address} is a retired wallet: its citizen moved to a new one.")
        return
    if not view.is_citizen:
        click.echo(f"{address} is not a registered citizen.")
        return
    left = caps.yearly - view.earned_year - view.reserved
    click.echo(
        pairs(
            [
                ("citizen id", f"#{view.id}"),
                ("neighbourhood", neighbourhoods.name_of(view.neighbourhood)),
                ("active", "yes" if view.active else "no"),
                ("balance", format_euros(view.balance)),
                ("earned this year", format_euros(view.earned_year)),
                ("reserved by open claims", f"{format_euros(view.reserved)} "
                 f"({view.open_claims} claim(s))"),
                ("still to earn this year", format_euros(left)),
            ]
        )
    )  # fmt: skip
