"""Readers' verdicts on answers, "This was easy to follow" or "Too technical": one per reader and answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import signals
from ..errors import ForumError, NotAllowed, NotFound
from ..i18n import _
from ..models import utcnow

if TYPE_CHECKING:
    from collections.abc import Sequence

    from ..models import Post
    from ..state import ForumState
    from ..users import ForumUser

EASY, TECHNICAL = "easy", "technical"
VERDICTS = (EASY, TECHNICAL)


@dataclass(frozen=True)
class Counts:
    """How many readers found one answer easy to follow, and how many too technical."""

    easy: int = 0
    technical: int = 0


def vote(state: ForumState, reader: ForumUser, post: Post, verdict: str | None) -> str | None:
    """Set (or with ``None``, take back) this reader's verdict on an answer; returns the verdict now held."""
    if verdict is not None and verdict not in VERDICTS:
        raise ForumError(_("Please choose “Easy to follow” or “Too technical”."))
    if post.is_question or post.is_deleted:
        raise NotFound(_("Only answers that are still there can be rated."))
    if reader.id == post.author_id:
        raise NotAllowed(_("This is your own answer. Other readers say how easy it was to follow."))
    V = state.models.ClarityVote
    session = state.db.session
    # Through the ORM, so the thread's kept page is marked as changed in the same transaction.
    row = session.scalar(sa.select(V).where(V.post_id == post.id, V.user_id == reader.id))
    if verdict is None:
        if row is not None:
            session.delete(row)
    elif row is not None:
        row.verdict, row.created_at = verdict, utcnow()
    else:
        session.add(V(post_id=post.id, user_id=reader.id, verdict=verdict, created_at=utcnow()))
    try:
        session.commit()
    except sa.exc.IntegrityError:  # the same reader's other tab voted at the same moment: that vote stands
        session.rollback()
    signals.send(signals.answer_rated, post=post, user=reader, verdict=verdict)
    return mine(state, reader, [post.id]).get(post.id)


def mine(state: ForumState, reader: ForumUser | None, post_ids: Sequence[int]) -> dict[int, str]:
    """This reader's verdicts on these posts (one query)."""
    if reader is None or not post_ids:
        return {}
    V = state.models.ClarityVote
    rows = state.db.session.execute(
        sa.select(V.post_id, V.verdict).where(V.user_id == reader.id, V.post_id.in_(list(post_ids)))
    )
    return {post_id: verdict for post_id, verdict in rows}


def counts(state: ForumState, post_ids: Sequence[int]) -> dict[int, Counts]:
    """Verdict counts per post (one query); posts nobody rated are left out."""
    if not post_ids:
        return {}
    V = state.models.ClarityVote
    rows = state.db.session.execute(
        sa.select(V.post_id, V.verdict, sa.func.count())
        .where(V.post_id.in_(list(post_ids)))
        .group_by(V.post_id, V.verdict)
    )
    found: dict[int, dict[str, int]] = {}
    for post_id, verdict, n in rows:
        found.setdefault(post_id, {})[verdict] = int(n)
    return {post_id: Counts(v.get(EASY, 0), v.get(TECHNICAL, 0)) for post_id, v in found.items()}


def easy_answers(state: ForumState, user_id: Any) -> int:
    """Answers of this person's that more readers found easy to follow than too technical (at least 2 readers)."""
    V, Post = state.models.ClarityVote, state.models.Post
    easy = sa.func.sum(sa.case((V.verdict == EASY, 1), else_=0))
    technical = sa.func.sum(sa.case((V.verdict == TECHNICAL, 1), else_=0))
    per_answer = (
        sa.select(V.post_id)
        .join(Post, Post.id == V.post_id)
        .where(Post.author_id == user_id, Post.deleted_at.is_(None))
        .group_by(V.post_id)
        .having(easy >= 2, easy > technical)
        .subquery()
    )
    return int(state.db.session.scalar(sa.select(sa.func.count()).select_from(per_answer)) or 0)


@dataclass(frozen=True)
class HardAnswer:
    """An answer readers found too technical, for the IT team's list."""

    post: Any
    thread: Any
    counts: Counts


def too_technical(state: ForumState, *, limit: int = 50) -> list[HardAnswer]:
    """Answers with the most "too technical" verdicts first, each at least one (three queries)."""
    V, Post, Thread = state.models.ClarityVote, state.models.Post, state.models.Thread
    ranked = list(
        state.db.session.execute(
            sa.select(V.post_id, sa.func.count().label("n"))
            .join(Post, Post.id == V.post_id)
            .where(V.verdict == TECHNICAL, Post.deleted_at.is_(None))
            .group_by(V.post_id)
            .order_by(sa.desc("n"), V.post_id.desc())
            .limit(limit)
        )
    )
    ids = [post_id for post_id, _ in ranked]
    posts = {p.id: p for p in state.db.session.scalars(sa.select(Post).where(Post.id.in_(ids)))} if ids else {}
    thread_ids = {p.thread_id for p in posts.values()}
    threads = (
        {t.id: t for t in state.db.session.scalars(sa.select(Thread).where(Thread.id.in_(thread_ids)))}
        if thread_ids
        else {}
    )
    found = counts(state, ids)
    return [
        HardAnswer(posts[i], threads[posts[i].thread_id], found.get(i, Counts()))
        for i in ids
        if i in posts and posts[i].thread_id in threads and not threads[posts[i].thread_id].is_deleted
    ]
