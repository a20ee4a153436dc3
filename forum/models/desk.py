"""The shapes of escalations to the IT team, the outbox of desk jobs and webhook receipts."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .base import Shape, utcnow
from .queued import Queued


class Escalation(Shape):
    """A thread handed to the IT team's service desk, and the ticket it became."""

    __tablename__ = "forum_escalation"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        requested_by_id: Mapped[Any]
    __table_args__ = (
        sa.UniqueConstraint("thread_id", name="uq_forum_escalation_thread_id"),
        sa.UniqueConstraint("key", name="uq_forum_escalation_key"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_thread.id", name="fk_forum_escalation_thread_id"), nullable=False
    )
    #: Sent to the desk with every try, so a repeated request is recognised.
    key: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    #: "asked" (by a person), "no_answer" or "unsolved" (by the automatic policy).
    reason: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    ticket_id: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    ticket_url: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    ticket_status: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    resolved_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    #: The asker's verdict on the resolution: "solved" or "not_solved".
    outcome: Mapped[str | None] = mapped_column(sa.String(12), nullable=True)
    #: Where reading the ticket's changes stopped (the connector's own marker).
    cursor: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    last_polled_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    #: Set by the desk's webhook: read this ticket again at the next pass.
    poll_due_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)


class DeskJob(Queued):
    """The outbox: one call to make to the desk, written with the change that needs it, kept until it lands."""

    __tablename__ = "forum_desk_job"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.UniqueConstraint("key", name="uq_forum_desk_job_key"),
            sa.Index("ix_forum_desk_job_due", "state", "next_attempt_at"),
        )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        sa.Integer,
        sa.ForeignKey("forum_escalation.id", name="fk_forum_desk_job_escalation_id"),
        nullable=False,
        index=True,
    )
    #: "create" (open the ticket) or "comment" (add a note to it).
    action: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    key: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    payload: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")


class WebhookReceipt(Shape):
    """A desk webhook message already taken in, so a replayed one is refused."""

    __tablename__ = "forum_webhook_receipt"

    id: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow, index=True)
