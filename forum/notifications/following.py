"""Following threads, categories and keywords: watching, normal, or muted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import ForumError, NotFound
from ..i18n import _
from ..i18n import lazy_gettext as _l
from ..models import Thread, utcnow
from ..models.upsert import upsert

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..state import ForumState
    from ..users import ForumUser

#: How closely someone follows something, from most to least.
LEVELS = ("watching", "normal", "muted")
TARGETS = ("thread", "category", "tag", "idea")
#: What each level means, in the words shown next to the choice.
LEVEL_WORDS = {
    "thread": {
        "watching": _l("Watching: tell me about every new answer."),
        "normal": _l("Normal: only when someone answers me or mentions me."),
        "muted": _l("Muted: never tell me about this question."),
    },
    "category": {
        "watching": _l("Watching: tell me about every new question here."),
        "normal": _l("Normal: do not tell me about new questions here."),
        "muted": _l("Muted: never tell me about questions here, not even announcements."),
    },
}
LEVEL_WORDS["tag"] = LEVEL_WORDS["category"]
LEVEL_WORDS["idea"] = {
    "watching": _l("Watching: tell me about every change to this idea."),
    "normal": _l("Normal: only if I suggested it or voted for it."),
    "muted": _l("Muted: never tell me about this idea."),
}


def chosen_level(state: ForumState, user_id: Any, target_type: str, target_id: Any) -> sa.Select[str]:
    """The level this person chose for one thread, category or keyword, as a query to run or to put inside another."""
    F = state.models.Follow
    return sa.select(F.level).where(F.user_id == user_id, F.target_type == target_type, F.target_id == target_id)


def level(state: ForumState, user: ForumUser | None, target_type: str, target_id: int) -> str:
    """This person's level for one thread, category or keyword ("normal" when they never chose)."""
    if user is None:
        return "normal"
    return state.db.session.scalar(chosen_level(state, user.id, target_type, target_id)) or "normal"


def set_level(state: ForumState, user: ForumUser, target_type: str, target_id: int, wanted: str) -> None:
    """Choose how closely to follow something; commits."""
    if target_type not in TARGETS or wanted not in LEVELS:
        raise ForumError(_("Please pick one of the choices offered: watching, normal or muted."), status=400)
    F = state.models.Follow
    upsert(
        state,
        F.__table__,
        {
            "user_id": user.id,
            "target_type": target_type,
            "target_id": target_id,
            "level": wanted,
            "created_at": utcnow(),
        },
        ["user_id", "target_type", "target_id"],
        {"level": wanted},
    )
    state.db.session.commit()


#: What a person is told after choosing a level.
CHOSEN_WORDS = {
    "watching": _l("You will hear about everything new here."),
    "normal": _l("You will only hear about what concerns you."),
    "muted": _l("You will not hear about this any more."),
}


def follow(state: ForumState, user: ForumUser, target_type: str, target_id: int, wanted: str) -> str:
    """Choose a level for a thread, category, keyword or idea that exists; returns what it means, in words."""
    models = state.models
    model = {"thread": models.Thread, "category": models.Category, "tag": models.Tag, "idea": models.Idea}.get(
        target_type
    )
    if model is None or not target_id or state.db.session.get(model, target_id) is None:
        raise NotFound(_("We could not find what you wanted to follow."))
    set_level(state, user, target_type, target_id, wanted)
    return str(CHOSEN_WORDS[wanted])


def auto_follow(state: ForumState, user_id: Any, thread_id: int) -> None:
    """Asking or answering follows the thread (watching), unless the person already chose a level."""
    upsert(
        state,
        state.models.Follow.__table__,
        {
            "user_id": user_id,
            "target_type": "thread",
            "target_id": thread_id,
            "level": "watching",
            "created_at": utcnow(),
        },
        ["user_id", "target_type", "target_id"],
        {},
    )


def followers(state: ForumState, targets: Iterable[tuple[str, int]], wanted: str = "watching") -> set[Any]:
    """Everyone following any of ``targets`` at level ``wanted``, in one query."""
    F = state.models.Follow
    pairs = [sa.and_(F.target_type == kind, F.target_id == ident) for kind, ident in targets]
    if not pairs:
        return set()
    return set(state.db.session.scalars(sa.select(F.user_id).where(F.level == wanted, sa.or_(*pairs))))


def muted_for(state: ForumState, thread: Thread, user_ids: Iterable[Any]) -> set[Any]:
    """Who of ``user_ids`` muted this thread, its category or one of its keywords, in one query."""
    ids = list(user_ids)
    if not ids:
        return set()
    F, tt = state.models.Follow, state.models.thread_tag
    tag_ids = sa.select(tt.c.tag_id).where(tt.c.thread_id == thread.id).scalar_subquery()
    return set(
        state.db.session.scalars(
            sa.select(F.user_id).where(
                F.user_id.in_(ids),
                F.level == "muted",
                sa.or_(
                    sa.and_(F.target_type == "thread", F.target_id == thread.id),
                    sa.and_(F.target_type == "category", F.target_id == thread.category_id),
                    sa.and_(F.target_type == "tag", F.target_id.in_(tag_ids)),
                ),
            )
        )
    )
