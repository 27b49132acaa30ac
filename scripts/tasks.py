"""Tasks: commission from a YAML or CSV file, list, cancel.

    ape run tasks commission tasks.yaml --account task-manager
    ape run tasks list [--all]
    ape run tasks cancel 7 --account task-manager

Each task's title, description and location go into a public document (its CID goes on chain);
reward x slots of the budget is locked in escrow when the task is commissioned. The whole file is
checked first (see wesh/task_files.py for the fields); a task whose document is already on chain
is skipped, so a rerun after an interruption commissions nothing twice.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click
from ape.cli import ConnectedProviderCommand, account_option
from web3.logs import DISCARD

from scripts._common import ScriptError, connect, fails_cleanly, table, yes_option
from wesh import neighbourhoods
from wesh.metadata import cid_of, encode, get_document, put_document, title_of
from wesh.money import format_euros
from wesh.rules import AMSTERDAM, TaskStatus
from wesh.task_files import describe_duration, parse_tasks
from wesh.task_terms import task_notes


@click.group()
def cli() -> None:
    """Commission, list and cancel tasks."""


def _when(timestamp: int) -> str:
    return datetime.fromtimestamp(timestamp, AMSTERDAM).strftime("%Y-%m-%d %H:%M")


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("task_file", type=click.Path(dir_okay=False, path_type=Path))
@yes_option
@fails_cleanly
def commission(provider: Any, account: Any, task_file: Path, yes: bool) -> None:
    """Commission the tasks in TASK_FILE (.yaml or .csv)."""
    chain = connect(provider)
    tasks = parse_tasks(task_file, now=chain.now())
    existing = chain.history.task_ids_by_cid()
    todo = []
    for task in tasks:
        cid = cid_of(encode(task.document))
        if cid in existing:
            click.echo(
                f"  line {task.line}: '{task.title}' is task {existing[cid]} already: skipped"
            )
        else:
            todo.append(task)
    cost = sum(task.cost for task in todo)
    available = chain.wesh.ledger().budget_available
    if cost > available:
        raise ScriptError(
            f"these {len(todo)} tasks lock {format_euros(cost)} but only {format_euros(available)} "
            f"of budget is available; nothing was sent. Ask the treasurer: ape run budget grant "
            f"{(cost - available + 99) // 100} --network {chain.network}"
        )
    click.echo(f"{len(tasks)} tasks in {task_file}: {len(todo)} to commission, "
               f"locking {format_euros(cost)} of {format_euros(available)} available.")  # fmt: skip
    for task in todo:
        for note in task_notes(task.terms):
            click.echo(f"  line {task.line}: '{task.title}': {note}")
    sender = chain.sender(account, yes)
    for task in todo:
        cid = put_document(chain.store, task.document)
        receipt = sender.send(
            chain.wesh.commission_task(
                cid,
                task.reward,
                task.slots,
                task.claim_deadline,
                task.claim_duration,
                task.neighbourhood,
            ),
            f"commission '{task.title}' in {neighbourhoods.name_of(task.neighbourhood)}: "
            f"{task.slots} x {format_euros(task.reward)}, claim by {_when(task.claim_deadline)}, "
            f"{describe_duration(task.claim_duration)} to do it",
        )
        events = chain.wesh.heitje.events.TaskCommissioned().process_receipt(receipt, DISCARD)
        if events:
            click.echo(f"        task id {events[0]['args']['task_id']}, document {cid}")
    click.echo(f"Done: {len(todo)} commissioned, {len(tasks) - len(todo)} skipped.")


@cli.command("list", cls=ConnectedProviderCommand)
@click.option("--all", "show_all", is_flag=True, help="Include cancelled and closed tasks.")
@fails_cleanly
def list_tasks(provider: Any, show_all: bool) -> None:
    """Tasks open for claims (or every task with --all)."""
    chain = connect(provider)
    rows = []
    for task in chain.history.tasks():
        if not show_all and task.status != TaskStatus.OPEN:
            continue
        document = get_document(chain.store, task.metadata_cid)
        rows.append(
            [
                task.task_id,
                title_of(document, task.metadata_cid)[:48],
                neighbourhoods.name_of(task.neighbourhood),
                format_euros(task.reward),
                f"{task.slots_open}/{task.slots}",
                _when(task.claim_deadline),
                task.status.name.lower(),
            ]
        )
    if not rows:
        click.echo("No tasks" + ("." if show_all else " open for claims (try --all)."))
        return
    headers = ["id", "title", "neighbourhood", "reward", "open", "claim by", "status"]
    click.echo(table(headers, rows))


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("task_id", type=click.IntRange(min=1))
@yes_option
@fails_cleanly
def cancel(provider: Any, account: Any, task_id: int, yes: bool) -> None:
    """Cancel TASK_ID: unclaimed slots go back to the budget; claimed work can still be paid."""
    chain = connect(provider)
    task = chain.wesh.task(task_id)
    if task.status == TaskStatus.NONE:
        raise ScriptError(f"there is no task {task_id} (see tasks list --all)")
    if task.status != TaskStatus.OPEN:
        click.echo(f"Task {task_id} is {task.status.name.lower()} already: nothing sent.")
        return
    returned = task.reward * task.slots_open
    chain.sender(account, yes).send(
        chain.wesh.cancel_task(task_id),
        f"cancel task {task_id}: {format_euros(returned)} back to the budget",
    )
