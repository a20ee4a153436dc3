"""The fake host portal as each process of a production topology sees it (gunicorn web processes and
``flask forum desk run`` workers): settings come from the environment, as a real deployment passes them."""

from __future__ import annotations

import os

from hostapp import create_app

from plugin_api.chat import ChatWebhook

env = os.environ.get
app = create_app(
    env("FORUM_TEST_DATABASE", ""),
    FORUM_DESK_CONNECTOR="webhook",
    FORUM_DESK_SETTINGS={  # no lookup address: only claiming keeps a ticket from being POSTed twice
        "url": env("FORUM_TEST_DESK_URL", "") + "/tickets",
        "comment_url": env("FORUM_TEST_DESK_URL", "") + "/comments",
        "secret": env("FORUM_TEST_DESK_SECRET"),
    },
    FORUM_DESK_TIMEOUT=float(env("FORUM_TEST_DESK_TIMEOUT", "15")),
    FORUM_DESK_RETRY_SECONDS=0.5,
    FORUM_MAIL_SERVER="127.0.0.1" if env("FORUM_TEST_SMTP_PORT") else None,
    FORUM_MAIL_PORT=int(env("FORUM_TEST_SMTP_PORT", "25")),
    FORUM_PLUGINS=[ChatWebhook(env("FORUM_TEST_CHAT_URL", ""))] if env("FORUM_TEST_CHAT_URL") else [],
    FORUM_REDIS_URL=env("FORUM_TEST_REDIS_URL") or None,
    FORUM_REDIS_PREFIX=env("FORUM_TEST_REDIS_PREFIX", "forum:"),
    FORUM_GUEST_CACHE_SECONDS=float(env("FORUM_TEST_GUEST_CACHE_SECONDS", "0")),
    FORUM_SITE_URL="https://portal.example.com",
    WTF_CSRF_ENABLED=env("FORUM_TEST_CSRF", "1") == "1",
    FORUM_RATE_LIMITS=env("FORUM_TEST_RATE_LIMITS", "0") == "1",
)
