"""Read-only queries for the pages: a fixed, small number of SQL queries however long the lists are."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from .. import members
from ..errors import NotFound
from ..i18n import _, ngettext
from ..models import get_row, named_rows, utcnow
from ..writing import clarity as clarity_votes
from . import posting, reactions, sharing
from .cache import Named

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Sequence

    from ..models import Category, Post, Thread
    from ..state import ForumState
    from ..users import ForumUser

TABS = ("latest", "unanswered")
#: How a list of threads can be filtered by its solved state.
SOLVED_FILTERS = ("all", "solved", "unsolved")
#: How a list of threads can be sorted.
SORTS = ("activity", "newest")


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


def _page(
    state: ForumState,
    query: sa.Select[Any],
    page: int,
    per_page: int,
    total: int | None = None,
    *,
    replica: bool = False,
) -> Page:
    """Fetch one page plus one row, to know whether another page follows without counting."""
    where = state.replica() if replica else {}
    rows = list(state.db.session.scalars(query.limit(per_page + 1).offset((page - 1) * per_page), bind_arguments=where))
    return Page(items=rows[:per_page], page=page, per_page=per_page, has_next=len(rows) > per_page, total=total)


@dataclass
class ThreadList:
    """One page of threads and the categories; their keywords and people are read only if a row is rendered."""

    state: ForumState = field(repr=False)
    page: Page
    categories: dict[int, Any]
    replica: bool = False
    #: The reader's own row (``members.reader_columns``) where the list's statement read it too, else ``None``.
    reader: Any = None

    @cached_property
    def users(self) -> dict[Any, ForumUser]:
        return members.people(self.state, (t.author_id for t in self.page.items))

    @cached_property
    def tags(self) -> dict[int, list[str]]:
        return tag_names(self.state, [t.id for t in self.page.items], replica=self.replica)


@dataclass
class PostReactions:
    """Likes on a set of posts as one viewer sees them, and the people named."""

    liked: set[int]
    likers: dict[int, list[Any]]
    users: dict[Any, ForumUser]
    #: The viewer's "easy to follow" or "too technical" verdicts, by post id.
    clarity: dict[int, str] = field(default_factory=dict)
    #: Readers' verdict counts by post id, for the answers' authors and the IT team to see.
    clarity_counts: dict[int, clarity_votes.Counts] = field(default_factory=dict)

    def likers_text(self, post: Post) -> str:
        """ "Liked by Ana, Ben and 3 others", for hover and tap."""
        names = [self.users[i].name for i in self.likers.get(post.id, []) if i in self.users]
        if not names:
            return _("Nobody has liked this yet.")
        others = post.like_count - len(names)
        if others > 0:
            return ngettext(
                "Liked by %(names)s and %(count)s other",
                "Liked by %(names)s and %(count)s others",
                others,
                names=", ".join(names),
                count=others,
            )
        if len(names) == 1:
            return _("Liked by %(name)s", name=names[0])
        return _("Liked by %(names)s and %(last)s", names=", ".join(names[:-1]), last=names[-1])


def post_reactions(
    state: ForumState, posts: list[Any], viewer: ForumUser | None, *, also_people: Sequence[Any] = ()
) -> PostReactions:
    """Likes for these posts and everyone to name on the page, in three queries whatever the count."""
    post_ids = [p.id for p in posts]
    likers = reactions.first_likers(state, post_ids)
    people = [*also_people, *(p.author_id for p in posts), *(u for ids in likers.values() for u in ids)]
    answer_ids = [p.id for p in posts if not p.is_question]
    shown_counts = [
        p.id for p in posts if not p.is_question and viewer and (viewer.is_agent or viewer.id == p.author_id)
    ]
    return PostReactions(
        liked=reactions.liked_by(state, viewer, post_ids),
        likers=likers,
        users=members.people(state, people),
        clarity=clarity_votes.mine(state, viewer, answer_ids),
        clarity_counts=clarity_votes.counts(state, shown_counts),
    )


def like_reactions(state: ForumState, done: reactions.Liked, *, liked: bool) -> PostReactions:
    """What one like button shows right after its viewer liked or unliked the post: its first likers, named."""
    mine = {done.id} if liked else set()
    return PostReactions(
        liked=mine, likers={done.id: done.likers}, users=members.people(state, done.likers, kept_for_a_while=True)
    )


@dataclass
class ThreadPage:
    """A question, one page of its answers, and what the page shows beside them."""

    thread: Thread
    category: Category
    tags: list[str]
    question: Post
    answers: Page
    reactions: PostReactions
    shares: sharing.ShareStats = field(default_factory=lambda: sharing.ShareStats(0, 0))
    duplicate_of: Any = None

    @property
    def users(self) -> dict[Any, ForumUser]:
        """Everyone named on the page."""
        return self.reactions.users


def categories_by_id(state: ForumState, *, covering: Iterable[int] = ()) -> dict[int, Named]:
    """All categories' ids, names and slugs, in the admins' order, keyed by id.

    Every list needs them, so each process keeps them like the thread parts (see ``ForumState.fresh``); one in
    ``covering`` that is not known yet (made through another process moments ago) reads them again at once.
    """
    seconds = float(state.setting("FORUM_THREAD_CACHE_SECONDS"))
    found: dict[int, Named] = state.fresh("categories", lambda: _categories(state), seconds)
    if any(wanted not in found for wanted in covering):
        state.forget("categories")
        found = state.fresh("categories", lambda: _categories(state), seconds)
    return found


def _categories(state: ForumState) -> dict[int, Named]:
    Category = state.models.Category
    rows = state.db.session.execute(
        sa.select(Category.id, Category.name, Category.slug).order_by(Category.position, Category.id)
    )
    return {row.id: Named(row.id, row.name, row.slug) for row in rows}


def tag_names(state: ForumState, thread_ids: Sequence[int], *, replica: bool = False) -> dict[int, list[str]]:
    """Keyword names per thread, sorted, in one query (from the read replica for a list that came from there)."""
    if not thread_ids:
        return {}
    Tag, link = state.models.Tag, state.models.thread_tag
    rows = state.db.session.execute(
        sa.select(link.c.thread_id, Tag.name)
        .join(Tag, Tag.id == link.c.tag_id)
        .where(link.c.thread_id.in_(thread_ids))
        .order_by(Tag.name),
        bind_arguments=state.replica() if replica else {},
    )
    found: dict[int, list[str]] = defaultdict(list)
    for thread_id, name in rows:
        found[thread_id].append(name)
    return dict(found)


def _filters(
    state: ForumState, cols: Any, *, tab: str, solved: str, category_id: Any, tag: Any, author_id: Any
) -> list[sa.ColumnElement[bool]]:
    """What keeps a thread in a list: listed, not deleted, and the tab, state, category, keyword or author asked for.

    ``cols`` is the model (for ORM queries) or its table's columns (for plain rows); values may be bound parameters.
    """
    where = [cols.deleted_at.is_(None), cols.unlisted_at.is_(None)]
    if tab == "unanswered":
        where.append(cols.answer_count == 0)
    if solved == "solved":
        where.append(cols.accepted_post_id.is_not(None))
    elif solved == "unsolved":
        where.append(cols.accepted_post_id.is_(None))
    if category_id is not None:
        where.append(cols.category_id == category_id)
    if tag is not None:
        Tag, link = state.models.Tag, state.models.thread_tag
        where.append(cols.id.in_(sa.select(link.c.thread_id).join(Tag, Tag.id == link.c.tag_id).where(Tag.name == tag)))
    if author_id is not None:
        where.append(cols.author_id == author_id)
    return where


def thread_query(
    state: ForumState,
    *,
    tab: str = "latest",
    category: Category | None = None,
    tag: str | None = None,
    author_id: Any = None,
    solved: str = "all",
) -> sa.Select[Any]:
    """The threads a list shows: listed, not deleted, filtered by tab, state, category, keyword or author."""
    Thread = state.models.Thread
    where = _filters(
        state,
        Thread,
        tab=tab,
        solved=solved,
        category_id=category.id if category is not None else None,
        tag=tag or None,
        author_id=author_id,
    )
    return sa.select(Thread).where(*where)


def thread_order(state: ForumState, sort: str, cols: Any = None) -> tuple[Any, Any]:
    """Newest activity (or newest question) first; the id breaks ties, so the order is total.

    ``cols`` as for :func:`_filters`: the model (the default) or its table's columns.
    """
    cols = state.models.Thread if cols is None else cols
    return (cols.created_at if sort == "newest" else cols.last_activity_at), cols.id


#: What a list row shows (see ``partials/_thread_row.html``); read as plain rows, which cost far less than
#: whole threads, since most rows are then found already rendered.
ROW_COLUMNS = (
    "id",
    "version",
    "title",
    "category_id",
    "author_id",
    "answer_count",
    "accepted_post_id",
    "created_at",
    "last_activity_at",
)


@dataclass(frozen=True)
class _ListShape:
    """Which filters a thread list has, so that its statements are built once and then run with parameters."""

    tab: str
    solved: str
    sort: str
    category: bool
    tag: bool
    author: bool
    first_page: bool
    #: The first page also reads the signed-in reader's own row (only where lists are read from the primary).
    reader: bool = False

    @property
    def pins_lead(self) -> bool:
        """Pins lead the front page (pinned everywhere) and their category, not a keyword's or a person's list."""
        return not (self.author or self.tag)


def _list_statements(state: ForumState, shape: _ListShape) -> tuple[Any, ...]:
    """The statements of a list of this shape: ``(pins and the first page in one,)``, ``(pins, the rest)`` for
    later pages, or ``(the page,)`` for a list without pins. Parameters: category, tag, author, now, limit, offset."""
    c = state.models.Thread.__table__.c
    where = _filters(
        state,
        c,
        tab=shape.tab,
        solved=shape.solved,
        category_id=sa.bindparam("category") if shape.category else None,
        tag=sa.bindparam("tag") if shape.tag else None,
        author_id=sa.bindparam("author") if shape.author else None,
    )
    query = sa.select(*(c[name] for name in ROW_COLUMNS)).where(*where)
    if shape.reader:  # every row carries the one reader's row: a round trip fewer for a signed-in front page
        reader: sa.BindParameter[Any] = sa.bindparam("reader")
        Member = state.models.Member
        query = query.add_columns(*members.reader_columns(state, reader)).outerjoin(Member, Member.user_id == reader)
    order = tuple(column.desc() for column in thread_order(state, shape.sort, c))
    limit = sa.bindparam("limit", type_=sa.Integer, literal_execute=True)
    offset = sa.bindparam("offset", type_=sa.Integer)
    if not shape.pins_lead:
        return (query.order_by(*order).limit(limit).offset(offset),)
    pinned = sa.and_(c.pinned_until.is_not(None), c.pinned_until > sa.bindparam("now", type_=sa.DateTime))
    if not shape.category:
        pinned = sa.and_(pinned, c.pinned_everywhere)
    rest = query.where(sa.not_(pinned)).order_by(*order).limit(limit)
    if shape.first_page:  # the page nearly everyone reads: one statement
        return (
            sa.union_all(
                query.where(pinned).add_columns(sa.literal(1).label("pin")),
                sa.select(rest.add_columns(sa.literal(0).label("pin")).subquery()),
            ),
        )
    return query.where(pinned), rest.offset(offset)


def threads(
    state: ForumState,
    *,
    page: int = 1,
    tab: str = "latest",
    category: Category | None = None,
    tag: str | None = None,
    author_id: Any = None,
    categories: dict[int, Any] | None = None,
    solved: str = "all",
    sort: str = "activity",
    reader_id: Any = None,
) -> ThreadList:
    """Threads, newest activity (or newest question) first, filtered by tab, state, category, keyword or author.

    The few pinned threads come first, then the rest in the index's order, so that no page sorts every thread.
    ``reader_id``: the signed-in reader, whose own row a first page with pins then reads in its one statement,
    unless lists are read from a replica (the reader's own row is always read from the primary).
    """
    session, where = state.db.session, state.replica()
    author, first = author_id is not None, page == 1
    reads_reader = reader_id is not None and first and not (author or tag) and not where
    shape = _ListShape(tab, solved, sort, category is not None, bool(tag), author, first, reads_reader)
    statements = state.once(("thread list", shape), lambda: _list_statements(state, shape))
    per_page = int(state.setting("FORUM_THREADS_PER_PAGE"))
    start = (page - 1) * per_page
    params = {
        "category": category.id if category is not None else None,
        "tag": tag,
        "author": author_id,
        "now": utcnow(),
        "limit": per_page + 1,
        "offset": start,
        "reader": reader_id,
    }
    newest = attrgetter(*(column.key for column in thread_order(state, sort)))

    def run(statement: Any, values: dict[str, Any]) -> list[Any]:
        result = session.execute(statement, values, bind_arguments=where)
        return named_rows(result, result.keys())

    rows: list[Any]
    if not shape.pins_lead:
        rows = run(statements[0], params)
    elif shape.first_page:
        found = run(statements[0], params)
        # Sorted here: asked to sort them, SQLite would walk the order's index past every thread to find the pins.
        rows = [*sorted((r for r in found if r.pin), key=newest, reverse=True), *(r for r in found if not r.pin)]
    else:
        pins = sorted(run(statements[0], params), key=newest, reverse=True)
        rows = pins[start : start + per_page + 1]
        if len(rows) <= per_page:
            later = {**params, "limit": per_page + 1 - len(rows), "offset": max(0, start - len(pins))}
            rows += run(statements[1], later)
    result = Page(items=rows[:per_page], page=page, per_page=per_page, has_next=len(rows) > per_page)
    shown = [t.category_id for t in result.items]
    if categories is None or any(wanted not in categories for wanted in shown):
        categories = categories_by_id(state, covering=shown)
    return ThreadList(state, result, categories, replica=True, reader=rows[0] if shape.reader and rows else None)


def keyset(
    state: ForumState,
    query: sa.Select[Any],
    order: Sequence[Any],
    after: tuple[Any, ...] | None,
    limit: int,
    *,
    descending: bool = True,
    replica: bool = False,
) -> tuple[list[Any], tuple[Any, ...] | None]:
    """Up to ``limit`` rows that come after the row whose ``order`` values are ``after``, and, when more follow,
    the last row's ``order`` values: where the next page starts.

    Unlike a page number, this holds still while new rows arrive, and costs the same however far in it is.
    """
    if after is not None:
        row, mark = sa.tuple_(*order), sa.tuple_(*[sa.literal(v) for v in after])
        query = query.where(row < mark if descending else row > mark)
    query = query.order_by(*[c.desc() if descending else c.asc() for c in order]).limit(limit + 1)
    where = state.replica() if replica else {}
    result = state.db.session.execute(query, bind_arguments=where)
    found = list(result.scalars() if len(query.column_descriptions) == 1 else result.all())
    if len(found) <= limit:
        return found, None
    last = found[limit - 1]
    return found[:limit], tuple(getattr(last, column.key) for column in order)


def answers_after(
    state: ForumState, thread: Thread, viewer: ForumUser | None, after: tuple[Any, ...] | None, limit: int
) -> tuple[list[Any], tuple[Any, ...] | None]:
    """A thread's answers in the order they were posted, from after ``after_id``; moderators also see removed ones."""
    Post = state.models.Post
    query = sa.select(Post).where(Post.thread_id == thread.id, ~Post.is_question)
    if not (viewer and viewer.is_moderator):
        query = query.where(Post.deleted_at.is_(None))
    return keyset(state, query, (Post.id,), after, limit, descending=False)


def _answer_order(state: ForumState, thread: Thread) -> tuple[Any, ...]:
    """Accepted first, then most liked, then oldest: the order people look for help in."""
    Post = state.models.Post
    accepted = sa.case((Post.id == thread.accepted_post_id, 0), else_=1) if thread.accepted_post_id else sa.literal(1)
    return (accepted, Post.like_count.desc(), Post.created_at, Post.id)


def thread_page(state: ForumState, thread: Thread, *, page: int = 1, viewer: ForumUser | None = None) -> ThreadPage:
    """The question and one page of answers, accepted first, then most liked, then oldest."""
    Post = state.models.Post
    session = state.db.session
    question = posting.question_of(state, thread)
    if question is None:
        raise NotFound(_("We could not find that question. It may have been removed."))
    query = sa.select(Post).where(Post.thread_id == thread.id, ~Post.is_question)
    if viewer and viewer.is_moderator:
        total = None  # moderators also see removed answers, which the counter leaves out
    else:
        query = query.where(Post.deleted_at.is_(None))
        total = thread.answer_count
    answers = _page(
        state, query.order_by(*_answer_order(state, thread)), page, state.setting("FORUM_POSTS_PER_PAGE"), total=total
    )
    return ThreadPage(
        thread=thread,
        category=get_row(session, state.models.Category, thread.category_id),
        tags=tag_names(state, [thread.id]).get(thread.id, []),
        question=question,
        answers=answers,
        reactions=post_reactions(state, [question, *answers.items], viewer),
        shares=sharing.thread_stats(state, thread.id),
        duplicate_of=session.get(state.models.Thread, thread.duplicate_of_id) if thread.duplicate_of_id else None,
    )


def page_of_answer(state: ForumState, post: Post, viewer: ForumUser | None = None) -> int:
    """Which page of its thread an answer is on (in the thread's answer order), for permalinks."""
    if post.is_question:
        return 1
    Post = state.models.Post
    thread = get_row(state.db.session, state.models.Thread, post.thread_id)
    if thread.accepted_post_id == post.id:
        return 1
    after_this = sa.or_(
        Post.like_count > post.like_count,
        sa.and_(
            Post.like_count == post.like_count,
            sa.or_(Post.created_at < post.created_at, sa.and_(Post.created_at == post.created_at, Post.id < post.id)),
        ),
    )
    if thread.accepted_post_id:
        after_this = sa.or_(Post.id == thread.accepted_post_id, after_this)
    query = sa.select(sa.func.count()).where(Post.thread_id == post.thread_id, ~Post.is_question, after_this)
    if not (viewer and viewer.is_moderator):
        query = query.where(Post.deleted_at.is_(None))
    before = state.db.session.scalar(query) or 0
    return int(before) // int(state.setting("FORUM_POSTS_PER_PAGE")) + 1


def _favourite_query(state: ForumState, user: ForumUser, *columns: Any) -> sa.Select[Any]:
    Thread, Favourite = state.models.Thread, state.models.Favourite
    return (
        sa.select(Thread, *columns)
        .join(Favourite, Favourite.thread_id == Thread.id)
        .where(Favourite.user_id == user.id, Thread.deleted_at.is_(None))
    )


def favourites(state: ForumState, user: ForumUser, *, page: int = 1) -> ThreadList:
    """The threads a person saved, the most recently saved first."""
    Favourite = state.models.Favourite
    query = _favourite_query(state, user).order_by(Favourite.created_at.desc(), Favourite.id.desc())
    result = _page(state, query, page, state.setting("FORUM_THREADS_PER_PAGE"))
    return ThreadList(state, result, categories_by_id(state))


def favourites_after(
    state: ForumState, user: ForumUser, after: tuple[Any, ...] | None, limit: int
) -> tuple[list[tuple[Any, int]], tuple[Any, ...] | None]:
    """The threads a person saved, each with its favourite's id, the most recently saved first, from a cursor."""
    Favourite = state.models.Favourite
    query = _favourite_query(state, user, Favourite.id)
    return keyset(state, query, (Favourite.id,), after, limit)


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
