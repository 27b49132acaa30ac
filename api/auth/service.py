"""Signing in with Ethereum: nonces and messages to sign, checking a signed message, sessions."""

from __future__ import annotations

from api.auth import siwe
from api.auth.roles import Roles, RoleSet
from api.auth.schemas import MessageOut, NonceOut, SessionOut
from api.auth.siwe import SiweConfig
from api.auth.store import EphemeralStore


def session_out(
    address: str, roles: RoleSet, token: str | None = None, expires_at: int | None = None
) -> SessionOut:
    """Who is signed in and what the chain says they are."""
    return SessionOut(
        address=address,
        roles=sorted(roles.names),
        citizen_id=roles.citizen_id,
        merchant_id=roles.merchant_id,
        neighbourhoods=list(roles.neighbourhoods),
        token=token,
        expires_at=expires_at,
    )


class AuthService:
    def __init__(
        self, store: EphemeralStore, roles: Roles, config: SiweConfig, session_ttl_s: int
    ) -> None:
        self.store = store
        self.roles = roles
        self.config = config
        self.session_ttl_s = session_ttl_s

    def nonce(self) -> NonceOut:
        """A fresh single-use nonce, with what the message must name."""
        return NonceOut(
            nonce=siwe.new_nonce(self.store, self.config),
            domain=self.config.domain,
            uri=self.config.uri,
            chain_id=self.config.chain_id,
            statement=siwe.STATEMENT,
            expires_in=self.config.nonce_ttl_s,
        )

    def message(self, address: str) -> MessageOut:
        """A complete EIP-4361 message for ``address`` to sign, with a fresh nonce."""
        nonce = siwe.new_nonce(self.store, self.config)
        return MessageOut(message=siwe.build_message(address, nonce, self.config), nonce=nonce)

    def sign_in(self, message: str, signature: str) -> SessionOut:
        """Checks a signed message (``api.auth.siwe``) and starts a session: its token is in the
        answer, for the cookie and for ``Authorization: Bearer``."""
        address = siwe.verify(message, signature, self.store, self.config)
        token = siwe.new_session_token()
        session = self.store.create_session(token, address, self.session_ttl_s)
        return session_out(address, self.roles.of(address), token, session.expires_at)

    def sign_out(self, token: str) -> None:
        """Ends the session in every worker."""
        self.store.delete_session(token)
