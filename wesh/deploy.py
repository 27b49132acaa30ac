"""Deploying both WESH contracts with web3, from the compiled contracts shipped in the package.

``deploy`` is the quick path for tests and benchmarks: no manifest, every role granted by one
signer. ``wesh.provision.ensure_deployment`` is the city's path (``ape run deploy``, the demo):
idempotent, with a manifest and an admin hand-over; both send the same ``creation_data``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from web3 import Web3

from wesh import artifacts
from wesh.contract import Role, Wesh
from wesh.signer import Signer, transact


@dataclass(frozen=True)
class Deployed:
    wesh: Wesh
    block: int


def creation_data(w3: Web3, name: str, *args: Any) -> str:
    """The creation bytecode of ``contracts/<name>.vy`` with its constructor arguments."""
    art = artifacts.load(name)
    factory = w3.eth.contract(abi=art.abi, bytecode=art.bytecode)
    return str(factory.constructor(*args).data_in_transaction)


def deploy_contract(w3: Web3, signer: Signer, name: str, *args: object) -> tuple[str, int]:
    """Deploys ``contracts/<name>.vy``; returns its address and the deployment block."""
    receipt = transact(w3, {"data": creation_data(w3, name, *args)}, signer)
    return str(receipt["contractAddress"]), int(receipt["blockNumber"])


DEFAULT_YEARLY_CAP = 150_000
DEFAULT_MONTHLY_CAP = 0


def deploy(
    w3: Web3,
    admin: Signer,
    roles: dict[str, Role] | None = None,
    *,
    yearly_cap: int = DEFAULT_YEARLY_CAP,
    monthly_cap: int = DEFAULT_MONTHLY_CAP,
) -> Deployed:
    """Deploys the Forwarder, Heitje (trusting it), Redemption and the neighbourhood desk, links
    them (the desk holds REGISTRAR), and grants ``roles`` (address -> role bits)."""
    forwarder, _ = deploy_contract(w3, admin, "Forwarder")
    heitje, block = deploy_contract(
        w3, admin, "Heitje", admin.address, yearly_cap, monthly_cap, forwarder
    )
    redemption, _ = deploy_contract(w3, admin, "Redemption", heitje)
    desk, _ = deploy_contract(w3, admin, "NeighbourhoodDesk", heitje)
    wesh = Wesh(w3, heitje, redemption, desk)
    transact(w3, wesh.set_redemption(redemption), admin)
    transact(w3, wesh.grant_role(desk, Role.REGISTRAR), admin)
    for account, bits in (roles or {}).items():
        for role in Role:
            if role in bits:
                transact(w3, wesh.grant_role(account, role), admin)
    return Deployed(wesh=wesh, block=block)
