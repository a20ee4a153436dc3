"""Shared by the benchmarks: start gunicorn on loopback, load it with wrk, read the figures."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def gunicorn(app_spec: str, *, workers: int = 2, env: dict[str, str] | None = None) -> Iterator[str]:
    """Serve ``app_spec`` with gunicorn sync workers on a free loopback port."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "gunicorn",
        "-w",
        str(workers),
        "-b",
        f"127.0.0.1:{port}",
        "--log-level",
        "warning",
        app_spec,
    ]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, **(env or {})})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=2).read()
                break
            except Exception as error:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError(f"gunicorn did not start: {cmd}") from error
                time.sleep(0.2)
        yield base
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)


@dataclass
class Load:
    """What wrk measured."""

    rps: float
    p50_ms: float
    p99_ms: float


def _ms(text: str) -> float:
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()  # type: ignore[union-attr]
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(
    url: str,
    *,
    seconds: int = 8,
    connections: int = 4,
    threads: int = 2,
    cookie: str = "",
    header: str = "",
    warm: bool = True,
) -> Load:
    """Load one URL with wrk (Debian's package) and read requests/s and latency percentiles; ``header`` is one
    more request header, such as ``Authorization: Bearer …``."""
    if shutil.which("wrk") is None:
        sys.exit("wrk is not installed: apt-get install wrk")
    headers = ["-H", f"Cookie: {cookie}"] if cookie else []
    headers += ["-H", header] if header else []
    if warm:
        subprocess.run(["wrk", "-t1", "-c2", "-d2s", *headers, url], check=True, capture_output=True)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", *headers, url],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    if "Non-2xx or 3xx responses" in out:
        raise RuntimeError(f"{url} answered with errors under load:\n{out}")
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)$", out, re.M).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)$", out, re.M).group(1))  # type: ignore[union-attr]
    return Load(rps, p50, p99)


@dataclass
class Paired:
    """A page measured in rounds, each right after the baseline, so that the machine's drift cancels out."""

    page: Load  # the round with the median requests/s
    baseline: Load
    ratio: float  # the median of each round's page / baseline requests/s


def paired(baseline_url: str, url: str, *, rounds: int = 3, seconds: int = 4, **load: str) -> Paired:
    """Alternate wrk on the baseline and on ``url``, ``rounds`` times; ``load`` is wrk's cookie or header."""
    pages, baselines = [], []
    for n in range(rounds):
        baselines.append(wrk(baseline_url, seconds=seconds, warm=False))
        pages.append(wrk(url, seconds=seconds, warm=n == 0, **load))  # type: ignore[arg-type]
    ratios = sorted(page.rps / base.rps for page, base in zip(pages, baselines, strict=True))

    def middle(loads: list[Load]) -> Load:
        return sorted(loads, key=lambda found: found.rps)[len(loads) // 2]

    return Paired(middle(pages), middle(baselines), ratios[len(ratios) // 2])


def signed_in_cookie(app: object, account_id: int) -> str:
    """The demo portal's session cookie of one signed-in person, as their browser holds it after the first page:
    with Flask-Login's mark of the client (loopback, no User-Agent, as wrk and http.client send) and a CSRF token,
    so the session is not rewritten on every response."""
    from flask_login.utils import _create_identifier

    with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}):  # type: ignore[attr-defined]
        mark = _create_identifier()
    session = {"_user_id": str(account_id), "_fresh": True, "_id": mark, "csrf_token": secrets.token_hex(20)}
    value = app.session_interface.get_signing_serializer(app).dumps(session)  # type: ignore[attr-defined]
    return f"{app.config['SESSION_COOKIE_NAME']}={value}"  # type: ignore[attr-defined]


POSTGRES_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


@contextmanager
def database(kind: str, *, sqlite_file: str | None = None) -> Iterator[str]:
    """A fresh database for one benchmark: a temporary SQLite file (or ``sqlite_file``), or a new
    uniquely named PostgreSQL database that is dropped afterwards. Yields its URL."""
    import tempfile
    import uuid

    import sqlalchemy as sa

    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{Path(sqlite_file or Path(tmp) / 'bench.db').resolve()}"
        return
    admin = sa.create_engine(POSTGRES_ADMIN, isolation_level="AUTOCOMMIT")
    name = f"forum_bench_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.make_url(POSTGRES_ADMIN).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def add_accounts(db: object, account_model: type, count: int) -> None:
    """Demo-portal people u1 … uN (password "demo"), in one statement."""
    import sqlalchemy as sa

    rows = [
        {
            "account_id": i,
            "username": f"u{i}",
            "display_name": f"Person {i}",
            "email": f"u{i}@example.com",
            "role": "employee",
            "job": "",
        }
        for i in range(1, count + 1)
    ]
    db.session.execute(sa.insert(account_model), rows)  # type: ignore[attr-defined]
