"""Plugins hear about the forum's events after commit, each plugin on its own: one's error never stops another."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from plugin_api.events import ForumEvent

from . import signals
from .state import ForumState, get_state

if TYPE_CHECKING:
    from flask import Flask

    from .models import Announcement, Escalation, Post, Thread

log = logging.getLogger("forum.plugins")


def emit(state: ForumState, event: ForumEvent) -> int:
    """Call every plugin's ``forum_event``; returns how many failed (each failure is logged)."""
    failed = 0
    for impl in state.plugins.hook.forum_event.get_hookimpls():
        try:
            impl.function(event=event)
        except Exception:
            failed += 1
            log.exception("The plugin %s failed on the %s event; the others still ran.", impl.plugin_name, event.name)
    return failed


def connect(app: Flask) -> None:
    """Turn this app's signals into plugin events, and forward new answers on escalated threads to the desk."""
    state = get_state(app)

    def event(name: str, thread: Thread, actor_id: Any = None, **data: Any) -> None:
        emit(state, ForumEvent(name, thread.id, thread.title, state.public_url(f"/t/{thread.id}"), actor_id, data))

    def asked(sender: Any, thread: Thread, post: Post, **_: Any) -> None:
        event("thread_created", thread, thread.author_id, post_id=post.id)

    def answered(sender: Any, thread: Thread, post: Post, **_: Any) -> None:
        event("answer_created", thread, post.author_id, post_id=post.id)

    def accepted(sender: Any, thread: Thread, post: Post, user: Any, **_: Any) -> None:
        event("answer_accepted", thread, user.id, post_id=post.id, answer_author_id=post.author_id)

    def escalated(sender: Any, thread: Thread, escalation: Escalation, user: Any, **_: Any) -> None:
        event("thread_escalated", thread, user.id if user else None, reason=escalation.reason)

    def ticket(sender: Any, thread: Thread, escalation: Escalation, change: Any, **_: Any) -> None:
        event(
            "ticket_updated",
            thread,
            None,
            ticket_id=change.ticket_id,
            kind=change.kind,
            status=change.status,
            text=change.text,
            resolved=change.resolved,
        )

    def announcement_event(name: str, announcement: Announcement, user: Any, status: str, text: str) -> None:
        data = {
            "announcement_id": announcement.id,
            "kind": announcement.kind,
            "severity": announcement.severity,
            "services": announcement.services,
            "status": status,
            "text": text,
        }
        emit(
            state,
            ForumEvent(
                name, None, announcement.title, state.public_url(f"/announcements/{announcement.id}"), user.id, data
            ),
        )

    def announced(sender: Any, announcement: Announcement, user: Any, **_: Any) -> None:
        announcement_event("announcement_published", announcement, user, announcement.status, announcement.body_source)

    def updated(sender: Any, announcement: Announcement, update: Any, user: Any, **_: Any) -> None:
        announcement_event("announcement_updated", announcement, user, update.status, update.body_source)

    signals.listen(
        app,
        [
            (signals.announcement_published, announced),
            (signals.announcement_updated, updated),
            (signals.thread_created, asked),
            (signals.answer_created, answered),
            (signals.answer_accepted, accepted),
            (signals.thread_escalated, escalated),
            (signals.ticket_updated, ticket),
        ],
    )
