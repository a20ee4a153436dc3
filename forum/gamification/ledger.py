"""The points ledger: append-only rows unique on their cause, and the per-period totals kept beside it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..models import utcnow
from ..models.upsert import insert_new, upsert
from .rules import CAPPED_REASONS, PointRules, buckets_for, capped_amount

if TYPE_CHECKING:
    import datetime as dt

    from ..state import ForumState

LIKE_REASONS = ("answer_liked", "question_liked")


def point_rules(state: ForumState) -> PointRules:
    """The rules in force for this app (``FORUM_POINTS``)."""
    return PointRules.from_config(state.config.get("FORUM_POINTS"))


def member_row(state: ForumState, user_id: Any, *, lock: bool = False) -> Any:
    """The person's member row, made on first need; ``lock`` serialises awards to them on PostgreSQL."""
    Member = state.models.Member
    upsert(
        state,
        Member.__table__,
        {"user_id": user_id, "level": 0, "level_locked": False, "days_visited": 0},
        ["user_id"],
        {},
    )
    query = sa.select(Member).where(Member.user_id == user_id)
    if lock:
        query = query.with_for_update()
    return state.db.session.scalar(query.execution_options(populate_existing=True))


def _bump(state: ForumState, user_id: Any, category_id: int | None, when: dt.datetime, amount: int) -> None:
    """Add ``amount`` to every bucket the event counts in (all categories, and its own), in one statement."""
    if amount == 0:
        return
    table = state.models.PointBucket.__table__
    update: dict[str, Any] = {"points": table.c.points + amount}
    if amount > 0:
        update["reached_at"] = when
    rows = [
        {
            "user_id": user_id,
            "period": period,
            "starts": starts,
            "category_id": category,
            "points": amount,
            "reached_at": when,
        }
        for period, starts in buckets_for(when)
        for category in sorted({0, category_id or 0})
    ]
    upsert(state, table, rows, ["period", "starts", "category_id", "user_id"], update)


def _today_start(now: dt.datetime) -> dt.datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


@dataclass(frozen=True)
class Award:
    """What an event is worth before the limits: who gets it, why, and what caused it."""

    user_id: Any
    reason: str
    amount: int
    cause: str
    actor_id: Any = None
    thread_id: int | None = None
    post_id: int | None = None
    category_id: int | None = None


def _held(state: ForumState, user_id: Any, counting: Award | None, now: dt.datetime) -> tuple[int, int] | None:
    """Lock the person's member row and, for an award of a capped reason (``counting``), read in the same statement
    what capped reasons gave them today and how many of their likes today came from its giver; None when they have
    no member row yet."""
    capped = counting is not None and counting.reason in CAPPED_REASONS

    def build() -> sa.Select[Any]:
        Member, Event = state.models.Member, state.models.PointEvent
        person: sa.BindParameter[Any] = sa.bindparam("person")
        columns: list[Any] = [Member.user_id]
        if capped:
            today = sa.and_(
                Event.user_id == person, Event.created_at >= sa.bindparam("today"), Event.reason.in_(CAPPED_REASONS)
            )
            same_giver = sa.and_(
                Event.actor_id == sa.bindparam("giver"), Event.reason.in_(LIKE_REASONS), Event.amount > 0
            )
            columns += [
                sa.select(sa.func.coalesce(sa.func.sum(Event.amount), 0)).where(today).scalar_subquery(),
                sa.select(sa.func.count()).where(today, same_giver).scalar_subquery(),
            ]
        return sa.select(*columns).where(Member.user_id == person).with_for_update(of=Member.__table__)

    parameters: dict[str, Any] = {"person": user_id}
    if capped and counting is not None:
        giver = counting.actor_id if counting.reason in LIKE_REASONS else None
        parameters.update(today=_today_start(now), giver=giver)
    row = state.db.session.execute(state.once(("held", capped), build), parameters).first()
    if row is None:
        return None
    return (int(row[1] or 0), int(row[2] or 0)) if capped else (0, 0)


def hold(
    state: ForumState, user_id: Any, *, counting: Award | None = None, now: dt.datetime | None = None
) -> tuple[int, int]:
    """Lock the person's member row (made on first need), so awards to them count their day one at a time; with
    ``counting``, also what capped reasons gave them today and the likes from its giver (see ``_held``)."""
    now = now or utcnow()
    found = _held(state, user_id, counting, now)
    if found is None:  # their first points: make the row, then lock (and count)
        member_row(state, user_id)
        found = _held(state, user_id, counting, now) or (0, 0)
    return found


def award(state: ForumState, item: Award, *, now: dt.datetime | None = None) -> Any:
    """Write one award (after the daily cap and the serial-liking guard), once per cause; the caller commits."""
    now = now or utcnow()
    if item.amount == 0:
        return None  # a rule the admin set to 0 writes nothing; a cause already written is skipped by _append
    capped_today, from_giver = hold(state, item.user_id, counting=item, now=now)
    amount = capped_amount(
        point_rules(state),
        item.amount,
        reason=item.reason,
        earned_today_capped=capped_today,
        likes_from_giver_today=from_giver,
    )
    if amount == 0:  # past today's cap: nothing to write, and nothing for an unlike to take back
        return None
    event = state.models.PointEvent(
        user_id=item.user_id,
        amount=amount,
        reason=item.reason,
        cause=item.cause,
        actor_id=item.actor_id,
        thread_id=item.thread_id,
        post_id=item.post_id,
        category_id=item.category_id,
        created_at=now,
    )
    return _append(state, event)


def _append(state: ForumState, event: Any) -> Any:
    """Write one ledger line and add it to the totals; a line whose cause is already there is skipped.

    Spending (a reward) is a line too, but never in the totals: it lowers what a person can spend, never their
    level or their place on the leaderboards."""
    table = state.models.PointEvent.__table__
    values = {c.name: getattr(event, c.name) for c in table.columns if getattr(event, c.name) is not None}
    event.id = state.db.session.scalar(insert_new(state, table, ["cause"]).values(**values).returning(table.c.id))
    if event.id is None:  # this cause is in the ledger already
        return None
    if event.reason not in SPENDING:
        _bump(state, event.user_id, event.category_id, event.created_at, event.amount)
    return event


#: Ledger reasons that spend points (and give them back), kept out of the earned totals.
SPENDING = ("reward", "reward_refund")


def spend(state: ForumState, user_id: Any, amount: int, *, cause: str, refund: bool = False) -> Any:
    """Write a spending line (``-amount``), or with ``refund`` give it back; the caller holds the member's lock."""
    event = state.models.PointEvent(
        user_id=user_id,
        amount=amount if refund else -amount,
        reason="reward_refund" if refund else "reward",
        cause=cause,
        created_at=utcnow(),
    )
    return _append(state, event)


def balance(state: ForumState, user_id: Any) -> int:
    """Points a person can still spend: everything earned, less what rewards took (and gave back)."""
    Event = state.models.PointEvent
    spent = state.db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Event.amount), 0)).where(
            Event.user_id == user_id, Event.reason.in_(SPENDING)
        )
    )
    return total(state, user_id) + int(spent or 0)


def reverse(state: ForumState, event: Any, *, now: dt.datetime | None = None) -> Any:
    """Take back exactly what ``event`` gave, as a new row; the caller commits."""
    now = now or utcnow()
    Event = state.models.PointEvent
    undo_cause = f"{event.cause}:undo"  # written once: _append skips a cause already there
    hold(state, event.user_id)
    undo = Event(
        user_id=event.user_id,
        amount=-event.amount,
        reason=event.reason,
        cause=undo_cause,
        actor_id=event.actor_id,
        thread_id=event.thread_id,
        post_id=event.post_id,
        category_id=event.category_id,
        created_at=now,
    )
    return _append(state, undo)


def open_awards(
    state: ForumState,
    *,
    post_id: int,
    reasons: tuple[str, ...],
    actor_id: Any = None,
    user_id: Any = None,
    since: dt.datetime | None = None,
) -> list[Any]:
    """Awards for a post that have not been taken back yet; optionally only those caused by ``actor_id``, given
    to ``user_id``, or written ``since`` a time (with both people, an index finds them at once). Plain rows, to
    read (``reverse`` takes one)."""
    given = {"actor": actor_id, "person": user_id, "since": since}
    used = tuple(name for name, value in given.items() if value is not None)

    def build() -> sa.Select[Any]:
        events = state.models.PointEvent.__table__
        Event, undo = events.c, events.alias("undo")
        column = {"actor": Event.actor_id, "person": Event.user_id}
        query = (
            sa.select(events)
            .outerjoin(undo, undo.c.cause == Event.cause + ":undo")
            .where(
                Event.post_id == sa.bindparam("post"),
                Event.reason.in_(sa.bindparam("reasons", expanding=True)),
                undo.c.id.is_(None),
                ~Event.cause.like("%:undo"),
            )
        )
        for name in used:
            wanted: sa.BindParameter[Any] = sa.bindparam(name)
            query = query.where(Event.created_at >= wanted if name == "since" else column[name] == wanted)
        return query.order_by(Event.id)

    parameters = {"post": post_id, "reasons": list(reasons), **{name: given[name] for name in used}}
    return list(state.db.session.execute(state.once(("open awards", used), build), parameters))


def total(state: ForumState, user_id: Any, *, period: str = "a", starts: dt.date | None = None) -> int:
    """A person's points for one period (all time by default), from the cache."""
    Bucket = state.models.PointBucket
    from .rules import ALL_TIME

    value = state.db.session.scalar(
        sa.select(Bucket.points).where(
            Bucket.user_id == user_id,
            Bucket.period == period,
            Bucket.starts == (starts or ALL_TIME),
            Bucket.category_id == 0,
        )
    )
    return int(value or 0)


def totals(state: ForumState, user_ids: list[Any]) -> dict[Any, int]:
    """All-time points for many people in one query."""
    if not user_ids:
        return {}
    Bucket = state.models.PointBucket
    from .rules import ALL_TIME

    rows = state.db.session.execute(
        sa.select(Bucket.user_id, Bucket.points).where(
            Bucket.user_id.in_(user_ids), Bucket.period == "a", Bucket.starts == ALL_TIME, Bucket.category_id == 0
        )
    )
    return {user_id: int(points) for user_id, points in rows}


def _expected_buckets(state: ForumState) -> dict[tuple[Any, ...], list[Any]]:
    """Every bucket as the ledger says it should be: key -> [points, last gain]."""
    Event = state.models.PointEvent
    expected: dict[tuple[Any, ...], list[Any]] = defaultdict(lambda: [0, None])
    rows = state.db.session.execute(
        sa.select(Event.user_id, Event.amount, Event.category_id, Event.created_at)
        .where(Event.reason.not_in(SPENDING))
        .execution_options(yield_per=5000)
    )
    for user_id, amount, category_id, created_at in rows:
        if amount == 0:
            continue
        for period, starts in buckets_for(created_at):
            for category in {0, category_id or 0}:
                slot = expected[(period, starts, category, user_id)]
                slot[0] += amount
                if amount > 0 and (slot[1] is None or created_at > slot[1]):
                    slot[1] = created_at
    return expected


def verify(state: ForumState) -> list[str]:
    """Differences between the cached totals and the ledger, in words; empty means they agree."""
    Bucket = state.models.PointBucket
    expected = _expected_buckets(state)
    actual = {
        (b.period, b.starts, b.category_id, b.user_id): b.points for b in state.db.session.scalars(sa.select(Bucket))
    }
    problems = []
    for key in sorted(set(expected) | set(actual), key=str):
        want = expected.get(key, [0])[0]
        have = actual.get(key, 0)
        if want != have:
            period, starts, category, user_id = key
            problems.append(
                f"user {user_id}, {dict(w='week', m='month', a='all time')[period]} from {starts}, "  # not translated
                f"category {category or 'all'}: cached {have}, ledger says {want}"  # not translated: for the CLI
            )
    return problems


def rebuild(state: ForumState) -> int:
    """Recompute every cached total from the ledger; returns how many buckets there are now."""
    Bucket = state.models.PointBucket
    expected = _expected_buckets(state)
    session = state.db.session
    session.execute(sa.delete(Bucket))
    rows = [
        {"period": p, "starts": s, "category_id": c, "user_id": u, "points": v[0], "reached_at": v[1] or utcnow()}
        for (p, s, c, u), v in expected.items()
    ]
    for start in range(0, len(rows), 5000):
        session.execute(sa.insert(Bucket), rows[start : start + 5000])
    session.commit()
    return len(rows)
