"""The ``Forum`` extension object and the per-app state it keeps in ``app.extensions["forum"]``."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import pluggy
from flask import Flask, current_app
from flask_sqlalchemy import SQLAlchemy

from plugin_api import make_manager

from .config import DEFAULTS
from .desk import DeskStatus, load_desk
from .models import Models, build_models
from .page_cache import CachedPage, TimedCache
from .users import UserAdapter


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
    _thread_parts: TimedCache[Any] | None = None
    #: Active announcements for the banner, and when this process must read them again.
    _banners: tuple[float, list[Any]] | None = None
    #: Values worked out once per app: statements run on every page, fixed addresses (see :meth:`once`).
    _once: dict[Any, Any] = field(default_factory=dict)

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

    def guest_pages(self) -> TimedCache[CachedPage]:
        """The guest page cache of this process."""
        if self._pages is None:
            self._pages = TimedCache(float(self.config["FORUM_GUEST_CACHE_SECONDS"]))
        return self._pages

    def thread_parts(self) -> TimedCache[Any] | None:
        """Rendered parts of thread pages kept by this process, or ``None`` when switched off."""
        seconds = float(self.config["FORUM_THREAD_CACHE_SECONDS"])
        if not seconds:
            return None
        if self._thread_parts is None or self._thread_parts.seconds != seconds:
            self._thread_parts = TimedCache(seconds, size=int(self.config["FORUM_THREAD_CACHE_SIZE"]))
        return self._thread_parts

    def once(self, key: Any, build: Callable[[], Any]) -> Any:
        """A value that never changes while the app runs, built the first time it is needed.

        For statements run on every page (building one costs more than running a small one, so they are
        built once and run with parameters) and for fixed addresses (``url_for`` costs tens of microseconds).
        """
        found = self._once.get(key)
        if found is None:
            found = self._once[key] = build()
        return found

    def public_url(self, path: str) -> str:
        """A full address for ``path`` under the forum, for messages read outside the portal (tickets, e-mail, chat)."""
        site = str(self.config.get("FORUM_SITE_URL") or "").rstrip("/")
        return f"{site}{self.config['FORUM_URL_PREFIX']}{path}"

    def setting(self, key: str) -> Any:
        """One ``FORUM_`` setting, read live so tests and hosts may change it after ``init_app``."""
        return self.config[key]


def get_state(app: Flask | None = None) -> ForumState:
    """The forum's state for ``app`` (default: the current app)."""
    target = app if app is not None else current_app
    try:
        return target.extensions["forum"]  # type: ignore[no-any-return]
    except KeyError:
        raise RuntimeError(
            "The forum is not set up on this app. Call forum.init_app(app) in your app factory."
        ) from None


class Forum:
    """A peer-support community mounted into an existing Flask portal.

    ::

        forum = Forum(db=db, user_model=Account)
        forum.init_app(app)

    :param app: the host app; or call :meth:`init_app` later.
    :param db: the host's ``SQLAlchemy`` instance; the forum's tables live on it.
    :param user_model: the host's user model class (Flask-Login ``UserMixin``), with a
        single-column primary key of any type.
    :param user_adapter: how the forum reads names, e-mail, avatars and roles from that
        model; defaults to :class:`forum.users.UserAdapter`.
    """

    def __init__(
        self,
        app: Flask | None = None,
        *,
        db: SQLAlchemy | None = None,
        user_model: type | None = None,
        user_adapter: UserAdapter | None = None,
    ) -> None:
        self.db = db
        self.user_model = user_model
        self.user_adapter = user_adapter if user_adapter is not None else UserAdapter()
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Mount the forum on ``app``.

        Settings, each with a default (see ``forum.config``): ``FORUM_URL_PREFIX``,
        ``FORUM_BASE_TEMPLATE``, ``FORUM_TITLE``, ``FORUM_THREADS_PER_PAGE``,
        ``FORUM_POSTS_PER_PAGE``, ``FORUM_MAX_TITLE_LENGTH``, ``FORUM_MIN_TITLE_LENGTH``,
        ``FORUM_MAX_BODY_LENGTH``, ``FORUM_MAX_TAGS``, ``FORUM_CONTENT_SECURITY_POLICY``, ``FORUM_PLUGINS``,
        ``FORUM_POINTS``, ``FORUM_LEVELS``, ``FORUM_BADGES``.
        """
        if "forum" in app.extensions:
            raise RuntimeError("The forum is already set up on this app. Call forum.init_app(app) only once per app.")
        if self.db is None or self.user_model is None:
            raise TypeError("The forum needs your SQLAlchemy instance and user model: Forum(db=db, user_model=User).")
        if app.extensions.get("sqlalchemy") is not self.db:
            raise RuntimeError(
                "Set up Flask-SQLAlchemy on this app first: call db.init_app(app) before forum.init_app(app)."
            )
        for key, value in DEFAULTS.items():
            app.config.setdefault(key, value)

        models = build_models(self.db, self.user_model)
        self.user_adapter.bind(self.db, self.user_model)
        app.extensions["forum"] = ForumState(
            forum=self,
            db=self.db,
            models=models,
            users=self.user_adapter,
            config=app.config,
            plugins=make_manager(app.config["FORUM_PLUGINS"]),
        )

        from . import escalation, events, notice_rules, thread_cache
        from .cli import forum_cli
        from .gamification import connect
        from .views import blueprint

        connect(app)
        thread_cache.watch()
        escalation.connect(app)
        events.connect(app)
        notice_rules.connect(app)

        app.register_blueprint(blueprint, url_prefix=app.config["FORUM_URL_PREFIX"])
        csrf = app.extensions.get("csrf")
        if csrf is not None:
            csrf.exempt("forum.views.desk.desk_webhook")  # signed by the desk instead
            csrf.exempt("forum.views.announcements.announcement_dismiss")  # checks signed-in people itself
        app.cli.add_command(forum_cli)

    @property
    def models(self) -> Models:
        """The model classes, for hosts that want to query the forum's tables."""
        if self.db is None or self.user_model is None:
            raise RuntimeError("The forum has no database yet: pass db= and user_model= to Forum().")
        return build_models(self.db, self.user_model)
