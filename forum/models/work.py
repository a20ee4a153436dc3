"""Background work across processes: task leases, follow-ups of cheap writes, plugins' outgoing posts, and the name a
worker goes by."""

from __future__ import annotations

import datetime as dt
import os
import socket
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ..page_cache import PERSONAL
from .base import Shape, utcnow
from .queued import Queued


class TaskLease(Shape):
    """A task that one worker at a time may run, across processes and hosts, and until when it holds it."""

    __tablename__ = "forum_task_lease"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    until: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False)


class Followup(Shape):
    """What a quick write leaves for the worker: re-checking someone's badges and level, or a "liked" notice.

    A like stays a few small writes in the request; the worker applies these in order, a batch per transaction,
    and deletes them in the same transaction, so each is applied once even if a worker stops half-way.
    """

    __tablename__ = "forum_followup"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]
        actor_id: Mapped[Any]

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    #: "settle" (badges and level of ``user_id``, for ``triggers``) or "liked" (``actor_id`` liked ``post_id``,
    #: written by ``user_id``: the worker sends the notice and checks both people's badges and level).
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    post_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    triggers: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


def worker_name() -> str:
    """Who holds a job or a lease, for the admin page and the logs: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


class OutgoingPost(Queued):
    """A post a plugin asked the forum to send (a chat message), waiting, sent, or given up, like a desk job."""

    __tablename__ = "forum_outgoing"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.UniqueConstraint("key", name="uq_forum_outgoing_key"),
            sa.Index("ix_forum_outgoing_due", "state", "next_attempt_at"),
        )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    plugin: Mapped[str] = mapped_column(sa.String(80), nullable=False, default="")
    url: Mapped[str] = mapped_column(sa.String(2000), nullable=False)
    payload: Mapped[str] = mapped_column(sa.Text, nullable=False, default="{}")
    #: For the forum's own outbound webhooks: the endpoint whose secret signs it when it is sent.
    endpoint_id: Mapped[int | None] = mapped_column(
        sa.Integer,
        sa.ForeignKey("forum_webhook_endpoint.id", name="fk_forum_outgoing_endpoint_id", ondelete="CASCADE"),
        nullable=True,
    )
    #: The HTTP status of the last try (``None``: it could not be reached, or not tried yet).
    status_code: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)


class WebhookEndpoint(Shape):
    """An address an admin registered to be told about the forum's events, signed the Standard Webhooks way."""

    __tablename__ = "forum_webhook_endpoint"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    url: Mapped[str] = mapped_column(sa.String(2000), nullable=False)
    #: whsec_... (base64): signs every delivery; the receiver verifies with the same secret.
    secret: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    #: The event types it wants, separated by spaces ("thread.created answer.accepted").
    events: Mapped[str] = mapped_column(sa.String(500), nullable=False)
    description: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


def call_lease(timeout_seconds: float) -> dt.timedelta:
    """How long a worker may hold a row whose call times out after ``timeout_seconds``: longer than any one call."""
    return dt.timedelta(seconds=float(timeout_seconds) * 4 + 30)


def drain(
    session: Any, model: Any, worker: str, handle: Callable[[int, str], str], *, lease: dt.timedelta, limit: int
) -> dict[str, int]:
    """Claim due rows a batch at a time and ``handle(row_id, token)`` each, until none are left; counts by outcome."""
    counts: dict[str, int] = {}
    while True:
        token, taken = claim_rows(session, model, worker, lease=lease, limit=limit)
        for row_id in taken:
            outcome = handle(row_id, token)
            counts[outcome] = counts.get(outcome, 0) + 1
        if len(taken) < limit:
            return counts


def claim_rows(
    session: Any, model: Any, worker: str, *, lease: dt.timedelta, limit: int, now: dt.datetime | None = None
) -> tuple[str, list[int]]:
    """Take up to ``limit`` due rows of an outbox (desk jobs, outgoing posts) for ``worker``; returns the token.

    PostgreSQL picks the due rows ``FOR UPDATE SKIP LOCKED``, so workers claiming at the same moment take different
    rows; the conditional UPDATE (a row another worker changed first no longer matches) keeps SQLite right too.
    """
    now = now or utcnow()
    free = sa.or_(model.locked_until.is_(None), model.locked_until < now)
    due = (
        sa.select(model.id)
        .where(model.state == "waiting", model.next_attempt_at <= now, free)
        .order_by(model.next_attempt_at, model.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    token = f"{worker[:60]}/{uuid.uuid4().hex[:12]}"
    candidates = list(session.scalars(due))
    if not candidates:
        session.rollback()
        return token, []
    session.execute(
        sa.update(model)
        .where(model.id.in_(candidates), model.state == "waiting", free)
        .values(locked_until=now + lease, locked_by=token, attempts=model.attempts + 1)
        .execution_options(**{PERSONAL: True})
    )
    session.commit()
    taken = list(session.scalars(sa.select(model.id).where(model.locked_by == token).order_by(model.next_attempt_at)))
    session.commit()
    return token, taken


def renew(session: Any, model: Any, row_id: int, token: str | None, lease: dt.timedelta) -> bool:
    """Extend the holder's lease just before it calls out; False when another worker holds the row now."""
    held = model.locked_by == token if token is not None else sa.true()
    result = session.execute(
        sa.update(model)
        .where(model.id == row_id, model.state == "waiting", held)
        .values(locked_until=utcnow() + lease)
        .execution_options(**{PERSONAL: True})
    )
    session.commit()
    return bool(result.rowcount)


def still_held(session: Any, row: Any, token: str | None) -> bool:
    """Re-read who holds the row (locking it) before recording a result: only the holder records."""
    if token is None:
        return True
    session.refresh(row, attribute_names=["locked_by"], with_for_update=True)
    return bool(row.locked_by == token)
