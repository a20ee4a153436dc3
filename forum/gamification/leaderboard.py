"""Top helpers for a week, a month or all time, overall or per category, read from the cached totals."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import members
from ..models import utcnow
from .rules import ALL_TIME, month_start, week_start

if TYPE_CHECKING:
    import datetime as dt

    from ..state import ForumState
    from ..users import ForumUser

PERIODS = {"week": "w", "month": "m", "all": "a"}


@dataclass(frozen=True)
class Row:
    """One place on the board."""

    rank: int
    user: ForumUser
    points: int


def period_start(period: str, today: dt.date | None = None) -> dt.date:
    """Where "this week", "this month" or "all time" starts."""
    today = today or utcnow().date()
    return {"week": week_start(today), "month": month_start(today), "all": ALL_TIME}[period]


def top(
    state: ForumState, period: str = "week", *, category_id: int = 0, limit: int = 10, starts: dt.date | None = None
) -> list[Row]:
    """The people with the most points; ties go to whoever got there first, then to the lower id."""
    Bucket = state.models.PointBucket
    query = (
        sa.select(Bucket.user_id, Bucket.points)
        .where(
            Bucket.period == PERIODS[period],
            Bucket.starts == (starts or period_start(period)),
            Bucket.category_id == category_id,
            Bucket.points > 0,
        )
        .order_by(Bucket.points.desc(), Bucket.reached_at, Bucket.user_id)
        .limit(limit)
    )
    rows = state.db.session.execute(query).all()
    people = members.people(state, (user_id for user_id, _ in rows))
    return [Row(rank=i + 1, user=people[user_id], points=int(points)) for i, (user_id, points) in enumerate(rows)]


#: A spreadsheet reads a cell starting with one of these as a formula (OWASP: CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Text that would start a formula gets a leading apostrophe, so a spreadsheet shows it as typed."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def spreadsheet(header: list[str], rows: Iterable[Iterable[object]]) -> str:
    """CSV text whose every cell is safe to open in a spreadsheet (see :func:`spreadsheet_safe`)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return out.getvalue()


def csv_export(state: ForumState, period: str, *, category_id: int = 0, starts: dt.date | None = None) -> str:
    """The whole board for a period as CSV, for handing out goodies."""
    begin = starts or period_start(period)
    return spreadsheet(
        ["rank", "name", "email", "points", "period", "starts", "category_id"],
        (
            [row.rank, row.user.name, row.user.email or "", row.points, period, begin.isoformat(), category_id]
            for row in top(state, period, category_id=category_id, limit=10_000, starts=begin)
        ),
    )


def rank_of(state: ForumState, user_id: Any, period: str = "all") -> int | None:
    """Where a person stands, or None without points."""
    Bucket = state.models.PointBucket
    mine = state.db.session.scalar(
        sa.select(Bucket.points).where(
            Bucket.user_id == user_id,
            Bucket.period == PERIODS[period],
            Bucket.starts == period_start(period),
            Bucket.category_id == 0,
        )
    )
    if not mine or mine <= 0:
        return None
    above = state.db.session.scalar(
        sa.select(sa.func.count()).where(
            Bucket.period == PERIODS[period],
            Bucket.starts == period_start(period),
            Bucket.category_id == 0,
            Bucket.points > mine,
        )
    )
    return int(above or 0) + 1
