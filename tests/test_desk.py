"""Escalation to the service desk: the policy, "Ask the IT team", the outbox, and ticket news coming back."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import sqlalchemy as sa
from helpers import PREFIX, csrf_token, forum_user, login, make_thread, post_form
from hostapp import db
from standardwebhooks.webhooks import Webhook

from forum import get_state
from forum.desk.escalation import escalate
from forum.desk.policy import EscalationRules, countdown_text, escalation_due
from forum.models import utcnow
from forum.threads import posting
from forum.worker import run_once
from plugin_api import hookimpl
from plugin_api.desk import MemoryDesk
from plugin_api.retry import backoff

SECRET = "whsec_" + "c2VjcmV0LWZvci10aGUtZm9ydW0tdGVzdHMtMTIzNDU2Nzg="
NOW = dt.datetime(2026, 11, 26, 12, 0)


# --- the policy: plain functions --------------------------------------------------------------


def test_an_unanswered_question_is_due_after_8_hours_and_an_unsolved_one_after_48():
    rules = EscalationRules()
    quiet = escalation_due(rules, created_at=NOW, answer_count=0, solved=False, escalated=False)
    assert (quiet.at, quiet.reason) == (NOW + dt.timedelta(hours=8), "no_answer")
    answered = escalation_due(rules, created_at=NOW, answer_count=2, solved=False, escalated=False)
    assert (answered.at, answered.reason) == (NOW + dt.timedelta(hours=48), "unsolved")
    assert escalation_due(rules, created_at=NOW, answer_count=2, solved=True, escalated=False) is None
    assert escalation_due(rules, created_at=NOW, answer_count=0, solved=False, escalated=True) is None
    never = EscalationRules(no_answer_after=None, unsolved_after=None)
    assert escalation_due(never, created_at=NOW, answer_count=0, solved=False, escalated=False) is None


def test_the_policy_reads_its_hours_from_the_settings():
    rules = EscalationRules.from_config({"FORUM_ESCALATE_NO_ANSWER_HOURS": 2, "FORUM_ESCALATE_UNSOLVED_HOURS": None})
    assert rules.no_answer_after == dt.timedelta(hours=2) and rules.unsolved_after is None


@pytest.mark.parametrize(
    "left, reason, words",
    [
        (dt.timedelta(hours=3), "no_answer", "If nobody answers, the IT team picks this up in 3 hours."),
        (dt.timedelta(minutes=1, seconds=20), "no_answer", "If nobody answers, the IT team picks this up in 1 minute."),
        (dt.timedelta(days=2), "unsolved", "If no answer solves this, the IT team picks it up in 2 days."),
        (-dt.timedelta(hours=1), "unsolved", "If no answer solves this, the IT team picks it up very soon."),
    ],
)
def test_the_countdown_speaks_plainly(left, reason, words):
    from forum.desk.policy import Due

    assert countdown_text(Due(NOW + left, reason), NOW) == words


def test_retries_back_off_exponentially_with_jitter_and_a_cap():
    low = [backoff(n, 30, rand=lambda: 0.0).total_seconds() for n in range(1, 5)]
    high = [backoff(n, 30, rand=lambda: 1.0).total_seconds() for n in range(1, 5)]
    assert low == [15, 30, 60, 120] and high == [30, 60, 120, 240]
    assert backoff(40, 30, rand=lambda: 1.0) == dt.timedelta(hours=1)


# --- helpers ----------------------------------------------------------------------------------


@pytest.fixture
def desk():
    return MemoryDesk({"queue": "Service Desk"})


@pytest.fixture
def desk_app(people_factory, desk):
    """The host portal with the in-memory desk as its service desk."""
    return people_factory(
        FORUM_DESK_CONNECTOR=desk,
        FORUM_DESK_QUEUES={"general": "First line"},
        FORUM_SITE_URL="https://portal.example.com",
        FORUM_DESK_WEBHOOK_SECRET=SECRET,
    )


def models(app):
    return get_state(app).models


def count(app, model_name, **where):
    with app.app_context():
        model = getattr(models(app), model_name)
        query = sa.select(sa.func.count()).select_from(model)
        for key, value in where.items():
            query = query.where(getattr(model, key) == value)
        return db.session.scalar(query)


def jobs(app):
    with app.app_context():
        J = models(app).DeskJob
        return [(j.action, j.state, j.attempts, j.last_error) for j in db.session.scalars(sa.select(J).order_by(J.id))]


def work(app):
    with app.app_context():
        result = run_once(get_state(app), "test-worker")
        db.session.remove()
        return result


def make_due(app, job_action="create"):
    """Time passes: every waiting job is due again."""
    with app.app_context():
        J = models(app).DeskJob
        db.session.execute(sa.update(J).values(next_attempt_at=utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()


def age_thread(app, thread_id, hours):
    with app.app_context():
        T = models(app).Thread
        db.session.execute(
            sa.update(T).where(T.id == thread_id).values(created_at=utcnow() - dt.timedelta(hours=hours))
        )
        db.session.commit()


def hand_over(app, desk, thread_id, asker):
    """The asker sends the thread to the IT team and one worker pass opens its ticket; the ticket's id."""
    escalate_by_hand(app, thread_id, asker)
    work(app)
    (ticket_id,) = desk.tickets
    return ticket_id


def escalate_by_hand(app, thread_id, person):
    with app.app_context():
        state = get_state(app)
        return escalate(state, posting.get_thread(state, thread_id, None), by=forum_user(app, person)).id


# --- asking the IT team by hand ---------------------------------------------------------------


def test_the_asker_asks_the_it_team_and_the_ticket_carries_the_whole_story(desk_app, desk):
    app, client, people = desk_app
    thread_id = make_thread(
        app,
        people.asker,
        title="VPN drops every ten minutes",
        body="Since Monday.",
        tags="vpn, wifi",
        answers=[(people.helper, "Try the wired network."), (people.agent, "Update the VPN client.")],
    )
    login(client, people.asker)
    page = client.get(f"{PREFIX}/t/{thread_id}")
    assert "Ask the IT team" in page.text
    explained = client.get(f"{PREFIX}/t/{thread_id}/ask-it-team")
    assert "Here is what happens next" in explained.text and "your name and e-mail address" in explained.text

    response = post_form(
        client, f"{PREFIX}/t/{thread_id}/ask-it-team", f"{PREFIX}/t/{thread_id}/ask-it-team", {}, follow_redirects=True
    )
    assert "The IT team has been asked to look at this" in response.text
    assert "We are passing this to the IT team" in response.text
    assert jobs(app) == [("create", "waiting", 0, "")]
    assert desk.tickets == {}  # nothing is sent while the page is served

    assert work(app)["done"] == 1
    (ticket,) = desk.tickets.values()
    request = ticket.request
    assert request.title == "VPN drops every ten minutes" and request.question == "Since Monday."
    assert request.answers == ("Hugo Helper: Try the wired network.", "Dana Desk: Update the VPN client.")
    assert request.tags == ("vpn", "wifi") and request.queue == "First line"
    assert request.link == f"https://portal.example.com{PREFIX}/t/{thread_id}"
    assert (request.requester_name, request.requester_email) == ("Ana Asker", "ana@example.com")
    assert "Update the VPN client." in request.text() and request.key in request.text()

    page = client.get(f"{PREFIX}/t/{thread_id}")
    assert f"Ticket {ticket.id} is waiting for someone in the IT team." in page.text
    assert "Ana Asker asked the IT team to look at this." in page.text
    assert "Ask the IT team" not in page.text
    assert jobs(app) == [("create", "done", 1, "")]


def test_others_cannot_escalate_and_a_second_escalation_is_refused(desk_app):
    app, client, people = desk_app
    thread_id = make_thread(app, people.asker)
    login(client, people.helper)  # a newcomer who did not ask
    assert "Ask the IT team" not in client.get(f"{PREFIX}/t/{thread_id}").text
    assert client.get(f"{PREFIX}/t/{thread_id}/ask-it-team").status_code == 403
    login(client, people.agent)
    token = csrf_token(client, f"{PREFIX}/t/{thread_id}/ask-it-team")
    assert client.post(f"{PREFIX}/t/{thread_id}/ask-it-team", data={"csrf_token": token}).status_code == 302
    again = client.post(f"{PREFIX}/t/{thread_id}/ask-it-team", data={"csrf_token": token})
    assert again.status_code == 409 and "already with the IT team" in again.text
    assert count(app, "DeskJob") == 1 and count(app, "Escalation") == 1
    # the asker hears that the IT team took it up on their behalf
    with app.app_context():
        N = models(app).Notification
        kinds = list(db.session.scalars(sa.select(N.kind).where(N.user_id == people.asker.key)))
    assert "escalated" in kinds


def test_a_forged_escalation_without_a_token_changes_nothing(desk_app):
    app, client, people = desk_app
    thread_id = make_thread(app, people.asker)
    login(client, people.asker)
    response = client.post(f"{PREFIX}/t/{thread_id}/ask-it-team", data={})
    assert response.status_code == 400 and "Please" in response.text
    assert count(app, "Escalation") == 0


def test_without_a_desk_there_is_no_button_and_the_page_says_what_to_do(people_factory):
    app, client, people = people_factory(FORUM_DESK_CONNECTOR="no_such_desk")
    thread_id = make_thread(app, people.asker)
    login(client, people.asker)
    assert "Ask the IT team" not in client.get(f"{PREFIX}/t/{thread_id}").text
    page = client.get(f"{PREFIX}/t/{thread_id}/ask-it-team")
    assert page.status_code == 200 and "not switched on here" in page.text
    login(client, people.agent)
    admin = client.get(f"{PREFIX}/admin/desk")
    assert "No desk connector called &#39;no_such_desk&#39; is installed" in admin.text
    assert "request_tracker" in admin.text  # names what is installed


# --- the outbox: nothing lost, nothing duplicated ---------------------------------------------


def test_a_desk_that_is_down_means_tickets_wait_then_arrive_exactly_once(desk_app, desk):
    app, client, people = desk_app
    thread_id = make_thread(app, people.asker)
    escalate_by_hand(app, thread_id, people.asker)
    desk.down = True
    assert work(app)["waiting"] == 1
    assert work(app)["waiting"] == 0  # not due yet: backing off
    ((action, job_state, attempts, error),) = jobs(app)
    assert (job_state, attempts, error) == ("waiting", 1, "The desk is not answering.")
    make_due(app)
    work(app)
    desk.down = False
    make_due(app)
    assert work(app)["done"] == 1
    assert len(desk.tickets) == 1 and jobs(app)[0][1] == "done"
    make_due(app)
    work(app)
    assert len(desk.tickets) == 1


def test_a_try_that_landed_but_was_not_recorded_is_found_not_repeated(desk_app, desk):
    app, client, people = desk_app
    thread_id = make_thread(app, people.asker)
    escalate_by_hand(app, thread_id, people.asker)
    with app.app_context():
        state = get_state(app)
        from forum.desk.outbox import claim

        (job_id,) = claim(state, "worker-that-dies")
        job = db.session.get(models(app).DeskJob, job_id)
        escalation = db.session.get(models(app).Escalation, job.escalation_id)
        from forum.desk.tickets import ticket_request

        desk.create_ticket(ticket_request(state, escalation))  # it landed, then the worker died
        db.session.execute(sa.update(models(app).DeskJob).values(locked_until=utcnow() - dt.timedelta(seconds=1)))
        db.session.commit()
    assert work(app)["done"] == 1
    assert len(desk.tickets) == 1 and desk.create_calls == 1


def test_a_refusal_is_dead_lettered_shown_to_agents_and_can_be_retried(desk_app, desk):
    app, client, people = desk_app
    thread_id = make_thread(app, people.asker)
    escalate_by_hand(app, thread_id, people.asker)
    desk.reject = "Queue 'First line' does not exist."
    assert work(app)["failed"] == 1
    login(client, people.asker)
    assert "A desk agent has been asked to look" in client.get(f"{PREFIX}/t/{thread_id}").text
    assert client.get(f"{PREFIX}/admin/desk").status_code == 403
    login(client, people.agent)
    admin = client.get(f"{PREFIX}/admin/desk")
    assert "Stuck" in admin.text and "Queue &#39;First line&#39; does not exist." in admin.text
    assert "0 waiting, 1 stuck, 0 delivered" in admin.text
    desk.reject = None
    job_id = get_job_id(app)
    retried = post_form(
        client, f"{PREFIX}/admin/desk", f"{PREFIX}/admin/desk/jobs/{job_id}/retry", {}, follow_redirects=True
    )
    assert "It will be tried again in a moment." in retried.text
    assert work(app)["done"] == 1 and len(desk.tickets) == 1


def get_job_id(app):
    with app.app_context():
        return db.session.scalar(sa.select(models(app).DeskJob.id))


def test_after_the_last_allowed_try_the_job_stops_and_says_why(desk_app, desk):
    app, client, people = desk_app
    app.config["FORUM_DESK_MAX_ATTEMPTS"] = 3
    escalate_by_hand(app, make_thread(app, people.asker), people.asker)
    desk.down = True
    for _ in range(3):
        make_due(app)
        work(app)
    ((_, job_state, attempts, error),) = jobs(app)
    assert (job_state, attempts) == ("failed", 3)
    assert error.startswith("Gave up after 3 tries. The last problem: The desk is not answering.")


# --- automatic escalation ----------------------------------------------------------------------


def test_quiet_and_unsolved_questions_go_to_the_it_team_by_themselves(desk_app, desk):
    app, client, people = desk_app
    quiet = make_thread(app, people.asker, title="Printer on floor 3 is offline")
    fresh = make_thread(app, people.asker, title="Teams camera is black")
    unsolved = make_thread(app, people.asker, title="Excel macro blocked", answers=[(people.helper, "Unblock it.")])
    solved = make_thread(
        app, people.asker, title="Wifi password please", answers=[(people.helper, "It is on the wall")]
    )
    with app.app_context():
        from forum.threads import solutions

        state = get_state(app)
        solutions.accept(
            state,
            forum_user(app, people.asker),
            posting.get_thread(state, solved, None),
            db.session.scalar(
                sa.select(models(app).Post.id).where(
                    models(app).Post.thread_id == solved, models(app).Post.is_question.is_(False)
                )
            ),
        )
    age_thread(app, quiet, 9)
    age_thread(app, unsolved, 20)
    age_thread(app, solved, 100)
    login(client, people.asker)
    assert "If nobody answers, the IT team picks this up in 8 hours." in client.get(f"{PREFIX}/t/{fresh}").text
    assert "If no answer solves this, the IT team picks it up in 28 hours." in client.get(f"{PREFIX}/t/{unsolved}").text
    assert work(app)["escalated"] == 1
    age_thread(app, unsolved, 49)
    assert work(app)["escalated"] == 1
    with app.app_context():
        E = models(app).Escalation
        reasons = dict(db.session.execute(sa.select(E.thread_id, E.reason)).all())
    assert reasons == {quiet: "no_answer", unsolved: "unsolved"}
    assert sorted(t.request.title for t in desk.tickets.values()) == [
        "Excel macro blocked",
        "Printer on floor 3 is offline",
    ]
    assert "Nobody in the community had answered it in time." in client.get(f"{PREFIX}/t/{quiet}").text


# --- the way back ------------------------------------------------------------------------------


def test_agent_replies_and_resolution_come_back_and_the_asker_accepts_them(people_factory, desk):
    app, client, people = people_factory(FORUM_DESK_CONNECTOR=desk, FORUM_DESK_POLL_SECONDS=0)
    app.config["FORUM_DESK_USER_ID"] = people.agent.key
    thread_id = make_thread(app, people.asker, title="Cannot print payslips")
    with app.app_context():
        get_state(app)  # the follower saves the thread
        from forum.threads import reactions

        reactions.set_favourite(
            get_state(app), forum_user(app, people.helper), posting.get_thread(get_state(app), thread_id, None), True
        )
    ticket_id = hand_over(app, desk, thread_id, people.asker)
    desk.set_status(ticket_id, "open")
    desk.reply(ticket_id, "We reinstalled the print driver on your laptop.\nPlease try again.")
    desk.set_status(ticket_id, "resolved")
    assert work(app)["news"] == 3
    assert work(app)["news"] == 0  # read once, shown once

    login(client, people.asker)
    page = client.get(f"{PREFIX}/t/{thread_id}")
    text = page.text
    assert "The ticket is now being worked on." in text
    assert "We reinstalled the print driver on your laptop.\nPlease try again." in text
    assert text.index("being worked on") < text.index("We reinstalled") < text.index("The ticket is now resolved.")
    assert "Did the IT team's answer solve your problem?" in text
    with app.app_context():
        N = models(app).Notification
        notified = dict(db.session.execute(sa.select(N.user_id, N.message).where(N.kind == "ticket_resolved")).all())
    assert set(notified) == {people.asker.key, people.helper.key}
    assert "resolved “Cannot print payslips”" in notified[people.asker.key]

    login(client, people.helper)
    assert "Did the IT team" not in client.get(f"{PREFIX}/t/{thread_id}").text
    login(client, people.asker)
    done = post_form(
        client,
        f"{PREFIX}/t/{thread_id}",
        f"{PREFIX}/t/{thread_id}/ticket-outcome",
        {"solved": "yes"},
        follow_redirects=True,
    )
    assert "glad it is sorted" in done.text and "solved-chip" in done.text
    with app.app_context():
        thread = db.session.get(models(app).Thread, thread_id)
        accepted = db.session.get(models(app).Post, thread.accepted_post_id)
        assert accepted.author_id == people.agent.key
        assert "We reinstalled the print driver" in accepted.body_source
    assert not any(j[0] == "comment" for j in jobs(app))  # the IT team's own answer is not sent back to them


def test_not_solved_tells_the_desk_and_a_reopened_ticket_asks_again(people_factory, desk):
    app, client, people = people_factory(FORUM_DESK_CONNECTOR=desk, FORUM_DESK_POLL_SECONDS=0)
    thread_id = make_thread(app, people.asker)
    ticket_id = hand_over(app, desk, thread_id, people.asker)
    desk.set_status(ticket_id, "resolved")
    work(app)
    login(client, people.asker)
    response = post_form(
        client,
        f"{PREFIX}/t/{thread_id}",
        f"{PREFIX}/t/{thread_id}/ticket-outcome",
        {"solved": "no"},
        follow_redirects=True,
    )
    assert "We told the IT team it is not solved yet" in response.text
    assert "Ana Asker says the problem is not solved yet." in response.text
    work(app)
    assert desk.tickets[ticket_id].comments == ["Ana Asker says this did not solve the problem. Please look again."]
    desk.set_status(ticket_id, "open")
    work(app)
    assert "Did the IT team" not in client.get(f"{PREFIX}/t/{thread_id}").text
    desk.set_status(ticket_id, "resolved")
    work(app)
    assert "Did the IT team" in client.get(f"{PREFIX}/t/{thread_id}").text


def test_new_answers_on_an_escalated_thread_reach_the_ticket(desk_app, desk):
    app, client, people = desk_app
    thread_id = make_thread(app, people.asker)
    escalate_by_hand(app, thread_id, people.asker)
    login(client, people.helper)
    post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/answer", {"body": "Clear the cache first."})
    work(app)
    make_due(app)
    work(app)
    (ticket,) = desk.tickets.values()
    assert [j[:2] for j in jobs(app)] == [("create", "done"), ("comment", "done")]
    assert ticket.comments == ["New answer in the community from Hugo Helper:\n\nClear the cache first."]


# --- the inbound webhook ------------------------------------------------------------------------


def signed(body: dict | str, message_id: str, when: dt.datetime | None = None, secret: str = SECRET):
    data = body if isinstance(body, str) else json.dumps(body)
    when = when or dt.datetime.now(dt.UTC)
    return data, {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(when.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, when, data),
        "content-type": "application/json",
    }


def test_the_inbound_webhook_checks_signature_time_and_replays(desk_app, desk):
    app, client, people = desk_app
    thread_id = make_thread(app, people.asker)
    ticket_id = hand_over(app, desk, thread_id, people.asker)
    desk.reply(ticket_id, "On it.")
    url = f"{PREFIX}/desk/webhook"

    body, headers = signed({"ticket_id": ticket_id}, "msg-1")
    accepted = client.post(url, data=body, headers=headers)
    assert accepted.status_code == 202 and accepted.json == {"ok": True, "tickets": 1}
    replay = client.post(url, data=body, headers=headers)
    assert replay.status_code == 409 and "already received" in replay.json["message"]
    body, headers = signed({"ticket_id": ticket_id}, "msg-2", secret="whsec_" + "d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==")
    assert client.post(url, data=body, headers=headers).status_code == 403
    body, headers = signed({"ticket_id": ticket_id}, "msg-3", when=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=10))
    stale = client.post(url, data=body, headers=headers)
    assert stale.status_code == 403 and "too old" in stale.json["message"]
    assert client.post(url, data="{}", headers={"content-type": "application/json"}).status_code == 403

    with app.app_context():
        assert db.session.scalar(sa.select(models(app).Escalation.poll_due_at)) is not None
    app.config["FORUM_DESK_POLL_SECONDS"] = 3600  # only the webhook's nudge makes it read now
    assert work(app)["news"] == 1
    login(client, people.asker)
    assert "On it." in client.get(f"{PREFIX}/t/{thread_id}").text


# --- plugins ------------------------------------------------------------------------------------


class Broken:
    @hookimpl
    def forum_event(self, event):
        raise RuntimeError("this plugin is broken")


class Recorder:
    def __init__(self):
        self.events = []

    @hookimpl
    def forum_event(self, event):
        self.events.append(event)


def test_plugins_hear_events_after_commit_and_one_broken_plugin_stops_nothing(people_factory, desk):
    recorder = Recorder()
    app, client, people = people_factory(
        FORUM_PLUGINS=[Broken(), recorder], FORUM_DESK_CONNECTOR=desk, FORUM_DESK_POLL_SECONDS=0
    )
    login(client, people.asker)
    response = post_form(
        client,
        f"{PREFIX}/ask",
        f"{PREFIX}/ask",
        {"title": "Laptop fan is very loud", "body": "All day.", "category_id": "1"},
    )
    assert response.status_code == 302
    thread_id = int(response.headers["Location"].split("/t/")[1].split("/")[0])
    ticket_id = hand_over(app, desk, thread_id, people.asker)
    desk.set_status(ticket_id, "resolved")
    work(app)
    names = [e.name for e in recorder.events]
    assert names == ["thread_created", "thread_escalated", "ticket_updated"]
    assert recorder.events[0].title == "Laptop fan is very loud"
    assert recorder.events[2].data["resolved"] is True
    with app.app_context():  # the events came after the rows were committed
        assert db.session.get(models(app).Thread, thread_id) is not None


def test_the_demo_portals_one_file_connector_makes_the_round_trip(tmp_path):
    """The README's example connector (examples/portal/helpdesk.py), without a browser."""
    from examples.portal.app import create_app
    from examples.portal.app import db as portal_db
    from examples.portal.helpdesk import PortalDesk, ticket_events
    from examples.portal.seed import seed

    app = create_app(
        f"sqlite:///{tmp_path / 'demo.db'}",
        FORUM_DESK_POLL_SECONDS=0,
        FORUM_ESCALATE_NO_ANSWER_HOURS=None,
        FORUM_ESCALATE_UNSOLVED_HOURS=None,
    )
    seed(app)
    with app.app_context():
        state = get_state(app)
        assert isinstance(state.desk().connector, PortalDesk)
        thread = state.db.session.scalar(
            sa.select(state.models.Thread).where(state.models.Thread.accepted_post_id.is_(None))
        )
        asker = state.users.get(thread.author_id)
        escalate(state, thread, by=asker)
        assert run_once(state, "t")["done"] == 1
        ticket_id = int(state.db.session.scalar(sa.select(state.models.Escalation.ticket_id)))
        with portal_db.engine.begin() as conn:
            conn.execute(
                ticket_events.insert().values(
                    ticket_id=ticket_id,
                    kind="reply",
                    text="Fixed it remotely.",
                    status="",
                    author="Dana",
                    created_at=utcnow(),
                )
            )
        assert run_once(state, "t")["news"] == 1
        kinds = [e.kind for e in state.db.session.scalars(sa.select(state.models.TimelineEvent))]
        assert kinds == ["escalated", "ticket_opened", "agent_reply"]


class CrashAfterCreating(MemoryDesk):
    """A connector with a bug: the ticket is made, then it crashes before saying so."""

    crashed = False

    def create_ticket(self, request):
        made = super().create_ticket(request)
        if not self.crashed:
            self.crashed = True
            raise RuntimeError("bug in the connector")
        return made


def test_a_connector_that_crashes_after_creating_keeps_nothing_half_done_and_makes_no_duplicate(people_factory):
    desk = CrashAfterCreating()
    app, client, people = people_factory(FORUM_DESK_CONNECTOR=desk)
    thread_id = make_thread(app, people.asker)
    escalate_by_hand(app, thread_id, people.asker)
    assert work(app)["waiting"] == 1
    ((_, state, attempts, error),) = jobs(app)
    assert "failed unexpectedly (RuntimeError)" in error and "bug in the connector" not in error
    with app.app_context():
        assert db.session.scalar(sa.select(models(app).Escalation.ticket_id)) is None
    make_due(app)
    assert work(app)["done"] == 1
    assert len(desk.tickets) == 1 and count(app, "TimelineEvent", kind="ticket_opened") == 1


def test_a_connector_missing_a_required_method_fails_at_load_naming_it(people_factory):
    from plugin_api.desk import Connector, ConnectorNotFound, TicketRef, load

    class HalfDone(Connector):
        name = "half_done"

        def create_ticket(self, request):
            return TicketRef(id="1")

    with pytest.raises(ConnectorNotFound, match="HalfDone does not fill in add_comment"):
        load(HalfDone)
    app, client, people = people_factory(FORUM_DESK_CONNECTOR=HalfDone)
    login(client, people.agent)
    admin = client.get(f"{PREFIX}/admin/desk")
    assert "does not fill in add_comment" in admin.text


def test_the_inbound_webhook_refuses_odd_messages_plainly_and_keeps_nothing_of_them(desk_app, desk):
    app, client, people = desk_app
    thread_id = make_thread(app, people.asker)
    ticket_id = hand_over(app, desk, thread_id, people.asker)
    url = f"{PREFIX}/desk/webhook"

    huge = client.post(url, data=b"x" * (300 * 1024), headers={"content-type": "application/json"})
    assert huge.status_code == 413 and "too large" in huge.json["message"]

    not_json, headers = signed("this is not json", "m" * 130)
    refused = client.post(url, data=not_json, headers=headers)
    assert refused.status_code == 400 and "not JSON" in refused.json["message"]

    body, headers = signed({"ticket_id": ticket_id, "note": "a\u0000b"}, "n" * 200)
    nul = client.post(url, data=body, headers=headers)
    assert nul.status_code == 400 and "NUL" in nul.json["message"]

    first, first_headers = signed({"ticket_id": ticket_id}, "p" * 130 + "-one")
    second, second_headers = signed({"ticket_id": ticket_id}, "p" * 130 + "-two")
    assert client.post(url, data=first, headers=first_headers).status_code == 202
    assert client.post(url, data=second, headers=second_headers).status_code == 202  # a different message
    assert client.post(url, data=first, headers=first_headers).status_code == 409  # the same one again


def test_a_switched_off_webhook_refuses_before_reading_the_body(people_factory):
    app, client, people = people_factory(FORUM_DESK_CONNECTOR="memory")
    response = client.post(f"{PREFIX}/desk/webhook", data=b"x" * (2 * 1024 * 1024))
    assert response.status_code == 404 and "does not take messages" in response.json["message"]


def test_a_ticket_change_with_a_very_long_id_shows_once(desk_app, desk):
    from forum import get_state
    from forum.desk import updates
    from plugin_api.desk import TicketChange

    app, client, people = desk_app
    thread_id = make_thread(app, people.asker)
    ticket_id = hand_over(app, desk, thread_id, people.asker)
    change = TicketChange(
        ticket_id=ticket_id, change_id="c" * 400, kind="reply", at=dt.datetime(2026, 1, 1), text="We fixed it."
    )
    with app.app_context():
        escalation = db.session.scalar(sa.select(models(app).Escalation))
        assert updates.apply_changes(get_state(app), escalation, [change]) == 1
        assert updates.apply_changes(get_state(app), escalation, [change]) == 0
    login(client, people.asker)
    assert client.get(f"{PREFIX}/t/{thread_id}").text.count("We fixed it.") == 1
