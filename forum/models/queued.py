"""What every outbox row has: its state, its tries, and which worker holds it until when (see ``work.claim_rows``)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Shape, utcnow


class Queued(Shape):
    """The columns of a job that workers claim, try, retry with backoff, and give up on for a person to look at."""

    #: "waiting", "done" or "failed" (the dead letter: a person must look).
    state: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="waiting")
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    #: A worker holds the job until then; after it, another may take over (the first one died).
    locked_until: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    locked_by: Mapped[str] = mapped_column(sa.String(80), nullable=False, default="")
    last_error: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
