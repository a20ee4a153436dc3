"""The shapes behind rewards: what points can buy, and each person's orders."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .base import Shape, utcnow


class Reward(Shape):
    """Something in the catalogue: its cost in points, how many are left, and who may have it."""

    __tablename__ = "forum_reward"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.CheckConstraint("stock >= 0", name="ck_forum_reward_stock"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    description: Mapped[str] = mapped_column(sa.String(1000), nullable=False, default="")
    picture_url: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    cost: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: How many are left; the check constraint means two people can never both take the last one.
    stock: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: The level needed (0 Newcomer … 4 Champion).
    min_level: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    starts_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    ends_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    active: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class Redemption(Shape):
    """One person's order: requested, approved, handed over, or declined (and the points given back)."""

    __tablename__ = "forum_redemption"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]
        decided_by_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.Index("ix_forum_redemption_state_created", "state", "created_at"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    reward_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_reward.id", name="fk_forum_redemption_reward_id"), nullable=False
    )
    cost: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    state: Mapped[str] = mapped_column(sa.String(12), nullable=False, default="requested")
    note: Mapped[str] = mapped_column(sa.String(500), nullable=False, default="")
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
