"""The old home of :mod:`forum.threads.cache`, kept because hosts' own SQL calls ``forum.thread_cache.touch``."""

from __future__ import annotations

from .threads.cache import touch

__all__ = ["touch"]
