"""What the thread page shows about the IT team: the button, the countdown, the ticket and its timeline."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..models import Escalation, utcnow
from .escalation import for_thread
from .policy import EscalationRules, can_escalate, countdown_text, escalation_due

if TYPE_CHECKING:
    from ..models import Thread
    from ..state import ForumState
    from ..users import ForumUser


@dataclass(frozen=True)
class DeskPanel:
    """What the thread page shows about the IT team: the button, the countdown, the ticket and its timeline."""

    enabled: bool
    escalation: Escalation | None = None
    events: tuple[Any, ...] = ()
    countdown: str = ""
    can_escalate: bool = False
    ask_outcome: bool = False

    @property
    def status_text(self) -> str:
        """The ticket's status in plain words."""
        from .updates import status_words

        return status_words(self.escalation.ticket_status or "new") if self.escalation else ""

    @property
    def waiting(self) -> bool:
        """Handed over, but the desk has not made the ticket yet."""
        return self.escalation is not None and self.escalation.ticket_id is None


def desk_panel(
    state: ForumState,
    thread: Thread,
    viewer: ForumUser | None,
    now: dt.datetime | None = None,
    *,
    handed_yet: bool = True,
) -> DeskPanel:
    """Everything the thread page needs about the IT team, in two queries at most.

    ``handed_yet=False`` says the caller knows the thread has no escalation (from its kept parts), saving a query.
    """
    enabled = state.desk().enabled
    if not enabled:
        return DeskPanel(enabled)
    handed = for_thread(state, thread.id) if handed_yet else None
    if handed is not None:
        TE = state.models.TimelineEvent
        events = tuple(
            state.db.session.scalars(sa.select(TE).where(TE.thread_id == thread.id).order_by(TE.created_at, TE.id))
        )
        asker = viewer is not None and viewer.id == thread.author_id
        return DeskPanel(
            enabled,
            handed,
            events,
            ask_outcome=asker and handed.resolved_at is not None and handed.outcome is None and not thread.is_solved,
        )
    if not enabled or thread.is_deleted or thread.is_solved:
        return DeskPanel(enabled)
    due = escalation_due(
        EscalationRules.from_config(state.config),
        created_at=thread.created_at,
        answer_count=thread.answer_count,
        solved=thread.is_solved,
        escalated=False,
    )
    return DeskPanel(
        enabled,
        countdown=countdown_text(due, now or utcnow()) if due else "",
        can_escalate=can_escalate(viewer, thread),
    )
