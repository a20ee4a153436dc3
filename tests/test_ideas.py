"""Ideas: proposing, one vote each within a limit that comes back when an idea closes, the IT team's statuses with
their notices and timeline, points and a badge for a done idea, and merging duplicates."""

from __future__ import annotations

import html
import re
from typing import Any

import sqlalchemy as sa
from helpers import PREFIX, follow_up, login, post_form

from forum import get_state


def _propose(client: Any, title: str, body: str = "It would save everyone a phone call.") -> int:
    made = post_form(client, f"{PREFIX}/ideas/new", f"{PREFIX}/ideas/new", {"title": title, "body": body})
    assert made.status_code == 303, made.text
    return int(made.headers["Location"].rsplit("/", 1)[1])


def _vote(client: Any, idea_id: int, wanted: bool = True, **headers: str) -> Any:
    verb = "vote" if wanted else "unvote"
    return post_form(client, f"{PREFIX}/ideas/new", f"{PREFIX}/ideas/{idea_id}/{verb}", {}, headers=headers)


def _status(client: Any, idea_id: int, **data: str) -> Any:
    return post_form(client, f"{PREFIX}/ideas/{idea_id}", f"{PREFIX}/ideas/{idea_id}/status", data)


def _notices(app: Any, member: Any) -> list[str]:
    with app.app_context():
        N = get_state(app).models.Notification
        return list(get_state(app).db.session.scalars(sa.select(N.message).where(N.user_id == member.key)))


def _votes(app: Any, idea_id: int) -> int:
    with app.app_context():
        return int(get_state(app).db.session.get(get_state(app).models.Idea, idea_id).vote_count)


def test_an_idea_comes_with_its_authors_vote_and_others_vote_once(app, client, people):
    login(client, people.asker)
    idea = _propose(client, "Let us reset our own MFA from the portal")
    assert _votes(app, idea) == 1
    login(client, people.helper)
    pressed = _vote(client, idea, **{"HX-Request": "true"})
    assert pressed.status_code == 200
    assert _votes(app, idea) == 2
    _vote(client, idea)
    assert _votes(app, idea) == 2  # once only
    listed = html.unescape(app.test_client().get(f"{PREFIX}/ideas").text)
    assert "Let us reset our own MFA from the portal" in listed and "Open for votes" in listed
    _vote(client, idea, wanted=False)
    assert _votes(app, idea) == 1


def test_votes_are_limited_and_come_back_when_an_idea_closes(people_factory):
    app, client, people = people_factory(FORUM_IDEA_VOTES=2)
    login(client, people.agent)
    ideas = [_propose(client, f"Idea number {n} for the portal") for n in range(3)]
    login(client, people.helper)
    _vote(client, ideas[0])
    _vote(client, ideas[1])
    refused = _vote(client, ideas[2], **{"HX-Request": "true"})
    assert refused.status_code == 403
    assert "You have used all your 2 votes." in html.unescape(refused.text)
    assert _votes(app, ideas[2]) == 0  # its author had used their 2 votes on the first two

    login(client, people.agent)
    _status(client, ideas[0], status="done", note="Live since today.", link="/help/community/announcements")
    login(client, people.helper)
    assert "You have 1 vote left" in client.get(f"{PREFIX}/ideas").text
    assert _vote(client, ideas[2]).status_code == 303 and _votes(app, ideas[2]) == 1
    closed = _vote(client, ideas[0], wanted=True, **{"HX-Request": "true"})
    assert closed.status_code == 409 and "This idea is closed" in closed.text


def test_each_status_tells_voters_and_the_author_and_shows_on_the_timeline(app, client, people):
    login(client, people.asker)
    idea = _propose(client, "Print from my phone to the office printers")
    login(client, people.helper)
    _vote(client, idea)
    login(client, people.agent)
    assert _status(client, idea, status="under_review").status_code == 303
    _status(client, idea, status="planned", note="We start after the upgrade.", target_date="2027-03-31")
    _status(client, idea, status="in_progress")
    _status(client, idea, status="done", note="Use the Print app.", link="https://intranet.example/print")
    page = html.unescape(client.get(f"{PREFIX}/ideas/{idea}").text)
    steps = re.findall(r'<li class="timeline-item"><p>([^<]+)</p>', page)
    assert steps == [
        "Proposed",
        "Under review",
        "Planned (for March 31, 2027): We start after the upgrade.",
        "In progress",
        "Done: Use the Print app.",
    ]
    assert 'href="https://intranet.example/print"' in page
    for person in (people.asker, people.helper):
        told = _notices(app, person)
        assert "Your idea “Print from my phone to the office printers”: Done: Use the Print app." in told
        assert any("Planned (for March 31, 2027)" in n for n in told)


def test_not_planned_needs_a_reason_and_odd_dates_and_links_are_refused(app, client, people):
    login(client, people.asker)
    idea = _propose(client, "Free coffee from the IT team")
    login(client, people.agent)
    silent = _status(client, idea, status="not_planned")
    assert silent.status_code == 400 and "Please explain why it is not planned." in silent.text
    date = _status(client, idea, status="planned", target_date="next spring")
    assert date.status_code == 400 and "year-month-day" in date.text
    link = _status(client, idea, status="done", link="javascript:alert(1)")
    assert link.status_code == 400 and "full web address" in link.text
    with app.app_context():
        assert get_state(app).db.session.get(get_state(app).models.Idea, idea).status == "open"
    login(client, people.helper)
    assert _status(client, idea, status="done").status_code == 403


def test_a_done_idea_earns_its_author_points_once_and_the_idea_maker_badge(app, client, people):
    from forum.gamification import badges, ledger

    login(client, people.asker)
    idea = _propose(client, "Show my laptop's warranty in the portal")
    login(client, people.agent)
    _status(client, idea, status="done", note="It is on your profile now.")
    _status(client, idea, status="in_progress")
    _status(client, idea, status="done", note="Done again.")
    with app.app_context():
        state = get_state(app)
        assert ledger.total(state, people.asker.key) == 20  # the points at once
        assert ledger.verify(state) == []
        assert "idea-maker" not in badges.earned(state, people.asker.key)  # the badge from the worker's pass
    follow_up(app)
    with app.app_context():
        assert "idea-maker" in badges.earned(get_state(app), people.asker.key)


def test_merging_moves_votes_once_per_person_and_tells_the_voters(app, client, people):
    login(client, people.asker)
    original = _propose(client, "Self-service password reset")
    login(client, people.helper)
    copy = _propose(client, "Reset my own password without calling")
    _vote(client, original)
    login(client, people.admin)
    _vote(client, copy)
    login(client, people.helper)
    merge = post_form(client, f"{PREFIX}/ideas/{copy}", f"{PREFIX}/ideas/{copy}/merge", {"into": str(original)})
    assert merge.status_code == 403
    login(client, people.agent)
    odd = post_form(client, f"{PREFIX}/ideas/{copy}", f"{PREFIX}/ideas/{copy}/merge", {"into": str(copy)})
    assert odd.status_code == 400
    post_form(client, f"{PREFIX}/ideas/{copy}", f"{PREFIX}/ideas/{copy}/merge", {"into": str(original)})
    assert _votes(app, original) == 3  # asker, helper (once, not twice), admin
    assert _votes(app, copy) == 0
    assert any("is now part of “Self-service password reset”" in n for n in _notices(app, people.admin))
    page = html.unescape(app.test_client().get(f"{PREFIX}/ideas/{copy}").text)
    assert "This idea is now part of" in page and "Merged into another idea" in page
    assert "Reset my own password without calling" not in app.test_client().get(f"{PREFIX}/ideas").text


def test_the_it_teams_answers_show_in_whats_happening_and_its_feed(app, client, people):
    import feedparser

    login(client, people.asker)
    idea = _propose(client, "Longer screen lock timeout at home")
    login(client, people.agent)
    _status(client, idea, status="not_planned", note="Security asks for 10 minutes; we cannot change it.")
    guest = app.test_client()
    page = html.unescape(guest.get(f"{PREFIX}/happening").text)
    assert "Idea “Longer screen lock timeout at home”: Not planned: Security asks for 10 minutes" in page
    feed = feedparser.parse(guest.get(f"{PREFIX}/feeds/happening.atom").data)
    assert any(e.title.startswith("Idea “Longer screen lock timeout at home”: Not planned") for e in feed.entries)
    assert f"/ideas/{idea}" in feed.entries[0].link


def test_ideas_like_the_one_being_typed_are_suggested(app, client, people):
    login(client, people.asker)
    _propose(client, "Let us reset our own MFA from the portal")
    _propose(client, "Show which printers are out of toner")
    guest = app.test_client()
    found = html.unescape(guest.get(f"{PREFIX}/ideas/similar?title=reset+MFA+without+calling").text)
    assert "Let us reset our own MFA from the portal" in found and "printers" not in found
    assert "Vote for it instead?" in found
    nothing = guest.get(f"{PREFIX}/ideas/similar?title=a+to+of").text
    assert "show up here as you type" in nothing
    odd = guest.get(f"{PREFIX}/ideas/similar?title=%25%25%25_" + "x" * 5000)
    assert odd.status_code == 200


def test_watchers_hear_of_every_change_and_muting_stops_it(app, client, people):
    login(client, people.asker)
    idea = _propose(client, "Bigger mailboxes for the sales team")
    login(client, people.helper)  # neither the author nor a voter: watches it
    page = f"{PREFIX}/ideas/{idea}"
    watched = post_form(client, page, f"{PREFIX}/follow/idea/{idea}", {"level": "watching", "next": page})
    assert watched.status_code == 302
    login(client, people.asker)  # the author mutes it
    post_form(client, page, f"{PREFIX}/follow/idea/{idea}", {"level": "muted", "next": page})
    login(client, people.agent)
    _status(client, idea, status="under_review", note="We are asking the mail team.")
    assert any("Under review" in n for n in _notices(app, people.helper))
    assert not any("Under review" in n for n in _notices(app, people.asker))
    missing = post_form(client, page, f"{PREFIX}/follow/idea/99999", {"level": "watching"})
    assert missing.status_code == 404
