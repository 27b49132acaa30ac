"""What a reviewer is told about a hand-in's photos: when they were taken, how far from the task's
pin, whether the same photo was handed in before (for another task or by another resident), and
the task's own reference photo.

Capture time and distance are read at hand-in from the photo's metadata (``api.evidence.exif``) and
kept in the private evidence document; the coordinates never are.

"Handed in before" compares 64-bit perceptual hashes (pHash, ``imagehash.phash``: the DCT of a
32x32 greyscale, so it survives shrinking, re-encoding and small colour changes) by Hamming
distance. Measured (tests/api/test_api_evidence.py repeats the decisive cases): the same photo
shrunk and re-encoded as the page and the API do differs in 0-2 bits, 15 % brighter in at most 4;
different scenes in 24 or more (20 random scenes) or 16 or more (the demo's park photos); the
before and after of one spot, framed a step apart, in 8-22. A photo is taken for "the same" at
REUSE_BITS = 6 or fewer: every copy of one photo is caught, a different scene never is, and the
reviewer, who sees both photos, tasks and dates, judges a rare look-alike of the same spot (the
page says "the same, or almost the same, photo"). A 2 % crop moves the hash by up to 10 bits:
a deliberately edited copy is not caught.

Every submission on chain is hashed, also those that reached the content store another way (the
demo, the city's scripts): a look at the checks first hashes submissions not seen yet.
"""

from __future__ import annotations

import contextlib
import io
from dataclasses import dataclass
from typing import Any

import imagehash
import sqlalchemy as sa
from PIL import Image
from sqlalchemy.engine import Engine

from api.errors import NotFound
from api.tables import evidence_photos
from indexer import schema as s
from wesh.metadata import ContentError, ContentStore, get_document, is_cid

#: Hamming distance (of 64 bits) at or under which two photos count as the same photo.
REUSE_BITS = 6
#: Distance from the task's pin above which a photo is flagged as taken far away (m). Phone GPS
#: in town is good to 5-50 m, and a task's place (a park, a street) can span 100 m or more.
FAR_METRES = 200
#: Taken this long (s) before the claim still counts as during it (phone clocks drift).
CLOCK_SLACK = 10 * 60
#: Submissions hashed in one look (the rest at the next).
SYNC_BATCH = 200


def phash_of(data: bytes) -> str | None:
    """The 64-bit perceptual hash of an image, as 16 hex digits (None when it cannot be read)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return str(imagehash.phash(image.convert("RGB")))
    except (OSError, ValueError, SyntaxError):
        return None


def bits_apart(a: str, b: str) -> int:
    """Hamming distance between two hashes in hex."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def photos_of(document: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The photos an evidence document names, as dicts with at least "role" and "cid" (documents
    made outside the API may list bare CIDs: the first is "before", the second "after")."""
    if not document or not isinstance(document.get("photos"), list):
        return []
    found = []
    for i, photo in enumerate(document["photos"][:2]):
        if isinstance(photo, str):
            photo = {"cid": photo}
        if isinstance(photo, dict) and isinstance(photo.get("cid"), str):
            role = photo.get("role") if photo.get("role") in ("before", "after") else None
            found.append({**photo, "role": role or ("before" if i == 0 else "after")})
    return found


@dataclass(frozen=True)
class Submission:
    evidence_cid: str
    task_id: int
    citizen_id: int
    handed_in_at: int


class EvidenceChecks:
    def __init__(self, engine: Engine, content: ContentStore) -> None:
        self.engine = engine
        self.content = content

    def unhashed(self, limit: int = SYNC_BATCH) -> list[Submission]:
        """Submissions on chain whose photos are not hashed yet, oldest first."""
        sub, blk, ph = s.submissions, s.blocks, evidence_photos
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(
                    sub.c.evidence_cid,
                    sub.c.task_id,
                    sub.c.citizen_id,
                    sa.func.coalesce(blk.c.timestamp, 0).label("at"),
                )
                .select_from(sub.outerjoin(blk, blk.c.number == sub.c.block_number))
                .where(~sa.exists().where(ph.c.evidence_cid == sub.c.evidence_cid))
                .order_by(sub.c.block_number, sub.c.log_index)
                .limit(limit)
            ).all()
        seen: dict[str, Submission] = {}
        for row in rows:
            seen.setdefault(
                row.evidence_cid,
                Submission(row.evidence_cid, int(row.task_id), int(row.citizen_id), int(row.at)),
            )
        return list(seen.values())

    def sync(self) -> int:
        """Hashes the photos of submissions not hashed yet; returns how many submissions."""
        todo = self.unhashed()
        for sub in todo:
            rows = []
            for photo in photos_of(get_document(self.content, sub.evidence_cid)):
                try:
                    data = self.content.get(photo["cid"])
                except ContentError:
                    continue
                rows.append(
                    {"role": photo["role"], "photo_cid": photo["cid"], "phash": phash_of(data)}
                )
            if not rows:  # nothing readable: marked, so it is not read again at every look
                rows = [{"role": "", "photo_cid": None, "phash": None}]
            # Another request may hash it at the same moment: its rows are the same.
            with contextlib.suppress(sa.exc.IntegrityError):
                self._insert(sub, rows)
        return len(todo)

    def _insert(self, sub: Submission, rows: list[dict[str, Any]]) -> None:
        """The photo rows of one submission, unless they are there already."""
        with self.engine.begin() as db:
            exists = db.execute(
                sa.select(sa.literal(1))
                .where(evidence_photos.c.evidence_cid == sub.evidence_cid)
                .limit(1)
            ).first()
            if exists is None:
                db.execute(
                    evidence_photos.insert(),
                    [
                        {
                            **row,
                            "evidence_cid": sub.evidence_cid,
                            "task_id": sub.task_id,
                            "citizen_id": sub.citizen_id,
                            "handed_in_at": sub.handed_in_at,
                        }
                        for row in rows
                    ],
                )

    def submission(self, evidence_cid: str) -> Submission:
        """The submission on chain that handed in ``evidence_cid`` (the latest, if several)."""
        sub, blk = s.submissions, s.blocks
        with self.engine.connect() as db:
            row = db.execute(
                sa.select(
                    sub.c.task_id,
                    sub.c.citizen_id,
                    sa.func.coalesce(blk.c.timestamp, 0).label("at"),
                )
                .select_from(sub.outerjoin(blk, blk.c.number == sub.c.block_number))
                .where(sub.c.evidence_cid == evidence_cid)
                .order_by(sub.c.block_number.desc(), sub.c.log_index.desc())
                .limit(1)
            ).first()
        if row is None:
            raise NotFound()
        return Submission(evidence_cid, int(row.task_id), int(row.citizen_id), int(row.at))

    def claimed_at(self, task_id: int, citizen_id: int) -> int | None:
        """When the claim was made (its block's time), if known."""
        c, blk = s.claims, s.blocks
        with self.engine.connect() as db:
            at = db.execute(
                sa.select(blk.c.timestamp)
                .select_from(c.join(blk, blk.c.number == c.c.claimed_block))
                .where(c.c.task_id == task_id, c.c.citizen_id == citizen_id)
            ).scalar()
        return int(at) if at is not None else None

    def reference_photo(self, task_id: int) -> str | None:
        """The task document's reference photo (a CID), when it has one."""
        with self.engine.connect() as db:
            cid = db.execute(
                sa.select(s.tasks.c.metadata_cid).where(s.tasks.c.task_id == task_id)
            ).scalar()
        document = get_document(self.content, cid) if cid else None
        photo = document.get("reference_photo") if document else None
        return photo if isinstance(photo, str) and is_cid(photo) else None

    def reused(self, sub: Submission, phash: str) -> list[dict[str, Any]]:
        """Earlier or later hand-ins with the same photo, for another task or by another
        resident: which task, which resident (number), when; oldest first."""
        ph = evidence_photos.c
        with self.engine.connect() as db:
            rows = db.execute(
                sa.select(ph.task_id, ph.citizen_id, ph.handed_in_at, ph.phash)
                .where(
                    ph.phash.is_not(None),
                    ph.evidence_cid != sub.evidence_cid,
                    sa.or_(ph.task_id != sub.task_id, ph.citizen_id != sub.citizen_id),
                )
                .order_by(ph.handed_in_at, ph.task_id)
            ).all()
        found: dict[tuple[int, int], dict[str, Any]] = {}
        for row in rows:
            if bits_apart(row.phash, phash) <= REUSE_BITS:
                key = (int(row.task_id), int(row.citizen_id))
                found.setdefault(
                    key,
                    {
                        "task_id": key[0],
                        "citizen_id": key[1],
                        "handed_in_at": int(row.handed_in_at),
                        "same_citizen": key[1] == sub.citizen_id,
                    },
                )
        return list(found.values())

    def of(self, evidence_cid: str) -> dict[str, Any]:
        """Everything the review page shows beside one hand-in's photos."""
        sub = self.submission(evidence_cid)
        self.sync()
        claimed = self.claimed_at(sub.task_id, sub.citizen_id)
        try:
            document = get_document(self.content, evidence_cid)
        except ContentError:
            document = None
        with self.engine.connect() as db:
            hashes = {
                row.role: row.phash
                for row in db.execute(
                    sa.select(evidence_photos.c.role, evidence_photos.c.phash).where(
                        evidence_photos.c.evidence_cid == evidence_cid
                    )
                )
            }
        photos = []
        for photo in photos_of(document):
            taken = photo.get("taken_at") if isinstance(photo.get("taken_at"), int) else None
            metres = photo.get("distance_m") if isinstance(photo.get("distance_m"), int) else None
            phash = hashes.get(photo["role"])
            photos.append(
                {
                    "role": photo["role"],
                    "cid": photo["cid"],
                    "taken_at": taken,
                    "distance_m": metres,
                    "far": metres is not None and metres > FAR_METRES,
                    "before_claim": taken is not None
                    and claimed is not None
                    and taken < claimed - CLOCK_SLACK,
                    "reused": self.reused(sub, phash) if phash else [],
                }
            )
        return {
            "evidence_cid": evidence_cid,
            "task_id": sub.task_id,
            "citizen_id": sub.citizen_id,
            "claimed_at": claimed,
            "handed_in_at": sub.handed_in_at,
            "far_metres": FAR_METRES,
            "reference_photo": self.reference_photo(sub.task_id),
            "photos": photos,
        }
