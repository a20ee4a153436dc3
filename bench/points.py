"""Points at scale: awarding costs the same at 1,000 and 1,000,000 ledger rows; the boards stay fast.

Prints, for each ledger size, the median time of one award (with its commit) and of the leaderboard
(this week and all time, overall and in one category), beside a baseline measured in the same run:
a one-row primary-key read.

    .venv/bin/python bench/points.py [--database sqlite|postgresql] [--sizes 1000 1000000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import add_accounts, database  # noqa: E402

PEOPLE = 5000
#: The boards people open: this week's and all time, over everything and in one category.
BOARDS = (("week", "week", 0), ("week, category", "week", 3), ("all time", "all", 0), ("all time, category", "all", 3))


def seed(url: str, rows: int) -> None:
    """A ledger of ``rows`` events over the past year, with its per-period totals."""
    from examples.portal.app import Account, create_app, db
    from forum import get_state
    from forum.gamification.rules import buckets_for

    app = create_app(url)
    rng = random.Random(7)
    with app.app_context():
        db.create_all()
        add_accounts(db, Account, PEOPLE)
        m = get_state(app).models
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        buckets: dict[tuple, list] = {}
        batch = []
        for n in range(rows):
            user = rng.randint(1, PEOPLE)
            when = now - dt.timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            amount = rng.choice((10, 10, 5, 15, 2, 1, -10))
            category = rng.randint(1, 8)
            batch.append(
                {
                    "user_id": user,
                    "amount": amount,
                    "reason": "answer_liked",
                    "cause": f"seed:{n}",
                    "actor_id": rng.randint(1, PEOPLE),
                    "category_id": category,
                    "created_at": when,
                }
            )
            for period, starts in buckets_for(when):
                for cat in (0, category):
                    slot = buckets.setdefault((period, starts, cat, user), [0, when])
                    slot[0] += amount
                    slot[1] = max(slot[1], when)
            if len(batch) == 20000:
                db.session.execute(sa.insert(m.PointEvent), batch)
                batch = []
        if batch:
            db.session.execute(sa.insert(m.PointEvent), batch)
        rows_out = [
            {"period": p, "starts": s, "category_id": c, "user_id": u, "points": v[0], "reached_at": v[1]}
            for (p, s, c, u), v in buckets.items()
        ]
        for start in range(0, len(rows_out), 20000):
            db.session.execute(sa.insert(m.PointBucket), rows_out[start : start + 20000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("ANALYZE"))
        else:
            db.session.execute(sa.text("ANALYZE"))
            db.session.commit()


def measure(url: str, runs: int = 200) -> dict[str, float]:
    """Median milliseconds of a baseline read, one award, and the weekly board."""
    from examples.portal.app import Account, create_app, db
    from forum import get_state
    from forum.gamification import leaderboard, ledger

    app = create_app(url)
    rng = random.Random(11)
    with app.app_context():
        state = get_state(app)

        def timed(fn) -> float:
            samples = []
            for _ in range(runs):
                start = time.perf_counter()
                fn()
                samples.append((time.perf_counter() - start) * 1000)
            return statistics.median(samples)

        def baseline() -> None:
            db.session.get(Account, rng.randint(1, PEOPLE))
            db.session.commit()

        def award() -> None:
            user = rng.randint(1, PEOPLE)
            ledger.award(
                state,
                ledger.Award(
                    user_id=user,
                    reason="answer_liked",
                    amount=10,
                    cause=f"bench:{uuid.uuid4().hex}",
                    actor_id=rng.randint(1, PEOPLE),
                    category_id=rng.randint(1, 8),
                ),
            )
            db.session.commit()

        def board(period: str, category_id: int) -> Callable[[], None]:
            def run() -> None:
                leaderboard.top(state, period, category_id=category_id, limit=10)
                db.session.commit()

            return run

        timed(baseline)  # warm the connection and caches
        figures = {"baseline": timed(baseline), "award": timed(award)}
        for name, period, category_id in BOARDS:
            figures[name] = timed(board(period, category_id))
        return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 1_000_000])
    args = parser.parse_args()
    boards = "".join(f" {name + ' ms':>20} {'x read':>7}" for name, _, _ in BOARDS)
    print(f"{'ledger rows':>12} {'read ms':>8} {'award ms':>9} {'x read':>7}{boards}")
    results = {}
    for size in args.sizes:
        with database(args.database) as url:
            seed(url, size)
            figures = measure(url)
        results[size] = figures
        base = figures["baseline"]
        cells = "".join(f" {figures[name]:20.3f} {figures[name] / base:7.1f}" for name, _, _ in BOARDS)
        print(f"{size:>12,} {base:8.3f} {figures['award']:9.3f} {figures['award'] / base:7.1f}{cells}")
    if len(results) >= 2:
        small, large = results[min(results)], results[max(results)]
        ratio = (large["award"] / large["baseline"]) / (small["award"] / small["baseline"])
        sizes = f"{max(results):,} rows vs {min(results):,} rows"
        print(f"award cost at {sizes} (each against its own baseline): {ratio:.2f}x")


if __name__ == "__main__":
    main()
