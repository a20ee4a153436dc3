"""Short-lived caches of rendered HTML, kept in each worker process, and the change counter that retires them.

Guests all see the same page, so a page rendered for one guest is served to the next for a few
seconds (``FORUM_GUEST_CACHE_SECONDS``), as mature forums do for anonymous readers. Signed-in people
get a fresh page, built from parts of thread pages kept by ``forum.thread_cache``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

log = logging.getLogger("forum.cache")

V = TypeVar("V")

#: An execution option for statements that change only what no guest page shows (a visit count):
#: ``statement.execution_options(**{PERSONAL: True})`` leaves kept guest pages as they are.
PERSONAL = "forum_personal"


@dataclass(frozen=True)
class CachedPage:
    """A page as it was sent, and the change number it was made at."""

    body: bytes
    content_type: str
    changes: int = 0


class ChangeCounter:
    """Counts commits that changed what guests see, in this process: kept pages made before the last one retire.

    One process sees its own changes at once; other processes' changes show when their kept pages expire.
    """

    def __init__(self) -> None:
        self._value = 0
        self._lock = threading.Lock()

    def current(self) -> int | None:
        """The latest change number (None: unknown, so nothing kept may be used)."""
        return self._value

    def bump(self) -> None:
        """Something guests see changed."""
        with self._lock:
            self._value += 1


class RedisChangeCounter(ChangeCounter):
    """The same count shared by every process and host through Redis (``FORUM_REDIS_URL``): one INCR per change,
    one GET per guest page, so a change made through one process retires every process's kept pages at once."""

    def __init__(self, url: str, key: str) -> None:
        super().__init__()
        import redis

        self._redis: Any = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._key = key
        self._warned = False

    def current(self) -> int | None:
        try:
            return int(self._redis.get(self._key) or 0)
        except Exception as error:  # Redis down: render afresh rather than risk an old page
            self._warn(error)
            return None

    def bump(self) -> None:
        super().bump()
        try:
            self._redis.incr(self._key)
        except Exception as error:
            self._warn(error)

    def _warn(self, error: Exception) -> None:
        if not self._warned:
            log.warning("Redis at FORUM_REDIS_URL did not answer (%s); guest pages are rendered afresh.", error)
            self._warned = True


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
