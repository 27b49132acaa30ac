"""Public documents by CID: a task's or a shop's (never evidence)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api import openapi
from api.deps import ServicesDep
from api.errors import NotFound
from api.params import CidPath
from wesh.metadata import is_cid

router = APIRouter(tags=[openapi.PUBLIC])


@router.get(
    "/documents/{cid}",
    responses={200: {"content": {"application/json": {}}}},
    response_class=Response,
)
def document(cid: CidPath, svc: ServicesDep) -> Response:
    """A public document by CID: a task's or a merchant's metadata (never evidence)."""
    if not is_cid(cid) or not svc.documents.is_public(cid):
        raise NotFound()
    return Response(
        svc.content.get(cid),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
