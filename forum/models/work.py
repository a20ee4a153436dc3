"""Background work across processes: the shape of a task lease, and the name a worker process goes by."""

from __future__ import annotations

import datetime as dt
import os
import socket

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Shape


class TaskLease(Shape):
    """A task that one worker at a time may run, across processes and hosts, and until when it holds it."""

    __tablename__ = "forum_task_lease"

    name: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    holder: Mapped[str] = mapped_column(sa.String(120), nullable=False, default="")
    until: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False)


def worker_name() -> str:
    """Who holds a job or a lease, for the admin page and the logs: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"
