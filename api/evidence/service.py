"""Evidence: a citizen's photos checked, cleaned and stored with the evidence document that goes
on chain, and who may see them afterwards (the citizen who handed them in, and reviewers)."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from api.auth.roles import CITY_ROLES, RoleSet
from api.documents.service import DocumentService
from api.errors import Forbidden, NotFound, Unavailable
from api.evidence import exif, photos
from api.evidence.schemas import EvidenceOut, PhotoOut
from api.prepared import Transactions
from api.tables import evidence_owners
from indexer import schema as s
from wesh.metadata import ContentError, ContentStore, encode, get_document
from wesh.rules import Role

log = logging.getLogger("wesh.api")

#: The evidence document's format, named in the document itself.
EVIDENCE_SCHEMA = "wesh.evidence/1"
#: A CID the contract accepts, for asking whether it accepts a submission at all.
PROBE_CID = "bafkreicheckonly"
#: Who may see anyone's evidence.
REVIEWER = CITY_ROLES[Role.REVIEWER]


@dataclass(frozen=True)
class Upload:
    """One uploaded photo: its role ("before", "after"), its bytes and the type it claims."""

    role: str
    data: bytes
    declared_type: str | None
    #: The original photo's EXIF segment, sent by the page beside a photo it shrank (the shrinking
    #: drops it); empty when the photo comes as it was taken (it carries its own).
    exif: bytes = b""


def evidence_document(
    task_id: int, citizen_id: int | None, stored: list[PhotoOut], note: str
) -> dict[str, Any]:
    """What goes on chain (by CID) when a citizen hands in work: the task, the citizen, the
    cleaned photos' CIDs and sizes, and their note."""
    return {
        "schema": EVIDENCE_SCHEMA,
        "task_id": task_id,
        "citizen_id": citizen_id,
        "photos": [p.model_dump() for p in stored],
        "note": note.strip(),
    }


class EvidenceService:
    def __init__(
        self,
        engine: Engine,
        content: ContentStore,
        documents: DocumentService,
        txs: Transactions,
        max_bytes: int,
        max_pixels: int,
    ) -> None:
        self.engine = engine
        self.content = content
        self.documents = documents
        self.txs = txs
        self.max_bytes = max_bytes
        self.max_pixels = max_pixels

    def hand_in(
        self, task_id: int, sender: str, citizen_id: int | None, uploads: list[Upload], note: str
    ) -> EvidenceOut:
        """Checks and cleans the photos, stores them and the evidence document, and prepares
        the submission. Nothing is stored unless every photo is accepted and the claim takes a
        submission now."""
        cleaned = [
            (
                upload,
                photos.clean(
                    upload.data, upload.declared_type, self.max_bytes, self.max_pixels, upload.role
                ),
            )
            for upload in uploads
        ]
        pin = self.pin_of(task_id)
        # The contract must accept a submission now (the claim is open and valid) before anything
        # is stored: the evidence CID's value does not change that answer.
        self.txs.check(self.txs.wesh.submit(task_id, PROBE_CID), sender)
        stored: list[PhotoOut] = []
        for upload, photo in cleaned:
            # Capture time and distance, read before the metadata is gone; the coordinates are
            # dropped inside exif.facts.
            found = exif.facts(exif.load_segment(upload.exif) or photo.exif, pin)
            cid = self.put(photo.data)
            self.record(cid, sender, photo.media_type)
            stored.append(
                PhotoOut(
                    role=upload.role,
                    cid=cid,
                    media_type=photo.media_type,
                    width=photo.width,
                    height=photo.height,
                    taken_at=found.taken_at,
                    distance_m=found.distance_m,
                )
            )
        document = evidence_document(task_id, citizen_id, stored, note)
        evidence_cid = self.put(encode(document))
        self.record(evidence_cid, sender, "application/json")
        tx = self.txs.prepare(
            self.txs.wesh.submit(task_id, evidence_cid), sender, "submit", task_id=task_id
        )
        return EvidenceOut(evidence_cid=evidence_cid, photos=stored, tx=tx)

    def put(self, data: bytes) -> str:
        """Stores evidence; a store that cannot take it now (an IPFS node down, a full disk) is
        a temporary outage in words, not an unexplained error: nothing was lost on the phone."""
        try:
            return self.content.put(data)
        except (ContentError, OSError) as error:
            log.warning("evidence store refused %d bytes: %s", len(data), error)
            raise Unavailable("evidence_store_unavailable") from None

    def pin_of(self, task_id: int) -> tuple[float, float] | None:
        """The task's pin (lat, lon) from its document, if it has one."""
        with self.engine.connect() as db:
            cid = db.execute(
                sa.select(s.tasks.c.metadata_cid).where(s.tasks.c.task_id == task_id)
            ).scalar()
        document = get_document(self.content, cid) if cid else None
        place = document.get("location") if document else None
        if not isinstance(place, dict):
            return None
        lat, lon = place.get("lat"), place.get("lon")
        if not isinstance(lat, int | float) or not isinstance(lon, int | float):
            return None
        return float(lat), float(lon)

    def fetch(self, cid: str, wallet: str, roles: RoleSet) -> tuple[bytes, str]:
        """An evidence photo or document and its media type, for its owner or a reviewer.

        Evidence uploaded through this API is recorded with its owner. Evidence that reached the
        content store another way (the city's scripts, the demo's seed) has no record: reviewers
        may still see it, and a citizen may see an evidence document their own claim points
        to."""
        if not self.content.has(cid) or self.documents.is_public(cid):
            raise NotFound()
        reviewer = REVIEWER in roles.names
        record = self.record_of(cid)
        if record is not None:
            owner, media_type = record
            allowed = reviewer or owner.lower() == wallet.lower()
        else:
            media_type = photos.media_type_of(self.content.get(cid))
            allowed = reviewer or self.claims_evidence(cid, wallet)
        if not allowed:
            raise Forbidden(role=REVIEWER)
        return self.content.get(cid), media_type

    def record(self, cid: str, owner: str, media_type: str) -> None:
        """Who handed ``cid`` in (the first to do so keeps it)."""
        with self.engine.begin() as db:
            exists = db.execute(
                sa.select(evidence_owners.c.cid).where(evidence_owners.c.cid == cid)
            ).first()
            if exists is None:
                db.execute(
                    evidence_owners.insert().values(
                        cid=cid,
                        owner=owner.lower(),
                        media_type=media_type,
                        created_at=int(time.time()),
                    )
                )

    def claims_evidence(self, cid: str, wallet: str) -> bool:
        """Whether ``cid`` is the evidence document of one of ``wallet``'s claims."""
        with self.engine.connect() as db:
            found = db.execute(
                sa.select(sa.literal(1))
                .where(s.claims.c.evidence_cid == cid, s.claims.c.wallet == wallet.lower())
                .limit(1)
            ).first()
        return found is not None

    def record_of(self, cid: str) -> tuple[str, str] | None:
        """(owner, media type) of evidence uploaded through this API."""
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(evidence_owners.c.owner, evidence_owners.c.media_type).where(
                    evidence_owners.c.cid == cid
                )
            ).first()
        return (row.owner, row.media_type) if row else None
