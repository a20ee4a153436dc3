"""Signals a host may connect to, sent after the change is committed."""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

#: A new question was posted. ``thread`` and ``post`` are the new rows.
thread_created = _signals.signal("forum-thread-created")
#: An answer was posted. ``thread`` and ``post``.
answer_created = _signals.signal("forum-answer-created")
#: A post was edited. ``post`` and ``revision``.
post_edited = _signals.signal("forum-post-edited")
#: A post was deleted (soft) or restored. ``post`` and ``deleted`` (True or False).
post_deleted = _signals.signal("forum-post-deleted")
