"""The per-app state the forum keeps in ``app.extensions["forum"]``, and how code finds it.

Services import this module, never the extension: the extension (the composition root) imports them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, cast

from flask import Flask, current_app

from plugin_api.desk import Connector, ConnectorNotFound, load

from .i18n import lazy_gettext as _l
from .page_cache import CachedPage, ChangeCounter, RedisChangeCounter, TimedCache
from .search.meaning import Model, VectorIndex, load_model

if TYPE_CHECKING:
    from collections.abc import Callable

    import pluggy
    from flask_sqlalchemy import SQLAlchemy
    from limits.strategies import MovingWindowRateLimiter

    from .extension import Forum
    from .models import Models
    from .users import UserAdapter


log = logging.getLogger("forum.desk")


#: Thread lists' rows kept for every thread page's parts kept (a list page shows 25 threads; rows are small).
ROWS_PER_PAGE = 25


@dataclass(frozen=True)
class DeskStatus:
    """The connector to use, or why there is none."""

    connector: Connector | None
    problem: str = ""

    @property
    def enabled(self) -> bool:
        """True when questions can be passed to the IT team."""
        return self.connector is not None


def load_desk(config: Mapping[str, Any]) -> DeskStatus:
    """Build the connector from ``FORUM_DESK_*``; log and report a broken one instead of failing the portal."""
    spec = config.get("FORUM_DESK_CONNECTOR")
    if spec is None:
        return DeskStatus(None, _l("No service desk is set up (FORUM_DESK_CONNECTOR is empty)."))
    if isinstance(spec, Connector):
        return DeskStatus(spec)
    try:
        connector_class = load(spec)
        return DeskStatus(
            connector_class(config.get("FORUM_DESK_SETTINGS") or {}, timeout=config["FORUM_DESK_TIMEOUT"])
        )
    except (ConnectorNotFound, ValueError) as error:
        problem = str(error)
    except Exception as error:  # a connector's own bug must not take the portal down
        problem = f"The desk connector {spec!r} could not start: {type(error).__name__}: {error}"  # not translated
    log.error("Passing questions to the IT team is off: %s", problem)
    return DeskStatus(None, problem)


@dataclass
class ForumState:
    """Everything the forum needs for one app, reached through :func:`get_state`."""

    forum: Forum
    db: SQLAlchemy
    models: Models
    users: UserAdapter
    config: dict[str, Any]
    plugins: pluggy.PluginManager
    _pool: ThreadPoolExecutor | None = None
    _desk: DeskStatus | None = None
    _pages: TimedCache[CachedPage] | None = None
    #: The kept renderings and people, by name (see :meth:`_kept`).
    _kept_caches: dict[str, TimedCache[Any]] = field(default_factory=dict)
    #: Values read from the database and kept a few seconds (see :meth:`fresh`): until when, the change number.
    _fresh: dict[Any, tuple[float, int, Any]] = field(default_factory=dict)
    _changes: ChangeCounter | None = None
    _meaning: Model | None = None
    _vectors: VectorIndex | None = None
    #: The moving-window strategy over the limits' storage: the forum's rate limits count through it (see
    #: forum.moderation.limits).
    limiter: MovingWindowRateLimiter | None = None
    #: Values worked out once per app: statements run on every page, fixed addresses (see :meth:`once`).
    _once: dict[Any, Any] = field(default_factory=dict)

    def rate_limiter(self) -> MovingWindowRateLimiter:
        """The rate limits' strategy and storage (made by ``init_app``)."""
        if self.limiter is None:
            raise RuntimeError("The forum's rate limiter is made by Forum.init_app(app).")
        return self.limiter

    def pool(self) -> ThreadPoolExecutor:
        """A few threads for calls that must not hold a page up (knowledge-base plugins)."""
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="forum")
        return self._pool

    def desk(self) -> DeskStatus:
        """The service-desk connector, loaded once; a connector that fails to load is reported, not raised."""
        if self._desk is None:
            self._desk = load_desk(self.config)
        return self._desk

    def meaning(self) -> Model:
        """The model behind suggestions by meaning, loaded once; one that fails to load is reported, not raised."""
        if self._meaning is None:
            self._meaning = load_model(self.config)
        return self._meaning

    def vectors(self) -> VectorIndex:
        """This process's copy of the stored vectors, brought up to date first."""
        if self._vectors is None:
            self._vectors = VectorIndex()
        self._vectors.refresh(self)
        return self._vectors

    def replica(self) -> dict[str, Any]:
        """``bind_arguments`` that send a read to the read replica named by ``FORUM_READ_BIND`` (else the primary).

        Search, lists and feeds read there; writes, thread pages and anything of the reader's own stay on the primary.
        """
        key = self.config.get("FORUM_READ_BIND")
        return {"bind": self.db.engines[key]} if key else {}

    def guest_pages(self) -> TimedCache[CachedPage]:
        """The guest page cache of this process."""
        if self._pages is None:
            self._pages = TimedCache(float(self.config["FORUM_GUEST_CACHE_SECONDS"]))
        return self._pages

    def changes(self) -> ChangeCounter:
        """Counts changes guests see: this process's own, or every process's through ``FORUM_REDIS_URL``."""
        if self._changes is None:
            url = self.config.get("FORUM_REDIS_URL")
            prefix = self.config.get("FORUM_REDIS_PREFIX", "forum:")
            self._changes = RedisChangeCounter(url, f"{prefix}changes") if url else ChangeCounter()
        return self._changes

    def thread_parts(self) -> TimedCache[Any] | None:
        """Rendered parts of thread pages kept by this process, or ``None`` when switched off."""
        return self._kept("thread_parts", 1)

    def thread_rows(self) -> TimedCache[Any] | None:
        """Rendered rows of thread lists (the same for every reader) kept by this process, or ``None``."""
        return self._kept("thread_rows", ROWS_PER_PAGE)

    def list_parts(self) -> TimedCache[Any] | None:
        """Rendered middles of list pages (alike for every reader of a language) kept by this process, or ``None``."""
        return self._kept("list_parts", 1)

    def bars(self) -> TimedCache[Any] | None:
        """Rendered menu bars (one per signed-in person and language, as they last saw it), or ``None``."""
        return self._kept("bars", ROWS_PER_PAGE)

    def people(self) -> TimedCache[Any] | None:
        """People as like buttons name them (name, picture, level), kept by this process like the thread parts."""
        return self._kept("people", ROWS_PER_PAGE)

    def _kept(self, name: str, scale: int) -> TimedCache[Any] | None:
        """A cache as ``FORUM_THREAD_CACHE_SECONDS`` and ``_SIZE`` say now (tests change them on a running app)."""
        seconds = float(self.config["FORUM_THREAD_CACHE_SECONDS"])
        if not seconds:
            return None
        cache = self._kept_caches.get(name)
        if cache is None or cache.seconds != seconds:
            cache = self._kept_caches[name] = TimedCache(
                seconds, size=int(self.config["FORUM_THREAD_CACHE_SIZE"]) * scale
            )
        return cache

    def once(self, key: Any, build: Callable[[], Any]) -> Any:
        """A value that never changes while the app runs, built the first time it is needed.

        For statements run on every page (building one costs more than running a small one, so they are
        built once and run with parameters) and for fixed addresses (``url_for`` costs tens of microseconds).
        """
        found = self._once.get(key)
        if found is None:
            found = self._once[key] = build()
        return found

    def fresh(self, key: Any, build: Callable[[], Any], seconds: float) -> Any:
        """A small read that every page makes (the categories, the week's top helpers, the banners), kept by this
        process until a change commits (here; or anywhere, with ``FORUM_REDIS_URL``) or ``seconds`` pass.

        What it holds must be plain values, never ORM rows, since it outlives the request.
        """
        changes = self.changes().current()
        kept = self._fresh.get(key)
        if kept is not None and changes is not None and kept[1] == changes and kept[0] > time.monotonic():
            return kept[2]
        value = build()
        if changes is not None and seconds > 0:
            self._fresh[key] = (time.monotonic() + seconds, changes, value)
        return value

    def forget(self, key: Any) -> None:
        """Read a :meth:`fresh` value again next time."""
        self._fresh.pop(key, None)

    def public_url(self, path: str) -> str:
        """A full address for ``path`` under the forum, for messages read outside the portal (tickets, e-mail, chat)."""
        site = str(self.config.get("FORUM_SITE_URL") or "").rstrip("/")
        return f"{site}{self.config['FORUM_URL_PREFIX']}{path}"

    def setting(self, key: str) -> Any:
        """One ``FORUM_`` setting, read live so tests and hosts may change it after ``init_app``."""
        return self.config[key]


def get_state(app: Flask | None = None) -> ForumState:
    """The forum's state for ``app`` (default: the current app)."""
    target = app if app is not None else cast(Any, current_app)._get_current_object()  # one trip through the proxy
    try:
        return target.extensions["forum"]  # type: ignore[no-any-return]
    except KeyError:
        raise RuntimeError(
            "The forum is not set up on this app. Call forum.init_app(app) in your app factory."
        ) from None
