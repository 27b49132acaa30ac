"""Evidence: a citizen hands in a before and an after photo; only they and reviewers see them."""

from __future__ import annotations

from http import HTTPStatus
from typing import Annotated

from fastapi import File, Form, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from api import openapi
from api.deps import CallerDep, Citizen, ServicesDep, indexed_router, rate_limit
from api.deps import Reviewer as ReviewerDep
from api.evidence.checks import EvidenceChecks
from api.evidence.exif import MAX_EXIF_BYTES
from api.evidence.schemas import EvidenceChecksOut, EvidenceOut
from api.evidence.service import Upload
from api.params import CidPath, TaskIdPath

router = indexed_router(tags=[openapi.CITIZEN])


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
    before_exif: Annotated[
        UploadFile | None, File(description="the original before photo's EXIF segment")
    ] = None,
    after_exif: Annotated[
        UploadFile | None, File(description="the original after photo's EXIF segment")
    ] = None,
) -> EvidenceOut:
    """Checks and cleans two photos (type by content, size, no location or device data), stores
    them and the evidence document by CID, and prepares the submission.

    A page that shrinks the photos first sends each original's EXIF segment beside it (the JPEG
    APP1 payload, at most 64 KiB): only the capture time and the distance to the task's pin are
    read from it and kept in the evidence document, never the coordinates."""
    # One byte more than the limit is read, so that a photo over it is refused as too large.
    limit = svc.settings.upload_max_bytes + 1
    uploads = [
        Upload(
            role,
            await upload.read(limit),
            upload.content_type,
            await segment.read(MAX_EXIF_BYTES + 1) if segment else b"",
        )
        for role, upload, segment in (
            ("before", before, before_exif),
            ("after", after, after_exif),
        )
    ]
    # Decoding photos and asking the chain take a while: not on the event loop.
    return await run_in_threadpool(
        svc.evidence.hand_in, task_id, caller.address, caller.roles.citizen_id, uploads, note
    )


@router.get(
    "/evidence/{cid}",
    response_class=Response,
    responses={HTTPStatus.OK: {"content": {"image/jpeg": {}}}},
)
def evidence_content(cid: CidPath, caller: CallerDep, svc: ServicesDep) -> Response:
    """An evidence photo or document: only for the citizen who handed it in and for reviewers.

    Evidence uploaded through this API is recorded with its owner. Evidence that reached the
    content store another way (the city's scripts, the demo's seed) has no record: reviewers may
    still see it, and a citizen may see an evidence document their own claim points to."""
    data, media_type = svc.evidence.fetch(cid, caller.address, caller.roles)
    return Response(data, media_type=media_type, headers={"Cache-Control": "private"})


@router.get("/city/evidence/{cid}/checks", response_model=EvidenceChecksOut, tags=[openapi.CITY])
def evidence_checks(cid: CidPath, caller: ReviewerDep, svc: ServicesDep) -> EvidenceChecksOut:
    """What a reviewer is told beside a hand-in's photos: when each was taken and how far from the
    task's pin (from the photo's metadata; no coordinates), whether the same photo was handed in
    before for another task or by another resident (perceptual hash), and the task's reference
    photo."""
    checks = EvidenceChecks(svc.evidence.engine, svc.evidence.content)
    return EvidenceChecksOut.model_validate(checks.of(cid))
