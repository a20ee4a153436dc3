"""The shipped connectors against real servers on loopback: a desk's HTTP intake, an SMTP server, Request Tracker 5."""

from __future__ import annotations

import datetime as dt
import email.policy
import logging
import os
import signal
import subprocess
import sys
import time
from email import message_from_bytes
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from browser import serve
from helpers import PREFIX, forum_user, login, make_thread, post_form
from hostapp import db
from servers import (
    RT_PASSWORD,
    RT_USER,
    fake_desk,
    free_port,
    request_tracker,
    request_tracker_missing,
    wait_for,
)
from standardwebhooks.webhooks import Webhook
from test_desk import SECRET, count, escalate_by_hand, jobs, make_due, models, work

from forum import get_state
from forum.models import utcnow
from plugin_api.connectors.request_tracker import RequestTracker
from plugin_api.desk import DeskRejected, TicketRequest

TESTS = Path(__file__).resolve().parent


def webhook_settings(base: str) -> dict[str, str]:
    return {"url": f"{base}/tickets", "lookup_url": f"{base}/lookup", "secret": SECRET}


# --- the signed webhook connector against a desk's HTTP intake ----------------------------------


def test_tickets_are_posted_signed_and_the_desk_can_check_the_signature(people_factory):
    with fake_desk() as (base, desk):
        app, client, people = people_factory(FORUM_DESK_CONNECTOR="webhook", FORUM_DESK_SETTINGS=webhook_settings(base))
        thread_id = make_thread(app, people.asker, title="Shared drive asks for a password", tags="drives")
        escalate_by_hand(app, thread_id, people.asker)
        assert work(app)["done"] == 1
    (payload,) = desk.requests
    (headers,) = desk.headers
    assert Webhook(SECRET).verify(desk.raw[0], headers) == payload
    assert headers["webhook-id"] == payload["key"]
    assert payload["title"] == "Shared drive asks for a password" and payload["tags"] == ["drives"]
    assert payload["requester"] == {"name": "Ana Asker", "email": "ana@example.com"}
    login(client, people.asker)
    assert "Ticket 1 is waiting for someone in the IT team." in client.get(f"{PREFIX}/t/{thread_id}").text


def test_a_desk_that_is_down_gets_the_ticket_once_it_is_back(people_factory):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    app, client, people = people_factory(FORUM_DESK_CONNECTOR="webhook", FORUM_DESK_SETTINGS=webhook_settings(base))
    escalate_by_hand(app, make_thread(app, people.asker), people.asker)
    assert work(app)["waiting"] == 1
    ((_, state, attempts, error),) = jobs(app)
    assert state == "waiting" and "We could not reach the desk at 127.0.0.1" in error
    with fake_desk(port) as (_, desk):
        make_due(app)
        assert work(app)["done"] == 1
        make_due(app)
        work(app)
    assert len(desk.tickets) == 1


def test_a_slow_desk_that_created_the_ticket_anyway_is_not_sent_a_second_one(people_factory):
    with fake_desk() as (base, desk):
        app, client, people = people_factory(
            FORUM_DESK_CONNECTOR="webhook", FORUM_DESK_SETTINGS=webhook_settings(base), FORUM_DESK_TIMEOUT=0.5
        )
        escalate_by_hand(app, make_thread(app, people.asker), people.asker)
        desk.delay = 1.5
        assert work(app)["waiting"] == 1
        assert "took too long to answer" in jobs(app)[0][3]
        desk.delay = 0
        make_due(app)
        assert work(app)["done"] == 1
    assert len(desk.tickets) == 1 and len(desk.requests) == 1


def test_a_desk_that_says_400_dead_letters_the_ticket_with_its_own_words(people_factory, caplog):
    with fake_desk() as (base, desk):
        app, client, people = people_factory(FORUM_DESK_CONNECTOR="webhook", FORUM_DESK_SETTINGS=webhook_settings(base))
        escalate_by_hand(app, make_thread(app, people.asker), people.asker)
        desk.fail_status, desk.fail_body = 400, "Unknown queue: First line"
        with caplog.at_level(logging.DEBUG):
            assert work(app)["failed"] == 1
    login(client, people.agent)
    admin = client.get(f"{PREFIX}/admin/desk")
    assert "refused while we sent a ticket (HTTP 400). It said: Unknown queue: First line" in admin.text
    assert "set, hidden" in admin.text
    secret_part = SECRET.removeprefix("whsec_")
    assert secret_part not in admin.text and secret_part not in caplog.text


def test_redirects_are_not_followed(people_factory):
    with fake_desk() as (base, desk):
        settings = {**webhook_settings(base), "url": f"{base}/redirect"}
        app, client, people = people_factory(FORUM_DESK_CONNECTOR="webhook", FORUM_DESK_SETTINGS=settings)
        escalate_by_hand(app, make_thread(app, people.asker), people.asker)
        assert work(app)["failed"] == 1
    assert "we do not follow redirects" in jobs(app)[0][3]


def test_the_webhook_connector_takes_ticket_news_through_the_inbound_webhook(people_factory):
    with fake_desk() as (base, desk):
        app, client, people = people_factory(
            FORUM_DESK_CONNECTOR="webhook", FORUM_DESK_SETTINGS=webhook_settings(base), FORUM_DESK_WEBHOOK_SECRET=SECRET
        )
        thread_id = make_thread(app, people.asker)
        escalate_by_hand(app, thread_id, people.asker)
        work(app)
    from test_desk import signed

    body, headers = signed(
        {
            "ticket_id": "1",
            "change_id": "c-1",
            "reply": "Restart the laptop, please.",
            "status": "resolved",
            "resolved": True,
        },
        "news-1",
    )
    assert client.post(f"{PREFIX}/desk/webhook", data=body, headers=headers).status_code == 202
    login(client, people.asker)
    page = client.get(f"{PREFIX}/t/{thread_id}").text
    assert "Restart the laptop, please." in page and "Did the IT team" in page


# --- worker processes: killed mid-delivery, and two at once --------------------------------------


def worker(database_url: str, desk_url: str, *args: str, timeout: str = "15") -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": str(TESTS),
        "FORUM_TEST_DATABASE": database_url,
        "FORUM_TEST_DESK_URL": desk_url,
        "FORUM_TEST_DESK_SECRET": SECRET,
        "FORUM_TEST_DESK_TIMEOUT": timeout,
    }
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "desk_worker_app:app", "forum", "desk", "run", *args],
        env=env,
        cwd=TESTS,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


def test_a_worker_killed_in_the_middle_of_a_delivery_is_resumed_without_a_duplicate(database_url, people_factory):
    with fake_desk() as (base, desk):
        app, client, people = people_factory()
        escalate_by_hand_with_desk(app, people, base)
        desk.delay = 30  # the desk makes the ticket, then takes its time answering
        first = worker(database_url, base, "--interval", "0.2")
        wait_for(lambda: desk.tickets, timeout=30)
        first.send_signal(signal.SIGKILL)
        first.wait()
        ((_, state, attempts, _),) = jobs(app)
        assert (state, attempts) == ("waiting", 1)
        with app.app_context():  # time passes: the dead worker's hold on the job runs out
            db.session.execute(sa.update(models(app).DeskJob).values(locked_until=utcnow() - dt.timedelta(seconds=1)))
            db.session.commit()
        desk.delay = 0
        second = worker(database_url, base, "--once")
        output = second.communicate(timeout=60)[0].decode()
        assert second.returncode == 0, output
        assert "done: 1" in output
    assert len(desk.tickets) == 1
    assert jobs(app)[0][1] == "done"


def escalate_by_hand_with_desk(app, people, base, how_many=1):
    """Escalate ``how_many`` threads while the app knows the desk (the workers read their own settings)."""
    app.config.update(FORUM_DESK_CONNECTOR="webhook", FORUM_DESK_SETTINGS=webhook_settings(base))
    get_state(app)._desk = None
    return [
        escalate_by_hand(app, make_thread(app, people.asker, title=f"Question number {n:03d}"), people.asker)
        for n in range(how_many)
    ]


def test_two_workers_at_once_create_each_ticket_once(database_url, people_factory):
    with fake_desk() as (base, desk):
        app, client, people = people_factory()
        escalate_by_hand_with_desk(app, people, base, how_many=40)
        desk.delay = 0.02
        workers = [worker(database_url, base, "--once") for _ in range(2)]
        outputs = [w.communicate(timeout=120)[0].decode() for w in workers]
        assert all(w.returncode == 0 for w in workers), outputs
    keys = [t["key"] for t in desk.tickets.values()]
    assert len(keys) == 40 and len(set(keys)) == 40
    assert {j[1] for j in jobs(app)} == {"done"}
    assert count(app, "TimelineEvent", kind="ticket_opened") == 40


# --- e-mail to the desk's intake address ---------------------------------------------------------


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content, policy=email.policy.default)))
        return "250 OK"


def smtp_server(port, inbox):
    from aiosmtpd.controller import Controller

    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def test_the_email_connector_sends_the_ticket_to_the_intake_address_and_waits_when_smtp_is_down(people_factory):
    port = free_port()
    settings = {
        "to": "help@desk.example.com",
        "sender": "community@portal.example.com",
        "host": "127.0.0.1",
        "port": str(port),
    }
    app, client, people = people_factory(FORUM_DESK_CONNECTOR="email", FORUM_DESK_SETTINGS=settings)
    thread_id = make_thread(app, people.asker, title="Phone does not get mail", body="Since the update.")
    escalate_by_hand(app, thread_id, people.asker)
    assert work(app)["waiting"] == 1
    assert "We could not reach the mail server" in jobs(app)[0][3]
    inbox = Inbox()
    controller = smtp_server(port, inbox)
    try:
        make_due(app)
        assert work(app)["done"] == 1
    finally:
        controller.stop()
    ((recipients, message),) = inbox.messages
    assert recipients == ["help@desk.example.com"]
    assert message["Subject"] == f"[Community #{thread_id}] Phone does not get mail"
    with app.app_context():
        key = db.session.scalar(sa.select(models(app).Escalation.key))
    assert message["Message-ID"] == f"<forum-{key}@portal.example.com>"
    assert message["Reply-To"] == "Ana Asker <ana@example.com>"
    assert "Since the update." in message.get_payload()


# --- Request Tracker 5, for real -----------------------------------------------------------------

FORUM_PORT = free_port()


@pytest.fixture
def rt():
    reason = request_tracker_missing()
    if reason:
        pytest.skip(reason)
    log = TESTS.parent / ".rt-ci" / "rt-server.log"
    log.parent.mkdir(exist_ok=True)
    with request_tracker(f"http://127.0.0.1:{FORUM_PORT}{PREFIX}/desk/webhook", SECRET, log=log) as url:
        yield url


def rt_settings(url):
    return {"url": url, "user": RT_USER, "password": RT_PASSWORD}


def test_round_trip_thread_to_rt_ticket_and_the_agents_reply_and_resolution_back(rt, people_factory):
    app, client, people = people_factory(
        FORUM_DESK_CONNECTOR="request_tracker",
        FORUM_DESK_SETTINGS=rt_settings(rt),
        FORUM_DESK_WEBHOOK_SECRET=SECRET,
        FORUM_DESK_POLL_SECONDS=3600,
        FORUM_SITE_URL="https://portal.example.com",
    )
    app.config["FORUM_DESK_USER_ID"] = people.agent.key
    thread_id = make_thread(
        app,
        people.asker,
        title="Outlook asks for my password all day",
        answers=[(people.helper, "Remove the saved password in Credential Manager.")],
    )
    with serve(app, FORUM_PORT):
        login(client, people.asker)
        post_form(client, f"{PREFIX}/t/{thread_id}/ask-it-team", f"{PREFIX}/t/{thread_id}/ask-it-team", {})
        assert work(app)["done"] == 1
        with app.app_context():
            escalation = db.session.scalar(sa.select(models(app).Escalation))
            ticket_id, key = escalation.ticket_id, escalation.key
        rt_api = httpx.Client(base_url=f"{rt}/REST/2.0", auth=(RT_USER, RT_PASSWORD), timeout=30)
        ticket = rt_api.get(f"/ticket/{ticket_id}").json()
        assert ticket["Subject"] == "Outlook asks for my password all day"
        assert [r["id"] for r in ticket["Requestor"]] == ["ana@example.com"]
        assert {cf["name"]: cf["values"] for cf in ticket["CustomFields"]}["Forum key"] == [key]
        content = rt_api.get(f"/ticket/{ticket_id}/attachments", params={"fields": "Content"}).json()["items"][0]
        assert "Remove the saved password in Credential Manager." in content["Content"]
        assert f"https://portal.example.com{PREFIX}/t/{thread_id}" in content["Content"]

        # an agent answers and resolves the ticket in RT; RT's Scrip tells the forum at once
        rt_api.post(
            f"/ticket/{ticket_id}/correspond",
            json={"Content": "We reset your mail profile. It should stop asking now.", "ContentType": "text/plain"},
        )
        rt_api.post(
            f"/ticket/{ticket_id}/comment", json={"Content": "Internal: SSO token bug.", "ContentType": "text/plain"}
        )
        rt_api.put(f"/ticket/{ticket_id}", json={"Status": "resolved"})

        def nudged():
            with app.app_context():
                return db.session.scalar(sa.select(models(app).Escalation.poll_due_at))

        wait_for(nudged, timeout=20)
        assert work(app)["news"] >= 3
    page = client.get(f"{PREFIX}/t/{thread_id}").text
    assert "We reset your mail profile. It should stop asking now." in page
    assert "The ticket is now being worked on." in page and "The ticket is now resolved." in page
    assert "Internal: SSO token bug." not in page
    response = post_form(
        client,
        f"{PREFIX}/t/{thread_id}",
        f"{PREFIX}/t/{thread_id}/ticket-outcome",
        {"solved": "yes"},
        follow_redirects=True,
    )
    assert "solved-chip" in response.text
    with app.app_context():
        thread = db.session.get(models(app).Thread, thread_id)
        assert thread.accepted_post_id is not None


def test_rt_finds_a_ticket_by_key_and_refuses_an_unknown_queue(rt):
    connector = RequestTracker(rt_settings(rt), timeout=30)
    request = TicketRequest(
        key="key-for-lookup-test",
        thread_id=7,
        title="Lookup test",
        question="Q",
        answers=(),
        tags=(),
        link="http://x/t/7",
        requester_name="Ana",
        requester_email=None,
        queue="General",
    )
    assert connector.find_ticket(request.key) is None
    made = connector.create_ticket(request)
    assert connector.find_ticket(request.key) == made
    with pytest.raises(DeskRejected, match="No permission to create tickets in the queue 'Nowhere'"):
        connector.create_ticket(TicketRequest(**{**request.__dict__, "key": "other", "queue": "Nowhere"}))
    wrong = RequestTracker({**rt_settings(rt), "password": "not-the-password"}, timeout=30)
    with pytest.raises(DeskRejected) as refused:
        wrong.create_ticket(request)
    assert "not-the-password" not in str(refused.value)


def test_rt_changes_are_found_by_polling_too(rt, people_factory):
    app, client, people = people_factory(
        FORUM_DESK_CONNECTOR="request_tracker", FORUM_DESK_SETTINGS=rt_settings(rt), FORUM_DESK_POLL_SECONDS=0
    )
    thread_id = make_thread(app, people.asker, title="Monitor flickers at my desk")
    escalate_by_hand(app, thread_id, people.asker)
    work(app)
    with app.app_context():
        ticket_id = db.session.scalar(sa.select(models(app).Escalation.ticket_id))
    httpx.post(
        f"{rt}/REST/2.0/ticket/{ticket_id}/correspond",
        auth=(RT_USER, RT_PASSWORD),
        timeout=30,
        json={"Content": "Swap the cable, we left one at reception.", "ContentType": "text/plain"},
    )
    time.sleep(1.1)  # RT keeps times to the second
    assert work(app)["news"] >= 1
    login(client, people.asker)
    assert "Swap the cable, we left one at reception." in client.get(f"{PREFIX}/t/{thread_id}").text
    assert forum_user(app, people.asker)
