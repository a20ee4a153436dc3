"""Failures a person caused and can fix, each with a plain message that says what to do next."""

from __future__ import annotations


class ForumError(Exception):
    """Something the person asked for cannot be done; ``message`` says why and what to do instead."""

    status = 400

    def __init__(self, message: str, *, field: str | None = None, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field
        if status is not None:
            self.status = status


class NotAllowed(ForumError):
    """The person is signed in but may not do this."""

    status = 403


class NotFound(ForumError):
    """The thing is gone, or was never there."""

    status = 404
