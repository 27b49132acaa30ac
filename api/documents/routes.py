"""Public documents by CID: a task's or a shop's (never evidence)."""

from __future__ import annotations

from http import HTTPStatus

from fastapi import Response

from api import openapi
from api.deps import ServicesDep, indexed_router
from api.params import CidPath

router = indexed_router(tags=[openapi.PUBLIC])


@router.get(
    "/documents/{cid}",
    responses={HTTPStatus.OK: {"content": {"application/json": {}}}},
    response_class=Response,
)
def document(cid: CidPath, svc: ServicesDep) -> Response:
    """A public document by CID: a task's or a merchant's metadata (never evidence)."""
    return Response(
        svc.documents.public(cid),
        media_type="application/json",
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
