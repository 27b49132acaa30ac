"""Merchants: register shops, bars and cultural organisations from a CSV file; update what they
show; deactivate; list.

    ape run merchants register merchants.csv --account merchant-manager
    ape run merchants update merchants.csv --account merchant-manager
    ape run merchants deactivate 0x... --account merchant-manager
    ape run merchants move OLD_WALLET NEW_WALLET --account merchant-manager
    ape run merchants list

The CSV holds what a shop shows on its door (columns ``address, name, kind, street, postcode,
neighbourhood`` and optionally ``city, lat, lon, website, opening_hours``). Each shop's public
document goes to the content store and only its CID goes on chain. IBANs do not belong in this file:
they stay in the city's bank-accounts file used by ``redemptions sepa``. As for citizens, the whole
file is checked first and a rerun skips shops already registered. ``update`` takes the same file for
shops that moved, were renamed or have a new website: it publishes each changed document and points
the shop's wallet at it; shops whose document is unchanged are skipped. ``move`` moves a shop that
lost its key to a new wallet: its balance, id and details go along, open cash-outs are still paid to
its bank account, and the old wallet is retired.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from ape.cli import ConnectedProviderCommand, account_option

from scripts._common import ADDRESS, ScriptError, connect, fails_cleanly, table, yes_option
from wesh import neighbourhoods
from wesh.csv_rows import InputFileError, RowError, parse_merchants
from wesh.metadata import get_document, put_document, title_of
from wesh.money import format_euros


@click.group()
def cli() -> None:
    """Register, update, deactivate and list merchants."""


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@yes_option
@fails_cleanly
def register(provider: Any, account: Any, csv_file: Path, yes: bool) -> None:
    """Register the merchants in CSV_FILE."""
    rows = parse_merchants(csv_file)
    chain = connect(provider)
    todo = []
    errors = []
    for row in rows:
        view = chain.wesh.account(row.address)
        if view.is_merchant:
            click.echo(
                f"  line {row.line}: {row.name} ({row.address}) is registered already: skipped"
            )
        elif view.is_citizen:
            errors.append(RowError(row.line, f"{row.address} is a citizen's wallet, not a shop's"))
        elif view.moved:
            errors.append(RowError(row.line, f"{row.address} is a retired wallet (moved)"))
        else:
            todo.append(row)
    if errors:
        raise InputFileError(csv_file, errors)
    click.echo(f"{len(rows)} merchants in {csv_file}: {len(todo)} to register.")
    sender = chain.sender(account, yes)
    for row in todo:
        cid = put_document(chain.store, row.document())
        sender.send(
            chain.wesh.register_merchant(row.address, cid),
            f"register {row.name} ({row.kind}, {row.street}) at {row.address}, document {cid}",
        )
    click.echo(f"Done: {len(todo)} registered, {len(rows) - len(todo)} skipped.")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("csv_file", type=click.Path(dir_okay=False, path_type=Path))
@yes_option
@fails_cleanly
def update(provider: Any, account: Any, csv_file: Path, yes: bool) -> None:
    """Update what the registered merchants in CSV_FILE show (name, address, kind, website)."""
    rows = parse_merchants(csv_file)
    chain = connect(provider)
    current = {m.address.lower(): m.metadata_cid for m in chain.history.merchants()}
    errors = [
        RowError(row.line, f"{row.address} is not a registered merchant: register it first")
        for row in rows
        if row.address.lower() not in current
    ]
    if errors:
        raise InputFileError(csv_file, errors)
    sender = chain.sender(account, yes)
    changed = 0
    for row in rows:
        cid = put_document(chain.store, row.document())
        if cid == current[row.address.lower()]:
            click.echo(f"  line {row.line}: {row.name} ({row.address}) is unchanged: skipped")
            continue
        sender.send(
            chain.wesh.update_merchant(row.address, cid),
            f"update {row.name} ({row.kind}, {row.street}) at {row.address}, document {cid}",
        )
        changed += 1
    click.echo(f"Done: {changed} updated, {len(rows) - changed} unchanged.")


def _set_active(provider: Any, account: Any, address: str, active: bool, yes: bool) -> None:
    chain = connect(provider)
    view = chain.wesh.account(address)
    if not view.is_merchant:
        raise ScriptError(f"{address} is not a registered merchant (see merchants list)")
    if view.active == active:
        click.echo(f"{address} is {'active' if active else 'inactive'} already: nothing sent.")
        return
    verb = "reactivate" if active else "deactivate"
    chain.sender(account, yes).send(chain.wesh.set_active(address, active), f"{verb} {address}")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("address", type=ADDRESS)
@yes_option
@fails_cleanly
def deactivate(provider: Any, account: Any, address: str, yes: bool) -> None:
    """Stop payments to ADDRESS (it can still refund and cash in what it holds)."""
    _set_active(provider, account, address, False, yes)


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("address", type=ADDRESS)
@yes_option
@fails_cleanly
def reactivate(provider: Any, account: Any, address: str, yes: bool) -> None:
    """Accept payments to ADDRESS again."""
    _set_active(provider, account, address, True, yes)


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("old_wallet", type=ADDRESS)
@click.argument("new_wallet", type=ADDRESS)
@yes_option
@fails_cleanly
def move(provider: Any, account: Any, old_wallet: str, new_wallet: str, yes: bool) -> None:
    """Move a shop from OLD_WALLET to NEW_WALLET (a lost key: balance, id and details go along)."""
    chain = connect(provider)
    view = chain.wesh.account(old_wallet)
    if not view.is_merchant:
        state = "a retired wallet" if view.moved else "not a registered merchant"
        raise ScriptError(f"{old_wallet} is {state}: check the address (see merchants list)")
    target = chain.wesh.account(new_wallet)
    if target.is_citizen or target.is_merchant or target.moved:
        raise ScriptError(f"{new_wallet} is already in use: the shop needs a fresh wallet")
    chain.sender(account, yes).send(
        chain.wesh.move_merchant(old_wallet, new_wallet),
        f"move shop #{view.id} ({format_euros(view.balance)}) from {old_wallet} to {new_wallet}",
    )
    click.echo(f"Shop #{view.id} now uses {new_wallet}; {old_wallet} is retired.")


@cli.command("list", cls=ConnectedProviderCommand)
@fails_cleanly
def list_merchants(provider: Any) -> None:
    """Every registered merchant with its name, neighbourhood and balance."""
    chain = connect(provider)
    rows = []
    for merchant in chain.history.merchants():
        document = get_document(chain.store, merchant.metadata_cid)
        hood = document.get("neighbourhood", 0) if document else 0
        rows.append(
            [
                merchant.merchant_id,
                title_of(document, merchant.metadata_cid),
                neighbourhoods.name_of(int(hood)) if hood else "-",
                merchant.address,
                "yes" if merchant.active else "no",
                format_euros(chain.wesh.balance_of(merchant.address)),
            ]
        )
    click.echo(table(["id", "name", "neighbourhood", "address", "active", "balance"], rows))
