"""The shapes of threads, posts, their revisions, likes, favourites, shares and timeline entries."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from .base import Shape, utcnow


class Category(Shape):
    """A place for threads about one service, ordered by the desk admins."""

    __tablename__ = "forum_category"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("slug", name="uq_forum_category_slug"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    slug: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    description: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    position: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class Tag(Shape):
    """A short label people filter threads by, such as ``outlook`` or ``vpn``."""

    __tablename__ = "forum_tag"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("name", name="uq_forum_tag_name"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40), nullable=False)


class Thread(Shape):
    """A question and everything said about it."""

    __tablename__ = "forum_thread"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        author_id: Mapped[Any]
        deleted_by_id: Mapped[Any]
        accepted_by_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.Index("ix_forum_thread_activity", "last_activity_at"),
            sa.Index("ix_forum_thread_category_activity", "category_id", "last_activity_at"),
            sa.Index("ix_forum_thread_created", "created_at"),
            # The few pinned threads that lead the lists are found without reading every thread.
            sa.Index("ix_forum_thread_pinned", "pinned_until"),
        )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    category_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_category.id", name="fk_forum_thread_category_id"), nullable=False
    )
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    last_activity_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    answer_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    #: The answer that solved it. One column, so a thread can never have two.
    accepted_post_id: Mapped[int | None] = mapped_column(
        sa.Integer,
        sa.ForeignKey("forum_post.id", name="fk_forum_thread_accepted_post_id", use_alter=True),
        nullable=True,
    )
    solved_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    #: Set when a Regular (or the IT team) marks this as a repeat of an older question.
    duplicate_of_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_thread.id", name="fk_forum_thread_duplicate_of_id"), nullable=True
    )
    #: Raised by every change to the thread, its posts, likes, shares or timeline (see ``forum.thread_cache``).
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: Locked: readable, but no new answers; the reason is shown.
    locked_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    lock_reason: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    #: Closed as "solved_elsewhere", "duplicate" or "off_topic": no new answers either.
    closed_as: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    closed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    #: Pinned to the top of its category (or of every list) until this time.
    pinned_until: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    pinned_everywhere: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    #: Unlisted: left out of lists and search, still there for whoever has the link.
    unlisted_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)

    @property
    def takes_answers(self) -> bool:
        """Locked and closed threads stay readable but take no new answers."""
        return self.locked_at is None and self.closed_as is None and self.deleted_at is None

    @property
    def is_solved(self) -> bool:
        """A thread is solved while it has an accepted answer."""
        return self.accepted_post_id is not None

    @declared_attr
    def category(cls) -> Mapped[Category]:
        return relationship("ForumCategory")

    @declared_attr
    def tags(cls) -> Mapped[list[Tag]]:
        return relationship("ForumTag", secondary="forum_thread_tag", order_by="ForumTag.name")

    @property
    def is_deleted(self) -> bool:
        """Soft-deleted threads stay in the database so moderators can restore them."""
        return self.deleted_at is not None


class Post(Shape):
    """The question (``is_question``) or one answer in a thread."""

    __tablename__ = "forum_post"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        author_id: Mapped[Any]
        deleted_by_id: Mapped[Any]
        verified_by_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.Index("ix_forum_post_thread_created", "thread_id", "created_at"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_thread.id", name="fk_forum_post_thread_id"), nullable=False
    )
    is_question: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    body_source: Mapped[str] = mapped_column(sa.Text, nullable=False)
    body_html: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    edited_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    revision_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: Kept in step with forum_like in the same transaction, so answers can be sorted by it.
    like_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: A Superuser (or the IT team) checked that this answer works around the problem.
    verified_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    deleted_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    #: Hidden pending review: "flags" (members flagged it), "spam" (the spam rules held it), "first_post" (a new
    #: member's first post, when the admin checks those) or "moderator" (hidden by a moderator's decision).
    held: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)

    @declared_attr
    def thread(cls) -> Mapped[Thread]:
        return relationship("ForumThread", lazy="raise", foreign_keys="ForumPost.thread_id")

    @property
    def is_deleted(self) -> bool:
        """Soft-deleted posts stay in the database so moderators can restore them."""
        return self.deleted_at is not None


class PostRevision(Shape):
    """One saved version of a post, so edits never lose what was there before."""

    __tablename__ = "forum_post_revision"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        editor_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("post_id", "number", name="uq_forum_post_revision_post_number"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_post.id", name="fk_forum_post_revision_post_id"), nullable=False
    )
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    title: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    body_source: Mapped[str] = mapped_column(sa.Text, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class Like(Shape):
    """One person's like of one post; the unique index makes a second like impossible."""

    __tablename__ = "forum_like"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("post_id", "user_id", name="uq_forum_like_post_user"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_post.id", name="fk_forum_like_post_id"), nullable=False
    )
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class Favourite(Shape):
    """A thread someone bookmarked to find again."""

    __tablename__ = "forum_favourite"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("thread_id", "user_id", name="uq_forum_favourite_thread_user"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_thread.id", name="fk_forum_favourite_thread_id"), nullable=False
    )
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class Share(Shape):
    """One person sharing one thread or answer; visits through its token are counted."""

    __tablename__ = "forum_share"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        sharer_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.UniqueConstraint("token", name="uq_forum_share_token"),
            sa.UniqueConstraint("post_id", "sharer_id", name="uq_forum_share_post_sharer"),
            sa.Index("ix_forum_share_thread_id", "thread_id"),
        )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    token: Mapped[str] = mapped_column(sa.String(32), nullable=False)
    thread_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_thread.id", name="fk_forum_share_thread_id"), nullable=False
    )
    post_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_post.id", name="fk_forum_share_post_id"), nullable=False
    )
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class ShareVisit(Shape):
    """A signed-in person (not the sharer) who arrived through a shared link; once each."""

    __tablename__ = "forum_share_visit"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        visitor_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("share_id", "visitor_id", name="uq_forum_share_visit_share_visitor"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    share_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_share.id", name="fk_forum_share_visit_share_id"), nullable=False
    )
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class TimelineEvent(Shape):
    """Something that happened to a thread, for its timeline (escalations and ticket progress)."""

    __tablename__ = "forum_timeline_event"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        actor_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.UniqueConstraint("thread_id", "ref", name="uq_forum_timeline_event_ref"),
            sa.Index("ix_forum_timeline_event_thread", "thread_id", "created_at"),
        )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_thread.id", name="fk_forum_timeline_event_thread_id"), nullable=False
    )
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: The words' English message and parameters (JSON) when the forum wrote them, shown in each reader's language.
    params: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    #: Where the event came from (a desk's change id), so it is never recorded twice.
    ref: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
