"""The relayer's settings, from the environment (prefix ``WESH_RELAYER_``) or a ``.env`` file.

The database, the node and the deployment are the ones the indexer and the API use
(``WESH_DATABASE_URL``, ``WESH_RPC_URL``, ``WESH_DEPLOYMENT``); ``WESH_RELAYER_DATABASE_URL`` and
so on win where set. The key is never a raw private key: an ape account (its encrypted keyfile
and a password file), an encrypted keystore file and a password file, or, on anvil's chain 31337
only, the index of one of anvil's public dev accounts (``relayer.key``).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from wesh.settings import DEFAULT_SQLITE

GWEI = 10**9


def _shared(name: str) -> AliasChoices:
    """``WESH_RELAYER_<NAME>`` first, then the stack's ``WESH_<NAME>``."""
    return AliasChoices(f"WESH_RELAYER_{name}", f"WESH_{name}", name.lower())


class RelayerSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="WESH_RELAYER_", env_file=".env", extra="ignore", populate_by_name=True
    )

    #: Whether the API offers to relay and accepts signed requests (off unless configured; the
    #: demo turns it on).
    enabled: bool = False

    database_url: str = Field(DEFAULT_SQLITE, validation_alias=_shared("DATABASE_URL"))
    rpc_url: str = Field("http://127.0.0.1:8545", validation_alias=_shared("RPC_URL"))
    #: The deployment manifest (None: the network's, ``wesh.deployment.manifest_path``).
    deployment: Path | None = Field(None, validation_alias=_shared("DEPLOYMENT"))
    network: str = Field("local", validation_alias=_shared("NETWORK"))

    # ----------------------------------------------------------------- the key (one of three)
    #: An ape account alias: ``~/.ape/accounts/<alias>.json`` (or under ``APE_DATA_FOLDER``).
    ape_account: str | None = None
    #: An encrypted keystore file (Web3 Secret Storage, as ``geth account new`` writes).
    keyfile: Path | None = None
    #: The password of the ape account or the keystore file, in a file of its own.
    password_file: Path | None = None
    #: On anvil's chain id 31337 only: one of anvil's public dev accounts, by index.
    dev_account: int | None = Field(None, ge=0)

    # ---------------------------------------------------------------------------- limits
    #: Requests per signer per Europe/Amsterdam day, by role (``ape run relayer quota``
    #: overrides them at run time, in the relayer's table).
    quota_citizen: int = Field(40, ge=0)
    quota_merchant: int = Field(100, ge=0)
    quota_staff: int = Field(500, ge=0)
    #: What the city spends on fees per Europe/Amsterdam day at most, in wei of the native token
    #: (default 1 xDAI; overridable at run time too).
    budget_per_day_wei: int = Field(10**18, ge=0)

    # -------------------------------------------------------------------------- sending
    #: Most requests in one ``execute_batch`` (the forwarder takes 32).
    batch_max: int = Field(16, ge=1, le=32)
    #: How long the oldest waiting request waits for others to share its transaction (s).
    batch_wait_s: float = Field(0.25, ge=0)
    #: Transactions sent and not yet mined at most (each one nonce of the relayer's account).
    max_in_flight: int = Field(4, ge=1)
    #: Blocks before a mined request counts as confirmed (None: the manifest's confirmations).
    confirmations: int | None = Field(None, ge=0)
    #: A transaction not mined after this many seconds is replaced (same nonce, higher fees)
    #: when the base fee rose above what it offers.
    replace_after_s: float = Field(30.0, gt=0)
    #: The tip per gas (None: the node's ``eth_maxPriorityFeePerGas``).
    priority_fee_wei: int | None = Field(None, ge=0)
    #: Never more than this per gas, whatever the base fee does.
    max_fee_per_gas_wei: int = Field(500 * GWEI, gt=0)
    #: How long a request the API offers stays valid (its signed deadline), seconds.
    deadline_s: int = Field(900, ge=30)
    #: Seconds between the sender's passes over the journal and the chain.
    poll_s: float = Field(0.1, gt=0)
    #: The API takes no request when the sender made no pass for this long (it is down: the
    #: dApp offers to send directly instead).
    sender_timeout_s: float = Field(30.0, gt=0)
    log_level: str = "INFO"

    def quota(self, role: str) -> int:
        """The default quota of ``role`` (citizen, merchant or staff)."""
        return int(getattr(self, f"quota_{role}"))


@lru_cache
def get_settings() -> RelayerSettings:
    return RelayerSettings()
