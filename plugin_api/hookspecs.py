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
