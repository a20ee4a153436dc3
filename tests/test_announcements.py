"""Announcements and their banners, thread and community timelines, Atom feeds (read by feedparser), team chat."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import feedparser
import sqlalchemy as sa
from helpers import PREFIX, csrf_token, forum_user, login, make_thread, post_form
from hostapp import db
from servers import wait_for

from forum import get_state
from forum.desk.escalation import escalate
from forum.notifications import announcements
from forum.threads import posting, solutions
from forum.worker import run_once
from plugin_api.chat import ChatWebhook
from plugin_api.desk import MemoryDesk

NEW = f"{PREFIX}/announcements/new"


def publish(client, **fields):
    data = {
        "kind": "outage",
        "severity": "major",
        "title": "Email is down for everyone",
        "services": "Email, Calendar",
        "body": "We are looking into it.",
        **fields,
    }
    return post_form(client, NEW, NEW, data, follow_redirects=True)


def notices(app, member, kind):
    with app.app_context():
        N = get_state(app).models.Notification
        return list(db.session.scalars(sa.select(N.message).where(N.user_id == member.key, N.kind == kind)))


def test_an_outage_is_announced_to_everyone_and_shown_as_a_banner(app, client, people):
    login(client, people.agent)
    page = publish(client)
    assert "Published. Everyone it concerns has been told." in page.text
    assert "Email is down for everyone" in page.text and "Email, Calendar" in page.text
    for person in (people.asker, people.helper, people.admin):
        assert notices(app, person, "announcement") == ["Outage: Email is down for everyone"]
    assert notices(app, people.agent, "announcement") == []  # not told of their own announcement
    guest = app.test_client()
    home = guest.get(f"{PREFIX}/")
    assert 'class="forum-banner severity-major kind-outage"' in home.text
    assert "Affects: Email, Calendar." in home.text


def test_bad_announcements_change_nothing_and_only_the_it_team_may_publish(app, client, people):
    login(client, people.asker)
    assert client.get(NEW).status_code == 403
    login(client, people.agent)
    response = publish(client, starts_at="2026-12-01T18:00", ends_at="2026-12-01T17:00")
    assert response.status_code == 400 and "The end must come after the start." in response.text
    response = publish(client, kind="party")
    assert response.status_code == 400 and "Please choose what kind of announcement this is." in response.text
    response = publish(client, starts_at="next tuesday")
    assert response.status_code == 400 and "like 2026-12-01 18:00" in response.text
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(get_state(app).models.Announcement)) == 0


def test_banners_are_dismissed_per_person_and_go_when_it_is_over(app, client, people):
    login(client, people.agent)
    publish(client)
    login(client, people.asker)
    token = csrf_token(client, f"{PREFIX}/")
    assert (
        client.post(
            f"{PREFIX}/announcements/1/dismiss", data={"csrf_token": token}, headers={"HX-Request": "true"}
        ).text
        == ""
    )
    assert "forum-banner" not in client.get(f"{PREFIX}/").text
    other = app.test_client()
    login(other, people.helper)
    assert "forum-banner" in other.get(f"{PREFIX}/").text
    guest = app.test_client()
    guest_page = guest.get(f"{PREFIX}/")
    assert "forum-banner" in guest_page.text and "csrf_token" not in guest_page.text  # no session for guests
    guest.post(f"{PREFIX}/announcements/1/dismiss")
    assert "forum-banner" not in guest.get(f"{PREFIX}/").text  # a guest's choice lives in a cookie
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(get_state(app).models.AnnouncementPerson)) == 2
    login(client, people.agent)
    post_form(
        client,
        f"{PREFIX}/announcements/1",
        f"{PREFIX}/announcements/1/updates",
        {"status": "Fixed", "body": "Mail flows again.", "closes": "yes"},
    )
    assert "forum-banner" not in other.get(f"{PREFIX}/").text


def test_updates_reach_subscribers_and_affected_people_who_are_counted(app, client, people):
    login(client, people.agent)
    publish(client)
    login(client, people.asker)
    page = post_form(
        client,
        f"{PREFIX}/announcements/1",
        f"{PREFIX}/announcements/1/me",
        {"choice": "affected"},
        follow_redirects=True,
    )
    assert "The IT team can see how many people are affected" in page.text
    assert '<dd id="affected-count">1</dd>' in page.text
    other = app.test_client()
    login(other, people.helper)
    post_form(other, f"{PREFIX}/announcements/1", f"{PREFIX}/announcements/1/me", {"choice": "subscribe"})
    login(client, people.agent)
    page = post_form(
        client,
        f"{PREFIX}/announcements/1",
        f"{PREFIX}/announcements/1/updates",
        {"status": "Identified", "body": "A certificate expired."},
        follow_redirects=True,
    )
    assert "Update posted." in page.text and "A certificate expired." in page.text
    assert notices(app, people.asker, "announcement_update") == ["Update on “Email is down for everyone”: Identified."]
    assert notices(app, people.helper, "announcement_update") == ["Update on “Email is down for everyone”: Identified."]
    assert notices(app, people.admin, "announcement_update") == []
    assert notices(app, people.agent, "announcement_update") == []
    bad = post_form(client, f"{PREFIX}/announcements/1", f"{PREFIX}/announcements/1/me", {"choice": "explode"})
    assert bad.status_code == 400


def test_a_category_announcement_reaches_only_that_categorys_watchers(app, client, people):
    with app.app_context():
        from forum.notifications.following import set_level

        set_level(get_state(app), forum_user(app, people.helper), "category", 1, "watching")
    login(client, people.agent)
    publish(client, kind="maintenance", severity="minor", title="Printer server restart tonight", category_id="1")
    assert notices(app, people.helper, "announcement") == ["Planned maintenance: Printer server restart tonight"]
    assert notices(app, people.asker, "announcement") == []


def test_a_thread_timeline_tells_its_story_in_order_with_jump_links(people_factory):
    app, client, people = people_factory(FORUM_DESK_CONNECTOR=MemoryDesk())
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Safe mode.")])
    with app.app_context():
        state = get_state(app)
        thread = posting.get_thread(state, thread_id, None)
        posting.edit_post(
            state, forum_user(app, people.helper), db.session.get(state.models.Post, 2), body="Start it in safe mode."
        )
        escalate(state, thread, by=forum_user(app, people.asker))
        solutions.accept(state, forum_user(app, people.asker), posting.get_thread(state, thread_id, None), 2)
    login(client, people.agent)
    publish(
        client, kind="news", title="Outlook update fixes the crash", body=f"See {PREFIX}/t/{thread_id} for details."
    )
    page = client.get(f"{PREFIX}/t/{thread_id}").text
    aside = page[page.index('class="thread-timeline"') : page.index("</aside>")]
    order = [
        "Ana Asker asked the question",
        "Hugo Helper answered",
        "Hugo Helper edited a post",
        "Sent to the IT team",
        "Ana Asker marked an answer as the solution",
        "Mentioned in the announcement “Outlook update fixes the crash”.",
    ]
    positions = [aside.index(text) for text in order]
    assert positions == sorted(positions)
    assert 'href="#post-1">Ana Asker asked the question' in aside and 'href="#post-2">Hugo Helper answered' in aside


def test_whats_happening_and_its_atom_feeds_parse_cleanly(app, client, people):
    thread_id = make_thread(
        app,
        people.asker,
        title="Wifi drops in room 4",
        tags="wifi",
        answers=[(people.helper, "Move away from the microwave.")],
    )
    with app.app_context():
        state = get_state(app)
        solutions.accept(state, forum_user(app, people.asker), posting.get_thread(state, thread_id, None), 2)
    login(client, people.agent)
    publish(client, kind="upgrade", severity="info", title="Windows upgrade next weekend")
    post_form(
        client,
        f"{PREFIX}/announcements/1",
        f"{PREFIX}/announcements/1/updates",
        {"status": "Scheduled", "body": "Saturday 10:00."},
    )
    page = client.get(f"{PREFIX}/happening")
    assert "Windows upgrade next weekend" in page.text and "Solved: Wifi drops in room 4" in page.text
    only = client.get(f"{PREFIX}/happening?kind=solved").text
    main = only[only.index('id="forum-main"') :]  # the banner above still names the upgrade
    assert "Windows upgrade" not in main and "Solved: Wifi drops in room 4" in main

    for url, expected in [
        (f"{PREFIX}/feeds/happening.atom", {"Windows upgrade next weekend", "Solved: Wifi drops in room 4"}),
        (f"{PREFIX}/feeds/c/general.atom", {"New question: Wifi drops in room 4", "Solved: Wifi drops in room 4"}),
        (f"{PREFIX}/feeds/tags/wifi.atom", {"New question: Wifi drops in room 4", "Solved: Wifi drops in room 4"}),
        (
            f"{PREFIX}/feeds/announcements/1.atom",
            {"Windows upgrade next weekend", "Scheduled: Windows upgrade next weekend"},
        ),
    ]:
        response = client.get(url)
        assert response.mimetype == "application/atom+xml"
        feed = feedparser.parse(response.data)
        assert feed.bozo == 0, (url, feed.get("bozo_exception"))
        assert feed.version == "atom10"
        assert expected <= {entry.title for entry in feed.entries}, url
        site = app.config["FORUM_SITE_URL"]  # FORUM_SITE_URL, never the Host header
        assert all(entry.link.startswith(f"{site}/help/community/") for entry in feed.entries)
        assert len({entry.id for entry in feed.entries}) == len(feed.entries)
    assert client.get(f"{PREFIX}/feeds/c/no-such.atom").status_code == 404


def test_a_host_page_can_show_the_banner_too(people_factory):
    app, client, people = people_factory(FORUM_BASE_TEMPLATE="host_layout.html")

    @app.get("/portal-home")
    def portal_home():
        from flask import render_template_string

        return render_template_string('<main>Portal {% include "forum/partials/_announcements.html" %}</main>')

    login(client, people.agent)
    publish(client)
    assert "Email is down for everyone" in app.test_client().get("/portal-home").text


class ChatSink(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):
        ChatSink.received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_new_questions_and_announcements_reach_team_chat(people_factory):
    server = ThreadingHTTPServer(("127.0.0.1", 0), ChatSink)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    ChatSink.received = []
    slack = ChatWebhook(f"http://127.0.0.1:{server.server_address[1]}/slack")
    teams = ChatWebhook(f"http://127.0.0.1:{server.server_address[1]}/teams", style="teams")
    try:
        app, client, people = people_factory(FORUM_PLUGINS=[slack, teams], FORUM_SITE_URL="https://portal.example.com")
        make_thread(app, people.asker, title="Where do I find the new VPN app?")
        with app.app_context():
            announcements.publish(
                get_state(app),
                forum_user(app, people.agent),
                kind="outage",
                title="VPN is down",
                body="Use the office network.",
                services="VPN",
            )
        with app.app_context():  # the worker sends what the plugins put in the outbox
            assert run_once(get_state(app), "test-worker", parts=("mail",))["posts"] == 4
        wait_for(lambda: len(ChatSink.received) == 4)
    finally:
        server.shutdown()
    texts = [m["text"] for m in ChatSink.received if "text" in m]
    assert any(
        t.startswith("New question in the community, waiting for an answer: Where do I find the new VPN app?")
        for t in texts
    )
    assert any(
        t.startswith(
            "Announcement: VPN is down (affects VPN) <https://portal.example.com/help/community/announcements/1|Open>"
        )
        for t in texts
    )
    cards = [m for m in ChatSink.received if m.get("type") == "message"]
    assert len(cards) == 2
    assert cards[0]["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"


def test_a_long_run_of_answers_is_shortened_in_the_timeline(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, f"Idea number {i}") for i in range(12)])
    page = client.get(f"{PREFIX}/t/{thread_id}").text
    aside = page[page.index('class="thread-timeline"') : page.index("</aside>")]
    assert aside.count("Hugo Helper answered") == 4 and "8 more answers" in aside
    assert 'href="#post-4">8 more answers' in aside


class FlakyChat(BaseHTTPRequestHandler):
    """A chat that is down (503) until told otherwise, then takes messages; or refuses them (400)."""

    answer = 503
    received: list = []

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if FlakyChat.answer == 200:
            FlakyChat.received.append(body)
        self.send_response(FlakyChat.answer)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_a_chat_that_is_down_gets_its_messages_later_exactly_once_and_a_refusal_is_kept_for_agents(people_factory):
    from forum.models import utcnow

    server = ThreadingHTTPServer(("127.0.0.1", 0), FlakyChat)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    FlakyChat.answer, FlakyChat.received = 503, []
    try:
        chat = ChatWebhook(f"http://127.0.0.1:{server.server_address[1]}/slack")
        app, client, people = people_factory(FORUM_PLUGINS=[chat], FORUM_DESK_RETRY_SECONDS=0.01)
        make_thread(app, people.asker, title="Where do I find the new VPN app?")
        with app.app_context():
            state = get_state(app)
            assert run_once(state, "worker-1", parts=("mail",))["posts"] == 0  # the chat is down: it waits
            Out = state.models.OutgoingPost
            row = db.session.scalar(sa.select(Out))
            assert row.state == "waiting" and "503" in row.last_error
            FlakyChat.answer = 200
            db.session.execute(sa.update(Out).values(next_attempt_at=utcnow()))
            db.session.commit()
            assert run_once(state, "worker-2", parts=("mail",))["posts"] == 1
            assert run_once(state, "worker-1", parts=("mail",))["posts"] == 0  # never twice
            assert len(FlakyChat.received) == 1

            FlakyChat.answer = 400
        make_thread(app, people.asker, title="Printer on floor 2 is offline")
        with app.app_context():
            assert run_once(state, "worker-1", parts=("mail",))["posts"] == 0
            refused = db.session.scalar(sa.select(Out).where(Out.state == "failed"))
            assert refused is not None and "400" in refused.last_error
        login(client, people.agent)
        admin = client.get(f"{PREFIX}/admin/desk").text
        assert "Posts to other services that were refused" in admin and "HTTP 400" in admin
    finally:
        server.shutdown()
