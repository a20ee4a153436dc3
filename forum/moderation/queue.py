"""The review queue's rows: what waits for a moderator, and why. Decisions live in :mod:`.review`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import i18n
from ..i18n import lazy_gettext as _l
from ..models import utcnow

if TYPE_CHECKING:
    from ..state import ForumState

#: Why a post is in the queue, in words.
WHY = {
    "flags": _l("Members flagged it"),
    "spam": _l("Held back by the spam rules"),
    "first_post": _l("A new member's first post"),
}


def enqueue(state: ForumState, post: Any, why: str, detail: Any = "") -> Any:
    """Put a post in the queue, or bring its item back to the top if it was decided before (the caller commits)."""
    R = state.models.ReviewItem
    session = state.db.session
    item = session.scalar(sa.select(R).where(R.post_id == post.id))
    text, params = i18n.stored(detail)
    if item is None:
        item = R(post_id=post.id, why=why, detail=text[:300], params=params, state="open", created_at=utcnow())
        session.add(item)
    elif item.state != "open":
        item.why, item.detail, item.params, item.state, item.decision = why, text[:300], params, "open", None
        item.created_at, item.decided_at, item.decided_by_id = utcnow(), None, None
    return item
