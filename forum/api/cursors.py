"""Cursor pagination: each list says where the next page starts, so pages hold still while new rows arrive.

A cursor is the sort key of the last row sent, base64-encoded JSON; it is opaque to clients and checked when it
comes back, so a changed or made-up cursor is a plain 400, never a database error.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from typing import Any

from ..errors import ForumError
from ..i18n import lazy_gettext as _l
from ..models.base import MAX_ID, as_id

BAD_CURSOR = _l("That cursor is not one we gave out. Leave it out to start from the first page.")
#: What each part of a cursor holds: a time, a row id, or a page number.
KINDS = ("time", "id", "page")


def encode(values: Sequence[Any]) -> str:
    """The cursor for a row's sort key."""
    plain = [v.isoformat() if isinstance(v, dt.datetime) else int(v) for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain, separators=(",", ":")).encode()).decode().rstrip("=")


def decode(raw: str | None, kinds: Sequence[str]) -> tuple[Any, ...] | None:
    """The sort key in a cursor of the expected ``kinds``; None for no cursor, a 400 for a bad one."""
    if not raw:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise ForumError(BAD_CURSOR, field="cursor") from None
    if not isinstance(values, list) or len(values) != len(kinds):
        raise ForumError(BAD_CURSOR, field="cursor")
    return tuple(_value(value, kind) for value, kind in zip(values, kinds, strict=True))


def _value(value: Any, kind: str) -> Any:
    if kind == "time" and isinstance(value, str):
        try:
            return dt.datetime.fromisoformat(value).replace(tzinfo=None)
        except ValueError:
            pass
    elif isinstance(value, int) and not isinstance(value, bool):
        checked = as_id(value, limit=MAX_ID)
        if checked:
            return checked
    raise ForumError(BAD_CURSOR, field="cursor")


def next_cursor(last: Sequence[Any] | None) -> str | None:
    """The cursor of the page after one that ended at ``last`` (its sort key), or None on the last page."""
    return encode(last) if last is not None else None


def page_cursor(page: int, has_next: bool) -> str | None:
    """For lists that are numbered pages underneath (search): the next page's number as a cursor."""
    return encode([page + 1]) if has_next else None
