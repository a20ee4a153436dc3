"""The forum's rows as the API's schemas describe them: plain dicts of JSON values, with absolute addresses a phone
app can open. They go out as they are (the tests check every answer against its schema), since a marshmallow
dump of a 50-answer thread would cost more than reading it."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from flask import request, url_for

from .. import i18n, members
from ..desk.updates import status_words
from ..errors import NotFound
from ..gamification import badges, leaderboard, ledger
from ..i18n import _
from ..models import utcnow
from ..search.engine import plain_text
from ..threads import categories, listing
from ..views.common import links, state, thread_url

if TYPE_CHECKING:
    from ..desk.panel import DeskPanel
    from ..users import ForumUser


def when(moment: dt.datetime | None) -> str | None:
    """A time in UTC the RFC 3339 way (``2026-11-28T09:30:00Z``)."""
    return None if moment is None else moment.replace(microsecond=0).isoformat() + "Z"


def absolute(path: str) -> str:
    """A path on this site as a full address."""
    return request.host_url.rstrip("/") + path


def persons(people: dict[Any, ForumUser]) -> dict[Any, dict[str, Any]]:
    """Each person shaped once, however many posts they wrote."""
    return {key: person(who) for key, who in people.items()}


def person(who: ForumUser) -> dict[str, Any]:
    return {
        "id": str(who.id),
        "name": who.name,
        "level": who.level,
        "level_name": who.level_name,
        "url": absolute(links().profile(who.id)),
    }


def wanted_category(slug: str | None) -> Any:
    """A category from its slug, or None for none given; an unknown slug is a 404 that says where to look."""
    if not slug:
        return None
    found = categories.by_slug(state(), slug)
    if found is None:
        raise NotFound(_("We could not find that category. The list of categories is on the community's front page."))
    return found


def category(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "slug": row.slug}


def threads(rows: list[Any]) -> list[dict[str, Any]]:
    """Many threads, with their people, categories and keywords read in three queries."""
    people = members.people(state(), {t.author_id for t in rows})
    tags = listing.tag_names(state(), [t.id for t in rows])
    every = listing.categories_by_id(state())
    shaped = persons(people)
    return [thread(t, shaped, every, tags.get(t.id, [])) for t in rows]


def thread(row: Any, persons: dict[Any, dict[str, Any]], categories: dict[int, Any], tags: list[str]) -> dict[str, Any]:
    """One thread; ``persons`` are people already shaped by :func:`person`, by id."""
    return {
        "id": row.id,
        "title": row.title,
        "url": absolute(thread_url(row)),
        "category": category(categories[row.category_id]),
        "tags": tags,
        "author": persons[row.author_id],
        "created_at": when(row.created_at),
        "last_activity_at": when(row.last_activity_at),
        "answer_count": row.answer_count,
        "solved": row.accepted_post_id is not None,
        "accepted_answer_id": row.accepted_post_id,
        "pinned": row.pinned_until is not None and row.pinned_until > utcnow(),
    }


def post(
    row: Any, persons: dict[Any, dict[str, Any]], accepted_id: int | None, liked: frozenset[int] | None
) -> dict[str, Any]:
    """One question or answer; ``persons`` as for :func:`thread`."""
    return {
        "id": row.id,
        "thread_id": row.thread_id,
        "is_question": row.is_question,
        "author": persons[row.author_id],
        "body_html": row.body_html,
        "body": row.body_source,
        "created_at": when(row.created_at),
        "edited_at": when(row.edited_at),
        "like_count": row.like_count,
        "accepted": row.id == accepted_id,
        "liked": None if liked is None else row.id in liked,
        "url": absolute(links().post(row.id)),
    }


def hit(found: Any, url: str) -> dict[str, Any]:
    return {
        "kind": found.kind,
        "id": found.ref_id,
        "answer_id": found.post_id,
        "title": found.title,
        "snippet": plain_text(str(found.snippet)),
        "solved": found.solved,
        "url": absolute(url),
    }


def notification(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "message": i18n.shown(row.message, row.params),
        "thread_id": row.thread_id,
        "post_id": row.post_id,
        "created_at": when(row.created_at),
        "read": row.read_at is not None,
        "url": absolute(url_for("forum.open_notification", notification_id=row.id)),
    }


def announcement(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "title": row.title,
        "body_html": row.body_html,
        "services": row.services,
        "severity": row.severity,
        "status": row.status,
        "starts_at": when(row.starts_at),
        "ends_at": when(row.ends_at),
        "published_at": when(row.published_at),
        "closed_at": when(row.closed_at),
        "url": absolute(url_for("forum.announcement", announcement_id=row.id)),
    }


def profile(who: ForumUser) -> dict[str, Any]:
    """A person's points, place and badges, as their profile page shows them."""
    rules = {r.slug: r for r in badges.rules(state())}
    earned = sorted(badges.earned(state(), who.id).items(), key=lambda item: item[1], reverse=True)
    return {
        "person": person(who),
        "points": ledger.total(state(), who.id),
        "rank": leaderboard.rank_of(state(), who.id),
        "badges": [
            {
                "slug": slug,
                "name": rules[slug].name,
                "description": rules[slug].description,
                "earned_at": when(earned_at),
            }
            for slug, earned_at in earned
            if slug in rules
        ],
    }


def ticket(panel: DeskPanel) -> dict[str, Any]:
    handed = panel.escalation
    return {
        "handed": handed is not None,
        "ticket_id": handed.ticket_id if handed else None,
        "status": (handed.ticket_status or "new") if handed else None,
        "status_text": status_words(handed.ticket_status or "new") if handed else None,
        "asked_at": when(handed.created_at) if handed else None,
        "resolved_at": when(handed.resolved_at) if handed else None,
        "can_ask": panel.can_escalate,
        "events": [{"at": when(e.created_at), "text": i18n.shown(e.text, e.params)} for e in panel.events],
    }
