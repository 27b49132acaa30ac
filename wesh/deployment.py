"""The deployment manifest: where one network's WESH contracts live.

``ape run deploy`` writes it; the indexer and the API read it. One JSON file per network:
``deployments/<network>.json`` for real networks (committed, so every city's deployment is public
record), ``.demo/deployments/<network>.json`` for anvil's chain id 31337 (thrown away with the
chain). ``WESH_DEPLOYMENT`` names a file explicitly.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from wesh.artifacts import ROOT

DEV_CHAIN_ID = 31337


class ManifestError(Exception):
    """The manifest is missing or unreadable; the message says what to do."""


@dataclass(frozen=True)
class Deployment:
    network: str
    chain_id: int
    heitje: str
    redemption: str
    #: The block the Heitje contract was deployed in: the indexer starts there.
    start_block: int
    deployer: str
    #: The block hash of ``start_block``, to notice a manifest from a chain that was reset.
    start_block_hash: str = ""
    #: Confirmation depth the indexer should trail the head by on this chain.
    confirmations: int = 0
    #: The trusted ERC-2771 forwarder Heitje and Redemption honour (the relayer sends to it);
    #: empty in a manifest written before it existed.
    forwarder: str = ""
    #: The neighbourhood desk (NeighbourhoodDesk.vy, REGISTRAR on Heitje): associations register
    #: residents of their granted neighbourhoods through it; empty before it existed.
    neighbourhood_desk: str = ""

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2) + "\n"


def manifest_path(network: str, chain_id: int) -> Path:
    """Where the manifest of ``network`` lives (see the module docstring)."""
    explicit = os.environ.get("WESH_DEPLOYMENT")
    if explicit:
        return Path(explicit)
    safe = network.replace(":", "-").replace("/", "-")
    folder = ROOT / ".demo" / "deployments" if chain_id == DEV_CHAIN_ID else ROOT / "deployments"
    return folder / f"{safe}.json"


def save(deployment: Deployment, path: Path | None = None) -> Path:
    """Writes the manifest atomically; returns its path."""
    path = path or manifest_path(deployment.network, deployment.chain_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(deployment.to_json())
    tmp.replace(path)
    return path


def load(path: Path) -> Deployment:
    """Reads a manifest, or raises ``ManifestError`` saying what to run."""
    if not path.exists():
        raise ManifestError(f"no deployment manifest at {path}: run `ape run deploy` first")
    try:
        data = json.loads(path.read_text())
        return Deployment(**data)
    except (ValueError, TypeError) as error:
        raise ManifestError(f"deployment manifest {path} is not valid: {error}") from None
