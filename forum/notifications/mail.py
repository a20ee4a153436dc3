"""Notification e-mail: sent by the worker, never by a page, so a mail server that is down costs nothing."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from email.message import EmailMessage
from email.utils import formataddr
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from plugin_api.retry import Failure, GiveUp, TryLater, backoff
from plugin_api.smtp import SmtpServer

from ..models import utcnow
from .delivery import mail_enabled

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser

log = logging.getLogger("forum.mail")

BATCH = 200


def server(state: ForumState) -> SmtpServer:
    """The SMTP server from ``FORUM_MAIL_*``."""
    return SmtpServer(
        host=state.setting("FORUM_MAIL_SERVER"),
        port=int(state.setting("FORUM_MAIL_PORT")),
        security=state.setting("FORUM_MAIL_SECURITY"),
        username=state.setting("FORUM_MAIL_USERNAME"),
        password=state.setting("FORUM_MAIL_PASSWORD"),
        timeout=float(state.setting("FORUM_MAIL_TIMEOUT")),
    )


def _link(state: ForumState, row: Any) -> str:
    if row.announcement_id:
        return state.public_url(f"/announcements/{row.announcement_id}")
    if row.post_id:
        return state.public_url(f"/p/{row.post_id}")
    if row.thread_id:
        return state.public_url(f"/t/{row.thread_id}")
    return state.public_url("/notifications")


def _message(state: ForumState, person: ForumUser, subject: str, lines: list[str]) -> EmailMessage:
    """A plain-text e-mail with a way to change what one receives."""
    message = EmailMessage()
    message["From"] = formataddr((state.setting("FORUM_TITLE"), state.setting("FORUM_MAIL_SENDER")))
    message["To"] = formataddr((person.name, person.email or ""))
    message["Subject"] = subject
    footer = [
        "",
        "--",
        f"You get this because of your notification settings in {state.setting('FORUM_TITLE')}.",
        f"Change them here: {state.public_url('/notifications/settings')}",
    ]
    message.set_content("\n".join([f"Hello {person.name},", "", *lines, *footer]) + "\n")
    return message


def send_pending(state: ForumState, *, now: dt.datetime | None = None) -> dict[str, int]:
    """Send the e-mails people asked to get at once; failures wait and are tried again, with backoff."""
    if not mail_enabled(state):
        return {"sent": 0, "waiting": 0, "failed": 0}
    now = now or utcnow()
    N = state.models.Notification
    session = state.db.session
    rows = list(
        session.scalars(
            sa.select(N).where(N.email_state == "pending", N.email_next_at <= now).order_by(N.id).limit(BATCH)
        )
    )
    people = state.users.get_many(r.user_id for r in rows)
    sendable, counts = [], {"sent": 0, "waiting": 0, "failed": 0}
    for row in rows:
        person = people[row.user_id]
        if not person.email:
            row.email_state = "failed"
            counts["failed"] += 1
            continue
        sendable.append((row, _message(state, person, row.message, [row.message, "", f"Open it: {_link(state, row)}"])))
    session.commit()
    if not sendable:
        return counts
    try:
        results = server(state).send(message for _, message in sendable)
    except Failure as error:  # the whole server: every message waits for the next try
        results = [TryLater(error.message)] * len(sendable)
    results = list(results) + [TryLater("The mail server hung up.")] * (len(sendable) - len(results))
    for (row, _), result in zip(sendable, results, strict=True):
        counts[_record(state, row, result)] += 1
    session.commit()
    return counts


def _record(state: ForumState, row: Any, result: Exception | None) -> str:
    """Mark one notice's e-mail sent, waiting for another try, or failed."""
    if result is None:
        row.email_state = "sent"
        return "sent"
    row.email_attempts += 1
    if isinstance(result, GiveUp) or row.email_attempts >= int(state.setting("FORUM_MAIL_MAX_ATTEMPTS")):
        row.email_state = "failed"
        log.warning("E-mail for notice %s given up: %s", row.id, result)
        return "failed"
    row.email_next_at = utcnow() + backoff(row.email_attempts, 60.0)
    return "waiting"


def send_digests(state: ForumState, *, now: dt.datetime | None = None) -> int:
    """One e-mail per person listing their digest notices, at most once per ``FORUM_DIGEST_HOURS``."""
    if not mail_enabled(state):
        return 0
    now = now or utcnow()
    N, D = state.models.Notification, state.models.MailDigest
    session = state.db.session
    every = dt.timedelta(hours=float(state.setting("FORUM_DIGEST_HOURS")))
    due_people = list(
        session.scalars(
            sa.select(N.user_id)
            .outerjoin(D, D.user_id == N.user_id)
            .where(N.email_state == "digest", sa.or_(D.sent_at.is_(None), D.sent_at <= now - every))
            .group_by(N.user_id)
            .limit(BATCH)
        )
    )
    if not due_people:
        return 0
    rows = list(
        session.scalars(
            sa.select(N).where(N.email_state == "digest", N.user_id.in_(due_people)).order_by(N.created_at, N.id)
        )
    )
    by_person: dict[Any, list[Any]] = defaultdict(list)
    for row in rows:
        by_person[row.user_id].append(row)
    people = state.users.get_many(by_person)
    batch = []
    for person_id, items in by_person.items():
        person = people[person_id]
        if not person.email:
            for row in items:
                row.email_state = "failed"
            continue
        lines = [f"Here is what happened since your last digest ({len(items)}):", ""]
        lines += [f"- {row.message}\n  {_link(state, row)}" for row in items]
        subject = f"Your daily digest from {state.setting('FORUM_TITLE')}: {len(items)} new"
        batch.append((person_id, items, _message(state, person, subject, lines)))
    session.commit()
    try:
        results = server(state).send(message for _, _, message in batch)
    except Failure as error:
        log.warning("Digest e-mail could not go out: %s", error.message)
        return 0
    sent = 0
    for (person_id, items, _), result in zip(batch, results, strict=False):
        if result is None:
            for row in items:
                row.email_state = "sent"
            existing = session.get(D, person_id)
            if existing is None:
                session.add(D(user_id=person_id, sent_at=now))
            else:
                existing.sent_at = now
            sent += 1
    session.commit()
    return sent
