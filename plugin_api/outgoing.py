"""Posts a plugin wants sent to another service (a team chat, say), kept and retried by the forum's workers.

A plugin returns :class:`OutgoingPost` items from its ``forum_outgoing`` hook; the forum stores them in the same
outbox its desk deliveries use, so a chat that is down, or a web process that restarts, loses nothing: workers
claim each post once, retry with backoff, and list what failed for good on the desk admin page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from .retry import GiveUp, TryLater


@dataclass(frozen=True)
class OutgoingPost:
    """One JSON body to POST to ``url``. A ``key`` (unique per post) keeps a post made twice once; empty: a new one."""

    url: str
    body: dict[str, Any] = field(default_factory=dict)
    key: str = ""


def send(url: str, body: dict[str, Any], *, timeout: float) -> None:
    """POST the body; raise :class:`TryLater` (down, timeout, 429, 5xx) or :class:`GiveUp` (another 4xx)."""
    try:
        response = httpx.post(url, json=body, timeout=timeout, follow_redirects=False)
    except httpx.HTTPError as error:
        raise TryLater(f"It could not be reached ({type(error).__name__}).") from None
    if response.is_success:
        return
    if response.status_code == 429 or response.status_code >= 500:
        raise TryLater(f"It answered HTTP {response.status_code}; trying again later.")
    raise GiveUp(f"It refused the post: HTTP {response.status_code} {response.text[:200]}")


__all__ = ["OutgoingPost", "send"]
