"""Writes: liking and unliking answers, and saving and unsaving the thread, by one member and by 40 members at
once on one busy thread.

Seeds the pages benchmark's data (10,000 threads, 100,000 answers, 200 people), then measures:

- server time alone: one member likes and unlikes an answer, and saves the thread to their favourites and
  takes it off, again and again, handled in-process (no network), beside a "hello world" handled the same way;
- through gunicorn (4 sync workers): 1 member, then 40 members at once, each liking and unliking an
  answer of the same 50-answer thread (then saving and unsaving that thread) as fast as the answers come back,
  beside "hello world" served and loaded the same way. Prints p50/p95 latency and writes per second.

Afterwards it checks that every answer's like count equals its likes, that nobody has the thread saved twice,
and that the points ledger balances.
Rate limits are off for the run (FORUM_RATE_LIMITS=False): this measures the write, not the limiter.

    .venv/bin/python bench/writes.py [--database postgresql|sqlite] [--seconds 8] [--workers 4]
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import database, gunicorn, signed_in_cookie  # noqa: E402
from bench.pages import BIG_THREAD_ANSWERS, seed  # noqa: E402

SETTINGS = {"WTF_CSRF_ENABLED": False, "FORUM_RATE_LIMITS": False}


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def answers_of_busy_thread(url: str) -> list[int]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        ids = list(
            conn.scalars(sa.text("SELECT id FROM forum_post WHERE thread_id = 1 AND NOT is_question ORDER BY id"))
        )
    engine.dispose()
    return ids


def in_process(url: str, answer: int, count: int) -> dict[str, tuple[float, float]]:
    """Server time alone: one member's like and unlike, save and unsave, and hello world, handled in-process."""
    from bench.hello import app as hello
    from examples.portal.app import create_app, db

    app = create_app(url, **SETTINGS)
    client = app.test_client()
    name, _, value = signed_in_cookie(app, 7).partition("=")
    client.set_cookie(name, value)
    paths = {
        "like": f"/community/p/{answer}/like",
        "unlike": f"/community/p/{answer}/unlike",
        "save to favourites": "/community/t/1/favourite",
        "take off favourites": "/community/t/1/unfavourite",
    }
    times: dict[str, list[float]] = {action: [] for action in paths}
    for round_ in range(count + 10):
        for action, path in paths.items():
            start = time.perf_counter()
            response = client.post(path, headers={"HX-Request": "true"})
            if round_ >= 10:  # the first rounds warm the process up
                times[action].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200, (action, response.status_code, response.text[:300])
    hello_client = hello.test_client()
    for _ in range(50):
        hello_client.get("/")
    base = []
    for _ in range(count):
        start = time.perf_counter()
        hello_client.get("/")
        base.append((time.perf_counter() - start) * 1000)
    with app.app_context():
        db.engine.dispose()
    return {"hello world": percentiles(base), **{k: percentiles(v) for k, v in times.items()}}


def load(base: str, paths_by_member: list[tuple[str, list[tuple[str, str]]]], seconds: float) -> tuple[float, ...]:
    """Each member, on its own connection, sends its requests in turn until time is up; p50, p95, requests/s."""
    parts = urlsplit(base)
    latencies: list[list[float]] = [[] for _ in paths_by_member]
    failures: list[str] = []
    stop = time.monotonic() + seconds

    def member(index: int, cookie: str, requests: list[tuple[str, str]]) -> None:
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        headers = {"Cookie": cookie, "HX-Request": "true"} if cookie else {}
        turn = 0
        while time.monotonic() < stop:
            method, path = requests[turn % len(requests)]
            start = time.perf_counter()
            connection.request(method, path, headers=headers)
            response = connection.getresponse()
            response.read()
            latencies[index].append((time.perf_counter() - start) * 1000)
            if response.status != 200:
                failures.append(f"{method} {path}: {response.status}")
            turn += 1
        connection.close()

    workers = [
        threading.Thread(target=member, args=(i, cookie, requests))
        for i, (cookie, requests) in enumerate(paths_by_member)
    ]
    started = time.monotonic()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.monotonic() - started
    if failures:
        raise RuntimeError(f"{len(failures)} requests failed, for example {failures[0]}")
    every = [ms for each in latencies for ms in each]
    p50, p95 = percentiles(every)
    return p50, p95, len(every) / elapsed


def exact(url: str) -> tuple[bool, bool, bool]:
    """Every like count equals its likes; nobody saved a thread twice; the points ledger balances
    (``flask forum points verify``)."""
    from examples.portal.app import create_app, db

    app = create_app(url)
    with app.app_context():
        wrong = db.session.scalar(
            sa.text(
                "SELECT count(*) FROM forum_post p WHERE p.like_count <> "
                "(SELECT count(*) FROM forum_like l WHERE l.post_id = p.id)"
            )
        )
        twice = db.session.scalar(
            sa.text(
                "SELECT count(*) FROM (SELECT thread_id, user_id FROM forum_favourite "
                "GROUP BY thread_id, user_id HAVING count(*) > 1) AS saved_twice"
            )
        )
        result = app.test_cli_runner().invoke(args=["forum", "points", "verify"])
        db.engine.dispose()
    return wrong == 0, twice == 0, result.exit_code == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="postgresql")
    parser.add_argument("--seconds", type=int, default=8)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--members", type=int, default=40)
    parser.add_argument("--requests", type=int, default=300, help="likes and unlikes timed in-process")
    args = parser.parse_args()
    from examples.portal.app import create_app

    with database(args.database) as url:
        seed(url)
        answers = answers_of_busy_thread(url)
        assert len(answers) == BIG_THREAD_ANSWERS
        alone = in_process(url, answers[0], args.requests)
        app = create_app(url)
        # People 101… wrote none of the busy thread's answers (authors are 1 + (t + a + 1) % 200 for thread 1).
        cookies = [signed_in_cookie(app, 120 + i) for i in range(args.members)]
        members = [
            (cookie, [("POST", f"/community/p/{answers[i % len(answers)]}/{action}") for action in ("like", "unlike")])
            for i, cookie in enumerate(cookies)
        ]
        savers = [
            (cookie, [("POST", f"/community/t/1/{action}") for action in ("favourite", "unfavourite")])
            for cookie in cookies
        ]
        env = {"PORTAL_DATABASE_URL": url, **{f"PORTAL_{k}": str(v).lower() for k, v in SETTINGS.items()}}
        one, many = "1 at a time", f"{args.members} at once"
        served: dict[str, dict[str, tuple[float, ...]]] = {one: {}, many: {}}
        with gunicorn("bench.hello:app", workers=args.workers) as base:
            load(base, [("", [("GET", "/")])] * 4, 2)  # warm up
            served[one]["hello world"] = load(base, [("", [("GET", "/")])], args.seconds)
            served[many]["hello world"] = load(base, [("", [("GET", "/")])] * args.members, args.seconds)
        with gunicorn("examples.portal.wsgi:app", workers=args.workers, env=env) as base:
            load(base, members[:4], 2)  # warm up
            served[one]["like/unlike, 1 member"] = load(base, members[:1], args.seconds)
            served[many][f"like/unlike, {args.members} members on one thread"] = load(base, members, args.seconds)
            served[one]["save/unsave, 1 member"] = load(base, savers[:1], args.seconds)
            served[many][f"save/unsave, {args.members} members, one thread"] = load(base, savers, args.seconds)
        counts_exact, saved_once, ledger_exact = exact(url)

    print(f"\nserver time alone, in-process; database: {args.database}")
    print(f"{'request':28} {'p50 ms':>8} {'p95 ms':>8} {'p50 x hello':>12}")
    for name, (p50, p95) in alone.items():
        print(f"{name:28} {p50:8.2f} {p95:8.2f} {p50 / alone['hello world'][0]:12.1f}")
    print(f"\ngunicorn, {args.workers} sync workers, {args.seconds} s each; database: {args.database}")
    print(f"{'load':44} {'p50 ms':>8} {'p95 ms':>8} {'req/s':>8} {'x hello':>8}")
    for rows in served.values():
        hello_rate = rows["hello world"][2]
        for name, (p50, p95, rate) in rows.items():
            print(f"{name:44} {p50:8.2f} {p95:8.2f} {rate:8.0f} {rate / hello_rate:8.3f}")
    print(f"\nlike counts equal their likes: {'yes' if counts_exact else 'NO'}")
    print(f"nobody has a thread saved twice: {'yes' if saved_once else 'NO'}")
    print(f"points ledger balances (flask forum points verify): {'yes' if ledger_exact else 'NO'}")


if __name__ == "__main__":
    os.chdir(Path(__file__).resolve().parent.parent)
    main()
