"""The content store on an IPFS node, through the kubo RPC API (``WESH_IPFS_API_URL``).

Same interface as ``wesh.metadata.FolderStore``. Content is added as CIDv1 with raw leaves, so a
single-chunk file (up to 256 KiB) gets exactly the CID ``wesh.metadata.cid_of`` computes; the
CID the node returns is the one used, and a mismatch for small files is refused.
"""

from __future__ import annotations

from http import HTTPStatus

import httpx

from wesh.metadata import ContentError, cid_of

SINGLE_CHUNK = 256 * 1024


class KuboStore:
    def __init__(self, api_url: str, timeout: float = 30.0) -> None:
        self.client = httpx.Client(base_url=api_url.rstrip("/") + "/api/v0", timeout=timeout)

    def put(self, data: bytes) -> str:
        reply = self.client.post(
            "/add",
            params={"cid-version": "1", "raw-leaves": "true", "pin": "true", "quieter": "true"},
            files={"file": ("blob", data)},
        )
        if reply.status_code != HTTPStatus.OK:
            raise ContentError(f"IPFS node refused the upload ({reply.status_code})")
        cid = str(reply.json()["Hash"])
        if len(data) <= SINGLE_CHUNK and cid != cid_of(data):
            raise ContentError(f"IPFS node returned {cid}, expected {cid_of(data)}")
        return cid

    def get(self, cid: str) -> bytes:
        reply = self.client.post("/cat", params={"arg": cid})
        if reply.status_code != HTTPStatus.OK:
            raise ContentError(f"IPFS node has no {cid} ({reply.status_code})")
        data = reply.content
        if len(data) <= SINGLE_CHUNK and cid_of(data) != cid:
            raise ContentError(f"content of {cid} does not match its CID")
        return data

    def has(self, cid: str) -> bool:
        reply = self.client.post("/block/stat", params={"arg": cid, "offline": "true"})
        return reply.status_code == HTTPStatus.OK
