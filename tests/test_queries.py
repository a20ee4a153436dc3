"""Page cost stays flat as threads grow, and a guest reading writes nothing."""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest
import sqlalchemy as sa
from flask import request
from helpers import HX, PREFIX, count_queries, csrf_token, login, make_thread
from hostapp import Member, create_app, db

from forum import get_state

if TYPE_CHECKING:
    from collections.abc import Iterator

WRITES = ("INSERT", "UPDATE", "DELETE")


def test_a_thread_page_runs_the_same_number_of_queries_for_5_or_50_answers(app, client, people):
    small = make_thread(app, people.asker, tags="vpn, home", answers=[(people.helper, f"a{i}") for i in range(5)])
    big = make_thread(
        app,
        people.asker,
        title="Outlook will not open on the second laptop either",
        tags="vpn, home, wifi",
        answers=[(p, f"b{i}") for i in range(50) for p in ([people.helper, people.agent, people.admin][i % 3],)],
    )
    app.config["FORUM_POSTS_PER_PAGE"] = 50
    app.config["FORUM_THREAD_CACHE_SECONDS"] = 0  # rendering every time; kept parts: test_thread_cache.py
    client.get(f"{PREFIX}/t/{small}")  # warm caches of the first request
    with count_queries(app) as few:
        assert client.get(f"{PREFIX}/t/{small}").status_code == 200
    with count_queries(app) as many:
        page = client.get(f"{PREFIX}/t/{big}")
    assert page.text.count('class="post answer') == 50
    assert len(many) == len(few), many
    assert len(many) <= 10


def test_list_pages_run_a_fixed_number_of_queries(app, client, people):
    for i in range(3):
        make_thread(app, people.asker, title=f"Short list question {i}", tags="mail")
    client.get(f"{PREFIX}/")  # warm the per-process caches (the announcement banner) first
    with count_queries(app) as few:
        client.get(f"{PREFIX}/")
    for i in range(20):
        make_thread(app, [people.helper, people.agent][i % 2], title=f"Long list question {i}", tags=f"t{i}, mail")
    client.get(f"{PREFIX}/")  # the changes retired the kept banner list: read it again first
    with count_queries(app) as many:
        client.get(f"{PREFIX}/")
    assert len(many) == len(few)


def test_a_guest_reading_pages_writes_nothing_and_gets_no_cookie(app, client, people):
    thread_id = make_thread(app, people.asker, tags="vpn", answers=[(people.helper, "Restart")])
    urls = [
        f"{PREFIX}/",
        f"{PREFIX}/?tab=unanswered",
        f"{PREFIX}/c/general",
        f"{PREFIX}/t/{thread_id}",
        f"{PREFIX}/tags/vpn",
        f"{PREFIX}/u/{people.asker.key}",
        f"{PREFIX}/p/2/history",
    ]
    with count_queries(app) as statements:
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "Set-Cookie" not in response.headers, url
    assert not [s for s in statements if s.lstrip().upper().startswith(WRITES)]


def test_a_signed_in_reader_writes_only_once_a_day_to_count_the_visit(app, client, people):
    thread_id = make_thread(app, people.asker)
    login(client, people.helper)
    with count_queries(app) as first:
        client.get(f"{PREFIX}/")
    assert [s for s in first if s.lstrip().upper().startswith(WRITES)]
    with count_queries(app) as statements:
        client.get(f"{PREFIX}/t/{thread_id}")
        client.get(f"{PREFIX}/")
    assert not [s for s in statements if s.lstrip().upper().startswith(WRITES)]
    with app.app_context():
        from hostapp import db

        member = db.session.get(app.extensions["forum"].models.Member, people.helper.key)
        assert member.days_visited == 1


def test_guests_share_a_page_for_a_few_seconds_and_signed_in_people_never_do(people_factory):
    app, client, people = people_factory(FORUM_GUEST_CACHE_SECONDS=60)
    thread_id = make_thread(app, people.asker, title="Cached page question here")
    guest = app.test_client()
    assert "Cached page question here" in guest.get(f"{PREFIX}/").text
    with count_queries(app) as statements:
        again = guest.get(f"{PREFIX}/")
    assert statements == [] and "Cached page question here" in again.text
    assert "Content-Security-Policy" in again.headers and "Set-Cookie" not in again.headers
    other_process = create_app(app.config["SQLALCHEMY_DATABASE_URI"])  # its own state, as another process has
    make_thread(other_process, people.helper, title="Posted by someone in another process")  # this one's cache stays
    assert "Posted by someone in another process" not in guest.get(f"{PREFIX}/").text
    login(client, people.helper)
    assert "Posted by someone in another process" in client.get(f"{PREFIX}/").text  # signed in: always fresh
    from helpers import post_form

    post_form(
        client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/answer", {"body": "A change in this process."}
    )
    assert "Posted by someone in another process" in guest.get(f"{PREFIX}/").text  # a change here clears it


@contextmanager
def transaction_endings(app: Any) -> Iterator[list[str]]:
    """How each transaction on the app's engine ends, "COMMIT" or "ROLLBACK", in order, while the block runs."""
    with app.app_context():
        engine = db.engine
    endings: list[str] = []
    listeners = {"commit": lambda conn: endings.append("COMMIT"), "rollback": lambda conn: endings.append("ROLLBACK")}
    for name, listener in listeners.items():
        sa.event.listen(engine, name, listener)
    try:
        yield endings
    finally:
        for name, listener in listeners.items():
            sa.event.remove(engine, name, listener)


def prepared_statements(app: Any) -> list[list[Any]]:
    """What each connection in the pool keeps prepared on PostgreSQL (none on SQLite): rows of ``statement``,
    ``generic_plans`` and ``custom_plans``."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name != "postgresql":
        return []
    connections = [engine.connect() for _ in range(engine.pool.checkedin())]  # each held at once to read its own
    query = sa.text("SELECT statement, generic_plans, custom_plans FROM pg_prepared_statements")
    try:
        return [connection.execute(query).all() for connection in connections]
    finally:
        for connection in connections:
            connection.close()


def test_a_forum_page_that_only_read_commits_so_postgresql_keeps_its_statements_prepared(app, client, people):
    """psycopg forgets its prepared statements at every ROLLBACK: a page that wrote nothing ends with COMMIT."""
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart it.")])
    login(client, people.helper)
    with transaction_endings(app) as endings:
        for _ in range(30):  # each connection in the pool runs the page's query more than 5 times
            assert client.get(f"{PREFIX}/t/{thread_id}").status_code == 200
    assert endings[-20:] == ["COMMIT"] * 20, endings
    for prepared in prepared_statements(app):
        assert any("forum_thread" in row.statement for row in prepared), prepared


def test_a_like_keeps_postgresqls_statements_prepared_when_its_button_reads_names_after_the_change(app, client, people):
    """A like commits, then reads the names its button shows. That read ended with ROLLBACK, which made psycopg
    forget every prepared statement: on a busy thread, each like naming someone new planned its statements again."""
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart it.")])
    app.config["FORUM_THREAD_CACHE_SECONDS"] = 0  # no names kept: every button reads them after the like's commit
    login(client, people.asker)
    token = csrf_token(client, f"{PREFIX}/t/{thread_id}")
    with transaction_endings(app) as endings:
        for _ in range(15):  # each connection in the pool runs the like's statements more than 5 times
            liked = client.post(f"{PREFIX}/p/2/like", data={"csrf_token": token}, headers=HX)
            assert liked.status_code == 200 and "Liked by Ana Asker" in liked.text
            taken_back = client.post(f"{PREFIX}/p/2/unlike", data={"csrf_token": token}, headers=HX)
            assert taken_back.status_code == 200 and "Liked by" not in taken_back.text
    assert endings[-20:] == ["COMMIT"] * 20, endings
    kept = [row.statement for prepared in prepared_statements(app) for row in prepared]
    if kept:  # PostgreSQL: the like's statements and the names' read, each on whichever connection ran it
        assert any("SET like_count" in statement for statement in kept), kept
        assert any("FROM portal_people" in statement for statement in kept), kept


def test_postgresql_plans_the_front_pages_query_once_not_on_every_view(app, client, people):
    """A LIMIT sent as a parameter makes PostgreSQL plan the front page's query anew on every view (a third of a
    millisecond of its time per view, more than running it): the page size is written into the statement instead."""
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("plans are PostgreSQL's: SQLite has no plan cache to check")
    thread_id = make_thread(app, people.asker, title="Front page question")
    with app.app_context():  # enough threads that a plan for "some number of rows" differs from one for 26
        Thread = get_state(app).models.Thread
        row = {c: getattr(db.session.get(Thread, thread_id), c) for c in ("category_id", "author_id", "created_at")}
        db.session.execute(sa.insert(Thread), [{**row, "title": f"Question {i}"} for i in range(5_000)])
        db.session.commit()
        db.session.execute(sa.text("ANALYZE forum_thread"))
        db.session.commit()
    login(client, people.helper)
    guest = app.test_client()
    for _ in range(30):  # past the 5 views psycopg waits before preparing, and the 5 custom plans PostgreSQL tries
        assert client.get(f"{PREFIX}/").status_code == 200
        assert guest.get(f"{PREFIX}/").status_code == 200
    plans = [
        row
        for prepared in prepared_statements(app)
        for row in prepared
        if "ORDER BY forum_thread.last_activity_at DESC" in row.statement
    ]
    assert plans, "the front page's query was never prepared"
    assert all(row.generic_plans > 0 for row in plans), [(row.generic_plans, row.custom_plans) for row in plans]


@pytest.mark.parametrize("change", ["pending", "flushed", "update", "raw sql"])
def test_a_hosts_uncommitted_change_during_a_forum_page_is_still_thrown_away(app, client, people, change):
    thread_id = make_thread(app, people.asker)
    armed: list[bool] = []

    @app.before_request
    def scribble() -> None:  # a host hook that changes something and never commits, expecting it to be undone
        if request.endpoint != "forum.thread" or not armed:
            return
        if change in ("pending", "flushed"):
            db.session.get(Member, people.helper.key).full_name = "Changed by a hook"
            if change == "flushed":
                db.session.flush()
        elif change == "update":
            db.session.execute(sa.update(Member).where(Member.key == people.helper.key).values(full_name="Changed"))
        else:
            db.session.execute(sa.text("UPDATE portal_people SET full_name = 'Changed'"))

    login(client, people.helper)
    assert client.get(f"{PREFIX}/t/{thread_id}").status_code == 200  # the day's first visit is written first
    armed.append(True)
    assert client.get(f"{PREFIX}/t/{thread_id}").status_code == 200
    with app.app_context():
        assert db.session.get(Member, people.helper.key).full_name == "Hugo Helper"
