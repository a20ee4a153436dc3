"""The review queue: what waits for a moderator, with its context, and the decisions that clear it.

Each decision tells the author in friendly words and thanks the flaggers; agreed flags earn points and count
towards the Deputy badge; removing a post takes back what it earned through the points ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import i18n, signals
from ..errors import ForumError, NotAllowed, NotFound
from ..gamification import awards
from ..gamification.ledger import Award, award, point_rules
from ..i18n import _, later
from ..i18n import lazy_gettext as _l
from ..models import utcnow
from ..notifications.delivery import deliver, notify
from ..search import engine
from ..threads import posting
from . import audit, flags, silence
from .queue import WHY

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser

DECISIONS = {
    "keep": _l("Keep it"),
    "hide": _l("Hide it"),
    "delete": _l("Remove it"),
    "delete_silence": _l("Remove it and silence the author"),
}
CHAMPION = 4


def can_review(person: ForumUser | None) -> bool:
    """Desk agents, admins and Champions work the queue."""
    return bool(person and (person.is_agent or person.is_admin or person.level >= CHAMPION))


@dataclass
class Item:
    """One post in the queue, with what a moderator needs to decide."""

    row: Any
    post: Any
    thread: Any
    flags: list[Any]
    #: The author's answers and questions, and how many of their posts were removed after review before.
    author_posts: int
    author_removed: int

    @property
    def why(self) -> str:
        return str(WHY.get(self.row.why, self.row.why))

    @property
    def weight(self) -> int:
        return sum(f.weight for f in self.flags if f.state == "open")


def items(state: ForumState, *, order: str = "newest", limit: int = 50) -> list[Item]:
    """Open items, newest or most-flagged first (a fixed number of queries)."""
    m, session = state.models, state.db.session
    R, F = m.ReviewItem, m.Flag
    weight = (
        sa.select(sa.func.coalesce(sa.func.sum(F.weight), 0))
        .where(F.post_id == R.post_id, F.state == "open")
        .scalar_subquery()
    )
    query = sa.select(R).where(R.state == "open")
    query = (
        query.order_by(weight.desc(), R.created_at.desc()) if order == "most" else query.order_by(R.created_at.desc())
    )
    rows = list(session.scalars(query.order_by(R.id.desc()).limit(limit)))
    posts = {p.id: p for p in session.scalars(sa.select(m.Post).where(m.Post.id.in_([r.post_id for r in rows])))}
    threads = {
        t.id: t
        for t in session.scalars(sa.select(m.Thread).where(m.Thread.id.in_({p.thread_id for p in posts.values()})))
    }
    found = flags.flags_on(state, list(posts))
    authors = {p.author_id for p in posts.values()}
    counts: dict[Any, int] = dict(
        session.execute(
            sa.select(m.Post.author_id, sa.func.count()).where(m.Post.author_id.in_(authors)).group_by(m.Post.author_id)
        ).all()
    )
    removed: dict[Any, int] = dict(
        session.execute(
            sa.select(m.Post.author_id, sa.func.count())
            .join(R, R.post_id == m.Post.id)
            .where(m.Post.author_id.in_(authors), R.decision.in_(("delete", "delete_silence", "hide")))
            .group_by(m.Post.author_id)
        ).all()
    )
    return [
        Item(r, posts[r.post_id], threads[posts[r.post_id].thread_id], found.get(r.post_id, []),
             int(counts.get(posts[r.post_id].author_id, 0)), int(removed.get(posts[r.post_id].author_id, 0)))
        for r in rows
        if r.post_id in posts and posts[r.post_id].thread_id in threads
    ]  # fmt: skip


def decide(
    state: ForumState,
    moderator: ForumUser,
    post_id: Any,
    decision: str | None,
    *,
    reason: str | None = "",
    silence_days: Any = 7,
) -> str:
    """Keep, hide, remove, or remove and silence; tell the author and the flaggers. Returns the decision."""
    if not can_review(moderator):
        raise NotAllowed(_("Only the IT team and Champions can decide on flagged posts."))
    if decision not in DECISIONS:
        raise ForumError(_("Please choose what to do with this post."), field="decision")
    m, session = state.models, state.db.session
    post = session.get(m.Post, post_id) if str(post_id).isdigit() else None
    item = session.scalar(sa.select(m.ReviewItem).where(m.ReviewItem.post_id == post.id)) if post else None
    if post is None or item is None or item.state != "open":
        raise NotFound(_("That post is not waiting for a decision any more. Someone may have decided already."))
    text = " ".join((reason or "").replace("\x00", "").split())[:300]
    thread = session.get(m.Thread, post.thread_id)
    kind = "question" if post.is_question else "answer"
    where = thread.title if thread else _l("a question")
    was_held, before = post.held, {"held": post.held, "deleted": post.is_deleted}
    if decision == "delete_silence":
        silence.silence(
            state, moderator, post.author_id, days=silence_days, reason=text or _("Your post broke the rules.")
        )
    agreed = decision != "keep"
    open_flags = [f for f in flags.flags_on(state, [post.id]).get(post.id, []) if f.state == "open"]
    now = utcnow()
    for row in open_flags:
        row.state, row.decided_at = ("agreed" if agreed else "rejected"), now
    item.state, item.decision, item.decided_at, item.decided_by_id = "done", decision, now, moderator.id
    released = decision == "keep" and was_held in ("spam", "first_post")
    if decision == "keep":
        post.held = None
        if post.is_question and thread is not None and was_held in ("spam", "first_post"):
            thread.unlisted_at = None
    elif decision == "hide":
        post.held = "moderator"
    audit.record(
        state,
        moderator,
        f"review_{'delete' if decision == 'delete_silence' else decision}",
        "post",
        post.id,
        reason=text,
        before=before,
        after={"decision": decision},
    )
    _tell(state, moderator, post, decision, text, kind, where, was_held, open_flags)
    for row in open_flags if agreed else ():
        _reward(state, row, post, thread)
    session.commit()
    if decision in ("delete", "delete_silence"):
        posting.set_deleted(state, moderator, post, True)  # sends post_deleted: the ledger takes back its points
        session.commit()
    if released and thread is not None:  # the post never "arrived" for followers; now it does
        if post.is_question:
            signals.send(signals.thread_created, thread=thread, post=post)
        else:
            signals.send(signals.answer_created, thread=thread, post=post)
    engine.mark(state, "thread", post.thread_id)
    session.commit()
    for row in open_flags if agreed else ():
        awards._settle(state, {row.user_id: {"flag_agreed"}})
    return decision


def _tell(
    state: ForumState,
    moderator: ForumUser,
    post: Any,
    decision: str,
    reason: str,
    kind: str,
    where: str,
    was_held: str | None,
    open_flags: list[Any],
) -> None:
    """The author's notice and the flaggers' thanks, in plain words."""
    question = kind == "question"
    if decision == "keep" and was_held in ("spam", "first_post"):
        news = (
            later(
                "Your question in “%(title)s” has been checked and everyone can see it now. Thanks for waiting.",
                title=where,
            )
            if question
            else later(
                "Your answer in “%(title)s” has been checked and everyone can see it now. Thanks for waiting.",
                title=where,
            )
        )
    elif decision == "keep":
        news = (
            later("Good news: the IT team checked your question in “%(title)s” and it stays.", title=where)
            if question
            else later("Good news: the IT team checked your answer in “%(title)s” and it stays.", title=where)
        )
    elif decision == "hide":
        news = (
            later("The IT team hid your question in “%(title)s”.", title=where)
            if question
            else later("The IT team hid your answer in “%(title)s”.", title=where)
        )
    else:
        news = (
            later("The IT team removed your question in “%(title)s”.", title=where)
            if question
            else later("The IT team removed your answer in “%(title)s”.", title=where)
        )
    parts: list[Any] = [news]
    if reason:
        parts.append(later("The IT team said: %(reason)s", reason=reason))
    if decision != "keep":
        parts.append(later("If you think this is a mistake, ask them."))
    words = i18n.joined(*parts)
    notify(state, post.author_id, "moderation", words, actor=moderator, thread_id=post.thread_id, post_id=post.id)
    if open_flags:
        thanks = (
            later("Thanks for flagging. We looked, and the post stays: it is within the community's rules.")
            if decision == "keep"
            else later("Thanks for flagging. We hid that post.")
            if decision == "hide"
            else later("Thanks for flagging. We removed that post.")
        )
        deliver(
            state,
            {f.user_id for f in open_flags},
            "moderation",
            thanks,
            actor=moderator,
            thread_id=post.thread_id,
            post_id=post.id,
        )


def _reward(state: ForumState, flag: Any, post: Any, thread: Any) -> None:
    """An agreed flag earns its flagger points, once per flag."""
    award(
        state,
        Award(
            user_id=flag.user_id,
            reason="flag_agreed",
            amount=point_rules(state).flag_agreed,
            cause=f"flag_agreed:{flag.id}",
            thread_id=post.thread_id,
            post_id=post.id,
            category_id=thread.category_id if thread is not None else None,
        ),
    )
