"""Silencing a member in the forum for a while: no posting, likes or flags. The host's own account is untouched."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import g, has_request_context

from .. import i18n
from ..errors import ForumError, NotAllowed
from ..gamification.ledger import member_row
from ..i18n import _, later_plural
from ..models import utcnow
from ..notifications.delivery import notify
from . import audit

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser

#: The longest silence, in days.
MAX_DAYS = 365


def silenced(state: ForumState, user_id: Any, *, now: dt.datetime | None = None) -> tuple[dt.datetime, str] | None:
    """Until when, and why, this person is silenced; ``None`` when they are not.

    For the person signed in, the request already read it with their level (``members.signed_in``)."""
    known = g.get("forum_silence") if has_request_context() else None
    if known is not None and known[0] == user_id:
        until, reason = known[1], known[2]
    else:
        Member = state.models.Member
        row = state.db.session.execute(
            sa.select(Member.silenced_until, Member.silence_reason).where(Member.user_id == user_id)
        ).first()
        until, reason = (row.silenced_until, row.silence_reason) if row is not None else (None, None)
    if until is None or until <= (now or utcnow()):
        return None
    return until, reason


def check(state: ForumState, person: ForumUser) -> None:
    """Stop a silenced member, saying why and until when."""
    found = silenced(state, person.id)
    if found is not None:
        until, reason = found
        raise NotAllowed(
            _(
                "You cannot post, like or flag until %(until)s. The IT team said: %(reason)s",
                until=i18n.moment(until, "datetime"),
                reason=reason,
            )
        )


def silence(state: ForumState, actor: ForumUser, user_id: Any, *, days: Any, reason: str | None) -> dt.datetime:
    """Silence someone for ``days`` with a reason they will see; the caller checks the actor may."""
    text = " ".join((reason or "").replace("\x00", "").split())[:300]
    if not text:
        raise ForumError(_("Please give a reason. The member will see it."), field="reason")
    try:
        length = int(str(days).strip())
    except ValueError:
        length = 0
    if not 1 <= length <= MAX_DAYS:
        raise ForumError(_("Please choose between 1 and %(most)s days.", most=MAX_DAYS), field="days")
    if user_id == actor.id:
        raise NotAllowed(_("You cannot silence yourself."))
    row = member_row(state, user_id, lock=True)
    before = {"silenced_until": row.silenced_until, "reason": row.silence_reason}
    until = utcnow() + dt.timedelta(days=length)
    row.silenced_until, row.silence_reason = until, text
    audit.record(state, actor, "silence", "member", user_id, reason=text, before=before, after={"days": length})
    notify(
        state,
        user_id,
        "moderation",
        later_plural(
            "You cannot post, like or flag in the community for %(count)s day. The IT team said: %(reason)s",
            "You cannot post, like or flag in the community for %(count)s days. The IT team said: %(reason)s",
            length,
            reason=text,
        ),
        actor=actor,
    )
    state.db.session.commit()
    return until


def lift(state: ForumState, actor: ForumUser, user_id: Any) -> None:
    """End a silence now."""
    row = member_row(state, user_id, lock=True)
    if row.silenced_until is None:
        raise ForumError(_("This member is not silenced."), status=409)
    audit.record(state, actor, "unsilence", "member", user_id, before={"silenced_until": row.silenced_until})
    row.silenced_until, row.silence_reason = None, ""
    notify(state, user_id, "moderation", _("You can post, like and flag in the community again. Welcome back."))
    state.db.session.commit()
