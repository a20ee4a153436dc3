"""Signals a host may connect to, sent after the change is committed."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from blinker import NamedSignal, Namespace
from flask import Flask, current_app

_signals = Namespace()

#: A new question was posted. ``thread`` and ``post`` are the new rows.
thread_created = _signals.signal("forum-thread-created")
#: An answer was posted. ``thread`` and ``post``.
answer_created = _signals.signal("forum-answer-created")
#: A post was edited. ``post`` and ``revision``.
post_edited = _signals.signal("forum-post-edited")
#: A post was deleted (soft) or restored. ``post`` and ``deleted`` (True or False).
post_deleted = _signals.signal("forum-post-deleted")
#: Someone liked a post. ``post``, ``user`` (who liked it) and ``like`` (the new row).
post_liked = _signals.signal("forum-post-liked")
#: Someone took a like back. ``post`` and ``user``.
post_unliked = _signals.signal("forum-post-unliked")
#: An answer was marked as the one that solved the thread. ``thread``, ``post``, ``user`` (who accepted),
#: ``previous`` (the id of the answer that had the mark before, or None).
answer_accepted = _signals.signal("forum-answer-accepted")
#: The accepted mark was taken off. ``thread``, ``post`` (the answer that lost it), ``user``.
answer_unaccepted = _signals.signal("forum-answer-unaccepted")
#: Someone shared a post. ``share``, ``post``, ``user``, ``recipient`` (a ForumUser, or None for a copied link).
post_shared = _signals.signal("forum-post-shared")
#: A signed-in person arrived through someone's shared link for the first time. ``share`` and ``visitor``.
share_visited = _signals.signal("forum-share-visited")
#: A reader said whether an answer was easy to follow. ``post``, ``user`` (the reader), ``verdict`` ("easy",
#: "technical", or None when taken back).
answer_rated = _signals.signal("forum-answer-rated")
#: A thread was handed to the IT team. ``thread``, ``escalation``, ``user`` (who asked; None when automatic).
thread_escalated = _signals.signal("forum-thread-escalated")
#: The desk's ticket for a thread changed. ``thread``, ``escalation``, ``change`` (a plugin_api.desk.TicketChange).
ticket_updated = _signals.signal("forum-ticket-updated")
#: The IT team published an announcement. ``announcement`` and ``user``.
announcement_published = _signals.signal("forum-announcement-published")
#: The IT team added an update to an announcement. ``announcement``, ``update`` and ``user``.
announcement_updated = _signals.signal("forum-announcement-updated")


def send(signal: NamedSignal, **data: Any) -> None:
    """Send ``signal`` from the app object itself (not the proxy), so receivers may keep it as the sender."""
    signal.send(current_app._get_current_object(), **data)  # type: ignore[attr-defined]


def listen(app: Flask, handlers: Iterable[tuple[NamedSignal, Callable[..., Any]]]) -> None:
    """Connect each handler to its signal for ``app`` alone, kept alive by the signal (handlers are closures)."""
    for signal, handler in handlers:
        signal.connect(handler, sender=app, weak=False)
