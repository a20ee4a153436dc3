"""Members flag a post once, with a reason; flags weigh by level, and enough weight hides the post at once."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import ForumError, NotAllowed, NotFound
from ..i18n import _, later
from ..i18n import lazy_gettext as _l
from ..models import utcnow
from ..notifications.delivery import notify
from ..search import engine
from . import audit, limits, queue

if TYPE_CHECKING:
    from ..models import Post
    from ..state import ForumState
    from ..users import ForumUser

#: The reasons people choose from, in the words the form shows.
REASONS = {
    "spam": _l("Spam or advertising"),
    "rude": _l("Rude or abusive"),
    "off_topic": _l("Off-topic: not about this question"),
    "unsafe": _l("Wrong or unsafe advice (for example, it turns off security)"),
    "needs_it": _l("The IT team needs to look at this"),
    "other": _l("Something else (please say what)"),
}
#: The note on a post hidden by flags, for everyone who is not a moderator.
HIDDEN_NOTE = _l("Hidden while the IT team looks at it.")


def weight(state: ForumState, person: ForumUser) -> int:
    """What one flag from this person weighs (``FORUM_FLAG_WEIGHTS``)."""
    weights = state.setting("FORUM_FLAG_WEIGHTS")
    if person.is_agent:
        return int(weights.get("agent", 3))
    return int(weights.get(person.level, 1))


def open_weight(state: ForumState, post_id: int) -> int:
    """The weight of the flags on a post that nobody has decided yet."""
    F = state.models.Flag
    total = state.db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(F.weight), 0)).where(F.post_id == post_id, F.state == "open")
    )
    return int(total or 0)


def flag(state: ForumState, flagger: ForumUser, post: Post, reason: str | None, note: str | None = "") -> bool:
    """Flag a post; returns True when this flag hid it. Once per person and post."""
    if reason not in REASONS:
        raise ForumError(_("Please choose why you are flagging this post."), field="reason")
    text = " ".join((note or "").replace("\x00", "").split())[:500]
    if reason == "other" and not text:
        raise ForumError(_("Please say in a few words what is wrong."), field="note")
    if post.is_deleted:
        raise NotFound(_("That post was removed already."))
    if post.author_id == flagger.id:
        raise NotAllowed(_("This is your own post. You can edit or delete it instead."))
    F, session = state.models.Flag, state.db.session
    if session.scalar(sa.select(F.id).where(F.post_id == post.id, F.user_id == flagger.id)) is not None:
        raise ForumError(_("You flagged this post already. The IT team will look at it."), status=409)
    limits.allow(state, flagger, "flag")
    try:
        with session.begin_nested():
            session.add(
                F(
                    post_id=post.id,
                    user_id=flagger.id,
                    reason=reason,
                    note=text,
                    weight=weight(state, flagger),
                    state="open",
                    created_at=utcnow(),
                )
            )
    except sa.exc.IntegrityError:  # the same person's other tab, a moment earlier
        raise ForumError(_("You flagged this post already. The IT team will look at it."), status=409) from None
    queue.enqueue(state, post, "flags", REASONS[reason])
    hidden = post.held is None and open_weight(state, post.id) >= int(state.setting("FORUM_FLAG_HIDE_WEIGHT"))
    if hidden:
        post.held = "flags"
        thread = state.db.session.get(state.models.Thread, post.thread_id)
        title = thread.title if thread else _l("a question")
        audit.record(state, None, "flag_hidden", "post", post.id, reason=REASONS[reason], after={"held": "flags"})
        notify(
            state,
            post.author_id,
            "moderation",
            later(
                "Your question in “%(title)s” is hidden while the IT team looks at it, because members flagged it. "
                "You will hear what they decide.",
                title=title,
            )
            if post.is_question
            else later(
                "Your answer in “%(title)s” is hidden while the IT team looks at it, because members flagged it. "
                "You will hear what they decide.",
                title=title,
            ),
            thread_id=post.thread_id,
            post_id=post.id,
        )
        engine.forget_post(state, post)
    session.commit()
    return hidden


def flags_on(state: ForumState, post_ids: list[int]) -> dict[int, list[Any]]:
    """The flags on these posts, oldest first, by post (one query)."""
    if not post_ids:
        return {}
    F = state.models.Flag
    found: dict[int, list[Any]] = {}
    for row in state.db.session.scalars(sa.select(F).where(F.post_id.in_(post_ids)).order_by(F.created_at, F.id)):
        found.setdefault(row.post_id, []).append(row)
    return found


def flagged_by(state: ForumState, person: ForumUser | None, post_ids: list[int]) -> set[int]:
    """Which of these posts this person flagged."""
    if person is None or not post_ids:
        return set()
    F = state.models.Flag
    return set(state.db.session.scalars(sa.select(F.post_id).where(F.user_id == person.id, F.post_id.in_(post_ids))))
