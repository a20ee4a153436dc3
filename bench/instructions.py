"""Instructions per page view: the same figure run after run, however busy the machine is.

Requests per second move by a third between minutes on a shared machine; the instructions a view runs do not.
Each page is viewed 100 times in one process under ``valgrind --tool=callgrind``, with counting switched on only
around those views (Python starting, the app being made and the first views are left out), beside a bare Flask
"hello world" viewed the same way. Viewed through Flask's test client, so it counts what the app does, not the
network or gunicorn; the database's own work happens in its server and is not counted either.

    .venv/bin/python bench/instructions.py [--database sqlite|postgresql] [--views 100]

Needs valgrind (Debian's package) and the demo's seed (bench/pages.py's, 10,000 threads and 100,000 answers).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, database, signed_in_cookie  # noqa: E402
from bench.pages import BIG_THREAD_ANSWERS, SIGNED_IN_ACCOUNT, seed  # noqa: E402

PAGES = {
    "hello world (the baseline)": ("hello", "/"),
    "the portal's own page (no forum)": ("portal", "/"),
    "home page": ("portal", "/community/"),
    f"thread, {BIG_THREAD_ANSWERS} answers": ("portal", "/community/t/1"),
}


def _views(app_name: str, url: str, path: str, signed_in: bool, views: int) -> None:
    """The child: warm up, then count ``views`` views of ``path`` with callgrind's counting switched on around them."""
    if app_name == "hello":
        from bench.hello import app
    else:
        from examples.portal.app import create_app

        app = create_app(
            url, FORUM_POSTS_PER_PAGE=BIG_THREAD_ANSWERS, FORUM_THREAD_CACHE_SECONDS=3600, FORUM_GUEST_CACHE_SECONDS=0
        )
    client = app.test_client()
    if signed_in:
        name, _, value = signed_in_cookie(app, SIGNED_IN_ACCOUNT).partition("=")
        client.set_cookie(name, value)
    where = {"REMOTE_ADDR": "127.0.0.1"}  # as signed_in_cookie marked the session
    for _ in range(30):
        response = client.get(path, environ_base=where)
        assert response.status_code == 200, (path, response.status_code)
    if app_name != "hello":
        assert ("Log out" in response.text) == signed_in, "the session cookie did not sign the person in"
    control = ["callgrind_control", "--instr=on", str(os.getpid())]
    subprocess.run(control, check=True, capture_output=True)
    for _ in range(views):
        client.get(path, environ_base=where)
    subprocess.run([*control[:1], "--instr=off", str(os.getpid())], check=True, capture_output=True)


def count(app_name: str, url: str, path: str, signed_in: bool, views: int, out: Path) -> float:
    """Millions of instructions one view of ``path`` runs."""
    command = [
        "valgrind",
        "--tool=callgrind",
        "--instr-atstart=no",
        f"--callgrind-out-file={out}",
        sys.executable,
        __file__,
        "--child",
        app_name,
        url,
        path,
        "1" if signed_in else "0",
        str(views),
    ]
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    totals = [line for line in out.read_text().splitlines() if line.startswith("totals:")]
    return int(totals[0].split()[1]) / views / 1e6


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        app_name, url, path, signed_in, views = sys.argv[2:7]
        _views(app_name, url, path, signed_in == "1", int(views))
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--views", type=int, default=100)
    args = parser.parse_args()
    if not shutil.which("valgrind") or not shutil.which("callgrind_control"):
        sys.exit("valgrind is not installed: apt-get install valgrind")
    with database(args.database) as url:
        seed(url)
        out = Path(ROOT / ".bench-callgrind.out")
        print(f"{args.views} views each in one process under callgrind; database: {args.database}")
        print(f"{'page':52} {'M instr/view':>13} {'x hello':>8}")
        hello = None
        try:
            for name, (app_name, path) in PAGES.items():
                for signed_in in (False, True) if app_name == "portal" else (False,):
                    figure = count(app_name, url, path, signed_in, args.views, out)
                    hello = hello or figure
                    label = name if app_name == "hello" else f"{name}, {'signed in' if signed_in else 'guest'}"
                    print(f"{label:52} {figure:13.3f} {hello / figure:8.3f}")
        finally:
            out.unlink(missing_ok=True)
        print("x hello: hello world's instructions a view over the page's (a page as cheap as hello world is 1.000)")


if __name__ == "__main__":
    main()
