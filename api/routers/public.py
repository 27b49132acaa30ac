"""What anyone may read: open tasks (list and map), a task, the shops, public statistics."""

from __future__ import annotations

import time
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Path, Query, Request, Response
from pydantic import BaseModel

from api.deps import ServicesDep
from api.errors import InvalidInput, NotFound
from wesh import reasons, rules
from wesh.metadata import is_cid
from wesh.neighbourhoods import NEIGHBOURHOODS

router = APIRouter(tags=["public"])


class TaskCard(BaseModel):
    task_id: int
    title: str
    title_en: str
    category: str
    reward: int
    slots: int
    slots_open: int
    claim_deadline: int
    claim_duration: int
    neighbourhood: int
    status: int
    street: str
    lat: float | None
    lon: float | None
    metadata_cid: str


class TaskPage(BaseModel):
    items: list[TaskCard]
    total: int
    offset: int
    limit: int


class TaskDetail(BaseModel):
    task_id: int
    reward: int
    slots: int
    slots_open: int
    claim_deadline: int
    claim_duration: int
    neighbourhood: int
    status: int
    metadata_cid: str
    task_manager: str
    document: dict[str, Any]
    claims_by_status: dict[str, int]


class MerchantOut(BaseModel):
    merchant_id: int
    address: str
    active: bool
    metadata_cid: str
    name: str
    kind: str
    document: dict[str, Any]


class NeighbourhoodOut(BaseModel):
    code: int
    name: str
    district: str
    lat: float
    lon: float


class ReasonOut(BaseModel):
    code: int
    key: str
    nl: str
    en: str


class StatCell(BaseModel):
    neighbourhood: int
    neighbourhood_name: str
    month: str
    people: int | None
    tasks_paid: int | None
    amount_paid: int | None
    suppressed: bool


class Statistics(BaseModel):
    cells: list[StatCell]
    min_cell: int
    totals: dict[str, int]


class TokenOut(BaseModel):
    address: str
    symbol: str
    decimals: int
    name: str


class ConfigOut(BaseModel):
    chain_id: int
    heitje: str
    redemption: str
    token: TokenOut
    public_url: str
    demo: bool
    chain_name: str
    rpc_urls: list[str]
    map_tiles_url: str
    map_attribution: str
    # The contract's MAX_REJECTIONS: the rejection that makes this many is final.
    max_rejections: int
    # wesh.rules: the kinds of task (Dutch words, the dApp translates them), the contract's bounds
    # for a task, and the status numbers of tasks and claims with their names.
    categories: list[str]
    max_reward: int
    max_slots: int
    min_claim_duration: int
    max_claim_duration: int
    task_statuses: dict[str, str]
    claim_statuses: dict[str, str]


def json_response(payload: Any) -> Response:
    """orjson straight to bytes: list endpoints skip a second validation pass of their rows."""
    return Response(orjson.dumps(payload), media_type="application/json")


@router.get("/config", response_model=ConfigOut)
def config(svc: ServicesDep) -> ConfigOut:
    """What the dApp needs to talk to the chain: chain id, contract addresses, the token, and
    what a wallet that does not know the chain yet is offered; the map background."""
    heitje = str(svc.wesh.heitje.address)
    demo = svc.chain_id == 31337
    rpc_url = svc.settings.chain_rpc_public_url or (svc.settings.rpc_url if demo else "")
    return ConfigOut(
        chain_id=svc.chain_id,
        heitje=heitje,
        redemption=str(svc.wesh.redemption.address),
        token=TokenOut(address=heitje, symbol="HEIT", decimals=2, name="'t Heerlens Heitje"),
        public_url=svc.settings.public_url,
        demo=demo,
        chain_name=svc.settings.chain_name
        or ("WESH lokaal (anvil)" if demo else f"Chain {svc.chain_id}"),
        rpc_urls=[rpc_url] if rpc_url else [],
        map_tiles_url=svc.settings.map_tiles_url,
        map_attribution=svc.settings.map_attribution,
        max_rejections=rules.MAX_REJECTIONS,
        categories=list(rules.CATEGORIES),
        max_reward=rules.MAX_REWARD,
        max_slots=rules.MAX_SLOTS,
        min_claim_duration=rules.MIN_CLAIM_DURATION,
        max_claim_duration=rules.MAX_CLAIM_DURATION,
        task_statuses={str(n): name for n, name in rules.status_names(rules.TaskStatus).items()},
        claim_statuses={str(n): name for n, name in rules.status_names(rules.ClaimStatus).items()},
    )


@router.get("/tasks", response_model=TaskPage)
async def list_tasks(
    request: Request,
    svc: ServicesDep,
    status: Literal["open", "full", "closed", "cancelled", "all"] = "open",
    neighbourhood: Annotated[int | None, Query(ge=1, le=65535)] = None,
    category: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z0-9-]+$")] = None,
    bbox: Annotated[
        str | None,
        Query(
            description="south,west,north,east in degrees (a map view)",
            pattern=r"^-?\d{1,3}(\.\d+)?(,-?\d{1,3}(\.\d+)?){3}$",
        ),
    ] = None,
    offset: Annotated[int, Query(ge=0, le=1_000_000)] = 0,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
) -> Response:
    """Tasks, newest first: open ones by default; filter by neighbourhood, category, map box.

    A page is built once per indexed block (and at most every few seconds, for deadlines that
    pass): between blocks, every request for it gets the same bytes, with an ETag."""
    box: tuple[float, float, float, float] | None = None
    if bbox:
        south, west, north, east = (float(part) for part in bbox.split(","))
        if not (-90 <= south <= north <= 90 and -180 <= west <= east <= 180):
            raise InvalidInput(fields=["bbox"])
        box = (south, west, north, east)

    def build() -> bytes:
        items, total = svc.views.tasks(
            status=None if status == "all" else status,
            neighbourhood=neighbourhood,
            category=category,
            bbox=box,
            offset=offset,
            limit=limit,
            now=int(time.time()),
        )
        return orjson.dumps({"items": items, "total": total, "offset": offset, "limit": limit})

    key = ("tasks", status, neighbourhood, category, box, offset, limit)
    return svc.views.pages.respond(request, key, build)


@router.get("/tasks/{task_id}", response_model=TaskDetail)
async def task_detail(
    request: Request, task_id: Annotated[int, Path(ge=1, le=2**63 - 1)], svc: ServicesDep
) -> Response:
    """One task with its public document (title, description, location) and claim counts."""

    def build() -> bytes:
        task = svc.views.task(task_id)
        if task is None:
            raise NotFound()
        return orjson.dumps(task)

    return svc.views.pages.respond(request, ("task", task_id), build)


@router.get("/merchants", response_model=list[MerchantOut])
def list_merchants(svc: ServicesDep) -> Response:
    """The shops, bars and cultural organisations where Heitjes can be spent."""
    return json_response(svc.views.merchants(active_only=True))


@router.get("/neighbourhoods", response_model=list[NeighbourhoodOut])
def list_neighbourhoods() -> list[NeighbourhoodOut]:
    """Heerlen's neighbourhoods and the codes the contracts use for them."""
    return [
        NeighbourhoodOut(code=n.code, name=n.name, district=n.district, lat=n.lat, lon=n.lon)
        for n in NEIGHBOURHOODS
    ]


@router.get("/reasons", response_model=list[ReasonOut])
def list_reasons() -> list[ReasonOut]:
    """The rejection reason codes and their texts."""
    return [ReasonOut(code=r.code, key=r.key, nl=r.nl, en=r.en) for r in reasons.REASONS]


@router.get("/statistics", response_model=Statistics)
def statistics(svc: ServicesDep) -> Response:
    """Privacy-safe participation by neighbourhood and month (small cells suppressed)."""
    return json_response(svc.views.statistics())


@router.get(
    "/documents/{cid}",
    responses={200: {"content": {"application/json": {}}}},
    response_class=Response,
)
def document(cid: Annotated[str, Path(max_length=100)], svc: ServicesDep) -> Response:
    """A public document by CID: a task's or a merchant's metadata (never evidence)."""
    if not is_cid(cid) or not svc.views.is_public_document(cid):
        raise NotFound()
    return Response(
        svc.content.get(cid),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
