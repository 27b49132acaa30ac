"""Each caller's ``GET /me`` as the JSON bytes last sent, kept while the index stays the same.

Every resident's start page asks for it (and asks again every few seconds while it is open),
and building it takes six index lookups and a serialisation. Between two writes of the indexer
the answer cannot change, except when the Amsterdam month turns (the caps and earnings are per
month and year): so a body is kept under the version of the index it was built from
(``api.index_version``) and the month, and served again only while both are still the same.
Which version the index is at is read on every request, so a new block or a rebuilt pending
state shows in the very next answer, in every worker.

The cache is bounded: the least recently asked-for caller goes first. It holds only what the
caller was shown already and is per process (nothing to share between workers, nothing to
clear on sign-out: the session is checked before the cache is asked).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable

#: Callers kept per worker: about a kilobyte each (more with a long list of claims).
DEFAULT_SIZE = 4_096


class MeCache:
    """Serialised ``/me`` bodies by wallet (lower case), each with the key it was built under
    (the index version and the Amsterdam year and month)."""

    def __init__(self, size: int = DEFAULT_SIZE) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._bodies: OrderedDict[str, tuple[Hashable, bytes]] = OrderedDict()
        # The routes run on the event loop; the lock keeps the order intact should a thread
        # ever share the cache.
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.size > 0

    def __len__(self) -> int:
        return len(self._bodies)

    def get(self, wallet: str, key: Hashable) -> bytes | None:
        """The body kept for ``wallet`` if it was built under ``key``, else None."""
        with self._lock:
            entry = self._bodies.get(wallet)
            if entry is None or entry[0] != key:
                self.misses += 1
                return None
            self._bodies.move_to_end(wallet)
            self.hits += 1
            return entry[1]

    def put(self, wallet: str, key: Hashable, body: bytes) -> None:
        """Keeps ``body``, built under ``key``, for ``wallet`` (replacing an older one)."""
        if not self.enabled:
            return
        with self._lock:
            self._bodies[wallet] = (key, body)
            self._bodies.move_to_end(wallet)
            while len(self._bodies) > self.size:
                self._bodies.popitem(last=False)
