"""A host that switches Flask-Login off in its own tests (``LOGIN_DISABLED``) lets guests reach signed-in forms.

The forum must then ask them to sign in, never pass "nobody" into a service and crash.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from helpers import PREFIX, csrf_token, login, make_thread
from hostapp import create_app, db


@pytest.fixture
def open_app(database_url: str) -> Iterator[Flask]:
    """The host portal with ``LOGIN_DISABLED = True``, as many hosts set it in their test settings."""
    from conftest import _reset

    application = create_app(database_url, LOGIN_DISABLED=True)
    application.config["TESTING"] = True
    _reset(application)
    yield application
    with application.app_context():
        db.engine.dispose()


def _count(app: Flask, table: str) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(db.metadata.tables[table])) or 0)


def test_a_guest_who_reaches_the_ask_form_is_asked_to_sign_in_and_nothing_is_posted(open_app: Flask) -> None:
    client = open_app.test_client()
    token = csrf_token(client, f"{PREFIX}/ask")
    response = client.post(
        f"{PREFIX}/ask",
        data={
            "csrf_token": token,
            "category_id": "1",
            "title": "Printer on floor 3 is offline",
            "body": "It says offline.",
        },
    )
    assert response.status_code == 401
    assert "Please sign in first" in response.text
    assert _count(open_app, "forum_thread") == 0


def test_a_guest_marking_notifications_read_is_asked_to_sign_in(open_app: Flask) -> None:
    client = open_app.test_client()
    token = csrf_token(client, f"{PREFIX}/ask")
    response = client.post(f"{PREFIX}/notifications/read", data={"csrf_token": token})
    assert response.status_code == 401
    assert "Please sign in first" in response.text


def test_a_guest_saving_an_article_or_editing_a_post_never_gets_an_error_page(open_app: Flask, people) -> None:  # type: ignore[no-untyped-def]
    thread_id = make_thread(open_app, people.asker)
    client = open_app.test_client()
    token = csrf_token(client, f"{PREFIX}/ask")
    with open_app.app_context():
        post_id = db.session.scalar(sa.text("SELECT id FROM forum_post WHERE thread_id = :t"), {"t": thread_id})
    saved = client.post(
        f"{PREFIX}/articles/new",
        data={"csrf_token": token, "title": "Reset your password", "body": "Open the portal.", "category_id": "1"},
    )
    edited = client.post(
        f"{PREFIX}/p/{post_id}/edit", data={"csrf_token": token, "title": "Hacked title", "body": "Hacked."}
    )
    assert saved.status_code in (401, 403)
    assert edited.status_code in (401, 403)
    assert _count(open_app, "forum_article") == 0
    with open_app.app_context():
        assert db.session.scalar(sa.text("SELECT title FROM forum_thread")) == "Outlook will not open today"


def test_signed_in_people_still_post_when_login_is_disabled(open_app: Flask, people) -> None:  # type: ignore[no-untyped-def]
    client = open_app.test_client()
    login(client, people.asker)
    token = csrf_token(client, f"{PREFIX}/ask")
    response = client.post(
        f"{PREFIX}/ask",
        data={
            "csrf_token": token,
            "category_id": "1",
            "title": "Printer on floor 3 is offline",
            "body": "It says offline.",
        },
    )
    assert response.status_code == 302
    assert _count(open_app, "forum_thread") == 1
