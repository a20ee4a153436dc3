"""People as the forum shows them: the host's name and roles, with the forum's level added."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import g

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


def people(state: ForumState, ids: Iterable[Any], *, kept_for_a_while: bool = False) -> dict[Any, ForumUser]:
    """Many people with their levels, in two queries however many there are.

    ``kept_for_a_while`` may answer from this process's copy, up to ``FORUM_THREAD_CACHE_SECONDS`` old, as thread
    pages' kept parts do: for the names beside a like button, sent back after every like."""
    kept = state.people() if kept_for_a_while else None
    wanted = {i for i in ids if i is not None}
    found: dict[Any, ForumUser] = {}
    if kept is not None:
        for key in wanted:
            known = kept.get(key)
            if known is not None:
                found[key] = known
    missing = wanted - found.keys()
    if not missing:
        return found
    read = state.users.get_many(missing)
    Member = state.models.Member
    levels: dict[Any, int] = dict(
        state.db.session.execute(
            sa.select(Member.user_id, Member.level).where(Member.user_id.in_(list(read)), Member.level > 0)
        ).all()
    )
    for key, person in read.items():
        found[key] = dataclasses.replace(person, level=levels[key]) if key in levels else person
        if kept is not None:
            kept.put(key, found[key])
    return found


def reader_columns(state: ForumState, user_id: Any) -> tuple[Any, ...]:
    """What every signed-in request reads of its reader (level, daily visit, silence, unread notices), so a page's own
    query can carry them with an outer join of the member table on ``user_id`` and save a round trip."""
    Member = state.models.Member
    unread = notifications.unread(state, user_id).scalar_subquery().label("unread")
    return Member.level, Member.last_visit, Member.silenced_until, Member.silence_reason, unread


def signed_in(state: ForumState, person: ForumUser, row: Any = None) -> tuple[ForumUser, int]:
    """The signed-in person with their level, and how many notifications they have not opened, in one query.

    The same query reads whether they are silenced, for the request's own checks (``silence.silenced``). The
    first request of a day also counts the visit. ``row`` holds ``reader_columns`` as a page's query read them.
    """

    def build() -> sa.Select[Any]:
        user_id: sa.BindParameter[Any] = sa.bindparam("user_id")
        return sa.select(*reader_columns(state, user_id)).where(state.models.Member.user_id == user_id)

    query, parameters = state.once("signed_in", build), {"user_id": person.id}
    if row is None:
        row = state.db.session.execute(query, parameters).first()
    if row is None or row.last_visit != utcnow().date():
        from .gamification.followups import record_visit

        record_visit(state, person.id)
        row = state.db.session.execute(query, parameters).first()
    if row is None:  # pragma: no cover - record_visit just made the row
        return person, 0
    g.forum_silence = (person.id, row.silenced_until, row.silence_reason)
    return dataclasses.replace(person, level=int(row.level)), int(row.unread)
