"""Personal access tokens: how a person's app, bot or script uses the JSON API as them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Shape, utcnow


class AccessToken(Shape):
    """One token: only its SHA-256 is kept, so a copy of the database lets nobody act as anyone."""

    __tablename__ = "forum_access_token"
    __table_args__ = (sa.UniqueConstraint("digest", name="uq_forum_access_token_digest"),)

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    #: What the person called it ("My phone", "Chat bot"), to tell tokens apart when revoking one.
    name: Mapped[str] = mapped_column(sa.String(100), nullable=False)
    #: The first characters of the token, shown on the tokens page so a person can match one they hold.
    prefix: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    digest: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: Space-separated: read, write, admin.
    scopes: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    expires_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    last_used_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)

    @property
    def scope_set(self) -> frozenset[str]:
        return frozenset(self.scopes.split())
