"""Timelines: everything that happened to one thread, and what is happening in the whole community."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import i18n
from ..gamification.rules import SUPERUSER
from ..i18n import _
from ..i18n import lazy_gettext as _l

if TYPE_CHECKING:
    import datetime as dt

    from ..models import Announcement, Thread
    from ..state import ForumState

#: The kinds of entry in the community timeline, and their names in the filter.
HAPPENING_KINDS = {
    "announcement": "Announcements",
    "solved": _l("Solved questions"),
    "article": _l("New articles"),
    "superuser": _l("New superusers"),
    "question": _l("New questions"),
    "idea": _l("Ideas: the IT team's answers"),
}
#: Shown when no filter is chosen: new questions are left out, there are too many.
DEFAULT_KINDS = ("announcement", "solved", "article", "superuser", "idea")
#: Idea steps worth telling everyone about (proposals and merges stay on the idea's own page).
IDEA_NEWS = ("under_review", "planned", "in_progress", "done", "not_planned")


@dataclass(frozen=True)
class Entry:
    """One line of a timeline."""

    at: dt.datetime
    kind: str
    text: str
    #: Where the line points: "#post-12" on the thread page, or a full path elsewhere.
    link: str = ""
    who: str = ""
    #: A stable id for feeds ("solved-12").
    key: str = ""
    summary: str = ""


def thread_timeline(
    state: ForumState, thread: Thread, *, can_see_removed: bool = False, known: dict[Any, Any] | None = None
) -> list[Entry]:
    """Asked, answered, edited, accepted, shared, escalated, ticket news, announcements, removed: oldest first.

    One query gathers every source; names come from ``known`` (people the page already loaded) first.
    """
    models = state.models
    P, R, S, TE = models.Post, models.PostRevision, models.Share, models.TimelineEvent
    visible = sa.true() if can_see_removed else P.deleted_at.is_(None)
    none_text, none_id = sa.literal(None, sa.Text), sa.literal(None, sa.Integer)
    sources = sa.union_all(
        sa.select(
            P.created_at.label("at"),
            sa.case((P.is_question, "asked"), else_="answered").label("kind"),
            P.author_id.label("who"),
            P.id.label("post_id"),
            none_text.label("text"),
            none_text.label("params"),
        ).where(P.thread_id == thread.id, visible),
        sa.select(R.created_at, sa.literal("edited"), R.editor_id, R.post_id, none_text, none_text)
        .join(P, P.id == R.post_id)
        .where(P.thread_id == thread.id, R.number > 1, visible),
        sa.select(S.created_at, sa.literal("shared"), S.sharer_id, S.post_id, none_text, none_text).where(
            S.thread_id == thread.id
        ),
        sa.select(TE.created_at, TE.kind, TE.actor_id, none_id, TE.text, TE.params).where(TE.thread_id == thread.id),
    ).subquery()
    rows = state.db.session.execute(sa.select(sources).order_by(sources.c.at)).all()
    people = dict(known or {})
    missing = ({r.who for r in rows} | {thread.accepted_by_id}) - people.keys() - {None}
    people.update(state.users.get_many(missing))

    def name(user_id: Any) -> str:
        return people[user_id].name if user_id in people else _("Someone")

    said = {
        "asked": _l("%(name)s asked the question"),
        "answered": _l("%(name)s answered"),
        "edited": _l("%(name)s edited a post"),
        "shared": _l("%(name)s shared it"),
    }
    desk_words = {
        "escalated": _("Sent to the IT team"),
        "ticket_opened": _("The IT team opened a ticket"),
        "ticket_resolved": _("The IT team resolved the ticket"),
        "agent_reply": _("The IT team replied"),
        "desk_problem": _("Waiting to reach the IT team"),
        "not_solved": _("The asker says it is not solved yet"),
        "solved_by_desk": _("The asker says the IT team solved it"),
    }
    entries = []
    for r in rows:
        if r.kind in said:
            entries.append(
                Entry(r.at, r.kind, str(said[r.kind]) % {"name": name(r.who)}, f"#post-{r.post_id}", name(r.who))
            )
        else:
            where = (
                "#answers"
                if r.kind.startswith("solution_")
                else "#thread-state"
                if r.kind.startswith("thread_")
                else "#it-team"
            )
            entries.append(Entry(r.at, r.kind, desk_words.get(r.kind) or i18n.shown(r.text or "", r.params), where))
    if thread.accepted_post_id and thread.solved_at:
        entries.append(
            Entry(
                thread.solved_at,
                "accepted",
                _("%(name)s marked an answer as the solution", name=name(thread.accepted_by_id)),
                f"#post-{thread.accepted_post_id}",
                name(thread.accepted_by_id),
            )
        )
    if thread.deleted_at is not None and can_see_removed:
        entries.append(Entry(thread.deleted_at, "removed", _("The question was removed")))
    entries.sort(key=lambda entry: entry.at)
    return compact(entries)


def compact(entries: list[Entry], *, keep: int = 2) -> list[Entry]:
    """Long runs of answers shrink to the first, a count, and the last, so a busy thread's timeline stays short."""
    result: list[Entry] = []
    run: list[Entry] = []

    def flush() -> None:
        if len(run) > 2 * keep + 1:
            hidden = run[keep:-keep]
            result.extend(run[:keep])
            result.append(Entry(hidden[0].at, "answers", f"{len(hidden)} more answers", hidden[0].link))
            result.extend(run[-keep:])
        else:
            result.extend(run)
        run.clear()

    for entry in entries:
        if entry.kind == "answered":
            run.append(entry)
            continue
        flush()
        result.append(entry)
    flush()
    return result


def happening(
    state: ForumState,
    *,
    kinds: tuple[str, ...] = DEFAULT_KINDS,
    category_id: int | None = None,
    tag: str | None = None,
    limit: int = 40,
) -> list[Entry]:
    """The community's news, newest first: one small query per kind, merged."""
    models = state.models
    session = state.db.session
    where = state.replica()  # news is a list: it may come from the read replica
    prefix = state.setting("FORUM_URL_PREFIX")
    T, A, Art, M = models.Thread, models.Announcement, models.Article, models.Member
    entries: list[Entry] = []

    def threads(query: Any) -> Any:
        query = query.where(T.deleted_at.is_(None), T.unlisted_at.is_(None))
        if category_id is not None:
            query = query.where(T.category_id == category_id)
        if tag:
            tt, Tag = models.thread_tag, models.Tag
            query = query.where(
                T.id.in_(sa.select(tt.c.thread_id).join(Tag, Tag.id == tt.c.tag_id).where(Tag.name == tag))
            )
        return query.limit(limit)

    if "announcement" in kinds and not tag:
        query = sa.select(A).order_by(A.published_at.desc()).limit(limit)
        if category_id is not None:
            query = query.where(A.category_id == category_id)
        entries += [announcement_entry(state, a) for a in session.scalars(query, bind_arguments=where)]
    if "solved" in kinds:
        solved = threads(sa.select(T).where(T.solved_at.is_not(None)).order_by(T.solved_at.desc()))
        for t in session.scalars(solved, bind_arguments=where):
            entries.append(
                Entry(
                    t.solved_at,
                    "solved",
                    _("Solved: %(title)s", title=t.title),
                    f"{prefix}/t/{t.id}",
                    key=f"solved-{t.id}",
                )
            )
    if "question" in kinds:
        for t in session.scalars(threads(sa.select(T).order_by(T.created_at.desc())), bind_arguments=where):
            entries.append(
                Entry(
                    t.created_at,
                    "question",
                    _("New question: %(title)s", title=t.title),
                    f"{prefix}/t/{t.id}",
                    key=f"question-{t.id}",
                )
            )
    if "article" in kinds and not tag:
        published = sa.select(Art).where(Art.published_at.is_not(None)).order_by(Art.published_at.desc()).limit(limit)
        if category_id is not None:
            published = published.where(Art.category_id == category_id)
        for art in session.scalars(published, bind_arguments=where):
            entries.append(
                Entry(
                    art.published_at or art.created_at,  # the query took published ones only
                    "article",
                    _("New article: %(title)s", title=art.title),
                    f"{prefix}/articles/{art.id}",
                    key=f"article-{art.id}",
                    summary=art.body_source[:500],
                )
            )
    if "superuser" in kinds and category_id is None and not tag:
        rows = session.execute(
            sa.select(M.user_id, M.level_changed_at)
            .where(M.level >= SUPERUSER, M.level_changed_at.is_not(None))
            .order_by(M.level_changed_at.desc())
            .limit(limit),
            bind_arguments=where,
        ).all()
        people = state.users.get_many(r.user_id for r in rows)
        for r in rows:
            entries.append(
                Entry(
                    r.level_changed_at,
                    "superuser",
                    _("%(name)s became a superuser", name=people[r.user_id].name),
                    f"{prefix}/u/{r.user_id}",
                    key=f"superuser-{r.user_id}-{r.level_changed_at:%Y%m%d}",
                )
            )
    if "idea" in kinds and category_id is None and not tag:
        IE, Idea = models.IdeaEvent, models.Idea
        rows = session.execute(
            sa.select(IE.id, IE.created_at, IE.text, IE.params, Idea.id.label("idea_id"), Idea.title)
            .join(Idea, Idea.id == IE.idea_id)
            .where(IE.kind.in_(IDEA_NEWS))
            .order_by(IE.created_at.desc())
            .limit(limit),
            bind_arguments=where,
        ).all()
        for r in rows:
            entries.append(
                Entry(
                    r.created_at,
                    "idea",
                    _("Idea “%(title)s”: %(news)s", title=r.title, news=i18n.shown(r.text, r.params)),
                    f"{prefix}/ideas/{r.idea_id}",
                    key=f"idea-{r.id}",
                )
            )
    entries.sort(key=lambda entry: entry.at, reverse=True)
    return entries[:limit]


def announcement_entry(state: ForumState, announcement: Announcement, *, summary_chars: int = 500) -> Entry:
    """An announcement as a timeline line (the community timeline and its own feed share it)."""
    return Entry(
        announcement.published_at,
        "announcement",
        announcement.title,
        f"{state.setting('FORUM_URL_PREFIX')}/announcements/{announcement.id}",
        key=f"announcement-{announcement.id}",
        summary=announcement.body_source[:summary_chars],
    )
