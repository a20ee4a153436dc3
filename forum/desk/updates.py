"""The way back: ticket changes from the desk become timeline entries and notices in the thread."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import uuid
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from standardwebhooks.webhooks import Webhook, WebhookVerificationError
from werkzeug.datastructures import Headers

from plugin_api.desk import Connector, TicketChange
from plugin_api.retry import Failure, TryLater

from .. import i18n, signals
from ..errors import ForumError, NotAllowed
from ..i18n import _, later
from ..i18n import lazy_gettext as _l
from ..models import Escalation, Thread, get_row, utcnow
from ..models.base import has_nul
from ..notifications.delivery import deliver
from ..notifications.following import followers

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from ..state import ForumState
    from ..users import ForumUser

log = logging.getLogger("forum.desk")

#: Desk statuses in plain words; others are shown as the desk names them.
STATUS_WORDS = {
    "new": _l("waiting for someone in the IT team"),
    "open": _l("being worked on"),
    "stalled": _l("on hold"),
    "resolved": _l("resolved"),
    "closed": _l("closed"),
    "rejected": _l("closed without a fix"),
}
#: How long resolved tickets are still read, in case the desk reopens them.
WATCH_RESOLVED = dt.timedelta(days=14)
#: Receipts of webhook messages are kept this long; older replays fail the timestamp check anyway.
RECEIPTS_KEPT = dt.timedelta(days=1)


def status_words(status: str) -> Any:
    """A desk status as a person would say it (kept lazy, so a stored notice says it in each reader's language)."""
    return STATUS_WORDS.get(status.lower(), status)


def apply_changes(state: ForumState, escalation: Escalation, changes: Iterable[TicketChange]) -> int:
    """Record new changes in the thread's timeline and tell the people concerned; returns how many were new."""
    models = state.models
    session = state.db.session
    changes = list(changes)
    if not changes:
        return 0
    thread = get_row(session, models.Thread, escalation.thread_id)
    refs = [change_ref(c.change_id) for c in changes]
    TE = models.TimelineEvent
    seen = set(session.scalars(sa.select(TE.ref).where(TE.thread_id == thread.id, TE.ref.in_(refs))))
    fresh = []
    for change, ref in zip(changes, refs, strict=True):
        if ref in seen:
            continue
        seen.add(ref)
        fresh.append(change)
        if change.kind == "reply":
            text: Any = change.text or later("The IT team replied.")
            kind = "agent_reply"
        else:
            kind = "ticket_resolved" if change.resolved else "ticket_status"
            text = later("The ticket is now %(status)s.", status=status_words(change.status))
            escalation.ticket_status = change.status[:40]
            if change.resolved:
                escalation.resolved_at = change.at
            elif escalation.resolved_at is not None:  # reopened
                escalation.resolved_at, escalation.outcome = None, None
        session.add(TE(thread_id=thread.id, kind=kind, **i18n.columns(text), ref=ref, created_at=change.at))
    if not fresh:
        return 0
    _notify_followers(state, thread, fresh)
    session.commit()
    for change in fresh:
        signals.send(signals.ticket_updated, thread=thread, escalation=escalation, change=change)
    return len(fresh)


def _notify_followers(state: ForumState, thread: Thread, changes: list[TicketChange]) -> None:
    """One notice per person for this batch: the asker, the thread's watchers and everyone who saved it."""
    models = state.models
    saved = set(
        state.db.session.scalars(sa.select(models.Favourite.user_id).where(models.Favourite.thread_id == thread.id))
    )
    people = saved | followers(state, [("thread", thread.id)]) | {thread.author_id}
    last = changes[-1]
    if any(c.resolved for c in changes):
        message = later("The IT team resolved “%(title)s”. Did it solve the problem?", title=thread.title)
        kind = "ticket_resolved"
    elif last.kind == "reply":
        message = later("The IT team replied about “%(title)s”.", title=thread.title)
        kind = "ticket_reply"
    else:
        message = later(
            "The ticket for “%(title)s” is now %(status)s.", title=thread.title, status=status_words(last.status)
        )
        kind = "ticket_status"
    deliver(state, people, kind, message, thread=thread)


def poll(state: ForumState, connector: Connector, *, now: dt.datetime | None = None, limit: int = 200) -> int:
    """Read news for open tickets whose turn has come; returns how many new changes were recorded."""
    if not connector.reads_changes:
        return 0
    now = now or utcnow()
    E = state.models.Escalation
    session = state.db.session
    every = dt.timedelta(seconds=float(state.setting("FORUM_DESK_POLL_SECONDS")))
    query = (
        sa.select(E)
        .where(
            E.ticket_id.is_not(None),
            sa.or_(E.resolved_at.is_(None), E.resolved_at > now - WATCH_RESOLVED, E.poll_due_at.is_not(None)),
            sa.or_(E.poll_due_at <= now, E.last_polled_at.is_(None), E.last_polled_at <= now - every),
        )
        .order_by(E.poll_due_at.is_(None), E.last_polled_at)
        .limit(limit)
    )
    escalations = list(session.scalars(query))
    if not escalations:
        return 0
    wanted = [e for e in escalations if e.poll_due_at is not None or e.last_polled_at is None]
    rest = [e for e in escalations if e not in wanted]
    if rest:
        since = min(e.last_polled_at or now for e in rest) - dt.timedelta(seconds=5)
        try:
            changed = connector.changed_tickets([str(e.ticket_id) for e in rest], since)
        except Failure as error:  # the rest wait for the next pass; tickets already wanted are still read
            log.warning("Could not ask the desk which tickets changed: %s", error.message)
            changed, rest = [], []
        if changed is None:
            wanted += rest
        else:
            changed_ids = set(changed)
            wanted += [e for e in rest if e.ticket_id in changed_ids]
            for e in rest:
                if e.ticket_id not in changed_ids:
                    e.last_polled_at = now
            session.commit()
    recorded = 0
    for escalation in wanted:
        try:
            found, cursor = connector.changes(str(escalation.ticket_id), escalation.cursor)
        except TryLater as error:
            log.warning("Could not read ticket %s: %s", escalation.ticket_id, error.message)
            continue
        except Failure as error:
            log.warning("The desk refused to show ticket %s: %s", escalation.ticket_id, error.message)
            found, cursor = [], escalation.cursor
        recorded += apply_changes(state, escalation, found)
        escalation.cursor, escalation.last_polled_at, escalation.poll_due_at = cursor, now, None
        session.commit()
    return recorded


def webhook_connector(state: ForumState) -> Connector:
    """The connector that takes inbound messages; refused at once (before any body is read) when it is off."""
    connector = state.desk().connector
    if not state.setting("FORUM_DESK_WEBHOOK_SECRET") or connector is None:
        raise ForumError(_("This portal does not take messages from a service desk."), status=404)
    return connector


def change_ref(change_id: str) -> str:
    """The timeline's mark of one ticket change, so a change told twice shows once; long ids are hashed to fit."""
    ref = f"desk-{change_id}"
    return ref if len(ref) <= 120 else "desk-sha256-" + hashlib.sha256(change_id.encode()).hexdigest()


def receive_webhook(state: ForumState, headers: Mapping[str, str] | Headers, body: bytes) -> int:
    """Take in a signed message from the desk; returns how many tickets it concerned. Fast: no desk calls."""
    headers = {name.lower(): value for name, value in headers.items()}  # header names ignore case
    connector = webhook_connector(state)
    if len(body) > int(state.setting("FORUM_DESK_WEBHOOK_MAX_BYTES")):
        raise ForumError(_("The message is too large. Send one ticket change at a time."), status=413)
    try:
        payload = Webhook(state.setting("FORUM_DESK_WEBHOOK_SECRET")).verify(body, headers)
    except json.JSONDecodeError:
        raise ForumError(_("The signature checked out, but the message is not JSON. Send a JSON object.")) from None
    except (WebhookVerificationError, ValueError) as error:
        raise NotAllowed(_("The message's signature or time did not check out (%(error)s).", error=error)) from None
    if has_nul(payload):
        raise ForumError(_("The message contains a NUL character, which cannot be stored. Leave it out."))
    session = state.db.session
    # Stored hashed: any length of id fits, and two long ids that share a beginning stay apart.
    message_id = hashlib.sha256(str(headers.get("webhook-id", "")).encode()).hexdigest()
    session.add(state.models.WebhookReceipt(id=message_id, received_at=utcnow()))
    try:
        session.flush()
    except sa.exc.IntegrityError:
        session.rollback()
        raise ForumError(_("This message was already received."), status=409) from None
    try:
        news = connector.read_webhook(payload)
    except Failure as error:
        session.rollback()
        raise ForumError(error.message, status=422) from None
    E = state.models.Escalation
    tickets = {c.ticket_id for c in news.changes} | set(news.refresh)
    escalations = {e.ticket_id: e for e in session.scalars(sa.select(E).where(E.ticket_id.in_(tickets)))}
    if news.refresh:
        session.execute(sa.update(E).where(E.ticket_id.in_(news.refresh)).values(poll_due_at=utcnow()))
    session.commit()
    for ticket_id in {c.ticket_id for c in news.changes}:
        if ticket_id in escalations:
            apply_changes(state, escalations[ticket_id], [c for c in news.changes if c.ticket_id == ticket_id])
    return len(set(escalations) & tickets)


def forget_old_receipts(state: ForumState) -> None:
    """Drop webhook receipts older than the replay window (the timestamp check covers older ones)."""
    R = state.models.WebhookReceipt
    state.db.session.execute(sa.delete(R).where(R.received_at < utcnow() - RECEIPTS_KEPT))
    state.db.session.commit()


def record_outcome(state: ForumState, user: ForumUser, escalation: Escalation, solved: bool) -> None:
    """The asker says whether the IT team's resolution solved it; "yes" accepts it as the answer."""
    from ..threads import posting, solutions

    session = state.db.session
    thread = get_row(session, state.models.Thread, escalation.thread_id)
    if user.id != thread.author_id:
        raise NotAllowed(_("Only the person who asked can say whether this solved it."))
    if escalation.resolved_at is None:
        raise ForumError(_("The IT team has not resolved this yet."), status=409)
    escalation.outcome = "solved" if solved else "not_solved"
    TE = state.models.TimelineEvent
    if not solved:
        session.add(
            TE(
                thread_id=thread.id,
                kind="not_solved",
                actor_id=user.id,
                **i18n.columns(later("%(name)s says the problem is not solved yet.", name=user.name)),
            )
        )
        session.add(
            state.models.DeskJob(
                escalation_id=escalation.id,
                action="comment",
                key=f"{escalation.key}-unsolved-{uuid.uuid4().hex[:12]}",
                payload=json.dumps(
                    {
                        "text": i18n.for_the_desk(
                            "%(name)s says this did not solve the problem. Please look again.", name=user.name
                        )
                    }
                ),
            )
        )
        session.commit()
        return
    session.add(
        TE(
            thread_id=thread.id,
            kind="solved_by_desk",
            actor_id=user.id,
            **i18n.columns(later("%(name)s says the IT team's answer solved it.", name=user.name)),
        )
    )
    session.commit()
    desk_user = state.setting("FORUM_DESK_USER_ID")
    speaker = state.users.get(desk_user) if desk_user is not None else None
    if speaker is None or thread.is_solved:
        return
    reply = session.scalar(
        sa.select(TE.text)
        .where(TE.thread_id == thread.id, TE.kind == "agent_reply")
        .order_by(TE.created_at.desc(), TE.id.desc())
        .limit(1)
    )
    body = i18n.for_the_desk(
        "**The IT team's answer** (ticket %(ticket)s):\n\n%(reply)s",
        ticket=escalation.ticket_id,
        reply=reply or i18n.for_the_desk("The IT team resolved the ticket."),
    )
    answer = posting.add_answer(state, speaker, thread, body)
    solutions.accept(state, user, thread, answer.id)


def timeline(state: ForumState, thread_id: int) -> list[Any]:
    """The thread's desk timeline, oldest first."""
    TE = state.models.TimelineEvent
    return list(state.db.session.scalars(sa.select(TE).where(TE.thread_id == thread_id).order_by(TE.created_at, TE.id)))
