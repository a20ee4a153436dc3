"""What the desk receives: a thread turned into a ticket, the same for every connector."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from plugin_api.desk import TicketRequest

from ..i18n import for_the_desk
from .policy import REASONS

if TYPE_CHECKING:
    from ..models import Escalation
    from ..state import ForumState

#: How much of each answer goes into the ticket.
ANSWER_SUMMARY_CHARS = 400


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
        f"{people[p.author_id].name if p.author_id in people else for_the_desk('Someone')}: {_summary(p.body_source)}"
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
        requester_name=asker.name if asker else for_the_desk("A community member"),
        requester_email=asker.email if asker else None,
        queue=(state.setting("FORUM_DESK_QUEUES") or {}).get(category_slug, default_queue),
        reason=for_the_desk(REASONS[escalation.reason]) if escalation.reason in REASONS else "",
    )


def _summary(text: str) -> str:
    """An answer cut to a readable length, on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= ANSWER_SUMMARY_CHARS else flat[: ANSWER_SUMMARY_CHARS - 1].rstrip() + "…"
