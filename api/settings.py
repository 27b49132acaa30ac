"""API settings, from the environment (prefix ``WESH_``) or a ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from api.citizens.me_cache import DEFAULT_SIZE as ME_CACHE_SIZE
from wesh.artifacts import ROOT
from wesh.rules import DEFAULT_HOURLY_WARNING


class ApiSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WESH_", env_file=".env", extra="ignore")

    #: The indexer's database (the API reads its projections and keeps its own small tables).
    database_url: str = f"sqlite:///{ROOT / '.demo' / 'wesh.db'}"
    #: The chain, for simulating transactions before a wallet signs them and for EIP-1271.
    rpc_url: str = "http://127.0.0.1:8545"
    #: The deployment manifest (see wesh.deployment); default: the local demo chain's.
    deployment: Path = ROOT / ".demo" / "deployments" / "local.json"
    #: Where the dApp is served; its host is the domain SIWE messages must name.
    public_url: str = "http://localhost:8000"
    #: Optional Redis for nonces, sessions and rate limits (else the database).
    redis_url: str | None = None

    session_ttl_s: int = Field(8 * 3600, ge=60)
    nonce_ttl_s: int = Field(600, ge=30)
    #: Maximum age of a SIWE message's issued-at when no expiration time is given.
    siwe_max_age_s: int = Field(600, ge=30)

    upload_max_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    upload_max_pixels: int = Field(40_000_000, ge=10_000)
    #: Content-addressed store for evidence and metadata documents (a folder), or a kubo node.
    content_dir: Path = ROOT / ".demo" / "content"
    ipfs_api_url: str | None = None

    #: Callers whose ``GET /me`` each worker keeps until the index changes (0: none kept).
    me_cache_size: int = Field(ME_CACHE_SIZE, ge=0)

    #: The key of the keyed hash (HMAC-SHA256) under which the desk's person references are kept
    #: (api/joining). Required except on the local chain 31337, where a fixed development secret
    #: stands in. Keep it: another value makes earlier registrations unrecognisable.
    person_reference_secret: str | None = None

    #: Sign-in requests per client address (IP) and minute, counted apart for starting a sign-in
    #: (``/auth/nonce``, ``/auth/message``) and finishing it (``/auth/verify``): one sign-in
    #: costs one of each, so an office of 50 behind one address can all sign in within a minute,
    #: twice over.
    signin_per_minute: int = Field(120, ge=1)
    #: Sign-in requests naming one account (``/auth/message``, ``/auth/verify``) per minute,
    #: from any address: guessing at one account from many addresses stops here.
    signin_per_account_per_minute: int = Field(10, ge=1)
    uploads_per_minute: int = Field(30, ge=1)

    #: The city's account the treasurer's SEPA payout files pay from (api/finance; the same
    #: variables as ``ape run redemptions sepa``). Required for payout files except on the local
    #: chain 31337, where an example account of the BNG stands in.
    debtor_name: str = "Gemeente Heerlen"
    debtor_iban: str | None = None
    debtor_bic: str | None = None

    #: Stadsbeheer: the implied reward per hour (cents) above which the commission form and the
    #: task overview warn (wesh.rules.DEFAULT_HOURLY_WARNING says why 15.00).
    hourly_warning_cents: int = Field(DEFAULT_HOURLY_WARNING, ge=100)

    #: Published statistics and open data: cells of fewer distinct residents are suppressed
    #: (wesh.statistics; WESH_STATISTICS_MIN_RESIDENTS).
    statistics_min_residents: int = Field(10, ge=2)

    #: The dApp's map background ({z}/{x}/{y} tiles); lists and forms work without it.
    map_tiles_url: str = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    map_attribution: str = "© OpenStreetMap"
    #: What a wallet that does not know the chain yet is offered (wallet_addEthereumChain):
    #: a name and a public RPC URL (default on the local chain 31337: ``rpc_url``).
    chain_name: str = ""
    chain_rpc_public_url: str = ""

    @property
    def siwe_domain(self) -> str:
        return urlsplit(self.public_url).netloc

    @property
    def cookie_secure(self) -> bool:
        """Secure cookies everywhere except plain-HTTP localhost development."""
        parts = urlsplit(self.public_url)
        return not (parts.scheme == "http" and parts.hostname in {"localhost", "127.0.0.1"})


@lru_cache
def get_settings() -> ApiSettings:
    return ApiSettings()
