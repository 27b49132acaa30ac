"""Review: list the submissions waiting, approve or reject them, approve in batches, decide appeals.

    ape run review list
    ape run review approve 3 0xCITIZEN --account reviewer
    ape run review reject 3 0xCITIZEN --reason photos --account reviewer
    ape run review approve-batch --task 3 --task 4 --account reviewer
    ape run review decide-appeal 3 0xCITIZEN --deny --reason location --account reviewer2
    ape run review reasons

A citizen is given by wallet address or by citizen id (``#12`` or ``12``). Rejections carry a
reason code (``review reasons`` lists them with the Dutch and English texts the citizen reads);
the citizen may resubmit or appeal. An appeal is decided by a reviewer other than the one who
rejected.
"""

from __future__ import annotations

from typing import Any

import click
from ape.cli import ConnectedProviderCommand, account_option

from scripts._common import Chain, ScriptError, connect, fails_cleanly, table, yes_option
from wesh import reasons
from wesh.csv_rows import batches, parse_address
from wesh.history import Submission
from wesh.metadata import get_document, title_of
from wesh.money import format_euros
from wesh.rules import MAX_BATCH, ClaimStatus


@click.group()
def cli() -> None:
    """Review submitted work."""


def _citizen(chain: Chain, text: str) -> str:
    """A wallet address from an address or a citizen id."""
    key = text.strip().lstrip("#")
    if key.isdigit():
        wallet = chain.history.citizen_wallets().get(int(key))
        if wallet is None:
            raise ScriptError(f"there is no citizen #{key}")
        return wallet
    try:
        return str(parse_address(text))
    except ValueError as error:
        raise ScriptError(f"{error}: give the citizen's wallet address or citizen id") from None


def _reason(text: str) -> reasons.Reason:
    try:
        return reasons.lookup(text)
    except reasons.UnknownReason as error:
        raise ScriptError(str(error)) from None


def _waiting(chain: Chain, task_id: int, citizen: str) -> ClaimStatus:
    view = chain.wesh.account(citizen)
    if not view.is_citizen:
        raise ScriptError(f"{citizen} is not a citizen")
    return chain.wesh.claim(task_id, view.id).status


def _titles(chain: Chain) -> dict[int, str]:
    return {
        task.task_id: title_of(get_document(chain.store, task.metadata_cid), f"task {task.task_id}")
        for task in chain.history.tasks()
    }


@cli.command("list", cls=ConnectedProviderCommand)
@fails_cleanly
def list_waiting(provider: Any) -> None:
    """Submissions waiting for a reviewer (evidence submitted, or an appeal filed)."""
    chain = connect(provider)
    waiting = chain.history.waiting_submissions()
    if not waiting:
        click.echo("Nothing waiting for review.")
        return
    titles = _titles(chain)
    rows = [
        [
            s.task_id,
            titles.get(s.task_id, "")[:40],
            f"#{s.citizen_id}",
            s.citizen,
            format_euros(s.reward),
            "appeal" if s.status == ClaimStatus.APPEALED else "submitted",
            s.evidence_cid,
        ]
        for s in waiting
    ]
    headers = ["task", "title", "citizen", "wallet", "reward", "waiting", "evidence"]
    click.echo(table(headers, rows))


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("task_id", type=click.IntRange(min=1))
@click.argument("citizen")
@yes_option
@fails_cleanly
def approve(provider: Any, account: Any, task_id: int, citizen: str, yes: bool) -> None:
    """Approve the work of CITIZEN on TASK_ID and pay the reward."""
    chain = connect(provider)
    wallet = _citizen(chain, citizen)
    status = _waiting(chain, task_id, wallet)
    if status != ClaimStatus.SUBMITTED:
        raise ScriptError(
            f"task {task_id} has no submission of {wallet} waiting (its claim is "
            f"{status.name.lower()}); see review list"
        )
    reward = chain.wesh.claim(task_id, chain.wesh.account(wallet).id).reward
    chain.sender(account, yes).send(
        chain.wesh.approve_submission(task_id, wallet),
        f"approve task {task_id} by {wallet}: pay {format_euros(reward)}",
    )


@cli.command(cls=ConnectedProviderCommand)
@account_option()
@click.argument("task_id", type=click.IntRange(min=1))
@click.argument("citizen")
@click.option(
    "--reason", "reason_text", required=True, help="Reason key or code (see `review reasons`)."
)
@yes_option
@fails_cleanly
def reject(
    provider: Any, account: Any, task_id: int, citizen: str, reason_text: str, yes: bool
) -> None:
    """Reject the work of CITIZEN on TASK_ID with a reason; they may resubmit or appeal."""
    reason = _reason(reason_text)
    chain = connect(provider)
    wallet = _citizen(chain, citizen)
    status = _waiting(chain, task_id, wallet)
    if status != ClaimStatus.SUBMITTED:
        raise ScriptError(f"task {task_id} has no submission of {wallet} waiting; see review list")
    chain.sender(account, yes).send(
        chain.wesh.reject_submission(task_id, wallet, reason.code),
        f"reject task {task_id} by {wallet}: reason {reason.code} ({reason.key}) - {reason.nl}",
    )


@cli.command(
    "approve-batch",
    cls=ConnectedProviderCommand,
    help=f"Approve waiting submissions in batches of up to {MAX_BATCH} (one transaction per "
    "batch).",
)
@account_option()
@click.option(
    "--task",
    "task_ids",
    type=int,
    multiple=True,
    help="Only submissions for this task (repeatable).",
)
@click.option("--all", "approve_all", is_flag=True, help="Every submission waiting.")
@yes_option
@fails_cleanly
def approve_batch(
    provider: Any, account: Any, task_ids: tuple[int, ...], approve_all: bool, yes: bool
) -> None:
    if not task_ids and not approve_all:
        raise ScriptError("say which: --task ID (repeatable) or --all")
    chain = connect(provider)
    sender = chain.sender(account, yes)
    chosen: list[Submission] = []
    for s in chain.history.waiting_submissions():
        if s.status != ClaimStatus.SUBMITTED or (task_ids and s.task_id not in task_ids):
            continue
        if s.citizen == sender.address:
            click.echo(f"  task {s.task_id}: your own work; another reviewer must approve it")
            continue
        chosen.append(s)
    if not chosen:
        click.echo("Nothing to approve.")
        return
    total = sum(s.reward for s in chosen)
    click.echo(f"{len(chosen)} submission(s) to approve, paying {format_euros(total)} in total.")
    for batch in batches(chosen, MAX_BATCH):
        items = [(s.task_id, s.citizen) for s in batch]
        listed = ", ".join(f"{s.task_id}/#{s.citizen_id}" for s in batch[:6])
        more = f" and {len(batch) - 6} more" if len(batch) > 6 else ""
        sender.send(
            chain.wesh.approve_submissions(items),
            f"approve {len(batch)} submission(s) (task/citizen {listed}{more}): pay "
            f"{format_euros(sum(s.reward for s in batch))}",
        )
    click.echo(f"Done: {len(chosen)} approved.")


@cli.command("decide-appeal", cls=ConnectedProviderCommand)
@account_option()
@click.argument("task_id", type=click.IntRange(min=1))
@click.argument("citizen")
@click.option("--grant/--deny", required=True, help="Grant (pay) or deny the appeal.")
@click.option("--reason", "reason_text", help="Reason key or code when denying.")
@yes_option
@fails_cleanly
def decide_appeal(
    provider: Any,
    account: Any,
    task_id: int,
    citizen: str,
    grant: bool,
    reason_text: str | None,
    yes: bool,
) -> None:
    """Decide an appeal as a second reviewer."""
    if not grant and not reason_text:
        raise ScriptError("denying an appeal needs --reason (see `review reasons`)")
    code = _reason(reason_text).code if reason_text else 0
    chain = connect(provider)
    wallet = _citizen(chain, citizen)
    if _waiting(chain, task_id, wallet) != ClaimStatus.APPEALED:
        raise ScriptError(f"no appeal of {wallet} on task {task_id} is waiting; see review list")
    verb = "grant (pay)" if grant else f"deny (reason {code})"
    chain.sender(account, yes).send(
        chain.wesh.decide_appeal(task_id, wallet, grant, code),
        f"{verb} the appeal of {wallet} on task {task_id}",
    )


@cli.command("reasons")
@click.option(
    "--network", hidden=True, help="Accepted and ignored: the list is the same everywhere."
)
def list_reasons(network: str | None) -> None:
    """The rejection reasons and the texts citizens read (Dutch / English)."""
    rows = [[r.code, r.key, r.nl] for r in reasons.REASONS]
    click.echo(table(["code", "key", "text (nl)"], rows))
