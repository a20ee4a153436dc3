"""Search and suggestions at scale: 100,000, 1,000,000 and 3,000,000 posts (ten posts a thread).

At each size, prints p50/p95 server time (the request handled in-process by the app, no network) for
the suggestion endpoint (words and meaning: the question is embedded and compared with every solved
thread's vector on each request) and the search page (every answer is a document of its own), beside
a bare Flask "hello world" handled the same way in the same run.

    .venv/bin/python bench/search.py [--database sqlite|postgresql] [--sizes 100000,1000000,3000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
from contextlib import nullcontext
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import add_accounts, database  # noqa: E402

WORDS = (
    "printer vpn outlook password laptop screen monitor teams camera keyboard mouse wifi network drive "
    "excel word licence install update restart crash slow error message login account locked reset phone "
    "email calendar meeting invite shared mailbox folder access scanner toner paper jam battery charger dock "
    "headset bluetooth browser chrome edge certificate expired token authenticator sync onedrive backup"
).split()
FILLER = "it does not work since this morning and I tried turning it off and on again but nothing changed".split()
# A long tail of other words (product names, error codes, places), drawn Zipf-like as in real text,
# so that a word like "printer" appears in a few percent of threads, not in all of them.
TAIL = [
    f"{a}{b}"
    for a in (
        "al",
        "be",
        "co",
        "de",
        "ex",
        "fi",
        "go",
        "hu",
        "in",
        "jo",
        "ka",
        "lo",
        "mi",
        "no",
        "op",
        "pa",
        "qu",
        "ro",
        "si",
        "tu",
    )
    for b in range(1000)
]
TAIL_CUMULATIVE = list(__import__("itertools").accumulate(1 / (rank + 1) for rank in range(len(TAIL))))


def sentence(rng: random.Random, n: int) -> str:
    """Mostly everyday words and the long tail, with a few IT words."""
    words = []
    for _ in range(n):
        roll = rng.random()
        if roll < 0.04:
            words.append(rng.choice(WORDS))
        elif roll < 0.55:
            words.append(rng.choice(FILLER))
        else:
            words.append(rng.choices(TAIL, cum_weights=TAIL_CUMULATIVE)[0])
    return " ".join(words)


def seed(url: str, threads: int, posts: int) -> None:
    from examples.portal.app import Account, create_app, db
    from forum import get_state

    app = create_app(url)
    rng = random.Random(5)
    with app.app_context():
        db.create_all()
        add_accounts(db, Account, 1000)
        m = get_state(app).models
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        per_thread = max(1, posts // threads)
        post_id = 0
        thread_rows, post_rows, doc_rows, accepted = [], [], [], []

        def flush() -> None:
            for table, rows in ((m.Thread, thread_rows), (m.Post, post_rows), (m.SearchDoc, doc_rows)):
                if rows:
                    db.session.execute(sa.insert(table), rows)
                    rows.clear()

        for t in range(1, threads + 1):
            when = now - dt.timedelta(minutes=t)
            title = (" ".join(rng.sample(WORDS, 2)) + " " + sentence(rng, 5)).capitalize()
            texts = [sentence(rng, 30) for _ in range(per_thread)]
            solved = rng.random() < 0.4
            first_answer = post_id + 2
            thread_rows.append(
                {
                    "id": t,
                    "category_id": 1,
                    "author_id": 1 + t % 1000,
                    "title": title[:200],
                    "created_at": when,
                    "last_activity_at": when,
                    "answer_count": per_thread - 1,
                    "accepted_post_id": None,
                }
            )
            for i, text in enumerate(texts):
                post_id += 1
                post_rows.append(
                    {
                        "id": post_id,
                        "thread_id": t,
                        "author_id": 1 + (t + i) % 1000,
                        "is_question": i == 0,
                        "body_source": text,
                        "body_html": f"<p>{text}</p>",
                        "created_at": when,
                        "revision_count": 1,
                        "like_count": 0,
                    }
                )
            # As the worker writes them: the thread (title, question, accepted answer), then each answer.
            doc_rows.append(
                {
                    "kind": "thread",
                    "ref_id": t,
                    "title": title[:200],
                    "body": " ".join(texts[:2] if solved else texts[:1]),
                    "solved": solved,
                    "category_id": 1,
                }
            )
            for i, text in enumerate(texts[1:], start=1):
                doc_rows.append(
                    {
                        "kind": "post",
                        "ref_id": first_answer + i - 1,
                        "thread_id": t,
                        "title": "",
                        "body": text,
                        "solved": solved,
                        "category_id": 1,
                    }
                )
            if solved and per_thread > 1:
                accepted.append({"tid": t, "pid": first_answer})
            if len(post_rows) >= 10000:
                flush()
        flush()
        # Accepted answers are set once the posts exist (PostgreSQL checks the foreign key at once).
        Thread = m.Thread.__table__
        mark = sa.update(Thread).where(Thread.c.id == sa.bindparam("tid")).values(accepted_post_id=sa.bindparam("pid"))
        db.session.connection().execute(mark, accepted)
        db.session.commit()
        measure_meaning(get_state(app), db)
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("VACUUM ANALYZE"))  # as autovacuum would after a bulk load


def measure_meaning(state, db) -> None:
    """What the worker would write for every solved thread: its vector, numbered in order."""
    from forum.search.meaning import MAX_TEXT, encode

    model = state.meaning()
    if not model.ready:
        print(f"meaning is off: {model.problem}")
        return
    doc = state.models.SearchDoc.__table__
    rows = db.session.execute(
        sa.select(doc.c.ref_id, doc.c.title, sa.func.substr(doc.c.body, 1, MAX_TEXT)).where(
            doc.c.solved, doc.c.kind == "thread"
        )
    ).all()
    seq = 0
    for start in range(0, len(rows), 5000):
        chunk = rows[start : start + 5000]
        vectors = model.embed([f"{title}. {body}" for _, title, body in chunk])
        values = []
        for (ref, _, _), vector in zip(chunk, vectors, strict=True):
            seq += 1
            values.append(
                {
                    "kind": "thread",
                    "ref_id": ref,
                    "wanted": 1,
                    "done": 1,
                    "seq": seq,
                    "vector": encode(vector),
                    "model": model.name,
                    "helped": 0,
                    "skipped": 0,
                }
            )
        db.session.execute(sa.insert(state.models.SearchVector), values)
    db.session.commit()
    print(f"measured the meaning of {seq:,} solved threads")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(len(ordered) * 0.95) - 1]


def timed(client, paths: list[str]) -> tuple[float, float]:
    samples = []
    for path in paths:
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    return percentiles(samples)


def measure(args: argparse.Namespace, posts: int) -> dict[str, tuple[float, float]]:
    """Seed one database with ``posts`` posts and time hello world, suggestions and the search page."""
    from bench.hello import app as hello
    from examples.portal.app import create_app

    threads = max(1, posts // 10)
    with nullcontext(args.url) if args.url else database(args.database, sqlite_file=args.sqlite_file) as url:
        started = time.perf_counter()
        if not (args.url or (args.sqlite_file and Path(args.sqlite_file).exists())):
            seed(url, threads, posts)
        print(
            f"seeded {threads:,} threads and {posts:,} posts on {args.database} "
            f"in {time.perf_counter() - started:.0f} s"
        )
        app = create_app(url, WTF_CSRF_ENABLED=False)
        client = app.test_client()
        client.post("/login", data={"username": "u1", "password": "demo"})
        rng = random.Random(9)
        typed = [
            " ".join(rng.sample(WORDS, 2)) + " " + rng.choice(FILLER) + " " + rng.choice(TAIL[:200])
            for _ in range(args.requests)
        ]
        hello_client = hello.test_client()
        timed(hello_client, ["/"] * 50)
        suggest_paths = [f"/community/suggest?title={q.replace(' ', '+')}&attempt=bench" for q in typed]
        search_paths = [f"/community/search?q={q.replace(' ', '+')}" for q in typed]
        timed(client, suggest_paths[:20])
        timed(client, search_paths[:20])
        figures = {
            "hello world (baseline)": timed(hello_client, ["/"] * args.requests),
            "suggestions": timed(client, suggest_paths),
            "search page": timed(client, search_paths),
        }
        words_app = create_app(url, WTF_CSRF_ENABLED=False, FORUM_SEMANTIC=False)
        words_client = words_app.test_client()
        words_client.post("/login", data={"username": "u1", "password": "demo"})
        timed(words_client, suggest_paths[:20])
        figures["suggestions, words only"] = timed(words_client, suggest_paths)
        for each in (app, words_app):
            with each.app_context():
                from examples.portal.app import db

                db.engine.dispose()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sizes", default="100000,1000000,3000000", help="posts in each database, comma-separated")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sqlite-file", help="keep the seeded SQLite database here and reuse it (one size only)")
    parser.add_argument("--url", help="measure this database, seeded earlier by this script at the one size given")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    results = {}
    for size in sizes:
        results[size] = measure(args, size)
        print(
            f"{size:,} posts: " + "; ".join(f"{k} p50 {v[0]:.2f} / p95 {v[1]:.2f} ms" for k, v in results[size].items())
        )
    print(f"\nserver time per request, in-process; database: {args.database}")
    print(f"{'posts':>10} {'endpoint':26} {'p50 ms':>8} {'p95 ms':>8} {'p50 x hello':>12} {'p95 x hello':>12}")
    for size, figures in results.items():
        base = figures["hello world (baseline)"]
        for label, (p50, p95) in figures.items():
            print(f"{size:>10,} {label:26} {p50:8.2f} {p95:8.2f} {p50 / base[0]:12.1f} {p95 / base[1]:12.1f}")
    if len(sizes) > 1:
        first, last = sizes[0], sizes[-1]
        grew = results[last]["search page"][1] / results[first]["search page"][1]
        print(f"\nsearch page p95 grew {grew:.1f}x for {last / first:.0f}x the posts")


if __name__ == "__main__":
    main()
