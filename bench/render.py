"""Rendering cost of posts: worst-case Markdown beside an ordinary post of the same length.

.venv/bin/python bench/render.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from forum.markup import render_markdown

LENGTH = 32_000
ORDINARY = (
    "Open **Settings**, then *Accounts*. Remove the account and add it again. See https://example.com/help.\n\n" * 400
)[:LENGTH]
WORST = {
    "32,000 [": "[" * LENGTH,
    "16,000 ![": "![" * (LENGTH // 2),
    "16,000 *a": "*a" * (LENGTH // 2),
    "16,000 _*": "_*" * (LENGTH // 2),
    "32,000 <": "<" * LENGTH,
    "10,666 [](": "[](" * (LENGTH // 3),
    "16,000 > ": "> " * (LENGTH // 2),
    "16,000 `a": "`a" * (LENGTH // 2),
    "2,461 http://a.b ": "http://a.b " * (LENGTH // 13),
}


def timed(source: str, runs: int = 3) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        render_markdown(source)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    base = timed(ORDINARY)
    print(f"{'input (32,000 characters)':24} {'seconds':>8} {'x ordinary':>10}")
    print(f"{'ordinary prose':24} {base:8.3f} {1.0:10.1f}")
    for name, source in WORST.items():
        took = timed(source)
        print(f"{name:24} {took:8.3f} {took / base:10.1f}")


if __name__ == "__main__":
    main()
