"""Public documents addressed by their content: what a task or a shop is, stored off chain.

A task's title, description and location, and a shop's name and street address, are too large
and too changeable for the chain. The contracts keep only the document's CID (content identifier);
anyone holding the document can check it is the one the chain points to.

CID: CIDv1, raw codec, sha2-256 over the exact document bytes (base32, ``bafkrei...``). That is
what ``ipfs add --cid-version=1 --raw-leaves`` gives for files up to 256 KiB (one chunk), so the
same documents can be pinned to IPFS later and keep their CIDs. Documents are canonical JSON
(sorted keys, no spaces, UTF-8): the same content always gives the same CID, which is what lets a
rerun of ``tasks commission`` recognise a task already on chain.

Where documents live is a ``ContentStore``: ``FolderStore`` keeps one file per CID in a folder
(``.demo/content`` for the local demo chain, ``content/`` for a real network, or
``WESH_CONTENT_DIR``). A kubo client (``POST /api/v0/add``, ``/api/v0/cat``) can implement the
same three methods.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from multiformats import CID, multihash

from wesh import rules
from wesh.artifacts import ROOT
from wesh.deployment import DEV_CHAIN_ID

TASK_SCHEMA = "wesh.task/1"
MERCHANT_SCHEMA = "wesh.merchant/1"
#: Largest document whose CID matches IPFS's (one unixfs chunk).
MAX_DOCUMENT_BYTES = 256 * 1024
#: Largest photo (evidence, a task's reference photo): a phone photo shrunk to 2000 px is
#: 0.3-0.9 MB as a JPEG, and the API re-encodes it to at most 3 MiB (api.evidence.photos). A photo
#: over 256 KiB is more than one IPFS chunk: a kubo node gives it another CID than ``cid_of``
#: (api.kubo keeps the node's); photos are addressed only by the CID the store returns.
MAX_PHOTO_BYTES = 4 * 1024 * 1024
#: What photos start with (JPEG, PNG, WebP); anything else is held to the document limit.
PHOTO_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def limit_of(data: bytes) -> int:
    """The largest ``data`` of its kind a store takes: a photo's limit or a document's."""
    is_photo = data.startswith(PHOTO_SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")
    return MAX_PHOTO_BYTES if is_photo else MAX_DOCUMENT_BYTES


class ContentError(Exception):
    """A document that cannot be stored or read back; the message says why."""


def encode(document: dict[str, Any]) -> bytes:
    """The canonical bytes of a document (the CID is computed over exactly these)."""
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def cid_of(data: bytes) -> str:
    """CIDv1 (raw, sha2-256, base32) of ``data``."""
    return str(CID("base32", 1, "raw", multihash.digest(data, "sha2-256")))


def is_cid(text: str) -> bool:
    """Whether ``text`` parses as a CID."""
    try:
        CID.decode(text)
    except (ValueError, KeyError):
        return False
    return True


class ContentStore(Protocol):
    """Where documents are kept by CID (a folder today, an IPFS node later)."""

    def put(self, data: bytes) -> str: ...

    def get(self, cid: str) -> bytes: ...

    def has(self, cid: str) -> bool: ...


class FolderStore:
    """One file per document, named by its CID. Writes are atomic; reads are verified."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def put(self, data: bytes) -> str:
        limit = limit_of(data)
        if len(data) > limit:
            what = "photo" if limit == MAX_PHOTO_BYTES else "document"
            hint = "(shrink the photo)" if what == "photo" else "(shorten the description)"
            raise ContentError(f"{what} is {len(data)} bytes; the limit is {limit} {hint}")
        cid = cid_of(data)
        path = self.root / cid
        if not path.exists():
            self.root.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(path)
        return cid

    def get(self, cid: str) -> bytes:
        path = self.root / cid
        if not path.exists():
            raise ContentError(f"document {cid} is not in {self.root}")
        data = path.read_bytes()
        if cid_of(data) != cid:
            raise ContentError(f"document {cid} in {self.root} does not match its CID")
        return data

    def has(self, cid: str) -> bool:
        return (self.root / cid).exists()


def default_store(chain_id: int) -> FolderStore:
    """``WESH_CONTENT_DIR``, else ``.demo/content`` on the dev chain, else ``content/``."""
    explicit = os.environ.get("WESH_CONTENT_DIR")
    if explicit:
        return FolderStore(Path(explicit))
    return FolderStore(ROOT / (".demo/content" if chain_id == DEV_CHAIN_ID else "content"))


def put_document(store: ContentStore, document: dict[str, Any]) -> str:
    """Stores a document; returns its CID."""
    return store.put(encode(document))


def get_document(store: ContentStore, cid: str) -> dict[str, Any] | None:
    """The document behind ``cid``, or None when this store does not have it."""
    if not store.has(cid):
        return None
    try:
        document = json.loads(store.get(cid))
    except (ContentError, ValueError):
        return None
    return document if isinstance(document, dict) else None


def _bilingual(nl: str, en: str | None) -> dict[str, str]:
    return {"nl": nl, "en": en} if en else {"nl": nl}


def task_document(
    *,
    title: str,
    description: str,
    neighbourhood: int,
    street: str,
    lat: float,
    lon: float,
    reward: int,
    slots: int,
    claim_deadline: int,
    claim_duration: int,
    title_en: str | None = None,
    description_en: str | None = None,
    category: str = rules.DEFAULT_CATEGORY,
    estimated_minutes: int | None = None,
    safety: str | None = None,
    safety_en: str | None = None,
    not_regular_work: bool = False,
    reference_photo: str | None = None,
) -> dict[str, Any]:
    """The public document of a task (``wesh.task/1``). Dutch first; English when given.

    The on-chain terms (reward in cents, slots, deadline, duration, neighbourhood code) are
    repeated in the document, so a task commissioned again later (same text, new deadline) gets
    a new CID, and a reader needs no chain access to show a task card.

    Issue #15 adds, each only when given (so older documents and their CIDs stay as they were,
    and a reader treats a missing field as unknown): ``estimated_minutes`` (one slot's work),
    ``safety`` ({nl, en}: what the resident reads before claiming), ``not_regular_work`` (the
    task manager confirmed the task is not regular paid work) and ``reference_photo`` (the CID of
    a photo of the place as it is, shown beside the before and after photos in review).
    """
    document = {
        "schema": TASK_SCHEMA,
        "title": _bilingual(title, title_en),
        "description": _bilingual(description, description_en),
        "neighbourhood": neighbourhood,
        "location": {"street": street, "lat": round(lat, 6), "lon": round(lon, 6)},
        "reward": reward,
        "slots": slots,
        "claim_deadline": datetime.fromtimestamp(claim_deadline, UTC).isoformat(),
        "claim_duration": claim_duration,
        "category": category if category in rules.CATEGORIES else rules.DEFAULT_CATEGORY,
    }
    if estimated_minutes:
        document["estimated_minutes"] = estimated_minutes
    if safety:
        document["safety"] = _bilingual(safety, safety_en)
    if not_regular_work:
        document["not_regular_work"] = True
    if reference_photo:
        document["reference_photo"] = reference_photo
    return document


def merchant_document(
    *,
    name: str,
    kind: str,
    street: str,
    postcode: str,
    city: str,
    neighbourhood: int,
    lat: float | None = None,
    lon: float | None = None,
    website: str | None = None,
    description: str | None = None,
    opening_hours: str | None = None,
) -> dict[str, Any]:
    """The public document of a shop, bar or cultural organisation (``wesh.merchant/1``).

    Only what the shop shows on its door: never a person's name, contact data or an IBAN.
    ``opening_hours`` is the text on the door ("di-za 8.00-17.00"), as the shop says it.
    """
    document: dict[str, Any] = {
        "schema": MERCHANT_SCHEMA,
        "name": name,
        "kind": kind,
        "address": {"street": street, "postcode": postcode, "city": city},
        "neighbourhood": neighbourhood,
    }
    if lat is not None and lon is not None:
        document["location"] = {"lat": round(lat, 6), "lon": round(lon, 6)}
    if website:
        document["website"] = website
    if description:
        document["description"] = description
    if opening_hours:
        document["opening_hours"] = opening_hours
    return document


def title_of(document: dict[str, Any] | None, fallback: str) -> str:
    """The Dutch title (task) or name (merchant) of a document, or ``fallback``."""
    if not document:
        return fallback
    title = document.get("title")
    if isinstance(title, dict) and isinstance(title.get("nl"), str):
        return str(title["nl"])
    name = document.get("name")
    return str(name) if isinstance(name, str) else fallback
