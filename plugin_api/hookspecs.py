"""Every extension point of the forum, in one place. Hooks are called with keyword arguments."""

from __future__ import annotations

from typing import Any

import pluggy

hookspec = pluggy.HookspecMarker("forum")
hookimpl = pluggy.HookimplMarker("forum")


@hookspec
def forum_badge_rules() -> list[Any]:
    """Return extra badges as a list of ``forum.gamification.badges.BadgeRule``.

    Each rule's ``metric(state, user_id)`` returns a number; the badge is given once it reaches
    ``threshold``, checked when one of the rule's ``triggers`` happens ("question", "answer",
    "accept", "accepted_own", "like", "like_given", "share_visit", "visit", "edit").
    """


@hookspec
def forum_external_knowledge(query: str, limit: int) -> list[Any]:
    """Return up to ``limit`` :class:`plugin_api.knowledge.ExternalArticle` from the desk's own knowledge base.

    Called while people search and while they type a question, in a worker thread with a timeout
    (``FORUM_EXTERNAL_TIMEOUT``): a source that is slow or fails is left out, never slows the page.
    """


@hookspec
def forum_event(event: Any) -> None:
    """React to a :class:`plugin_api.events.ForumEvent`, after the change is committed.

    Called in the request or worker that made the change; keep it quick (queue slow work).
    An error here is logged and never reaches the person, nor stops other plugins.
    """


@hookspec
def forum_outgoing(event: Any) -> list[Any]:
    """Return :class:`plugin_api.outgoing.OutgoingPost` items to send for a :class:`plugin_api.events.ForumEvent`.

    The forum keeps them in its outbox and its workers send each once, retrying a service that is down;
    use it for anything that must not be lost (a chat post), instead of calling out from ``forum_event``.
    """


@hookspec
def forum_check_spam(author: Any, text: str, thread_id: int | None) -> str | None:
    """Look at a new post before anyone sees it (Akismet, your own rules).

    ``author`` is the forum's view of the person (``name``, ``email``, ``level``, ``is_agent``), ``text`` the
    Markdown they typed, ``thread_id`` the question it answers (``None`` for a new question). Return a short reason
    ("Akismet says spam") to hold the post for the review queue, or ``None`` to let it through. Keep it quick: it
    runs while the person waits.
    """
