"""What every admin script shares: sending with an ape account, clean errors, the deployment.

``ape run`` skips files whose name starts with ``_`` (ape_run/_cli.py, ``_get_cli_commands``), so
this module is shared code, not a script.

- ``ApeSender`` signs a ``wesh.contract.TxRequest`` with the ape account chosen by
  ``--account``: it first asks the node whether the contract would accept the call (so a refusal
  is reported before anything is signed, with the contract's reason), then asks the operator to
  confirm (unless ``--yes``), sends through ape, and prints the transaction hash. With
  ``WESH_RELAYER_URL`` set it signs a forward request instead and the city's relayer sends it and
  pays (scripts/_relay.py): staff accounts need no native token.
- ``fails_cleanly`` turns every expected failure (a bad input file, a contract refusal, a missing
  deployment, a declined confirmation) into one ``Error: ...`` line with a next step (for a
  refusal, from wesh/refusals.py) and exit code 1: city staff never see a stack trace.
- ``connect`` finds the deployment of the network ape is connected to (``wesh.deployment``) and
  returns the typed wrapper on ape's own web3 connection, so scripts, indexer, API and tests all
  read and encode through one wrapper.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click
from eth_typing import ChecksumAddress
from eth_utils import to_checksum_address
from web3 import Web3
from web3.exceptions import ContractLogicError, TimeExhausted, Web3RPCError
from web3.types import TxReceipt

from scripts._relay import Relay, RelayRefused, relayer_url
from wesh import refusals
from wesh.contract import ContractRefusal, TxRequest, Wesh, refusal_from
from wesh.csv_rows import InputFileError, parse_address
from wesh.deployment import DEV_CHAIN_ID, Deployment, ManifestError, manifest_path
from wesh.history import History
from wesh.iban import IbanError
from wesh.metadata import ContentError, FolderStore, default_store
from wesh.money import AmountError, parse_euros
from wesh.provision import find_deployment
from wesh.sepa import SepaError

if TYPE_CHECKING:
    from ape.api import AccountAPI, ProviderAPI

F = TypeVar("F", bound=Callable[..., Any])

yes_option = click.option(
    "--yes",
    "-y",
    is_flag=True,
    default=False,
    help="Send every transaction without asking (for automation).",
)


class ScriptError(click.ClickException):
    """One line for the operator: what went wrong and what to do next (exit code 1)."""


class Declined(Exception):
    """The operator answered no to a confirmation."""


class RoleRefusal(ContractRefusal):
    """Refused for a missing role: ``tx`` is the call, to submit through a multisig that has it."""

    def __init__(self, reason: str, tx: TxRequest) -> None:
        super().__init__(reason)
        self.tx = tx


def next_step(reason: str) -> str:
    """The contract's reason and, where wesh.refusals has one, what to do next (in English, as
    the scripts speak to city staff)."""
    refusal = refusals.find(reason)
    if refusal is not None and refusal.next_en:
        return f"The contract refused: {reason}. Next: {refusal.next_en}."
    return f"The contract refused: {reason}."


def fails_cleanly(function: F) -> F:
    """Wraps a command: expected failures become ``Error: <message>`` and exit code 1."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except RoleRefusal as error:
            raise ScriptError(
                f"{next_step(error.reason)} If that role is held by a multisig (a Safe), submit "
                f"this call through it: to {error.tx.to}, value 0, data {error.tx.data}"
            ) from None
        except ContractRefusal as error:
            raise ScriptError(next_step(error.reason)) from None
        except Declined as error:
            raise ScriptError(
                f"not sent: {error}. Stopped here; transactions already sent stay on chain, and "
                "running the same command again skips what is done."
            ) from None
        except (
            InputFileError,
            ManifestError,
            ContentError,
            SepaError,
            IbanError,
            AmountError,
        ) as e:
            raise ScriptError(str(e)) from None
        except (TimeExhausted, Web3RPCError, ConnectionError) as error:
            raise ScriptError(f"the node did not answer as expected: {error}") from None

    return cast(F, wrapper)


class ApeSender:
    """Sends ``TxRequest``s with an ape account: check, confirm, send, print the hash."""

    def __init__(
        self, account: AccountAPI, provider: ProviderAPI, *, yes: bool, relay: Relay | None = None
    ) -> None:
        from ape.api.accounts import TestAccountAPI

        self.relay = relay
        self.account = account
        self.provider = provider
        self.w3: Web3 = provider.web3
        self.yes = yes
        self.address: ChecksumAddress = to_checksum_address(account.address)
        self.hashes: list[str] = []
        chain_id = int(self.w3.eth.chain_id)
        if isinstance(account, TestAccountAPI) and chain_id != DEV_CHAIN_ID:
            raise ScriptError(
                f"{account.alias or account.address} is a test account whose key is public; it "
                f"may only be used on the local dev chain (chain id {DEV_CHAIN_ID}), not on chain "
                f"{chain_id}. Use your own ape account: ape accounts import <alias>."
            )

    def _estimate(self, body: dict[str, Any]) -> int:
        try:
            gas = int(self.w3.eth.estimate_gas({**body, "from": self.address}))  # type: ignore[typeddict-item]
        except ContractLogicError as error:
            raise refusal_from(error) from None
        return gas + gas // 5

    def send(self, tx: TxRequest, summary: str) -> TxReceipt:
        try:
            gas = self._estimate(tx.as_dict())
        except ContractRefusal as refusal:
            if refusal.reason.startswith("access:"):
                raise RoleRefusal(refusal.reason, tx) from None
            raise
        if self.relay is not None:
            return self._relayed(self.relay, tx, summary)
        return self._send({"receiver": tx.to, "data": tx.data}, gas, summary)

    def _relayed(self, relay: Relay, tx: TxRequest, summary: str) -> TxReceipt:
        """Signs ``tx`` as a forward request; the city's relayer sends it and pays."""
        if not self.yes and not click.confirm(
            f"{summary}\n  signed by {self.address}; the city's relayer ({relay.url}) sends it "
            "and pays the fee. Sign?",
            default=False,
        ):
            raise Declined(summary)
        request = relay.request(self.w3, tx, self.address)
        try:
            receipt = relay.send(self.w3, request, relay.sign(self.account, request))
        except RelayRefused as refused:
            raise ScriptError(str(refused)) from None
        tx_hash = receipt["transactionHash"].to_0x_hex()
        self.hashes.append(tx_hash)
        click.echo(
            f"  relayed: {summary}\n        tx {tx_hash} (block {receipt['blockNumber']}), "
            "paid by the city's relayer"
        )
        return receipt

    def create(self, data: str, summary: str) -> TxReceipt:
        gas = self._estimate({"data": data, "value": 0})
        return self._send({"data": data}, gas, summary)

    def _send(self, fields: dict[str, Any], gas: int, summary: str) -> TxReceipt:
        from ape.exceptions import AccountsError, SignatureError, TransactionError
        from ape.exceptions import ContractLogicError as ApeContractLogicError

        if not self.yes and not click.confirm(
            f"{summary}\n  from {self.address}, gas limit {gas:,}. Send?", default=False
        ):
            raise Declined(summary)
        txn = self.provider.network.ecosystem.create_transaction(
            sender=self.address,
            value=0,
            gas_limit=gas,
            chain_id=self.provider.chain_id,
            **fields,
        )
        try:
            ape_receipt = self.account.call(txn)
        except ApeContractLogicError as error:
            raise ContractRefusal(str(error.message or "reverted without a reason")) from None
        except SignatureError:
            raise Declined(f"{summary} (not signed)") from None
        except (AccountsError, TransactionError) as error:
            raise ScriptError(
                f"could not send '{summary}': {error}. Check that {self.address} has enough "
                "gas money (xDAI/ETH) and try again."
            ) from None
        tx_hash = str(ape_receipt.txn_hash)
        receipt = self.w3.eth.wait_for_transaction_receipt(cast(Any, tx_hash), timeout=300)
        if receipt["status"] != 1:
            raise ContractRefusal(f"transaction {tx_hash} reverted")
        self.hashes.append(tx_hash)
        click.echo(f"  sent: {summary}\n        tx {tx_hash} (block {receipt['blockNumber']})")
        return receipt


@dataclass
class Chain:
    """A connected network and its WESH deployment."""

    provider: ProviderAPI
    w3: Web3
    network: str
    deployment: Deployment
    wesh: Wesh
    store: FolderStore
    manifest: Path

    @cached_property
    def history(self) -> History:
        return History(self.wesh, self.deployment.start_block)

    def now(self) -> int:
        """The chain's current time (block timestamps, not this computer's clock)."""
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def sender(self, account: AccountAPI, yes: bool) -> ApeSender:
        url = relayer_url()
        relay = Relay(url, self.wesh.forwarder) if url else None
        return ApeSender(account, self.provider, yes=yes, relay=relay)


def network_name(provider: ProviderAPI) -> str:
    """ape's network choice, e.g. ``ethereum:local:foundry``: the manifest's name."""
    return str(provider.network_choice)


def connect(provider: ProviderAPI) -> Chain:
    """The WESH deployment on the network ape is connected to, or a clear error."""
    w3: Web3 = provider.web3
    network = network_name(provider)
    try:
        deployment, why = find_deployment(w3, network)
    except ManifestError as error:
        raise ScriptError(str(error)) from None
    if deployment is None:
        raise ScriptError(
            f"no WESH deployment on {network} ({why}). Deploy first: "
            f"ape run deploy contracts --network {network} --account <admin>"
        )
    wesh = Wesh(w3, deployment.heitje, deployment.redemption, deployment.neighbourhood_desk)
    store = default_store(deployment.chain_id)
    path = manifest_path(network, deployment.chain_id)
    return Chain(provider, w3, network, deployment, wesh, store, path)


class AddressType(click.ParamType):
    name = "ADDRESS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            return str(parse_address(str(value)))
        except ValueError as error:
            self.fail(str(error), param, ctx)


class EurosType(click.ParamType):
    name = "EUROS"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        if isinstance(value, int):
            return value
        try:
            return parse_euros(str(value))
        except AmountError as error:
            self.fail(str(error), param, ctx)


ADDRESS = AddressType()
EUROS = EurosType()


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table (numbers right-aligned), for terminals and logs."""
    cells = [[str(c) for c in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    numeric = [
        all(_looks_numeric(row[i]) for row in cells[1:]) and len(cells) > 1
        for i in range(len(headers))
    ]

    def line(row: list[str]) -> str:
        parts = [
            cell.rjust(widths[i]) if numeric[i] else cell.ljust(widths[i])
            for i, cell in enumerate(row)
        ]
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(cells[0]), rule, *(line(row) for row in cells[1:])])


def pairs(rows: Sequence[tuple[str, object]]) -> str:
    """Label/value lines, labels padded to one width."""
    width = max(len(label) for label, _ in rows)
    return "\n".join(f"  {label.ljust(width)}  {value}" for label, value in rows)


def _looks_numeric(text: str) -> bool:
    stripped = text.replace("€", "").replace(".", "").replace(",", "").replace("-", "").strip()
    return stripped.isdigit()


def short(address: str) -> str:
    """0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266 -> 0xf39F…2266."""
    return f"{address[:6]}…{address[-4:]}"
