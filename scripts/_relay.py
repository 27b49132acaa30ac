"""City staff send through the city's relayer: they sign, the relayer pays (docs/relayer.md).

With ``WESH_RELAYER_URL`` set (the API's address, e.g. ``http://localhost:8000``), ``ApeSender``
does not send a transaction from the staff member's ape account, which holds no native token:
it signs a forward request (EIP-712, ``wesh.forwarding``) with that account and hands it to the
relayer (``POST /relay/requests``), then follows it until the relayer reports it mined. Without
it, or for the admin's calls (which the relayer does not take: the admin is a multisig that pays
its own fees), the scripts send transactions as before.

``ape run`` skips files whose name starts with ``_``: this module is shared code, not a script.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

import httpx
from eth_account.messages import encode_typed_data
from web3 import Web3
from web3.contract import Contract
from web3.types import TxReceipt

from wesh import forwarding
from wesh.contract import ContractRefusal, TxRequest

if TYPE_CHECKING:
    from ape.api import AccountAPI

#: Where the city's relayer listens (the API); unset: send transactions directly.
RELAYER_URL_ENV = "WESH_RELAYER_URL"
#: How long a signed request stays valid: the relayer sends within seconds.
DEADLINE_S = 900
#: How long to wait for the relayer to report the request mined.
WAIT_S = 300
FINAL = frozenset({"mined", "confirmed", "failed", "refused"})


class RelayRefused(Exception):
    """The relayer refused the request or it failed; the message says why, in words."""


def relayer_url() -> str | None:
    url = os.environ.get(RELAYER_URL_ENV, "").strip()
    return url.rstrip("/") or None


@dataclass
class Relay:
    """One relayer and the forwarder it sends to."""

    url: str
    forwarder: Contract

    def request(self, w3: Web3, tx: TxRequest, signer: str) -> forwarding.ForwardRequest:
        deadline = int(w3.eth.get_block("latest")["timestamp"]) + DEADLINE_S
        return forwarding.prepare(w3, self.forwarder, tx, signer, deadline)

    def sign(self, account: AccountAPI, request: forwarding.ForwardRequest) -> bytes:
        """The ape account signs the typed request (it shows it and asks, like a transaction)."""
        domain = forwarding.domain_of(self.forwarder)
        signable = encode_typed_data(full_message=request.typed_data(domain))
        signature = account.sign_message(signable)
        if signature is None:
            raise RelayRefused("the request was not signed")
        return bytes(signature.encode_rsv())

    def send(self, w3: Web3, request: forwarding.ForwardRequest, signature: bytes) -> TxReceipt:
        """Hands the signed request to the relayer and waits until it is mined."""
        body = {"request": request.message(), "signature": "0x" + signature.hex()}
        with httpx.Client(base_url=self.url, timeout=30) as client:
            try:
                answer = client.post("/relay/requests", json=body)
            except httpx.HTTPError as error:
                raise RelayRefused(
                    f"the relayer at {self.url} did not answer ({error}); unset "
                    f"{RELAYER_URL_ENV} to send from your own account (it then needs gas money)"
                ) from None
            if answer.status_code >= 400:
                raise RelayRefused(_problem_text(answer))
            state = answer.json()
            end = time.monotonic() + WAIT_S
            while state.get("state") not in FINAL:
                if time.monotonic() > end:
                    raise RelayRefused(
                        f"the relayer accepted request {state.get('id')} but did not report it "
                        f"mined within {WAIT_S} s; check `ape run relayer status`"
                    )
                time.sleep(0.5)
                state = client.get(f"/relay/requests/{state['id']}").json()
        if state["state"] in ("failed", "refused"):
            reason = state.get("reason") or {}
            raise ContractRefusal(str(reason.get("en") or reason.get("nl") or state["state"]))
        receipt = w3.eth.wait_for_transaction_receipt(cast(Any, state["tx_hash"]), timeout=60)
        return receipt


def _problem_text(answer: httpx.Response) -> str:
    """An RFC 9457 problem in English words (the relayer answers in Dutch and English)."""
    try:
        problem = answer.json()
    except ValueError:
        return f"the relayer refused (HTTP {answer.status_code})"
    parts = [str(problem.get(key)) for key in ("title_en", "detail_en") if problem.get(key)] or [
        str(problem.get(key)) for key in ("title", "detail") if problem.get(key)
    ]
    return "the relayer refused: " + " ".join(parts)
