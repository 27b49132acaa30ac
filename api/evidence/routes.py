"""Evidence: a citizen hands in a before and an after photo; only they and reviewers see them."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Response, UploadFile

from api import openapi
from api.auth.roles import CITY_ROLES
from api.deps import CallerDep, Citizen, ServicesDep, rate_limit
from api.errors import Forbidden, NotFound
from api.evidence import photos
from api.evidence.schemas import EvidenceOut, PhotoOut
from api.params import CidPath, TaskIdPath
from api.prepared import prepare
from wesh.metadata import encode
from wesh.rules import Role

router = APIRouter(tags=[openapi.CITIZEN])


@router.post(
    "/me/tasks/{task_id}/evidence",
    response_model=EvidenceOut,
    dependencies=[rate_limit("upload", "uploads_per_minute")],
)
async def upload_evidence(
    task_id: TaskIdPath,
    caller: Citizen,
    svc: ServicesDep,
    before: Annotated[UploadFile, File(description="photo before the work")],
    after: Annotated[UploadFile, File(description="photo after the work")],
    note: Annotated[str, Form(max_length=500)] = "",
) -> EvidenceOut:
    """Checks and cleans two photos (type by content, size, no location or device data), stores
    them and the evidence document by CID, and prepares the submission."""
    limit = svc.settings.upload_max_bytes
    cleaned: list[tuple[str, photos.CleanPhoto]] = []
    for role, upload in (("before", before), ("after", after)):
        data = await upload.read(limit + 1)
        cleaned.append(
            (role, photos.clean(data, upload.content_type, limit, svc.settings.upload_max_pixels))
        )
    # The contract must accept a submission now (the claim is open and valid) before anything
    # is stored: the evidence CID's value does not change that answer.
    prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.submit(task_id, "bafkreicheckonly"),
        caller.address,
        "submit",
        task_id=task_id,
    )
    # Only now, with every photo accepted and the claim open, is anything stored.
    stored: list[PhotoOut] = []
    for role, photo in cleaned:
        cid = svc.content.put(photo.data)
        svc.evidence.record(cid, caller.address, photo.media_type)
        stored.append(
            PhotoOut(
                role=role,
                cid=cid,
                media_type=photo.media_type,
                width=photo.width,
                height=photo.height,
            )
        )
    document: dict[str, Any] = {
        "schema": "wesh.evidence/1",
        "task_id": task_id,
        "citizen_id": caller.roles.citizen_id,
        "photos": [p.model_dump() for p in stored],
        "note": note.strip(),
    }
    evidence_cid = svc.content.put(encode(document))
    svc.evidence.record(evidence_cid, caller.address, "application/json")
    tx = prepare(
        svc.wesh,
        svc.chain_id,
        svc.wesh.submit(task_id, evidence_cid),
        caller.address,
        "submit",
        task_id=task_id,
    )
    return EvidenceOut(evidence_cid=evidence_cid, photos=stored, tx=tx)


@router.get(
    "/evidence/{cid}", response_class=Response, responses={200: {"content": {"image/jpeg": {}}}}
)
def evidence_content(cid: CidPath, caller: CallerDep, svc: ServicesDep) -> Response:
    """An evidence photo or document: only for the citizen who handed it in and for reviewers.

    Evidence uploaded through this API is recorded with its owner. Evidence that reached the
    content store another way (the city's scripts, the demo's seed) has no record: reviewers may
    still see it, and a citizen may see an evidence document their own claim points to."""
    if not svc.content.has(cid) or svc.documents.is_public(cid):
        raise NotFound()
    record = svc.evidence.record_of(cid)
    reviewer = CITY_ROLES[Role.REVIEWER] in caller.roles.names
    if record is not None:
        owner, media_type = record
        allowed = reviewer or owner.lower() == caller.address.lower()
    else:
        data = svc.content.get(cid)
        media_type = photos.media_type_of(data)
        allowed = reviewer or svc.evidence.claims_evidence(cid, caller.address)
    if not allowed:
        raise Forbidden(role=CITY_ROLES[Role.REVIEWER])
    return Response(
        svc.content.get(cid), media_type=media_type, headers={"Cache-Control": "private"}
    )
