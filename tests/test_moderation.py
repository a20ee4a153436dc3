"""Moderation: flags and their weight, the review queue's decisions, thread states, silences, rate limits with a
fake clock, link and picture rules, repeats, the spam hook, points taken back, and the audit log."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from typing import Any

import pytest
import sqlalchemy as sa
from helpers import HX, PREFIX, follow_up, index_search, login, make_thread, post_form

from forum import get_state


class FakeClock:
    """Stands in for the ``time`` module inside the rate limiter's storage and strategy."""

    def __init__(self) -> None:
        import time

        self.now = time.time()

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    import limits.storage.memory
    import limits.strategies

    fake = FakeClock()
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(limits.strategies, "time", fake)
    monkeypatch.setattr("forum.moderation.limits.time", fake)
    return fake


def _extra_people(app: Any, count: int) -> list[Any]:
    from hostapp import Member, db

    with app.app_context():
        made = [Member(full_name=f"Reader Number{i}", email=f"reader{i}@example.com") for i in range(count)]
        db.session.add_all(made)
        db.session.commit()
        for person in made:
            db.session.refresh(person)
            db.session.expunge(person)
    return made


def _answer_id(app: Any, thread_id: int) -> int:
    with app.app_context():
        Post = get_state(app).models.Post
        return int(
            get_state(app).db.session.scalar(
                sa.select(Post.id).where(Post.thread_id == thread_id, ~Post.is_question).order_by(Post.id)
            )
        )


def _set_level(app: Any, member: Any, level: int) -> None:
    """An admin sets and locks the level, as for a trained superuser."""
    from hostapp import Member, db

    from forum.gamification import levels

    with app.app_context():
        admin = db.session.scalar(sa.select(Member).where(Member.is_admin))
        state = get_state(app)
        levels.grant(state, state.users.to_forum_user(admin), member.key, level, lock=True)
        state.db.session.commit()


def _flag(client: Any, thread_id: int, post_id: int, reason: str = "unsafe", note: str = "") -> Any:
    return post_form(
        client, f"{PREFIX}/p/{post_id}/flag", f"{PREFIX}/p/{post_id}/flag", {"reason": reason, "note": note}
    )


def _notices(app: Any, member: Any) -> list[str]:
    with app.app_context():
        N = get_state(app).models.Notification
        return list(
            get_state(app).db.session.scalars(sa.select(N.message).where(N.user_id == member.key).order_by(N.id))
        )


UNSAFE = "Turn off the antivirus and the firewall, then install the driver from the forum link."


# Flags -------------------------------------------------------------------------------------------------------------


def test_a_member_flags_once_and_three_members_hide_the_post_at_once(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, UNSAFE)])
    answer_id = _answer_id(app, thread_id)
    readers = _extra_people(app, 3)
    login(client, readers[0])
    page = client.get(f"{PREFIX}/p/{answer_id}/flag")
    assert "Wrong or unsafe advice" in page.text
    first = _flag(client, thread_id, answer_id, note="It turns off security.")
    assert first.status_code == 303
    assert "The IT team will look at it" in html.unescape(client.get(first.headers["Location"]).text)
    again = _flag(client, thread_id, answer_id)
    assert again.status_code == 409 and "You flagged this post already" in html.unescape(again.text)
    assert UNSAFE in html.unescape(app.test_client().get(f"{PREFIX}/t/{thread_id}").text)  # weight 1 of 3

    for reader in readers[1:]:
        login(client, reader)
        _flag(client, thread_id, answer_id, reason="spam")
    guest_page = html.unescape(app.test_client().get(f"{PREFIX}/t/{thread_id}").text)
    assert "Hidden while the IT team looks at it." in guest_page and UNSAFE not in guest_page
    login(client, people.helper)  # the author still sees their own text, with the note
    own = html.unescape(client.get(f"{PREFIX}/t/{thread_id}").text)
    assert UNSAFE in own and "Only its author and the IT team can read it." in own
    assert any("is hidden while the IT team looks at it" in n for n in _notices(app, people.helper))
    assert app.test_client().get(f"{PREFIX}/search?q=antivirus").text.count("post-") == 0


def test_one_champions_flag_weighs_enough_and_nobody_flags_their_own_post(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, UNSAFE)])
    answer_id = _answer_id(app, thread_id)
    login(client, people.helper)
    own = _flag(client, thread_id, answer_id)
    assert own.status_code == 403 and "This is your own post" in html.unescape(own.text)
    champion = _extra_people(app, 1)[0]
    _set_level(app, champion, 4)
    login(client, champion)
    _flag(client, thread_id, answer_id, reason="rude")
    assert "Hidden while the IT team looks at it." in app.test_client().get(f"{PREFIX}/t/{thread_id}").text


def test_a_flag_without_a_reason_or_with_an_empty_other_is_refused_and_saves_nothing(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart it.")])
    answer_id = _answer_id(app, thread_id)
    login(client, people.asker)
    none = _flag(client, thread_id, answer_id, reason="")
    assert none.status_code == 400 and "Please choose why you are flagging this post." in html.unescape(none.text)
    other = _flag(client, thread_id, answer_id, reason="other", note="   ")
    assert other.status_code == 400 and "Please say in a few words what is wrong." in other.text
    with app.app_context():
        assert get_state(app).db.session.scalar(sa.select(sa.func.count()).select_from(get_state(app).models.Flag)) == 0


# The review queue ---------------------------------------------------------------------------------------------------


def _decide(client: Any, post_id: int, decision: str, reason: str = "", days: str = "7") -> Any:
    return post_form(
        client,
        f"{PREFIX}/ask",
        f"{PREFIX}/review/{post_id}",
        {"decision": decision, "reason": reason, "days": days},
    )


def test_keeping_a_flagged_post_brings_it_back_and_tells_everyone(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, UNSAFE)])
    answer_id = _answer_id(app, thread_id)
    readers = _extra_people(app, 3)
    for reader in readers:
        login(client, reader)
        _flag(client, thread_id, answer_id)
    login(client, people.helper)
    assert client.get(f"{PREFIX}/review").status_code == 403
    login(client, people.agent)
    queue = html.unescape(client.get(f"{PREFIX}/review?order=most").text)
    assert "Members flagged it" in queue and "Wrong or unsafe advice" in queue and "weight 1" in queue
    assert _decide(client, answer_id, "keep", "It is the vendor's own advice.").status_code == 303
    assert UNSAFE in html.unescape(app.test_client().get(f"{PREFIX}/t/{thread_id}").text)
    assert any("it stays. The IT team said: It is the vendor's own advice." in n for n in _notices(app, people.helper))
    assert any("the post stays" in n for n in _notices(app, readers[0]))
    assert "Nothing to review" in client.get(f"{PREFIX}/review").text
    again = _decide(client, answer_id, "hide")
    assert again.status_code == 404 and "not waiting for a decision" in html.unescape(again.text)


def test_removing_and_silencing_takes_back_points_rewards_flaggers_and_stops_the_author(app, client, people):
    from forum.gamification import ledger

    thread_id = make_thread(app, people.asker, answers=[(people.helper, UNSAFE)])
    answer_id = _answer_id(app, thread_id)
    login(client, people.asker)
    post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/{answer_id}/like", {})
    with app.app_context():
        earned = ledger.total(get_state(app), people.helper.key)
    assert earned > 0
    readers = _extra_people(app, 3)
    for reader in readers:
        login(client, reader)
        _flag(client, thread_id, answer_id)
    login(client, people.agent)
    done = _decide(client, answer_id, "delete_silence", "Dangerous advice.", days="3")
    assert done.status_code == 303
    with app.app_context():
        state = get_state(app)
        assert ledger.total(state, people.helper.key) == 0  # reversal rows, not deletions
        assert ledger.verify(state) == []
        assert ledger.total(state, readers[0].key) == 2  # an agreed flag
    assert "The IT team removed your answer" in " ".join(_notices(app, people.helper))
    assert any("We removed that post" in n for n in _notices(app, readers[1]))
    login(client, people.helper)
    other = make_thread(app, people.asker, title="Another question about printers")
    refused = post_form(client, f"{PREFIX}/t/{other}", f"{PREFIX}/t/{other}/answer", {"body": "Hello again"})
    assert refused.status_code == 403
    assert "You cannot post, like or flag until" in html.unescape(refused.text) and "Dangerous advice." in refused.text
    profile = html.unescape(client.get(f"{PREFIX}/u/{people.helper.key}").text)
    assert "You are silenced in the community until" in profile

    with app.app_context():  # the silence ends
        state = get_state(app)
        Member = state.models.Member
        state.db.session.execute(
            sa.update(Member).where(Member.user_id == people.helper.key).values(silenced_until=dt.datetime(2000, 1, 1))
        )
        state.db.session.commit()
    allowed = post_form(client, f"{PREFIX}/t/{other}", f"{PREFIX}/t/{other}/answer", {"body": "Hello again"})
    assert allowed.status_code == 302


def test_five_agreed_flags_earn_the_deputy_badge(app, client, people):
    from forum.gamification import badges

    flagger = _extra_people(app, 1)[0]
    _set_level(app, flagger, 4)  # a Champion's flag hides at once
    for n in range(5):
        thread_id = make_thread(
            app, people.asker, title=f"Printer {n} is jammed again", answers=[(people.helper, f"Kick it {n}")]
        )
        answer_id = _answer_id(app, thread_id)
        login(client, flagger)
        _flag(client, thread_id, answer_id, reason="rude")
        login(client, people.agent)
        _decide(client, answer_id, "hide", "Not kind.")
    with app.app_context():
        assert "deputy" not in badges.earned(get_state(app), flagger.key)  # badges come from the worker
    follow_up(app)
    with app.app_context():
        assert "deputy" in badges.earned(get_state(app), flagger.key)
    assert "Hidden by the IT team." in app.test_client().get(f"{PREFIX}/t/{thread_id}").text


# Thread states -----------------------------------------------------------------------------------------------------


def _state(client: Any, thread_id: int, **data: str) -> Any:
    return post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/state", data)


def test_a_locked_question_shows_why_has_no_answer_box_and_refuses_a_forged_answer(app, client, people):
    thread_id = make_thread(app, people.asker)
    login(client, people.agent)
    refused = _state(client, thread_id, action="lock")
    assert refused.status_code == 400 and "Please give a reason" in refused.text
    assert (
        _state(client, thread_id, action="lock", reason="Fixed for everyone; see the announcement.").status_code == 303
    )
    login(client, people.helper)
    page = html.unescape(client.get(f"{PREFIX}/t/{thread_id}").text)
    assert "Locked. Fixed for everyone; see the announcement." in " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert 'id="answer-form"' not in page and "New answers are closed" in page
    assert "Locked: Fixed for everyone" in page  # in the timeline
    forged = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/answer", {"body": "Sneaky"})
    assert forged.status_code == 403 and "This question is locked" in html.unescape(forged.text)
    not_yours = _state(client, thread_id, action="unlock")
    assert not_yours.status_code == 403
    login(client, people.agent)
    _state(client, thread_id, action="unlock")
    assert (
        post_form(
            client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/answer", {"body": "Now it works"}
        ).status_code
        == 302
    )


def test_the_asker_closes_their_own_question_as_solved_and_only_that(app, client, people):
    thread_id = make_thread(app, people.asker)
    login(client, people.asker)
    assert _state(client, thread_id, action="close", closed_as="off_topic").status_code == 403
    assert _state(client, thread_id, action="close", closed_as="solved_elsewhere").status_code == 303
    page = html.unescape(client.get(f"{PREFIX}/t/{thread_id}").text)
    assert "Closed: Solved another way." in re.sub(r"<[^>]+>", "", page) and 'id="answer-form"' not in page
    assert _state(client, thread_id, action="lock", reason="x").status_code == 403
    assert _state(client, thread_id, action="reopen").status_code == 303
    assert 'id="answer-form"' in client.get(f"{PREFIX}/t/{thread_id}").text


def test_an_unlisted_question_leaves_lists_and_search_but_its_link_works(app, client, people):
    thread_id = make_thread(app, people.asker, title="Secret project printer setup", body="The toner is special.")
    login(client, people.agent)
    _state(client, thread_id, action="unlist")
    guest = app.test_client()
    assert "Secret project printer setup" not in guest.get(f"{PREFIX}/").text
    assert "Secret project printer setup" not in guest.get(f"{PREFIX}/search?q=toner").text
    assert "Secret project printer setup" in guest.get(f"{PREFIX}/t/{thread_id}").text
    _state(client, thread_id, action="relist")
    index_search(app)
    assert "Secret project printer setup" in guest.get(f"{PREFIX}/search?q=toner").text


def test_a_pin_leads_the_list_until_it_runs_out(app, client, people):
    old = make_thread(app, people.asker, title="Read this first: how to ask well")
    make_thread(app, people.helper, title="Newest question about the VPN")
    login(client, people.agent)
    bad = _state(client, old, action="pin", days="forever")
    assert bad.status_code == 400 and "between 1 and 365 days" in bad.text
    _state(client, old, action="pin", days="3", everywhere="yes")
    titles = re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', app.test_client().get(f"{PREFIX}/").text)
    assert titles[0] == "Read this first: how to ask well"
    with app.app_context():
        Thread = get_state(app).models.Thread
        get_state(app).db.session.execute(
            sa.update(Thread).where(Thread.id == old).values(pinned_until=dt.datetime(2000, 1, 1))
        )
        get_state(app).db.session.commit()
    titles = re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', app.test_client().get(f"{PREFIX}/").text)
    assert titles[0] == "Newest question about the VPN"


def test_pins_lead_the_first_pages_and_every_thread_is_listed_once(people_factory):
    app, client, people = people_factory(FORUM_THREADS_PER_PAGE=2)
    ids = [make_thread(app, people.asker, title=f"Question number {n}") for n in range(5)]
    login(client, people.agent)
    for pinned in ids[:3]:
        assert _state(client, pinned, action="pin", days="3", everywhere="yes").status_code == 303
    pages = []
    for page in (1, 2, 3):
        text = app.test_client().get(f"{PREFIX}/?page={page}").text
        pages.append(re.findall(r'<h2><a href="[^"]+">([^<]+)</a></h2>', text))
    # The three pins first (newest first), then the rest, across the page breaks, each once.
    assert pages == [
        ["Question number 2", "Question number 1"],
        ["Question number 0", "Question number 4"],
        ["Question number 3"],
    ]


# Rate limits, links, pictures, repeats, spam ---------------------------------------------------------------------------


@pytest.fixture
def limited(people_factory):
    return people_factory(FORUM_RATE_LIMITS=True)


def test_a_newcomer_answering_too_fast_is_told_when_to_go_on_and_can_after_the_window(limited, clock):
    app, client, people = limited
    thread_id = make_thread(app, people.asker)
    login(client, people.helper)
    url = f"{PREFIX}/t/{thread_id}/answer"
    for n in range(3):
        assert post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": f"Idea number {n}"}).status_code == 302
    fast = post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": "Idea number 4"}, headers=HX)
    assert fast.status_code == 429
    assert "You can post again in 5 minutes: new members can post 3 answers in 5 minutes." in html.unescape(fast.text)
    assert 0 < int(fast.headers["Retry-After"]) <= 300
    plain = post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": "Idea number 4"})
    assert plain.status_code == 429 and "new members can post 3 answers in 5 minutes" in html.unescape(plain.text)
    clock.now += 301
    assert post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": "Idea number 4"}).status_code == 302


def test_limits_grow_with_the_level_and_the_it_team_has_none(limited, clock):
    app, client, people = limited
    thread_id = make_thread(app, people.asker)
    _set_level(app, people.helper, 3)
    login(client, people.helper)
    url = f"{PREFIX}/t/{thread_id}/answer"
    for n in range(10):
        assert post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": f"Superuser idea {n}"}).status_code == 302
    login(client, people.agent)
    for n in range(12):
        assert post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": f"Agent note {n}"}).status_code == 302


def test_mentions_per_post_depend_on_the_level(limited, clock):
    app, client, people = limited
    thread_id = make_thread(app, people.asker)
    login(client, people.helper)
    url = f"{PREFIX}/t/{thread_id}/answer"
    many = post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": "Ask @AnaAsker @DanaDesk and @AdaAdmin"})
    assert many.status_code == 403 and "Please mention at most 2 people in one post." in many.text
    assert post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": "Ask @AnaAsker or @DanaDesk"}).status_code == 302


def test_newcomers_add_few_links_and_no_pictures_members_may(app, client, people):
    thread_id = make_thread(app, people.asker)
    login(client, people.helper)
    url = f"{PREFIX}/t/{thread_id}/answer"
    links = "See https://a.example, https://b.example and https://c.example"
    refused = post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": links})
    assert refused.status_code == 403 and "New members can add up to 2 links to a post." in refused.text
    picture = post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": "![error](https://img.example/e.png)"})
    assert picture.status_code == 403 and "New members cannot add pictures yet." in picture.text
    _set_level(app, people.helper, 1)
    assert post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": links}).status_code == 302
    assert (
        post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": "![error](https://img.example/e.png)"}).status_code
        == 302
    )


def test_the_same_answer_twice_in_a_row_is_refused_kindly(app, client, people):
    thread_id = make_thread(app, people.asker)
    login(client, people.helper)
    url = f"{PREFIX}/t/{thread_id}/answer"
    assert post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": "Unplug it for ten seconds."}).status_code == 302
    again = post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": "Unplug it for ten seconds. "})
    assert again.status_code == 409
    assert "You already posted exactly this, in “Outlook will not open today”." in html.unescape(again.text)


def test_spam_waits_in_the_queue_unseen_until_a_moderator_lets_it_through(app, client, people):
    thread_id = make_thread(app, people.asker)
    _set_level(app, people.helper, 1)
    login(client, people.helper)
    body = "Win big at the casino tonight, it fixes Outlook too."
    post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/answer", {"body": body})
    guest = html.unescape(app.test_client().get(f"{PREFIX}/t/{thread_id}").text)
    assert body not in guest and "Waiting for a check by the IT team" in guest
    assert not any("answered" in n for n in _notices(app, people.asker))  # nobody hears of it yet
    login(client, people.agent)
    queue = html.unescape(client.get(f"{PREFIX}/review").text)
    assert "Held back by the spam rules" in queue and "“casino”" in queue
    _decide(client, _answer_id(app, thread_id), "keep")
    assert body in html.unescape(app.test_client().get(f"{PREFIX}/t/{thread_id}").text)
    assert any("has been checked and everyone can see it now" in n for n in _notices(app, people.helper))


def test_a_plugins_spam_checker_holds_a_question_out_of_lists(people_factory):
    from plugin_api import hookimpl

    class Checker:
        @hookimpl
        def forum_check_spam(self, author: Any, text: str, thread_id: Any) -> str | None:
            return "Our checker says spam" if "cheap licences" in text else None

    app, client, people = people_factory(FORUM_PLUGINS=[Checker()])
    _set_level(app, people.helper, 1)
    thread_id = make_thread(app, people.helper, title="Cheap licences for everyone", body="Buy cheap licences here.")
    assert "Cheap licences for everyone" not in app.test_client().get(f"{PREFIX}/").text
    login(client, people.agent)
    assert "Our checker says spam" in client.get(f"{PREFIX}/review").text
    make_thread(app, people.asker, title="A normal question about Teams", body="It will not start.")
    assert "A normal question about Teams" in app.test_client().get(f"{PREFIX}/").text
    assert thread_id


# The audit log -----------------------------------------------------------------------------------------------------


def test_the_audit_log_lists_every_action_and_exports_safe_csv(app, client, people):
    thread_id = make_thread(app, people.asker)
    login(client, people.admin)
    _state(client, thread_id, action="lock", reason='=HYPERLINK("http://evil")')
    post_form(
        client,
        f"{PREFIX}/u/{people.helper.key}/silence",
        f"{PREFIX}/u/{people.helper.key}/silence",
        {"days": "2", "reason": "Shouting"},
    )
    page = html.unescape(client.get(f"{PREFIX}/admin/audit").text)
    assert "Locked a question" in page and "Silenced a member" in page and "Ada Admin" in page
    only = html.unescape(client.get(f"{PREFIX}/admin/audit?action=silence").text)
    assert "Silenced a member" in only and "Locked a question (thread" not in only
    exported = client.get(f"{PREFIX}/admin/audit.csv")
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][:3] == ["When (UTC)", "Who", "Action"]
    reasons = [row[4] for row in rows[1:]]
    assert '\'=HYPERLINK("http://evil")' in reasons
    login(client, people.agent)
    assert client.get(f"{PREFIX}/admin/audit").status_code == 403


def test_silencing_needs_a_reason_and_sensible_days(app, client, people):
    login(client, people.agent)
    url = f"{PREFIX}/u/{people.helper.key}/silence"
    assert client.get(url).status_code == 200
    no_reason = post_form(client, url, url, {"days": "3", "reason": " "})
    assert no_reason.status_code == 400 and "Please give a reason" in no_reason.text
    odd = post_form(client, url, url, {"days": "99999999999999999999", "reason": "Rude"})
    assert odd.status_code == 400 and "between 1 and 365 days" in odd.text
    login(client, people.helper)
    assert client.get(url).status_code == 403
    with app.app_context():
        from forum.moderation import silence

        assert silence.silenced(get_state(app), people.helper.key) is None


@pytest.mark.parametrize(
    "action, count, words",
    [
        ("question", 3, "You can ask again in 1 hour: new members can ask 3 questions an hour."),
        ("like", 10, "You can like posts again in 1 minute: new members can give 10 likes a minute."),
        ("share", 5, "You can send links to colleagues again in 1 minute: new members can send 5 links a minute."),
        ("flag", 10, "You can flag posts again in 24 hours: new members can send 10 flags a day."),
        ("mention", 10, "You can mention people again in 24 hours: new members can make 10 mentions a day."),
    ],
)
def test_each_action_has_its_limit_and_it_lifts_after_its_window(limited, clock, action, count, words):
    from forum.moderation import limits

    app, client, people = limited
    with app.app_context():
        state = get_state(app)
        newcomer = state.users.to_forum_user(state.db.session.get(type(people.helper), people.helper.key))
        for _ in range(count):
            limits.allow(state, newcomer, action)
        with pytest.raises(limits.RateLimited) as refused:
            limits.allow(state, newcomer, action)
        assert refused.value.status == 429 and refused.value.message == words
        clock.now += 24 * 3600 + 1
        limits.allow(state, newcomer, action)


def test_hiding_and_removing_tell_the_author_and_thank_the_flaggers(app, client, people):
    first = make_thread(app, people.asker, answers=[(people.helper, "Kick the printer.")])
    second = make_thread(app, people.asker, title="Scanner is slow", answers=[(people.helper, "Shout at it.")])
    flagger = _extra_people(app, 1)[0]
    _set_level(app, flagger, 4)
    login(client, flagger)
    _flag(client, first, _answer_id(app, first), reason="rude")
    _flag(client, second, _answer_id(app, second), reason="rude")
    login(client, people.agent)
    _decide(client, _answer_id(app, first), "hide", "Not kind.")
    _decide(client, _answer_id(app, second), "delete")
    told = " ".join(_notices(app, people.helper))
    assert "The IT team hid your answer in “Outlook will not open today”. The IT team said: Not kind." in told
    assert "The IT team removed your answer in “Scanner is slow”." in told
    thanks = _notices(app, flagger)
    assert "Thanks for flagging. We hid that post." in thanks and "Thanks for flagging. We removed that post." in thanks
    assert "Shout at it." not in app.test_client().get(f"{PREFIX}/t/{second}").text


def test_when_the_admin_checks_first_posts_a_new_members_first_post_waits(people_factory):
    app, client, people = people_factory(FORUM_REVIEW_FIRST_POSTS=True)
    thread_id = make_thread(app, people.agent, title="Welcome: ask anything here")  # the IT team is never held
    assert "Welcome: ask anything here" in app.test_client().get(f"{PREFIX}/").text
    login(client, people.helper)
    url = f"{PREFIX}/t/{thread_id}/answer"
    post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": "Hello, I am new here."})
    assert "Hello, I am new here." not in app.test_client().get(f"{PREFIX}/t/{thread_id}").text
    post_form(client, f"{PREFIX}/t/{thread_id}", url, {"body": "And a second post."})
    assert "And a second post." in app.test_client().get(f"{PREFIX}/t/{thread_id}").text  # only the first waits
    login(client, people.agent)
    assert "A new member's first post" in html.unescape(client.get(f"{PREFIX}/review").text)
    _decide(client, _answer_id(app, thread_id), "keep")
    assert "Hello, I am new here." in app.test_client().get(f"{PREFIX}/t/{thread_id}").text
