"""The demo account picker: only on the local demo chain (chain id 31337), never elsewhere.

``make demo`` runs anvil, whose ten dev accounts are unlocked: anvil signs for them. So that a
newcomer can play citizen, shop or city from any browser (a phone on the same network included)
without installing a wallet, the dApp offers these accounts and talks to anvil through this API:

- ``GET /demo/accounts``: the node's accounts with what the indexed chain says they are;
- ``POST /demo/rpc``: a JSON-RPC proxy to the node for the few methods a wallet needs.

Both answer 404 unless the deployment *and* the node are on chain 31337: on any real network
these routes do not exist, and the node would not hold unlocked keys anyway.
"""

from __future__ import annotations

from fastapi import Request, Response

from api import openapi
from api.demo import service
from api.demo.schemas import DEMO_ACCOUNTS, DemoAccount
from api.deps import ServicesDep, indexed_router
from api.errors import NotFound
from api.responses import json_list, json_response
from wesh.deployment import DEV_CHAIN_ID

router = indexed_router(prefix="/demo", tags=[openapi.DEMO], include_in_schema=False)


def node_chain_id(request: Request, svc: ServicesDep) -> int:
    """The node's own chain id, asked once per process."""
    cached = getattr(request.app.state, "demo_node_chain_id", None)
    if cached is None:
        cached = int(svc.wesh.w3.eth.chain_id)
        request.app.state.demo_node_chain_id = cached
    return int(cached)


def require_demo(request: Request, svc: ServicesDep) -> None:
    if svc.chain_id != DEV_CHAIN_ID:
        raise NotFound()
    try:
        on_demo_chain = node_chain_id(request, svc) == DEV_CHAIN_ID
    except Exception:  # the node is down: as good as no demo
        on_demo_chain = False
    if not on_demo_chain:
        raise NotFound()


@router.get("/accounts", response_model=list[DemoAccount])
def accounts(request: Request, svc: ServicesDep) -> Response:
    """The node's unlocked accounts and their roles (citizen, merchant, city roles)."""
    require_demo(request, svc)
    return json_list(
        DEMO_ACCOUNTS,
        service.accounts(svc.wesh.w3, svc.roles, svc.merchants, svc.settings.deployment),
    )


@router.post("/rpc")
async def rpc(request: Request, svc: ServicesDep) -> Response:
    """One JSON-RPC request, passed to the node if its method is one a wallet needs."""
    require_demo(request, svc)
    try:
        body = await request.json()
    except ValueError:
        body = None
    answer = await service.relay(svc.settings.rpc_url, body)
    if isinstance(answer, bytes):
        return Response(answer, media_type="application/json")
    return json_response(answer)
