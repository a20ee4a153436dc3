"""Suggestions by meaning: paraphrases find their thread, unrelated questions get nothing, people teach it."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from helpers import PREFIX, csrf_token, forum_user, index_search, login, make_thread, post_form, suggest
from hostapp import db

from forum import get_state
from forum.gamification import levels
from forum.search import ranking
from forum.threads import posting, solutions
from forum.worker import run_once

WIFI = ("Wireless network not detected after update", "Since the update the office network is missing from the list.")
PRINTER = ("Printer on floor 3 prints blank pages", "Everything I send comes out as empty sheets.")
RESTART = ("Update keeps asking me to restart", "A message about restarting appears every hour.")


def solved(app, people, title, question, answer="Here is what fixed it for me.", asker=None):
    """A question with an accepted answer, through the services."""
    asker = asker or people.asker
    thread_id = make_thread(app, asker, title=title, body=question, answers=[(people.agent, answer)])
    with app.app_context():
        state = get_state(app)
        thread = db.session.get(state.models.Thread, thread_id)
        answer_id = db.session.scalar(
            sa.select(state.models.Post.id).where(
                state.models.Post.thread_id == thread_id, ~state.models.Post.is_question
            )
        )
        solutions.accept(state, forum_user(app, asker), thread, answer_id)
    index_search(app)
    return thread_id


def worker_pass(app):
    with app.app_context():
        return run_once(get_state(app), "test-worker", parts=("search",))["vectors"]


def suggested(client, text, attempt="a1"):
    page = suggest(client, text, attempt)
    assert page.status_code == 200
    return re.findall(r"</span> ([^<]+)</summary>", page.text)


def test_a_question_in_other_words_finds_the_thread_once_the_worker_has_measured_it(app, client, people):
    solved(app, people, *WIFI, answer="Update the driver of the network adapter, then restart.")
    solved(app, people, *PRINTER, answer="The toner was empty.")
    login(client, people.asker)
    typed = "my laptop can't see the wifi"  # not one word in common with the thread
    assert suggested(client, typed) == []
    assert worker_pass(app) == 2
    assert suggested(client, typed) == [WIFI[0]]
    assert suggested(client, "my printer gives blank paper")[0] == PRINTER[0]


def test_an_unrelated_question_gets_no_suggestion_where_words_alone_gave_one(database_url, people_factory):
    for semantic in (False, True):
        app, client, people = people_factory(FORUM_SEMANTIC=semantic)
        solved(app, people, *RESTART, answer="Save your work and restart once.")
        worker_pass(app)
        login(client, people.asker)
        shown = suggested(client, "VPN keeps disconnecting when working from home")
        # Words alone matched "keeps"; by meaning, an update reminder has nothing to do with the VPN.
        assert shown == ([] if semantic else [RESTART[0]])


def test_vectors_follow_edits_and_deletes_after_a_worker_pass(app, client, people):
    thread_id = solved(app, people, *PRINTER)
    worker_pass(app)
    login(client, people.asker)
    assert suggested(client, "my printer gives blank paper") == [PRINTER[0]]
    new_title = "Meeting room projector shows no picture"
    with app.app_context():
        state = get_state(app)
        thread = db.session.get(state.models.Thread, thread_id)
        question = posting.question_of(state, thread)
        posting.edit_post(
            state,
            forum_user(app, people.asker),
            question,
            title=new_title,
            body="The big screen in room 2.14 stays blue.",
        )
    assert worker_pass(app) == 1
    assert suggested(client, "my printer gives blank paper") == []
    assert suggested(client, "the beamer in the conference room shows nothing") == [new_title]
    with app.app_context():
        state = get_state(app)
        question = posting.question_of(state, db.session.get(state.models.Thread, thread_id))
        posting.set_deleted(state, forum_user(app, people.asker), question, True)
    assert worker_pass(app) == 1
    assert suggested(client, "the beamer in the conference room shows nothing") == []
    with app.app_context():
        Vector = get_state(app).models.SearchVector
        assert db.session.scalar(sa.select(Vector.vector).where(Vector.ref_id == thread_id)) is None


def test_where_the_model_cannot_load_suggestions_match_words_and_the_admin_page_says_why(database_url, people_factory):
    app, client, people = people_factory(FORUM_SEMANTIC_MODEL="no_such_model")
    solved(app, people, *PRINTER)
    assert worker_pass(app) == 0  # nothing to measure with, and no failure
    login(client, people.asker)
    assert suggested(client, "printer blank pages") == [PRINTER[0]]
    client.get("/logout")
    login(client, people.agent)
    page = client.get(f"{PREFIX}/admin/suggestions").text
    assert "Suggestions match by words only" in page and "no_such_model" in page


def test_the_admin_page_counts_what_is_measured_and_what_waits(app, client, people):
    solved(app, people, *PRINTER)
    login(client, people.agent)
    assert "1 change waits for the background worker" in client.get(f"{PREFIX}/admin/suggestions").text
    worker_pass(app)
    page = client.get(f"{PREFIX}/admin/suggestions").text
    assert "match by meaning as well as by words" in page
    assert "1 solved question or article is measured by meaning." in page and "waits" not in page


@pytest.mark.parametrize("semantic", [True, False], ids=["hybrid", "words-only"])
def test_what_solved_peoples_problems_rises_and_the_it_team_sees_why(database_url, people_factory, semantic):
    app, client, people = people_factory(FORUM_SEMANTIC=semantic)
    first = solved(app, people, "Outlook keeps asking for my password", "It pops up again and again.")
    second = solved(
        app, people, "Outlook keeps asking for my password", "It pops up again and again.", asker=people.helper
    )
    worker_pass(app)
    login(client, people.helper)
    typed = "outlook asks for my password all the time"
    with app.app_context():
        assert [s.hit.ref_id for s in ranking.rank(get_state(app), typed)] == [first, second]  # equal: older first
    page = f"{PREFIX}/ask"
    for attempt in ("b1", "b2"):
        suggested(client, typed, attempt)
        post_form(client, page, f"{PREFIX}/suggest/solved", {"kind": "thread", "id": str(second), "attempt": attempt})
    with app.app_context():
        order = [s.hit.ref_id for s in ranking.rank(get_state(app), typed)]
    assert order[:2] == [second, first]
    # Someone is shown both and asks anyway: both count as passed over.
    suggested(client, typed, "c1")
    token = csrf_token(client, page)
    client.post(
        page,
        data={
            "csrf_token": token,
            "title": "Outlook password prompt again",
            "body": "Still asking.",
            "category_id": "1",
            "attempt": "c1",
        },
    )
    client.get("/logout")
    login(client, people.agent)
    why = client.get(f"{PREFIX}/suggest", query_string={"title": typed, "attempt": "d1"}).text
    assert "Solved the problem for 2 people before." in why
    assert why.count("Passed over 1 time by people who asked anyway.") == 2
    assert "Shares words with the question" in why
    assert ("Close in meaning:" in why) is semantic and "Not measured" not in why


def test_feedback_lifts_and_lowers_within_bounds():
    assert ranking.feedback_weight(0, 0) == 1
    assert ranking.feedback_weight(4, 0) == 2 and ranking.feedback_weight(100, 0) == 3
    assert ranking.feedback_weight(0, 10) == 0.5 and ranking.feedback_weight(0, 1000) == 1 / 3


def test_similar_questions_on_a_thread_page_and_regulars_mark_the_repeat(app, client, people):
    original = solved(app, people, *WIFI, answer="Update the driver of the network adapter, then restart.")
    solved(app, people, *PRINTER)
    worker_pass(app)
    repeat = make_thread(
        app, people.asker, title="Laptop does not find any wireless networks", body="Nothing in the list."
    )
    page = client.get(f"{PREFIX}/t/{repeat}").text
    assert f'hx-get="{PREFIX}/t/{repeat}/similar"' in page
    similar = client.get(f"{PREFIX}/t/{repeat}/similar").text  # a guest may look too
    assert WIFI[0] in similar and PRINTER[0] not in similar and "is a repeat of it" not in similar
    login(client, people.helper)
    assert "is a repeat of it" not in client.get(f"{PREFIX}/t/{repeat}/similar").text  # Regulars only
    with app.app_context():
        levels.grant(get_state(app), forum_user(app, people.admin), people.helper.key, 2, lock=True)
    similar = client.get(f"{PREFIX}/t/{repeat}/similar").text
    assert "This question is a repeat of it" in similar
    done = post_form(client, f"{PREFIX}/t/{repeat}", f"{PREFIX}/t/{repeat}/duplicate", {"original": str(original)})
    assert done.status_code == 302
    assert "is a repeat of it" not in client.get(f"{PREFIX}/t/{repeat}/similar").text
    with app.app_context():
        assert db.session.get(get_state(app).models.Thread, repeat).duplicate_of_id == original


def test_a_thread_with_nothing_like_it_says_so_plainly(app, client, people):
    solved(app, people, *PRINTER)
    worker_pass(app)
    lonely = make_thread(app, people.asker, title="Which chair can I order for my back?", body="Mine hurts.")
    similar = client.get(f"{PREFIX}/t/{lonely}/similar").text
    assert "No solved questions like this one yet." in similar and PRINTER[0] not in similar


def test_the_embed_command_measures_what_waits_and_again_after_a_model_change(app, client, people):
    solved(app, people, *WIFI)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["forum", "search", "embed"])
    assert result.exit_code == 0 and "1 solved threads and articles are measured by meaning." in result.output
    login(client, people.asker)
    assert suggested(client, "my laptop can't see the wifi") == [WIFI[0]]
    with app.app_context():
        Vector = get_state(app).models.SearchVector
        before = db.session.scalar(sa.select(Vector.seq))
    again = runner.invoke(args=["forum", "search", "embed", "--again"])
    assert again.exit_code == 0
    with app.app_context():
        assert db.session.scalar(sa.select(Vector.seq)) > before  # measured again, and numbered after


def test_the_embed_command_says_plainly_when_the_model_cannot_load(database_url, people_factory):
    app, _, _ = people_factory(FORUM_SEMANTIC_MODEL="no_such_model")
    result = app.test_cli_runner().invoke(args=["forum", "search", "embed"])
    assert result.exit_code == 1 and "could not load" in result.output
