"""Read-only queries for the pages: a fixed number of SQL queries however long the lists are."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy.pagination import Pagination

from .extension import ForumState
from .users import ForumUser

TABS = ("latest", "unanswered")


@dataclass
class ThreadList:
    """One page of threads with the people in it."""

    page: Pagination
    users: dict[Any, ForumUser]


@dataclass
class ThreadPage:
    """A question, one page of its answers, and the people in them."""

    thread: Any
    question: Any
    answers: Pagination
    users: dict[Any, ForumUser]


def _people(state: ForumState, rows: list[Any], *attrs: str) -> dict[Any, ForumUser]:
    return state.users.get_many(getattr(r, a) for r in rows for a in attrs)


def threads(
    state: ForumState,
    *,
    page: int = 1,
    tab: str = "latest",
    category: Any = None,
    tag: str | None = None,
    author_id: Any = None,
) -> ThreadList:
    """Threads newest activity first, filtered by tab, category, tag or author."""
    Thread = state.models.Thread
    query = sa.select(Thread).where(Thread.deleted_at.is_(None))
    if tab == "unanswered":
        query = query.where(Thread.answer_count == 0)
    if category is not None:
        query = query.where(Thread.category_id == category.id)
    if tag:
        Tag, link = state.models.Tag, state.models.thread_tag
        query = query.where(
            Thread.id.in_(sa.select(link.c.thread_id).join(Tag, Tag.id == link.c.tag_id).where(Tag.name == tag))
        )
    if author_id is not None:
        query = query.where(Thread.author_id == author_id)
    query = query.order_by(Thread.last_activity_at.desc(), Thread.id.desc())
    result = state.db.paginate(
        query, page=page, per_page=state.setting("FORUM_THREADS_PER_PAGE"), error_out=False, count=True
    )
    return ThreadList(page=result, users=_people(state, result.items, "author_id"))


def thread_page(state: ForumState, thread: Any, *, page: int = 1, viewer: ForumUser | None = None) -> ThreadPage:
    """The question and one page of answers, oldest first."""
    Post = state.models.Post
    question = state.db.session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.is_question))
    query = sa.select(Post).where(Post.thread_id == thread.id, ~Post.is_question)
    if not (viewer and viewer.is_moderator):
        query = query.where(Post.deleted_at.is_(None))
    query = query.order_by(Post.created_at, Post.id)
    answers = state.db.paginate(
        query, page=page, per_page=state.setting("FORUM_POSTS_PER_PAGE"), error_out=False, count=True
    )
    users = _people(state, [question, *answers.items], "author_id")
    return ThreadPage(thread=thread, question=question, answers=answers, users=users)


def page_of_answer(state: ForumState, post: Any, viewer: ForumUser | None = None) -> int:
    """Which page of its thread an answer is on, for permalinks."""
    if post.is_question:
        return 1
    Post = state.models.Post
    query = sa.select(sa.func.count()).where(
        Post.thread_id == post.thread_id,
        ~Post.is_question,
        sa.or_(Post.created_at < post.created_at, sa.and_(Post.created_at == post.created_at, Post.id < post.id)),
    )
    if not (viewer and viewer.is_moderator):
        query = query.where(Post.deleted_at.is_(None))
    before = state.db.session.scalar(query) or 0
    return before // state.setting("FORUM_POSTS_PER_PAGE") + 1


def posts_by(state: ForumState, author_id: Any, *, page: int = 1) -> Pagination:
    """A person's answers, newest first, with their threads loaded."""
    Post, Thread = state.models.Post, state.models.Thread
    query = (
        sa.select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == author_id, ~Post.is_question, Post.deleted_at.is_(None), Thread.deleted_at.is_(None))
        .options(sa.orm.contains_eager(Post.thread))
        .order_by(Post.created_at.desc(), Post.id.desc())
    )
    return state.db.paginate(query, page=page, per_page=state.setting("FORUM_THREADS_PER_PAGE"), error_out=False)
