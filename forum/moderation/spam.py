"""What a post may hold, by level, and which posts wait for a check before anyone sees them.

Refusals (too many links or a picture from a Newcomer, the same text twice in a row) change nothing and say what
to do. Posts that look like spam are kept but held for the review queue. Plugins add their own checker through
the ``forum_check_spam`` hook.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import ForumError, NotAllowed
from ..i18n import _, later
from ..models import utcnow
from . import queue

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser

LINK = re.compile(r"(?:https?://|\bwww\.)", re.IGNORECASE)
IMAGE = re.compile(r"!\[[^\]\n]*\]\(")
#: The same text in another question within this time looks like spam.
REPEAT_WINDOW = dt.timedelta(days=7)
SUPERUSER = 3


def links(text: str) -> int:
    """Web addresses in a post, whether typed bare or as Markdown links."""
    return len(LINK.findall(text))


def refuse(state: ForumState, author: ForumUser, text: str) -> None:
    """Refuse what a Newcomer may not post yet, in words that say what to do instead."""
    if author.is_agent or author.level >= 1:
        return
    most = int(state.setting("FORUM_NEWCOMER_MAX_LINKS"))
    if links(text) > most:
        raise NotAllowed(
            _(
                "New members can add up to %(most)s links to a post. Please remove some. Once you are a Member, you "
                "can add more.",
                most=most,
            ),
        )
    if IMAGE.search(text):
        raise NotAllowed(
            _(
                "New members cannot add pictures yet. Please describe what you see in words. "
                "Once you are a Member, you can add pictures."
            )
        )


def refuse_repeat(
    state: ForumState, author: ForumUser, text: str, *, title: str | None = None, thread_id: int | None = None
) -> None:
    """The same post twice in a row is almost always a double click: say where the first one is.

    For a question, the same title and text as the author's last post; for an answer, the same text as their last
    post in that thread (the same text in other questions is for :func:`held_reason`).
    """
    Post, Thread = state.models.Post, state.models.Thread
    query = (
        sa.select(Post.body_source, Post.is_question, Thread.title)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == author.id, Post.deleted_at.is_(None))
    )
    if thread_id is not None:
        query = query.where(Post.thread_id == thread_id)
    last = state.db.session.execute(query.order_by(Post.created_at.desc(), Post.id.desc()).limit(1)).first()
    if last is None or last.body_source.strip() != text.strip():
        return
    if title is not None and not (last.is_question and last.title == title):
        return
    raise ForumError(
        _(
            "You already posted exactly this, in “%(title)s”. If you want to add something, edit that post.",
            title=last.title,
        ),
        status=409,
    )


def held_reason(state: ForumState, author: ForumUser, text: str, *, thread_id: int | None = None) -> Any:
    """Why a post should wait in the review queue instead of showing (words kept for each reader), or ``None``."""
    if author.is_agent or author.level >= SUPERUSER:
        return None
    count = links(text)
    if count > int(state.setting("FORUM_SPAM_MAX_LINKS")):
        return later("It has %(count)s links.", count=count)
    for pattern in state.setting("FORUM_SPAM_PATTERNS") or ():
        found = re.search(pattern, text, re.IGNORECASE)
        if found:
            return later("It contains “%(words)s”, which spam often does.", words=found.group(0)[:60])
    if len(text.strip()) >= 40 and _repeated_elsewhere(state, author, text, thread_id):
        return later("The same text was posted in another question.")
    for said in state.plugins.hook.forum_check_spam(author=author, text=text, thread_id=thread_id):
        if said:
            return str(said)[:300]
    return None


def _repeated_elsewhere(state: ForumState, author: ForumUser, text: str, thread_id: int | None) -> bool:
    Post = state.models.Post
    query = sa.select(Post.id).where(
        Post.author_id == author.id,
        Post.body_source == text,
        Post.created_at >= utcnow() - REPEAT_WINDOW,
        Post.deleted_at.is_(None),
    )
    if thread_id is not None:
        query = query.where(Post.thread_id != thread_id)
    return state.db.session.scalar(query.limit(1)) is not None


def first_post(state: ForumState, author: ForumUser) -> bool:
    """True when the admin checks new members' first posts and this is the author's first."""
    if author.is_agent or not state.setting("FORUM_REVIEW_FIRST_POSTS"):
        return False
    Post = state.models.Post
    return state.db.session.scalar(sa.select(Post.id).where(Post.author_id == author.id).limit(1)) is None


def review_reason(
    state: ForumState, author: ForumUser, text: str, *, thread_id: int | None = None
) -> tuple[str, Any] | None:
    """Whether a new post waits for a check before others see it: (why, detail), or ``None`` to show it at once."""
    reason = held_reason(state, author, text, thread_id=thread_id)
    if reason is not None:
        return "spam", reason
    if first_post(state, author):
        return "first_post", later("A new member's first post.")
    return None


def hold(state: ForumState, post: Any, why: str, detail: Any) -> None:
    """Keep a post out of sight until a moderator decides, and put it in the queue (the caller commits)."""
    post.held = why
    queue.enqueue(state, post, why, detail)
