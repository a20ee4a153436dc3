"""The background worker: escalate what is due, deliver the outbox, read ticket news, index search, measure meaning."""

from __future__ import annotations

import datetime as dt
import logging
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .desk.escalation import auto_escalate
from .desk.outbox import deliver_due
from .desk.updates import forget_old_receipts, poll
from .events import deliver_outgoing
from .gamification.followups import apply_pending
from .models import affected, utcnow
from .models.upsert import upsert
from .models.work import worker_name
from .notifications.mail import send_digests, send_pending
from .page_cache import PERSONAL
from .search.engine import index_pending
from .search.meaning import embed_pending

if TYPE_CHECKING:
    from .state import ForumState

log = logging.getLogger("forum.desk")


#: What a pass counts that is worth a line in the log.
BUSY = ("escalated", "done", "waiting", "failed", "news", "mail_sent", "digests", "followups", "indexed", "vectors")
#: How long one worker may hold a once-at-a-time task; it lets go as soon as the task is done.
TASK_LEASE = dt.timedelta(minutes=10)


def hold(state: ForumState, task: str, holder: str, *, now: dt.datetime | None = None) -> bool:
    """Take the lease on ``task`` (or keep it); False while another worker holds it. Any process, any host."""
    now = now or utcnow()
    Lease = state.models.TaskLease
    upsert(state, Lease.__table__, {"name": task, "holder": "", "until": now - dt.timedelta(seconds=1)}, ["name"], {})
    taken = affected(
        state.db.session.execute(
            sa.update(Lease)
            .where(Lease.name == task, sa.or_(Lease.until < now, Lease.holder == holder))
            .values(holder=holder, until=now + TASK_LEASE)
            .execution_options(**{PERSONAL: True})
        )
    )
    state.db.session.commit()
    return bool(taken)


def release(state: ForumState, task: str, holder: str) -> None:
    """Let go of ``task`` so the next pass of any worker may take it at once."""
    Lease = state.models.TaskLease
    state.db.session.execute(
        sa.update(Lease)
        .where(Lease.name == task, Lease.holder == holder)
        .values(until=utcnow() - dt.timedelta(seconds=1))
        .execution_options(**{PERSONAL: True})
    )
    state.db.session.commit()


@contextmanager
def once_at_a_time(state: ForumState, task: str, holder: str) -> Iterator[bool]:
    """``with once_at_a_time(state, "digests", me) as mine:``: ``mine`` is True for one worker at a time."""
    mine = hold(state, task, holder)
    try:
        yield mine
    finally:
        if mine:
            state.db.session.rollback()
            release(state, task, holder)


def run_once(
    state: ForumState,
    worker: str | None = None,
    *,
    parts: tuple[str, ...] = ("desk", "mail", "search", "followups"),
) -> dict[str, Any]:
    """One pass over the desk, the mail, search and what likes left to do; counted. Safe in many processes at once.

    Deliveries and e-mails are claimed one batch at a time, so workers share them out; the tasks that read or
    scan everything (the automatic hand-over, polling the desk, digests) run in one worker at a time.
    """
    result: dict[str, Any] = {}
    worker = worker or worker_name()
    desk = state.desk()
    if "desk" in parts and desk.connector is not None:
        with once_at_a_time(state, "escalate", worker) as mine:
            result["escalated"] = auto_escalate(state) if mine else 0
        result.update(deliver_due(state, desk.connector, worker))
        with once_at_a_time(state, "poll", worker) as mine:
            result["news"] = poll(state, desk.connector) if mine else 0
            if mine:
                forget_old_receipts(state)
    elif "desk" in parts:
        result["problem"] = desk.problem
    if "mail" in parts:
        mailed = send_pending(state, worker=worker)
        result["mail_sent"], result["mail_waiting"] = mailed["sent"], mailed["waiting"]
        with once_at_a_time(state, "digests", worker) as mine:
            result["digests"] = send_digests(state) if mine else 0
    if "mail" in parts or "desk" in parts:
        result["posts"] = deliver_outgoing(state, worker)["sent"]
    if "followups" in parts:
        with once_at_a_time(state, "followups", worker) as mine:  # in order: a like's notice before its unlike's
            result["followups"] = apply_pending(state) if mine else 0
    if "search" in parts:
        with once_at_a_time(state, "search", worker) as mine:  # one writer: the numbering of vectors relies on it
            result["indexed"] = index_pending(state) if mine else 0
            result["vectors"] = embed_pending(state) if mine else 0
    return result


def run_forever(
    state: ForumState,
    *,
    interval: float = 5.0,
    stop: threading.Event | None = None,
    parts: tuple[str, ...] = ("desk", "mail", "search", "followups"),
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
            if any(result.get(k) for k in BUSY):
                log.info("desk pass: %s", result)
        except Exception:
            log.exception("A desk pass failed; trying again in %s s", interval)
            state.db.session.rollback()
        finally:
            state.db.session.remove()
        stop.wait(max(0.0, interval - (time.monotonic() - started)))
