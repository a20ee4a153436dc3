"""The shapes of notifications, following, e-mail preferences and digests, and announcements."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .base import Shape, utcnow

UNREAD = sa.text("read_at IS NULL")


class Notification(Shape):
    """Something a person should hear about, shown in their notifications."""

    __tablename__ = "forum_notification"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]
        actor_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.Index("ix_forum_notification_user_created", "user_id", "created_at"),
            sa.Index("ix_forum_notification_email", "email_state", "email_next_at"),
            sa.Index("ix_forum_notification_group", "user_id", "group_key"),
            # The bell's count reads only unread rows: it stays one small index lookup however many were read.
            sa.Index("ix_forum_notification_unread", "user_id", postgresql_where=UNREAD, sqlite_where=UNREAD),
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
    #: The message's English words and parameters (JSON), so each reader sees it in their language (i18n.shown).
    params: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
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
    #: E-mail for this notice: None (none wanted), "pending", "sending", "digest", "sent" or "failed".
    email_state: Mapped[str | None] = mapped_column(sa.String(10), nullable=True)
    email_attempts: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    email_next_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    #: The worker sending this e-mail now ("sending" until ``email_next_at``, its lease); only it records the result.
    email_claim: Mapped[str | None] = mapped_column(sa.String(60), nullable=True)


class Follow(Shape):
    """Someone following a thread, a category or a keyword, and how closely."""

    __tablename__ = "forum_follow"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]

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


class NotificationPref(Shape):
    """How one person wants to hear about one kind of notice: in the portal, by e-mail, in a digest, or not."""

    __tablename__ = "forum_notification_pref"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("user_id", "kind", name="uq_forum_notification_pref_kind"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    #: "portal", "email", "digest" or "off".
    channel: Mapped[str] = mapped_column(sa.String(10), nullable=False)


class MailDigest(Shape):
    """When a person last got their daily digest e-mail."""

    __tablename__ = "forum_mail_digest"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]

    sent_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False)


class Announcement(Shape):
    """News from the IT team: an outage, maintenance, an upgrade, with a timeline of updates."""

    __tablename__ = "forum_announcement"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        author_id: Mapped[Any]

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


class AnnouncementUpdate(Shape):
    """One step in an announcement's timeline ("Investigating", "Identified", "Fixed")."""

    __tablename__ = "forum_announcement_update"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        author_id: Mapped[Any]

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


class AnnouncementPerson(Shape):
    """One person and one announcement: subscribed, affected ("me too"), dismissed the banner."""

    __tablename__ = "forum_announcement_person"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]

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
