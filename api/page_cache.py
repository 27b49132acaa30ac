"""Public pages built once per indexed block.

Task lists and task pages are the same for everyone, so N requests between two blocks cost one
look at the indexed block each instead of N rebuilds: the serialised page is kept, with an ETag,
until the indexer applies a block (or PAGE_TTL_S passes, as deadlines pass without a block).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Hashable
from http import HTTPStatus

from fastapi import Request, Response

#: How often a worker asks the database which block the indexer has reached.
BLOCK_CHECK_S = 0.2
#: A cached public page is rebuilt after this long even without a new block (deadlines pass).
PAGE_TTL_S = 5.0


class PageCache:
    """Serialised public pages, kept while the indexed block stays the same (and at most
    PAGE_TTL_S)."""

    def __init__(self, indexed_block: Callable[[], int | None], size: int = 1_024) -> None:
        self.indexed_block = indexed_block
        self.size = size
        self.entries: dict[Hashable, tuple[int | None, float, bytes, str]] = {}
        self.block: int | None = None
        self.block_read_at = -1.0

    def respond(self, request: Request, key: Hashable, build: Callable[[], bytes]) -> Response:
        """The page ``key`` (``build()`` makes its JSON bytes when it is stale), or 304 when the
        client holds it already."""
        now = time.monotonic()
        # The indexed block is read at most every BLOCK_CHECK_S: a page can be that much later
        # than the indexer, and a request that finds its page costs no database round trip.
        # A page that just acted asks with ``Cache-Control: no-cache`` (web/js/api.js): it gets
        # the page of the block the indexer has reached now, never the one before its action.
        fresh = "no-cache" in request.headers.get("cache-control", "")
        if fresh or now - self.block_read_at > BLOCK_CHECK_S:
            self.block = self.indexed_block()
            self.block_read_at = now
        block = self.block
        entry = self.entries.get(key)
        if entry is None or entry[0] != block or now - entry[1] > PAGE_TTL_S:
            body = build()
            etag = f'W/"{block}-{hashlib.blake2b(body, digest_size=8).hexdigest()}"'
            if len(self.entries) >= self.size:
                self.entries.clear()
            entry = (block, now, body, etag)
            self.entries[key] = entry
        headers = {"ETag": entry[3], "Cache-Control": "public, max-age=2"}
        if request.headers.get("if-none-match") == entry[3]:
            return Response(status_code=HTTPStatus.NOT_MODIFIED, headers=headers)
        return Response(entry[2], media_type="application/json", headers=headers)
