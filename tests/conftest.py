"""Fixtures: a fake host portal on SQLite and on PostgreSQL, a client, people, and helpers."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hostapp import Member, create_app, db

POSTGRES_URL = os.environ.get("FORUM_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
_pg_unavailable: str | None = None


def _admin_engine() -> sa.Engine:
    return sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})


def postgres_reason() -> str | None:
    """Why PostgreSQL tests cannot run here, or ``None`` when a server answers."""
    global _pg_unavailable
    if _pg_unavailable is None:
        try:
            with _admin_engine().connect() as conn:
                conn.execute(sa.text("select 1"))
            _pg_unavailable = ""
        except Exception as error:  # any failure to connect means: skip, and say why
            _pg_unavailable = f"no PostgreSQL server answers at {POSTGRES_URL} ({type(error).__name__}: {error})"
    return _pg_unavailable or None


@contextmanager
def postgres_database() -> Iterator[str]:
    """A new, uniquely named PostgreSQL database, dropped afterwards."""
    reason = postgres_reason()
    if reason:
        pytest.skip(reason)
    name = f"forum_test_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    engine = _admin_engine()
    with engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()


@pytest.fixture(scope="session")
def _postgres_shared() -> Iterator[str]:
    """One PostgreSQL database per test session (per xdist worker), emptied between tests."""
    with postgres_database() as url:
        app = create_app(url)
        with app.app_context():
            db.create_all()
            db.engine.dispose()
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    """Each test runs once on SQLite and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'portal.db'}"
    return request.getfixturevalue("_postgres_shared")  # type: ignore[no-any-return]


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Any) -> Iterator[str]:
    """A database with nothing in it, for migration tests (both kinds, via ``database_kind``)."""
    kind = getattr(request, "param", "sqlite")
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
    else:
        with postgres_database() as url:
            yield url


def _reset(app: Flask) -> None:
    """Empty every table and put back the starting category, the same on both databases."""
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            db.create_all()
            return
        names = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
        with db.engine.begin() as conn:
            conn.execute(sa.text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
            category = db.metadata.tables["forum_category"]
            from forum.models import _insert_default_category

            _insert_default_category(category, conn)


@pytest.fixture
def app(database_url: str) -> Iterator[Flask]:
    """A fresh fake host portal with the forum mounted under /help/community."""
    application = create_app(database_url)
    application.config["TESTING"] = True
    _reset(application)
    yield application
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def ctx(app: Flask) -> Iterator[None]:
    """An app context, for calling services directly, as a worker or a test would."""
    with app.app_context():
        yield


@dataclass
class People:
    """The host's demo people, by role."""

    asker: Member
    helper: Member
    agent: Member
    admin: Member


@pytest.fixture
def people(app: Flask) -> People:
    return _make_people(app)


@pytest.fixture
def people_factory(database_url: str) -> Iterator[Any]:
    """Another fresh host app with extra settings (plugins, say), its client, and its people."""
    made: list[Flask] = []

    def factory(**config: Any) -> tuple[Flask, FlaskClient, People]:
        application = create_app(database_url, **config)
        application.config["TESTING"] = True
        _reset(application)
        made.append(application)
        return application, application.test_client(), _make_people(application)

    yield factory
    for application in made:
        with application.app_context():
            db.session.remove()
            db.engine.dispose()


def _make_people(app: Flask) -> People:
    with app.app_context():
        made = People(
            asker=Member(full_name="Ana Asker", email="ana@example.com"),
            helper=Member(full_name="Hugo Helper", email="hugo@example.com"),
            agent=Member(full_name="Dana Desk", email="dana@example.com", is_staff=True),
            admin=Member(full_name="Ada Admin", email="ada@example.com", is_admin=True),
        )
        db.session.add_all([made.asker, made.helper, made.agent, made.admin])
        db.session.commit()
        for person in (made.asker, made.helper, made.agent, made.admin):
            db.session.refresh(person)
            db.session.expunge(person)
    return made


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, one per test module (the browser tests skip, saying why, where it is missing)."""
    from browser import chromium

    with chromium() as started:
        yield started
