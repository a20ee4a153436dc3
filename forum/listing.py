"""Read-only queries for the pages: a fixed, small number of SQL queries however long the lists are."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from .extension import ForumState
from .users import ForumUser

TABS = ("latest", "unanswered")


@dataclass
class Page:
    """One page of a list. ``total`` is ``None`` where counting every row would cost more than it tells."""

    items: list[Any]
    page: int
    per_page: int
    has_next: bool
    total: int | None = None

    @property
    def pages(self) -> int | None:
        """How many pages there are, when the total is known."""
        if self.total is None:
            return None
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int:
        return self.page - 1

    @property
    def next_num(self) -> int:
        return self.page + 1

    @property
    def is_paged(self) -> bool:
        """Whether there is more than one page, so page links are worth showing."""
        return self.has_prev or self.has_next

    def iter_pages(self, edge: int = 1, around: int = 2) -> Iterator[int | None]:
        """Page numbers to link to, with ``None`` for a gap, like "1 … 4 5 6 … 20"."""
        last = self.pages or self.page + (1 if self.has_next else 0)
        shown = set(range(1, min(edge, last) + 1)) | set(range(max(1, last - edge + 1), last + 1))
        shown |= set(range(max(1, self.page - around), min(last, self.page + around) + 1))
        previous = 0
        for number in sorted(shown):
            if number - previous > 1:
                yield None
            yield number
            previous = number


def _page(state: ForumState, query: sa.Select[Any], page: int, per_page: int, total: int | None = None) -> Page:
    """Fetch one page plus one row, to know whether another page follows without counting."""
    rows = list(state.db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page)))
    return Page(items=rows[:per_page], page=page, per_page=per_page, has_next=len(rows) > per_page, total=total)


@dataclass
class ThreadList:
    """One page of threads, with their categories, keywords and people."""

    page: Page
    users: dict[Any, ForumUser]
    categories: dict[int, Any]
    tags: dict[int, list[str]] = field(default_factory=dict)


@dataclass
class ThreadPage:
    """A question, one page of its answers, and what the page shows beside them."""

    thread: Any
    category: Any
    tags: list[str]
    question: Any
    answers: Page
    users: dict[Any, ForumUser]


def categories_by_id(state: ForumState) -> dict[int, Any]:
    """All categories, in the admins' order, keyed by id (there are few; one query serves a page)."""
    Category = state.models.Category
    rows = state.db.session.scalars(sa.select(Category).order_by(Category.position, Category.id))
    return {c.id: c for c in rows}


def tag_names(state: ForumState, thread_ids: Sequence[int]) -> dict[int, list[str]]:
    """Keyword names per thread, sorted, in one query."""
    if not thread_ids:
        return {}
    Tag, link = state.models.Tag, state.models.thread_tag
    rows = state.db.session.execute(
        sa.select(link.c.thread_id, Tag.name)
        .join(Tag, Tag.id == link.c.tag_id)
        .where(link.c.thread_id.in_(thread_ids))
        .order_by(Tag.name)
    )
    found: dict[int, list[str]] = defaultdict(list)
    for thread_id, name in rows:
        found[thread_id].append(name)
    return dict(found)


def threads(
    state: ForumState,
    *,
    page: int = 1,
    tab: str = "latest",
    category: Any = None,
    tag: str | None = None,
    author_id: Any = None,
    categories: dict[int, Any] | None = None,
) -> ThreadList:
    """Threads, newest activity first, filtered by tab, category, keyword or author."""
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
    result = _page(state, query, page, state.setting("FORUM_THREADS_PER_PAGE"))
    return ThreadList(
        page=result,
        users=state.users.get_many(t.author_id for t in result.items),
        categories=categories if categories is not None else categories_by_id(state),
        tags=tag_names(state, [t.id for t in result.items]),
    )


def thread_page(state: ForumState, thread: Any, *, page: int = 1, viewer: ForumUser | None = None) -> ThreadPage:
    """The question and one page of answers, oldest first."""
    Post = state.models.Post
    session = state.db.session
    question = session.scalar(sa.select(Post).where(Post.thread_id == thread.id, Post.is_question))
    query = sa.select(Post).where(Post.thread_id == thread.id, ~Post.is_question)
    if viewer and viewer.is_moderator:
        total = None  # moderators also see removed answers, which the counter leaves out
    else:
        query = query.where(Post.deleted_at.is_(None))
        total = thread.answer_count
    query = query.order_by(Post.created_at, Post.id)
    answers = _page(state, query, page, state.setting("FORUM_POSTS_PER_PAGE"), total=total)
    users = state.users.get_many(p.author_id for p in [question, *answers.items])
    category = session.get(state.models.Category, thread.category_id)
    return ThreadPage(
        thread=thread,
        category=category,
        tags=tag_names(state, [thread.id]).get(thread.id, []),
        question=question,
        answers=answers,
        users=users,
    )


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


def posts_by(state: ForumState, author_id: Any, *, page: int = 1) -> Page:
    """A person's answers, newest first, with their threads' titles."""
    Post, Thread = state.models.Post, state.models.Thread
    query = (
        sa.select(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == author_id, ~Post.is_question, Post.deleted_at.is_(None), Thread.deleted_at.is_(None))
        .options(contains_eager(Post.thread))
        .order_by(Post.created_at.desc(), Post.id.desc())
    )
    return _page(state, query, page, state.setting("FORUM_THREADS_PER_PAGE"))
