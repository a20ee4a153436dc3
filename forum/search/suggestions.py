"""What suggestions achieve: shown, opened, "this solved my problem", or a question posted anyway."""

from __future__ import annotations

import datetime as dt
import secrets
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ..models import utcnow

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser

KINDS = ("shown", "opened", "deflected", "posted")


def new_attempt() -> str:
    """An id for one visit to the ask page."""
    return secrets.token_hex(8)


def clean_attempt(value: str | None) -> str:
    """Only what ``new_attempt`` makes, so nothing odd is stored."""
    value = (value or "")[:32]
    return value if value.isalnum() else ""


def record(
    state: ForumState,
    kind: str,
    *,
    attempt: str,
    user: ForumUser | None,
    count: int = 1,
    doc_kind: str | None = None,
    doc_ref: int | None = None,
) -> None:
    """Add one event to the current transaction."""
    state.db.session.add(
        state.models.SuggestionEvent(
            kind=kind,
            attempt=clean_attempt(attempt),
            user_id=user.id if user else None,
            count=count,
            doc_kind=doc_kind,
            doc_ref=doc_ref,
        )
    )


def record_shown(state: ForumState, *, attempt: str, user: ForumUser | None, shown: list[tuple[str, int]]) -> None:
    """Count suggestions shown, and commit without waiting for the disk on PostgreSQL.

    This runs at every pause in typing. Losing the last instant of these counts in a crash is
    harmless, so the commit does not wait for the write-ahead log to reach the disk.
    """
    session = state.db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SET LOCAL synchronous_commit TO OFF"))
    session.execute(  # a plain INSERT: no row object to build, no id to read back
        sa.insert(state.models.SuggestionEvent).values(
            kind="shown",
            attempt=clean_attempt(attempt),
            user_id=user.id if user else None,
            count=len(shown),
            refs=" ".join(f"{kind}:{ref}" for kind, ref in shown)[:200],
            created_at=utcnow(),
        )
    )
    session.commit()


def last_shown(state: ForumState, attempt: str) -> list[tuple[str, int]] | None:
    """What this ask-page visit was shown last; ``None`` when it was shown no suggestion at all."""
    attempt = clean_attempt(attempt)
    if not attempt:
        return None
    Event = state.models.SuggestionEvent
    refs = state.db.session.execute(
        sa.select(Event.refs).where(Event.attempt == attempt, Event.kind == "shown").order_by(Event.id.desc()).limit(1)
    ).first()
    if refs is None:
        return None
    shown = []
    for item in (refs[0] or "").split():
        kind, _, ref = item.partition(":")
        if kind in ("thread", "article") and ref.isdigit():
            shown.append((kind, int(ref)))
    return shown


def posted_anyway(state: ForumState, attempt: str, user: ForumUser | None) -> None:
    """A question was posted after suggestions were shown: count it, and count the last ones shown as skipped."""
    shown = last_shown(state, attempt)
    if shown is None:
        return
    record(state, "posted", attempt=attempt, user=user)
    Vector = state.models.SearchVector.__table__
    for kind, ref in shown:
        state.db.session.execute(
            sa.update(Vector).where(Vector.c.kind == kind, Vector.c.ref_id == ref).values(skipped=Vector.c.skipped + 1)
        )
    state.db.session.commit()


def solved_by(state: ForumState, attempt: str, user: ForumUser | None, kind: str, ref_id: int) -> None:
    """ "This solved my problem": the attempt ends, and the suggestion counts for more next time."""
    record(state, "deflected", attempt=attempt, user=user, doc_kind=kind, doc_ref=ref_id)
    Vector = state.models.SearchVector.__table__
    state.db.session.execute(
        sa.update(Vector).where(Vector.c.kind == kind, Vector.c.ref_id == ref_id).values(helped=Vector.c.helped + 1)
    )
    state.db.session.commit()


@dataclass(frozen=True)
class Week:
    """One week of figures for the desk."""

    starts: dt.date
    shown: int
    opened: int
    deflected: int
    posted: int

    @property
    def deflection_rate(self) -> str:
        """Of the attempts that ended, how many ended without a new question."""
        ended = self.deflected + self.posted
        return f"{round(100 * self.deflected / ended)}%" if ended else "–"


def weekly(state: ForumState, *, weeks: int = 12, today: dt.date | None = None) -> list[Week]:
    """Figures per week (Monday first), newest week first."""
    today = today or utcnow().date()
    first = today - dt.timedelta(days=today.weekday()) - dt.timedelta(weeks=weeks - 1)
    Event = state.models.SuggestionEvent
    rows = state.db.session.execute(
        sa.select(Event.kind, Event.count, Event.created_at).where(
            Event.created_at >= dt.datetime.combine(first, dt.time())
        )
    )
    totals: dict[dt.date, dict[str, int]] = defaultdict(lambda: dict.fromkeys(KINDS, 0))
    for kind, count, created in rows:
        start = created.date() - dt.timedelta(days=created.weekday())
        totals[start][kind] += count if kind == "shown" else 1
    return [
        Week(starts=start, **totals[start]) for start in (first + dt.timedelta(weeks=i) for i in reversed(range(weeks)))
    ]
