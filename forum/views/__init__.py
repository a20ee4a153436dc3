"""The blueprint: thin views that parse the request, call the services and render templates."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint(
    "forum",
    __name__,
    template_folder="../templates",
    static_folder="../static",
    static_url_path="/static",
)

from . import (
    admin,
    announcements,
    common,
    curation,
    desk,
    gamification,
    notifications,
    people,
    reactions,
    search,
    threads,
    timelines,
)
