"""How often suggestions find the solved thread that answers a question asked in other words.

Seeds the solved threads of bench/data/relevance.json through the forum's own services (question, answer,
accepted), lets the worker measure their meaning, then asks each query and prints recall@1, recall@5 and
MRR@5 for: the old word-only suggestions, the hybrid (words and meaning), and a plain BM25 baseline (bm25s)
over the same text, computed in the same run. For queries that no thread answers, it prints how often
something was suggested anyway ("unrelated shown"); the right answer there is nothing.

The similarity threshold is tuned on the queries marked "tune" (the highest recall@5 that shows something
unrelated for at most 10% of their no-match queries) and measured on the others.

    .venv/bin/python bench/relevance.py [--database sqlite|postgresql|both] [--data other.json]
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import add_accounts, database  # noqa: E402

DATA = Path(__file__).resolve().parent / "data" / "relevance.json"
THRESHOLDS = [round(0.20 + 0.02 * i, 2) for i in range(21)]
MOST_UNRELATED = 0.10


@dataclass
class Figures:
    """What one way of suggesting achieved on a set of queries."""

    recall1: float
    recall5: float
    mrr5: float
    unrelated: float
    answerable: int
    unanswerable: int


def measure(results: dict[str, list[str]], queries: list[dict[str, Any]]) -> Figures:
    """Recall and MRR over answerable queries; the share of unanswerable ones shown anything."""
    answerable = [q for q in queries if q["match"]]
    unanswerable = [q for q in queries if not q["match"]]
    r1 = r5 = mrr = 0.0
    for q in answerable:
        found = results[q["text"]][:5]
        if q["match"] in found:
            place = found.index(q["match"]) + 1
            r1 += place == 1
            r5 += 1
            mrr += 1 / place
    shown = sum(1 for q in unanswerable if results[q["text"]])
    return Figures(
        recall1=r1 / len(answerable),
        recall5=r5 / len(answerable),
        mrr5=mrr / len(answerable),
        unrelated=shown / len(unanswerable) if unanswerable else 0.0,
        answerable=len(answerable),
        unanswerable=len(unanswerable),
    )


def seed(app: Any, threads: list[dict[str, str]]) -> dict[int, str]:
    """Post, answer and accept every thread through the services; the worker then measures meaning."""
    from examples.portal.app import Account, db
    from forum import get_state
    from forum.search.meaning import embed_pending
    from forum.threads import posting, solutions

    with app.app_context():
        db.create_all()
        add_accounts(db, Account, 2)
        state = get_state(app)
        db.session.add(state.models.Category(name="Help", slug="help", description="", position=1))
        db.session.commit()
        asker = state.users.to_forum_user(db.session.get(Account, 1))
        helper = state.users.to_forum_user(db.session.get(Account, 2))
        names = {}
        for item in threads:
            thread = posting.create_thread(
                state, asker, category_id=1, title=item["title"], body=item["question"], tags=""
            )
            answer = posting.add_answer(state, helper, thread, item["answer"])
            solutions.accept(state, asker, thread, answer.id)
            names[thread.id] = item["id"]
        embed_pending(state)
        return names


def ask_forum(app: Any, queries: list[dict[str, Any]], names: dict[int, str]) -> dict[str, list[str]]:
    """The forum's suggestions for every query, as thread names."""
    from forum import get_state
    from forum.search import ranking

    with app.app_context():
        state = get_state(app)
        return {q["text"]: [names[h.ref_id] for h in ranking.suggest(state, q["text"])] for q in queries}


def ask_bm25(app: Any, queries: list[dict[str, Any]], names: dict[int, str]) -> dict[str, list[str]]:
    """BM25 (bm25s) over the text the forum indexes for each thread: its title and its posts."""
    import logging

    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)

    from forum import get_state

    with app.app_context():
        doc = get_state(app).models.SearchDoc
        from examples.portal.app import db

        rows = db.session.execute(db.select(doc.ref_id, doc.title, doc.body)).all()
    ids = [names[r[0]] for r in rows]
    retriever = bm25s.BM25()
    retriever.index(
        bm25s.tokenize([f"{r[1]} {r[2]}" for r in rows], stopwords="en", show_progress=False), show_progress=False
    )
    answers = {}
    for q in queries:
        tokens = bm25s.tokenize([q["text"]], stopwords="en", show_progress=False)
        found, scores = retriever.retrieve(tokens, k=5, show_progress=False)
        answers[q["text"]] = [ids[i] for i, s in zip(found[0], scores[0], strict=True) if s > 0]
    return answers


def run(kind: str, data: dict[str, Any]) -> None:
    from examples.portal.app import create_app

    queries = data["queries"]
    tune = [q for q in queries if q["tune"]]
    test = [q for q in queries if not q["tune"]]
    with database(kind) as url:
        hybrid = create_app(url, FORUM_RATE_LIMITS=False, FORUM_DESK_CONNECTOR=None)
        names = seed(hybrid, data["threads"])
        words = create_app(url, FORUM_RATE_LIMITS=False, FORUM_DESK_CONNECTOR=None, FORUM_SEMANTIC=False)
        by_words = ask_forum(words, queries, names)
        by_bm25 = ask_bm25(hybrid, queries, names)
        default = float(hybrid.config["FORUM_SUGGEST_MIN_SIMILARITY"])  # the shipped setting
        shipped = ask_forum(hybrid, queries, names)
        sweep = []
        for threshold in THRESHOLDS:
            hybrid.config["FORUM_SUGGEST_MIN_SIMILARITY"] = threshold
            sweep.append((threshold, ask_forum(hybrid, queries, names)))
        allowed = [(t, r) for t, r in sweep if measure(r, tune).unrelated <= MOST_UNRELATED] or sweep[-1:]
        best_threshold, best = max(allowed, key=lambda tr: (measure(tr[1], tune).recall5, measure(tr[1], tune).mrr5))
        for app in (hybrid, words):
            with app.app_context():
                from examples.portal.app import db

                db.engine.dispose()
    print(f"\n{kind}: {len(data['threads'])} solved threads, {len(queries)} queries")
    print(f"threshold tuned on the 'tune' queries: {best_threshold:.2f}")
    for label, subset in (("held-out queries", test), ("all queries", queries)):
        print(f"\n  {label}:")
        print(f"  {'suggestions':24} {'recall@1':>9} {'recall@5':>9} {'MRR@5':>7} {'unrelated shown':>16}")
        rows = [
            ("BM25 (bm25s)", by_bm25),
            ("words only (before)", by_words),
            (f"hybrid, tuned {best_threshold:.2f}", best),
            (f"hybrid, default {default:.2f}", shipped),
        ]
        for name, results in rows:
            f = measure(results, subset)
            print(
                f"  {name:24} {f.recall1:9.2f} {f.recall5:9.2f} {f.mrr5:7.2f} "
                f"{f.unrelated:10.0%} of {f.unanswerable:>3}"
            )
    print("\n  threshold sweep (all queries): threshold, recall@5, unrelated shown")
    print(
        "  "
        + "  ".join(f"{t:.2f}:{measure(r, queries).recall5:.2f}/{measure(r, queries).unrelated:.0%}" for t, r in sweep)
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--data", type=Path, default=DATA, help="a labelled set in the format of the default one")
    args = parser.parse_args()
    data = json.loads(args.data.read_text())
    for kind in ("sqlite", "postgresql") if args.database == "both" else (args.database,):
        run(kind, data)


if __name__ == "__main__":
    main()
