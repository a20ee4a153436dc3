"""A small self-service portal, as an IT department might already run, with the forum mounted in it."""

from __future__ import annotations

import os
from typing import Any

import sqlalchemy as sa
from flask import Flask, flash, redirect, render_template, request, session, url_for
from flask_babel import Babel
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from forum import Forum
from forum.views.navigation import safe_next

from .helpdesk import desk_pages
from .helpdesk import metadata as helpdesk_tables


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
login_manager = LoginManager()


class Account(UserMixin, db.Model):  # type: ignore[name-defined,misc]
    """The portal's own people (its table is not called "user", on purpose)."""

    __tablename__ = "portal_accounts"

    account_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(40), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    email: Mapped[str] = mapped_column(sa.String(200))
    role: Mapped[str] = mapped_column(sa.String(20), default="employee")
    job: Mapped[str] = mapped_column(sa.String(100), default="")

    def get_id(self) -> str:
        return str(self.account_id)

    @property
    def is_agent(self) -> bool:
        return self.role == "agent"

    @property
    def is_admin(self) -> bool:
        return self.role == "agent"


forum = Forum(db=db, user_model=Account)
#: The languages the switch offers, each in its own words.
LANGUAGES = {"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español"}


def create_app(database_url: str | None = None, **config: Any) -> Flask:
    """The portal's app factory."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(
        SECRET_KEY=os.environ.get("PORTAL_SECRET_KEY", "demo-only-secret-change-me"),
        SQLALCHEMY_DATABASE_URI=database_url
        or os.environ.get("PORTAL_DATABASE_URL")
        or f"sqlite:///{os.path.join(app.instance_path, 'demo.db')}",
        FORUM_URL_PREFIX="/community",
        FORUM_BASE_TEMPLATE="portal_layout.html",
        FORUM_TITLE="Acme IT community",
        # The portal's own small help desk (examples/portal/helpdesk.py); a real one names
        # "request_tracker", "webhook" or "email" here, with FORUM_DESK_SETTINGS.
        FORUM_DESK_CONNECTOR="examples.portal.helpdesk:PortalDesk",
        FORUM_SITE_URL="http://127.0.0.1:5000",
        FORUM_BAR_LOGIN_LINK=False,  # the portal's own header has "Log in"
        FORUM_DESK_POLL_SECONDS=5,  # the desk is in the same database, so reading it often costs little
    )
    app.config.from_prefixed_env("PORTAL")  # e.g. PORTAL_FORUM_POSTS_PER_PAGE=50
    app.config.update(config)
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        with app.app_context():
            sa.event.listen(db.engine, "connect", _sqlite_pragmas)
    csrf.init_app(app)
    # The portal's language switch (top right): the choice lives in the session, and Flask-Babel's locale selector
    # hands it to the forum; with no choice made, the forum follows the browser's languages.
    Babel(app, locale_selector=lambda: session.get("language"))
    login_manager.init_app(app)
    login_manager.login_view = "login"
    login_manager.login_message = "Please log in first. It only takes a moment."
    forum.init_app(app)
    app.register_blueprint(desk_pages)
    with app.app_context():
        helpdesk_tables.create_all(db.engine)

    @login_manager.user_loader
    def load_account(account_id: str) -> Account | None:
        return db.session.get(Account, int(account_id)) if account_id.isdigit() else None

    @app.get("/")
    def index() -> Any:
        return render_template("portal_home.html")

    @app.route("/login", methods=["GET", "POST"])
    def login() -> Any:
        if request.method == "POST":
            account = db.session.scalar(sa.select(Account).where(Account.username == request.form.get("username", "")))
            if account is None or request.form.get("password") != "demo":
                flash("That name or password is not right. Every demo account uses the password demo.")
                return render_template("portal_login.html", accounts=_accounts()), 400
            login_user(account)
            return redirect(safe_next(request.args.get("next"), url_for("index")))
        return render_template("portal_login.html", accounts=_accounts())

    @app.get("/language")
    def language() -> Any:
        chosen = request.args.get("language", "")
        if chosen in LANGUAGES:
            session["language"] = chosen
        else:
            session.pop("language", None)
        return redirect(safe_next(request.args.get("next"), url_for("index")))

    @app.post("/logout")
    def logout() -> Any:
        logout_user()
        return redirect(url_for("index"))

    @app.context_processor
    def portal_context() -> dict[str, Any]:
        return {"me": current_user, "languages": LANGUAGES, "language": session.get("language", "")}

    return app


def _sqlite_pragmas(connection: Any, record: Any) -> None:
    """Several workers share the demo's SQLite file: write-ahead logging lets readers and a writer overlap."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def _accounts() -> list[Account]:
    return list(db.session.scalars(sa.select(Account).order_by(Account.account_id)))
