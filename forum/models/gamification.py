"""The shapes of the points ledger, daily point buckets, badge awards and members' levels."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .base import Shape, utcnow


class PointEvent(Shape):
    """One line of the points ledger: an award or a reversal, never edited, unique on its cause."""

    __tablename__ = "forum_point_event"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]
        actor_id: Mapped[Any]

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


class PointBucket(Shape):
    """Points summed per person, per week, month or all time, per category (0 = all): the cache."""

    __tablename__ = "forum_point_bucket"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]

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


class BadgeAward(Shape):
    """A badge someone earned, once."""

    __tablename__ = "forum_badge_award"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("user_id", "badge", name="uq_forum_badge_award_user_badge"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    badge: Mapped[str] = mapped_column(sa.String(40), nullable=False, index=True)
    awarded_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class Member(Shape):
    """What the forum keeps about a person: their level, and the days they came by."""

    __tablename__ = "forum_member"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]

    level: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: An admin fixed the level by hand; automatic promotion and demotion leave it alone.
    level_locked: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    level_changed_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    days_visited: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    last_visit: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    last_active_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    #: Silenced in the forum (no posting, likes or flags) until this time, with the reason the member sees.
    silenced_until: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    silence_reason: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
