"""The rest of the API: search and suggestions, notifications, announcements, the leaderboard and people."""

from __future__ import annotations

from typing import Any

from flask import g

from ..errors import NotFound
from ..gamification import leaderboard
from ..i18n import _
from ..members import people, typed_user_id
from ..notifications import announcements
from ..notifications import delivery as notifications
from ..search import engine, ranking
from ..threads import listing
from ..views.common import me, state, unread_count
from ..views.search import hit_url
from . import cursors, schemas, shapes
from .operations import operation


@operation("GET", "/search", tag="Search", query=schemas.SearchQuery, response=schemas.HitPageOut)
def search(query: dict[str, Any]) -> dict[str, Any]:
    """Search questions, answers and knowledge articles, best match first.

    A hit on an answer names it in `answer_id`, and its `url` opens that answer.
    """
    after = cursors.decode(query["cursor"], ("page",))
    page = after[0] if after else 1
    category = shapes.wanted_category(query["category"])
    results = engine.search(
        state(),
        query["q"],
        page=page,
        solved_only=query["solved"],
        category_id=category.id if category else None,
        tag=(query["tag"] or "").lower() or None,
    )
    return {
        "items": [shapes.hit(h, hit_url(h)) for h in results.hits],
        "next_cursor": cursors.page_cursor(page, results.has_next),
    }


@operation("GET", "/suggestions", tag="Search", query=schemas.SuggestQuery, response=schemas.HitListOut, signed_in=True)
def suggest(query: dict[str, Any]) -> dict[str, Any]:
    """Up to five solved questions and articles that may already answer what is being asked.

    The same suggestions the ask page shows while someone types.
    """
    text = f"{query['title']} {query['body'][:300]}"
    found = ranking.rank(state(), text) if engine.terms(text) else []
    return {"items": [shapes.hit(s.hit, hit_url(s.hit)) for s in found]}


@operation(
    "GET",
    "/notifications",
    tag="Notifications",
    query=schemas.PageQuery,
    response=schemas.NotificationPageOut,
    signed_in=True,
)
def list_notifications(query: dict[str, Any]) -> dict[str, Any]:
    """Your notifications, newest first, and how many are unread."""
    N = state().models.Notification
    after = cursors.decode(query["cursor"], ("time", "id"))
    order = (N.created_at, N.id)
    rows, last = listing.keyset(state(), notifications.mine(state(), me()), order, after, query["limit"])
    return {
        "items": [shapes.notification(r) for r in rows],
        "unread": unread_count(),
        "next_cursor": cursors.next_cursor(last),
    }


@operation("POST", "/notifications/read", tag="Notifications", response=schemas.MarkedOut)
def read_all() -> dict[str, Any]:
    """Mark all your notifications read."""
    return {"marked": notifications.mark_all_read(state(), me())}


@operation("GET", "/announcements", tag="Announcements", response=schemas.AnnouncementListOut)
def list_announcements() -> dict[str, Any]:
    """Announcements of outages, maintenance and upgrades: open ones first, then the newest."""
    return {"items": [shapes.announcement(a) for a in announcements.listing(state())]}


@operation(
    "POST",
    "/announcements",
    tag="Announcements",
    body=schemas.NewAnnouncementIn,
    response=schemas.AnnouncementOut,
    status=201,
    scope="admin",
)
def publish(body: dict[str, Any]) -> dict[str, Any]:
    """Publish an announcement and tell everyone concerned (the IT team, with a token that has the admin scope)."""
    made = announcements.publish(state(), me(), **body)
    return shapes.announcement(made)


@operation("GET", "/leaderboard", tag="People", query=schemas.BoardQuery, response=schemas.BoardOut)
def board(query: dict[str, Any]) -> dict[str, Any]:
    """The top helpers this week, this month or of all time, overall or in one category."""
    category = shapes.wanted_category(query["category"])
    rows = leaderboard.top(state(), query["period"], category_id=category.id if category else 0, limit=query["limit"])
    return {
        "period": query["period"],
        "category": shapes.category(category) if category else None,
        "items": [{"rank": r.rank, "person": shapes.person(r.user), "points": r.points} for r in rows],
    }


@operation("GET", "/people/<user_id>", tag="People", response=schemas.ProfileOut)
def person(user_id: str) -> dict[str, Any]:
    """A person's level, points, place on the board and badges."""
    found = state().users.get(typed_user_id(state(), user_id))
    if found is None:
        raise NotFound(_("We could not find that person."))
    return shapes.profile(people(state(), [found.id])[found.id])


@operation("GET", "/me", tag="People", response=schemas.MeOut, signed_in=True)
def whoami() -> dict[str, Any]:
    """Who this call acts as, what it may do, and how many notifications are unread."""
    return {
        **shapes.profile(me()),
        "scopes": sorted(g.get("forum_api_scopes", ())),
        "unread": unread_count(),
    }
