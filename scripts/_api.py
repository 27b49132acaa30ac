"""Scripts that read what only the API knows: its client, signed in as a staff member.

Some figures belong to the API (the council's quarterly report joins the index with the
treasurer's books and the liveability ratings, all behind ``api``). A script does not import the
API to compute them (docs/architecture.md: scripts import only ``wesh`` and ``relayer``); it asks
the running API, as a clerk's browser would: Sign-In with Ethereum with the staff member's ape
account (nonce and message from ``POST /auth/message``, an EIP-191 ``personal_sign`` of the
message's text, ``POST /auth/verify``), then the bearer token on each request.

Every failure becomes one ``ScriptError`` line with a next step: the API not answering, a
refusal (the RFC 9457 problem's English ``detail``), an answer that is not the API's.

``ape run`` skips files whose name starts with ``_``: this module is shared code, not a script.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import httpx
from eth_account.messages import encode_defunct

from scripts._common import ScriptError

if TYPE_CHECKING:
    from ape.api import AccountAPI

#: Where the API listens when ``--api-url`` is not given and ``WESH_API_URL`` is unset: the
#: address ``make demo`` serves it on.
API_URL_ENV = "WESH_API_URL"
DEFAULT_API_URL = "http://127.0.0.1:8000"
TIMEOUT_S = 120.0


def api_url(option: str | None) -> str:
    """``--api-url``, else ``WESH_API_URL``, else the local API."""
    url = (option or os.environ.get(API_URL_ENV, "") or DEFAULT_API_URL).strip()
    return url.rstrip("/")


def make_client(url: str) -> httpx.Client:
    """The HTTP client of the API at ``url`` (tests replace this with the app's own client).

    English problems: the scripts speak English to city staff."""
    return httpx.Client(base_url=url, timeout=TIMEOUT_S, headers={"Accept-Language": "en"})


def unreachable(url: str, error: Exception) -> ScriptError:
    return ScriptError(
        f"the API at {url} did not answer ({error}). Start the API: make demo, or pass "
        "--api-url (or set WESH_API_URL) to where it runs."
    )


def problem_detail(answer: httpx.Response) -> str:
    """What an RFC 9457 problem says (its English ``detail`` where it has one); for an answer
    that is no problem, its status, as the server at that address is probably not the API."""
    try:
        problem: Any = answer.json()
    except ValueError:
        problem = None
    if isinstance(problem, dict) and (problem.get("detail_en") or problem.get("detail")):
        return str(problem.get("detail_en") or problem.get("detail"))
    return (
        f"HTTP {answer.status_code} from {answer.request.url}, which does not look like the WESH "
        "API; check --api-url"
    )


def request(client: httpx.Client, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """One request; the API not answering is a ``ScriptError`` with the next step."""
    try:
        return client.request(method, path, **kwargs)
    except httpx.TransportError as error:
        raise unreachable(str(client.base_url).rstrip("/"), error) from None


def sign_in(client: httpx.Client, account: AccountAPI) -> str:
    """Signs in with ``account`` (SIWE) and returns the session's bearer token."""
    address = str(account.address)
    answer = request(client, "POST", "/auth/message", json={"address": address})
    if answer.status_code != 200:
        raise ScriptError(f"could not start signing in as {address}: {problem_detail(answer)}")
    message = str(answer.json()["message"])
    signature = account.sign_message(encode_defunct(text=message))
    if signature is None:
        raise ScriptError(f"not signed in: {address} did not sign the sign-in message")
    body = {"message": message, "signature": "0x" + bytes(signature.encode_rsv()).hex()}
    answer = request(client, "POST", "/auth/verify", json=body)
    if answer.status_code != 200:
        raise ScriptError(f"could not sign in as {address}: {problem_detail(answer)}")
    token = answer.json().get("token")
    if not token:
        raise ScriptError(f"the API at {client.base_url} signed {address} in without a token")
    return str(token)
