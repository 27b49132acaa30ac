"""Who signs and sends a ``TxRequest``: an unlocked node account (anvil's dev accounts).

The ape scripts sign with ape accounts instead (see ``scripts/_common.py``); the API never signs
for users, it hands the ``TxRequest`` to their wallet.
"""

from __future__ import annotations

from typing import Any, Protocol, cast

from eth_utils import to_checksum_address
from hexbytes import HexBytes
from web3 import Web3
from web3.exceptions import ContractLogicError
from web3.types import TxParams, TxReceipt

from wesh.contract import ContractRefusal, TxRequest, refusal_from


class Signer(Protocol):
    @property
    def address(self) -> str: ...

    def send(self, w3: Web3, tx: dict[str, Any]) -> bytes: ...


class UnlockedSigner:
    """An account the node holds unlocked (anvil's dev accounts): ``eth_sendTransaction``."""

    def __init__(self, address: str) -> None:
        self.address: str = to_checksum_address(address)

    def send(self, w3: Web3, tx: dict[str, Any]) -> bytes:
        return bytes(w3.eth.send_transaction(cast(TxParams, {**tx, "from": self.address})))


def transact(w3: Web3, tx: TxRequest | dict[str, Any], signer: Signer) -> TxReceipt:
    """Sends ``tx`` and waits for its receipt. A call the contract would refuse raises
    ``ContractRefusal`` with the contract's reason before anything is sent."""
    body = tx.as_dict() if isinstance(tx, TxRequest) else dict(tx)
    try:
        gas = w3.eth.estimate_gas(cast(TxParams, {**body, "from": signer.address}))
    except ContractLogicError as error:
        raise refusal_from(error) from None
    tx_hash = signer.send(w3, {**body, "gas": gas + gas // 5})
    receipt = w3.eth.wait_for_transaction_receipt(HexBytes(tx_hash), timeout=60, poll_latency=0.01)
    if receipt["status"] != 1:
        raise ContractRefusal(f"transaction {tx_hash.hex()} reverted")
    return receipt
