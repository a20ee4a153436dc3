"""The shapes behind moderation: members' flags, the review queue, and the audit log of every moderation action."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .base import Shape, utcnow


class Flag(Shape):
    """One member's flag on one post, with its reason and weight; one per member and post."""

    __tablename__ = "forum_flag"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.UniqueConstraint("post_id", "user_id", name="uq_forum_flag_post_user"),
            sa.Index("ix_forum_flag_post_state", "post_id", "state"),
        )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_post.id", name="fk_forum_flag_post_id"), nullable=False
    )
    reason: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    note: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    weight: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    #: "open" until a moderator decides, then "agreed" or "rejected".
    state: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="open")
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)


class ReviewItem(Shape):
    """A post waiting for a moderator: flagged, held by the spam rules, or a new member's first post."""

    __tablename__ = "forum_review_item"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        decided_by_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.UniqueConstraint("post_id", name="uq_forum_review_item_post"),
            sa.Index("ix_forum_review_item_state_created", "state", "created_at"),
        )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_post.id", name="fk_forum_review_item_post_id"), nullable=False
    )
    #: Why it is in the queue: "flags", "spam" or "first_post".
    why: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    #: What the spam rules or the checker said, in words.
    detail: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    #: The detail's English words and parameters (JSON) when the forum wrote them, shown in each reader's language.
    params: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    state: Mapped[str] = mapped_column(sa.String(10), nullable=False, default="open")
    decision: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)


class AuditEntry(Shape):
    """One moderation action: who did what to what, when, why, and the state before and after."""

    __tablename__ = "forum_audit"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        actor_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.Index("ix_forum_audit_created", "created_at"), sa.Index("ix_forum_audit_action", "action"))

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    action: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    #: "post", "thread" or "member", and its id (a host user key for members, so text).
    target_type: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    target_id: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    reason: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    before: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    after: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
