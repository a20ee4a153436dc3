"""The shapes behind ideas: proposals people vote on, their votes, and the timeline of what the IT team decided."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .base import Shape, utcnow


class Idea(Shape):
    """An improvement someone proposes; the IT team gives it a status with a public note."""

    __tablename__ = "forum_idea"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        author_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.Index("ix_forum_idea_status_votes", "status", "vote_count"),
            sa.Index("ix_forum_idea_created", "created_at"),
        )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    body_source: Mapped[str] = mapped_column(sa.Text, nullable=False)
    body_html: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: "open", "under_review", "planned", "in_progress", "done", "not_planned" or "merged".
    status: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="open")
    status_note: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    target_date: Mapped[dt.date | None] = mapped_column(sa.Date, nullable=True)
    #: Where to read about the change once it is done (an announcement or an article).
    link: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    #: Kept in step with forum_idea_vote in the same transaction, so ideas sort by it.
    vote_count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    merged_into_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_idea.id", name="fk_forum_idea_merged_into_id"), nullable=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    @property
    def is_closed(self) -> bool:
        """Done, not planned or merged: its votes go back to the people who gave them."""
        return self.status in ("done", "not_planned", "merged")


class IdeaVote(Shape):
    """One person's vote for one idea; the unique index makes a second impossible."""

    __tablename__ = "forum_idea_vote"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("idea_id", "user_id", name="uq_forum_idea_vote_idea_user"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_idea.id", name="fk_forum_idea_vote_idea_id"), nullable=False
    )
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class IdeaEvent(Shape):
    """One step on an idea's timeline: proposed, a status with its note, merged."""

    __tablename__ = "forum_idea_event"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        actor_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.Index("ix_forum_idea_event_idea_created", "idea_id", "created_at"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    idea_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_idea.id", name="fk_forum_idea_event_idea_id"), nullable=False
    )
    kind: Mapped[str] = mapped_column(sa.String(20), nullable=False)
    text: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    #: The words' English message and parameters (JSON) when the forum wrote them, shown in each reader's language.
    params: Mapped[str | None] = mapped_column(sa.Text, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
