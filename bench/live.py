"""Live updates: how many open event streams one gunicorn process holds, and what they cost in memory.

Serves the demo portal with one gthread worker, opens N streams on one thread page (each a real socket that
read its first snapshot), and reads the worker's resident memory before and after, beside the same process
answering plain page requests. Prints the extra memory per stream and how many fit in 50 MB.

    .venv/bin/python bench/live.py [--streams 200]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.common import ROOT, add_accounts, database, free_port  # noqa: E402


def rss_mb(pid: int) -> float:
    """Resident memory of one process, from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return int(children[0])


def seed(url: str) -> int:
    from examples.portal.app import Account, create_app, db
    from forum import get_state
    from forum.threads import posting

    app = create_app(url)
    with app.app_context():
        db.create_all()
        add_accounts(db, Account, 1)
        state = get_state(app)
        asker = state.users.to_forum_user(db.session.get(Account, 1))
        thread = posting.create_thread(state, asker, category_id=1, title="Headset crackles in calls", body="Often.")
        return int(thread.id)


def open_stream(port: int, thread_id: int) -> socket.socket:
    """A stream as a browser holds it: the request sent, the headers and the first snapshot read."""
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(
        f"GET /community/live?thread={thread_id} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        "Accept: text/event-stream\r\n\r\n".encode()
    )
    received = b""
    while b"event: snapshot" not in received:
        chunk = sock.recv(4096)
        if not chunk:
            raise RuntimeError(f"the stream closed: {received[:200]!r}")
        received += chunk
    return sock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--streams", type=int, default=200)
    args = parser.parse_args()
    with database("sqlite") as url:
        thread_id = seed(url)
        port = free_port()
        env = {**os.environ, "PORTAL_DATABASE_URL": url, "PORTAL_FORUM_LIVE_STREAMS": str(args.streams + 10)}
        cmd = [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "gthread", "--threads", str(args.streams + 20)]
        cmd += ["-b", f"127.0.0.1:{port}", "--log-level", "warning", "examples.portal.wsgi:app"]
        master = subprocess.Popen(cmd, cwd=ROOT, env=env)
        streams: list[socket.socket] = []
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    urllib.request.urlopen(f"{base}/community/t/{thread_id}", timeout=2).read()
                    break
                except Exception:
                    time.sleep(0.2)
            for _ in range(50):  # warm: templates compiled, pools filled
                urllib.request.urlopen(f"{base}/community/t/{thread_id}", timeout=5).read()
            pid = worker_pid(master.pid)
            page_started = time.perf_counter()
            for _ in range(20):
                urllib.request.urlopen(f"{base}/community/t/{thread_id}", timeout=10).read()
            quiet_ms = (time.perf_counter() - page_started) / 20 * 1000
            before = rss_mb(pid)
            started = time.perf_counter()
            for _ in range(args.streams):
                streams.append(open_stream(port, thread_id))
            opened = time.perf_counter() - started
            time.sleep(6)  # every stream has looked at the database again (FORUM_LIVE_POLL_SECONDS)
            after = rss_mb(pid)
            page_started = time.perf_counter()
            for _ in range(20):
                urllib.request.urlopen(f"{base}/community/t/{thread_id}", timeout=10).read()
            page_ms = (time.perf_counter() - page_started) / 20 * 1000
            extra = after - before
            per_stream = extra / args.streams
            print(f"one gunicorn gthread process, {args.streams} open streams on one thread page (SQLite)")
            print(f"memory before: {before:.1f} MB, with the streams: {after:.1f} MB, extra: {extra:.1f} MB")
            print(
                f"per stream: {per_stream * 1024:.0f} KB; "
                f"streams in 50 MB: {int(50 / per_stream) if per_stream > 0 else 'any'}"
            )
            print(f"opening {args.streams} streams took {opened:.2f} s")
            print(f"a thread page: {quiet_ms:.1f} ms with no stream open, {page_ms:.1f} ms with them all open")
        finally:
            for sock in streams:
                sock.close()
            master.send_signal(signal.SIGTERM)
            master.wait(timeout=30)


if __name__ == "__main__":
    main()
