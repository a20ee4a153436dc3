"""Superuser levels: promoted on what people do, demoted only when a superuser goes quiet."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import NotAllowed
from ..i18n import Later, _, later
from ..models import utcnow
from ..notifications.delivery import notify
from . import badges, ledger
from .rules import LEVEL_NAMES, PRIVILEGES, LevelRules, MemberStats, next_level

if TYPE_CHECKING:
    import datetime as dt

    from ..state import ForumState
    from ..users import ForumUser


def level_rules(state: ForumState) -> LevelRules:
    """The rules in force for this app (``FORUM_LEVELS``)."""
    return LevelRules.from_config(state.config.get("FORUM_LEVELS"))


def stats(state: ForumState, user_id: Any) -> MemberStats:
    """The figures a level is decided on, from the database."""
    Post, Like = state.models.Post, state.models.Like
    session = state.db.session
    distinct_likers = session.scalar(
        sa.select(sa.func.count(sa.distinct(Like.user_id)))
        .join(Post, Post.id == Like.post_id)
        .where(Post.author_id == user_id, Like.user_id != user_id)
    )
    last_answer = session.scalar(
        sa.select(sa.func.max(Post.created_at)).where(
            Post.author_id == user_id, ~Post.is_question, Post.deleted_at.is_(None)
        )
    )
    return MemberStats(
        points=ledger.total(state, user_id),
        accepted_answers=badges.accepted(state, user_id),
        days_visited=badges.days_visited(state, user_id),
        distinct_likers=int(distinct_likers or 0),
        last_answer_at=last_answer,
    )


def refresh(state: ForumState, user_id: Any, *, now: dt.datetime | None = None) -> int:
    """Promote (or, for a lapsed superuser, demote) one person; notifies on a change. The caller commits."""
    now = now or utcnow()
    member = ledger.member_row(state, user_id)
    wanted = next_level(level_rules(state), member.level, stats(state, user_id), locked=member.level_locked, now=now)
    if wanted != member.level:
        _set(state, member, wanted, now)
    return wanted


def _set(state: ForumState, member: Any, level: int, now: dt.datetime) -> None:
    up = level > member.level
    member.level, member.level_changed_at = level, now
    name = LEVEL_NAMES[level]
    message: Later
    if up:
        message = later("You are now a %(level)s! %(privileges)s", level=name, privileges=PRIVILEGES[level])
    else:
        message = later(
            "Your level is now %(level)s, as you have not answered for a while. Answer a question to climb back.",
            level=name,
        )
    notify(state, member.user_id, "level", message)


def grant(state: ForumState, admin: ForumUser, user_id: Any, level: int, *, lock: bool) -> None:
    """An admin sets a level by hand (a trained superuser, say) and may lock it there."""
    if not admin.is_admin:
        raise NotAllowed(_("Only portal admins can change someone's level."))
    if not 0 <= level < len(LEVEL_NAMES):
        raise NotAllowed(_("That level does not exist."))
    member = ledger.member_row(state, user_id, lock=True)
    member.level_locked = lock
    if member.level != level:
        _set(state, member, level, utcnow())
    state.db.session.commit()


def levels_of(state: ForumState, user_ids: list[Any]) -> dict[Any, int]:
    """Levels for many people in one query (people with no row are Newcomers)."""
    if not user_ids:
        return {}
    Member = state.models.Member
    rows = state.db.session.execute(sa.select(Member.user_id, Member.level).where(Member.user_id.in_(user_ids)))
    return {user_id: int(level) for user_id, level in rows}
