"""Deploy WESH to a network, or find it there: one code path for ``ape run deploy`` and the demo.

``ensure_deployment`` is idempotent. On a network without a deployment it deploys Heitje,
Redemption and the neighbourhood desk, links them (the desk holds REGISTRAR), writes the manifest
(``wesh.deployment``) and grants the initial roles. A deployment from before the neighbourhood
desk gets one added on the next run (and its manifest the ``neighbourhood_desk`` address).
On a network whose manifest points at live contracts it only grants roles still missing, so
running it twice with the same roles sends nothing at all. The manifest is saved as soon as the
contracts are linked, so an interruption during the role grants is finished by a rerun.

Who signs is a ``Sender``: ``scripts/_common.ApeSender`` (any ape account, with a confirmation
before each transaction) or ``NodeSender`` (anvil's unlocked accounts, for the demo and tests).
The bytecode is the compiled contracts shipped in the package (``wesh.artifacts``, sent by
``wesh.deploy.creation_data``): the compile the typed wrapper's ABI comes from, and the runtime
bytecode ``ape compile`` produces too (tests/build checks both).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from eth_typing import ChecksumAddress
from eth_utils import to_checksum_address
from web3 import Web3
from web3.types import TxReceipt

from wesh.contract import Role, TxRequest, Wesh
from wesh.deploy import DEFAULT_MONTHLY_CAP, DEFAULT_YEARLY_CAP, creation_data
from wesh.deployment import DEV_CHAIN_ID, Deployment, ManifestError, load, manifest_path, save
from wesh.signer import Signer, transact

#: Blocks the indexer trails the head by, per chain (a dev chain does not reorganise by itself).
DEFAULT_CONFIRMATIONS = 12


class Sender(Protocol):
    """Signs and sends transactions for one account, saying what each one does."""

    address: ChecksumAddress

    def send(self, tx: TxRequest, summary: str) -> TxReceipt: ...

    def create(self, data: str, summary: str) -> TxReceipt: ...


class NodeSender:
    """A ``Sender`` over a ``wesh.signer.Signer`` (anvil's unlocked dev accounts)."""

    def __init__(self, w3: Web3, signer: Signer, log: Callable[[str], None] | None = None) -> None:
        self.w3 = w3
        self.signer = signer
        self.address = to_checksum_address(signer.address)
        self.log = log or (lambda _: None)

    def send(self, tx: TxRequest, summary: str) -> TxReceipt:
        receipt = transact(self.w3, tx, self.signer)
        self.log(f"{summary}: {receipt['transactionHash'].to_0x_hex()}")
        return receipt

    def create(self, data: str, summary: str) -> TxReceipt:
        receipt = transact(self.w3, {"data": data, "value": 0}, self.signer)
        self.log(f"{summary}: {receipt['transactionHash'].to_0x_hex()}")
        return receipt


@dataclass
class DeployResult:
    deployment: Deployment
    path: Path
    created: bool
    #: (account, role) pairs granted by this run; (account, role) revoked by an admin handover.
    granted: list[tuple[str, Role]] = field(default_factory=list)
    revoked: list[tuple[str, Role]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.created or bool(self.granted) or bool(self.revoked)


def find_deployment(
    w3: Web3, network: str, path: Path | None = None
) -> tuple[Deployment | None, str]:
    """The manifest's deployment if it is live on this chain, else None and why not.

    A manifest whose contracts are gone is stale on the dev chain (anvil was restarted: deploy
    afresh) but an error anywhere else (a wrong RPC URL must never lead to a second deployment).
    """
    chain_id = int(w3.eth.chain_id)
    path = path or manifest_path(network, chain_id)
    if not path.exists():
        return None, f"no manifest at {path}"
    deployment = load(path)
    problem = None
    if deployment.chain_id != chain_id:
        problem = f"manifest {path} is for chain id {deployment.chain_id}, this node is {chain_id}"
    elif not w3.eth.get_code(to_checksum_address(deployment.heitje)):
        problem = f"no contract at {deployment.heitje} (manifest {path})"
    elif deployment.start_block_hash:
        try:
            block = w3.eth.get_block(deployment.start_block)
        except Exception:  # any failure means the block is not there
            block = None
        if block is None or block["hash"].to_0x_hex() != deployment.start_block_hash:
            problem = f"block {deployment.start_block} differs from the manifest's (chain reset)"
    if problem is None:
        wesh = Wesh(w3, deployment.heitje, deployment.redemption)
        linked = wesh.heitje.functions.redemption().call()
        if to_checksum_address(linked) != to_checksum_address(deployment.redemption):
            problem = f"Heitje at {deployment.heitje} is not linked to {deployment.redemption}"
    if problem is None:
        return deployment, f"found at {path}"
    if chain_id == DEV_CHAIN_ID:
        return None, f"stale local manifest ({problem}); deploying afresh"
    raise ManifestError(
        f"{problem}. Check that --network points at the right chain; if this manifest is "
        f"really obsolete, move {path} aside and deploy again."
    )


def ensure_deployment(
    w3: Web3,
    sender: Sender,
    *,
    network: str,
    roles: dict[str, Role] | None = None,
    admin: str | None = None,
    yearly_cap: int = DEFAULT_YEARLY_CAP,
    monthly_cap: int = DEFAULT_MONTHLY_CAP,
    confirmations: int | None = None,
    path: Path | None = None,
    log: Callable[[str], None] | None = None,
) -> DeployResult:
    """Deploys (or finds) WESH on ``network`` and grants ``roles`` (address -> role bits).

    ``admin``: the final admin (a multisig in production). When it differs from the sender, the
    sender deploys and grants the roles as the first admin, then hands over: grants ADMIN to
    ``admin`` and revokes its own ADMIN.
    """
    chain_id = int(w3.eth.chain_id)
    path = path or manifest_path(network, chain_id)
    say = log or (lambda _: None)
    notes: list[str] = []

    def note(text: str) -> None:
        notes.append(text)
        say(text)

    found, why = find_deployment(w3, network, path)
    note(why)
    if found is None:
        deployment = _deploy_and_link(
            w3,
            sender,
            network=network,
            chain_id=chain_id,
            yearly_cap=yearly_cap,
            monthly_cap=monthly_cap,
            confirmations=confirmations,
        )
        save(deployment, path)  # before the role grants: a rerun finishes an interrupted run
        note(f"manifest written to {path}")
    else:
        deployment = found
    if not _desk_is_live(w3, deployment):
        deployment = _add_desk(w3, sender, deployment)
        save(deployment, path)
        note(f"neighbourhood desk {deployment.neighbourhood_desk} added to {path}")
    wesh = Wesh(w3, deployment.heitje, deployment.redemption, deployment.neighbourhood_desk)
    if found is not None and (mismatch := _caps_mismatch(wesh, yearly_cap, monthly_cap)):
        note(mismatch)

    result = DeployResult(deployment, path, created=found is None, notes=notes)
    final_admin = to_checksum_address(admin) if admin else sender.address
    wanted = _wanted_roles(roles, final_admin, sender.address)
    desk = to_checksum_address(deployment.neighbourhood_desk)
    wanted[desk] = wanted.get(desk, Role(0)) | Role.REGISTRAR
    _grant_missing_roles(wesh, sender, wanted, result)
    _hand_over_admin(wesh, sender, final_admin, result)
    return result


def _deploy_and_link(
    w3: Web3,
    sender: Sender,
    *,
    network: str,
    chain_id: int,
    yearly_cap: int,
    monthly_cap: int,
    confirmations: int | None,
) -> Deployment:
    """Deploys the Forwarder, Heitje (trusting it), Redemption and the neighbourhood desk and
    links Heitje to Redemption: the manifest of the new deployment (the desk's REGISTRAR role is
    granted with the other roles)."""
    forwarder_receipt = sender.create(
        creation_data(w3, "Forwarder"), "deploy Forwarder (the city pays the fees)"
    )
    forwarder = to_checksum_address(str(forwarder_receipt["contractAddress"]))
    heitje_receipt = sender.create(
        creation_data(w3, "Heitje", sender.address, yearly_cap, monthly_cap, forwarder),
        "deploy Heitje (token, registry, escrow, cap)",
    )
    heitje = to_checksum_address(str(heitje_receipt["contractAddress"]))
    redemption_receipt = sender.create(
        creation_data(w3, "Redemption", heitje), "deploy Redemption (merchant cash-outs)"
    )
    redemption = to_checksum_address(str(redemption_receipt["contractAddress"]))
    wesh = Wesh(w3, heitje, redemption)
    sender.send(wesh.set_redemption(redemption), f"link Heitje to Redemption {redemption}")
    start = int(heitje_receipt["blockNumber"])
    deployment = Deployment(
        network=network,
        chain_id=chain_id,
        heitje=heitje,
        redemption=redemption,
        forwarder=forwarder,
        start_block=start,
        deployer=sender.address,
        start_block_hash=w3.eth.get_block(start)["hash"].to_0x_hex(),
        confirmations=confirmations if confirmations is not None else _confirmations(chain_id),
    )
    return _add_desk(w3, sender, deployment)


def _desk_is_live(w3: Web3, deployment: Deployment) -> bool:
    """Whether the manifest names a neighbourhood desk with code on this chain."""
    return bool(deployment.neighbourhood_desk) and bool(
        w3.eth.get_code(to_checksum_address(deployment.neighbourhood_desk))
    )


def _add_desk(w3: Web3, sender: Sender, deployment: Deployment) -> Deployment:
    """Deploys the neighbourhood desk for ``deployment``'s Heitje: the manifest with it."""
    receipt = sender.create(
        creation_data(w3, "NeighbourhoodDesk", deployment.heitje),
        "deploy NeighbourhoodDesk (associations register residents of their neighbourhoods)",
    )
    return replace(
        deployment, neighbourhood_desk=to_checksum_address(str(receipt["contractAddress"]))
    )


def _confirmations(chain_id: int) -> int:
    """The depth the indexer trails the head by: none on the dev chain, which never reorganises
    by itself."""
    return 0 if chain_id == DEV_CHAIN_ID else DEFAULT_CONFIRMATIONS


def _caps_mismatch(wesh: Wesh, yearly_cap: int, monthly_cap: int) -> str | None:
    """What to tell a rerun asking for other caps than the deployed contract has (None: same)."""
    caps = wesh.caps()
    if (caps.yearly, caps.monthly) == (yearly_cap, monthly_cap):
        return None
    return (
        "caps are fixed at deployment; the deployed contract keeps yearly "
        f"{caps.yearly / 100:.2f} / monthly {caps.monthly / 100:.2f} (change them "
        "for a coming year with set_caps from the admin)"
    )


def _wanted_roles(
    roles: dict[str, Role] | None, final_admin: ChecksumAddress, sender: ChecksumAddress
) -> dict[str, Role]:
    """The roles asked for, plus ADMIN for a final admin other than the sender."""
    wanted = dict(roles or {})
    if final_admin != sender:
        wanted[final_admin] = wanted.get(final_admin, Role(0)) | Role.ADMIN
    return wanted


def _grant_missing_roles(
    wesh: Wesh, sender: Sender, wanted: dict[str, Role], result: DeployResult
) -> None:
    """Grants each wanted role an account does not hold yet (a rerun sends nothing)."""
    for account, bits in wanted.items():
        account = to_checksum_address(account)
        held = wesh.roles_of(account)
        for role in Role:
            if role in bits and role not in held:
                sender.send(wesh.grant_role(account, role), f"grant {role.name} to {account}")
                result.granted.append((account, role))


def _hand_over_admin(
    wesh: Wesh, sender: Sender, final_admin: ChecksumAddress, result: DeployResult
) -> None:
    """The deployer gives up ADMIN once another final admin holds it."""
    if final_admin != sender.address and Role.ADMIN in wesh.roles_of(sender.address):
        sender.send(
            wesh.revoke_role(sender.address, Role.ADMIN),
            f"hand over: revoke the deployer's ADMIN (admin is now {final_admin})",
        )
        result.revoked.append((sender.address, Role.ADMIN))


def parse_roles(text: str) -> Role:
    """Role names ("reviewer,treasurer") -> Role bits; ValueError names an unknown one."""
    bits = Role(0)
    for part in text.replace("|", ",").replace("+", ",").split(","):
        name = part.strip().upper().replace("-", "_").replace(" ", "_")
        if not name:
            continue
        if name not in Role.__members__:
            choices = ", ".join(str(r.name).lower().replace("_", "-") for r in Role)
            raise ValueError(f"unknown role {part.strip()!r}: use {choices}")
        bits |= Role[name]
    if not bits:
        raise ValueError("no role given")
    return bits


def role_names(bits: Role) -> str:
    """Role bits -> "registrar, reviewer" (or "-" for none)."""
    names = [str(r.name).lower().replace("_", "-") for r in Role if r in bits]
    return ", ".join(names) if names else "-"
