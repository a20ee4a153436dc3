"""Rendered parts of thread pages, kept between requests until the thread changes.

Most of a thread page is the same for everyone who reads it, and rendering fifty answers costs far
more than reading them. So each worker process keeps a thread's rendered timeline and post cards,
keyed by the thread's ``version``. Every change to a thread, its posts, revisions, likes, readers'
ratings, shares, keywords, timeline or escalation raises that number in the same transaction
(:func:`watch` sees changes made through the ORM, :func:`touch` is called beside the few bulk
statements), so a kept part is only used while it is still right, in every process.

The buttons under a post depend on who is looking. Posts are rendered once per kind of reader (a
guest; or someone's roles, which posts are theirs, which they liked and how they rated them), so
readers who see the same buttons share one rendering: the buttons hold no one's CSRF token, they post
the page's one form that does (``forum-post-actions``). The reader's own forms around the posts are
kept cut where their token goes. People's names and levels, and times like "5 minutes ago", may lag by
``FORUM_THREAD_CACHE_SECONDS``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import sqlalchemy as sa
from flask import request
from markupsafe import Markup

from .. import i18n
from ..models import Models, Thread, models_for
from ..models.transactions import on_every_session

if TYPE_CHECKING:  # listing and sharing use this module's touch()
    from collections.abc import Callable, Iterable

    from ..state import ForumState
    from ..users import ForumUser
    from .listing import Page
    from .sharing import ShareStats

#: Where the fixed pieces of a thread page are cut apart (see ``Fixed``). A "<" never survives in text people
#: wrote (it is escaped or sanitised), so this cannot be confused with anything on the page.
FIXED_CUT = "<forum:cut>"
#: How many renderings of one page are kept (readers differ in roles, their own posts and their likes).
MAX_KINDS = 8
#: How many states of the reader's forms are kept with one page (each address it was reached at has its own).
MAX_FORMS = 16


@dataclass(frozen=True)
class Named:
    """A category or an earlier thread as the page names it."""

    id: int
    name: str
    slug: str = ""

    @property
    def title(self) -> str:
        return self.name


@dataclass
class ThreadParts:
    """One page of one thread as every reader sees it, and its posts rendered per kind of reader."""

    category: Named
    tags: list[str]
    shares: ShareStats
    duplicate_of: Named | None
    #: The page of answers, with post ids for items.
    answers: Page
    #: Who wrote each post on the page, the question included.
    authors: dict[int, Any]
    timeline: Markup
    #: Whether the thread had been handed to the IT team (a new escalation raises the version).
    handed: bool
    #: Reader kind -> (the question's card, the answers' cards).
    posts: dict[tuple[Any, ...], tuple[Filled, Filled]] = field(default_factory=dict)
    #: The signed-in reader's forms as each state of them looks (the empty answer form, the favourite button saved
    #: or not, the notification choice at each level), cut where the token goes: they hold no one's own text.
    forms: dict[tuple[Any, ...], Slotted] = field(default_factory=dict)
    #: The page's own words and links around the posts, the same for every reader of this page.
    fixed: Fixed | None = None

    def keep_posts(self, kind: tuple[Any, ...], posts: tuple[str, str]) -> tuple[Filled, Filled]:
        """Keep the posts as one kind of reader sees them; a page read by very many kinds starts over."""
        if len(self.posts) >= MAX_KINDS:
            self.posts.clear()
        kept = self.posts[kind] = (Filled(posts[0]), Filled(posts[1]))
        return kept

    def keep_form(self, name: tuple[Any, ...], html: Callable[[], str], token: str) -> Filled:
        """One of the reader's forms with their token in, rendered by ``html()`` only when this state of it is new."""
        pieces = self.forms.get(name)
        if pieces is None:
            if len(self.forms) >= MAX_FORMS:
                self.forms.clear()
            pieces = self.forms[name] = slot_csrf(html(), token)
        return fill_csrf(pieces, token)


def key(thread: Thread, page: int, per_page: int, viewer: ForumUser | None) -> tuple[Any, ...]:
    """Moderators also see removed posts, so they get their own parts; each language and time zone its own, and
    each address the forum is reached at (its links carry the prefix, ``SCRIPT_NAME``)."""
    return (
        request.script_root,
        thread.id,
        thread.version,
        page,
        per_page,
        bool(viewer and viewer.is_moderator),
        i18n.current_locale(),
        i18n.timezone_name(),
    )


def reader_kind(
    viewer: ForumUser | None,
    thread: Thread,
    authors: dict[int, Any],
    liked: Iterable[int],
    rated: Iterable[tuple[int, str]] = (),
) -> tuple[Any, ...]:
    """Everything about the reader that changes how the posts on a page look."""
    if viewer is None:
        return ("guest",)
    return (
        viewer.is_moderator,
        viewer.is_agent,
        viewer.level >= 3,
        viewer.id == thread.author_id,
        frozenset(post_id for post_id, author_id in authors.items() if author_id == viewer.id),
        frozenset(post_id for post_id in liked if post_id in authors),
        frozenset(mark for mark in rated if mark[0] in authors),
    )


#: A kept form cut where the reader's token goes: joining the pieces with a token is one pass over it.
Slotted = tuple[str, ...]


def slot_csrf(html: str, token: str) -> Slotted:
    """Cut a form rendered for one reader where their token is, to keep for all (forms holding no one's text)."""
    return tuple(html.split(token)) if token else (html,)


@dataclass(frozen=True)
class Filled:
    """Kept HTML, with this reader's token in where it holds a form. Jinja writes it out as it is: a ``Markup`` as
    long as a page of posts is copied twice more on its way out, which took longer than everything else done with it."""

    html: str

    def __html__(self) -> str:
        return self.html


class Fixed(NamedTuple):
    """The pieces of a thread page that read the same for all its readers, in page order: its breadcrumb and title,
    the note that it was asked before, its keywords and shares, the answers' heading, the pages, similar questions.
    Rendered once with the kept parts (about a tenth of a view's time, when each view wrote them out again)."""

    top: Filled
    duplicate: Filled
    meta: Filled
    answers_heading: Filled
    pager: Filled
    similar: Filled

    @classmethod
    def cut(cls, html: str) -> Fixed:
        """The pieces of ``forum/partials/_thread_fixed.html``, rendered once and cut at each ``FIXED_CUT``."""
        return cls(*(Filled(piece) for piece in html.split(FIXED_CUT)))


def fill_csrf(pieces: Slotted, token: str) -> Filled:
    """Put the reader's CSRF token into HTML kept for every reader."""
    return Filled(token.join(pieces))


def touch(state: ForumState, thread_ids: Iterable[int]) -> None:
    """Raise these threads' versions, beside a bulk statement the ORM does not see (before it, for the lock order)."""
    ids = sorted({i for i in thread_ids if i is not None})
    if ids:

        def build() -> sa.Update:
            threads = state.models.Thread.__table__
            wanted = threads.c.id.in_(sa.bindparam("ids", expanding=True))
            return sa.update(threads).where(wanted).values(version=threads.c.version + 1)

        state.db.session.execute(state.once("touch", build), {"ids": ids})


def _changed(models: Models, session: Any) -> tuple[set[int], set[int]]:
    """Threads, and categories, whose pages the pending ORM changes alter."""
    threads: set[int | None] = set()
    categories: set[int] = set()
    m = models
    with session.no_autoflush:
        for obj in (*session.new, *session.dirty, *session.deleted):
            if obj in session.dirty and not session.is_modified(obj):
                continue
            if isinstance(obj, m.Thread):
                threads.add(obj.id)
            elif isinstance(obj, (m.Post, m.Share, m.TimelineEvent)):
                threads.add(obj.thread_id)
            elif isinstance(obj, m.Escalation) and obj in session.new:  # kept parts only know "handed or not"
                threads.add(obj.thread_id)
            elif isinstance(obj, (m.PostRevision, m.Like, m.ClarityVote)):
                post = session.get(m.Post, obj.post_id) if obj.post_id is not None else None
                threads.add(post.thread_id if post is not None else None)
            elif isinstance(obj, m.ShareVisit):
                share = session.get(m.Share, obj.share_id) if obj.share_id is not None else None
                threads.add(share.thread_id if share is not None else None)
            elif isinstance(obj, m.Category) and obj not in session.new:
                categories.add(obj.id)
    return {i for i in threads if i is not None}, categories


def _before_flush(session: Any, *_: Any) -> None:
    """Raise the versions first, so every transaction locks a thread row before its posts' rows (no deadlocks)."""
    models = models_for(getattr(session, "_db", None))
    if models is None:
        return
    threads, categories = _changed(models, session)
    if threads or categories:
        table = models.Thread.__table__
        changed = sa.or_(table.c.id.in_(threads), table.c.category_id.in_(categories))
        session.connection().execute(sa.update(table).where(changed).values(version=table.c.version + 1))


def watch() -> None:
    """Raise the version of every thread a flush of any forum's session changes (once per process)."""
    on_every_session((("before_flush", _before_flush),))
