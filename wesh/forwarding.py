"""Signed requests for the trusted forwarder (contracts/Forwarder.vy, ERC-2771 + EIP-712).

A resident, shop or employee signs a ``ForwardRequest`` instead of sending a transaction; the
city's relayer sends it to the forwarder and pays the fee. This module is the one place that
knows the request's typed-data form: the relayer (api/relay), the benches, the demo and the tests
build, sign, check and send requests through it. Browsers sign the same JSON with
``eth_signTypedData_v4`` (web/js/relay.js builds it from ``typed_data``'s shape).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak, to_checksum_address
from hexbytes import HexBytes
from web3 import Web3
from web3.contract import Contract

from wesh.contract import TxRequest
from wesh.signer import Signer

#: The signed type, as OpenZeppelin's ERC2771Forwarder has it (Forwarder.vy REQUEST_TYPE_HASH).
REQUEST_TYPE = [
    {"name": "from", "type": "address"},
    {"name": "to", "type": "address"},
    {"name": "value", "type": "uint256"},
    {"name": "gas", "type": "uint256"},
    {"name": "nonce", "type": "uint256"},
    {"name": "deadline", "type": "uint48"},
    {"name": "data", "type": "bytes"},
]
DOMAIN_TYPE = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
#: Why the forwarder would not execute a request (Forwarder.vy ``validate``; 0 is valid).
INVALID_DEADLINE = 1
INVALID_SIGNATURE = 2
#: Forwarder.vy MAX_DATA (``execute``), MAX_BATCH_DATA (each request of ``execute_batch``) and
#: MAX_BATCH.
MAX_DATA = 6_656
MAX_BATCH_DATA = 1_024
MAX_BATCH = 32
#: Half the order of secp256k1 (Forwarder.vy SECP256K1N_HALF): a higher s is refused (EIP-2).
SECP256K1N_HALF = 0x7FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF5D576E7357A4501DDFE92F46681B20A0


@dataclass(frozen=True)
class Domain:
    """The EIP-712 domain a forwarder reports (ERC-5267 ``eip712Domain()``)."""

    name: str
    version: str
    chain_id: int
    verifying_contract: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "chainId": self.chain_id,
            "verifyingContract": self.verifying_contract,
        }


def domain_of(forwarder: Contract) -> Domain:
    """The domain ``forwarder`` signs under, read from the contract itself (ERC-5267)."""
    _fields, name, version, chain_id, verifying, _salt, _ext = (
        forwarder.functions.eip712Domain().call()
    )
    return Domain(str(name), str(version), int(chain_id), to_checksum_address(verifying))


@dataclass(frozen=True)
class ForwardRequest:
    """One request as signed: ``signer`` is the type's ``from``; ``value`` is always 0 (the
    forwarder verifies against 0: WESH's calls are non-payable)."""

    signer: str
    to: str
    gas: int
    nonce: int
    deadline: int
    data: bytes

    def message(self) -> dict[str, Any]:
        return {
            "from": to_checksum_address(self.signer),
            "to": to_checksum_address(self.to),
            "value": 0,
            "gas": self.gas,
            "nonce": self.nonce,
            "deadline": self.deadline,
            "data": "0x" + self.data.hex(),
        }

    def typed_data(self, domain: Domain) -> dict[str, Any]:
        """The full EIP-712 document (what ``eth_signTypedData_v4`` takes)."""
        return {
            "types": {"EIP712Domain": DOMAIN_TYPE, "ForwardRequest": REQUEST_TYPE},
            "primaryType": "ForwardRequest",
            "domain": domain.as_dict(),
            "message": self.message(),
        }

    def digest(self, domain: Domain) -> bytes:
        """The 32 bytes that are signed."""
        signable = encode_typed_data(full_message=self.typed_data(domain))
        return keccak(b"\x19" + signable.version + signable.header + signable.body)


def compact(signature: bytes) -> tuple[bytes, bytes]:
    """A 65-byte signature (r, s, v) in its 64-byte compact form (EIP-2098): r, and s with
    v - 27 in its top bit. Raises ``ValueError`` for a malformed or high-s signature."""
    if len(signature) != 65 or signature[64] not in (27, 28):
        raise ValueError("a signature is 65 bytes ending in v = 27 or 28")
    s = int.from_bytes(signature[32:64], "big")
    if s > SECP256K1N_HALF:
        raise ValueError("a signature's s is in the lower half of the curve order (EIP-2)")
    vs = s | ((signature[64] - 27) << 255)
    return signature[:32], vs.to_bytes(32, "big")


@dataclass(frozen=True)
class SignedRequest:
    request: ForwardRequest
    #: The 65-byte signature (r, s, v) a wallet returns.
    signature: bytes

    def arguments(self) -> list[Any]:
        """``execute``'s arguments; as a tuple, ``execute_batch``'s ``ForwardRequestData``."""
        r = self.request
        sig_r, sig_vs = compact(self.signature)
        return [
            to_checksum_address(r.signer),
            to_checksum_address(r.to),
            r.gas,
            r.deadline,
            r.data,
            sig_r,
            sig_vs,
        ]


def recover(request: ForwardRequest, domain: Domain, signature: bytes) -> str | None:
    """The address that signed ``request`` under ``domain``, or None for a malformed signature
    or one with a high s (which the forwarder refuses too)."""
    if len(signature) != 65:
        return None
    s = int.from_bytes(signature[32:64], "big")
    if s > SECP256K1N_HALF or signature[64] not in (27, 28):
        return None
    try:
        signable = encode_typed_data(full_message=request.typed_data(domain))
        return str(Account.recover_message(signable, signature=signature))
    except Exception:  # any undecodable signature is simply no signer
        return None


def sign_with_key(request: ForwardRequest, domain: Domain, private_key: bytes | str) -> bytes:
    """Signs with a key held here (the demo's accounts, tests, benches)."""
    signed = Account.sign_typed_data(private_key, full_message=request.typed_data(domain))
    return bytes(signed.signature)


def sign_with_node(w3: Web3, request: ForwardRequest, domain: Domain) -> bytes:
    """Signs with an account the node holds unlocked (anvil's dev accounts)."""
    raw = w3.provider.make_request(
        cast(Any, "eth_signTypedData_v4"),
        [to_checksum_address(request.signer), request.typed_data(domain)],
    )
    if "error" in raw:
        raise RuntimeError(f"eth_signTypedData_v4 failed: {raw['error']}")
    return bytes(HexBytes(raw["result"]))


def forwarded_gas(w3: Web3, forwarder: str, to: str, data: bytes, signer: str) -> int:
    """The gas the call needs when the forwarder makes it for ``signer``: an estimate of the very
    call the forwarder will make (signer appended), with a margin. A call that would fail
    raises web3's ``ContractLogicError`` with the contract's reason."""
    estimate = w3.eth.estimate_gas(
        {
            "from": to_checksum_address(forwarder),
            "to": to_checksum_address(to),
            "data": HexBytes(data + bytes.fromhex(to_checksum_address(signer)[2:])),
        }
    )
    # The estimate includes the 21,000 of a transaction of its own and its call data, which the
    # forwarded call does not pay: that is the margin for a state that changed in between.
    return int(estimate)


def prepare(
    w3: Web3, forwarder: Contract, tx: TxRequest, signer: str, deadline: int
) -> ForwardRequest:
    """The request that makes ``tx`` for ``signer``: its next nonce, the gas it needs."""
    data = bytes(HexBytes(tx.data))
    nonce = int(forwarder.functions.nonces(to_checksum_address(signer)).call())
    gas = forwarded_gas(w3, forwarder.address, tx.to, data, signer)
    return ForwardRequest(
        signer=signer, to=tx.to, gas=gas, nonce=nonce, deadline=deadline, data=data
    )


def access_list(w3: Web3, tx: TxRequest, sender: str) -> list[dict[str, Any]]:
    """The EIP-2930 access list worth sending with ``tx``: the contracts the forwarded call
    touches and their storage slots, declared up front. Each address listed costs 2,400 instead
    of 2,600 when first called and each slot 1,900 + 100 instead of 2,100 (100 gas saved per
    entry). The forwarder itself (the transaction's target) is warm anyway: listing it would
    cost 2,400 for nothing, so its entry is left out."""
    result = w3.eth.create_access_list(
        {"from": to_checksum_address(sender), "to": tx.to, "data": HexBytes(tx.data)}
    )
    return [
        {
            "address": to_checksum_address(entry["address"]),
            "storageKeys": list(entry["storageKeys"]),
        }
        for entry in result["accessList"]
        if to_checksum_address(entry["address"]) != tx.to
    ]


def execute_tx(forwarder: Contract, signed: SignedRequest) -> TxRequest:
    """The transaction that executes one signed request (reverts when it is invalid or fails)."""
    data = forwarder.encode_abi("execute", signed.arguments())
    return TxRequest(to=forwarder.address, data=data, function="execute")


def execute_batch_tx(forwarder: Contract, batch: list[SignedRequest]) -> TxRequest:
    """The transaction that executes several; an invalid or failing one undoes nothing else."""
    if not 0 < len(batch) <= MAX_BATCH:
        raise ValueError(f"a batch holds 1 to {MAX_BATCH} requests, not {len(batch)}")
    if any(len(s.request.data) > MAX_BATCH_DATA for s in batch):
        raise ValueError(f"a request of a batch carries at most {MAX_BATCH_DATA} bytes of data")
    data = forwarder.encode_abi("execute_batch", [[tuple(s.arguments()) for s in batch]])
    return TxRequest(to=forwarder.address, data=data, function="execute_batch")


class RelayedSigner:
    """Acts for ``address``, which holds no native token, through the forwarder: the request is
    signed with ``key`` (or by the node, for anvil's unlocked dev accounts) and ``relayer`` sends
    it and pays. A ``wesh.signer.Signer``, so ``transact`` works with it unchanged (the demo's
    seeded history and the benches go through it)."""

    def __init__(
        self,
        forwarder: Contract,
        address: str,
        relayer: Signer,
        *,
        key: bytes | str | None = None,
        ttl_s: int = 3_600,
    ) -> None:
        self.address: str = to_checksum_address(address)
        self.forwarder = forwarder
        self.relayer = relayer
        self._key = key
        self._ttl_s = ttl_s
        self._domain: Domain | None = None

    def send(self, w3: Web3, tx: dict[str, Any]) -> bytes:
        if self._domain is None:
            self._domain = domain_of(self.forwarder)
        deadline = int(w3.eth.get_block("latest")["timestamp"]) + self._ttl_s
        call = TxRequest(to=to_checksum_address(tx["to"]), data=str(tx["data"]), function="")
        request = prepare(w3, self.forwarder, call, self.address, deadline)
        signature = (
            sign_with_key(request, self._domain, self._key)
            if self._key is not None
            else sign_with_node(w3, request, self._domain)
        )
        execute = execute_tx(self.forwarder, SignedRequest(request, signature))
        body: dict[str, Any] = {
            **execute.as_dict(),
            "accessList": access_list(w3, execute, self.relayer.address),
        }
        gas = w3.eth.estimate_gas(cast(Any, {**body, "from": self.relayer.address}))
        return self.relayer.send(w3, {**body, "gas": gas + gas // 5})
