"""Page speed: the demo portal with 10,000 threads and 100,000 answers, under gunicorn and wrk.

Each page is measured for a guest and for a signed-in person, in three set-ups: rendered every time
(FORUM_THREAD_CACHE_SECONDS=0), with the rendered thread parts and list rows kept between requests (the
default), and with the guest page cache on as well (FORUM_GUEST_CACHE_SECONDS, the default 10 s; guests only).

Prints requests/s and p50/p99 latency for the community home page and for a thread page showing
50 answers, each beside a bare Flask "hello world" served the same way in the same run (the ratio is
the figure to watch), plus the SQL queries each page runs and the writes a guest's visit causes.
The same thread read through the JSON API (all 50 answers, for a guest and with a personal access token)
is measured beside the page, in the default set-up, and so is the portal's own front page (its layout, with no
forum part): what the host costs by itself, for a guest and for a signed-in person, for scale.

    .venv/bin/python bench/pages.py [--database sqlite|postgresql] [--seconds 4] [--rounds 3]

Each page is measured in rounds, each right after hello world, and the ratio printed is the median of the rounds'
ratios: this machine's speed drifts by a third between minutes, and pairing cancels most of that out.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import Load, database, gunicorn, paired, signed_in_cookie  # noqa: E402

THREADS = 10_000
ANSWERS = 100_000
BIG_THREAD_ANSWERS = 50


def seed(url: str) -> None:
    """Bulk-load the demo schema with a large, realistic spread of threads and answers."""
    from examples.portal.app import Account, create_app, db
    from forum import get_state
    from forum.markup import render_markdown

    app = create_app(url)
    rng = random.Random(1)
    with app.app_context():
        db.create_all()
        m = get_state(app).models
        db.session.add_all(
            Account(username=f"user{i}", display_name=f"Person {i}", email=f"user{i}@example.com", job="")
            for i in range(200)
        )
        db.session.commit()
        for i in range(8):
            db.session.add(m.Category(name=f"Category {i}", slug=f"category-{i}", position=i + 1))
        db.session.commit()
        tags = [{"name": f"tag{i}"} for i in range(300)]
        db.session.execute(sa.insert(m.Tag), tags)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        body = "I tried **restarting** it, then:\n\n1. signed out\n2. signed in again\n\nStill broken. Any idea?"
        html = render_markdown(body)
        answer_body = "Open **Settings**, choose *Accounts*, then remove and add the account again."
        answer_html = render_markdown(answer_body)
        counts = [BIG_THREAD_ANSWERS] + [0] * (THREADS - 1)
        for _ in range(ANSWERS - BIG_THREAD_ANSWERS):
            counts[rng.randrange(1, THREADS)] += 1
        threads, links, posts = [], [], []
        post_id = 0
        for t in range(1, THREADS + 1):
            asked = now - dt.timedelta(minutes=(THREADS - t) * 7)
            last = asked + dt.timedelta(minutes=counts[t - 1] * 3)
            threads.append(
                {
                    "id": t,
                    "category_id": 2 + t % 8,
                    "author_id": 1 + t % 200,
                    "title": f"Question {t}: Outlook keeps asking for my password",
                    "created_at": asked,
                    "last_activity_at": last,
                    "answer_count": counts[t - 1],
                }
            )
            links.extend({"thread_id": t, "tag_id": tag} for tag in {1 + t % 300, 1 + (t * 7 + 3) % 300})
            post_id += 1
            posts.append(
                {
                    "id": post_id,
                    "thread_id": t,
                    "author_id": 1 + t % 200,
                    "is_question": True,
                    "body_source": body,
                    "body_html": html,
                    "created_at": asked,
                    "revision_count": 1,
                }
            )
            for a in range(counts[t - 1]):
                post_id += 1
                posts.append(
                    {
                        "id": post_id,
                        "thread_id": t,
                        "author_id": 1 + (t + a + 1) % 200,
                        "is_question": False,
                        "body_source": answer_body,
                        "body_html": answer_html,
                        "created_at": asked + dt.timedelta(minutes=a * 3 + 1),
                        "revision_count": 1,
                    }
                )
        for table, rows in ((m.Thread, threads), (m.thread_tag, links), (m.Post, posts)):
            for start in range(0, len(rows), 5000):
                db.session.execute(sa.insert(table), rows[start : start + 5000])
        revisions = [
            {
                "post_id": p["id"],
                "number": 1,
                "body_source": p["body_source"],
                "created_at": p["created_at"],
                "editor_id": p["author_id"],
            }
            for p in posts
        ]
        for start in range(0, len(revisions), 5000):
            db.session.execute(sa.insert(m.PostRevision), revisions[start : start + 5000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for table in ("forum_thread", "forum_post", "forum_post_revision", "forum_thread_tag"):
                db.session.execute(
                    sa.text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
                    if table != "forum_thread_tag"
                    else sa.text("SELECT 1")
                )
            db.session.commit()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))  # as autovacuum would after a bulk load


SIGNED_IN_ACCOUNT = 100  # an ordinary person who wrote none of the big thread's posts


def session_cookie(url: str) -> str:
    """The demo portal's session cookie of a signed-in person, as their browser would send it."""
    from examples.portal.app import create_app

    return signed_in_cookie(create_app(url), SIGNED_IN_ACCOUNT)


#: How the forum is set up for each run: the thread parts kept between requests or not, and the guest cache.
SETUPS = {
    "rendered every time": {"PORTAL_FORUM_THREAD_CACHE_SECONDS": "0", "PORTAL_FORUM_GUEST_CACHE_SECONDS": "0"},
    "kept thread parts": {"PORTAL_FORUM_THREAD_CACHE_SECONDS": "60", "PORTAL_FORUM_GUEST_CACHE_SECONDS": "0"},
    "guest page cache": {"PORTAL_FORUM_THREAD_CACHE_SECONDS": "60", "PORTAL_FORUM_GUEST_CACHE_SECONDS": "10"},
}


def api_token(url: str) -> str:
    """A personal access token of the signed-in person, made as the tokens page makes one."""
    from examples.portal.app import create_app
    from forum import get_state
    from forum.api import tokens

    app = create_app(url)
    with app.app_context():
        state = get_state(app)
        person = state.users.get(SIGNED_IN_ACCOUNT)
        _, secret = tokens.create(state, person, name="Benchmark", scopes=["read"], days=7)
    return secret


def query_counts(url: str, path: str, setup: dict[str, str], cookie: str, header: str = "") -> tuple[int, int]:
    """SQL statements (all, writes) one more view of a page runs once the process is warm."""
    from examples.portal.app import create_app, db

    config = {key.removeprefix("PORTAL_"): int(value) for key, value in setup.items()}
    app = create_app(url, FORUM_POSTS_PER_PAGE=BIG_THREAD_ANSWERS, **config)
    client = app.test_client()
    if cookie:
        name, _, value = cookie.partition("=")
        client.set_cookie(name, value)
    with app.app_context():
        engine = db.engine
    headers = dict([header.split(": ", 1)]) if header else {}
    for _ in range(2):
        client.get(path, headers=headers)
    seen: list[str] = []

    def listener(conn, cursor, statement, *a):  # type: ignore[no-untyped-def]
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", listener)
    response = client.get(path, headers=headers)
    sa.event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 200, (path, response.status_code)
    if response.mimetype == "text/html":
        assert ("Log out" in response.text) == bool(cookie), "the session cookie did not sign the person in"
    elif header:
        assert response.get_json()["favourite"] is not None, "the token did not sign the person in"
    writes = [s for s in seen if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    return len(seen), len(writes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--seconds", type=int, default=4, help="seconds of load per page and per baseline, each round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of baseline-then-page for each page")
    parser.add_argument("--setup", action="append", choices=list(SETUPS), help="only this set-up (may repeat)")
    args = parser.parse_args()

    with database(args.database) as url:
        started = dt.datetime.now()
        seed(url)
        print(
            f"seeded {THREADS:,} threads and {ANSWERS:,} answers on {args.database} "
            f"in {(dt.datetime.now() - started).total_seconds():.1f} s"
        )
        paths = {"home page": "/community/", f"thread, {BIG_THREAD_ANSWERS} answers": "/community/t/1"}
        cookie = session_cookie(url)
        token = api_token(url)
        readers = {"guest": "", "signed in": cookie}
        env = {"PORTAL_DATABASE_URL": url, "PORTAL_FORUM_POSTS_PER_PAGE": str(BIG_THREAD_ANSWERS)}
        with gunicorn("bench.hello:app") as hello_base:  # served beside each page, measured in turn with it
            hello = hello_base + "/"
            with gunicorn("bench.fifty_rows:app", env=env) as base:
                fifty = paired(hello, base + "/", rounds=args.rounds, seconds=args.seconds)
            rows = []
            for setup_name, setup in SETUPS.items():
                if args.setup and setup_name not in args.setup:
                    continue
                with gunicorn("examples.portal.wsgi:app", env={**env, **setup}) as base:
                    for page_name, path in paths.items():
                        for reader, reader_cookie in readers.items():
                            if setup_name == "guest page cache" and reader_cookie:
                                continue  # signed-in people never get the guest cache
                            load = paired(
                                hello, base + path, rounds=args.rounds, seconds=args.seconds, cookie=reader_cookie
                            )
                            queries = query_counts(url, path, setup, reader_cookie)
                            rows.append((f"{page_name}, {reader}, {setup_name}", load, queries))
                    if setup_name == "kept thread parts":  # the default set-up: the host's own page, the API
                        for reader, reader_cookie in readers.items():  # what the host alone costs, for scale
                            load = paired(
                                hello, base + "/", rounds=args.rounds, seconds=args.seconds, cookie=reader_cookie
                            )
                            queries = query_counts(url, "/", setup, reader_cookie)
                            rows.append((f"the portal's own page (no forum), {reader}", load, queries))
                        api = f"/community/api/v1/threads/1?limit={BIG_THREAD_ANSWERS}"
                        for reader, header in (("guest", ""), ("token", f"Authorization: Bearer {token}")):
                            load = paired(hello, base + api, rounds=args.rounds, seconds=args.seconds, header=header)
                            queries = query_counts(url, api, setup, "", header)
                            rows.append((f"API thread, {BIG_THREAD_ANSWERS} answers, {reader}", load, queries))
        print(
            f"\ngunicorn, 2 sync workers; wrk -t2 -c4, {args.rounds} rounds of {args.seconds} s, each right after "
            f"{args.seconds} s of hello world; database: {args.database}"
        )
        print(f"{'page':54} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'x hello':>8} {'queries':>8} {'writes':>7}")

        def line(name: str, load: Load, ratio: float, queries: str, writes: str) -> None:
            print(
                f"{name:54} {load.rps:8.0f} {load.p50_ms:8.2f} {load.p99_ms:8.2f} {ratio:8.3f} {queries:>8} {writes:>7}"
            )

        line("hello world (the baseline, beside the 50-row page)", fifty.baseline, 1.0, "-", "-")
        line("bare Flask page listing 50 rows (for scale)", fifty.page, fifty.ratio, "1", "0")
        for name, measured, (queries, writes) in rows:
            line(name, measured.page, measured.ratio, str(queries), str(writes))
        print("x hello: the median, over the rounds, of the page's requests/s over hello world's just before it")


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parent.parent)
    main()
