"""Thread states: locked, closed, pinned, unlisted. Agents, admins and Champions set them; an asker may close their
own question as solved elsewhere and open it again. Each change shows in the thread's timeline."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from .. import i18n
from ..errors import ForumError, NotAllowed
from ..i18n import Later, _, later
from ..i18n import lazy_gettext as _l
from ..models import utcnow
from ..search import engine
from . import audit

if TYPE_CHECKING:
    from ..models import Thread
    from ..state import ForumState
    from ..users import ForumUser

#: How a question can be closed, in words.
CLOSED_AS = {
    "solved_elsewhere": _l("Solved another way"),
    "duplicate": _l("Asked before: see the earlier question"),
    "off_topic": _l("Not something this community can help with"),
}
ACTIONS = ("lock", "unlock", "close", "reopen", "pin", "unpin", "unlist", "relist")
#: The longest a pin lasts.
MAX_PIN_DAYS = 365


def can_moderate(person: ForumUser | None) -> bool:
    """Desk agents, admins and Champions."""
    return bool(person and person.is_moderator)


def _allowed(person: ForumUser, thread: Thread, action: str, closed_as: str | None) -> bool:
    if can_moderate(person):
        return True
    own = person.id == thread.author_id
    if action == "close":
        return own and closed_as == "solved_elsewhere"
    if action == "reopen":
        return own and thread.closed_as == "solved_elsewhere"
    return False


def change(
    state: ForumState,
    actor: ForumUser,
    thread: Thread,
    action: str | None,
    *,
    reason: str | None = "",
    closed_as: str | None = None,
    days: Any = None,
    everywhere: bool = False,
) -> Later:
    """Apply one state change; returns the words the timeline shows. The caller's checks are repeated here."""
    if action not in ACTIONS:
        raise ForumError(_("Please choose what to do with this question."))
    if not _allowed(actor, thread, action, closed_as):
        raise NotAllowed(_("Only the IT team and Champions can do that. You can close your own question as solved."))
    text = " ".join((reason or "").replace("\x00", "").split())[:300]
    before = _snapshot(thread)
    now = utcnow()
    if action == "lock":
        if not text:
            raise ForumError(_("Please give a reason. Everyone reading the question will see it."), field="reason")
        thread.locked_at, thread.lock_reason = now, text
        words = later("Locked: %(reason)s", reason=text)
    elif action == "unlock":
        thread.locked_at, thread.lock_reason = None, ""
        words = later("Unlocked: answers are welcome again")
    elif action == "close":
        if closed_as not in CLOSED_AS:
            raise ForumError(_("Please choose why the question is closed."), field="closed_as")
        thread.closed_as, thread.closed_at = closed_as, now
        words = (
            later("Closed: %(why)s. %(note)s", why=CLOSED_AS[closed_as], note=text)
            if text
            else later("Closed: %(why)s", why=CLOSED_AS[closed_as])
        )
    elif action == "reopen":
        thread.closed_as, thread.closed_at = None, None
        words = later("Reopened: answers are welcome again")
    elif action == "pin":
        length = _pin_days(days)
        thread.pinned_until, thread.pinned_everywhere = now + dt.timedelta(days=length), bool(everywhere)
        until = i18n.Day(thread.pinned_until.date())
        words = (
            later("Pinned everywhere until %(date)s", date=until)
            if everywhere
            else later("Pinned in its category until %(date)s", date=until)
        )
    elif action == "unpin":
        thread.pinned_until, thread.pinned_everywhere = None, False
        words = later("Unpinned")
    elif action == "unlist":
        thread.unlisted_at = now
        words = later("Unlisted: only people with the link can find it")
    else:
        thread.unlisted_at = None
        words = later("Listed again")
    state.db.session.add(
        state.models.TimelineEvent(
            thread_id=thread.id, kind=f"thread_{action}", actor_id=actor.id, **i18n.columns(words), created_at=now
        )
    )
    audit.record(state, actor, action, "thread", thread.id, reason=text, before=before, after=_snapshot(thread))
    if action in ("unlist", "relist"):
        (engine.forget if action == "unlist" else engine.mark)(state, "thread", thread.id)
    state.db.session.commit()
    return words


def _pin_days(days: Any) -> int:
    try:
        length = int(str(days).strip())
    except ValueError:
        length = 0
    if not 1 <= length <= MAX_PIN_DAYS:
        raise ForumError(_("Please pin it for between 1 and %(most)s days.", most=MAX_PIN_DAYS), field="days")
    return length


def _snapshot(thread: Thread) -> dict[str, Any]:
    return {
        "locked": thread.locked_at is not None,
        "lock_reason": thread.lock_reason,
        "closed_as": thread.closed_as,
        "pinned_until": thread.pinned_until,
        "pinned_everywhere": thread.pinned_everywhere,
        "unlisted": thread.unlisted_at is not None,
    }


def refuse_answers(thread: Thread) -> None:
    """Locked and closed questions are readable but take no new answers."""
    if thread.locked_at is not None:
        raise NotAllowed(
            _("This question is locked, so it takes no new answers. The reason: %(reason)s", reason=thread.lock_reason)
        )
    if thread.closed_as is not None:
        raise NotAllowed(_("This question is closed (%(why)s).", why=CLOSED_AS.get(thread.closed_as, _l("closed"))))


def is_pinned(thread: Thread, *, now: dt.datetime | None = None) -> bool:
    """Pinned and the pin has not run out."""
    return thread.pinned_until is not None and thread.pinned_until > (now or utcnow())
