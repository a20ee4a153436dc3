"""Plugins hear about the forum's events after commit, each plugin on its own: one's error never stops another."""

from __future__ import annotations

import datetime as dt
import json
import logging
import uuid
from typing import TYPE_CHECKING, Any, cast

import sqlalchemy as sa

from plugin_api.events import ForumEvent
from plugin_api.outgoing import OutgoingPost, send
from plugin_api.retry import Failure, TryLater, backoff

from . import signals
from .errors import NotFound
from .i18n import _
from .models import get_row, utcnow
from .models.upsert import upsert
from .models.work import call_lease, drain, renew, still_held
from .notifications import webhooks
from .state import ForumState, get_state

if TYPE_CHECKING:
    from flask import Flask

    from .models import Announcement, Escalation, Post, Thread

log = logging.getLogger("forum.plugins")


def emit(state: ForumState, event: ForumEvent) -> int:
    """Call every plugin's ``forum_event``, and keep the posts their ``forum_outgoing`` asks for in the outbox.

    Returns how many plugins failed (each failure is logged; the others still run).
    """
    failed = 0
    for impl in state.plugins.hook.forum_event.get_hookimpls():
        try:
            impl.function(event=event)
        except Exception:
            failed += 1
            log.exception("The plugin %s failed on the %s event; the others still ran.", impl.plugin_name, event.name)
    for impl in state.plugins.hook.forum_outgoing.get_hookimpls():
        try:
            posts = cast("list[OutgoingPost]", impl.function(event=event) or [])
        except Exception:
            failed += 1
            log.exception("The plugin %s failed on the %s event; the others still ran.", impl.plugin_name, event.name)
            continue
        keep_outgoing(state, impl.plugin_name, posts)
    kind = webhooks.FROM_FORUM.get(event.name)
    if kind:
        data = {"thread_id": event.thread_id, "title": event.title, "url": event.url, "actor_id": event.actor_id}
        if webhooks.queue(state, kind, {**data, **event.data}):
            state.db.session.commit()
    return failed


def keep_outgoing(state: ForumState, plugin: str, posts: list[OutgoingPost]) -> None:
    """Put a plugin's posts in the outbox, each once (a post's key is unique); the worker sends them."""
    if not posts:
        return
    Out = state.models.OutgoingPost
    for post in posts:
        key = (post.key or uuid.uuid4().hex)[:120]
        values = {"key": key, "plugin": plugin[:80], "url": post.url, "payload": json.dumps(post.body)}
        upsert(state, Out.__table__, {**values, **_NEW}, ["key"], {})
    state.db.session.commit()


#: A new post waits for its first try at once.
_NEW = {"state": "waiting", "attempts": 0, "locked_by": "", "last_error": ""}


def deliver_outgoing(state: ForumState, worker: str, *, limit: int = 20) -> dict[str, int]:
    """Send due outgoing posts, each once however many workers run; counts by outcome."""
    Out = state.models.OutgoingPost
    lease = call_lease(state.setting("FORUM_DESK_TIMEOUT"))
    sent = drain(
        state.db.session,
        Out,
        worker,
        lambda row_id, token: _send_one(state, row_id, token, lease),
        lease=lease,
        limit=limit,
    )
    return {"sent": 0, "waiting": 0, "failed": 0, "lost": 0, **sent}


def _send_one(state: ForumState, row_id: int, token: str, lease: dt.timedelta) -> str:
    """Send one claimed post, and record the result while this worker still holds it."""
    session, Out = state.db.session, state.models.OutgoingPost
    if not renew(session, Out, row_id, token, lease):
        return "lost"
    row = get_row(session, Out, row_id)
    timeout = float(state.setting("FORUM_DESK_TIMEOUT"))
    try:
        if row.endpoint_id is None:  # a plugin's post
            row.status_code = send(row.url, json.loads(row.payload), timeout=timeout)
        else:  # one of the forum's own webhooks: signed now, with the endpoint's secret
            secret = webhooks.secret_of(state, row.endpoint_id) or ""
            headers = webhooks.signed_headers(secret, row.key, row.payload)
            row.status_code = send(row.url, row.payload.encode(), timeout=timeout, headers=headers)
        row.state, row.done_at, row.locked_until, row.last_error = "done", utcnow(), None, ""
        outcome = "sent"
    except Failure as error:
        row.status_code = error.status
        outcome = _outgoing_later(state, row, error)
    if not still_held(session, row, token):
        session.rollback()
        return "lost"
    session.commit()
    return outcome


def refused_posts(state: ForumState, *, limit: int = 50) -> list[Any]:
    """Plugin posts given up for good, newest first, for the desk admin page."""
    Out = state.models.OutgoingPost
    query = sa.select(Out).where(Out.state == "failed").order_by(Out.id.desc()).limit(limit)
    return list(state.db.session.scalars(query))


def retry_outgoing(state: ForumState, post_id: int) -> None:
    """Put a refused post back in the outbox, from a desk agent's button."""
    row = state.db.session.get(state.models.OutgoingPost, post_id)
    if row is None or row.state != "failed":
        raise NotFound(_("We could not find that post, or it is no longer stuck."))
    row.state, row.attempts, row.next_attempt_at, row.locked_until = "waiting", 0, utcnow(), None
    state.db.session.commit()


def _outgoing_later(state: ForumState, row: Any, error: Failure) -> str:
    """Try again with backoff, or give up (a refusal, or the last allowed try): desk agents see it and can retry."""
    row.last_error, row.locked_until = error.message[:2000], None
    if isinstance(error, TryLater) and row.attempts < int(state.setting("FORUM_DESK_MAX_ATTEMPTS")):
        row.next_attempt_at = utcnow() + backoff(row.attempts, float(state.setting("FORUM_DESK_RETRY_SECONDS")))
        return "waiting"
    row.state = "failed"
    log.warning("A post of the plugin %s to %s was given up: %s", row.plugin, row.url, error.message)
    return "failed"


def connect(app: Flask) -> None:
    """Turn this app's signals into plugin events, and forward new answers on escalated threads to the desk."""
    state = get_state(app)

    def event(name: str, thread: Thread, actor_id: Any = None, **data: Any) -> None:
        emit(state, ForumEvent(name, thread.id, thread.title, state.public_url(f"/t/{thread.id}"), actor_id, data))

    def asked(sender: Any, thread: Thread, post: Post, **_extra: Any) -> None:
        event("thread_created", thread, thread.author_id, post_id=post.id)

    def answered(sender: Any, thread: Thread, post: Post, **_extra: Any) -> None:
        event("answer_created", thread, post.author_id, post_id=post.id)

    def accepted(sender: Any, thread: Thread, post: Post, user: Any, **_extra: Any) -> None:
        event("answer_accepted", thread, user.id, post_id=post.id, answer_author_id=post.author_id)

    def escalated(sender: Any, thread: Thread, escalation: Escalation, user: Any, **_extra: Any) -> None:
        event("thread_escalated", thread, user.id if user else None, reason=escalation.reason)

    def ticket(sender: Any, thread: Thread, escalation: Escalation, change: Any, **_extra: Any) -> None:
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

    def announced(sender: Any, announcement: Announcement, user: Any, **_extra: Any) -> None:
        announcement_event("announcement_published", announcement, user, announcement.status, announcement.body_source)

    def updated(sender: Any, announcement: Announcement, update: Any, user: Any, **_extra: Any) -> None:
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
