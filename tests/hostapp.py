"""A small fake host portal: its own user model (string key, odd table name) and its own login."""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from flask import Flask, redirect, render_template_string, request, url_for
from flask_login import LoginManager, UserMixin, login_user, logout_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from forum import Forum


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Member(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """The host's own people; the forum must cope with its string key and table name."""

    __tablename__ = "portal_people"

    key: Mapped[str] = mapped_column(sa.String(36), primary_key=True, default=lambda: str(uuid.uuid4()))
    full_name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    is_staff: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    is_admin: Mapped[bool] = mapped_column(sa.Boolean, default=False)
    #: The language and time zone the person chose in the portal, if any (the forum reads both).
    locale: Mapped[str | None] = mapped_column(sa.String(16), nullable=True)
    timezone: Mapped[str | None] = mapped_column(sa.String(40), nullable=True)

    def get_id(self) -> str:
        return self.key


HOST_LAYOUT = """<!doctype html><html lang="en"><head><title>{% block title %}{% endblock %} | Acme portal</title>
{% block head %}{% endblock %}</head><body><div id="host-banner">Acme self-service portal</div>
{% block content %}{% endblock %}{% block scripts %}{% endblock %}</body></html>"""


def create_app(
    database_url: str,
    *,
    templates: dict[str, str] | None = None,
    csrf_protect: bool = False,
    locale_selector: Any = None,
    **config: Any,
) -> Flask:
    """The host's app factory, as a real portal would have it; ``templates`` are the host's own files.

    ``csrf_protect`` turns on Flask-WTF's ``CSRFProtect`` for the whole portal, as many hosts do;
    ``locale_selector`` sets the host up with its own Flask-Babel and locale selector, as translated portals are.
    """
    app = Flask(__name__)
    app.config.update(
        {
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "FORUM_URL_PREFIX": "/help/community",
            "FORUM_BASE_TEMPLATE": "host_layout.html",
            # Tests read pages as guests right after changing them; the guest cache has tests of its own.
            "FORUM_GUEST_CACHE_SECONDS": 0,
            # Tests post quickly as brand-new people, as many hosts' own tests do; the limits have tests of their own.
            "FORUM_RATE_LIMITS": False,
            **config,
        }
    )
    from jinja2 import ChoiceLoader, DictLoader

    assert app.jinja_loader is not None
    app.jinja_loader = ChoiceLoader(
        [DictLoader({"host_layout.html": HOST_LAYOUT, **(templates or {})}), app.jinja_loader]
    )
    db.init_app(app)
    csrf = None
    if csrf_protect:
        from flask_wtf.csrf import CSRFProtect

        csrf = CSRFProtect(app)
    login = LoginManager(app)
    login.login_view = "login"

    @login.user_loader
    def load(user_id: str) -> Member | None:
        return db.session.get(Member, user_id)

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        if request.method == "POST":
            member = db.session.get(Member, request.form["key"])
            if member is None:
                return "No such person", 400
            login_user(member)
            return redirect(request.args.get("next") or "/")
        return render_template_string("<form method=post><input name=key><button>Log in</button></form>")

    if csrf is not None:
        csrf.exempt(login)  # the tests sign in by key; every forum form still needs its token

    @app.route("/logout")
    def logout() -> Any:
        logout_user()
        return redirect(url_for("login"))

    if locale_selector is not None:
        from flask_babel import Babel

        Babel(app, locale_selector=locale_selector)

        @app.route("/host-language")
        def host_language() -> str:
            from flask_babel import get_locale

            return str(get_locale())

    Forum(app, db=db, user_model=Member)
    return app
