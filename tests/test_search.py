"""Search and suggestions on real full-text indexes (FTS5 on SQLite, tsvector + GIN on PostgreSQL)."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from helpers import PREFIX, csrf_token, forum_user, index_search, login, make_thread, post_form, suggest
from hostapp import db

from forum import get_state
from forum.gamification import ledger
from forum.search import articles
from forum.threads import posting, solutions
from plugin_api.knowledge import ExternalArticle, MemoryKnowledgeBase


def titles(response):
    return titles_of(response.text)


def titles_of(page):
    return re.findall(r'<h2><a href="[^"]+">([^<]+)</a>', page)


def accept(app, thread_id, asker, post_id):
    with app.app_context():
        state = get_state(app)
        solutions.accept(state, forum_user(app, asker), db.session.get(state.models.Thread, thread_id), post_id)
    index_search(app)


def test_a_solved_thread_beats_an_unsolved_one_that_matches_as_well(app, client, people):
    unsolved = make_thread(
        app,
        people.asker,
        title="Scanner makes blurry pages",
        body="The scanner output is blurry.",
        answers=[(people.helper, "Clean the glass")],
    )
    solved = make_thread(
        app,
        people.helper,
        title="Scanner makes blurry pages",
        body="The scanner output is blurry.",
        answers=[(people.agent, "Clean the glass")],
    )
    assert titles(client.get(f"{PREFIX}/search?q=blurry scanner")) == ["Scanner makes blurry pages"] * 2
    accept(app, solved, people.helper, 4)
    page = client.get(f"{PREFIX}/search?q=blurry scanner").text
    assert page.index(f'/t/{solved}"') < page.index(f'/t/{unsolved}"')
    accept(app, unsolved, people.asker, 2)
    with app.app_context():
        state = get_state(app)
        solutions.unaccept(state, forum_user(app, people.helper), db.session.get(state.models.Thread, solved))
    page = client.get(f"{PREFIX}/search?q=blurry scanner").text
    assert page.index(f'/t/{unsolved}"') < page.index(f'/t/{solved}"')


def test_word_forms_match(app, client, people):
    make_thread(app, people.asker, title="The printer on floor two is offline", body="It says offline.")
    make_thread(app, people.asker, title="Outlook crashed twice this morning", body="It closes by itself.")
    assert titles(client.get(f"{PREFIX}/search?q=printing")) == ["The printer on floor two is offline"]
    assert titles(client.get(f"{PREFIX}/search?q=crashes")) == ["Outlook crashed twice this morning"]


def test_answers_are_searched_and_snippets_are_highlighted_and_safe(app, client, people):
    make_thread(
        app,
        people.asker,
        title="Teams camera shows black",
        body="<b>nothing</b> works",
        answers=[(people.helper, "Slide the privacy shutter open <script>alert(1)</script>")],
    )
    page = client.get(f"{PREFIX}/search?q=shutter").text
    assert "Teams camera shows black" in page
    assert "<mark>shutter</mark>" in page
    assert "<script>alert" not in page  # text that looks like markup is shown as text, never run


def test_a_late_answer_in_a_long_thread_is_found_and_its_edit_after_one_worker_pass(app, client, people):
    answers = [
        (people.helper if n % 2 else people.agent, f"Answer number {n}: try restarting it.") for n in range(1, 301)
    ]
    answers[249] = (people.helper, "Answer number 250: reseat the quuxbridge connector under the desk.")
    thread_id = make_thread(app, people.asker, title="Docking station drops the screen", answers=answers)
    with app.app_context():
        Post = get_state(app).models.Post
        late = db.session.scalar(
            sa.select(Post.id).where(Post.thread_id == thread_id, ~Post.is_question).order_by(Post.id).offset(249)
        )
    page = client.get(f"{PREFIX}/search?q=quuxbridge").text
    assert titles_of(page) == ["Docking station drops the screen"]
    assert f'href="{PREFIX}/p/{late}"' in page  # straight to the answer, on whichever page it is
    assert "reseat the <mark>quuxbridge</mark> connector" in page
    assert client.get(f"{PREFIX}/p/{late}").status_code in (301, 302, 303)
    login(client, people.helper)
    edited = post_form(
        client, f"{PREFIX}/p/{late}/edit", f"{PREFIX}/p/{late}/edit", {"body": "Reseat the frobnicator cable."}
    )
    assert edited.status_code == 302
    assert titles(client.get(f"{PREFIX}/search?q=frobnicator")) == []  # the request only marked it
    assert index_search(app) == 1
    assert titles(client.get(f"{PREFIX}/search?q=frobnicator")) == ["Docking station drops the screen"]
    assert titles(client.get(f"{PREFIX}/search?q=quuxbridge")) == []
    assert len(titles(client.get(f"{PREFIX}/search?q=restarting"))) == 1  # 299 matching answers, one thread


def _laptops_everywhere_and_one_zebrafish(app, people):
    """A word in every thread ("laptop") and one in a single thread ("zebrafish")."""
    from forum.search import engine

    with app.app_context():
        state = get_state(app)
        asker = forum_user(app, people.asker)
        for n in range(engine.COMMON_MIN_DOCS):
            posting.create_thread(state, asker, category_id=1, title=f"Laptop question {n}", body="My laptop is slow.")
    make_thread(app, people.helper, title="Docking station hums", body="A zebrafish-shaped sticker rattles.")


def test_a_word_in_a_great_many_documents_does_not_decide_what_matches(app, client, people):
    from forum.search import engine

    _laptops_everywhere_and_one_zebrafish(app, people)
    with app.app_context():
        assert engine.common_words(get_state(app), ["laptop", "zebrafish"]) == {"laptop"}
    # "laptop" is everywhere, so the rarer word decides: the one thread about the sticker, without the laptop.
    assert titles(client.get(f"{PREFIX}/search?q=laptop zebrafish")) == ["Docking station hums"]
    # Only common words: documents with them are still found, the newest first among equals.
    found = titles(client.get(f"{PREFIX}/search?q=laptop"))
    assert len(found) == 20 and all(t.startswith("Laptop question") for t in found)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_on_postgresql_the_statistics_it_keeps_say_which_words_are_common(app, people):
    from forum.search import engine

    _laptops_everywhere_and_one_zebrafish(app, people)
    with app.app_context():
        db.session.execute(sa.text("ANALYZE forum_search_doc"))
        connection = db.session.connection()
        # Read from what ANALYZE kept, without counting documents: "laptop" in all of them, "zebrafish" in one.
        assert engine._listed(connection, ["laptop", "zebrafish"], 2 * engine.COMMON_MIN_DOCS) == {
            "laptop": True,
            "zebrafish": False,
        }


def test_whole_words_come_first_and_words_that_start_with_them_fill_a_short_page(app, client, people):
    for i in range(21):
        make_thread(app, people.asker, title=f"How do I print form {i:02d}", body="It needs a signature.")
    make_thread(app, people.asker, title="Printer jams on every page", body="Paper crumples.")
    # More than a page of threads with the word itself: those, and not every word that starts with it.
    first, second = (
        titles(client.get(f"{PREFIX}/search?q=print")),
        titles(client.get(f"{PREFIX}/search?q=print&page=2")),
    )
    assert len(first) == 20 and len(second) == 1
    assert "Printer jams on every page" not in first + second
    # A page or less with the word itself: words that start with it join them ("sign" finds "signature").
    make_thread(app, people.asker, title="Where do I sign the laptop loan", body="Nobody knows.")
    found = titles(client.get(f"{PREFIX}/search?q=sign"))
    assert len(found) == 20 and "Where do I sign the laptop loan" in found
    assert titles(client.get(f"{PREFIX}/search?q=jam")) == ["Printer jams on every page"]
    assert titles(client.get(f"{PREFIX}/search?q=crump")) == ["Printer jams on every page"]


def test_the_index_follows_edits_deletes_and_restores(app, client, people):
    thread_id = make_thread(app, people.asker, title="Wifi drops in meeting rooms", body="Only in room 4.")
    login(client, people.asker)
    post_form(
        client,
        f"{PREFIX}/p/1/edit",
        f"{PREFIX}/p/1/edit",
        {"title": "Wireless drops in meeting rooms", "category_id": "1", "body": "Only in the boardroom."},
    )
    assert titles(client.get(f"{PREFIX}/search?q=wifi")) == ["Wifi drops in meeting rooms"]  # until the worker's pass
    assert index_search(app) == 1
    assert titles(client.get(f"{PREFIX}/search?q=boardroom")) == ["Wireless drops in meeting rooms"]
    assert titles(client.get(f"{PREFIX}/search?q=wifi")) == []
    post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/1/delete", {})
    assert titles(client.get(f"{PREFIX}/search?q=boardroom")) == []  # removals leave search at once
    index_search(app)
    assert titles(client.get(f"{PREFIX}/search?q=boardroom")) == []
    client.get("/logout")
    login(client, people.agent)
    post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/1/restore", {})
    index_search(app)
    assert titles(client.get(f"{PREFIX}/search?q=boardroom")) == ["Wireless drops in meeting rooms"]
    make_thread(app, people.helper, title="Another thread about printers", answers=[(people.agent, "Gone answer text")])
    assert titles(client.get(f"{PREFIX}/search?q=gone answer")) == ["Another thread about printers"]
    with app.app_context():
        state = get_state(app)
        posting.set_deleted(state, forum_user(app, people.agent), db.session.get(state.models.Post, 3), True)
    assert titles(client.get(f"{PREFIX}/search?q=gone answer")) == []


def test_filters_solved_category_and_keyword(app, client, people):
    with app.app_context():
        Category = get_state(app).models.Category
        db.session.add(Category(name="Printers", slug="printers", position=1))
        db.session.commit()
    first = make_thread(
        app,
        people.asker,
        title="Printer jams every morning",
        tags="paper",
        answers=[(people.helper, "Fan the paper")],
        category_id=2,
    )
    make_thread(app, people.asker, title="Printer prints faint pages", tags="toner")
    accept(app, first, people.asker, 2)
    assert titles(client.get(f"{PREFIX}/search?q=printer&solved=1")) == ["Printer jams every morning"]
    assert titles(client.get(f"{PREFIX}/search?q=printer&category=printers")) == ["Printer jams every morning"]
    assert titles(client.get(f"{PREFIX}/search?q=printer&tag=toner")) == ["Printer prints faint pages"]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "x" * 5000,
        '"',
        "*",
        "NEAR",
        "OR",
        "-",
        "a OR b",
        'outlook" OR "',
        "NEAR(outlook password)",
        "-outlook",
        "outlook*",
        "ünïcödé 日本語 ✓",
        "'; DROP TABLE forum_thread; --",
        "%_\\",
        "the and of",
    ],
)
def test_odd_input_never_produces_an_error_page(app, client, people, query):
    make_thread(app, people.asker, title="Outlook asks for my password", body="Again and again.")
    response = client.get(f"{PREFIX}/search", query_string={"q": query})
    assert response.status_code == 200
    assert "Search" in response.text


def test_results_are_paginated(app, client, people):
    for i in range(25):
        make_thread(app, people.asker, title=f"Keyboard problem number {i:02d}", body="Keys stick.")
    first = client.get(f"{PREFIX}/search?q=keyboard")
    assert len(titles(first)) == 20 and 'rel="next"' in first.text
    second = client.get(f"{PREFIX}/search?q=keyboard&page=2")
    assert len(titles(second)) == 5 and 'rel="prev"' in second.text
    assert set(titles(first)).isdisjoint(titles(second))


def test_search_widens_to_some_words_when_none_has_all(app, client, people):
    make_thread(app, people.asker, title="Monitor flickers after lunch")
    page = client.get(f"{PREFIX}/search?q=monitor kangaroo")
    assert titles(page) == ["Monitor flickers after lunch"]
    assert "Nothing had all of your words" in page.text


def test_suggestions_show_solved_threads_and_count_what_happens(app, client, people):
    solved = make_thread(
        app, people.helper, title="VPN disconnects every hour", answers=[(people.agent, "Update the client")]
    )
    make_thread(app, people.helper, title="VPN slow at home")  # unsolved: never suggested
    accept(app, solved, people.helper, 2)
    login(client, people.asker)
    ask_page = client.get(f"{PREFIX}/ask").text
    attempt = re.search(r'name="attempt" type="hidden" value="(\w+)"', ask_page).group(1)
    shown = suggest(client, "my vpn keeps disconnecting", attempt)
    assert shown.status_code == 200
    assert re.findall(r"</span> ([^<]+)</summary>", shown.text) == ["VPN disconnects every hour"]
    assert "1 answer that might solve it" in shown.text
    opened = client.get(f"{PREFIX}/suggest/open", query_string={"kind": "thread", "id": solved, "attempt": attempt})
    assert "Update the client" in opened.text and "This solved my problem" in opened.text
    token = csrf_token(client, f"{PREFIX}/ask")
    done = client.post(
        f"{PREFIX}/suggest/solved",
        data={"csrf_token": token, "kind": "thread", "id": solved, "attempt": attempt},
        headers={"HX-Request": "true"},
    )
    assert "Glad that solved it!" in done.text
    # someone else sees suggestions but posts anyway
    client.get("/logout")
    login(client, people.admin)
    page = client.get(f"{PREFIX}/ask").text
    other = re.search(r'name="attempt" type="hidden" value="(\w+)"', page).group(1)
    suggest(client, "vpn disconnects", other)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post(
        f"{PREFIX}/ask",
        data={
            "csrf_token": token,
            "attempt": other,
            "title": "VPN disconnects on Fridays",
            "category_id": "1",
            "body": "Only Fridays.",
        },
    )
    client.get("/logout")
    login(client, people.agent)
    numbers = client.get(f"{PREFIX}/admin/suggestions").text
    row = re.search(r"<tr><td>[^<]*\d{4}</td>(.*?)</tr>", numbers).group(1)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["2", "1", "1", "1", "50%"]
    client.get("/logout")
    login(client, people.helper)
    assert client.get(f"{PREFIX}/admin/suggestions").status_code == 403


def test_suggestions_say_so_when_nothing_matches(app, client, people):
    login(client, people.asker)
    assert "No earlier answers match yet" in suggest(client, "zebra crossing").text
    assert "As you type" in suggest(client, "").text


def test_articles_are_written_by_the_it_team_and_found_by_search(app, client, people):
    login(client, people.helper)
    assert client.get(f"{PREFIX}/articles/new").status_code == 403
    client.get("/logout")
    login(client, people.agent)
    response = post_form(
        client,
        f"{PREFIX}/articles/new",
        f"{PREFIX}/articles/new",
        {"title": "Set up the VPN on a home computer", "category_id": "1", "body": "1. Install it"},
    )
    assert response.status_code == 302
    assert "This is a draft" in client.get(response.location).text
    assert titles(client.get(f"{PREFIX}/search?q=home computer vpn")) == []
    edit_url = response.location + "/edit"
    post_form(
        client,
        edit_url,
        edit_url,
        {"title": "Set up the VPN on a home computer", "category_id": "1", "body": "1. Install it", "publish": "1"},
    )
    client.get("/logout")
    index_search(app)
    assert titles(client.get(f"{PREFIX}/search?q=home computer vpn")) == ["Set up the VPN on a home computer"]
    assert "Set up the VPN on a home computer" in client.get(f"{PREFIX}/articles").text


def test_an_accepted_answer_grows_into_an_article_and_its_author_is_credited(app, client, people):
    thread_id = make_thread(
        app,
        people.asker,
        title="How do I map the S drive?",
        answers=[(people.helper, "Open File Explorer and choose **Map network drive**.")],
    )
    accept(app, thread_id, people.asker, 2)
    before = 0
    with app.app_context():
        before = ledger.total(get_state(app), people.helper.key)
    login(client, people.agent)
    response = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/promote", {})
    assert response.status_code == 302 and response.location.endswith("/edit")
    form = client.get(response.location).text
    assert "How do I map the S drive?" in form and "Map network drive" in form
    post_form(
        client,
        response.location,
        response.location,
        {"title": "Map the S drive", "category_id": "1", "body": "Open File Explorer.", "publish": "1"},
    )
    with app.app_context():
        assert ledger.total(get_state(app), people.helper.key) == before + 25
    client.get("/logout")
    login(client, people.helper)
    assert "is becoming a knowledge article" in client.get(f"{PREFIX}/notifications").text
    article_page = client.get(f"{PREFIX}/articles/1").text
    assert "from an answer by" in article_page and "Hugo Helper" in article_page


def test_only_accepted_answers_become_articles(app, people):
    make_thread(app, people.asker, answers=[(people.helper, "Not accepted")])
    with app.app_context():
        state = get_state(app)
        with pytest.raises(Exception, match="Only an answer that solved"):
            articles.promote(state, forum_user(app, people.agent), db.session.get(state.models.Post, 2))


def test_external_knowledge_joins_search_and_suggestions(database_url, people_factory):
    kb = MemoryKnowledgeBase(
        [ExternalArticle("Reset your password (self-service)", "https://kb.example.com/42", "Use the reset page.")]
    )
    app, client, people = people_factory(FORUM_PLUGINS=[kb])
    make_thread(app, people.asker, title="Password expired this morning")
    page = client.get(f"{PREFIX}/search?q=password").text
    assert "From the IT knowledge base" in page and "https://kb.example.com/42" in page
    login(client, people.asker)
    assert "Reset your password (self-service)" in suggest(client, "password reset").text


def test_a_slow_knowledge_source_is_left_out_not_waited_for(database_url, people_factory):
    slow = MemoryKnowledgeBase([ExternalArticle("Slow article about printers", "https://kb.example.com/1")], delay=2)
    app, client, people = people_factory(FORUM_PLUGINS=[slow], FORUM_EXTERNAL_TIMEOUT=0.05)
    make_thread(app, people.asker, title="Printer is offline again")
    page = client.get(f"{PREFIX}/search?q=printer").text
    assert "Printer is offline again" in page and "Slow article" not in page


def test_upgrading_an_existing_forum_makes_its_threads_searchable(empty_database_url):
    from hostapp import Member, create_app

    from forum.models.migrate import downgrade, upgrade

    app = create_app(empty_database_url)
    with app.app_context():
        Member.__table__.create(db.engine)
        upgrade(app)
        member = Member(full_name="Early Adopter")
        db.session.add(member)
        db.session.commit()
        state = get_state(app)
        posting.create_thread(
            state, state.users.to_forum_user(member), category_id=1, title="Laptop fan is loud", body="Very loud."
        )
        downgrade(app, "0003")
        upgrade(app)
    assert titles(app.test_client().get(f"{PREFIX}/search?q=fan")) == ["Laptop fan is loud"]
    with app.app_context():
        db.engine.dispose()


def test_the_rebuild_command_brings_every_document_back(app, client, people):
    make_thread(
        app, people.asker, title="Docking station not charging", answers=[(people.helper, "Try the USB-C port")]
    )
    with app.app_context():
        db.session.execute(sa.delete(get_state(app).models.SearchDoc))
        db.session.commit()
    assert titles(client.get(f"{PREFIX}/search?q=docking")) == []
    result = app.test_cli_runner().invoke(args=["forum", "search", "rebuild"])
    assert result.exit_code == 0 and "Search is up to date: 1 threads and articles checked." in result.output
    assert titles(client.get(f"{PREFIX}/search?q=docking")) == ["Docking station not charging"]
    assert titles(client.get(f"{PREFIX}/search?q=usb port")) == ["Docking station not charging"]
