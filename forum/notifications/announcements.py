"""Announcements from the IT team: outages, maintenance, upgrades and news, each with a timeline of updates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import i18n, signals
from ..errors import ForumError, NotAllowed, NotFound
from ..i18n import Later, _, later
from ..i18n import lazy_gettext as _l
from ..markup import render_markdown
from ..models import Announcement, utcnow
from ..threads.posting import check_body, check_title
from .delivery import KINDS, deliver, mail_enabled

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser

KIND_WORDS = {
    "outage": _l("Outage"),
    "maintenance": _l("Planned maintenance"),
    "upgrade": _l("Upgrade"),
    "news": _l("News"),
}
SEVERITY_WORDS = {
    "info": _l("For your information"),
    "minor": _l("Some people affected"),
    "major": _l("Many people affected"),
    "critical": _l("Everyone affected"),
}
#: Suggested steps for an update; agents may write their own.
STATUS_SUGGESTIONS = (
    _l("Investigating"),
    _l("Identified"),
    _l("Monitoring"),
    _l("Fixed"),
    _l("Scheduled"),
    _l("In progress"),
    _l("Completed"),
)
#: How long a process keeps the list of active announcements before asking the database again.
BANNER_SECONDS = 10.0
THREAD_LINK = re.compile(r"/t/(\d+)")


@dataclass(frozen=True)
class Banner:
    """What the banner shows of one active announcement."""

    id: int
    kind: str
    title: str
    severity: str
    status: str
    services: str
    ends_at: dt.datetime | None

    @property
    def label(self) -> str:
        """The kind in words."""
        return str(KIND_WORDS.get(self.kind, _l("Announcement")))


def _agents_only(actor: ForumUser | None) -> None:
    if actor is None or not (actor.is_agent or actor.is_admin):
        raise NotAllowed(_("Only the IT team can publish announcements."))


def _when(value: Any, label: str) -> dt.datetime | None:
    """A date and time from a form ("2026-11-26T14:00"), read in the writer's time zone; empty means none."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value
    try:
        return i18n.to_utc(dt.datetime.fromisoformat(str(value).strip()))
    except ValueError:
        raise ForumError(
            _("Please give the start as a date and time, like 2026-12-01 18:00.")
            if label == "start"
            else _("Please give the end as a date and time, like 2026-12-01 18:00."),
            field=label,
        ) from None


def get(state: ForumState, announcement_id: Any) -> Any:
    """One announcement, or a friendly 404."""
    try:
        found = state.db.session.get(state.models.Announcement, int(announcement_id))
    except (TypeError, ValueError):
        found = None
    if found is None:
        raise NotFound(_("We could not find that announcement."))
    return found


def publish(
    state: ForumState,
    actor: ForumUser,
    *,
    kind: str,
    title: str,
    body: str,
    services: str = "",
    severity: str = "info",
    starts_at: Any = None,
    ends_at: Any = None,
    category_id: Any = None,
) -> Any:
    """Publish an announcement and tell everyone (or the category's followers) in one statement."""
    _agents_only(actor)
    if kind not in KIND_WORDS:
        raise ForumError(_("Please choose what kind of announcement this is."), field="kind")
    if severity not in SEVERITY_WORDS:
        raise ForumError(_("Please choose how many people are affected."), field="severity")
    clean_title = check_title(state, title)
    clean_body = check_body(state, body, what="announcement")
    start, end = _when(starts_at, "start"), _when(ends_at, "end")
    if start and end and end <= start:
        raise ForumError(_("The end must come after the start."), field="end")
    category = None
    if category_id not in (None, ""):
        from ..threads.posting import get_category

        category = get_category(state, category_id)
    models = state.models
    announcement = models.Announcement(
        kind=kind,
        title=clean_title,
        body_source=clean_body,
        body_html=render_markdown(clean_body),
        services=" ".join((services or "").split())[:300],
        severity=severity,
        starts_at=start,
        ends_at=end,
        category_id=category.id if category else None,
        author_id=actor.id,
        status="",
        published_at=utcnow(),
    )
    session = state.db.session
    session.add(announcement)
    session.flush()
    session.add(models.AnnouncementPerson(announcement_id=announcement.id, user_id=actor.id, subscribed=True))
    _link_threads(state, announcement, clean_body)
    message = later("%(kind)s: %(title)s", kind=KIND_WORDS[kind], title=clean_title)
    if category is None:
        tell_everyone(state, "announcement", message, announcement.id, actor=actor)
    else:
        from .following import followers

        deliver(
            state,
            followers(state, [("category", category.id)]),
            "announcement",
            message,
            actor=actor,
            announcement_id=announcement.id,
        )
    session.commit()
    signals.send(signals.announcement_published, announcement=announcement, user=actor)
    return announcement


def _link_threads(state: ForumState, announcement: Announcement, text: str) -> None:
    """Threads the announcement links to get an entry in their timelines."""
    ids = {int(m.group(1)) for m in THREAD_LINK.finditer(text)}
    if not ids:
        return
    T = state.models.Thread
    for thread_id in state.db.session.scalars(sa.select(T.id).where(T.id.in_(ids))):
        state.db.session.add(
            state.models.TimelineEvent(
                thread_id=thread_id,
                kind="announcement",
                ref=f"announcement-{announcement.id}",
                **i18n.columns(later("Mentioned in the announcement “%(title)s”.", title=announcement.title)),
            )
        )


def tell_everyone(state: ForumState, kind: str, message: Any, announcement_id: int, *, actor: ForumUser) -> None:
    """One INSERT … SELECT over the host's users, honouring each person's preference (and nobody's own)."""
    models = state.models
    N, P = models.Notification, models.NotificationPref
    key: sa.Column[Any] = sa.inspect(models.user_model).primary_key[0]
    default = KINDS[kind].default
    channel = sa.func.coalesce(P.channel, default)
    email_state = (
        sa.case((channel == "email", "pending"), (channel == "digest", "digest"), else_=None)
        if mail_enabled(state)
        else sa.null()
    )
    now = utcnow()
    text, params = i18n.stored(message)
    select = (
        sa.select(
            key,
            sa.literal(kind),
            sa.literal(text[:300]),
            sa.literal(params, type_=sa.Text),
            sa.literal(actor.id, type_=key.type),
            sa.literal(announcement_id),
            sa.literal(1),
            sa.literal(now, type_=sa.DateTime),
            email_state,
            sa.literal(0),
            sa.literal(now, type_=sa.DateTime),
        )
        .select_from(models.user_model)
        .outerjoin(P, sa.and_(P.user_id == key, P.kind == kind))
        .where(key != actor.id, channel != "off")
    )
    state.db.session.execute(
        sa.insert(N).from_select(
            [
                "user_id",
                "kind",
                "message",
                "params",
                "actor_id",
                "announcement_id",
                "count",
                "created_at",
                "email_state",
                "email_attempts",
                "email_next_at",
            ],
            select,
        )
    )


def add_update(
    state: ForumState, actor: ForumUser, announcement: Announcement, *, status: str, body: str, closes: bool = False
) -> Any:
    """Add a step to the announcement's timeline and tell everyone who follows it."""
    _agents_only(actor)
    clean_status = " ".join((status or "").split())[:40]
    if not clean_status:
        raise ForumError(_("Please say where things stand, for example “Identified” or “Fixed”."), field="status")
    clean_body = check_body(state, body, what="update")
    models = state.models
    update = models.AnnouncementUpdate(
        announcement_id=announcement.id,
        author_id=actor.id,
        status=clean_status,
        body_source=clean_body,
        body_html=render_markdown(clean_body),
        closes=closes,
        created_at=utcnow(),
    )
    session = state.db.session
    session.add(update)
    announcement.status = clean_status
    if closes:
        announcement.closed_at = update.created_at
    elif announcement.closed_at is not None:
        announcement.closed_at = None
    AP = models.AnnouncementPerson
    people = set(
        session.scalars(
            sa.select(AP.user_id).where(AP.announcement_id == announcement.id, sa.or_(AP.subscribed, AP.affected))
        )
    )
    deliver(
        state,
        people,
        "announcement_update",
        update_words(clean_status, announcement.title),
        actor=actor,
        announcement_id=announcement.id,
    )
    session.commit()
    signals.send(signals.announcement_updated, announcement=announcement, update=update, user=actor)
    return update


def update_words(status: str, title: str) -> Later:
    """The notice of an update: the title first, then where things stand ("Fixed: VPN is down" reads as nonsense)."""
    return later("Update on “%(title)s”: %(status)s.", title=title, status=status)


def updates(state: ForumState, announcement: Announcement) -> list[Any]:
    """The announcement's timeline, oldest first."""
    U = state.models.AnnouncementUpdate
    return list(
        state.db.session.scalars(sa.select(U).where(U.announcement_id == announcement.id).order_by(U.created_at, U.id))
    )


def person(state: ForumState, user: ForumUser | None, announcement: Announcement) -> Any:
    """This person's row for the announcement (subscribed, affected, dismissed), or None."""
    if user is None:
        return None
    AP = state.models.AnnouncementPerson
    return state.db.session.scalar(sa.select(AP).where(AP.announcement_id == announcement.id, AP.user_id == user.id))


def set_person(
    state: ForumState,
    user: ForumUser,
    announcement: Announcement,
    *,
    subscribed: bool | None = None,
    affected: bool | None = None,
    dismissed: bool | None = None,
) -> Any:
    """Subscribe, say "affects me too", or dismiss the banner; keeps the affected count right."""
    models = state.models
    row = person(state, user, announcement)
    session = state.db.session
    if row is None:
        row = models.AnnouncementPerson(
            announcement_id=announcement.id, user_id=user.id, subscribed=False, affected=False
        )
        session.add(row)
    if subscribed is not None:
        row.subscribed = subscribed
    if affected is not None:
        row.affected = affected
        if affected:
            row.subscribed = True  # people who are affected want to hear when it is fixed
    if dismissed is not None:
        row.dismissed_at = utcnow() if dismissed else None
    session.flush()
    AP = models.AnnouncementPerson
    announcement.affected_count = (
        session.scalar(sa.select(sa.func.count()).where(AP.announcement_id == announcement.id, AP.affected)) or 0
    )
    session.commit()
    return row


def listing(state: ForumState, *, limit: int = 50) -> list[Any]:
    """Announcements, open ones first, newest first."""
    A = state.models.Announcement
    return list(
        state.db.session.scalars(sa.select(A).order_by(A.closed_at.is_not(None), A.published_at.desc()).limit(limit))
    )


def active(state: ForumState, now: dt.datetime | None = None) -> list[Banner]:
    """Announcements that are not over, kept for a few seconds per process (pages ask on every view)."""
    if now is not None:
        return _active(state, now)
    return state.fresh("banners", lambda: _active(state, utcnow()), BANNER_SECONDS)  # type: ignore[no-any-return]


def _active(state: ForumState, when: dt.datetime) -> list[Banner]:
    A = state.models.Announcement
    rows = state.db.session.execute(
        sa.select(A.id, A.kind, A.title, A.severity, A.status, A.services, A.ends_at)
        .where(A.closed_at.is_(None), sa.or_(A.ends_at.is_(None), A.ends_at > when))
        .order_by(A.published_at.desc())
        .limit(5)
    ).all()
    return [Banner(*row) for row in rows]


def banners_for(state: ForumState, user: ForumUser | None, dismissed_cookie: str = "") -> list[Banner]:
    """Active announcements this person has not dismissed (guests dismiss in a cookie)."""
    shown = active(state)
    if not shown:
        return []
    if user is None:
        gone = {part for part in dismissed_cookie.split(".") if part.isdigit()}
        return [b for b in shown if str(b.id) not in gone]
    AP = state.models.AnnouncementPerson
    gone_ids = set(
        state.db.session.scalars(
            sa.select(AP.announcement_id).where(
                AP.user_id == user.id, AP.dismissed_at.is_not(None), AP.announcement_id.in_([b.id for b in shown])
            )
        )
    )
    return [b for b in shown if b.id not in gone_ids]
