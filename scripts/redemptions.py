"""Redemptions: merchants' cash-out requests, the SEPA file that pays them, and marking them paid.

    ape run redemptions list [--all]
    ape run redemptions sepa --bank-accounts merchant-accounts.csv --out payout.xml \\
        --debtor-iban NL.. --debtor-bic BNGHNL2G
    ape run redemptions mark-paid --sepa payout.xml --account treasurer
    ape run redemptions mark-paid 4 5 --reference "BANK-2026-11-30" --account treasurer

A merchant's Heitjes are burned when it asks for a cash-out; the city then owes it euros. The
treasurer writes a SEPA credit-transfer file (pain.001.001.03) for the open requests, uploads it to
the city's bank, and once the bank has executed it records on chain that those requests are paid,
with the file's message id as the payment reference. Merchants' IBANs come from a city-side CSV
file (``address,name,iban[,bic]``), are checked (mod-97) and never go on chain.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click
from ape.cli import ConnectedProviderCommand, account_option

from scripts._common import Chain, ScriptError, connect, fails_cleanly, table, yes_option
from wesh import sepa
from wesh.csv_rows import batches, parse_bank_accounts
from wesh.history import RequestRecord
from wesh.iban import format_iban
from wesh.metadata import get_document, title_of
from wesh.money import format_euros
from wesh.rules import AMSTERDAM, MAX_PAYMENT_REFERENCE_LENGTH, MAX_REDEMPTION_BATCH, RequestStatus


@click.group()
def cli() -> None:
    """Cash-out requests: list, pay by SEPA file, mark paid."""


def _names(chain: Chain) -> dict[str, str]:
    return {
        m.address: title_of(get_document(chain.store, m.metadata_cid), m.address)
        for m in chain.history.merchants()
    }


def _open(chain: Chain, ids: tuple[int, ...] = ()) -> list[RequestRecord]:
    requests = [r for r in chain.history.requests() if r.status == RequestStatus.OPEN]
    if ids:
        unknown = sorted(set(ids) - {r.redemption_id for r in requests})
        if unknown:
            raise ScriptError(
                f"request(s) {', '.join(map(str, unknown))} are not open "
                "(see redemptions list --all)"
            )
        requests = [r for r in requests if r.redemption_id in ids]
    return requests


@cli.command("list", cls=ConnectedProviderCommand)
@click.option("--all", "show_all", is_flag=True, help="Include requests already paid.")
@fails_cleanly
def list_requests(provider: Any, show_all: bool) -> None:
    """Open cash-out requests (or all with --all), with what the city owes."""
    chain = connect(provider)
    names = _names(chain)
    references = chain.history.payment_references() if show_all else {}
    requests = chain.history.requests()
    shown = [r for r in requests if show_all or r.status == RequestStatus.OPEN]
    if not shown:
        click.echo("No open cash-out requests." if not show_all else "No cash-out requests yet.")
        return
    rows = []
    for r in shown:
        when = datetime.fromtimestamp(chain.history.block_time(r.block), AMSTERDAM)
        row = [
            r.redemption_id,
            names.get(r.merchant, r.merchant),
            r.merchant,
            format_euros(r.amount),
            when.strftime("%Y-%m-%d"),
            r.status.name.lower(),
        ]
        if show_all:
            row.append(references.get(r.redemption_id, ""))
        rows.append(row)
    headers = ["id", "merchant", "address", "amount", "requested", "status"]
    click.echo(table(headers + (["payment reference"] if show_all else []), rows))
    owed = sum(r.amount for r in requests if r.status == RequestStatus.OPEN)
    click.echo(f"Still to pay: {format_euros(owed)}")


@cli.command("sepa", cls=ConnectedProviderCommand)
@click.option(
    "--bank-accounts",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help=(
        "City-side CSV: address,name,iban[,bic] per merchant (the API gives the merchant "
        "manager's: GET /city/merchants/bank-accounts.csv, as the treasurer)."
    ),
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Where to write the pain.001 XML file.",
)
@click.option(
    "--debtor-name",
    envvar="WESH_DEBTOR_NAME",
    default="Gemeente Heerlen",
    show_default=True,
    help="The paying account's holder.",
)
@click.option(
    "--debtor-iban",
    envvar="WESH_DEBTOR_IBAN",
    required=True,
    help="The city's IBAN the payouts are paid from (or WESH_DEBTOR_IBAN).",
)
@click.option(
    "--debtor-bic",
    envvar="WESH_DEBTOR_BIC",
    default=None,
    help="The city's bank's BIC (optional within SEPA; or WESH_DEBTOR_BIC).",
)
@click.option(
    "--execution-date",
    type=click.DateTime(["%Y-%m-%d"]),
    default=None,
    help="When the bank should pay (default: the next working day).",
)
@click.option("--id", "ids", type=int, multiple=True, help="Only these request ids (repeatable).")
@fails_cleanly
def write_sepa(
    provider: Any,
    bank_accounts: Path,
    out: Path,
    debtor_name: str,
    debtor_iban: str,
    debtor_bic: str | None,
    execution_date: datetime | None,
    ids: tuple[int, ...],
) -> None:
    """Write a SEPA credit-transfer file paying the open cash-out requests."""
    accounts = parse_bank_accounts(bank_accounts)
    chain = connect(provider)
    requests = _open(chain, ids)
    if not requests:
        raise ScriptError("there are no open cash-out requests to pay; no file was written")
    parties = {str(a): sepa.Party(row.name, row.iban, row.bic) for a, row in accounts.items()}
    made = sepa.payout_file(
        [(r.redemption_id, r.merchant, r.amount) for r in requests],
        parties,
        sepa.Party(debtor_name, debtor_iban, debtor_bic),
        created=datetime.now(AMSTERDAM),
        execution_date=execution_date.date() if execution_date else None,
    )
    transfers, when, message_id = made.transfers, made.execution_date, made.message_id
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(made.data)
    rows = [
        [t.end_to_end_id, t.creditor.name, format_iban(t.creditor.iban), format_euros(t.amount)]
        for t in transfers
    ]
    click.echo(table(["end-to-end id", "to", "IBAN", "amount"], rows))
    click.echo(
        f"Wrote {out}: {len(transfers)} transfer(s), "
        f"{format_euros(made.total)}"
        f", to be paid on {when:%Y-%m-%d}, message id {message_id} (checked against the "
        "pain.001.001.03 schema).\nNext: upload it to the bank; once it is executed, run "
        f"ape run redemptions mark-paid --sepa {out} --network {chain.network} "
        "--account <treasurer>"
    )


@cli.command("mark-paid", cls=ConnectedProviderCommand)
@account_option()
@click.argument("ids", type=int, nargs=-1)
@click.option(
    "--reference",
    help=f"The bank payment's reference (at most {MAX_PAYMENT_REFERENCE_LENGTH} characters).",
)
@click.option(
    "--sepa",
    "sepa_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Mark the requests paid by this SEPA file, with its message id as reference.",
)
@yes_option
@fails_cleanly
def mark_paid(
    provider: Any,
    account: Any,
    ids: tuple[int, ...],
    reference: str | None,
    sepa_file: Path | None,
    yes: bool,
) -> None:
    """Record that cash-out requests were paid in euros."""
    if sepa_file:
        if ids or reference:
            raise ScriptError("give either --sepa FILE, or request ids with --reference, not both")
        summary = sepa.check(sepa_file.read_bytes())
        reference = summary.message_id
        found = [sepa.redemption_id_of(e) for e in summary.end_to_end_ids]
        ids = tuple(i for i in found if i is not None)
        if not ids:
            raise ScriptError(f"{sepa_file} pays no WESH cash-out requests (no WESH-R<id> ids)")
    elif not ids or not reference:
        raise ScriptError("give request ids and --reference, or --sepa FILE")
    if not reference.strip() or len(reference) > MAX_PAYMENT_REFERENCE_LENGTH:
        raise ScriptError(
            f"the payment reference must be 1 to {MAX_PAYMENT_REFERENCE_LENGTH} characters"
        )
    chain = connect(provider)
    todo = []
    for rid in ids:
        status = chain.wesh.request(rid).status
        if status == RequestStatus.PAID:
            click.echo(f"  request {rid} is marked paid already: skipped")
        elif status == RequestStatus.NONE:
            raise ScriptError(f"there is no cash-out request {rid}; nothing was sent")
        else:
            todo.append(rid)
    if not todo:
        click.echo("Nothing to mark: every request is marked paid already.")
        return
    sender = chain.sender(account, yes)
    for batch in batches(todo, MAX_REDEMPTION_BATCH):
        total = sum(chain.wesh.request(rid).amount for rid in batch)
        sender.send(
            chain.wesh.mark_paid(batch, reference),
            f"mark request(s) {', '.join(map(str, batch))} paid ({format_euros(total)}), "
            f"reference {reference}",
        )
    click.echo(f"Done: {len(todo)} request(s) marked paid with reference {reference}.")
