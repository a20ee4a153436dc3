"""Notification e-mail: sent by the worker, never by a page, so a mail server that is down costs nothing."""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from email.message import EmailMessage
from email.utils import formataddr
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import sqlalchemy as sa

from plugin_api.retry import Failure, GiveUp, TryLater, backoff
from plugin_api.smtp import SmtpServer

from .. import i18n
from ..i18n import _, ngettext
from ..models import utcnow
from ..models.work import worker_name
from ..page_cache import PERSONAL
from .delivery import mail_enabled

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser

log = logging.getLogger("forum.mail")

#: E-mails claimed and sent over one connection at a time.
BATCH = 50


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


def _message(state: ForumState, person: ForumUser, subject: str, lines: list[str], *, about: str = "") -> EmailMessage:
    """A plain-text e-mail with a way to change what one receives.

    ``about`` names what it is for ("notice-42"): the Message-ID is then the same on every try, so mail systems
    (and people's inboxes) can tell a message sent again after a crash from a new one.
    """
    message = EmailMessage()
    if about:
        domain = urlsplit(str(state.setting("FORUM_SITE_URL") or "")).hostname or "forum.invalid"
        message["Message-ID"] = f"<{about}@{domain}>"
    message["From"] = formataddr((state.setting("FORUM_TITLE"), state.setting("FORUM_MAIL_SENDER")))
    message["To"] = formataddr((person.name, person.email or ""))
    message["Subject"] = subject
    footer = [
        "",
        "--",
        _("You get this because of your notification settings in %(site)s.", site=state.setting("FORUM_TITLE")),
        _("Change them here: %(link)s", link=state.public_url("/notifications/settings")),
    ]
    message.set_content("\n".join([_("Hello %(name)s,", name=person.name), "", *lines, *footer]) + "\n")
    message["Content-Language"] = i18n.page_language()  # after set_content, which replaces Content-* headers
    return message


def lease(state: ForumState) -> dt.timedelta:
    """How long a worker holds the e-mails it claimed: longer than one batch can take to hand to the server."""
    return dt.timedelta(seconds=float(state.setting("FORUM_MAIL_TIMEOUT")) * 4 + 30 + BATCH * 0.2)


def claim_mail(state: ForumState, worker: str, *, now: dt.datetime | None = None) -> tuple[str, list[Any]]:
    """Take a batch of due e-mails for this worker: two workers never send the same one.

    A claimed notice is "sending" until its lease ends; if its worker died, another takes it after that.
    PostgreSQL picks the rows ``FOR UPDATE SKIP LOCKED``; the conditional UPDATE keeps SQLite right too.
    """
    now = now or utcnow()
    N = state.models.Notification
    session = state.db.session
    due = sa.and_(N.email_state.in_(("pending", "sending")), N.email_next_at <= now)
    token = f"{worker[:40]}/{uuid.uuid4().hex[:12]}"
    ids = list(
        session.scalars(sa.select(N.id).where(due).order_by(N.id).limit(BATCH).with_for_update(skip_locked=True))
    )
    if not ids:
        session.rollback()
        return token, []
    session.execute(
        sa.update(N)
        .where(N.id.in_(ids), due)
        .values(email_state="sending", email_claim=token, email_next_at=now + lease(state))
        .execution_options(**{PERSONAL: True})
    )
    session.commit()
    return token, list(session.scalars(sa.select(N).where(N.email_claim == token).order_by(N.id)))


def send_pending(state: ForumState, *, now: dt.datetime | None = None, worker: str = "") -> dict[str, int]:
    """Send the e-mails people asked to get at once; failures wait and are tried again, with backoff.

    Each e-mail goes out once however many workers run: it is claimed first, and its result is recorded only
    by the worker that holds it. (A worker that dies after the server took a message and before it recorded
    that is the one case where, after the lease, the message is sent again: SMTP cannot be asked what it got.)
    """
    counts = {"sent": 0, "waiting": 0, "failed": 0}
    if not mail_enabled(state):
        return counts
    while True:
        token, rows = claim_mail(state, worker or worker_name(), now=now)
        for outcome, number in _send_batch(state, token, rows).items():
            counts[outcome] += number
        if len(rows) < BATCH:
            return counts


def _send_batch(state: ForumState, token: str, rows: list[Any]) -> dict[str, int]:
    """Hand one claimed batch to the mail server over one connection, and record each result."""
    people = state.users.get_many(r.user_id for r in rows)
    sendable, counts = [], {"sent": 0, "waiting": 0, "failed": 0}
    for row in rows:
        person = people[row.user_id]
        if not person.email:
            _record(state, row, token, GiveUp(_("This person has no e-mail address.")))
            counts["failed"] += 1
            continue
        with i18n.in_locale(person.locale):  # the reader's language, whoever caused the notice
            text = i18n.shown(row.message, row.params)
            lines = [text, "", _("Open it: %(link)s", link=_link(state, row))]
            sendable.append((row, _message(state, person, text, lines, about=f"forum-notice-{row.id}")))
    state.db.session.commit()
    if not sendable:
        return counts
    try:
        results = server(state).send(message for _, message in sendable)
    except Failure as error:  # the whole server: every message waits for the next try
        results = [TryLater(error.message)] * len(sendable)
    results = list(results) + [TryLater(_("The mail server hung up."))] * (len(sendable) - len(results))
    sent = [row.id for (row, _), result in zip(sendable, results, strict=True) if result is None]
    if sent:  # the common case, in one statement
        N = state.models.Notification
        state.db.session.execute(
            sa.update(N)
            .where(N.id.in_(sent), N.email_claim == token)
            .values(email_state="sent", email_claim=None)
            .execution_options(**{PERSONAL: True})
        )
        counts["sent"] += len(sent)
    for (row, _sent), result in zip(sendable, results, strict=True):
        if result is not None:
            counts[_record(state, row, token, result)] += 1
    state.db.session.commit()
    return counts


def _record(state: ForumState, row: Any, token: str, result: Exception) -> str:
    """Record one notice's e-mail that did not go out: waiting for another try, or failed (sent ones go in bulk)."""
    N = state.models.Notification
    values: dict[str, Any]
    if isinstance(result, GiveUp) or row.email_attempts + 1 >= int(state.setting("FORUM_MAIL_MAX_ATTEMPTS")):
        log.warning("E-mail for notice %s given up: %s", row.id, result)
        outcome, values = "failed", {"email_state": "failed", "email_attempts": row.email_attempts + 1}
    else:
        outcome = "waiting"
        values = {
            "email_state": "pending",
            "email_attempts": row.email_attempts + 1,
            "email_next_at": utcnow() + backoff(row.email_attempts + 1, 60.0),
        }
    state.db.session.execute(
        sa.update(N)
        .where(N.id == row.id, N.email_claim == token)
        .values(email_claim=None, **values)
        .execution_options(**{PERSONAL: True})
    )
    return outcome


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
        with i18n.in_locale(person.locale):
            lines = [_("Here is what happened since your last digest (%(count)s):", count=len(items)), ""]
            lines += [f"- {i18n.shown(row.message, row.params)}\n  {_link(state, row)}" for row in items]
            subject = ngettext(
                "Your daily digest from %(site)s: %(count)s new",
                "Your daily digest from %(site)s: %(count)s new",
                len(items),
                site=state.setting("FORUM_TITLE"),
                count=len(items),
            )
            batch.append((person_id, items, _message(state, person, subject, lines)))
    session.commit()
    try:
        results = server(state).send(message for _, _, message in batch)
    except Failure as error:
        log.warning("Digest e-mail could not go out: %s", error.message)
        return 0
    sent = 0
    for (person_id, items, _message_sent), result in zip(batch, results, strict=False):
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
