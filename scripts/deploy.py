"""Deploy WESH to a network (or find it there), grant the initial roles, write the manifest.

    ape run deploy contracts --network ethereum:local:foundry --account TEST::0 \\
        --registrar 0x... --reviewer 0x... --treasurer 0x...
    ape run deploy contracts --network gnosis:mainnet:node --account city-deployer \\
        --roles-file roles.yaml --admin 0x<multisig>
    ape run deploy status --network gnosis:mainnet:node

Running ``contracts`` again on a network that has a deployment changes nothing: it finds the
manifest, checks the contracts are there, and grants only roles still missing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
import yaml
from ape.cli import ConnectedProviderCommand, account_option

from scripts._common import (
    ADDRESS,
    EUROS,
    ApeSender,
    ScriptError,
    connect,
    fails_cleanly,
    network_name,
    pairs,
    table,
    yes_option,
)
from wesh.csv_rows import parse_address
from wesh.money import format_euros
from wesh.provision import ensure_deployment, parse_roles, role_names
from wesh.rules import DEFAULT_MONTHLY_CAP, DEFAULT_YEARLY_CAP, Role

ROLE_OPTIONS = {
    "registrar": Role.REGISTRAR,
    "merchant_manager": Role.MERCHANT_MANAGER,
    "task_manager": Role.TASK_MANAGER,
    "reviewer": Role.REVIEWER,
    "treasurer": Role.TREASURER,
}


@click.group()
def cli() -> None:
    """Deploy WESH to a network, or show the deployment there."""


def read_roles_file(path: Path) -> dict[str, Role]:
    """``role: [address, ...]`` (YAML) -> address -> role bits; errors name the bad entry."""
    try:
        # BaseLoader keeps every value a string: YAML 1.1 would read an unquoted 0x... address
        # as a hexadecimal number.
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    except yaml.YAMLError as error:
        raise ScriptError(f"{path} is not valid YAML: {error}") from None
    if not isinstance(data, dict):
        raise ScriptError(f"{path}: expected `role: [addresses]` entries, e.g. reviewer: [0x...]")
    roles: dict[str, Role] = {}
    problems = []
    for key, addresses in data.items():
        try:
            role = parse_roles(str(key))
        except ValueError as error:
            problems.append(str(error))
            continue
        for text in addresses if isinstance(addresses, list) else [addresses]:
            try:
                address = parse_address(str(text))
            except ValueError as error:
                problems.append(f"{key}: {error}")
                continue
            roles[address] = roles.get(address, Role(0)) | role
    if problems:
        raise ScriptError(f"{path}: " + "; ".join(problems) + ". Nothing was sent.")
    return roles


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.option(
    "--admin",
    type=ADDRESS,
    help="The final admin (a multisig in production). "
    "Default: the deploying account. When set, the deployer hands ADMIN over to it.",
)
@click.option("--registrar", type=ADDRESS, multiple=True, help="Registers citizens (repeatable).")
@click.option("--merchant-manager", type=ADDRESS, multiple=True, help="Onboards merchants.")
@click.option("--task-manager", type=ADDRESS, multiple=True, help="Commissions tasks.")
@click.option("--reviewer", type=ADDRESS, multiple=True, help="Reviews submitted work.")
@click.option("--treasurer", type=ADDRESS, multiple=True, help="Budget and cash-outs.")
@click.option(
    "--roles-file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="YAML file of `role: [addresses]` to grant.",
)
@click.option(
    "--yearly-cap",
    type=EUROS,
    default=str(DEFAULT_YEARLY_CAP // 100),
    show_default=True,
    help="Most a citizen may earn per calendar year, in euros.",
)
@click.option(
    "--monthly-cap",
    type=EUROS,
    default=str(DEFAULT_MONTHLY_CAP // 100),
    show_default=True,
    help="Most a citizen may earn per month (0: no monthly cap).",
)
@click.option(
    "--confirmations",
    type=int,
    default=None,
    help="Blocks the indexer trails the head by (default 0 on the dev chain, else 12).",
)
@yes_option
@fails_cleanly
def contracts(
    provider: Any,
    account: Any,
    admin: str | None,
    roles_file: Path | None,
    yearly_cap: int,
    monthly_cap: int,
    confirmations: int | None,
    yes: bool,
    **role_options: tuple[str, ...],
) -> None:
    """Deploy Heitje and Redemption (or find them), grant roles, write the manifest."""
    roles = read_roles_file(roles_file) if roles_file else {}
    for option, role in ROLE_OPTIONS.items():
        for address in role_options.get(option, ()):
            roles[address] = roles.get(address, Role(0)) | role
    network = network_name(provider)
    sender = ApeSender(account, provider, yes=yes)
    click.echo(f"WESH on {network} (chain id {provider.chain_id}), sending as {sender.address}")
    result = ensure_deployment(
        provider.web3,
        sender,
        network=network,
        roles=roles,
        admin=admin,
        yearly_cap=yearly_cap,
        monthly_cap=monthly_cap,
        confirmations=confirmations,
        log=lambda note: click.echo(f"  {note}"),
    )
    d = result.deployment
    click.echo(
        pairs(
            [
                ("Heitje", d.heitje),
                ("Redemption", d.redemption),
                ("chain id", d.chain_id),
                ("deployment block", d.start_block),
                ("manifest", result.path),
            ]
        )
    )
    if not result.changed:
        click.echo("Nothing changed: the deployment and every requested role were there already.")
    else:
        click.echo(
            f"Done: {'deployed, ' if result.created else ''}{len(result.granted)} role(s) granted"
            + (", admin handed over" if result.revoked else "")
            + "."
        )


@cli.command(cls=ConnectedProviderCommand)
@fails_cleanly
def status(provider: Any) -> None:
    """Show the deployment on this network: addresses, roles, caps and money totals."""
    chain = connect(provider)
    d = chain.deployment
    caps = chain.wesh.caps()
    ledger = chain.wesh.ledger()
    citizens, merchants, tasks = chain.wesh.counts()
    click.echo(f"WESH on {chain.network} (chain id {d.chain_id})")
    click.echo(
        pairs(
            [
                ("Heitje", d.heitje),
                ("Redemption", d.redemption),
                ("deployment block", d.start_block),
                ("manifest", chain.manifest),
                ("yearly cap", format_euros(caps.yearly)),
                ("monthly cap", format_euros(caps.monthly) if caps.monthly else "none"),
                ("citizens / merchants / tasks", f"{citizens} / {merchants} / {tasks}"),
                ("Heitjes outstanding", format_euros(ledger.total_supply)),
                ("paused", "yes" if ledger.paused else "no"),
            ]
        )
    )
    holders = chain.history.role_holders()
    rows = [[a, role_names(r)] for a, r in holders.items() if r]
    click.echo("\nRoles:\n" + table(["account", "roles"], rows))
