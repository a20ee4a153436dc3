"""The desk worker: escalate what is due, deliver the outbox, read ticket news. ``flask forum desk run``."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from typing import Any

from .escalation import auto_escalate
from .extension import ForumState
from .outbox import deliver_due
from .ticket_updates import forget_old_receipts, poll

log = logging.getLogger("forum.desk")


def worker_name() -> str:
    """Who holds a job, for the admin page: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_once(state: ForumState, worker: str | None = None) -> dict[str, Any]:
    """One pass; what it did, counted. Safe to run in several processes at once."""
    desk = state.desk()
    if desk.connector is None:
        return {"problem": desk.problem}
    worker = worker or worker_name()
    escalated = auto_escalate(state)
    delivered = deliver_due(state, desk.connector, worker)
    news = poll(state, desk.connector)
    forget_old_receipts(state)
    return {"escalated": escalated, **delivered, "news": news}


def run_forever(state: ForumState, *, interval: float = 5.0, stop: threading.Event | None = None) -> None:
    """Run passes until SIGTERM/SIGINT (or ``stop``); a failing pass is logged and the next one comes."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    while not stop.is_set():
        started = time.monotonic()
        try:
            result = run_once(state)
            if any(result.get(k) for k in ("escalated", "done", "waiting", "failed", "news")):
                log.info("desk pass: %s", result)
        except Exception:
            log.exception("A desk pass failed; trying again in %s s", interval)
            state.db.session.rollback()
        finally:
            state.db.session.remove()
        stop.wait(max(0.0, interval - (time.monotonic() - started)))
