"""The shapes behind writing help: the desk's changes to the glossary, and readers' "easy to follow" votes."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .base import Shape, utcnow


class GlossaryTerm(Shape):
    """One term the desk added or reworded, or a built-in one it took out (``removed``)."""

    __tablename__ = "forum_glossary_term"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        updated_by_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.UniqueConstraint("key", name="uq_forum_glossary_term_key"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    #: The term in lower case: what the text is matched against.
    key: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    #: The term as the desk writes it ("VPN client").
    term: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    #: The plain words to use instead, or what it means.
    plain: Mapped[str] = mapped_column(sa.String(300), nullable=False, default="")
    removed: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class ClarityVote(Shape):
    """One reader's verdict on one answer: "easy" to follow or "technical"; one per reader and answer."""

    __tablename__ = "forum_clarity_vote"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.UniqueConstraint("post_id", "user_id", name="uq_forum_clarity_vote_post_user"),
            sa.Index("ix_forum_clarity_vote_verdict_post", "verdict", "post_id"),
        )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    post_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_post.id", name="fk_forum_clarity_vote_post_id"), nullable=False
    )
    verdict: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
