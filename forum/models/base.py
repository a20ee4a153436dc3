"""What every forum table shares: the naming, the clock, the host's user key, the typed base of the shapes, and rows
that are cheap to read."""

from __future__ import annotations

import collections
import datetime as dt
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast

import sqlalchemy as sa
from sqlalchemy.orm import mapped_column

from ..errors import ForumError
from ..i18n import _

if TYPE_CHECKING:
    from collections.abc import Iterable

TABLE_PREFIX = "forum_"

#: The category a fresh install starts with, so people can post at once.
DEFAULT_CATEGORY = {
    "name": "General",
    "slug": "general",
    "description": "Anything that does not fit another category.",  # not translated: stored, the admin edits it
    "position": 0,
}


#: The largest id the forum's tables hold (their keys are 32-bit integers on PostgreSQL).
MAX_ID = 2**31 - 1
#: The largest value of a 64-bit integer column (a host's BigInteger user key).
MAX_BIG_ID = 2**63 - 1


def has_nul(value: Any) -> bool:
    """Whether a NUL character hides anywhere in a JSON value (no database column can hold one)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(has_nul(k) or has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_nul(v) for v in value)
    return False


def as_id(raw: Any, *, limit: int = MAX_ID) -> int | None:
    """A database id from text, or None for anything that cannot be one (words, signs, zero, too large)."""
    text = str(raw).strip() if raw is not None else ""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(limit)):
        return None
    value = int(text)
    return value if 0 < value <= limit else None


def as_day(raw: str | None, *, field: str) -> dt.date | None:
    """A date typed as year-month-day, or None when left empty; anything else is refused in plain words."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ForumError(_("Please give this date as year-month-day, for example 2027-03-31."), field=field) from None


def utcnow() -> dt.datetime:
    """Naive UTC, the same on SQLite and PostgreSQL."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@functools.lru_cache(maxsize=64)
def _row_type(fields: tuple[str, ...]) -> Any:
    return collections.namedtuple("Row", fields, rename=True)


def named_rows(result: Iterable[Any], fields: Iterable[str]) -> list[Any]:
    """Rows as named tuples, for rows whose fields are read many times (a list page reads each row's a few times).

    Reading a field of SQLAlchemy's ``Row`` by name fails the class's own attribute lookup first and builds an
    ``AttributeError`` it then drops (a microsecond a field); a named tuple's field is a tenth of that.
    """
    make = _row_type(tuple(fields))._make
    return [make(row) for row in result]


@dataclass(frozen=True)
class UserKey:
    """Where the host keeps its users, so forum columns can point at them."""

    table: str
    column: str
    sql_type: sa.types.TypeEngine[Any]

    @classmethod
    def from_model(cls, user_model: type) -> UserKey:
        """Read the single-column primary key of the host's user model."""
        mapper: sa.orm.Mapper[Any] | None = sa.inspect(user_model, raiseerr=False)
        if mapper is None:
            raise TypeError(
                f"{user_model!r} is not a SQLAlchemy model. Pass the host's user model class as "
                "Forum(db=db, user_model=YourUser)."
            )
        pk = mapper.primary_key
        if len(pk) != 1:
            raise TypeError(
                f"{user_model.__name__} has a primary key of {len(pk)} columns. The forum needs a "
                "user model with a single-column primary key (an integer or a string/UUID)."
            )
        column = pk[0]
        return cls(table=column.table.name, column=column.name, sql_type=column.type)

    def mapped(self, owner: str, name: str, *, nullable: bool = False, index: bool = True) -> Any:
        """A column holding a host user's key, with a named foreign key."""
        return mapped_column(
            name,
            self.sql_type,
            sa.ForeignKey(f"{self.table}.{self.column}", name=f"fk_{owner}_{name}"),
            nullable=nullable,
            index=index,
        )


def affected(result: sa.Result[Any]) -> int:
    """How many rows an UPDATE or DELETE changed (SQLAlchemy types ``execute`` as returning no count)."""
    return int(cast("sa.CursorResult[Any]", result).rowcount)


class Shape:
    """The typed base of every table's shape; :func:`forum.models.build_models` maps it on the host's base."""

    if TYPE_CHECKING:
        __table__: ClassVar[sa.Table]

        def __init__(self, **kwargs: Any) -> None: ...
