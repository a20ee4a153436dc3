"""Live updates: a new answer and the bell reach an open page without a reload, over a stream or, blocked, by polling."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from browser import demo_app, log_in, serve, shot
from helpers import PREFIX, login, make_thread
from servers import wait_for

from forum import get_state
from forum.notifications import live


def test_the_snapshot_as_json_for_pages_that_poll(app, client, people):
    thread_id = make_thread(app, people.asker, title="Keyboard lost its backlight", answers=[(people.helper, "Fn+F5.")])
    login(client, people.asker)
    snap = client.get(f"{PREFIX}/live?thread={thread_id}")
    assert snap.status_code == 200 and snap.headers["Cache-Control"] == "no-store"
    bell = re.search(r'count-badge">(\d+)', client.get(f"{PREFIX}/notifications/bell").text)
    assert snap.json == {"bell": int(bell.group(1)), "answers": 1, "banners": ""}  # the same count as the bell
    client.get("/logout")
    assert client.get(f"{PREFIX}/live?thread={thread_id}").json == {"bell": None, "answers": 1, "banners": ""}
    assert client.get(f"{PREFIX}/live?thread=nonsense").status_code == 404


def test_a_stream_sends_a_snapshot_at_once_and_again_only_when_something_changed(app, people):
    thread_id = make_thread(app, people.asker, title="Docking station beeps")
    with app.app_context():
        state = get_state(app)
        values = iter([1, 1, 2, 2])
        now = [0.0]

        def read() -> live.Snapshot:
            return live.Snapshot(bell=None, answers=next(values), banners="")

        def wait(timeout: float) -> bool:
            now[0] += 5.0  # nothing changed: every wait runs to its timeout
            return False

        out = list(live.stream(state, read, seconds=14, poll=5, clock=lambda: now[0], wait=wait))
    snapshots = [json.loads(line.split("data: ")[1]) for line in out if line.startswith("event: snapshot")]
    assert [s["answers"] for s in snapshots] == [1, 2]  # the unchanged reads sent nothing
    assert thread_id


def test_when_this_process_holds_its_most_streams_a_page_is_told_to_poll(database_url, people_factory):
    app, client, people = people_factory(FORUM_LIVE_STREAMS=0)
    refused = client.get(
        f"{PREFIX}/live", headers={"Accept": "text/event-stream"}, environ_overrides={"wsgi.multithread": True}
    )
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "60"
    assert client.get(f"{PREFIX}/live").json["bell"] is None  # the same snapshot as JSON, for pages that poll


def test_only_a_threaded_server_holds_streams_and_each_gives_its_place_back_even_unread(app, client, people):
    from forum.views.live import STREAMS

    before = STREAMS.open
    stream = {"Accept": "text/event-stream"}
    # A server that is not threaded (gunicorn's sync workers) would lose a whole worker to one tab: it polls.
    assert client.get(f"{PREFIX}/live", headers=stream).status_code == 503 and STREAMS.open == before
    response = client.get(f"{PREFIX}/live", headers=stream, environ_overrides={"wsgi.multithread": True})
    assert response.mimetype == "text/event-stream" and STREAMS.open == before + 1
    response.close()  # what the WSGI server does when the browser goes, read or not
    assert STREAMS.open == before


def two_readers(browser: Any, base: str) -> tuple[Any, Any, Any, Any]:
    """Ana asks a question and keeps it open; Ben opens it too. Both on phones."""
    contexts = [browser.new_context(viewport={"width": 360, "height": 740}) for _ in range(2)]
    ana, ben = (context.new_page() for context in contexts)
    log_in(ana, base, "ana")
    ana.goto(f"{base}/community/ask")
    ana.get_by_label("Title: what is the problem, in one sentence?").fill("Headset crackles in every call")
    ana.get_by_label("Category").select_option(label="Laptops & phones")
    ana.get_by_label("Details: what did you try, and what happened?").fill("Since the update.")
    ana.get_by_role("button", name="Post your question").click()
    ana.wait_for_url(re.compile(r".*/community/t/\d+/.*"))
    log_in(ben, base, "ben")
    ben.goto(ana.url)
    return contexts[0], contexts[1], ana, ben


def answer(page: Any, text: str) -> None:
    page.get_by_label("Your answer").fill(text)
    page.get_by_role("button", name="Post your answer").click()
    page.locator("#answers").get_by_text(text).wait_for()


@pytest.mark.browser
def test_a_new_answer_and_the_bell_reach_an_open_page_over_the_stream(tmp_path_factory, browser):
    app = demo_app(tmp_path_factory, "live", FORUM_BELL_SECONDS=600)  # the bell's own polling cannot be what we see
    with serve(app) as base:
        first, second, ana, ben = two_readers(browser, base)
        try:
            bell_before = ana.locator("#forum-bell").text_content()
            answer(ben, "Turn off the audio enhancements.")
            notice = ana.locator("#live-answers")
            notice.get_by_text("1 new answer.").wait_for(timeout=5000)
            # The bell is inside the folded phone menu: its count changes there, unseen until the menu opens.
            wait_for(lambda: ana.locator("#forum-bell").text_content() != bell_before, timeout=5)
            shot(ana, "live-new-answer-phone")
            notice.get_by_role("link", name="Show it").click()
            ana.locator("#answers").get_by_text("Turn off the audio enhancements.").wait_for()
            assert notice.inner_text() == ""
        finally:
            first.close()
            second.close()


@pytest.mark.browser
def test_with_the_stream_blocked_the_page_polls_and_still_shows_the_new_answer(tmp_path_factory, browser):
    app = demo_app(tmp_path_factory, "live", FORUM_BELL_SECONDS=2)
    with serve(app) as base:
        first, second, ana, ben = two_readers(browser, base)
        try:
            # A proxy that drops event streams: only the JSON snapshot gets through.
            ana.route(
                "**/community/live?thread=*",
                lambda route: (
                    route.abort() if "event-stream" in route.request.headers.get("accept", "") else route.continue_()
                ),
            )
            ana.reload()
            answer(ben, "Update the headset's firmware.")
            ana.locator("#live-answers").get_by_text("1 new answer.").wait_for(timeout=10000)
        finally:
            first.close()
            second.close()
