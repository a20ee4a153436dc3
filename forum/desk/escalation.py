"""Handing a thread to the IT team: the automatic policy, the "Ask the IT team" action, and the ticket's contents."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import Flask

from plugin_api.desk import TicketRequest

from .. import signals
from ..errors import ForumError, NotAllowed
from ..gamification.rules import may
from ..models import Escalation, Post, Thread, utcnow
from ..notifications.delivery import notify
from ..state import ForumState, get_state

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ..users import ForumUser

#: Why a thread went to the IT team, in words for its timeline.
REASONS = {
    "asked": "Someone asked the IT team to look at it.",
    "no_answer": "Nobody in the community had answered it in time.",
    "unsolved": "No answer had solved it in time.",
}
#: How much of each answer goes into the ticket.
ANSWER_SUMMARY_CHARS = 400


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
        when = "very soon"
    elif left < dt.timedelta(hours=1):
        minutes = max(1, int(left.total_seconds() // 60))
        when = f"in {minutes} {'minute' if minutes == 1 else 'minutes'}"
    elif left < dt.timedelta(hours=36):
        hours = round(left.total_seconds() / 3600)
        when = f"in {hours} {'hour' if hours == 1 else 'hours'}"
    else:
        days = round(left.total_seconds() / 86400)
        when = f"in {days} {'day' if days == 1 else 'days'}"
    if due.reason == "no_answer":
        return f"If nobody answers, the IT team picks this up {when}."
    return f"If no answer solves this, the IT team picks it up {when}."


def can_escalate(user: ForumUser | None, thread: Thread) -> bool:
    """The asker, superusers and the IT team may hand a question to the IT team."""
    if user is None:
        return False
    return user.id == thread.author_id or user.is_agent or user.is_admin or may(user.level, "escalate")


def for_thread(state: ForumState, thread_id: int) -> Any:
    """The thread's escalation, or None."""
    E = state.models.Escalation
    return state.db.session.scalar(sa.select(E).where(E.thread_id == thread_id))


def escalate(state: ForumState, thread: Thread, *, by: ForumUser | None, reason: str = "asked") -> Any:
    """Hand ``thread`` to the IT team: the escalation, its outbox job and the timeline entry commit together."""
    if not state.desk().enabled:
        raise ForumError(
            "Passing questions to the IT team is not switched on here. Please contact the IT team the usual way.",
            status=409,
        )
    if by is not None and not can_escalate(by, thread):
        raise NotAllowed("Only the person who asked, a superuser or the IT team can pass this to the IT team.")
    if thread.is_deleted:
        raise ForumError("This question was removed, so it cannot go to the IT team.", status=409)
    if thread.is_solved:
        raise ForumError("This question is already solved, so the IT team is not needed.", status=409)
    if for_thread(state, thread.id) is not None:
        raise ForumError("This question is already with the IT team.", status=409)
    session = state.db.session
    escalation = add_escalation(state, thread, by=by, reason=reason)
    try:
        session.commit()
    except sa.exc.IntegrityError:
        session.rollback()
        raise ForumError("This question is already with the IT team.", status=409) from None
    after_escalation(state, thread, escalation, by=by)
    return escalation


def add_escalation(state: ForumState, thread: Thread, *, by: ForumUser | None, reason: str) -> Any:
    """Add the escalation, the outbox job and the timeline entry to the current transaction."""
    models = state.models
    key = uuid.uuid4().hex
    escalation = models.Escalation(
        thread_id=thread.id, key=key, reason=reason, requested_by_id=by.id if by else None, created_at=utcnow()
    )
    state.db.session.add(escalation)
    state.db.session.flush()
    state.db.session.add(models.DeskJob(escalation_id=escalation.id, action="create", key=key, payload="{}"))
    who = f"{by.name} asked the IT team to look at this." if by else REASONS[reason]
    state.db.session.add(
        models.TimelineEvent(thread_id=thread.id, kind="escalated", text=who, actor_id=by.id if by else None)
    )
    if by is None or by.id != thread.author_id:
        notify(
            state,
            thread.author_id,
            "escalated",
            f"Your question “{thread.title}” is going to the IT team. They will reply in the thread.",
            actor=by,
            thread_id=thread.id,
        )
    return escalation


def after_escalation(state: ForumState, thread: Thread, escalation: Escalation, *, by: ForumUser | None) -> None:
    """Tell hosts and plugins, once the escalation is committed."""
    signals.send(signals.thread_escalated, thread=thread, escalation=escalation, user=by)


def auto_escalate(state: ForumState, now: dt.datetime | None = None, *, limit: int = 200) -> int:
    """Hand every thread the policy says is due to the IT team; safe to run in several workers at once."""
    if not state.desk().enabled:
        return 0
    rules = EscalationRules.from_config(state.config)
    now = now or utcnow()
    T, E = state.models.Thread, state.models.Escalation
    conditions = []
    if rules.no_answer_after is not None:
        conditions.append(sa.and_(T.answer_count == 0, T.created_at <= now - rules.no_answer_after))
    if rules.unsolved_after is not None:
        conditions.append(T.created_at <= now - rules.unsolved_after)
    if not conditions:
        return 0
    query = (
        sa.select(T)
        .where(
            sa.or_(*conditions),
            T.deleted_at.is_(None),
            T.accepted_post_id.is_(None),
            T.duplicate_of_id.is_(None),
            ~sa.exists().where(E.thread_id == T.id),
        )
        .order_by(T.created_at)
        .limit(limit)
    )
    session = state.db.session
    done = 0
    for thread in list(session.scalars(query)):
        due = escalation_due(
            rules,
            created_at=thread.created_at,
            answer_count=thread.answer_count,
            solved=thread.is_solved,
            escalated=False,
        )
        if due is None or due.at > now:
            continue
        escalation = add_escalation(state, thread, by=None, reason=due.reason)
        try:
            session.commit()
        except sa.exc.IntegrityError:  # another worker escalated it first
            session.rollback()
            continue
        after_escalation(state, thread, escalation, by=None)
        done += 1
    return done


def ticket_request(state: ForumState, escalation: Escalation) -> TicketRequest:
    """What the desk receives: the question, the answers so far (newest last), tags, a link and the asker."""
    models = state.models
    session = state.db.session
    T, C, P, Tag = models.Thread, models.Category, models.Post, models.Tag
    thread, category_slug = session.execute(
        sa.select(T, C.slug).join(C, C.id == T.category_id).where(T.id == escalation.thread_id)
    ).one()
    posts = list(
        session.execute(
            sa.select(P.is_question, P.author_id, P.body_source)
            .where(P.thread_id == thread.id, P.deleted_at.is_(None))
            .order_by(P.created_at, P.id)
        )
    )
    tags = tuple(
        session.scalars(
            sa.select(Tag.name)
            .join(models.thread_tag, models.thread_tag.c.tag_id == Tag.id)
            .where(models.thread_tag.c.thread_id == thread.id)
            .order_by(Tag.name)
        )
    )
    question = next((p for p in posts if p.is_question), None)
    people = state.users.get_many({p.author_id for p in posts} | {thread.author_id})
    answers = tuple(
        f"{people[p.author_id].name if p.author_id in people else 'Someone'}: {_summary(p.body_source)}"
        for p in posts
        if not p.is_question
    )
    asker = people.get(thread.author_id)
    connector = state.desk().connector
    default_queue = (connector.values.get("queue") if connector else "") or "General"
    return TicketRequest(
        key=escalation.key,
        thread_id=thread.id,
        title=thread.title,
        question=question.body_source if question else "",
        answers=answers,
        tags=tags,
        link=state.public_url(f"/t/{thread.id}"),
        requester_name=asker.name if asker else "A community member",
        requester_email=asker.email if asker else None,
        queue=(state.setting("FORUM_DESK_QUEUES") or {}).get(category_slug, default_queue),
        reason=REASONS.get(escalation.reason, ""),
    )


def _summary(text: str) -> str:
    """An answer cut to a readable length, on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= ANSWER_SUMMARY_CHARS else flat[: ANSWER_SUMMARY_CHARS - 1].rstrip() + "…"


def forward_answer(state: ForumState, thread: Thread, post: Post) -> None:
    """A new answer in an escalated thread goes to the ticket as a note (through the outbox).

    The IT team's own answer (posted as ``FORUM_DESK_USER_ID``) is not sent back to them.
    """
    if post.author_id == state.setting("FORUM_DESK_USER_ID"):
        return
    escalation = for_thread(state, thread.id)
    if escalation is None or escalation.resolved_at is not None and escalation.outcome == "solved":
        return
    author = state.users.get(post.author_id)
    text = f"New answer in the community from {author.name if author else 'someone'}:\n\n{post.body_source}"
    state.db.session.add(
        state.models.DeskJob(
            escalation_id=escalation.id,
            action="comment",
            key=f"{escalation.key}-post-{post.id}",
            payload=json.dumps({"text": text}),
        )
    )
    state.db.session.commit()


@dataclass(frozen=True)
class DeskPanel:
    """What the thread page shows about the IT team: the button, the countdown, the ticket and its timeline."""

    enabled: bool
    escalation: Escalation | None = None
    events: tuple[Any, ...] = ()
    countdown: str = ""
    can_escalate: bool = False
    ask_outcome: bool = False

    @property
    def status_text(self) -> str:
        """The ticket's status in plain words."""
        from .updates import status_words

        return status_words(self.escalation.ticket_status or "new") if self.escalation else ""

    @property
    def waiting(self) -> bool:
        """Handed over, but the desk has not made the ticket yet."""
        return self.escalation is not None and self.escalation.ticket_id is None


def desk_panel(
    state: ForumState,
    thread: Thread,
    viewer: ForumUser | None,
    now: dt.datetime | None = None,
    *,
    handed_yet: bool = True,
) -> DeskPanel:
    """Everything the thread page needs about the IT team, in two queries at most.

    ``handed_yet=False`` says the caller knows the thread has no escalation (from its kept parts), saving a query.
    """
    enabled = state.desk().enabled
    if not enabled:
        return DeskPanel(enabled)
    handed = for_thread(state, thread.id) if handed_yet else None
    if handed is not None:
        TE = state.models.TimelineEvent
        events = tuple(
            state.db.session.scalars(sa.select(TE).where(TE.thread_id == thread.id).order_by(TE.created_at, TE.id))
        )
        asker = viewer is not None and viewer.id == thread.author_id
        return DeskPanel(
            enabled,
            handed,
            events,
            ask_outcome=asker and handed.resolved_at is not None and handed.outcome is None and not thread.is_solved,
        )
    if not enabled or thread.is_deleted or thread.is_solved:
        return DeskPanel(enabled)
    due = escalation_due(
        EscalationRules.from_config(state.config),
        created_at=thread.created_at,
        answer_count=thread.answer_count,
        solved=thread.is_solved,
        escalated=False,
    )
    return DeskPanel(
        enabled,
        countdown=countdown_text(due, now or utcnow()) if due else "",
        can_escalate=can_escalate(viewer, thread),
    )


def connect(app: Flask) -> None:
    """Listen to this app's new answers, to pass them on to escalated threads' tickets."""
    state = get_state(app)

    def answered(sender: Any, thread: Thread, post: Post, **_: Any) -> None:
        forward_answer(state, thread, post)

    signals.listen(app, [(signals.answer_created, answered)])
