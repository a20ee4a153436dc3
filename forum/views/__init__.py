"""The blueprint: thin views that parse the request, call the services and render templates."""

from __future__ import annotations

# Importing the view modules registers their routes on the blueprint.
from . import (  # noqa: E402
    admin,
    announcements,
    common,
    curation,
    desk,
    gamification,
    guest_cache,
    ideas,
    installable,
    live,
    moderation,
    notifications,
    people,
    reactions,
    rewards,
    search,
    threads,
    timelines,
    tokens,
    webhooks,
    writing,
)
from .blueprint import blueprint

__all__ = ["blueprint"]
