"""Who may do what: grant, revoke and list the six city roles.

    ape run roles list --network gnosis:mainnet:node
    ape run roles grant 0x... reviewer --account city-admin
    ape run roles grant 0x... registrar,merchant-manager --account city-admin
    ape run roles revoke 0x... reviewer --account city-admin

Roles: admin, registrar, merchant-manager, task-manager, reviewer, treasurer. Only an admin grants
and revokes; the last admin can never be revoked. In production the admin is a multisig: then run
these with ``--yes`` from a signer the multisig controls, or submit the printed call through it.
"""

from __future__ import annotations

from typing import Any

import click
from ape.cli import ConnectedProviderCommand, account_option

from scripts._common import ADDRESS, ScriptError, connect, fails_cleanly, table, yes_option
from wesh.provision import parse_roles, role_names
from wesh.rules import Role


@click.group()
def cli() -> None:
    """Grant, revoke and list roles."""


def _roles(text: str) -> Role:
    try:
        return parse_roles(text)
    except ValueError as error:
        raise ScriptError(str(error)) from None


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("address", type=ADDRESS)
@click.argument("roles")
@yes_option
@fails_cleanly
def grant(provider: Any, account: Any, address: str, roles: str, yes: bool) -> None:
    """Grant ROLES (comma-separated) to ADDRESS."""
    chain = connect(provider)
    wanted = _roles(roles)
    held = chain.wesh.roles_of(address)
    sender = chain.sender(account, yes)
    for role in Role:
        if role in wanted and role in held:
            click.echo(f"  {address} already holds {role_names(role)}: skipped")
        elif role in wanted:
            sender.send(
                chain.wesh.grant_role(address, role), f"grant {role_names(role)} to {address}"
            )
    click.echo(f"{address} now holds: {role_names(chain.wesh.roles_of(address))}")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("address", type=ADDRESS)
@click.argument("roles")
@yes_option
@fails_cleanly
def revoke(provider: Any, account: Any, address: str, roles: str, yes: bool) -> None:
    """Revoke ROLES (comma-separated) from ADDRESS."""
    chain = connect(provider)
    unwanted = _roles(roles)
    held = chain.wesh.roles_of(address)
    sender = chain.sender(account, yes)
    for role in Role:
        if role in unwanted and role not in held:
            click.echo(f"  {address} does not hold {role_names(role)}: skipped")
        elif role in unwanted:
            summary = f"revoke {role_names(role)} from {address}"
            sender.send(chain.wesh.revoke_role(address, role), summary)
    click.echo(f"{address} now holds: {role_names(chain.wesh.roles_of(address))}")


@cli.command("list", cls=ConnectedProviderCommand)
@fails_cleanly
def list_roles(provider: Any) -> None:
    """Every account holding a role now."""
    chain = connect(provider)
    rows = [[a, role_names(r)] for a, r in chain.history.role_holders().items() if r]
    click.echo(table(["account", "roles"], rows))
