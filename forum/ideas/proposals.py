"""Proposing ideas, voting, the IT team's statuses and merges, and the lists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import i18n
from ..errors import ForumError, NotAllowed, NotFound
from ..gamification import awards
from ..gamification.ledger import Award, award, point_rules
from ..i18n import Day, Later, _, later
from ..i18n import lazy_gettext as _l
from ..markup import render_markdown
from ..members import people
from ..models import affected, as_day, as_id, utcnow
from ..moderation import limits
from ..notifications import following
from ..notifications.delivery import deliver
from ..threads.posting import check_body, check_title

if TYPE_CHECKING:
    from ..models import Idea
    from ..state import ForumState
    from ..users import ForumUser

#: Statuses the IT team gives an idea, in the words people read.
STATUSES = {
    "open": _l("Open for votes"),
    "under_review": _l("Under review"),
    "planned": _l("Planned"),
    "in_progress": _l("In progress"),
    "done": _l("Done"),
    "not_planned": _l("Not planned"),
    "merged": _l("Merged into another idea"),
}
#: Statuses an agent may choose (merging has its own action).
CHOOSABLE = ("open", "under_review", "planned", "in_progress", "done", "not_planned")
SORTS = ("votes", "newest", "status")


def _status_words(status: str, when: Any, note: str) -> Later:
    """The status an idea got, with its date and the IT team's note, in words kept for each reader."""
    if when and note:
        return later("%(status)s (for %(date)s): %(note)s", status=STATUSES[status], date=Day(when), note=note)
    if when:
        return later("%(status)s (for %(date)s)", status=STATUSES[status], date=Day(when))
    if note:
        return later("%(status)s: %(note)s", status=STATUSES[status], note=note)
    return later("%(status)s", status=STATUSES[status])


def get(state: ForumState, idea_id: Any) -> Idea:
    """One idea, or "not found"."""
    found = state.db.session.get(state.models.Idea, as_id(idea_id)) if as_id(idea_id) else None
    if found is None:
        raise NotFound(_("We could not find that idea."))
    return found


def propose(state: ForumState, author: ForumUser, *, title: str | None, body: str | None) -> Idea:
    """A new idea, open for votes; its author's vote comes with it (if they have one left)."""
    clean_title = check_title(state, title)
    clean_body = check_body(state, body, what="idea")
    limits.allow(state, author, "question")
    m, session, now = state.models, state.db.session, utcnow()
    idea = m.Idea(
        author_id=author.id,
        title=clean_title,
        body_source=clean_body,
        body_html=render_markdown(clean_body),
        status="open",
        created_at=now,
        updated_at=now,
    )
    session.add(idea)
    session.flush()
    session.add(
        m.IdeaEvent(
            idea_id=idea.id, kind="proposed", actor_id=author.id, **i18n.columns(later("Proposed")), created_at=now
        )
    )
    if votes_left(state, author) > 0:  # the author's own vote comes with it, while they have votes to give
        session.add(m.IdeaVote(idea_id=idea.id, user_id=author.id, created_at=now))
        idea.vote_count = 1
    session.commit()
    return idea


def votes_left(state: ForumState, person: ForumUser) -> int:
    """How many more ideas this person can vote for (votes on closed ideas have come back)."""
    V, Ideas = state.models.IdeaVote, state.models.Idea
    used = state.db.session.scalar(
        sa.select(sa.func.count())
        .select_from(V)
        .join(Ideas, Ideas.id == V.idea_id)
        .where(V.user_id == person.id, Ideas.status.not_in(("done", "not_planned", "merged")))
    )
    return max(0, int(state.setting("FORUM_IDEA_VOTES")) - int(used or 0))


def vote(state: ForumState, person: ForumUser, idea: Idea) -> bool:
    """Vote for an idea once; returns False if this person had voted already."""
    if idea.is_closed:
        raise ForumError(_("This idea is closed, so it takes no more votes."), status=409)
    session = state.db.session
    V, Ideas = state.models.IdeaVote, state.models.Idea
    if session.scalar(sa.select(V.id).where(V.idea_id == idea.id, V.user_id == person.id)) is not None:
        return False
    if votes_left(state, person) <= 0:
        raise NotAllowed(
            _(
                "You have used all your %(count)s votes. Take one back from another idea, or wait: votes come back "
                "when an idea is done or closed.",
                count=state.setting("FORUM_IDEA_VOTES"),
            )
        )
    try:
        with session.begin_nested():
            session.add(V(idea_id=idea.id, user_id=person.id, created_at=utcnow()))
    except sa.exc.IntegrityError:  # the same person's other tab, a moment earlier
        return False
    session.execute(sa.update(Ideas).where(Ideas.id == idea.id).values(vote_count=Ideas.vote_count + 1))
    session.commit()
    return True


def unvote(state: ForumState, person: ForumUser, idea: Idea) -> bool:
    """Take a vote back; returns False if there was none."""
    V, Ideas, session = state.models.IdeaVote, state.models.Idea, state.db.session
    gone = affected(session.execute(sa.delete(V).where(V.idea_id == idea.id, V.user_id == person.id)))
    if gone:
        session.execute(sa.update(Ideas).where(Ideas.id == idea.id).values(vote_count=Ideas.vote_count - gone))
    session.commit()
    return bool(gone)


def voters(state: ForumState, idea_id: int) -> set[Any]:
    """Everyone who voted for an idea."""
    V = state.models.IdeaVote
    return set(state.db.session.scalars(sa.select(V.user_id).where(V.idea_id == idea_id)))


def audience(state: ForumState, idea: Idea) -> set[Any]:
    """Who hears of a change: its author, its voters and its watchers, less anyone who muted it."""
    people = voters(state, idea.id) | {idea.author_id} | following.followers(state, [("idea", idea.id)])
    return people - following.followers(state, [("idea", idea.id)], "muted")


def set_status(
    state: ForumState,
    agent: ForumUser,
    idea: Idea,
    status: str | None,
    *,
    note: str | None = "",
    target_date: str | None = "",
    link: str | None = "",
) -> Idea:
    """The IT team's answer: a status with a note everyone reads; voters and the author are told."""
    if not (agent.is_agent or agent.is_admin):
        raise NotAllowed(_("Only the IT team can change an idea's status."))
    if status not in CHOOSABLE:
        raise ForumError(_("Please choose a status."), field="status")
    text = " ".join((note or "").replace("\x00", "").split())[:2000]
    if status == "not_planned" and not text:
        raise ForumError(_("Please explain why it is not planned. People voted for it."), field="note")
    when = as_day(target_date, field="target_date") if status == "planned" else None
    clean_link = (link or "").strip()[:500]
    if clean_link and not clean_link.startswith(("https://", "http://", "/")):
        raise ForumError(_("Please give a full web address, or a link on this site starting with /."), field="link")
    was_done = idea.status == "done"
    idea.status, idea.status_note, idea.target_date, idea.updated_at = status, text, when, utcnow()
    if clean_link or status != "done":
        idea.link = clean_link
    words = _status_words(status, when, text)
    session = state.db.session
    session.add(
        state.models.IdeaEvent(
            idea_id=idea.id, kind=status, actor_id=agent.id, **i18n.columns(words), created_at=utcnow()
        )
    )
    deliver(
        state,
        audience(state, idea),
        "idea",
        later("Your idea “%(title)s”: %(status)s", title=idea.title, status=words),
        actor=agent,
    )
    if status == "done" and not was_done:
        award(
            state,
            Award(
                user_id=idea.author_id,
                reason="idea_done",
                amount=point_rules(state).idea_done,
                cause=f"idea_done:{idea.id}",
            ),
        )
    session.commit()
    if status == "done":
        awards._settle(state, {idea.author_id: {"idea_done"}})
    return idea


def merge(state: ForumState, agent: ForumUser, idea: Idea, into: Any) -> Idea:
    """Fold a duplicate into another idea: its votes move (once per person), its voters are told."""
    if not (agent.is_agent or agent.is_admin):
        raise NotAllowed(_("Only the IT team can merge ideas."))
    target = get(state, into)
    if target.id == idea.id or target.is_closed or idea.is_closed:
        raise ForumError(_("Choose another open idea to merge this one into."), field="into")
    m, session = state.models, state.db.session
    V = m.IdeaVote
    told = audience(state, idea)
    already = voters(state, target.id)
    moving = [v for v in session.scalars(sa.select(V).where(V.idea_id == idea.id)) if v.user_id not in already]
    for row in moving:
        row.idea_id = target.id
    session.execute(sa.delete(V).where(V.idea_id == idea.id))
    target.vote_count = len(already) + len(moving)
    idea.status, idea.merged_into_id, idea.vote_count, idea.updated_at = "merged", target.id, 0, utcnow()
    words = later("Merged into “%(title)s”", title=target.title)
    session.add(
        m.IdeaEvent(idea_id=idea.id, kind="merged", actor_id=agent.id, **i18n.columns(words), created_at=utcnow())
    )
    session.add(
        m.IdeaEvent(
            idea_id=target.id,
            kind="merged_in",
            actor_id=agent.id,
            **i18n.columns(later("“%(title)s” was merged into this idea", title=idea.title)),
        )
    )
    deliver(
        state,
        told,
        "idea",
        later(
            "The idea “%(idea)s” is now part of “%(target)s”. Your vote moved with it.",
            idea=idea.title,
            target=target.title,
        ),
    )
    session.commit()
    return target


@dataclass
class IdeaList:
    """A page of ideas, with their authors and the viewer's votes."""

    ideas: list[Any]
    voted: set[int]
    people: dict[Any, ForumUser]


def listing(state: ForumState, viewer: ForumUser | None, *, sort: str = "votes", limit: int = 100) -> IdeaList:
    """Ideas by votes, newest, or status; merged ones are left out (their votes live on elsewhere)."""
    Ideas, V = state.models.Idea, state.models.IdeaVote
    query = sa.select(Ideas).where(Ideas.status != "merged")
    if sort == "newest":
        query = query.order_by(Ideas.created_at.desc(), Ideas.id.desc())
    elif sort == "status":
        order = sa.case({s: n for n, s in enumerate(CHOOSABLE)}, value=Ideas.status)
        query = query.order_by(order, Ideas.vote_count.desc(), Ideas.id.desc())
    else:
        query = query.order_by(
            sa.case((Ideas.status.in_(("done", "not_planned")), 1), else_=0), Ideas.vote_count.desc(), Ideas.id.desc()
        )
    ideas = list(state.db.session.scalars(query.limit(limit)))
    ids = [i.id for i in ideas]
    voted: set[int] = set()
    if viewer is not None and ids:
        voted = set(state.db.session.scalars(sa.select(V.idea_id).where(V.user_id == viewer.id, V.idea_id.in_(ids))))
    return IdeaList(ideas, voted, people(state, {i.author_id for i in ideas}))


def timeline(state: ForumState, idea: Idea) -> list[Any]:
    """The idea's steps, oldest first."""
    E = state.models.IdeaEvent
    return list(state.db.session.scalars(sa.select(E).where(E.idea_id == idea.id).order_by(E.created_at, E.id)))


#: Words too common to say two ideas are alike.
COMMON = frozenset(
    {"with", "from", "that", "this", "have", "would", "could", "should", "about", "there", "their", "when"}
)


def similar(state: ForumState, text: str | None, *, limit: int = 5) -> list[Any]:
    """Open ideas whose titles share words with ``text``, most shared words first: shown while someone types one."""
    words = [w for w in {w.strip(".,!?;:()\"'").lower() for w in (text or "").split()} if len(w) >= 4]
    words = [w for w in words if w not in COMMON][:8]
    if not words:
        return []
    Ideas = state.models.Idea
    title = sa.func.lower(Ideas.title)
    score = sum(
        (sa.case((title.like(f"%{w.replace('%', '').replace('_', '')}%"), 1), else_=0) for w in words),
        sa.literal(0),
    )
    query = (
        sa.select(Ideas)
        .where(Ideas.status.not_in(("merged",)), score > 0)
        .order_by(score.desc(), Ideas.vote_count.desc(), Ideas.id.desc())
        .limit(limit)
    )
    return list(state.db.session.scalars(query))
