"""Settings from the environment (prefix ``WESH_``), one class per process kind.

Only the indexer's settings live here so far; the API adds its own class beside it. Every field
can be set as ``WESH_<FIELD>`` (e.g. ``WESH_DATABASE_URL``) and most have a command-line flag too.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from wesh.artifacts import ROOT

DEFAULT_SQLITE = f"sqlite:///{ROOT / '.demo' / 'wesh.db'}"


class IndexerSettings(BaseSettings):
    """What ``python -m indexer`` reads from the environment."""

    model_config = SettingsConfigDict(env_prefix="WESH_", extra="ignore")

    #: SQLite file (the embedded default) or ``postgresql+psycopg://user@host/db``.
    database_url: str = DEFAULT_SQLITE
    rpc_url: str = "http://127.0.0.1:8545"
    #: Network name: picks the manifest (``wesh.deployment.manifest_path``) when ``deployment``
    #: is not set.
    network: str = "local"
    #: The deployment manifest to follow. The same variable (``WESH_DEPLOYMENT``) that
    #: ``wesh.deployment.manifest_path`` honours.
    deployment: Path | None = None
    #: Blocks to trail the head by before data counts as confirmed; None: the manifest's value.
    confirmations: int | None = Field(default=None, ge=0)
    #: Blocks per eth_getLogs call to start with; adapted to the number of logs per answer (it
    #: reaches thousands of blocks within a few calls on a sparse chain, and stays small on a
    #: dense one, so the first answer is never a huge one).
    batch_blocks: int = Field(default=20, ge=1)
    #: Aim for about this many logs per eth_getLogs answer (the range doubles while answers
    #: are smaller than half of it, and shrinks when they are larger).
    target_logs: int = Field(default=20_000, ge=1)
    #: Largest block range per eth_getLogs call, however empty the chain.
    max_batch_blocks: int = Field(default=50_000, ge=1)
    #: While catching up, consecutive ranges are applied in one transaction for up to this many
    #: seconds (readers see the index move on at least this often, and a crash costs at most
    #: this much work): a state row the events of several ranges change (a claim is claimed,
    #: submitted and approved in three ranges) is written once instead of once per range.
    commit_seconds: float = Field(default=5.0, gt=0)
    #: Block headers per JSON-RPC batch request.
    header_batch: int = Field(default=500, ge=1)
    #: Seconds between polls of the head once caught up.
    poll_interval: float = Field(default=0.2, gt=0)
    #: Seconds before an RPC request counts as timed out.
    rpc_timeout: float = Field(default=30.0, gt=0)
    #: Attempts per RPC request before giving up; 0: keep trying (a daemon outlives an outage).
    rpc_max_attempts: int = Field(default=0, ge=0)
    #: Longest wait between retries, seconds.
    rpc_max_backoff: float = Field(default=10.0, gt=0)
    #: Blocks below the head that keep an undo journal and a full block-hash log: the deepest
    #: reorganisation the indexer can roll back (beyond the confirmation depth).
    max_reorg_depth: int = Field(default=128, ge=1)
    #: On anvil's chain id 31337, drop an index of another (earlier, now gone) deployment instead
    #: of refusing to start: ``make demo`` starts a fresh chain with the same database file.
    reset_dev_chain: bool = True
    #: Serve Prometheus metrics on this port (127.0.0.1); None: off.
    metrics_port: int | None = None
    log_level: str = "INFO"
