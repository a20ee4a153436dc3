"""The forum's tables, built on the host's ``SQLAlchemy`` instance and keyed on the host's user key.

The host's user model is only known at run time, so the concrete classes are made
by :func:`build_models` from the mixins below, once per ``SQLAlchemy`` instance.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

TABLE_PREFIX = "forum_"

#: The category a fresh install starts with, so people can post at once.
DEFAULT_CATEGORY = {
    "name": "General",
    "slug": "general",
    "description": "Anything that does not fit another category.",
    "position": 0,
}


def utcnow() -> dt.datetime:
    """Naive UTC, the same on SQLite and PostgreSQL."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class UserKey:
    """Where the host keeps its users, so forum columns can point at them."""

    table: str
    column: str
    type: sa.types.TypeEngine[Any]

    @classmethod
    def from_model(cls, user_model: type) -> UserKey:
        """Read the single-column primary key of the host's user model."""
        mapper = sa.inspect(user_model, raiseerr=False)
        if mapper is None:
            raise TypeError(
                f"{user_model!r} is not a SQLAlchemy model. Pass the host's user model class as "
                "Forum(db=db, user_model=YourUser)."
            )
        pk = mapper.primary_key
        if len(pk) != 1:
            raise TypeError(
                f"{user_model.__name__} has a primary key of {len(pk)} columns. The forum needs a "
                "user model with a single-column primary key (an integer or a string/UUID)."
            )
        column = pk[0]
        return cls(table=column.table.name, column=column.name, type=column.type)

    def mapped(self, owner: str, name: str, *, nullable: bool = False, index: bool = True) -> Any:
        """A column holding a host user's key, with a named foreign key."""
        return mapped_column(
            name,
            self.type,
            sa.ForeignKey(f"{self.table}.{self.column}", name=f"fk_{owner}_{name}"),
            nullable=nullable,
            index=index,
        )


class CategoryMixin:
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


class TagMixin:
    """A short label people filter threads by, such as ``outlook`` or ``vpn``."""

    __tablename__ = "forum_tag"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("name", name="uq_forum_tag_name"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(40), nullable=False)


class ThreadMixin:
    """A question and everything said about it."""

    __tablename__ = "forum_thread"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.Index("ix_forum_thread_activity", "last_activity_at"),
            sa.Index("ix_forum_thread_category_activity", "category_id", "last_activity_at"),
            sa.Index("ix_forum_thread_created", "created_at"),
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

    @property
    def is_solved(self) -> bool:
        """A thread is solved while it has an accepted answer."""
        return self.accepted_post_id is not None

    @declared_attr
    def category(cls) -> Mapped[Any]:
        return relationship("ForumCategory")

    @declared_attr
    def tags(cls) -> Mapped[list[Any]]:
        return relationship("ForumTag", secondary="forum_thread_tag", order_by="ForumTag.name")

    @property
    def is_deleted(self) -> bool:
        """Soft-deleted threads stay in the database so moderators can restore them."""
        return self.deleted_at is not None


class PostMixin:
    """The question (``is_question``) or one answer in a thread."""

    __tablename__ = "forum_post"

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

    @declared_attr
    def thread(cls) -> Mapped[Any]:
        return relationship("ForumThread", lazy="raise", foreign_keys=[cls.thread_id])

    @property
    def is_deleted(self) -> bool:
        """Soft-deleted posts stay in the database so moderators can restore them."""
        return self.deleted_at is not None


class PostRevisionMixin:
    """One saved version of a post, so edits never lose what was there before."""

    __tablename__ = "forum_post_revision"

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


class LikeMixin:
    """One person's like of one post; the unique index makes a second like impossible."""

    __tablename__ = "forum_like"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("post_id", "user_id", name="uq_forum_like_post_user"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_post.id", name="fk_forum_like_post_id"), nullable=False
    )
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class FavouriteMixin:
    """A thread someone bookmarked to find again."""

    __tablename__ = "forum_favourite"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("thread_id", "user_id", name="uq_forum_favourite_thread_user"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_thread.id", name="fk_forum_favourite_thread_id"), nullable=False
    )
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class ShareMixin:
    """One person sharing one thread or answer; visits through its token are counted."""

    __tablename__ = "forum_share"

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


class ShareVisitMixin:
    """A signed-in person (not the sharer) who arrived through a shared link; once each."""

    __tablename__ = "forum_share_visit"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("share_id", "visitor_id", name="uq_forum_share_visit_share_visitor"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    share_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_share.id", name="fk_forum_share_visit_share_id"), nullable=False
    )
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class NotificationMixin:
    """Something a person should hear about, shown in their notifications."""

    __tablename__ = "forum_notification"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.Index("ix_forum_notification_user_created", "user_id", "created_at"),
            sa.Index("ix_forum_notification_email", "email_state", "email_next_at"),
            sa.Index("ix_forum_notification_group", "user_id", "group_key"),
        )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    thread_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_thread.id", name="fk_forum_notification_thread_id"), nullable=True
    )
    post_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_post.id", name="fk_forum_notification_post_id"), nullable=True
    )
    message: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    read_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    #: How many events this one notice stands for ("Ana and 4 others liked your answer").
    count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    #: Unread notices with the same key are merged into one.
    group_key: Mapped[str | None] = mapped_column(sa.String(80), nullable=True)
    announcement_id: Mapped[int | None] = mapped_column(
        sa.Integer,
        sa.ForeignKey("forum_announcement.id", name="fk_forum_notification_announcement_id"),
        nullable=True,
    )
    #: E-mail for this notice: None (none wanted), "pending", "digest", "sent" or "failed".
    email_state: Mapped[str | None] = mapped_column(sa.String(10), nullable=True)
    email_attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    email_next_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)


class PointEventMixin:
    """One line of the points ledger: an award or a reversal, never edited, unique on its cause."""

    __tablename__ = "forum_point_event"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.UniqueConstraint("cause", name="uq_forum_point_event_cause"),
            sa.Index("ix_forum_point_event_user_created", "user_id", "created_at"),
            sa.Index("ix_forum_point_event_user_actor_created", "user_id", "actor_id", "created_at"),
        )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    amount: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    reason: Mapped[str] = mapped_column(sa.String(30), nullable=False)
    #: What caused it, e.g. "like:42" or "like:42:undo"; the unique index stops double counting.
    cause: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    thread_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    post_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    category_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class PointBucketMixin:
    """Points summed per person, per week, month or all time, per category (0 = all): the cache."""

    __tablename__ = "forum_point_bucket"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.PrimaryKeyConstraint("period", "starts", "category_id", "user_id", name="pk_forum_point_bucket"),
            sa.Index("ix_forum_point_bucket_board", "period", "starts", "category_id", "points"),
            sa.Index("ix_forum_point_bucket_user", "user_id"),
        )

    #: "w" (week from Monday), "m" (month) or "a" (all time, starting 2000-01-01).
    period: Mapped[str] = mapped_column(sa.String(1), nullable=False)
    starts: Mapped[dt.date] = mapped_column(sa.Date, nullable=False)
    category_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    points: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: When the person last gained points here; earlier reaches rank first in a tie.
    reached_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class BadgeAwardMixin:
    """A badge someone earned, once."""

    __tablename__ = "forum_badge_award"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("user_id", "badge", name="uq_forum_badge_award_user_badge"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    badge: Mapped[str] = mapped_column(sa.String(40), nullable=False, index=True)
    awarded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class MemberMixin:
    """What the forum keeps about a person: their level, and the days they came by."""

    __tablename__ = "forum_member"

    level: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: An admin fixed the level by hand; automatic promotion and demotion leave it alone.
    level_locked: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    level_changed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    days_visited: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    last_visit: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    last_active_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)


class ArticleMixin:
    """A knowledge article written by the IT team, often grown from an answer that solved something."""

    __tablename__ = "forum_article"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    body_source: Mapped[str] = mapped_column(sa.Text, nullable=False)
    body_html: Mapped[str] = mapped_column(sa.Text, nullable=False)
    category_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_category.id", name="fk_forum_article_category_id"), nullable=False
    )
    #: The answer it grew from, if any.
    source_post_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_post.id", name="fk_forum_article_source_post_id"), nullable=True
    )
    published_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    @property
    def is_published(self) -> bool:
        """Drafts are only for the IT team's eyes."""
        return self.published_at is not None


class SearchDocMixin:
    """What search sees of a thread or an article: plain text, kept in step with every change."""

    __tablename__ = "forum_search_doc"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("kind", "ref_id", name="uq_forum_search_doc_kind_ref"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    #: "thread" or "article".
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    ref_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: Solved threads and articles rank above unsolved threads.
    solved: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    category_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)


class SuggestionEventMixin:
    """What happened to suggestions: shown, opened, solved someone's problem, or a question posted anyway."""

    __tablename__ = "forum_suggestion_event"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.Index("ix_forum_suggestion_event_created", "created_at"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    #: One visit to the ask page, so "posted after seeing suggestions" can be told apart.
    attempt: Mapped[str] = mapped_column(sa.String(32), nullable=False, default="")
    count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    doc_kind: Mapped[str | None] = mapped_column(sa.String(10), nullable=True)
    doc_ref: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class EscalationMixin:
    """A thread handed to the IT team's service desk, and the ticket it became."""

    __tablename__ = "forum_escalation"
    __table_args__ = (
        sa.UniqueConstraint("thread_id", name="uq_forum_escalation_thread_id"),
        sa.UniqueConstraint("key", name="uq_forum_escalation_key"),
    )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    thread_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_thread.id", name="fk_forum_escalation_thread_id"), nullable=False
    )
    #: Sent to the desk with every try, so a repeated request is recognised.
    key: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    #: "asked" (by a person), "no_answer" or "unsolved" (by the automatic policy).
    reason: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    ticket_id: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    ticket_url: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    ticket_status: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    resolved_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    #: The asker's verdict on the resolution: "solved" or "not_solved".
    outcome: Mapped[str | None] = mapped_column(sa.String(12), nullable=True)
    #: Where reading the ticket's changes stopped (the connector's own marker).
    cursor: Mapped[str | None] = mapped_column(sa.String(100), nullable=True)
    last_polled_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    #: Set by the desk's webhook: read this ticket again at the next pass.
    poll_due_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)


class DeskJobMixin:
    """The outbox: one call to make to the desk, written with the change that needs it, kept until it lands."""

    __tablename__ = "forum_desk_job"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.UniqueConstraint("key", name="uq_forum_desk_job_key"),
            sa.Index("ix_forum_desk_job_due", "state", "next_attempt_at"),
        )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    escalation_id: Mapped[int] = mapped_column(
        sa.Integer,
        sa.ForeignKey("forum_escalation.id", name="fk_forum_desk_job_escalation_id"),
        nullable=False,
        index=True,
    )
    #: "create" (open the ticket) or "comment" (add a note to it).
    action: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    key: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    payload: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: "waiting", "done" or "failed" (the dead letter: a person must look).
    state: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="waiting")
    attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    #: A worker holds the job until then; after it, another may take over (the first one died).
    locked_until: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    locked_by: Mapped[str] = mapped_column(sa.String(80), nullable=False, default="")
    last_error: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    done_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)


class TimelineEventMixin:
    """Something that happened to a thread, for its timeline (escalations and ticket progress)."""

    __tablename__ = "forum_timeline_event"

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
    #: Where the event came from (a desk's change id), so it is never recorded twice.
    ref: Mapped[str | None] = mapped_column(sa.String(120), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class WebhookReceiptMixin:
    """A desk webhook message already taken in, so a replayed one is refused."""

    __tablename__ = "forum_webhook_receipt"

    id: Mapped[str] = mapped_column(sa.String(120), primary_key=True)
    received_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow, index=True)


class FollowMixin:
    """Someone following a thread, a category or a keyword, and how closely."""

    __tablename__ = "forum_follow"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.UniqueConstraint("user_id", "target_type", "target_id", name="uq_forum_follow_target"),
            sa.Index("ix_forum_follow_target", "target_type", "target_id"),
        )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    #: "thread", "category" or "tag".
    target_type: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    target_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: "watching" (hear about everything), "normal" (only what concerns you) or "muted" (nothing).
    level: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class NotificationPrefMixin:
    """How one person wants to hear about one kind of notice: in the portal, by e-mail, in a digest, or not."""

    __tablename__ = "forum_notification_pref"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("user_id", "kind", name="uq_forum_notification_pref_kind"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    #: "portal", "email", "digest" or "off".
    channel: Mapped[str] = mapped_column(sa.String(10), nullable=False)


class MailDigestMixin:
    """When a person last got their daily digest e-mail."""

    __tablename__ = "forum_mail_digest"

    sent_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False)


class AnnouncementMixin:
    """News from the IT team: an outage, maintenance, an upgrade, with a timeline of updates."""

    __tablename__ = "forum_announcement"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.Index("ix_forum_announcement_published", "published_at"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    #: "outage", "maintenance", "upgrade" or "news".
    kind: Mapped[str] = mapped_column(sa.String(12), nullable=False)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: The services it affects, as people name them ("Email, VPN").
    services: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    #: "info", "minor", "major" or "critical".
    severity: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="info")
    body_source: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    starts_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    ends_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    #: Only this category's followers are told; None means everyone.
    category_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_category.id", name="fk_forum_announcement_category_id"), nullable=True
    )
    status: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    published_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    #: Set when the last update says it is over; the banner goes away.
    closed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    affected_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)


class AnnouncementUpdateMixin:
    """One step in an announcement's timeline ("Investigating", "Identified", "Fixed")."""

    __tablename__ = "forum_announcement_update"

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        sa.Integer,
        sa.ForeignKey("forum_announcement.id", name="fk_forum_announcement_update_announcement_id"),
        nullable=False,
        index=True,
    )
    status: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    body_source: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    closes: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class AnnouncementPersonMixin:
    """One person and one announcement: subscribed, affected ("me too"), dismissed the banner."""

    __tablename__ = "forum_announcement_person"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("announcement_id", "user_id", name="uq_forum_announcement_person"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    announcement_id: Mapped[int] = mapped_column(
        sa.Integer,
        sa.ForeignKey("forum_announcement.id", name="fk_forum_announcement_person_announcement_id"),
        nullable=False,
    )
    subscribed: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    affected: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    dismissed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)


@dataclass(frozen=True)
class Models:
    """The concrete model classes for one ``SQLAlchemy`` instance."""

    Category: Any
    Tag: Any
    Thread: Any
    Post: Any
    PostRevision: Any
    Like: Any
    Favourite: Any
    Share: Any
    ShareVisit: Any
    Notification: Any
    PointEvent: Any
    PointBucket: Any
    BadgeAward: Any
    Member: Any
    Article: Any
    SearchDoc: Any
    SuggestionEvent: Any
    Escalation: Any
    DeskJob: Any
    TimelineEvent: Any
    WebhookReceipt: Any
    Follow: Any
    NotificationPref: Any
    MailDigest: Any
    Announcement: Any
    AnnouncementUpdate: Any
    AnnouncementPerson: Any
    thread_tag: sa.Table
    user_key: UserKey
    user_model: type

    @property
    def tables(self) -> list[sa.Table]:
        """Every table the forum owns, in creation order."""
        return [
            self.Category.__table__,
            self.Tag.__table__,
            self.Thread.__table__,
            self.thread_tag,
            self.Post.__table__,
            self.PostRevision.__table__,
            self.Like.__table__,
            self.Favourite.__table__,
            self.Share.__table__,
            self.ShareVisit.__table__,
            self.Notification.__table__,
            self.PointEvent.__table__,
            self.PointBucket.__table__,
            self.BadgeAward.__table__,
            self.Member.__table__,
            self.Article.__table__,
            self.SearchDoc.__table__,
            self.SuggestionEvent.__table__,
            self.Escalation.__table__,
            self.DeskJob.__table__,
            self.TimelineEvent.__table__,
            self.WebhookReceipt.__table__,
            self.Follow.__table__,
            self.NotificationPref.__table__,
            self.MailDigest.__table__,
            self.Announcement.__table__,
            self.AnnouncementUpdate.__table__,
            self.AnnouncementPerson.__table__,
        ]


_built: weakref.WeakKeyDictionary[SQLAlchemy, Models] = weakref.WeakKeyDictionary()


def build_models(db: SQLAlchemy, user_model: type) -> Models:
    """Make (once per ``db``) the forum's model classes on the host's declarative base."""
    existing = _built.get(db)
    if existing is not None:
        if existing.user_model is not user_model:
            raise RuntimeError(
                f"The forum's tables on this SQLAlchemy instance already point at "
                f"{existing.user_model.__name__}; they cannot also point at {user_model.__name__}. "
                "Use one user model per database."
            )
        return existing

    key = UserKey.from_model(user_model)

    def model(name: str, mixin: type, **user_columns: Any) -> Any:
        namespace: dict[str, Any] = {"__module__": __name__, "__qualname__": name, **user_columns}
        return type(name, (mixin, db.Model), namespace)

    thread_tag = sa.Table(
        "forum_thread_tag",
        db.metadata,
        sa.Column(
            "thread_id",
            sa.Integer,
            sa.ForeignKey("forum_thread.id", name="fk_forum_thread_tag_thread_id"),
            primary_key=True,
        ),
        sa.Column(
            "tag_id",
            sa.Integer,
            sa.ForeignKey("forum_tag.id", name="fk_forum_thread_tag_tag_id"),
            primary_key=True,
        ),
        sa.Index("ix_forum_thread_tag_tag_id", "tag_id"),
    )
    category = model("ForumCategory", CategoryMixin)
    sa.event.listen(category.__table__, "after_create", _insert_default_category)
    tag = model("ForumTag", TagMixin)
    thread = model(
        "ForumThread",
        ThreadMixin,
        author_id=key.mapped("forum_thread", "author_id"),
        deleted_by_id=key.mapped("forum_thread", "deleted_by_id", nullable=True, index=False),
        accepted_by_id=key.mapped("forum_thread", "accepted_by_id", nullable=True, index=False),
    )
    post = model(
        "ForumPost",
        PostMixin,
        author_id=key.mapped("forum_post", "author_id"),
        deleted_by_id=key.mapped("forum_post", "deleted_by_id", nullable=True, index=False),
        verified_by_id=key.mapped("forum_post", "verified_by_id", nullable=True, index=False),
    )
    revision = model(
        "ForumPostRevision",
        PostRevisionMixin,
        editor_id=key.mapped("forum_post_revision", "editor_id", index=False),
    )
    like = model("ForumLike", LikeMixin, user_id=key.mapped("forum_like", "user_id"))
    favourite = model("ForumFavourite", FavouriteMixin, user_id=key.mapped("forum_favourite", "user_id"))
    share = model(
        "ForumShare",
        ShareMixin,
        sharer_id=key.mapped("forum_share", "sharer_id"),
    )
    share_visit = model("ForumShareVisit", ShareVisitMixin, visitor_id=key.mapped("forum_share_visit", "visitor_id"))
    notification = model(
        "ForumNotification",
        NotificationMixin,
        user_id=key.mapped("forum_notification", "user_id", index=False),
        actor_id=key.mapped("forum_notification", "actor_id", nullable=True, index=False),
    )
    point_event = model(
        "ForumPointEvent",
        PointEventMixin,
        user_id=key.mapped("forum_point_event", "user_id", index=False),
        actor_id=key.mapped("forum_point_event", "actor_id", nullable=True, index=False),
    )
    point_bucket = model(
        "ForumPointBucket", PointBucketMixin, user_id=key.mapped("forum_point_bucket", "user_id", index=False)
    )
    badge_award = model(
        "ForumBadgeAward", BadgeAwardMixin, user_id=key.mapped("forum_badge_award", "user_id", index=False)
    )
    member = model(
        "ForumMember",
        MemberMixin,
        user_id=mapped_column(
            "user_id",
            key.type,
            sa.ForeignKey(f"{key.table}.{key.column}", name="fk_forum_member_user_id"),
            primary_key=True,
        ),
    )
    article = model(
        "ForumArticle",
        ArticleMixin,
        author_id=key.mapped("forum_article", "author_id", index=False),
        credited_id=key.mapped("forum_article", "credited_id", nullable=True, index=False),
    )
    search_doc = model("ForumSearchDoc", SearchDocMixin)
    sa.event.listen(search_doc.__table__, "after_create", _create_search_index)
    sa.event.listen(search_doc.__table__, "before_drop", _drop_search_index)
    suggestion_event = model(
        "ForumSuggestionEvent",
        SuggestionEventMixin,
        user_id=key.mapped("forum_suggestion_event", "user_id", nullable=True, index=False),
    )
    escalation = model(
        "ForumEscalation",
        EscalationMixin,
        requested_by_id=key.mapped("forum_escalation", "requested_by_id", nullable=True, index=False),
    )
    desk_job = model("ForumDeskJob", DeskJobMixin)
    timeline_event = model(
        "ForumTimelineEvent",
        TimelineEventMixin,
        actor_id=key.mapped("forum_timeline_event", "actor_id", nullable=True, index=False),
    )
    webhook_receipt = model("ForumWebhookReceipt", WebhookReceiptMixin)
    follow = model("ForumFollow", FollowMixin, user_id=key.mapped("forum_follow", "user_id", index=False))
    notification_pref = model(
        "ForumNotificationPref",
        NotificationPrefMixin,
        user_id=key.mapped("forum_notification_pref", "user_id", index=False),
    )
    mail_digest = model(
        "ForumMailDigest",
        MailDigestMixin,
        user_id=mapped_column(
            "user_id",
            key.type,
            sa.ForeignKey(f"{key.table}.{key.column}", name="fk_forum_mail_digest_user_id"),
            primary_key=True,
        ),
    )
    announcement = model(
        "ForumAnnouncement", AnnouncementMixin, author_id=key.mapped("forum_announcement", "author_id", index=False)
    )
    announcement_update = model(
        "ForumAnnouncementUpdate",
        AnnouncementUpdateMixin,
        author_id=key.mapped("forum_announcement_update", "author_id", index=False),
    )
    announcement_person = model(
        "ForumAnnouncementPerson",
        AnnouncementPersonMixin,
        user_id=key.mapped("forum_announcement_person", "user_id", index=False),
    )
    models = Models(
        Category=category,
        Tag=tag,
        Thread=thread,
        Post=post,
        PostRevision=revision,
        Like=like,
        Favourite=favourite,
        Share=share,
        ShareVisit=share_visit,
        Notification=notification,
        PointEvent=point_event,
        PointBucket=point_bucket,
        BadgeAward=badge_award,
        Member=member,
        Article=article,
        SearchDoc=search_doc,
        SuggestionEvent=suggestion_event,
        Escalation=escalation,
        DeskJob=desk_job,
        TimelineEvent=timeline_event,
        WebhookReceipt=webhook_receipt,
        Follow=follow,
        NotificationPref=notification_pref,
        MailDigest=mail_digest,
        Announcement=announcement,
        AnnouncementUpdate=announcement_update,
        AnnouncementPerson=announcement_person,
        thread_tag=thread_tag,
        user_key=key,
        user_model=user_model,
    )
    _built[db] = models
    return models


def _create_search_index(table: sa.Table, connection: sa.Connection, **kw: Any) -> None:
    """``db.create_all()`` builds the same full-text index as the migrations do."""
    from .search_index import create_index

    create_index(connection)


def _drop_search_index(table: sa.Table, connection: sa.Connection, **kw: Any) -> None:
    from .search_index import drop_index

    drop_index(connection)


def _insert_default_category(table: sa.Table, connection: sa.Connection, **kw: Any) -> None:
    """``db.create_all()`` gives the same starting category as the migrations do."""
    connection.execute(table.insert().values(created_at=utcnow(), **DEFAULT_CATEGORY))


def is_forum_table(name: str | None) -> bool:
    """True for the forum's tables and its Alembic version table."""
    return bool(name) and str(name).startswith(TABLE_PREFIX)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Alembic filter for the host's ``flask db migrate``: leave the forum's tables to the forum.

    Use it as ``Migrate(app, db, include_object=forum.models.include_object)``.
    """
    table_name = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return not is_forum_table(table_name)


def models_for(db: SQLAlchemy | None) -> Models | None:
    """The model classes built on ``db``, if the forum is set up on it."""
    return _built.get(db) if db is not None else None
