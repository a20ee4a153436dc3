"""Posts a plugin wants sent to another service (a team chat, say), kept and retried by the forum's workers.

A plugin returns :class:`OutgoingPost` items from its ``forum_outgoing`` hook; the forum stores them in the same
outbox its desk deliveries use, so a chat that is down, or a web process that restarts, loses nothing: workers
claim each post once, retry with backoff, and list what failed for good on the desk admin page.
"""

from __future__ import annotations

import json
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


def send(url: str, body: dict[str, Any] | bytes, *, timeout: float, headers: dict[str, str] | None = None) -> int:
    """POST the body (a dict as JSON, or bytes as they are, for a signed body); returns the HTTP status.

    Raises :class:`TryLater` (down, timeout, 429, 5xx) or :class:`GiveUp` (another 4xx), with the status.
    """
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    sent = {"content-type": "application/json", **(headers or {})}
    try:
        response = httpx.post(url, content=content, headers=sent, timeout=timeout, follow_redirects=False)
    except httpx.HTTPError as error:
        raise TryLater(f"It could not be reached ({type(error).__name__}).") from None
    status = response.status_code
    if response.is_success:
        return status
    if status == 429 or status >= 500:
        raise TryLater(f"It answered HTTP {status}; trying again later.", status=status)
    raise GiveUp(f"It refused the post: HTTP {status} {response.text[:200]}", status=status)


__all__ = ["OutgoingPost", "send"]
