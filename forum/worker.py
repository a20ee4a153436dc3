"""The desk worker: escalate what is due, deliver the outbox, read ticket news. ``flask forum desk run``."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
import time
from typing import TYPE_CHECKING, Any

from .desk.escalation import auto_escalate
from .desk.outbox import deliver_due
from .desk.updates import forget_old_receipts, poll
from .notifications.mail import send_digests, send_pending

if TYPE_CHECKING:
    from .state import ForumState

log = logging.getLogger("forum.desk")


def worker_name() -> str:
    """Who holds a job, for the admin page: host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def run_once(
    state: ForumState, worker: str | None = None, *, parts: tuple[str, ...] = ("desk", "mail")
) -> dict[str, Any]:
    """One pass over the desk and the mail; what it did, counted. Safe to run in several processes at once."""
    result: dict[str, Any] = {}
    desk = state.desk()
    if "desk" in parts and desk.connector is not None:
        worker = worker or worker_name()
        result["escalated"] = auto_escalate(state)
        result.update(deliver_due(state, desk.connector, worker))
        result["news"] = poll(state, desk.connector)
        forget_old_receipts(state)
    elif "desk" in parts:
        result["problem"] = desk.problem
    if "mail" in parts:
        mailed = send_pending(state)
        result["mail_sent"], result["mail_waiting"] = mailed["sent"], mailed["waiting"]
        result["digests"] = send_digests(state)
    return result


def run_forever(
    state: ForumState,
    *,
    interval: float = 5.0,
    stop: threading.Event | None = None,
    parts: tuple[str, ...] = ("desk", "mail"),
) -> None:
    """Run passes until SIGTERM/SIGINT (or ``stop``); a failing pass is logged and the next one comes."""
    stop = stop or threading.Event()
    if threading.current_thread() is threading.main_thread():
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, lambda *_: stop.set())
    while not stop.is_set():
        started = time.monotonic()
        try:
            result = run_once(state, parts=parts)
            if any(result.get(k) for k in ("escalated", "done", "waiting", "failed", "news", "mail_sent", "digests")):
                log.info("desk pass: %s", result)
        except Exception:
            log.exception("A desk pass failed; trying again in %s s", interval)
            state.db.session.rollback()
        finally:
            state.db.session.remove()
        stop.wait(max(0.0, interval - (time.monotonic() - started)))
