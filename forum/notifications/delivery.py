"""Notices: who hears about what, how (portal, e-mail now, daily digest, or not at all), grouped and in bulk."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import i18n
from ..errors import ForumError, NotFound
from ..i18n import _
from ..i18n import lazy_gettext as _l
from ..markup import mention_handles
from ..models import Thread, affected, utcnow
from .following import muted_for

if TYPE_CHECKING:
    from collections.abc import Iterable

    from ..state import ForumState
    from ..users import ForumUser


@dataclass(frozen=True)
class Kind:
    """A group of notices a person can choose how to receive."""

    label: str
    #: The channel when the person never chose: "portal", "email", "digest" or "off".
    default: str


#: Every group people choose for, in the order the settings page shows them.
KINDS: dict[str, Kind] = {
    "answer": Kind(_l("Answers to your questions"), "email"),
    "reply": Kind(_l("New answers in questions you watch"), "portal"),
    "mention": Kind(_l("Someone mentions you with @"), "email"),
    "accepted": Kind(_l("Your answer solved someone's problem"), "portal"),
    "like": Kind(_l("Likes on your posts"), "portal"),
    "shared": Kind(_l("Someone sends you a question"), "portal"),
    "new_thread": Kind(_l("New questions in categories and keywords you watch"), "portal"),
    "badge": Kind(_l("Badges and levels you earn"), "portal"),
    "ticket": Kind(_l("The IT team's progress on your questions"), "email"),
    "announcement": Kind(_l("Announcements: outages, maintenance and upgrades"), "email"),
}
#: Notice kinds that belong to a group above; any other kind is portal-only and always shown.
GROUP_OF = {
    "level": "badge",
    "escalated": "ticket",
    "ticket_opened": "ticket",
    "ticket_reply": "ticket",
    "ticket_status": "ticket",
    "ticket_resolved": "ticket",
    "announcement_update": "announcement",
    **{kind: kind for kind in KINDS},
}
CHANNELS = {
    "portal": _l("In the portal only"),
    "email": _l("In the portal and by e-mail at once"),
    "digest": _l("In the portal and in a daily e-mail"),
    "off": "Off",
}


def mail_enabled(state: ForumState) -> bool:
    """E-mail goes out only when an SMTP server is set."""
    return bool(state.setting("FORUM_MAIL_SERVER"))


def channels(state: ForumState, user_ids: Iterable[Any], group: str) -> dict[Any, str]:
    """Each person's channel for ``group``, in one query."""
    ids = list(user_ids)
    default = KINDS[group].default if group in KINDS else "portal"
    if not ids or group not in KINDS:
        return dict.fromkeys(ids, default)
    P = state.models.NotificationPref
    chosen: dict[Any, str] = dict(
        state.db.session.execute(sa.select(P.user_id, P.channel).where(P.user_id.in_(ids), P.kind == group)).all()
    )
    return {i: chosen.get(i, default) for i in ids}


def deliver(
    state: ForumState,
    recipients: Iterable[Any],
    kind: str,
    message: Any,
    *,
    actor: ForumUser | None = None,
    thread: Thread | None = None,
    thread_id: int | None = None,
    post_id: int | None = None,
    announcement_id: int | None = None,
    group_key: str | None = None,
) -> int:
    """Notify many people at once, in at most three queries; the caller commits.

    Nobody hears about their own action, about a removed thread, or about a thread (or its
    category or keyword) they muted; and nobody hears about a kind they switched off.
    """
    ids = {r for r in recipients if r is not None}
    if actor is not None:
        ids.discard(actor.id)
    if thread is not None:
        if thread.is_deleted:
            return 0
        thread_id = thread.id
        ids -= muted_for(state, thread, ids)
    if not ids:
        return 0
    group = GROUP_OF.get(kind, "")
    mail = mail_enabled(state)
    now = utcnow()
    rows = []
    text, params = i18n.stored(message)
    for person, channel in channels(state, ids, group).items():
        if channel == "off":
            continue
        rows.append(
            {
                "user_id": person,
                "kind": kind,
                "message": text[:300],
                "params": params,
                "actor_id": actor.id if actor else None,
                "thread_id": thread_id,
                "post_id": post_id,
                "announcement_id": announcement_id,
                "group_key": group_key,
                "count": 1,
                "created_at": now,
                "email_state": {"email": "pending", "digest": "digest"}.get(channel) if mail else None,
                "email_attempts": 0,
                "email_next_at": now,
            }
        )
    if rows:
        state.db.session.execute(sa.insert(state.models.Notification), rows)
    return len(rows)


def notify(
    state: ForumState,
    user_id: Any,
    kind: str,
    message: Any,
    *,
    actor: ForumUser | None = None,
    thread_id: int | None = None,
    post_id: int | None = None,
) -> int:
    """Notify one person (see :func:`deliver`); the caller commits."""
    return deliver(state, [user_id], kind, message, actor=actor, thread_id=thread_id, post_id=post_id)


def notify_grouped(
    state: ForumState, user_id: Any, kind: str, key: str, words: Any, *, actor: ForumUser, thread: Thread, post_id: int
) -> None:
    """One unread notice per ``key`` that counts up ("Ana and 4 others liked your answer"); the caller commits.

    ``words(name, others)`` gives the message for the latest actor and how many others there are.
    """
    if actor.id == user_id or thread.is_deleted:
        return
    N = state.models.Notification
    row = state.db.session.scalar(
        sa.select(N).where(N.user_id == user_id, N.group_key == key, N.read_at.is_(None)).limit(1)
    )
    if row is None:
        deliver(
            state, [user_id], kind, words(actor.name, 0), actor=actor, thread=thread, post_id=post_id, group_key=key
        )
        return
    row.count += 1
    row.actor_id = actor.id
    text, row.params = i18n.stored(words(actor.name, row.count - 1))
    row.message = text[:300]
    row.created_at = utcnow()


def mentioned(state: ForumState, text: str) -> dict[str, ForumUser]:
    """The people a post mentions with @handle, by handle, in one query (none for plain text)."""
    handles = mention_handles(text)
    return state.users.find_by_handles(handles) if handles else {}


def unread(state: ForumState, user_id: Any) -> sa.Select[int]:
    """How many notifications this person has not opened yet, as a query to put inside another (members.signed_in)."""
    N = state.models.Notification
    return sa.select(sa.func.count()).where(N.user_id == user_id, N.read_at.is_(None))


def mine(state: ForumState, user: ForumUser) -> sa.Select[Any]:
    """A person's notifications (order them newest first: ``created_at`` then ``id``, descending)."""
    N = state.models.Notification
    return sa.select(N).where(N.user_id == user.id)


def recent(state: ForumState, user: ForumUser, *, page: int = 1, per_page: int = 30) -> tuple[list[Any], bool]:
    """One page of notifications, newest first, and whether more follow."""
    N = state.models.Notification
    rows = list(
        state.db.session.scalars(
            mine(state, user)
            .order_by(N.created_at.desc(), N.id.desc())
            .limit(per_page + 1)
            .offset((page - 1) * per_page)
        )
    )
    return rows[:per_page], len(rows) > per_page


def open_one(state: ForumState, user: ForumUser, notification_id: int, *, mark_read: bool = True) -> Any:
    """One of the owner's own notifications, marked read unless ``mark_read`` is False."""
    N = state.models.Notification
    row = state.db.session.get(N, notification_id)
    if row is None or row.user_id != user.id:
        raise NotFound(_("We could not find that notification."))
    if mark_read and row.read_at is None:
        row.read_at = utcnow()
        state.db.session.commit()
    return row


def mark_all_read(state: ForumState, user: ForumUser) -> int:
    """Mark every unread notification read; returns how many."""
    N = state.models.Notification
    done = affected(
        state.db.session.execute(sa.update(N).where(N.user_id == user.id, N.read_at.is_(None)).values(read_at=utcnow()))
    )
    state.db.session.commit()
    return int(done)


def preferences(state: ForumState, user: ForumUser) -> dict[str, str]:
    """This person's channel for every group."""
    P = state.models.NotificationPref
    chosen: dict[Any, str] = dict(
        state.db.session.execute(sa.select(P.kind, P.channel).where(P.user_id == user.id)).all()
    )
    return {kind: chosen.get(kind, spec.default) for kind, spec in KINDS.items()}


def channels_offered(state: ForumState, user: ForumUser) -> dict[str, str]:
    """The choices that can reach this person: no e-mail choices while the portal sends none, or has no address."""
    if mail_enabled(state) and user.email:
        return CHANNELS
    return {value: words for value, words in CHANNELS.items() if value in ("portal", "off")}


def save_preferences(state: ForumState, user: ForumUser, wanted: dict[str, str]) -> None:
    """Store the choices from the settings page; an unknown kind or channel changes nothing."""
    for kind, channel in wanted.items():
        if kind not in KINDS or channel not in CHANNELS:
            raise ForumError(_("Please pick one of the choices offered for each kind of notice."), status=400)
    P = state.models.NotificationPref
    session = state.db.session
    existing = {p.kind: p for p in session.scalars(sa.select(P).where(P.user_id == user.id))}
    for kind, channel in wanted.items():
        if kind in existing:
            existing[kind].channel = channel
        else:
            session.add(P(user_id=user.id, kind=kind, channel=channel))
    session.commit()
