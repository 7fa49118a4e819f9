"""The dashboard's report cache: built HTML reports kept by job id, least recently used first
out, bounded by bytes (a report is several MB of self-contained HTML; an unbounded dict grew
by hundreds of MB over a session and never gave any back)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable

#: Bytes of reports kept by default.
DEFAULT_REPORT_BYTES = 128 * 2**20


class ReportCache:
    """A thread-safe LRU mapping ``job id -> HTML`` of at most ``max_bytes`` of text."""

    def __init__(self, max_bytes: int = DEFAULT_REPORT_BYTES):
        self.max_bytes = int(max_bytes)
        self._items: OrderedDict[str, str] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    @property
    def bytes(self) -> int:
        """Bytes held now."""
        return self._bytes

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def __getitem__(self, key: str) -> str:
        with self._lock:
            self._items.move_to_end(key)
            return self._items[key]

    def __setitem__(self, key: str, html: str) -> None:
        size = len(html)
        with self._lock:
            self._drop(key)
            if size > self.max_bytes:  # larger than the whole cache: served, not kept
                return
            self._items[key] = html
            self._bytes += size
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._items)))

    def get(self, key: str) -> str | None:
        """The report, or None."""
        with self._lock:
            if key not in self._items:
                return None
            self._items.move_to_end(key)
            return self._items[key]

    def keep_only(self, keys: Iterable[str]) -> None:
        """Forget reports of jobs the server no longer keeps."""
        keep = set(keys)
        with self._lock:
            for key in [k for k in self._items if k not in keep]:
                self._drop(key)

    def _drop(self, key: str) -> None:
        html = self._items.pop(key, None)
        if html is not None:
            self._bytes -= len(html)
