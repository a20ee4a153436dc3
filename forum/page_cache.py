"""A short-lived cache of whole pages for guests, as mature forums keep one for anonymous readers.

Guests all see the same page, so a page rendered for one guest is served to the next for a few
seconds (``FORUM_GUEST_CACHE_SECONDS``). Signed-in people always get a fresh page.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass


@dataclass(frozen=True)
class CachedPage:
    """A page as it was sent."""

    body: bytes
    content_type: str
    expires: float


class GuestPageCache:
    """At most ``size`` pages, each kept for ``seconds``; safe to share between a worker's threads."""

    def __init__(self, seconds: float, size: int = 512) -> None:
        self.seconds, self.size = seconds, size
        self._pages: OrderedDict[str, CachedPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedPage | None:
        """The page for ``key`` if it is still fresh."""
        with self._lock:
            page = self._pages.get(key)
            if page is None:
                return None
            if page.expires < time.monotonic():
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: str, body: bytes, content_type: str) -> None:
        """Keep a page, dropping the least recently used beyond ``size``."""
        with self._lock:
            self._pages[key] = CachedPage(body, content_type, time.monotonic() + self.seconds)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def clear(self) -> None:
        """Forget every page (after a change this process made)."""
        with self._lock:
            self._pages.clear()
