"""Failures sorted into "try again later" and "a person must look", and the wait between tries.

The desk connectors and the mail sender share them, so the outbox and the notification e-mail
keep work the same way: a :class:`TryLater` waits for :func:`backoff`, a :class:`GiveUp` stops at once.
Nothing here imports Flask or SQLAlchemy.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable

#: The longest wait between two tries, however many failed.
MAX_BACKOFF = dt.timedelta(hours=1)


class Failure(Exception):
    """Something outside the forum failed. ``message`` is plain enough to show to desk agents."""

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: The HTTP status the other side answered, when it answered at all.
        self.status = status


class TryLater(Failure):
    """It could not be reached or was busy: keep the work and try again later."""


class GiveUp(Failure):
    """It refused the work: trying again will not help, a person must look."""


def backoff(attempt: int, base_seconds: float, *, rand: Callable[[], float] = random.random) -> dt.timedelta:
    """How long to wait after failed try number ``attempt``: doubling from ``base_seconds``, with jitter."""
    full = min(MAX_BACKOFF.total_seconds(), base_seconds * 2 ** max(0, attempt - 1))
    return dt.timedelta(seconds=full * (0.5 + rand() / 2))
