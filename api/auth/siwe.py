"""Sign-In with Ethereum (EIP-4361) checks, with the ``siwe`` package.

A message is accepted once: its nonce is taken (atomically, in the shared store) before anything
else is checked, so a replayed or guessed message can never be tried twice. Then the domain, the
URI, the chain id, the times and the signature are checked; a contract wallet (a city multisig)
signs through EIP-1271, which ``siwe`` checks against the chain.
"""

from __future__ import annotations

import re
import secrets
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

with warnings.catch_warnings():
    # abnf < 2.9 (which siwe needs) warns about redefined core rules while building its grammar.
    warnings.simplefilter("ignore")
    import siwe
from eth_utils import to_checksum_address
from web3 import HTTPProvider

from api.auth.store import EphemeralStore
from api.errors import InvalidInput, Unauthenticated

STATEMENT = (
    "Aanmelden bij WESH, 't Heerlens Heitje. / Sign in to WESH, 't Heerlens Heitje. "
    "Dit kost niets en geeft geen toegang tot je geld. / "
    "This costs nothing and gives no access to your money."
)


@dataclass(frozen=True)
class SiweConfig:
    domain: str
    uri: str
    chain_id: int
    rpc_url: str
    nonce_ttl_s: int
    max_age_s: int


def new_nonce(store: EphemeralStore, config: SiweConfig) -> str:
    """A fresh single-use nonce (alphanumeric, as EIP-4361 requires)."""
    nonce = siwe.generate_nonce()
    store.put_nonce(nonce, config.nonce_ttl_s)
    return nonce


def build_message(address: str, nonce: str, config: SiweConfig) -> str:
    """The EIP-4361 message a wallet shows and signs."""
    now = datetime.now(UTC)
    message = siwe.SiweMessage(
        domain=config.domain,
        address=to_checksum_address(address),
        statement=STATEMENT,
        uri=config.uri,
        version="1",
        chain_id=config.chain_id,
        nonce=nonce,
        issued_at=now.isoformat(timespec="seconds").replace("+00:00", "Z"),
        expiration_time=(now + timedelta(seconds=config.nonce_ttl_s))
        .isoformat(timespec="seconds")
        .replace("+00:00", "Z"),
    )
    return message.prepare_message()


def verify(message_text: str, signature: str, store: EphemeralStore, config: SiweConfig) -> str:
    """Returns the checksummed address that signed in, or raises a domain error that says which
    check failed."""
    try:
        message = siwe.SiweMessage.from_message(message=message_text)
    except Exception:  # siwe raises several parser errors, all meaning "not a SIWE message"
        raise InvalidInput("siwe_malformed") from None
    if not store.take_nonce(message.nonce):
        raise Unauthenticated("siwe_nonce")
    if message.domain != config.domain:
        raise Unauthenticated("siwe_domain", domain=config.domain)
    if message.uri.rstrip("/") != config.uri.rstrip("/"):
        raise Unauthenticated("siwe_uri", uri=config.uri)
    if int(message.chain_id) != config.chain_id:
        raise Unauthenticated("siwe_chain", chain_id=config.chain_id)
    now = datetime.now(UTC)
    issued = _parse_time(str(message.issued_at))
    if issued is None or issued > now + timedelta(minutes=5):
        raise Unauthenticated("siwe_expired")
    if message.expiration_time is None and now - issued > timedelta(seconds=config.max_age_s):
        raise Unauthenticated("siwe_expired")
    try:
        message.verify(
            signature,
            domain=config.domain,
            nonce=message.nonce,
            timestamp=now,
            provider=HTTPProvider(config.rpc_url, request_kwargs={"timeout": 10}),
        )
    except siwe.ExpiredMessage:
        raise Unauthenticated("siwe_expired") from None
    except siwe.NotYetValidMessage:
        raise Unauthenticated("siwe_expired") from None
    except siwe.VerificationError:
        raise Unauthenticated("siwe_signature") from None
    except Exception:  # malformed signature bytes, RPC trouble during EIP-1271
        raise Unauthenticated("siwe_signature") from None
    return to_checksum_address(message.address)


#: The second line of an EIP-4361 message: the account that signs in.
_ADDRESS_LINE = re.compile(
    r"^[^\n]* wants you to sign in with your Ethereum account:\n(0x[0-9a-fA-F]{40})$", re.M
)


def address_in(message_text: str) -> str | None:
    """The account a sign-in message names (for counting sign-ins per account before the
    message is checked), or None when it names none."""
    found = _ADDRESS_LINE.search(message_text[:400])
    return found.group(1) if found else None


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
