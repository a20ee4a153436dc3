"""Live updates without a reload: the bell, new answers on the thread being read, new announcement banners.

Each open tab holds one server-sent event stream. The stream sends a snapshot (the person's unread count, the
thread's answer count, the banners shown) when it starts and whenever it changes. It looks again at once when
this process's change counter moves (with ``FORUM_REDIS_URL``, any process's change: one Redis GET per tick),
and every ``FORUM_LIVE_POLL_SECONDS`` in any case, so a change made through another process without Redis
shows within that time. Where streams cannot be held (the cap is reached, a proxy blocks them), pages fall
back to asking for the same snapshot as JSON every ``FORUM_BELL_SECONDS``.
"""

from __future__ import annotations

import json
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .announcements import banners_for
from .delivery import unread

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser

#: How often the watcher looks at the change counter, in seconds.
TICK = 0.25
#: A comment line keeps proxies from closing a quiet stream.
KEEP_ALIVE_SECONDS = 15.0


@dataclass(frozen=True)
class Snapshot:
    """What a page shows that can change while it is open."""

    bell: int | None
    answers: int | None
    banners: str


def snapshot(state: ForumState, person: ForumUser | None, thread_id: int | None, dismissed: str = "") -> Snapshot:
    """The current values, in at most two small queries (the banners are kept per process)."""
    Thread = state.models.Thread
    parts: list[Any] = []
    if person is not None:
        parts.append(unread(state, person.id).scalar_subquery().label("bell"))
    if thread_id is not None:
        answers = sa.select(Thread.answer_count).where(Thread.id == thread_id, Thread.deleted_at.is_(None))
        parts.append(answers.scalar_subquery().label("answers"))
    row = state.db.session.execute(sa.select(*parts)).mappings().one() if parts else {}
    banners = ",".join(str(b.id) for b in banners_for(state, person, dismissed))
    return Snapshot(bell=row.get("bell"), answers=row.get("answers"), banners=banners)


def event(data: Snapshot) -> str:
    """One server-sent event carrying a snapshot."""
    return f"event: snapshot\ndata: {json.dumps(asdict(data))}\n\n"


class Streams:
    """How many streams this process holds, so that a cap keeps threads free for pages."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.open = 0

    def take(self, cap: int) -> bool:
        """One more stream, unless ``cap`` are open."""
        with self._lock:
            if self.open >= cap:
                return False
            self.open += 1
            return True

    def give_back(self) -> None:
        with self._lock:
            self.open -= 1


class Watcher:
    """One thread per process watches a change counter and wakes the streams waiting on it, so that quiet streams
    cost nothing: no stream wakes up unless something changed or its own timeout came."""

    def __init__(self, counter: Any) -> None:
        self._counter = counter
        self._changed = threading.Condition()
        self._generation = 0
        threading.Thread(target=self._watch, name="forum-live-watcher", daemon=True).start()

    def _watch(self) -> None:
        last = self._counter.current()
        while True:
            time.sleep(TICK)
            now = self._counter.current()
            if now != last:
                last = now
                with self._changed:
                    self._generation += 1
                    self._changed.notify_all()

    def wait(self, timeout: float) -> bool:
        """Until the counter moves (True) or ``timeout`` seconds pass (False)."""
        with self._changed:
            seen = self._generation
            return self._changed.wait_for(lambda: self._generation != seen, timeout)


_watchers: weakref.WeakKeyDictionary[Any, Watcher] = weakref.WeakKeyDictionary()
_watchers_lock = threading.Lock()


def watcher(state: ForumState) -> Watcher:
    """The watcher of this app's change counter, started the first time a stream needs it."""
    counter = state.changes()
    with _watchers_lock:
        found = _watchers.get(counter)
        if found is None:
            found = _watchers[counter] = Watcher(counter)
        return found


def stream(
    state: ForumState,
    read: Callable[[], Snapshot],
    *,
    seconds: float,
    poll: float,
    wait: Callable[[float], bool] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> Iterator[str]:
    """Snapshots as server-sent events for ``seconds`` (then the browser reconnects by itself)."""
    wait = wait or watcher(state).wait
    try:
        yield "retry: 3000\n\n"  # the browser's wait before reconnecting
        last = read()
        state.db.session.close()  # no connection held while waiting
        yield event(last)
        started = looked = spoke = clock()
        while clock() - started < seconds:
            changed = wait(min(poll, KEEP_ALIVE_SECONDS))
            now = clock()
            if changed or now - looked >= poll:
                looked = now
                current = read()
                state.db.session.close()
                if current != last:
                    last, spoke = current, now
                    yield event(current)
            if now - spoke >= KEEP_ALIVE_SECONDS:
                spoke = now
                yield ": still here\n\n"
    finally:
        state.db.session.close()
