"""Short-lived caches of rendered HTML, kept in each worker process.

Guests all see the same page, so a page rendered for one guest is served to the next for a few
seconds (``FORUM_GUEST_CACHE_SECONDS``), as mature forums do for anonymous readers. Signed-in people
get a fresh page, built from parts of thread pages kept by ``forum.thread_cache``.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")

#: An execution option for statements that change only what no guest page shows (a visit count):
#: ``statement.execution_options(**{PERSONAL: True})`` leaves kept guest pages as they are.
PERSONAL = "forum_personal"


@dataclass(frozen=True)
class CachedPage:
    """A page as it was sent."""

    body: bytes
    content_type: str


class TimedCache(Generic[V]):
    """At most ``size`` values, each kept for ``seconds``; safe to share between a worker's threads."""

    def __init__(self, seconds: float, size: int = 512) -> None:
        self.seconds, self.size = seconds, size
        self._values: OrderedDict[object, tuple[float, V]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: object) -> V | None:
        """The value for ``key`` if it is still fresh."""
        with self._lock:
            found = self._values.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                del self._values[key]
                return None
            self._values.move_to_end(key)
            return found[1]

    def put(self, key: object, value: V) -> None:
        """Keep a value, dropping the least recently used beyond ``size``."""
        with self._lock:
            self._values[key] = (time.monotonic() + self.seconds, value)
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)

    def clear(self) -> None:
        """Forget everything (after a change this process made)."""
        with self._lock:
            self._values.clear()
