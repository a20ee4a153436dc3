"""Default settings. Every key starts with ``FORUM_``; ``init_app`` applies them with ``setdefault``."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    #: Where the forum is mounted in the host portal.
    "FORUM_URL_PREFIX": "/community",
    #: The layout template the forum's pages extend. The default is the forum's own standalone layout.
    "FORUM_BASE_TEMPLATE": "forum/layout.html",
    #: The community's name, shown in page titles and headings.
    "FORUM_TITLE": "Community help",
    #: Threads shown per page in lists.
    "FORUM_THREADS_PER_PAGE": 25,
    #: Answers shown per page on a thread page.
    "FORUM_POSTS_PER_PAGE": 30,
    #: The longest title allowed, in characters.
    "FORUM_MAX_TITLE_LENGTH": 150,
    #: The shortest title allowed, in characters.
    "FORUM_MIN_TITLE_LENGTH": 8,
    #: The longest post allowed, in characters.
    "FORUM_MAX_BODY_LENGTH": 32000,
    #: How many tags one thread may carry.
    "FORUM_MAX_TAGS": 5,
    #: Plugins to enable: objects or dotted import paths (see plugin_api).
    "FORUM_PLUGINS": (),
    #: Points rules: a forum.gamification.rules.PointRules, or a dict overriding some of its fields.
    "FORUM_POINTS": None,
    #: Level rules: a forum.gamification.rules.LevelRules, or a dict overriding some of its fields.
    "FORUM_LEVELS": None,
    #: Extra badges (forum.gamification.badges.BadgeRule) beside the defaults.
    "FORUM_BADGES": (),
    #: Seconds to wait for plugins' knowledge bases before showing results without them.
    "FORUM_EXTERNAL_TIMEOUT": 0.5,
    #: The Content-Security-Policy sent with forum pages. ``None`` sends none (the host sets its own).
    "FORUM_CONTENT_SECURITY_POLICY": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
    ),
}
