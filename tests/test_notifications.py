"""Who hears about what, grouping, preferences, e-mail and digests through a real SMTP server, and the bell."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa
from helpers import PREFIX, count_queries, follow_up, forum_user, login, make_thread, post_form
from hostapp import Member, db
from servers import free_port
from test_desk_servers import Inbox, smtp_server

from forum import get_state
from forum.notifications.delivery import save_preferences
from forum.notifications.following import set_level
from forum.threads import posting, reactions, solutions
from forum.worker import run_once


def notices(app, member, kind=None):
    """(kind, message) of a person's notices, oldest first (badges and levels left out unless asked for)."""
    with app.app_context():
        N = get_state(app).models.Notification
        query = sa.select(N.kind, N.message).where(N.user_id == member.key).order_by(N.id)
        if kind is None:
            query = query.where(N.kind.not_in(["badge", "level"]))
        if kind:
            query = query.where(N.kind == kind)
        return [tuple(row) for row in db.session.execute(query)]


def answer(app, thread_id, person, text):
    with app.app_context():
        state = get_state(app)
        return posting.add_answer(state, forum_user(app, person), posting.get_thread(state, thread_id, None), text).id


def level(app, person, target_type, target_id, wanted):
    with app.app_context():
        set_level(get_state(app), forum_user(app, person), target_type, target_id, wanted)


def test_the_asker_hears_of_answers_and_watchers_of_replies_but_nobody_of_their_own(app, people):
    thread_id = make_thread(app, people.asker, title="Teams calls drop after a minute")
    answer(app, thread_id, people.helper, "Check the headset driver.")
    answer(app, thread_id, people.agent, "We updated Teams tonight.")
    assert notices(app, people.asker) == [
        ("answer", "Hugo Helper answered your question “Teams calls drop after a minute”."),
        ("answer", "Dana Desk answered your question “Teams calls drop after a minute”."),
    ]
    # Hugo follows the thread since he answered; he hears of Dana's answer, not of his own
    assert notices(app, people.helper) == [("reply", "Dana Desk answered “Teams calls drop after a minute”.")]
    assert notices(app, people.agent) == []
    assert notices(app, people.admin) == []  # never took part


def test_muted_and_normal_followers_are_not_told_of_replies(app, people):
    thread_id = make_thread(app, people.asker)
    answer(app, thread_id, people.helper, "First idea.")
    level(app, people.helper, "thread", thread_id, "normal")
    level(app, people.asker, "thread", thread_id, "muted")
    answer(app, thread_id, people.agent, "Second idea.")
    assert notices(app, people.helper) == []
    assert notices(app, people.asker, "answer") == [
        ("answer", "Hugo Helper answered your question “Outlook will not open today”.")
    ]


def test_mentions_are_told_once_and_removed_threads_tell_nobody(app, people):
    thread_id = make_thread(app, people.asker)
    answer(app, thread_id, people.helper, "I had this too.")
    answer(app, thread_id, people.agent, "@HugoHelper can you try safe mode? And @nobody-here too.")
    assert notices(app, people.helper) == [("mention", "Dana Desk mentioned you in “Outlook will not open today”.")]
    with app.app_context():
        state = get_state(app)
        thread = posting.get_thread(state, thread_id, None)
        question = db.session.get(state.models.Post, 1)
        posting.set_deleted(state, forum_user(app, people.admin), question, True)
    answer_count = len(notices(app, people.asker))
    with app.app_context():
        state = get_state(app)
        from forum.notifications.delivery import deliver

        thread = db.session.get(state.models.Thread, thread_id)
        assert deliver(state, [people.asker.key], "reply", "x", thread=thread) == 0
    assert len(notices(app, people.asker)) == answer_count


def test_watching_a_category_or_keyword_tells_of_new_questions_and_muting_silences_it(app, people):
    level(app, people.helper, "category", 1, "watching")
    make_thread(app, people.asker, title="Printer jams on every page")
    with app.app_context():
        Tag = get_state(app).models.Tag
        make_thread(app, people.agent, title="New VPN client is out", tags="vpn")
        vpn = db.session.scalar(sa.select(Tag.id).where(Tag.name == "vpn"))
    level(app, people.admin, "tag", vpn, "watching")
    make_thread(app, people.asker, title="VPN asks for a code twice", tags="vpn")
    assert [m for _, m in notices(app, people.helper, "new_thread")] == [
        "New question: “Printer jams on every page”.",
        "New question: “New VPN client is out”.",
        "New question: “VPN asks for a code twice”.",
    ]
    assert [m for _, m in notices(app, people.admin, "new_thread")] == ["New question: “VPN asks for a code twice”."]
    level(app, people.helper, "category", 1, "muted")
    thread_id = make_thread(app, people.asker, title="Scanner is offline again")
    answer(app, thread_id, people.agent, "Restarted it.")
    assert len(notices(app, people.helper, "new_thread")) == 3


def test_likes_are_grouped_while_unread(app, people, client):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Reboot the router.")])
    with app.app_context():
        state = get_state(app)
        post = db.session.get(state.models.Post, 2)
        for person in (people.asker, people.agent, people.admin):
            reactions.like(state, forum_user(app, person), post)
    assert notices(app, people.helper, "like") == []  # the worker tells them, within its next pass
    follow_up(app)
    assert notices(app, people.helper, "like") == [
        ("like", "Ada Admin and 2 others liked your answer in “Outlook will not open today”.")
    ]
    login(client, people.helper)
    page = client.get(f"{PREFIX}/notifications")
    assert "Ada Admin and 2 others liked your answer" in page.text
    post_form(client, f"{PREFIX}/notifications", f"{PREFIX}/notifications/read", {})
    with app.app_context():
        state = get_state(app)
        post = db.session.get(state.models.Post, 2)
        reactions.unlike(state, forum_user(app, people.agent), post)
        reactions.like(state, forum_user(app, people.agent), post)
    follow_up(app)
    assert [m for _, m in notices(app, people.helper, "like")][-1] == (
        "Dana Desk liked your answer in “Outlook will not open today”."
    )
    assert thread_id


def test_a_like_taken_back_before_the_worker_runs_tells_nobody_and_leaves_no_points(app, people):
    make_thread(app, people.asker, answers=[(people.helper, "Reboot the router.")])
    with app.app_context():
        state = get_state(app)
        post = db.session.get(state.models.Post, 2)
        earned = sa.select(sa.func.coalesce(sa.func.sum(state.models.PointEvent.amount), 0)).where(
            state.models.PointEvent.user_id == people.helper.key
        )
        before = db.session.scalar(earned)
        reactions.like(state, forum_user(app, people.asker), post)
        assert db.session.scalar(earned) == before + 10  # the points come with the like, in its transaction
        reactions.unlike(state, forum_user(app, people.asker), post)
        assert db.session.scalar(earned) == before
    assert follow_up(app) == 2  # the like's row (its notice and both people's checks), the unlike's (the author's)
    assert notices(app, people.helper, "like") == []


def test_an_accepted_answer_tells_its_author(app, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Clear the cache.")])
    with app.app_context():
        state = get_state(app)
        solutions.accept(state, forum_user(app, people.asker), posting.get_thread(state, thread_id, None), 2)
    assert notices(app, people.helper, "accepted") == [
        ("accepted", "Your answer solved “Outlook will not open today”. Thank you!")
    ]


def test_preferences_switch_kinds_off_and_nonsense_changes_nothing(app, client, people):
    login(client, people.helper)
    settings = f"{PREFIX}/notifications/settings"
    page = client.get(settings)
    assert "Likes on your posts" in page.text and "In the portal only" in page.text
    assert "does not send e-mail yet" in page.text and "daily e-mail" not in page.text  # only what can reach them
    response = post_form(client, settings, settings, {"like": "off"}, follow_redirects=True)
    assert "Saved." in response.text
    bad = post_form(client, settings, settings, {"like": "carrier-pigeon"}, follow_redirects=True)
    assert bad.status_code == 400 and "Please pick one of the choices" in bad.text
    make_thread(app, people.asker, answers=[(people.helper, "Reboot.")])
    with app.app_context():
        state = get_state(app)
        reactions.like(state, forum_user(app, people.asker), db.session.get(state.models.Post, 2))
    assert notices(app, people.helper, "like") == []


def test_sending_notices_costs_the_same_queries_for_2_or_30_watchers(app, people, client):
    small = make_thread(app, people.asker, title="Small audience question")
    big = make_thread(app, people.asker, title="Large audience question")
    with app.app_context():
        extra = [Member(full_name=f"Watcher {i}", email=f"w{i}@example.com") for i in range(30)]
        db.session.add_all(extra)
        db.session.commit()
        state = get_state(app)
        for person in extra[:2]:
            set_level(state, state.users.to_forum_user(person), "thread", small, "watching")
        for person in extra:
            set_level(state, state.users.to_forum_user(person), "thread", big, "watching")
    answer(app, make_thread(app, people.agent), people.helper, "A first answer, so badges for it are out of the way.")
    login(client, people.helper)
    counts = []
    for thread_id in (small, big):
        token_page = f"{PREFIX}/t/{thread_id}"
        from helpers import csrf_token

        token = csrf_token(client, token_page)
        with count_queries(app) as statements:
            client.post(f"{PREFIX}/t/{thread_id}/answer", data={"csrf_token": token, "body": "Try this."})
        counts.append(len(statements))
    assert counts[0] == counts[1]
    assert len(notices(app, people.asker, "answer")) == 2
    with app.app_context():
        N = get_state(app).models.Notification
        assert db.session.scalar(sa.select(sa.func.count()).where(N.kind == "reply")) == 32


def test_the_bell_counts_unread_notices_for_htmx(app, client, people):
    make_thread(app, people.asker, answers=[(people.helper, "One"), (people.agent, "Two")])
    login(client, people.asker)
    page = client.get(f"{PREFIX}/")
    assert 'hx-get="/help/community/notifications/bell"' in page.text and 'hx-trigger="every 30s' in page.text
    bell = client.get(f"{PREFIX}/notifications/bell")
    unread = len(notices(app, people.asker, "answer")) + len(notices(app, people.asker, "badge"))
    assert unread == 3  # two answers and the "First question" badge
    assert re.search(r'<span class="count-badge">3<span class="visually-hidden"> new</span>', bell.text)
    post_form(client, f"{PREFIX}/notifications", f"{PREFIX}/notifications/read", {})
    assert "count-badge" not in client.get(f"{PREFIX}/notifications/bell").text
    answer(app, 1, people.admin, "Three")
    assert '<span class="count-badge">1<span' in client.get(f"{PREFIX}/notifications/bell").text
    assert bell.headers["Cache-Control"] == "no-store"


# --- e-mail through a real SMTP server ---------------------------------------------------------


@pytest.fixture
def mail_app(people_factory):
    port = free_port()
    app, client, people = people_factory(
        FORUM_MAIL_SERVER="127.0.0.1",
        FORUM_MAIL_PORT=port,
        FORUM_MAIL_SENDER="community@portal.example.com",
        FORUM_SITE_URL="https://portal.example.com",
    )
    return app, client, people, port


def mail_pass(app):
    with app.app_context():
        result = run_once(get_state(app), "test", parts=("mail",))
        db.session.remove()
        return result


def test_email_goes_out_through_smtp_and_a_server_that_is_down_loses_nothing(mail_app):
    app, client, people, port = mail_app
    thread_id = make_thread(app, people.asker, title="Laptop will not charge")
    answer(app, thread_id, people.helper, "Try another socket.")
    assert mail_pass(app)["mail_waiting"] == 1  # no SMTP server yet
    login(client, people.asker)
    assert "Hugo Helper answered your question" in client.get(f"{PREFIX}/notifications").text
    inbox = Inbox()
    controller = smtp_server(port, inbox)
    try:
        with app.app_context():  # time passes: the retry is due
            from forum.models import utcnow

            N = get_state(app).models.Notification
            db.session.execute(sa.update(N).values(email_next_at=utcnow()))
            db.session.commit()
        assert mail_pass(app)["mail_sent"] == 1
        assert mail_pass(app)["mail_sent"] == 0
    finally:
        controller.stop()
    ((recipients, message),) = inbox.messages
    assert recipients == ["ana@example.com"]
    assert message["Subject"] == "Hugo Helper answered your question “Laptop will not charge”."
    body = message.get_payload(decode=True).decode()
    assert "Hello Ana Asker," in body and f"https://portal.example.com{PREFIX}/p/2" in body
    assert f"https://portal.example.com{PREFIX}/notifications/settings" in body


def test_a_daily_digest_gathers_notices_into_one_email(mail_app):
    app, client, people, port = mail_app
    with app.app_context():
        save_preferences(get_state(app), forum_user(app, people.asker), {"answer": "digest", "like": "off"})
    thread_id = make_thread(app, people.asker, title="Monitor flickers")
    answer(app, thread_id, people.helper, "Swap the cable.")
    answer(app, thread_id, people.agent, "Update the graphics driver.")
    inbox = Inbox()
    controller = smtp_server(port, inbox)
    try:
        assert mail_pass(app)["digests"] == 1
        answer(app, thread_id, people.admin, "Or try another port.")
        assert mail_pass(app)["digests"] == 0  # not again within a day
    finally:
        controller.stop()
    ((recipients, message),) = inbox.messages
    assert message["Subject"] == "Your daily digest from Community help: 2 new"
    body = message.get_payload(decode=True).decode()
    assert "Hugo Helper answered your question “Monitor flickers”." in body
    assert "Dana Desk answered your question “Monitor flickers”." in body
