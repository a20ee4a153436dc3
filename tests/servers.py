"""Real outside servers the tests start themselves on loopback: Request Tracker 5, an SMTP server, a desk."""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx

RT_SERVER = Path("/usr/share/request-tracker5/libexec/rt-server")
RT_DB = Path("/var/lib/dbconfig-common/sqlite3/request-tracker5/rtdb")
RT_PRISTINE = RT_DB.with_name("rtdb.forum-pristine")
RT_PORT = 8080
RT_USER, RT_PASSWORD = "root", "password"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request_tracker_missing() -> str | None:
    """Why RT cannot run here, or None."""
    if not RT_SERVER.exists() or not RT_PRISTINE.exists():
        return "Request Tracker 5 is not installed here (bash .ci/request-tracker installs it, as root)"
    if os.geteuid() != 0:
        return "Request Tracker's test server runs as root, as in CI"
    return None


@contextmanager
def request_tracker(webhook_url: str = "", webhook_secret: str = "", log: Path | None = None) -> Iterator[str]:
    """An empty RT 5 on 127.0.0.1:8080 (ticket ids start at 1); yields its base URL.

    One at a time on this machine (a file lock), so test processes running side by side take turns.
    """
    with open("/tmp/forum-tests-request-tracker.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with _request_tracker(webhook_url, webhook_secret, log) as url:
            yield url


@contextmanager
def _request_tracker(webhook_url: str, webhook_secret: str, log: Path | None) -> Iterator[str]:
    shutil.copy2(RT_PRISTINE, RT_DB)
    env = {**os.environ, "FORUM_RT_WEBHOOK_URL": webhook_url, "FORUM_RT_WEBHOOK_SECRET": webhook_secret}
    out = open(log or os.devnull, "wb")
    process = subprocess.Popen(
        [str(RT_SERVER), "--host", "127.0.0.1", "--port", str(RT_PORT), "--max-workers", "2"],
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=env,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{RT_PORT}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/REST/2.0/rt", auth=(RT_USER, RT_PASSWORD), timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Request Tracker did not start (exit {process.poll()}); see {log}")
            time.sleep(0.2)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)  # never SIGINT as root: RT's handler chowns its folder
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        out.close()


@dataclass
class FakeDeskState:
    """What the loopback desk received, and how it should behave next."""

    tickets: dict[str, dict[str, Any]] = field(default_factory=dict)
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)
    delay: float = 0.0
    fail_status: int = 0
    fail_body: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)


class _DeskHandler(BaseHTTPRequestHandler):
    """A desk's intake over HTTP: POST /tickets makes a ticket; GET /lookup?key= finds one."""

    server: Any

    def log_message(self, *args: Any) -> None:
        pass

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except BrokenPipeError:  # the forum gave up waiting (a timeout test): nothing to tell it
            pass

    def do_GET(self) -> None:
        desk: FakeDeskState = self.server.desk
        if self.path.startswith("/redirect"):
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.end_headers()
            return
        key = httpx.URL(self.path).params.get("key", "")
        with desk.lock:
            found = next((t for t in desk.tickets.values() if t["key"] == key), None)
        if found is None:
            self._send(404, {"error": "no such ticket"})
        else:
            self._send(200, {"ticket_id": found["id"], "url": f"http://desk.test/t/{found['id']}"})

    def do_POST(self) -> None:
        desk: FakeDeskState = self.server.desk
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path.startswith("/redirect"):
            self.send_response(307)
            self.send_header("Location", "http://127.0.0.1:9/elsewhere")
            self.end_headers()
            return
        if desk.fail_status:
            self._send(desk.fail_status, {"message": desk.fail_body})
            return
        payload = json.loads(body)
        with desk.lock:
            desk.requests.append(payload)
            desk.raw.append(body)
            desk.headers.append({k.lower(): v for k, v in self.headers.items()})
            if self.path.startswith("/comments"):
                desk.tickets[payload["ticket_id"]].setdefault("comments", []).append(payload["text"])
                number = payload["ticket_id"]
            else:
                number = str(len(desk.tickets) + 1)
                desk.tickets[number] = {"id": number, "key": payload["key"], "payload": payload}
        if desk.delay:
            time.sleep(desk.delay)  # the ticket exists already: a slow answer, not a lost request
        self._send(201, {"ticket_id": number, "url": f"http://desk.test/t/{number}"})


@contextmanager
def fake_desk(port: int = 0) -> Iterator[tuple[str, FakeDeskState]]:
    """A desk's HTTP intake on loopback; yields its base URL and what it received."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _DeskHandler)
    server.daemon_threads = True
    server.desk = FakeDeskState()  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", server.desk  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def wait_for(check: Callable[[], Any], timeout: float = 10.0, every: float = 0.05) -> Any:
    """Poll ``check`` until it returns something true; fail the test with a clear message otherwise."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting after {timeout} s")
        time.sleep(every)
