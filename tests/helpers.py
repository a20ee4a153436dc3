"""Helpers the tests share: signing in, CSRF tokens, counting queries, and making threads through the services."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hostapp import Member, db

PREFIX = "/help/community"
_TOKEN = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def login(client: FlaskClient, member: Member) -> None:
    """Sign in through the host's own login page."""
    response = client.post("/login", data={"key": member.key})
    assert response.status_code == 302, response.text


def csrf_token(client: FlaskClient, url: str) -> str:
    """The CSRF token from a forum page's form, as a browser would send it back."""
    page = client.get(url)
    found = _TOKEN.search(page.text)
    assert found, f"no form with a CSRF token on {url} (status {page.status_code})"
    return found.group(1)


def forum_user(app: Flask, member: Member) -> Any:
    """The forum's view of a host person, for calling services directly."""
    from forum import get_state

    with app.app_context():
        return get_state(app).users.to_forum_user(db.session.get(Member, member.key))


@contextmanager
def count_queries(app: Flask, *, commits: bool = False) -> Iterator[list[str]]:
    """Collect the SQL statements run inside the block (with ``commits``, each commit too, as "COMMIT")."""
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    def committed(conn: Any) -> None:
        statements.append("COMMIT")

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    if commits:
        sa.event.listen(engine, "commit", committed)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
        if commits:
            sa.event.remove(engine, "commit", committed)


def make_thread(
    app: Flask,
    author: Member,
    *,
    title: str = "Outlook will not open today",
    body: str = "It crashes.",
    answers: list[tuple[Member, str]] | None = None,
    tags: str = "",
    category_id: int = 1,
) -> int:
    """Post a question (and answers) through the services, as the pages would; returns the thread id."""
    from forum import get_state
    from forum.threads import posting

    with app.app_context():
        state = get_state(app)
        thread = posting.create_thread(
            state, forum_user(app, author), category_id=category_id, title=title, body=body, tags=tags
        )
        for person, text in answers or []:
            posting.add_answer(state, forum_user(app, person), thread, text)
        thread_id = thread.id
    index_search(app)  # as the worker would in the seconds after
    follow_up(app)  # the badges and levels the question and answers earned, as the worker would
    return thread_id  # type: ignore[no-any-return]


def follow_up(app: Flask) -> int:
    """One worker pass over what changes leave for later (badges, levels, "liked" notices); how many it applied."""
    from forum import get_state
    from forum.gamification.followups import apply_pending

    with app.app_context():
        return apply_pending(get_state(app))


def index_search(app: Flask) -> int:
    """One worker pass over search: what changed becomes searchable (how many changes it applied)."""
    from forum import get_state
    from forum.search.engine import index_pending

    with app.app_context():
        return index_pending(get_state(app))


def suggest(client: FlaskClient, title: str, attempt: str = "attempt1") -> Any:
    """What the ask page's title box asks for while someone types (htmx)."""
    return client.get(
        f"{PREFIX}/suggest", query_string={"title": title, "attempt": attempt}, headers={"HX-Request": "true"}
    )


def post_form(client: FlaskClient, page_url: str, action_url: str, data: dict[str, Any], **kwargs: Any) -> Any:
    """Submit a form the way a browser does: with the CSRF token from the page it is on."""
    return client.post(action_url, data={"csrf_token": csrf_token(client, page_url), **data}, **kwargs)


#: What htmx sends with each request it makes: the forum answers with a partial instead of a page.
HX = {"HX-Request": "true"}

#: What a browser sends when a person opens a page (a click or a typed address), as opposed to an <img>.
PAGE_OPEN = {"Sec-Fetch-Dest": "document", "Sec-Fetch-Mode": "navigate", "Accept": "text/html"}
#: What a browser sends for an <img src> in a post.
IMAGE = {"Sec-Fetch-Dest": "image", "Sec-Fetch-Mode": "no-cors", "Accept": "image/avif,image/webp,*/*"}
