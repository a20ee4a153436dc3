"""What levels unlock: fixing keywords, marking duplicates, and verifying workarounds."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..errors import ForumError, NotAllowed, NotFound
from ..gamification.rules import may
from ..i18n import _, later
from ..models import Post, Thread, as_id, utcnow
from ..notifications.delivery import notify
from .posting import _tags_for, parse_tags

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser


def can(user: ForumUser | None, privilege: str) -> bool:
    """The IT team can do everything; others need the level that unlocks it."""
    return user is not None and (user.is_moderator or may(user.level, privilege))


def set_tags(state: ForumState, actor: ForumUser, thread: Thread, raw: str) -> list[str]:
    """Replace a question's keywords (its asker, a Regular, or the IT team)."""
    if actor.id != thread.author_id and not can(actor, "edit_tags"):
        raise NotAllowed(_("Fixing keywords on other people's questions opens up at the Regular level."))
    names = parse_tags(state, raw)
    thread.tags = _tags_for(state, names)
    state.db.session.commit()
    return names


_THREAD_LINK = re.compile(r"/t/(\d+)")


def mark_duplicate(state: ForumState, actor: ForumUser, thread: Thread, original: str) -> Any:
    """Point a question at the older one that already answers it, and tell the asker kindly."""
    if not can(actor, "mark_duplicate"):
        raise NotAllowed(_("Marking duplicates opens up at the Regular level."))
    text = (original or "").strip()
    found = _THREAD_LINK.search(text)
    number = found.group(1) if found else text.lstrip("#")
    wanted = as_id(number)
    if wanted is None:
        raise ForumError(_("Paste the link of the original question, or its number."), field="original")
    target = state.db.session.get(state.models.Thread, wanted)
    if target is None or target.is_deleted:
        raise ForumError(_("We could not find that question. Check the link and try again."), field="original")
    if target.id == thread.id:
        raise ForumError(_("A question cannot be a duplicate of itself."), field="original")
    thread.duplicate_of_id = target.id
    if thread.author_id != actor.id:
        notify(
            state,
            thread.author_id,
            "duplicate",
            later(
                'Good news: your question "%(title)s" looks like one that was asked before: "%(original)s". '
                "Have a look, the answer may already be there.",
                title=thread.title,
                original=target.title,
            ),
            actor=actor,
            thread_id=target.id,
        )
    state.db.session.commit()
    return target


def clear_duplicate(state: ForumState, actor: ForumUser, thread: Thread) -> None:
    """Undo a duplicate mark made by mistake."""
    if not can(actor, "mark_duplicate") and actor.id != thread.author_id:
        raise NotAllowed(_("Only Regulars and the IT team can change this."))
    thread.duplicate_of_id = None
    state.db.session.commit()


def set_verified(state: ForumState, actor: ForumUser, post: Post, wanted: bool) -> None:
    """Mark an answer as a verified workaround (Superusers and the IT team), or take the mark off."""
    if not can(actor, "verify_workaround"):
        raise NotAllowed(_("Verifying workarounds opens up at the Superuser level."))
    if post.is_question:
        raise ForumError(_("Only answers can be verified workarounds."))
    if post.is_deleted:
        raise NotFound(_("That answer was removed."))
    post.verified_at = utcnow() if wanted else None
    post.verified_by_id = actor.id if wanted else None
    state.db.session.commit()
