"""The ``Forum`` extension object: the composition root that wires the forum's parts into a host app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter

from plugin_api import make_manager

from .config import DEFAULTS
from .models import Models, build_models
from .state import ForumState, get_state
from .users import UserAdapter

if TYPE_CHECKING:
    from flask import Flask
    from flask_sqlalchemy import SQLAlchemy

__all__ = ["Forum", "ForumState", "get_state"]


def _set_up_on(app: Flask, db: SQLAlchemy) -> bool:
    """Whether ``db`` is the Flask-SQLAlchemy instance this app was set up with."""
    return app.extensions.get("sqlalchemy") is db


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
        db, user_model = self.db, self.user_model
        if db is None or user_model is None:
            raise TypeError("The forum needs your SQLAlchemy instance and user model: Forum(db=db, user_model=User).")
        if not _set_up_on(app, db):
            raise RuntimeError(
                "Set up Flask-SQLAlchemy on this app first: call db.init_app(app) before forum.init_app(app)."
            )
        for key, value in DEFAULTS.items():
            app.config.setdefault(key, value)

        models = build_models(db, user_model)
        self.user_adapter.bind(db, user_model)
        app.extensions["forum"] = ForumState(
            forum=self,
            db=db,
            models=models,
            users=self.user_adapter,
            config=app.config,
            plugins=make_manager(app.config["FORUM_PLUGINS"]),
        )

        from . import events, i18n
        from .api import auth, community, document, problems, threads  # noqa: F401  (importing registers them)
        from .api.operations import api
        from .cli import forum_cli
        from .desk import escalation
        from .gamification import connect
        from .models import transactions
        from .notifications import rules as notice_rules
        from .threads import cache as thread_cache
        from .views import blueprint, guest_cache
        from .views.common import csp_nonce

        connect(app)
        i18n.install(app, self.user_adapter)
        app.extensions["forum"].limiter = _rate_limiter(app)
        thread_cache.watch()
        guest_cache.watch(app)
        transactions.watch()
        escalation.connect(app)
        events.connect(app)
        notice_rules.connect(app)

        if not any(child is api for child, _ in blueprint._blueprints):  # nested once, before the first app
            blueprint.register_blueprint(api)
        app.register_blueprint(blueprint, url_prefix=app.config["FORUM_URL_PREFIX"])
        # For the host layout's inline scripts; a host with its own (Flask-Talisman's) keeps it.
        app.jinja_env.globals.setdefault("csp_nonce", csp_nonce)
        csrf = app.extensions.get("csrf")
        if csrf is not None:
            csrf.exempt("forum.views.desk.desk_webhook")  # signed by the desk instead
            csrf.exempt("forum.views.announcements.announcement_dismiss")  # checks signed-in people itself
            csrf.exempt(api)  # tokens need no CSRF token; cookie calls are checked by the API itself
        app.cli.add_command(forum_cli)

    @property
    def models(self) -> Models:
        """The model classes, for hosts that want to query the forum's tables."""
        if self.db is None or self.user_model is None:
            raise RuntimeError("The forum has no database yet: pass db= and user_model= to Forum().")
        return build_models(self.db, self.user_model)


def _rate_limiter(app: Flask) -> MovingWindowRateLimiter:
    """The forum's rate limits, counted in memory per process, or in Redis (``FORUM_REDIS_URL``) so every process and
    host shares the counts. The ``limits`` library alone: nothing is added to the host's requests."""
    url = app.config.get("FORUM_REDIS_URL")
    return MovingWindowRateLimiter(storage_from_string(url or "memory://"))
