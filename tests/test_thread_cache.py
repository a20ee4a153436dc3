"""Kept parts of thread pages: the same page as a fresh one, cheaper, and never out of date after a change."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from helpers import PREFIX, count_queries, forum_user, login, make_thread
from hostapp import db

from forum import get_state
from forum.desk import escalation
from forum.threads import categories, curation, posting, reactions, sharing, solutions
from plugin_api.desk import MemoryDesk

_TOKEN = re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"')


def _same_page(text: str) -> str:
    """A page without its CSRF tokens, which are signed with the time."""
    return _TOKEN.sub(r'\1"', text)


def _answers(app: Any, thread_id: int) -> list[int]:
    with app.app_context():
        Post = get_state(app).models.Post
        return list(db.session.scalars(sa.select(Post.id).where(Post.thread_id == thread_id).order_by(Post.id)))


def _fresh_and_kept(app: Any, client: Any, url: str) -> tuple[str, str, list[str]]:
    """The page rendered fresh, then as kept (second view with keeping on), and the kept view's SQL statements."""
    app.config["FORUM_THREAD_CACHE_SECONDS"] = 0
    fresh = client.get(url).text
    app.config["FORUM_THREAD_CACHE_SECONDS"] = 60
    client.get(url)
    with count_queries(app) as statements:
        kept = client.get(url).text
    return fresh, kept, statements


def test_a_kept_page_is_exactly_the_page_rendered_fresh_for_every_kind_of_reader(app, people):
    thread_id = make_thread(
        app,
        people.asker,
        tags="vpn",
        answers=[(people.helper, "Restart the VPN app."), (people.agent, "Check the **token**."), (people.asker, "Ok")],
    )
    question, first, second, _ = _answers(app, thread_id)
    with app.app_context():
        state = get_state(app)
        reactions.like(state, forum_user(app, people.helper), db.session.get(state.models.Post, second))
    url = f"{PREFIX}/t/{thread_id}"
    for reader in (None, people.asker, people.helper, people.agent, people.admin):
        client = app.test_client()
        if reader is not None:
            login(client, reader)
        fresh, kept, statements = _fresh_and_kept(app, client, url)
        with count_queries(app) as fresh_statements:
            app.config["FORUM_THREAD_CACHE_SECONDS"] = 0
            client.get(url)
        assert _same_page(kept) == _same_page(fresh), reader
        assert "<forum:csrf>" not in kept
        assert len(statements) < len(fresh_statements) - 3, (reader, statements)
    assert f'id="post-{question}"' in fresh and "Check the <strong>token</strong>." in fresh


def test_a_kept_thread_page_costs_one_query_for_a_guest_and_two_signed_in_however_long_it_is(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, f"Answer {i}") for i in range(30)])
    app.config["FORUM_POSTS_PER_PAGE"] = 50
    client.get(f"{PREFIX}/t/{thread_id}")
    client.get(f"{PREFIX}/t/{thread_id}")  # the banner's own per-process cache is warm too
    with count_queries(app) as statements:
        page = client.get(f"{PREFIX}/t/{thread_id}").text
    assert page.count('class="post answer') == 30
    assert len(statements) == 1, statements  # the thread row, to read its version
    login(client, people.agent)
    client.get(f"{PREFIX}/t/{thread_id}")
    with count_queries(app) as statements:
        page = client.get(f"{PREFIX}/t/{thread_id}").text
    assert page.count('class="post answer') == 30 and 'id="notifications-link"' in page
    # The person (the host's query), then the thread with their likes, saved mark, follow level, own level and
    # unread count.
    assert len(statements) == 2, statements


def test_buttons_on_a_kept_page_belong_to_the_reader_and_its_forms_work(app, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart it."), (people.agent, "Update it.")])
    _, helpers, agents = _answers(app, thread_id)
    url = f"{PREFIX}/t/{thread_id}"
    asker, helper, guest = app.test_client(), app.test_client(), app.test_client()
    login(asker, people.asker)
    login(helper, people.helper)
    assert asker.get(url).text.count(">This solved it</button>") == 2  # the asker may accept either answer
    helper_page = helper.get(url).text
    assert "This solved it" not in helper_page
    assert f'href="{PREFIX}/p/{helpers}/edit"' in helper_page and f'href="{PREFIX}/p/{agents}/edit"' not in helper_page
    assert "csrf_token" not in guest.get(url).text and "No likes yet" in guest.get(url).text
    # The helper likes the agent's answer as a browser without JavaScript would: the like button sends the page's
    # one actions form (the only place the helper's token is) to its own address. Only the helper sees it pressed.
    page = helper.get(url).text
    button = re.search(rf'<button [^>]*formaction="([^"]+/p/{agents}/like)"[^>]*>', page)
    assert button is not None and 'form="forum-post-actions"' in button.group(0)
    actions = re.search(r'<form id="forum-post-actions" method="post" hidden>(.*?)</form>', page)
    answers = page[page.index('<div id="answers">') : page.index('id="answer-status"')]
    assert actions is not None and "csrf_token" not in answers  # no post holds anyone's token
    token = re.search(r'name="csrf_token" value="([^"]+)"', actions.group(1)).group(1)  # type: ignore[union-attr]
    liked = helper.post(button.group(1), data={"csrf_token": token})
    assert liked.status_code == 302
    assert helper.get(url).text.count('aria-pressed="true"') == 1
    assert 'aria-pressed="true"' not in asker.get(url).text
    assert "1 like" in guest.get(url).text
    # The helper's own favourite button and notification choice are theirs, from the same kept forms.
    saved = helper.post(f"{PREFIX}/t/{thread_id}/favourite", data={"csrf_token": token})
    assert saved.status_code == 302
    followed = helper.post(f"{PREFIX}/follow/thread/{thread_id}", data={"csrf_token": token, "level": "muted"})
    assert followed.status_code == 302
    page = helper.get(url).text
    assert 'aria-pressed="true">\n    <span aria-hidden="true">&#9733;</span> Saved to favourites' in page
    assert '<option value="muted" selected>' in page
    other = asker.get(url).text
    assert "Save to favourites" in other and '<option value="muted" selected>' not in other
    assert token not in other
    # A token the page was not made for is refused, kept page or not.
    forged = helper.post(f"{PREFIX}/p/{helpers}/delete", data={"csrf_token": "<forum:csrf>"})
    assert forged.status_code == 400
    assert "Restart it." in guest.get(url).text


def _seen(app: Any, thread_id: int) -> str:
    """The page as a guest of another worker process would get it: kept parts are on."""
    return app.test_client().get(f"{PREFIX}/t/{thread_id}").text


def _change(app: Any, do: Callable[[Any], Any]) -> None:
    """A change made outside any page view, as another worker or the desk worker makes it."""
    with app.app_context():
        do(get_state(app))


def test_every_change_to_a_thread_shows_at_once_on_its_kept_page(people_factory):
    app, _, people = people_factory(FORUM_DESK_CONNECTOR=MemoryDesk())
    thread_id = make_thread(app, people.asker, tags="vpn", answers=[(people.helper, "Restart the VPN app.")])
    question_id, answer_id = _answers(app, thread_id)
    asker, helper, agent, admin = (
        forum_user(app, p) for p in (people.asker, people.helper, people.agent, people.admin)
    )

    def post(state: Any, post_id: int = answer_id) -> Any:
        return db.session.get(state.models.Post, post_id)

    def thread(state: Any) -> Any:
        return db.session.get(state.models.Thread, thread_id)

    steps: list[tuple[str, Callable[[Any], Any], Callable[[str], bool]]] = [
        (
            "a new answer",
            lambda s: posting.add_answer(s, agent, thread(s), "Clear the cache."),
            lambda p: "Clear the cache." in p and '<span id="answer-count">2 answers</span>' in p,
        ),
        (
            "a new title",
            lambda s: posting.edit_post(
                s, asker, db.session.get(s.models.Post, question_id), body="VPN drops.", title="VPN drops at noon"
            ),
            lambda p: "<h1>VPN drops at noon</h1>" in p and "q=VPN+drops+at+noon" in p,
        ),
        (
            "an edit",
            lambda s: posting.edit_post(s, helper, post(s), body="Restart the laptop."),
            lambda p: "Restart the laptop." in p,
        ),
        ("a like", lambda s: reactions.like(s, agent, post(s)), lambda p: "1 like" in p),
        ("a like taken back", lambda s: reactions.unlike(s, agent, post(s)), lambda p: "1 like" not in p),
        (
            "the solution",
            lambda s: solutions.accept(s, asker, thread(s), answer_id),
            lambda p: "This answer solved it" in p and '<h1><span class="solved-chip">Solved</span>' in p,
        ),
        (
            "the solution taken back",
            lambda s: solutions.unaccept(s, asker, thread(s)),
            lambda p: "This answer solved it" not in p,
        ),
        (
            "a verified mark",
            lambda s: curation.set_verified(s, agent, post(s), True),
            lambda p: "Verified workaround</p>" in p,
        ),
        (
            "a removed answer",
            lambda s: posting.set_deleted(s, agent, post(s), True),
            lambda p: "Restart the laptop." not in p,
        ),
        (
            "a restored answer",
            lambda s: posting.set_deleted(s, agent, post(s), False),
            lambda p: "Restart the laptop." in p,
        ),
        ("a share", lambda s: sharing.share(s, helper, post(s)), lambda p: "Shared by 1 person" in p),
        (
            "new keywords",
            lambda s: curation.set_tags(s, asker, thread(s), "vpn, wifi"),
            lambda p: f'{PREFIX}/tags/wifi"' in p,
        ),
        (
            "the IT team",
            lambda s: escalation.escalate(s, thread(s), by=asker),
            lambda p: "Sent to the IT team" in p and "With the IT team</h2>" in p,
        ),
        (
            "a renamed category",
            lambda s: categories.update(
                s, admin, db.session.get(s.models.Category, 1), name="Remote work", description=""
            ),
            lambda p: ">Remote work</a>" in p,
        ),
    ]
    for name, do, shows in steps:
        assert not shows(_seen(app, thread_id)), f"before {name}"
        _seen(app, thread_id)  # kept now
        _change(app, do)
        assert shows(_seen(app, thread_id)), f"after {name}"


def test_a_thread_list_keeps_its_rows_for_every_reader_and_shows_each_change_at_once(app, client, people):
    thread_id = make_thread(app, people.asker, title="Teams camera is black", tags="teams")
    asker, helper, admin = (forum_user(app, p) for p in (people.asker, people.helper, people.admin))

    def row(page: str) -> str:
        found = re.search(rf'<li class="thread-row[^"]*" id="thread-{thread_id}">.*?</li>\s*(?=<li|</ul>)', page, re.S)
        assert found, "the thread is on the front page"
        return found.group(0)

    def seen() -> str:
        return row(app.test_client().get(f"{PREFIX}/").text)

    login(client, people.helper)
    # The same row for a guest and for someone signed in, and the same again once kept.
    assert seen() == row(client.get(f"{PREFIX}/").text) == seen()
    answer: list[int] = []
    steps: list[tuple[str, Callable[[Any], Any], Callable[[str], bool]]] = [
        (
            "a new answer",
            lambda s: answer.append(posting.add_answer(s, helper, db.session.get(s.models.Thread, thread_id), "Hi").id),
            lambda r: "<strong>1</strong>answer" in r,
        ),
        (
            "the solution",
            lambda s: solutions.accept(s, asker, db.session.get(s.models.Thread, thread_id), answer[0]),
            lambda r: "Solved</span>" in r,
        ),
        (
            "new keywords",
            lambda s: curation.set_tags(s, asker, db.session.get(s.models.Thread, thread_id), "teams, camera"),
            lambda r: f'{PREFIX}/tags/camera"' in r,
        ),
        (
            "a renamed category",
            lambda s: categories.update(
                s, admin, db.session.get(s.models.Category, 1), name="Video calls", description=""
            ),
            lambda r: ">Video calls</a>" in r,
        ),
    ]
    for name, do, shows in steps:
        assert not shows(seen()), f"before {name}"
        _change(app, do)
        assert shows(seen()), f"after {name}"


def test_the_front_pages_lists_are_kept_per_language_and_show_a_change_from_another_process_at_once(people_factory):
    """The middle of the front page (lists, filters, categories, top helpers) is the same for every reader of a
    language, so it is kept; its key holds each listed thread's version, read fresh on every visit."""
    from hostapp import create_app

    app, client, people = people_factory(FORUM_THREAD_CACHE_SECONDS=60)
    other = create_app(app.config["SQLALCHEMY_DATABASE_URI"])  # its own kept parts, as another process has
    thread_id = make_thread(app, people.asker, title="Teams camera is black")
    home = f"{PREFIX}/"
    login(client, people.helper)
    fresh, kept, statements = _fresh_and_kept(app, client, home)
    assert _same_page(kept) == _same_page(fresh) and "Teams camera is black" in kept
    # The person (the host's query), then the list's ids and versions with the reader's own level and unread count.
    assert len(statements) == 2, statements
    german = app.test_client()
    login(german, people.agent)
    german_page = german.get(home, headers={"Accept-Language": "de"}).text
    assert "Neueste Fragen" in german_page and "Latest questions" not in german_page
    assert "Latest questions" in client.get(home).text  # each language kept apart

    with other.app_context():  # an answer and a new question, through the other process
        state = get_state(other)
        posting.add_answer(
            state, forum_user(other, people.agent), db.session.get(state.models.Thread, thread_id), "Unplug it."
        )
    row = re.search(rf'id="thread-{thread_id}">.*?</li>', client.get(home).text, re.S)
    assert row and "<strong>1</strong>answer" in row.group(0)
    make_thread(other, people.asker, title="Printer prints blank pages")
    assert "Printer prints blank pages" in client.get(home).text

    with app.app_context():  # points earned here show in the week's top helpers at once
        state = get_state(app)
        thread = db.session.get(state.models.Thread, thread_id)
        answer = posting.add_answer(state, forum_user(app, people.helper), thread, "Update the camera driver.")
        solutions.accept(state, forum_user(app, people.asker), thread, answer.id)
    helpers = re.search(r'<div class="panel top-helpers">.*?</div>', client.get(home).text, re.S)
    assert helpers and "Hugo Helper" in helpers.group(0)


def test_the_kept_menu_bar_shows_new_notices_a_new_role_the_search_and_where_logging_in_comes_back(app, client, people):
    thread_id = make_thread(app, people.helper, title="Laptop will not charge")
    login(client, people.helper)
    bar = re.compile(r'<div class="forum-bar">.*?</div>\s*<div id="live-banners"', re.S)

    def seen(path: str, reader: Any = client) -> str:
        found = bar.search(reader.get(f"{PREFIX}{path}").text)
        assert found, "the page has the forum's bar"
        return found.group(0)

    def unread() -> int:
        found = re.search(r'<span class="count-badge">(\d+)<', seen("/"))
        return int(found.group(1)) if found else 0

    assert seen("/") == seen("/")
    before = unread()
    with app.app_context():  # an answer to their question is a notice: the bar counts it on the next page
        state = get_state(app)
        posting.add_answer(state, forum_user(app, people.asker), db.session.get(state.models.Thread, thread_id), "Hi")
    assert unread() == before + 1
    assert "Review queue" not in seen("/")
    with app.app_context():  # made a desk agent: their menu grows at once
        db.session.get(type(people.helper), people.helper.key).is_staff = True
        db.session.commit()
    assert "Review queue" in seen("/") and "Too technical" in seen("/")
    assert 'value="vpn"' in seen("/search?q=vpn") and 'value="wifi"' in seen("/search?q=wifi")
    guest = app.test_client()
    assert "next=%2Fhelp%2Fcommunity%2Ft%2F" in seen(f"/t/{thread_id}", guest)
    assert "next=%2Fhelp%2Fcommunity%2F%22" not in seen("/", guest) and "next=%2Fhelp%2Fcommunity%2F" in seen(
        "/", guest
    )


def test_kept_parts_follow_the_prefix_the_same_app_is_served_under(app, client, people):
    """One app reached at two addresses (a proxy adding SCRIPT_NAME=/portal, and directly) never hands one
    address's kept front page, list rows, bar or thread parts to the other."""
    thread_id = make_thread(app, people.asker, title="Scanner sends blank pages", answers=[(people.agent, "Hi")])
    login(client, people.helper)
    direct = client.get(f"{PREFIX}/").text
    behind = client.get(f"{PREFIX}/", base_url="http://localhost/portal").text
    assert f'href="{PREFIX}/c/' in direct and f'href="/portal{PREFIX}/' not in direct
    assert f'href="/portal{PREFIX}/c/' in behind  # the kept middle: categories and rows
    assert f'class="forum-name" href="/portal{PREFIX}/"' in behind  # the kept bar
    assert f'href="{PREFIX}/c/' not in behind.replace(f"/portal{PREFIX}", "")
    url = f"{PREFIX}/t/{thread_id}"
    client.get(url)  # kept for the direct address
    answers = client.get(url, base_url="http://localhost/portal").text
    assert f'href="/portal{PREFIX}/p/' in answers and f'"{PREFIX}/p/' not in answers.replace(f"/portal{PREFIX}", "")
