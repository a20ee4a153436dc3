"""Races settled by the database: real concurrent requests to a real server on PostgreSQL."""

from __future__ import annotations

import http.cookiejar
import re
import threading
import urllib.parse
import urllib.request

import pytest
import sqlalchemy as sa
from browser import serve
from helpers import PREFIX, make_thread
from hostapp import db

postgres_only = pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)


class Person:
    """A browser-like client: its own cookies, signed in through the host's login page."""

    def __init__(self, base: str, key: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.post("/login", {"key": key})

    def get(self, path: str) -> str:
        with self.opener.open(self.base + path, timeout=30) as response:
            return response.read().decode()

    def post(self, path: str, data: dict[str, str]) -> int:
        body = urllib.parse.urlencode(data).encode()
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=60) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    def token(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path)).group(1)


def all_at_once(jobs: list) -> list:
    """Start every job at the same moment and collect what each returned."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)

    def run(index: int, job) -> None:
        barrier.wait()
        results[index] = job()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@postgres_only
def test_twenty_simultaneous_likes_by_one_person_leave_one_like(app, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart it")])
    with serve(app) as base:
        asker = Person(base, people.asker.key)
        token = asker.token(f"{PREFIX}/t/{thread_id}")
        statuses = all_at_once([lambda: asker.post(f"{PREFIX}/p/2/like", {"csrf_token": token})] * 20)
    assert all(status in (200, 302) for status in statuses), statuses
    with app.app_context():
        m = app.extensions["forum"].models
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Like)) == 1
        assert db.session.get(m.Post, 2).like_count == 1


@postgres_only
def test_two_people_accepting_different_answers_at_once_leave_exactly_one(app, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "First"), (people.admin, "Second")])
    with serve(app) as base:
        asker, agent = Person(base, people.asker.key), Person(base, people.agent.key)
        page = f"{PREFIX}/t/{thread_id}"
        tokens = asker.token(page), agent.token(page)
        statuses = all_at_once(
            [
                lambda: asker.post(f"{PREFIX}/t/{thread_id}/accept", {"csrf_token": tokens[0], "post_id": "2"}),
                lambda: agent.post(f"{PREFIX}/t/{thread_id}/accept", {"csrf_token": tokens[1], "post_id": "3"}),
            ]
        )
        assert statuses == [200, 200]  # both followed their redirect to the thread
        shown = asker.get(page)
    with app.app_context():
        thread = db.session.get(app.extensions["forum"].models.Thread, thread_id)
        assert thread.accepted_post_id in (2, 3)
    assert shown.count("This answer solved it") == 1


@postgres_only
def test_simultaneous_favourites_and_shares_stay_single(app, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Share me")])
    with serve(app) as base:
        agent = Person(base, people.agent.key)
        token = agent.token(f"{PREFIX}/t/{thread_id}")
        all_at_once(
            [lambda: agent.post(f"{PREFIX}/t/{thread_id}/favourite", {"csrf_token": token})] * 10
            + [lambda: agent.post(f"{PREFIX}/p/2/share", {"csrf_token": token})] * 10
        )
    with app.app_context():
        m = app.extensions["forum"].models
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Favourite)) == 1
        assert db.session.scalar(sa.select(sa.func.count()).select_from(m.Share)) == 1


@postgres_only
def test_likes_edits_removals_and_answers_on_one_thread_at_once_all_go_through(app, people):
    """Each change raises the thread's version; they all lock the thread row before posts and people's points, so
    none deadlocks."""
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart it"), (people.agent, "Update it")])
    page = f"{PREFIX}/t/{thread_id}"
    with serve(app) as base:
        asker, helper, agent = (Person(base, p.key) for p in (people.asker, people.helper, people.agent))
        token = {who: who.token(page) for who in (asker, helper, agent)}

        def act(who: Person, path: str, **data: str):
            return lambda: who.post(f"{PREFIX}{path}", {"csrf_token": token[who], **data})

        jobs = []
        for round_ in range(5):
            jobs += [
                act(asker, "/p/2/like"),
                act(agent, "/p/2/like"),
                act(asker, "/p/2/unlike"),
                act(helper, "/p/1/like"),
                act(helper, "/p/2/edit", body=f"Restart it, then wait {round_} minutes."),
                act(agent, "/p/3/delete" if round_ % 2 == 0 else "/p/3/restore"),
                act(asker, f"/t/{thread_id}/answer", body=f"Thanks, trying that now ({round_})."),
                # the helper's points change with the agent's likes and the asker's accepting at the same moments
                act(asker, f"/t/{thread_id}/{'accept' if round_ % 2 == 0 else 'unaccept'}", post_id="2"),
            ]
        statuses = all_at_once(jobs)
        assert all(status in (200, 302) for status in statuses), statuses
        shown = asker.get(page)
    with app.app_context():
        m = app.extensions["forum"].models
        for post_id in (1, 2, 3):
            likes = db.session.scalar(sa.select(sa.func.count()).select_from(m.Like).where(m.Like.post_id == post_id))
            assert db.session.get(m.Post, post_id).like_count == likes
        assert "Thanks, trying that now" in shown and "then wait" in shown
        # Every edit landed, one after the other, each as its own version.
        assert db.session.get(m.Post, 2).revision_count == 6
