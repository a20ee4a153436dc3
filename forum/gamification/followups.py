"""What quick writes leave for the worker: badges and levels to check again, and the "liked your answer" notice.

A like stays a few small writes in its request (the like, the counter, the thread's version, the points), and the
first page of someone's day only counts the visit; the rest is queued in ``forum_followup`` and applied by
``flask forum worker`` within its next pass.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..models import affected, utcnow
from ..page_cache import PERSONAL
from . import badges, ledger, levels

if TYPE_CHECKING:
    from ..state import ForumState

#: Follow-ups applied per transaction.
BATCH = 500


def _settle_rows(people: dict[Any, set[str]], now: dt.datetime) -> list[dict[str, Any]]:
    return [
        {
            "kind": "settle",
            "user_id": user_id,
            "actor_id": None,
            "post_id": None,
            "triggers": ",".join(sorted(t)),
            "created_at": now,
        }
        for user_id, t in people.items()
    ]


def settle_later(state: ForumState, people: dict[Any, set[str]]) -> None:
    """Queue a check of these people's badges (for these events) and level; the caller commits."""
    state.db.session.execute(sa.insert(state.models.Followup.__table__), _settle_rows(people, utcnow()))


def after_like(state: ForumState, post: Any, actor_id: Any) -> None:
    """What a like leaves for the worker, in one row: the notice, and the author's and the giver's badges and level
    (``apply_pending`` checks both people for the one row)."""
    values = {"post_id": post.id, "user_id": post.author_id, "actor_id": actor_id, "created_at": utcnow()}
    adding = state.once("liked followup", lambda: sa.insert(state.models.Followup.__table__).values(kind="liked"))
    state.db.session.execute(adding, values)


def record_visit(state: ForumState, user_id: Any, *, today: dt.date | None = None) -> bool:
    """Count today as a day this person came by (once a day), leaving the badges and the level it may bring to the
    worker, so the first page of someone's day stays quick; True the first time today."""
    today = today or utcnow().date()
    Member = state.models.Member
    member = ledger.member_row(state, user_id)
    if member.last_visit == today:
        state.db.session.rollback()
        return False
    changed = affected(
        state.db.session.execute(
            sa.update(Member)
            .where(Member.user_id == user_id, sa.or_(Member.last_visit.is_(None), Member.last_visit != today))
            .values(days_visited=Member.days_visited + 1, last_visit=today)
            .execution_options(**{PERSONAL: True})  # a visit count: no guest page changes
        )
    )
    if changed:
        settle_later(state, {user_id: {"visit"}})
    state.db.session.commit()
    return bool(changed)


def _liked(state: ForumState, post_id: int, actor_id: Any) -> None:
    """The notice, if the like is still there (a like taken back at once tells nobody)."""
    from ..notifications.rules import on_post_liked

    m, session = state.models, state.db.session
    still = session.scalar(sa.select(m.Like.id).where(m.Like.post_id == post_id, m.Like.user_id == actor_id))
    post = session.get(m.Post, post_id)
    actor = state.users.get_many([actor_id]).get(actor_id)
    if still is not None and post is not None and actor is not None:
        on_post_liked(state, post, actor)


def apply_pending(state: ForumState, *, limit: int | None = None) -> int:
    """Apply what waits, oldest first, a batch per transaction; how many follow-ups were applied.

    Call it from one worker at a time (``worker.run_once`` holds a lease). Each batch is deleted in the
    transaction that applies it, so nothing is applied twice and nothing is lost if the worker stops.
    """
    Followup, session = state.models.Followup, state.db.session
    applied = 0
    while limit is None or applied < limit:
        size = BATCH if limit is None else min(BATCH, limit - applied)
        rows = session.execute(
            sa.select(
                Followup.id, Followup.kind, Followup.user_id, Followup.actor_id, Followup.post_id, Followup.triggers
            )
            .order_by(Followup.id)
            .limit(size)
        ).all()
        if not rows:
            break
        settle: dict[Any, set[str]] = {}
        for row in rows:
            if row.kind == "settle":
                settle.setdefault(row.user_id, set()).update(t for t in row.triggers.split(",") if t)
            elif row.kind == "liked":
                _liked(state, row.post_id, row.actor_id)
                settle.setdefault(row.actor_id, set()).add("like_given")
                if row.user_id is not None:  # the post's author (an older version queued it empty)
                    settle.setdefault(row.user_id, set()).add("like")
        for user_id, triggers in settle.items():  # one check per person however many likes they had
            if triggers:
                badges.evaluate(state, user_id, triggers)
            levels.refresh(state, user_id)
        session.execute(sa.delete(Followup).where(Followup.id.in_([row.id for row in rows])))
        session.commit()
        applied += len(rows)
    return applied
