"""When a question goes to the IT team by itself, who may send it, and the countdown shown on the thread.

Plain functions of their inputs: tests call them with no clock, database or request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .. import i18n
from ..gamification.rules import may
from ..i18n import _
from ..i18n import lazy_gettext as _l

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..models import Thread
    from ..users import ForumUser

#: Why a thread went to the IT team, in words for its timeline.
REASONS = {
    "asked": _l("Someone asked the IT team to look at it."),
    "no_answer": _l("Nobody in the community had answered it in time."),
    "unsolved": _l("No answer had solved it in time."),
}


@dataclass(frozen=True)
class EscalationRules:
    """When unanswered and unsolved questions go to the IT team by themselves (None: never)."""

    no_answer_after: dt.timedelta | None = dt.timedelta(hours=8)
    unsolved_after: dt.timedelta | None = dt.timedelta(hours=48)

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> EscalationRules:
        """Read ``FORUM_ESCALATE_NO_ANSWER_HOURS`` and ``FORUM_ESCALATE_UNSOLVED_HOURS``."""

        def hours(key: str) -> dt.timedelta | None:
            value = config.get(key)
            return None if value is None else dt.timedelta(hours=float(value))

        return cls(hours("FORUM_ESCALATE_NO_ANSWER_HOURS"), hours("FORUM_ESCALATE_UNSOLVED_HOURS"))


@dataclass(frozen=True)
class Due:
    """When a thread goes to the IT team by itself, and why."""

    at: dt.datetime
    reason: str


def escalation_due(
    rules: EscalationRules, *, created_at: dt.datetime, answer_count: int, solved: bool, escalated: bool
) -> Due | None:
    """When the policy hands this thread to the IT team, or None if it never will."""
    if solved or escalated:
        return None
    options = []
    if answer_count == 0 and rules.no_answer_after is not None:
        options.append(Due(created_at + rules.no_answer_after, "no_answer"))
    if rules.unsolved_after is not None:
        options.append(Due(created_at + rules.unsolved_after, "unsolved"))
    return min(options, key=lambda due: due.at) if options else None


def countdown_text(due: Due, now: dt.datetime) -> str:
    """The countdown in plain words, as shown on the thread."""
    left = due.at - now
    if left <= dt.timedelta(0):
        if due.reason == "no_answer":
            return _("If nobody answers, the IT team picks this up very soon.")
        return _("If no answer solves this, the IT team picks it up very soon.")
    if left < dt.timedelta(hours=1):
        when = i18n.from_now(max(1, int(left.total_seconds() // 60)), "minute")
    elif left < dt.timedelta(hours=36):
        when = i18n.from_now(round(left.total_seconds() / 3600), "hour")
    else:
        when = i18n.from_now(round(left.total_seconds() / 86400), "day")
    if due.reason == "no_answer":
        return _("If nobody answers, the IT team picks this up %(when)s.", when=when)
    return _("If no answer solves this, the IT team picks it up %(when)s.", when=when)


def can_escalate(user: ForumUser | None, thread: Thread) -> bool:
    """The asker, superusers and the IT team may hand a question to the IT team."""
    if user is None:
        return False
    return user.id == thread.author_id or user.is_agent or user.is_admin or may(user.level, "escalate")
