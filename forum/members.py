"""People as the forum shows them: the host's name and roles, with the forum's level added."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .models import utcnow
from .models.base import MAX_BIG_ID, MAX_ID, as_id
from .notifications import delivery as notifications

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .state import ForumState
    from .users import ForumUser


def typed_user_id(state: ForumState, raw: Any) -> Any:
    """A host user key from a URL or form value, or None when it cannot be one (a word where a number goes)."""
    key_type = state.models.user_key.sql_type
    try:
        python_type = key_type.python_type
    except NotImplementedError:  # a custom type: the host's own rules apply
        return raw
    if python_type is int:
        return as_id(raw, limit=MAX_BIG_ID if isinstance(key_type, sa.BigInteger) else MAX_ID)
    if python_type is str:
        text = str(raw)
        length = getattr(key_type, "length", None)
        return text if length is None or len(text) <= length else None
    try:
        return python_type(raw)
    except (TypeError, ValueError):
        return None


def people(state: ForumState, ids: Iterable[Any]) -> dict[Any, ForumUser]:
    """Many people with their levels, in two queries however many there are."""
    found = state.users.get_many(ids)
    if not found:
        return found
    Member = state.models.Member
    levels: dict[Any, int] = dict(
        state.db.session.execute(
            sa.select(Member.user_id, Member.level).where(Member.user_id.in_(list(found)), Member.level > 0)
        ).all()
    )
    return {k: dataclasses.replace(v, level=levels[k]) if k in levels else v for k, v in found.items()}


def signed_in(state: ForumState, person: ForumUser) -> tuple[ForumUser, int]:
    """The signed-in person with their level, and how many notifications they have not opened, in one query.

    The first request of a day also counts the visit.
    """

    def build() -> sa.Select[Any]:
        Member = state.models.Member
        user_id: sa.BindParameter[Any] = sa.bindparam("user_id")
        unread = notifications.unread(state, user_id).scalar_subquery().label("unread")
        return sa.select(Member.level, Member.last_visit, unread).where(Member.user_id == user_id)

    query, parameters = state.once("signed_in", build), {"user_id": person.id}
    row = state.db.session.execute(query, parameters).first()
    if row is None or row.last_visit != utcnow().date():
        from .gamification.levels import record_visit

        record_visit(state, person.id)
        row = state.db.session.execute(query, parameters).first()
    if row is None:  # pragma: no cover - record_visit just made the row
        return person, 0
    return dataclasses.replace(person, level=int(row.level)), int(row.unread)
