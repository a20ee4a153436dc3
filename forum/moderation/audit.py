"""The audit log: every moderation action, who took it, why, and what changed; admins read and export it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..gamification.leaderboard import spreadsheet
from ..i18n import _
from ..i18n import lazy_gettext as _l
from ..models import utcnow

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser

#: Actions in words, for the log's filter and its rows.
ACTIONS = {
    "flag_hidden": _l("Hidden by members' flags"),
    "review_keep": _l("Kept after review"),
    "review_hide": _l("Hidden after review"),
    "review_delete": _l("Removed after review"),
    "silence": _l("Silenced a member"),
    "unsilence": _l("Lifted a silence"),
    "lock": _l("Locked a question"),
    "unlock": _l("Unlocked a question"),
    "close": _l("Closed a question"),
    "reopen": _l("Reopened a question"),
    "pin": _l("Pinned a question"),
    "unpin": _l("Unpinned a question"),
    "unlist": _l("Unlisted a question"),
    "relist": _l("Listed a question again"),
    "held": _l("Held back for a check"),
}


def record(
    state: ForumState,
    actor: ForumUser | None,
    action: str,
    target_type: str,
    target_id: Any,
    *,
    reason: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add one line to the log, inside the caller's transaction."""
    state.db.session.add(
        state.models.AuditEntry(
            actor_id=actor.id if actor else None,
            action=action,
            target_type=target_type,
            target_id=str(target_id),
            reason=reason[:2000],
            before=json.dumps(before or {}, default=str, sort_keys=True),
            after=json.dumps(after or {}, default=str, sort_keys=True),
            created_at=utcnow(),
        )
    )


def entries(state: ForumState, *, action: str = "", actor_id: Any = None, limit: int = 200) -> list[Any]:
    """The newest lines first, filtered by action and by who took it."""
    A = state.models.AuditEntry
    query = sa.select(A).order_by(A.created_at.desc(), A.id.desc()).limit(limit)
    if action in ACTIONS:
        query = query.where(A.action == action)
    if actor_id is not None:
        query = query.where(A.actor_id == actor_id)
    return list(state.db.session.scalars(query))


def actors(state: ForumState) -> list[Any]:
    """Everyone who took a moderation action, for the log's filter."""
    A = state.models.AuditEntry
    return list(state.db.session.scalars(sa.select(A.actor_id).where(A.actor_id.is_not(None)).distinct()))


def csv_export(state: ForumState, rows: list[Any], names: dict[Any, str]) -> str:
    """The log as CSV, each cell neutralised against formula injection."""
    return spreadsheet(
        [_("When (UTC)"), "Who", "Action", "What", "Reason", "Before", "After"],
        (
            (
                row.created_at.isoformat(timespec="seconds"),
                names.get(row.actor_id, _("The forum")),
                ACTIONS.get(row.action, row.action),
                f"{row.target_type} {row.target_id}",
                row.reason,
                row.before,
                row.after,
            )
            for row in rows
        ),
    )
