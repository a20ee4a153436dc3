"""Outbound webhooks: a real receiver on loopback verifies every signature with the standardwebhooks library."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from browser import serve
from helpers import PREFIX, csrf_token, follow_up, forum_user, login, make_thread, post_form
from hostapp import db
from servers import free_port
from standardwebhooks.webhooks import Webhook

from forum import get_state
from forum.threads import solutions
from forum.worker import run_once

PAGE = f"{PREFIX}/admin/webhooks"


class Receiver:
    """What the receiving system got, verified, and what it answers next."""

    def __init__(self) -> None:
        self.secret = ""
        self.answer = 200
        self.received: list[dict[str, Any]] = []
        self.ids: list[str] = []


@contextmanager
def receiver(box: Receiver, port: int) -> Iterator[str]:
    """The receiving system on loopback: it checks each signature, then answers what ``box`` says."""

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0))
        headers = {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}
        if box.answer == 200:
            box.received.append(Webhook(box.secret).verify(body, headers))  # raises if the signature is wrong
            box.ids.append(headers["webhook-id"])
        start_response(f"{box.answer} Answer", [("Content-Length", "0")])
        return [b""]

    with serve(app, port) as base:
        yield f"{base}/hooks"


def deliver(app) -> int:
    with app.app_context():
        return run_once(get_state(app), "test-worker", parts=("mail",))["posts"]


def types(box: Receiver) -> list[str]:
    return [message["type"] for message in box.received]


def test_admins_register_an_address_and_every_event_arrives_signed_once(database_url, people_factory):
    app, client, people = people_factory(FORUM_DESK_RETRY_SECONDS=0.01)
    box, port = Receiver(), free_port()
    login(client, people.admin)
    assert "Choose at least one event" in post_form(client, PAGE, PAGE, {"url": "https://x.example"}).text
    bad = post_form(client, PAGE, PAGE, {"url": "ftp://nowhere", "events": ["thread.created"]})
    assert bad.status_code == 400 and "starting with https://" in bad.text
    with receiver(box, port) as url:
        wanted = {
            "url": url,
            "description": "Chat bot",
            "events": ["thread.created", "answer.accepted", "badge.awarded"],
        }
        assert post_form(client, PAGE, PAGE, wanted).status_code == 303
        with app.app_context():
            box.secret = db.session.scalar(sa.select(get_state(app).models.WebhookEndpoint.secret))
        thread_id = make_thread(
            app, people.asker, title="Printer jams on tray 2", answers=[(people.helper, "Fan the paper.")]
        )
        with app.app_context():
            state = get_state(app)
            thread = db.session.get(state.models.Thread, thread_id)
            answer_id = db.session.scalar(sa.select(state.models.Post.id).where(~state.models.Post.is_question))
            solutions.accept(state, forum_user(app, people.asker), thread, answer_id)
        follow_up(app)  # the badges the accepted answer earned, as the worker would
        delivered = deliver(app)
        assert delivered == len(box.received) and set(types(box)) == {
            "thread.created",
            "answer.accepted",
            "badge.awarded",
        }
        assert types(box).count("thread.created") == 1 and types(box).count("answer.accepted") == 1  # no answer.posted
        created = next(m for m in box.received if m["type"] == "thread.created")
        assert created["data"]["title"] == "Printer jams on tray 2" and created["data"]["thread_id"] == thread_id
        badges = {(m["data"]["badge"], m["data"]["user_id"]) for m in box.received if m["type"] == "badge.awarded"}
        assert ("first-answer", people.helper.key) in badges
        assert deliver(app) == 0 and len(box.received) == delivered  # each once
        page = client.get(PAGE).text
        assert "HTTP 200" in page and "Delivered" in page

    # The receiver is down: the event waits; when it is back, it arrives once.
    make_thread(app, people.asker, title="Scanner sends nothing")
    assert deliver(app) == 0
    assert "Waiting to be tried again" in client.get(PAGE).text
    with receiver(box, port):
        assert deliver(app) == 1
        assert deliver(app) == 0
    assert types(box).count("thread.created") == 2 and len(set(box.ids)) == len(box.ids)  # never twice


def test_a_refusal_waits_for_an_admin_who_sends_it_again_and_a_test_event_arrives(database_url, people_factory):
    app, client, people = people_factory()
    box, port = Receiver(), free_port()
    with receiver(box, port) as url:
        login(client, people.admin)
        post_form(client, PAGE, PAGE, {"url": url, "events": ["thread.created"]})
        with app.app_context():
            box.secret = db.session.scalar(sa.select(get_state(app).models.WebhookEndpoint.secret))
            endpoint_id = db.session.scalar(sa.select(get_state(app).models.WebhookEndpoint.id))
        box.answer = 400
        make_thread(app, people.asker, title="Laptop will not wake up")
        deliver(app)
        page = client.get(PAGE).text
        assert "Refused: not sent" in page and "HTTP 400" in page
        assert deliver(app) == 0  # a refusal is not retried by itself
        box.answer = 200
        token = csrf_token(client, PAGE)
        with app.app_context():
            Out = get_state(app).models.OutgoingPost
            delivery = db.session.scalar(sa.select(Out.id).where(Out.state == "failed"))
        client.post(f"{PREFIX}/admin/webhooks/deliveries/{delivery}/retry", data={"csrf_token": token})
        assert deliver(app) == 1 and types(box) == ["thread.created"]
        client.post(f"{PREFIX}/admin/webhooks/{endpoint_id}/test", data={"csrf_token": token})
        assert deliver(app) == 1 and types(box) == ["thread.created", "webhook.test"]
        client.post(f"{PREFIX}/admin/webhooks/{endpoint_id}/remove", data={"csrf_token": token})
        make_thread(app, people.asker, title="Mouse double clicks")
        assert deliver(app) == 0 and "No addresses yet" in client.get(PAGE).text


def test_only_portal_admins_manage_webhooks(app, client, people):
    login(client, people.agent)
    assert client.get(PAGE).status_code == 403
    token = csrf_token(client, f"{PREFIX}/ask")
    refused = client.post(PAGE, data={"csrf_token": token, "url": "https://x.example", "events": "thread.created"})
    assert refused.status_code == 403
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(get_state(app).models.WebhookEndpoint)) == 0
