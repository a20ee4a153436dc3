"""The fake host portal as a desk worker process sees it: ``flask --app desk_worker_app:app forum desk run``.

Settings come from the environment, the way a real deployment passes them to its workers.
"""

from __future__ import annotations

import os

from hostapp import create_app

app = create_app(
    os.environ["FORUM_TEST_DATABASE"],
    FORUM_DESK_CONNECTOR="webhook",
    FORUM_DESK_SETTINGS={
        "url": os.environ["FORUM_TEST_DESK_URL"] + "/tickets",
        "lookup_url": os.environ["FORUM_TEST_DESK_URL"] + "/lookup",
        "secret": os.environ["FORUM_TEST_DESK_SECRET"],
    },
    FORUM_DESK_TIMEOUT=float(os.environ.get("FORUM_TEST_DESK_TIMEOUT", "15")),
)
