"""One bounded, thread-safe cache: least recently used entries go first, every entry lives at most `ttl` seconds,
and a hit counts only when the entry's validator equals the one the caller holds now."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Hashable
from threading import Lock
from typing import Any

_MISSING = object()


class BoundedCache:
    """LRU + time-to-live + validator: memory stays bounded and a stale entry is never answered."""

    def __init__(self, size: int, ttl: float) -> None:
        self.size = size
        self.ttl = ttl
        self._entries: OrderedDict[Hashable, tuple[Any, float, Any]] = OrderedDict()
        self._lock = Lock()

    def get(self, key: Hashable, validator: Any = None, default: Any = None) -> Any:
        """The value kept for `key` if its validator still matches and it is younger than the ttl."""
        with self._lock:
            hit = self._entries.get(key, _MISSING)
            if hit is _MISSING:
                return default
            kept_validator, stored_at, value = hit
            if kept_validator != validator or time.monotonic() - stored_at > self.ttl:
                del self._entries[key]
                return default
            self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any, validator: Any = None) -> None:
        """Keep a value under `key`, valid while the caller's validator stays the same."""
        with self._lock:
            self._entries[key] = (validator, time.monotonic(), value)
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)

    def discard(self, key: Hashable) -> None:
        """Forget one entry (it no longer holds)."""
        with self._lock:
            self._entries.pop(key, None)
