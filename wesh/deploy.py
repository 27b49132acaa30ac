"""Deploying both WESH contracts with web3 (tests, benchmarks); ``scripts/deploy.py`` does the same
through ape for the city."""

from __future__ import annotations

from dataclasses import dataclass

from web3 import Web3

from wesh import artifacts
from wesh.contract import Role, Wesh
from wesh.signer import Signer, transact


@dataclass(frozen=True)
class Deployed:
    wesh: Wesh
    block: int


def deploy_contract(w3: Web3, signer: Signer, name: str, *args: object) -> tuple[str, int]:
    """Deploys ``contracts/<name>.vy``; returns its address and the deployment block."""
    art = artifacts.load(name)
    factory = w3.eth.contract(abi=art.abi, bytecode=art.bytecode)
    data = factory.constructor(*args).build_transaction({"from": signer.address})["data"]
    receipt = transact(w3, {"data": data}, signer)
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
    """Deploys Heitje and Redemption, links them, and grants ``roles`` (address -> role bits)."""
    heitje, block = deploy_contract(w3, admin, "Heitje", admin.address, yearly_cap, monthly_cap)
    redemption, _ = deploy_contract(w3, admin, "Redemption", heitje)
    wesh = Wesh(w3, heitje, redemption)
    transact(w3, wesh.set_redemption(redemption), admin)
    for account, bits in (roles or {}).items():
        for role in Role:
            if role in bits:
                transact(w3, wesh.grant_role(account, role), admin)
    return Deployed(wesh=wesh, block=block)
