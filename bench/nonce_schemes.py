"""Why the forwarder uses sequential nonces: the two replay protections of issue #13, measured.

Two minimal contracts, identical but for the nonce check, are compiled here with the installed
Vyper and deployed on anvil; each "uses" nonces the way the forwarder would (a signer's next
sequential nonce, or one bit of a 256-bit word, Permit2-style). Printed by ``make bench-gas``
after the WESH rows and written to ``bench/results/gas.json`` under ``nonce_*``. What decides it
(contracts/Forwarder.vy, docs/relayer.md): a later request costs the same either way; a bitmap
pays a fresh word again every 256 nonces and on every request when nonces are drawn at random,
and buys only out-of-order sending, which the relayer does not need.
"""

from __future__ import annotations

import random
from typing import Any

from web3 import Web3

from wesh.signer import UnlockedSigner, transact

SEQUENTIAL = """
# pragma version ~=0.4.3
# pragma optimize gas
nonces: public(HashMap[address, uint256])

@external
def use(signer: address, nonce: uint256):
    assert self.nonces[signer] == nonce, "nonce"
    self.nonces[signer] = nonce + 1
"""

BITMAP = """
# pragma version ~=0.4.3
# pragma optimize gas
bitmaps: public(HashMap[address, HashMap[uint256, uint256]])

@external
def use(signer: address, nonce: uint256):
    word: uint256 = self.bitmaps[signer][nonce >> 8]
    bit: uint256 = 1 << (nonce & 255)
    assert word & bit == 0, "nonce"
    self.bitmaps[signer][nonce >> 8] = word | bit
"""


def _deploy(w3: Web3, source: str, sender: UnlockedSigner) -> Any:
    import vyper  # the scripts/dev extra; benches run from a full checkout

    out = vyper.compile_code(source, output_formats=["abi", "bytecode"])
    receipt = transact(w3, {"data": out["bytecode"]}, sender)
    return w3.eth.contract(address=receipt["contractAddress"], abi=out["abi"])


def measure(w3: Web3, sender: UnlockedSigner) -> dict[str, int]:
    """Full-transaction gas of one nonce use under each scheme (anvil receipts)."""
    sequential = _deploy(w3, SEQUENTIAL, sender)
    bitmap = _deploy(w3, BITMAP, sender)
    signer = Web3.to_checksum_address("0x" + "ab" * 20)

    def use(contract: Any, nonce: int) -> int:
        data = contract.encode_abi("use", [signer, nonce])
        return int(transact(w3, {"to": contract.address, "data": data}, sender)["gasUsed"])

    gas = {
        "nonce_sequential_first": use(sequential, 0),
        "nonce_sequential_later": use(sequential, 1),
        "nonce_bitmap_first": use(bitmap, 0),
        "nonce_bitmap_later": use(bitmap, 1),
        "nonce_bitmap_new_word": use(bitmap, 256),
        "nonce_bitmap_random": use(bitmap, random.Random(13).getrandbits(64)),
    }
    return gas


def report(gas: dict[str, int]) -> None:
    print("\nnonce schemes (a minimal contract each; full transaction gas):")
    for key in (
        "nonce_sequential_first",
        "nonce_sequential_later",
        "nonce_bitmap_first",
        "nonce_bitmap_later",
        "nonce_bitmap_new_word",
        "nonce_bitmap_random",
    ):
        print(f"  {key:34} {gas[key]:>9,}")
