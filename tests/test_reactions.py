"""Likes, favourites, shares and accepted answers, as people use them through the pages."""

from __future__ import annotations

import random
import re

import pytest
import sqlalchemy as sa
from helpers import HX, IMAGE, PAGE_OPEN, PREFIX, count_queries, csrf_token, forum_user, login, make_thread, post_form
from hostapp import db

from forum import get_state
from forum.threads import reactions


def rows(app, model_name, **where):
    with app.app_context():
        model = getattr(app.extensions["forum"].models, model_name)
        query = sa.select(sa.func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return db.session.scalar(query)


def like_count(app, post_id):
    with app.app_context():
        return db.session.get(app.extensions["forum"].models.Post, post_id).like_count


def thread_of(app, thread_id):
    with app.app_context():
        return db.session.get(app.extensions["forum"].models.Thread, thread_id)


def test_liking_and_unliking_an_answer_with_htmx(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart the router")])
    login(client, people.asker)
    page = f"{PREFIX}/t/{thread_id}"
    response = post_form(client, page, f"{PREFIX}/p/2/like", {}, headers=HX)
    assert response.status_code == 200 and "<html" not in response.text
    assert 'aria-pressed="true"' in response.text and "1 like<" in response.text
    assert "Liked by Ana Asker" in response.text
    again = post_form(client, page, f"{PREFIX}/p/2/like", {}, headers=HX)  # a double click changes nothing
    assert "1 like<" in again.text
    assert rows(app, "Like", post_id=2) == 1 and like_count(app, 2) == 1
    response = post_form(client, page, f"{PREFIX}/p/2/unlike", {}, headers=HX)
    assert 'aria-pressed="false"' in response.text and "1 like<" not in response.text
    assert rows(app, "Like", post_id=2) == 0 and like_count(app, 2) == 0


def test_a_like_reads_in_one_statement_and_holds_the_busy_threads_row_only_for_its_count_and_points(
    app, client, people
):
    """Every change to a thread locks its row until the commit, so on a thread everyone is liking at once the likes
    queue for it: a like or an unlike writes its own rows first, and only its count and the points come after."""
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart the router")])
    login(client, people.agent)  # an agent: no newcomer's daily allowance to count first
    token = csrf_token(client, f"{PREFIX}/t/{thread_id}")
    for action, pressed in (("like", "true"), ("unlike", "false")):
        with count_queries(app, commits=True) as statements:
            response = client.post(f"{PREFIX}/p/2/{action}", data={"csrf_token": token}, headers=HX)
        assert f'aria-pressed="{pressed}"' in response.text, action
        words = [" ".join(s.split()).upper() for s in statements]
        first_write = next(i for i, s in enumerate(words) if s.startswith(("UPDATE", "INSERT", "DELETE")))
        reads = [s for s in words[:first_write] if "FORUM_" in s]
        assert len(reads) == 1 and "FORUM_MEMBER" in reads[0] and "FORUM_THREAD" in reads[0], reads
        assert words[first_write].startswith(("INSERT INTO FORUM_LIKE", "DELETE FROM FORUM_LIKE")), words[first_write]
        locked = next(i for i, s in enumerate(words) if s.startswith("UPDATE FORUM_THREAD SET VERSION"))
        held = words[locked + 1 : words.index("COMMIT", locked)]
        assert held[0].startswith("UPDATE FORUM_POST SET LIKE_COUNT"), held
        assert all("FORUM_POINT" in s or "FORUM_MEMBER" in s for s in held[1:]), held
        assert any(s.startswith("INSERT INTO FORUM_POINT_EVENT") for s in held), held  # the points, or their undo


def test_liking_without_javascript_goes_back_to_the_post(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart the router")])
    login(client, people.agent)
    response = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/like", {})
    assert response.status_code == 302 and response.location == f"{PREFIX}/p/2"
    page = client.get(client.get(response.location).location).text
    assert "1 like<" in page and "Liked by Dana Desk" in page


def test_who_liked_it_is_named_and_counts_match_the_rows(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Use the other port")])
    with app.app_context():
        state = get_state(app)
        post = db.session.get(state.models.Post, 2)
        for person in (people.asker, people.agent, people.admin):
            reactions.like(state, forum_user(app, person), post)
    page = client.get(f"{PREFIX}/t/{thread_id}").text
    assert "3 likes<" in page
    assert "Liked by Ana Asker, Dana Desk and Ada Admin" in page


def test_a_like_button_names_the_first_ten_likers_after_one_of_them_takes_the_like_back_and_gives_it_again(
    app, client, people
):
    """The names come from what the like read before it wrote: the eleventh liker steps into the list."""
    from hostapp import Member

    make_thread(app, people.asker, answers=[(people.helper, "Clear the cache")])
    with app.app_context():
        fans = [Member(full_name=f"Fan {i:02d}", email=f"fan{i}@example.com") for i in range(1, 12)]
        db.session.add_all(fans)
        db.session.commit()
        state = get_state(app)
        for fan in fans:
            reactions.like(state, state.users.to_forum_user(fan), db.session.get(state.models.Post, 2))
        third = db.session.get(Member, fans[2].key)
        db.session.expunge(third)
    login(client, third)
    token = csrf_token(client, f"{PREFIX}/t/1")
    others = ", ".join(f"Fan {i:02d}" for i in (1, 2, *range(4, 11)))
    taken_back = client.post(f"{PREFIX}/p/2/unlike", data={"csrf_token": token}, headers=HX).text
    assert f"Liked by {others} and Fan 11" in taken_back and "10 likes<" in taken_back
    given_again = client.post(f"{PREFIX}/p/2/like", data={"csrf_token": token}, headers=HX).text
    assert f"Liked by {others}, Fan 11 and 1 other" in given_again and "11 likes<" in given_again


def test_nobody_likes_their_own_post_and_is_told_why(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "My own tip")])
    login(client, people.helper)
    response = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/like", {}, headers=HX)
    assert response.status_code == 403
    assert "You can&#39;t like your own post. Likes are how other people say thanks." in response.text
    response = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/like", {})
    assert response.status_code == 403 and "like your own post" in response.text
    assert rows(app, "Like") == 0 and like_count(app, 2) == 0


def test_removed_posts_and_guests_cannot_like(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Gone soon")])
    login(client, people.helper)
    post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/delete", {})
    client.get("/logout")
    login(client, people.agent)
    response = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/like", {})
    assert response.status_code == 404 and "removed" in response.text
    client.get("/logout")
    response = client.post(f"{PREFIX}/p/1/like", data={})
    assert response.status_code == 302 and response.location.startswith("/login")
    assert rows(app, "Like") == 0


def test_saving_a_favourite_is_one_write_and_the_button_comes_back_without_reading_again(app, client, people):
    thread_id = make_thread(app, people.helper, title="Teams camera is black")
    login(client, people.asker)
    token = csrf_token(client, f"{PREFIX}/t/{thread_id}")
    for action, pressed in (("favourite", "true"), ("favourite", "true"), ("unfavourite", "false")):
        with count_queries(app) as statements:
            response = client.post(f"{PREFIX}/t/{thread_id}/{action}", data={"csrf_token": token}, headers=HX)
        assert f'aria-pressed="{pressed}"' in response.text, action
        writes = [s for s in statements if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE", "SAVEPOINT"))]
        assert len(writes) == 1, statements  # one statement saves or unsaves, a second save finds it saved
        after = statements[statements.index(writes[0]) + 1 :]
        assert not [s for s in after if "forum_" in s], after  # the forum reads nothing again after the change
        assert rows(app, "Favourite") == (1 if pressed == "true" else 0)


def test_favourites_are_saved_once_and_listed_newest_first_with_solved_state(app, client, people):
    first = make_thread(
        app, people.helper, title="Outlook search finds nothing", answers=[(people.agent, "Rebuild it")]
    )
    second = make_thread(app, people.helper, title="Teams camera is black")
    login(client, people.asker)
    for thread_id in (first, second, second):
        response = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/favourite", {}, headers=HX)
        assert 'aria-pressed="true"' in response.text and "Saved to favourites" in response.text
    assert rows(app, "Favourite") == 2
    with app.app_context():
        state = get_state(app)
        from forum.threads import solutions

        solutions.accept(state, forum_user(app, people.agent), db.session.get(state.models.Thread, first), 2)
    listing = client.get(f"{PREFIX}/favourites").text
    assert listing.index("Teams camera is black") < listing.index("Outlook search finds nothing")
    assert listing.count('class="solved-chip">Solved<') == 1
    response = post_form(client, f"{PREFIX}/t/{second}", f"{PREFIX}/t/{second}/unfavourite", {})
    assert response.status_code == 302
    assert "Teams camera is black" not in client.get(f"{PREFIX}/favourites").text


def test_a_shared_link_counts_each_signed_in_visitor_once(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Clear the cache")])
    login(client, people.helper)
    panel = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/share", {}, headers=HX)
    assert panel.status_code == 200 and "Copy link" in panel.text
    link = re.search(r'readonly value="([^"]+)"', panel.text).group(1)
    assert link.startswith("http://localhost/help/community/p/2?s=")
    again = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/share", {}, headers=HX)
    assert link in again.text  # one link per person and post
    path = link.removeprefix("http://localhost")
    client.get(path, headers=PAGE_OPEN)  # the sharer's own click does not count
    client.get("/logout")
    client.get(path, headers=PAGE_OPEN)  # nor does a guest's
    for person in (people.agent, people.agent, people.admin):
        login(client, person)
        assert client.get(path, headers=IMAGE).status_code == 302  # an image of the link counts nothing
        landed = client.get(path, headers=PAGE_OPEN)
        assert landed.status_code == 302 and landed.location.endswith("#post-2")
        client.get("/logout")
    assert rows(app, "ShareVisit") == 2
    assert "Shared by 1 person, who brought 2 visitors" in client.get(f"{PREFIX}/t/{thread_id}").text


def test_distinct_sharers_are_counted(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Clear the cache")])
    for person in (people.helper, people.agent, people.helper):
        login(client, person)
        post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/1/share", {})
        client.get("/logout")
    assert "Shared by 2 people" in client.get(f"{PREFIX}/t/{thread_id}").text


def test_sharing_with_a_colleague_notifies_them(app, client, people):
    thread_id = make_thread(
        app, people.asker, title="Printer jams on floor 2", answers=[(people.helper, "Fan the paper")]
    )
    login(client, people.helper)
    found = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/share", {"q": "dan"}, headers=HX)
    assert f'name="recipient" value="{people.agent.key}"' in found.text and "Send to Dana Desk" in found.text
    nobody = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/share", {"q": "zz%_"}, headers=HX)
    assert "Nobody found called" in nobody.text
    sent = post_form(
        client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/share", {"recipient": people.agent.key}, headers=HX
    )
    assert "Sent to Dana Desk" in sent.text
    bad = post_form(
        client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/share", {"recipient": "no-such-person"}, headers=HX
    )
    assert bad.status_code == 400 and "could not find that colleague" in bad.text
    client.get("/logout")
    login(client, people.agent)
    home = client.get(f"{PREFIX}/").text
    assert 'class="count-badge">1<' in home
    inbox = client.get(f"{PREFIX}/notifications").text
    assert "Hugo Helper shared an answer with you: Printer jams on floor 2" in inbox
    notification_url = re.search(r'href="(/help/community/notifications/\d+)"', inbox).group(1)
    assert client.get(notification_url, headers=PAGE_OPEN).location == f"{PREFIX}/p/2"  # a click on it
    assert 'class="count-badge"' not in client.get(f"{PREFIX}/").text
    assert rows(app, "Notification", user_id=people.agent.key) == 1


def test_the_asker_accepts_an_answer_and_the_thread_shows_solved_everywhere(app, client, people):
    thread_id = make_thread(
        app,
        people.asker,
        title="Laptop will not charge",
        answers=[(people.helper, "Try another socket"), (people.agent, "Replace the charger")],
    )
    login(client, people.asker)
    page = client.get(f"{PREFIX}/t/{thread_id}").text
    assert "Did one of these answers fix your problem?" in page
    response = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/accept", {"post_id": "3"})
    assert response.status_code == 303 and response.location.endswith("#post-3")
    page = client.get(response.location).text
    assert "Did one of these answers fix your problem?" not in page
    assert page.index("Replace the charger") < page.index("Try another socket")  # accepted comes first
    assert "This answer solved it" in page and '<span class="solved-chip">Solved</span> Laptop will not charge' in page
    assert "Laptop will not charge" in client.get(f"{PREFIX}/?solved=solved").text
    assert "Laptop will not charge" not in client.get(f"{PREFIX}/?solved=unsolved").text
    # moving the mark
    post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/accept", {"post_id": "2"})
    assert thread_of(app, thread_id).accepted_post_id == 2
    # and taking it off
    post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/unaccept", {})
    assert thread_of(app, thread_id).accepted_post_id is None
    assert "Laptop will not charge" in client.get(f"{PREFIX}/?solved=unsolved").text


def test_only_the_asker_or_a_desk_agent_can_accept(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "One"), (people.agent, "Two")])
    login(client, people.helper)
    assert "This solved it" not in client.get(f"{PREFIX}/t/{thread_id}").text
    token = csrf_token(client, f"{PREFIX}/t/{thread_id}")
    response = client.post(f"{PREFIX}/t/{thread_id}/accept", data={"csrf_token": token, "post_id": "2"})
    assert response.status_code == 403 and "Only the person who asked" in response.text
    assert thread_of(app, thread_id).accepted_post_id is None
    client.get("/logout")
    login(client, people.agent)
    post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/accept", {"post_id": "2"})
    assert thread_of(app, thread_id).accepted_post_id == 2


def test_accepting_an_answer_from_another_thread_or_a_removed_one_changes_nothing(app, client, people):
    first = make_thread(app, people.asker, answers=[(people.helper, "Answer on first")])
    second = make_thread(app, people.helper, title="Another question entirely", answers=[(people.agent, "Elsewhere")])
    login(client, people.asker)
    response = post_form(client, f"{PREFIX}/t/{first}", f"{PREFIX}/t/{first}/accept", {"post_id": "4"})
    assert response.status_code == 400 and "belongs to a different question" in response.text
    response = post_form(client, f"{PREFIX}/t/{first}", f"{PREFIX}/t/{first}/accept", {"post_id": "1"})
    assert response.status_code == 400
    response = post_form(client, f"{PREFIX}/t/{first}", f"{PREFIX}/t/{first}/accept", {"post_id": "nonsense"})
    assert response.status_code == 404
    assert thread_of(app, first).accepted_post_id is None and thread_of(app, second).accepted_post_id is None


def test_removing_the_accepted_answer_makes_the_thread_unsolved(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Accepted then removed")])
    login(client, people.asker)
    post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/accept", {"post_id": "2"})
    client.get("/logout")
    login(client, people.helper)
    post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/delete", {})
    assert thread_of(app, thread_id).accepted_post_id is None


def test_answers_are_ordered_accepted_then_most_liked_then_oldest(app, client, people):
    thread_id = make_thread(
        app,
        people.asker,
        answers=[
            (people.helper, "Oldest answer"),
            (people.agent, "Most liked answer"),
            (people.admin, "Accepted answer"),
        ],
    )
    with app.app_context():
        state = get_state(app)
        Post = state.models.Post
        reactions.like(state, forum_user(app, people.asker), db.session.get(Post, 3))
        from forum.threads import solutions

        solutions.accept(state, forum_user(app, people.asker), db.session.get(state.models.Thread, thread_id), 4)
    page = client.get(f"{PREFIX}/t/{thread_id}").text
    assert page.index("Accepted answer") < page.index("Most liked answer") < page.index("Oldest answer")
    app.config["FORUM_POSTS_PER_PAGE"] = 1
    assert client.get(f"{PREFIX}/p/2").location.endswith("?page=3#post-2")
    assert client.get(f"{PREFIX}/p/3").location.endswith("?page=2#post-3")
    assert (
        client.get(f"{PREFIX}/p/4").location.endswith("#post-4") and "page=" not in client.get(f"{PREFIX}/p/4").location
    )


def test_threads_sort_by_newest_or_by_activity(app, client, people):
    older = make_thread(app, people.asker, title="Older question, new answer")
    make_thread(app, people.asker, title="Newer question, no answer")
    with app.app_context():
        from forum.threads import posting

        state = get_state(app)
        posting.add_answer(state, forum_user(app, people.helper), db.session.get(state.models.Thread, older), "Bump")
    by_activity = client.get(f"{PREFIX}/").text
    assert by_activity.index("Older question, new answer") < by_activity.index("Newer question, no answer")
    by_newest = client.get(f"{PREFIX}/?sort=newest").text
    assert by_newest.index("Newer question, no answer") < by_newest.index("Older question, new answer")


def test_like_counts_always_equal_the_like_rows(app, people):
    make_thread(app, people.asker, answers=[(people.helper, f"a{i}") for i in range(4)])
    rng = random.Random(3)
    with app.app_context():
        state = get_state(app)
        Post = state.models.Post
        likers = [forum_user(app, p) for p in (people.asker, people.agent, people.admin)]
        for _ in range(120):
            post = db.session.get(Post, rng.randint(2, 5))
            who = rng.choice(likers)
            (reactions.like if rng.random() < 0.6 else reactions.unlike)(state, who, post)
        Like = state.models.Like
        counted = dict(db.session.execute(sa.select(Like.post_id, sa.func.count()).group_by(Like.post_id)).all())
        for post in db.session.scalars(sa.select(Post)):
            assert post.like_count == counted.get(post.id, 0)


def test_a_thread_page_costs_the_same_queries_with_5_or_50_liked_answers(app, client, people):
    helpers = [people.helper, people.agent, people.admin]
    app.config["FORUM_LEVELS"] = {"newcomer_daily_likes": 10_000}
    small = make_thread(app, people.asker, answers=[(helpers[i % 3], f"s{i}") for i in range(5)])
    big = make_thread(
        app, people.asker, title="Outlook is slow as well", answers=[(helpers[i % 3], f"b{i}") for i in range(50)]
    )
    with app.app_context():
        state = get_state(app)
        Post = state.models.Post
        for post in db.session.scalars(sa.select(Post).where(~Post.is_question)):
            for person in (people.asker, people.helper, people.agent):
                if person.key != post.author_id:
                    reactions.like(state, forum_user(app, person), post)
    app.config["FORUM_POSTS_PER_PAGE"] = 50
    app.config["FORUM_THREAD_CACHE_SECONDS"] = 0  # rendering every time; kept parts: test_thread_cache.py
    login(client, people.asker)
    from helpers import count_queries

    client.get(f"{PREFIX}/t/{small}")
    with count_queries(app) as few:
        client.get(f"{PREFIX}/t/{small}")
    with count_queries(app) as many:
        page = client.get(f"{PREFIX}/t/{big}").text
    assert page.count("2 likes<") + page.count("3 likes<") == 50
    assert len(many) == len(few)


@pytest.mark.parametrize("allowance", [None, 3])
def test_newcomers_share_as_many_posts_a_day_as_how_points_work_says(people_factory, allowance):
    config = {} if allowance is None else {"FORUM_LEVELS": {"newcomer_daily_likes": allowance}}
    app, client, people = people_factory(**config)
    limit = allowance or 10
    threads = [make_thread(app, people.asker, title=f"Question number {n} about printers") for n in range(limit + 1)]
    login(client, people.helper)
    assert f"Like and share up to {limit} posts a day." in client.get(f"{PREFIX}/points").text
    for thread_id in threads[:limit]:
        with app.app_context():
            post_id = db.session.scalar(sa.text("SELECT id FROM forum_post WHERE thread_id = :t"), {"t": thread_id})
        shared = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/{post_id}/share", {})
        assert shared.status_code == 200, shared.text
    again = post_form(client, f"{PREFIX}/t/{threads[0]}", f"{PREFIX}/p/1/share", {})
    assert again.status_code == 200  # the same link again is not a new share
    with app.app_context():
        last = db.session.scalar(sa.text("SELECT id FROM forum_post WHERE thread_id = :t"), {"t": threads[-1]})
    refused = post_form(client, f"{PREFIX}/t/{threads[-1]}", f"{PREFIX}/p/{last}/share", {})
    assert refused.status_code == 403
    assert f"New members can share {limit} posts a day. Come back tomorrow." in refused.text
    assert rows(app, "Share") == limit
