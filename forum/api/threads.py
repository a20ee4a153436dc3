"""Threads in the API: list, read, ask, answer, like, save, accept, follow, and hand to the IT team.

Thin like the pages' views: each calls the same service function the page does, so rules, limits and messages
are the same whichever way a person comes in.
"""

from __future__ import annotations

from typing import Any

from .. import members
from ..desk import escalation, panel
from ..errors import NotFound
from ..i18n import _
from ..notifications import following
from ..threads import listing, posting, reactions, solutions
from ..threads.reader_marks import thread_with_marks
from ..views.common import me, post_to_change, state, viewer
from . import cursors, schemas, shapes
from .operations import operation


@operation("GET", "/threads", tag="Threads", query=schemas.ThreadQuery, response=schemas.ThreadPageOut)
def list_threads(query: dict[str, Any]) -> dict[str, Any]:
    """Threads, latest activity first.

    Filter by category, keyword or solved state. Pinned threads keep their place in the order here.
    """
    after = cursors.decode(query["cursor"], ("time", "id"))
    found = listing.thread_query(
        state(),
        category=shapes.wanted_category(query["category"]),
        tag=(query["tag"] or "").lower() or None,
        solved=query["solved"],
    )
    order = listing.thread_order(state(), query["sort"])
    rows, last = listing.keyset(state(), found, order, after, query["limit"], replica=True)
    return {"items": shapes.threads(rows), "next_cursor": cursors.next_cursor(last)}


@operation("POST", "/threads", tag="Threads", body=schemas.NewQuestionIn, response=schemas.ThreadOut, status=201)
def ask(body: dict[str, Any]) -> dict[str, Any]:
    """Ask a question.

    The same checks as the ask page: title and text length, keywords, rate limits by level, and spam screening.
    """
    created = posting.create_thread(
        state(),
        me(),
        category_id=body["category_id"],
        title=body["title"],
        body=body["body"],
        tags=", ".join(body["tags"]),
    )
    return shapes.threads([created])[0]


@operation(
    "GET", "/threads/<forum_id:thread_id>", tag="Threads", query=schemas.PageQuery, response=schemas.ThreadDetailOut
)
def read_thread(thread_id: int, query: dict[str, Any]) -> dict[str, Any]:
    """A question with its answers, oldest answer first.

    `next_cursor` reads further answers of a long thread.
    """
    person = viewer()
    found, marks = thread_with_marks(state(), thread_id, person)
    question = posting.question_of(state(), found)
    if question is None:
        raise NotFound(_("We could not find that question. It may have been removed."))
    after = cursors.decode(query["cursor"], ("id",))
    answers, last = listing.answers_after(state(), found, person, after, query["limit"])
    people = shapes.persons(members.people(state(), {found.author_id, *(p.author_id for p in [question, *answers])}))
    liked = marks.liked if person is not None else None
    tags = listing.tag_names(state(), [found.id]).get(found.id, [])
    return {
        **shapes.thread(found, people, listing.categories_by_id(state()), tags),
        "question": shapes.post(question, people, found.accepted_post_id, liked),
        "answers": [shapes.post(p, people, found.accepted_post_id, liked) for p in answers],
        "next_cursor": cursors.next_cursor(last),
        "favourite": marks.favourite if person is not None else None,
        "following": marks.follow_level if person is not None else None,
    }


@operation(
    "POST",
    "/threads/<forum_id:thread_id>/answers",
    tag="Threads",
    body=schemas.NewAnswerIn,
    response=schemas.PostOut,
    status=201,
)
def answer(thread_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Answer a question."""
    found = posting.get_thread(state(), thread_id, viewer())
    created = posting.add_answer(state(), me(), found, body["body"])
    people = shapes.persons(members.people(state(), [created.author_id]))
    return shapes.post(created, people, found.accepted_post_id, frozenset())


def _like_state(post_id: int, wanted: bool) -> dict[str, Any]:
    post, likes_today, likers = post_to_change(post_id)
    done = reactions.set_like(state(), me(), post, wanted, likes_today, likers)
    return {"liked": wanted, "like_count": done.like_count}


@operation("PUT", "/posts/<forum_id:post_id>/like", tag="Threads", response=schemas.LikeOut)
def like(post_id: int) -> dict[str, Any]:
    """Like a question or an answer (liking twice changes nothing)."""
    return _like_state(post_id, True)


@operation("DELETE", "/posts/<forum_id:post_id>/like", tag="Threads", response=schemas.LikeOut)
def unlike(post_id: int) -> dict[str, Any]:
    """Take a like back."""
    return _like_state(post_id, False)


def _favourite(thread_id: int, wanted: bool) -> dict[str, Any]:
    found = posting.get_thread(state(), thread_id, viewer())
    reactions.set_favourite(state(), me(), found, wanted)
    return {"favourite": wanted}


@operation("PUT", "/threads/<forum_id:thread_id>/favourite", tag="Threads", response=schemas.FavouriteOut)
def save(thread_id: int) -> dict[str, Any]:
    """Save a thread to your favourites."""
    return _favourite(thread_id, True)


@operation("DELETE", "/threads/<forum_id:thread_id>/favourite", tag="Threads", response=schemas.FavouriteOut)
def unsave(thread_id: int) -> dict[str, Any]:
    """Take a thread off your favourites."""
    return _favourite(thread_id, False)


@operation("GET", "/favourites", tag="Threads", query=schemas.PageQuery, response=schemas.ThreadPageOut, signed_in=True)
def favourites(query: dict[str, Any]) -> dict[str, Any]:
    """The threads you saved, the most recently saved first."""
    after = cursors.decode(query["cursor"], ("id",))
    rows, last = listing.favourites_after(state(), me(), after, query["limit"])
    return {"items": shapes.threads([thread for thread, _ in rows]), "next_cursor": cursors.next_cursor(last)}


@operation(
    "PUT",
    "/threads/<forum_id:thread_id>/accepted",
    tag="Threads",
    body=schemas.AcceptedAnswerIn,
    response=schemas.ThreadOut,
)
def accept(thread_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Mark the answer that solved the question (the asker, or the IT team)."""
    found = posting.get_thread(state(), thread_id, viewer())
    solutions.accept(state(), me(), found, body["post_id"])
    state().db.session.refresh(found)
    return shapes.threads([found])[0]


@operation("DELETE", "/threads/<forum_id:thread_id>/accepted", tag="Threads", response=schemas.ThreadOut)
def unaccept(thread_id: int) -> dict[str, Any]:
    """Take the solved mark off."""
    found = posting.get_thread(state(), thread_id, viewer())
    solutions.unaccept(state(), me(), found)
    state().db.session.refresh(found)
    return shapes.threads([found])[0]


@operation(
    "PUT",
    "/threads/<forum_id:thread_id>/following",
    tag="Threads",
    body=schemas.FollowLevelIn,
    response=schemas.FollowOut,
)
def follow(thread_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Choose how closely to follow a thread: watching, normal or muted."""
    found = posting.get_thread(state(), thread_id, viewer())
    following.follow(state(), me(), "thread", found.id, body["level"])
    return {"level": body["level"]}


@operation("GET", "/threads/<forum_id:thread_id>/ticket", tag=_("IT team"), response=schemas.TicketOut)
def ticket(thread_id: int) -> dict[str, Any]:
    """Whether the IT team has the question, its ticket's status, and the ticket's timeline."""
    found = posting.get_thread(state(), thread_id, viewer())
    return shapes.ticket(panel.desk_panel(state(), found, viewer()))


@operation("POST", "/threads/<forum_id:thread_id>/ticket", tag=_("IT team"), response=schemas.TicketOut, status=201)
def ask_it_team(thread_id: int) -> dict[str, Any]:
    """Hand the question to the IT team as a ticket (the asker, superusers and the IT team).

    The ticket is made by the background worker; `ticket_id` stays null until the desk answers.
    """
    found = posting.get_thread(state(), thread_id, viewer())
    escalation.escalate(state(), found, by=me())
    return shapes.ticket(panel.desk_panel(state(), found, viewer()))
