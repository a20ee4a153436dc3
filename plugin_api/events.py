"""What plugins hear about: one small, plain record per event, safe to keep or send elsewhere."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class ForumEvent:
    """Something that happened in the community, after it was saved.

    ``name`` is one of "thread_created", "answer_created", "answer_accepted", "thread_escalated",
    "ticket_updated", "announcement_published", "announcement_updated". ``data`` holds the event's
    own details (for "ticket_updated": ``ticket_id``, ``kind``, ``status``, ``text``, ``resolved``;
    for announcements: ``announcement_id``, ``kind``, ``severity``, ``services``, ``status``, ``text``).
    ``thread_id`` is None for announcements.
    """

    name: str
    thread_id: int | None
    title: str
    url: str
    actor_id: Any = None
    data: dict[str, Any] = field(default_factory=dict)
