"""Page cost stays flat as threads grow, and a guest reading writes nothing."""

from __future__ import annotations

from helpers import PREFIX, count_queries, login, make_thread
from hostapp import create_app

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
