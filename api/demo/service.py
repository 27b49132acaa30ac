"""The demo's account picker and wallet relay (only on the local demo chain: ``api.demo.routes``
answers 404 elsewhere)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from web3 import Web3

from api.auth.roles import Roles
from api.demo.schemas import DemoAccount
from api.merchants.service import MerchantService

#: JSON-RPC 2.0 error codes.
INVALID_REQUEST = -32600
METHOD_NOT_FOUND = -32601
#: How long the node may take to answer one relayed call (seconds).
RELAY_TIMEOUT_S = 30
#: What a wallet asks of a node while signing in, paying or reading a receipt.
ALLOWED = frozenset(
    {
        "eth_chainId",
        "net_version",
        "eth_blockNumber",
        "eth_accounts",
        "eth_call",
        "eth_estimateGas",
        "eth_gasPrice",
        "eth_maxPriorityFeePerGas",
        "eth_feeHistory",
        "eth_getBalance",
        "eth_getCode",
        "eth_getTransactionCount",
        "eth_getTransactionByHash",
        "eth_getTransactionReceipt",
        "eth_getBlockByNumber",
        "eth_sendTransaction",
        "personal_sign",
        "eth_signTypedData_v4",
    }
)


#: Beside the deployment manifest, written by ``make demo`` (``demo.__main__.write_names_file``):
#: the names the terminal gives the demo's people ("Anouk"), by address.
NAMES_FILE = "demo-names.json"


def demo_names(manifest: Path) -> dict[str, str]:
    """The demo's names for its accounts (lower-case address -> name); none without the file."""
    try:
        found = json.loads((manifest.parent / NAMES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(found, dict):
        return {}
    return {str(a).lower(): str(n) for a, n in found.items() if isinstance(n, str)}


def accounts(
    w3: Web3, roles: Roles, merchants: MerchantService, manifest: Path | None = None
) -> list[DemoAccount]:
    """The node's unlocked accounts, with what the indexed chain says they are and their name:
    a shop's from its document, a person's as the demo's terminal prints it."""
    shops = demo_names(manifest) if manifest else {}
    shops |= {m.address.lower(): m.name for m in merchants.merchants(active_only=False)}
    out: list[DemoAccount] = []
    for address in w3.eth.accounts:
        found = roles.of(str(address))
        out.append(
            DemoAccount(
                address=str(address),
                roles=sorted(found.names),
                citizen_id=found.citizen_id,
                merchant_id=found.merchant_id,
                name=shops.get(str(address).lower(), ""),
            )
        )
    return out


def refusal(call_id: Any, code: int, message: str) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "id": call_id, "error": {"code": code, "message": message}}


async def relay(rpc_url: str, body: Any) -> bytes | dict[str, Any]:
    """One JSON-RPC request passed to the node if its method is one a wallet needs: the node's
    answer (bytes), or a JSON-RPC error of our own."""
    if not isinstance(body, dict) or not isinstance(body.get("method"), str):
        return refusal(None, INVALID_REQUEST, "invalid request")
    call_id = body.get("id")
    method = body["method"]
    if method not in ALLOWED:
        return refusal(call_id, METHOD_NOT_FOUND, f"{method} is not available in the demo")
    params = body.get("params")
    payload = {
        "jsonrpc": "2.0",
        "id": call_id,
        "method": method,
        "params": params if isinstance(params, list) else [],
    }
    async with httpx.AsyncClient(timeout=RELAY_TIMEOUT_S) as client:
        reply = await client.post(rpc_url, json=payload)
    return reply.content
