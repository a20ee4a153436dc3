"""Many workers: deliveries and e-mails per second with 1, 2 and 4 worker processes, and the bell's cost.

Deliveries go to a desk whose API takes 50 ms per ticket (a Flask intake under gunicorn, 8 workers), beside the
bare connector posting the same tickets from one loop in the same run. E-mails go to a real SMTP server on
loopback (aiosmtpd), beside handing the same messages to it from one loop. Each worker is its own process
(``flask forum worker --once``) and claims its own share; every job is checked to be done exactly once.
The bell: requests per second for one signed-in person's unread count, beside hello world, and what 1,000 open
tabs polling every ``FORUM_BELL_SECONDS`` cost.

    .venv/bin/python bench/topology.py [--database postgresql|sqlite] [--tickets 1000] [--mails 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, database, free_port, gunicorn, wrk  # noqa: E402
from bench.desk import bare_connector_rate, delivered, queue, settings  # noqa: E402

DESK_LATENCY = 0.05
BELL_NOTIFICATIONS = 10_000


def workers(count: int, env: dict[str, str]) -> tuple[float, list[str]]:
    """Run ``count`` worker processes at once until the queue is empty; seconds taken and what each said."""
    started = time.perf_counter()
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "examples.portal.wsgi:app", "forum", "worker", "--once"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(count)
    ]
    outputs = [p.communicate()[0].decode().strip().splitlines()[-1] for p in procs]
    return time.perf_counter() - started, outputs


def mail_queue(app, count: int) -> list[int]:
    """``count`` notices waiting to be e-mailed now."""
    from examples.portal.app import Account, db
    from forum import get_state
    from forum.models import utcnow

    with app.app_context():
        m = get_state(app).models
        person = db.session.scalar(sa.select(Account.account_id))
        now = utcnow()
        rows = [
            {
                "user_id": person,
                "kind": "answer",
                "message": f"Hugo answered your question number {i}.",
                "created_at": now,
                "count": 1,
                "email_state": "pending",
                "email_attempts": 0,
                "email_next_at": now,
            }
            for i in range(count)
        ]
        db.session.execute(sa.insert(m.Notification), rows)
        db.session.commit()
        return [
            r for r in db.session.scalars(sa.select(m.Notification.id).where(m.Notification.email_state == "pending"))
        ]


def bell_cost(app, url: str) -> str:  # type: ignore[no-untyped-def]
    """The bell's requests per second for one person with many notices (a few unread), beside hello world."""
    from examples.portal.app import db
    from forum import get_state
    from forum.models import utcnow

    with app.app_context():
        m = get_state(app).models
        person = db.session.scalar(sa.text("SELECT account_id FROM portal_accounts LIMIT 1"))
        now = utcnow()
        db.session.execute(sa.update(m.Notification).values(read_at=now))
        rows = [
            {"user_id": person, "kind": "like", "message": "Someone liked your answer.", "created_at": now, "count": 1}
            for _ in range(BELL_NOTIFICATIONS)
        ]
        db.session.execute(sa.insert(m.Notification), rows)
        db.session.execute(sa.update(m.Notification).where(m.Notification.id % 200 != 0).values(read_at=now))
        db.session.commit()
        unread = db.session.scalar(sa.text("SELECT count(*) FROM forum_notification WHERE read_at IS NULL"))
        value = app.session_interface.get_signing_serializer(app).dumps({"_user_id": str(person), "_fresh": True})
        cookie = f"{app.config['SESSION_COOKIE_NAME']}={value}"
        seconds = float(app.config["FORUM_BELL_SECONDS"])
    with gunicorn("bench.hello:app") as base:
        hello = wrk(base + "/")
    with gunicorn("examples.portal.wsgi:app", env={"PORTAL_DATABASE_URL": url}) as base:
        bell = wrk(base + "/community/notifications/bell", cookie=cookie)
    per_second = 1000 / seconds
    share = per_second / bell.rps
    return (
        f"bell: {bell.rps:.0f} req/s (p50 {bell.p50_ms:.2f} ms, p99 {bell.p99_ms:.2f} ms), "
        f"{bell.rps / hello.rps:.3f}x "
        f"hello world ({hello.rps:.0f} req/s), for a person with {unread} unread of {BELL_NOTIFICATIONS:,}+ notices; "
        f"1,000 open tabs polling every {seconds:.0f} s make {per_second:.0f} req/s, {share:.1%} of what the two "
        "gunicorn workers serve"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--tickets", type=int, default=1000)
    parser.add_argument("--mails", type=int, default=2000)
    args = parser.parse_args()
    from aiosmtpd.controller import Controller

    from examples.portal.app import create_app, db
    from forum import get_state
    from forum.notifications.mail import server

    class Inbox:
        def __init__(self) -> None:
            self.ids: list[str] = []

        async def handle_DATA(self, srv, session, envelope):  # type: ignore[no-untyped-def]
            for line in envelope.content.decode(errors="replace").splitlines():
                if line.lower().startswith("message-id:"):
                    self.ids.append(line.split(":", 1)[1].strip())
            return "250 OK"

    inbox, smtp_port = Inbox(), free_port()
    smtp = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
    smtp.start()
    rows = []
    intake_env = {"BENCH_INTAKE_DELAY": str(DESK_LATENCY)}
    try:
        with gunicorn("bench.intake:app", workers=8, env=intake_env) as intake, database(args.database) as url:
            mail = {"FORUM_MAIL_SERVER": "127.0.0.1", "FORUM_MAIL_PORT": smtp_port}
            app = create_app(url, **settings(intake), **mail)
            env = {
                **os.environ,
                "PORTAL_DATABASE_URL": url,
                **{f"PORTAL_{k}": json.dumps(v) for k, v in {**settings(intake), **mail}.items()},
            }
            bare = bare_connector_rate(intake, min(args.tickets, 100))
            rows.append(("deliveries", "bare connector loop (baseline)", bare, 1.0, ""))
            offset = 0
            one = None
            for count in (1, 2, 4):
                queue(app, args.tickets, offset)
                offset += args.tickets
                seconds, said = workers(count, env)
                assert delivered(app) == offset, said
                rate = args.tickets / seconds
                one = one or rate
                rows.append(
                    (
                        "deliveries",
                        f"outbox, {count} worker process(es)",
                        rate,
                        rate / bare,
                        f"{rate / one:.2f}x one worker",
                    )
                )

            with app.app_context():
                state = get_state(app)
                from forum.notifications.mail import _message

                person = state.users.get(db.session.scalar(sa.text("SELECT account_id FROM portal_accounts LIMIT 1")))
                messages = [_message(state, person, f"Bare {i}", ["x"]) for i in range(min(args.mails, 500))]
                started = time.perf_counter()
                for start in range(0, len(messages), 50):
                    server(state).send(messages[start : start + 50])
                bare_mail = len(messages) / (time.perf_counter() - started)
            rows.append(("e-mails", "SMTP send loop, 50 a connection (baseline)", bare_mail, 1.0, ""))
            one = None
            for count in (1, 2, 4):
                inbox.ids.clear()
                ids = mail_queue(app, args.mails)
                seconds, said = workers(count, env)
                rate = len(ids) / seconds
                one = one or rate
                assert len(inbox.ids) == len(set(inbox.ids)) == len(ids), (len(inbox.ids), said)
                rows.append(
                    (
                        "e-mails",
                        f"notice e-mail, {count} worker process(es)",
                        rate,
                        rate / bare_mail,
                        f"{rate / one:.2f}x one worker",
                    )
                )
            bell = bell_cost(app, url)
    finally:
        smtp.stop()

    latency = f"{DESK_LATENCY * 1000:.0f} ms"
    print(f"database: {args.database}; desk API latency {latency}; {args.tickets} tickets, {args.mails} e-mails a run")
    print(f"{'what':10} {'how':44} {'per s':>8} {'x baseline':>11}  note")
    for what, how, rate, ratio, note in rows:
        print(f"{what:10} {how:44} {rate:8.1f} {ratio:11.2f}  {note}")
    print("every ticket delivered once and every e-mail sent once (checked): yes")
    print(bell)


if __name__ == "__main__":
    main()
