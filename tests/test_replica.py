"""A read replica (FORUM_READ_BIND): search, lists and feeds read it; a person's own new answer shows at once.

The replica is a real second database made as a snapshot of the primary, which then lags behind it for good:
what was written before the snapshot is on both, what is written after is on the primary only.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import _admin_engine, postgres_database
from helpers import PREFIX, index_search, login, make_thread, post_form
from hostapp import Member, create_app, db


@pytest.fixture(params=["sqlite", "postgresql"])
def primary_and_replica(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str, Member, Member]]:
    """A primary with two people and one old thread, and a replica that is a snapshot of it from then."""
    with postgres_database() if request.param == "postgresql" else _sqlite(tmp_path / "primary.db") as primary:
        app = create_app(primary)
        with app.app_context():
            db.create_all()
            asker, helper = Member(full_name="Ana Asker"), Member(full_name="Hugo Helper")
            db.session.add_all([asker, helper])
            db.session.commit()
            for person in (asker, helper):
                db.session.refresh(person)
                db.session.expunge(person)
        make_thread(app, asker, title="Scanner jams on thick paper", body="Every time.")
        with app.app_context():
            db.engine.dispose()
        if request.param == "sqlite":
            replica = tmp_path / "replica.db"
            shutil.copy(tmp_path / "primary.db", replica)
            yield primary, f"sqlite:///{replica}", asker, helper
            return
        name = sa.make_url(primary).database
        copy = f"{name}_replica"
        admin = _admin_engine()
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"'))
        try:
            yield primary, sa.make_url(primary).set(database=copy).render_as_string(hide_password=False), asker, helper
        finally:
            with admin.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{copy}" WITH (FORCE)'))
            admin.dispose()


class _sqlite:
    """A SQLite file's URL, as ``postgres_database()`` gives a PostgreSQL one."""

    def __init__(self, path: Path) -> None:
        self.url = f"sqlite:///{path}"

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc: object) -> None:
        return None


def test_search_lists_and_feeds_read_the_replica_while_own_writes_show_at_once(primary_and_replica):
    primary, replica, asker, helper = primary_and_replica
    app = create_app(primary, SQLALCHEMY_BINDS={"replica": replica}, FORUM_READ_BIND="replica")
    client = app.test_client()
    try:
        login(client, asker)
        asked = post_form(
            client,
            f"{PREFIX}/ask",
            f"{PREFIX}/ask",
            {"category_id": "1", "title": "Monitor flickers when docked", "body": "Only on the dock."},
        )
        assert asked.status_code == 302
        thread_page = asked.headers["Location"]
        # Written to the primary: the asker's next page is their own question.
        assert "Only on the dock." in client.get(thread_page).text
        # Search, the list and the feed read the replica, which does not have it yet.
        assert "Scanner jams on thick paper" in client.get(f"{PREFIX}/search?q=scanner").text
        assert "Monitor flickers" not in client.get(f"{PREFIX}/search?q=monitor flickers").text
        home = client.get(f"{PREFIX}/").text
        assert "Scanner jams on thick paper" in home and "Monitor flickers" not in home
        feed = client.get(f"{PREFIX}/feeds/c/general.atom").text
        assert "Scanner jams on thick paper" in feed and "Monitor flickers" not in feed
        # A helper answers; their own answer is on their next page at once.
        client.get("/logout")
        login(client, helper)
        thread_id = re.search(r"/t/(\d+)", thread_page).group(1)
        answered = post_form(client, thread_page, f"{PREFIX}/t/{thread_id}/answer", {"body": "Update the dock."})
        assert answered.status_code == 302
        assert "Update the dock." in client.get(thread_page).text
        # The same site without the replica setting reads everything from the primary.
        plain_app = create_app(primary)
        index_search(plain_app)  # the worker writes to the primary
        plain = plain_app.test_client()
        assert "Monitor flickers when docked" in plain.get(f"{PREFIX}/search?q=monitor flickers").text
    finally:
        with app.app_context():
            for engine in db.engines.values():
                engine.dispose()
        # The test host's one SQLAlchemy object now knows a "replica" bind; apps made later have none.
        db.metadatas.pop("replica", None)
