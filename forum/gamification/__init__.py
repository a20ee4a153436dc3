"""Points, badges, superuser levels and leaderboards, wired to the forum's signals per app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import signals
from ..state import get_state
from . import awards

if TYPE_CHECKING:
    from flask import Flask

    from ..models import Post, PostRevision, Share, Thread


def connect(app: Flask) -> None:
    """Listen to this app's forum signals (only this app's: the sender is the app).

    Likes are not among them: their points are written in the like's own transaction (``threads.reactions``).
    """
    state = get_state(app)

    def accepted(sender: Any, thread: Thread, post: Post, user: Any, previous: int | None, **_: Any) -> None:
        awards.on_accepted(state, thread, post, user.id, previous)

    def unaccepted(sender: Any, thread: Thread, post: Post, user: Any, **_: Any) -> None:
        awards.on_unaccepted(state, thread, post)

    def answered(sender: Any, thread: Thread, post: Post, **_: Any) -> None:
        awards.on_answered(state, thread, post)

    def asked(sender: Any, thread: Thread, post: Post, **_: Any) -> None:
        awards._settle(state, {thread.author_id: {"question"}})

    def edited(sender: Any, post: Post, revision: PostRevision, **_: Any) -> None:
        awards._settle(state, {revision.editor_id: {"edit"}})

    def visited(sender: Any, share: Share, visitor: Any, **_: Any) -> None:
        awards.on_share_visit(state, share, visitor.id)

    def deleted(sender: Any, post: Post, deleted: bool, **_: Any) -> None:
        awards.on_deleted(state, post, deleted)

    def rated(sender: Any, post: Post, verdict: str | None, **_: Any) -> None:
        if verdict == "easy":
            awards._settle(state, {post.author_id: {"clarity"}})

    signals.listen(
        app,
        [
            (signals.answer_accepted, accepted),
            (signals.answer_unaccepted, unaccepted),
            (signals.answer_created, answered),
            (signals.thread_created, asked),
            (signals.answer_rated, rated),
            (signals.post_edited, edited),
            (signals.share_visited, visited),
            (signals.post_deleted, deleted),
        ],
    )
