"""Everyday polish: page titles, the ask form's category, whose name the IT team sees, and only the
notification choices that can reach someone."""

from __future__ import annotations

import html
import re

from helpers import PREFIX, login, make_thread, post_form


def test_a_thread_pages_title_is_the_question_and_nothing_else(app, client, people):
    thread_id = make_thread(app, people.asker, title="Outlook will not open today")
    page = client.get(f"{PREFIX}/t/{thread_id}").text
    title = html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1))
    assert title == "Outlook will not open today · Community help | Acme portal"


def test_a_new_question_starts_with_no_category_and_asks_for_one(app, client, people):
    login(client, people.asker)
    form = client.get(f"{PREFIX}/ask").text
    assert re.search(r'<select id="category_id" name="category_id"><option value="">Choose a category</option>', form)
    refused = post_form(
        client, f"{PREFIX}/ask", f"{PREFIX}/ask", {"title": "Printer on floor 3 is offline", "body": "It says so."}
    )
    assert refused.status_code == 400
    assert "Please pick one of the categories in the list." in refused.text
    chosen = client.get(f"{PREFIX}/ask?category=general").text
    assert re.search(r'<option (selected value="1"|value="1" selected)>General</option>', chosen)


def test_the_ask_it_team_page_names_whose_details_the_it_team_sees(people_factory):
    app, client, people = people_factory(FORUM_DESK_CONNECTOR="memory")
    thread_id = make_thread(app, people.asker)
    login(client, people.asker)
    assert "The IT team can see your name and e-mail address" in client.get(f"{PREFIX}/t/{thread_id}/ask-it-team").text
    login(client, people.agent)
    page = client.get(f"{PREFIX}/t/{thread_id}/ask-it-team").text
    assert "The IT team can see the name and e-mail address of Ana Asker, who asked" in page
    assert "your name" not in page


def test_without_mail_the_settings_offer_only_what_reaches_people(people_factory):
    app, client, people = people_factory(FORUM_MAIL_SERVER=None)
    login(client, people.asker)
    page = client.get(f"{PREFIX}/notifications/settings").text
    assert "This portal does not send e-mail yet" in page
    assert "by e-mail" not in page and "daily e-mail" not in page
    assert 'value="portal" checked' in page
    with_mail = people_factory(FORUM_MAIL_SERVER="127.0.0.1")
    login(with_mail[1], with_mail[2].asker)
    assert "In the portal and by e-mail at once" in with_mail[1].get(f"{PREFIX}/notifications/settings").text


def test_badge_notices_thank_people_only_for_helping(app, client, people):
    from forum.gamification.badges import DEFAULT_BADGES, badge_words

    by_slug = {rule.slug: rule for rule in DEFAULT_BADGES}
    assert str(badge_words(by_slug["first-question"])).endswith("Well done!")
    assert str(badge_words(by_slug["frequent-visitor"])).endswith("Well done!")
    assert str(badge_words(by_slug["solved-it"])).endswith("Thank you for helping!")
    make_thread(app, people.asker, answers=[(people.helper, "Restart it.")])
    login(client, people.asker)
    assert (
        "You earned the First question badge: Asked a first question. Well done!"
        in client.get(f"{PREFIX}/notifications").text
    )


def test_a_finished_announcement_offers_nothing_to_report(app, client, people):
    from helpers import forum_user
    from hostapp import db

    from forum import get_state
    from forum.models import utcnow
    from forum.notifications import announcements

    with app.app_context():
        found = announcements.publish(
            get_state(app), forum_user(app, people.agent), kind="outage", title="VPN is down", body="We are on it."
        )
        found.closed_at = utcnow()
        db.session.commit()
        announcement_id = found.id
    login(client, people.asker)
    page = client.get(f"{PREFIX}/announcements/{announcement_id}").text
    assert "This is over" in page
    assert "It does not affect me" not in page and "This affects me too" not in page


def test_restoring_a_removed_solution_solves_the_question_again_with_its_points(app, client, people):
    from helpers import forum_user
    from hostapp import db

    from forum import get_state
    from forum.gamification import ledger
    from forum.threads import posting, solutions

    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart the print spooler.")])
    with app.app_context():
        state = get_state(app)
        thread = db.session.get(state.models.Thread, thread_id)
        answer = db.session.scalar(db.select(state.models.Post).where(~state.models.Post.is_question))
        solutions.accept(state, forum_user(app, people.asker), thread, answer.id)
        earned = ledger.total(state, people.helper.key)
        posting.set_deleted(state, forum_user(app, people.agent), answer, True)
        db.session.refresh(thread)
        assert thread.accepted_post_id is None and ledger.total(state, people.helper.key) < earned
        posting.set_deleted(state, forum_user(app, people.agent), answer, False)
        db.session.refresh(thread)
        assert thread.accepted_post_id == answer.id and thread.accepted_by_id == people.asker.key
        assert ledger.total(state, people.helper.key) == earned
        assert ledger.verify(state) == []
    login(client, people.asker)
    page = client.get(f"{PREFIX}/t/{thread_id}").text
    assert "Solved" in page and "This answer solved it" in page
    assert "The answer that solved this was removed, so the question is open again." in page
    assert "The answer that solved this is back, so the question is solved again." in page
    notices = client.get(f"{PREFIX}/notifications").text
    assert "The answer that solved your question “Outlook will not open today” was removed" in notices


def test_deleting_asks_first_and_the_author_can_undo_for_a_while(app, client, people):
    from hostapp import db

    from forum.models import utcnow

    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart the print spooler.")])
    login(client, people.helper)
    page = client.get(f"{PREFIX}/t/{thread_id}").text
    assert f'href="{PREFIX}/p/2/delete">Delete</a>' in page  # a link to a question, not an instant delete
    confirm = client.get(f"{PREFIX}/p/2/delete")
    assert confirm.status_code == 200 and "Delete this answer?" in confirm.text
    assert "You can undo it for 10 minutes." in confirm.text
    deleted = post_form(client, f"{PREFIX}/p/2/delete", f"{PREFIX}/p/2/delete", {}, follow_redirects=True)
    assert "Restart the print spooler." not in deleted.text
    assert f'action="{PREFIX}/p/2/undo-delete"' in deleted.text and ">Undo</button>" in deleted.text
    undone = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/undo-delete", {}, follow_redirects=True)
    assert "It is back." in undone.text and "Restart the print spooler." in undone.text

    post_form(client, f"{PREFIX}/p/2/delete", f"{PREFIX}/p/2/delete", {})
    login(client, people.asker)  # someone else cannot undo it
    assert post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/undo-delete", {}).status_code == 403
    login(client, people.helper)
    with app.app_context():
        db.session.execute(
            db.text("UPDATE forum_post SET deleted_at = :t WHERE id = 2"), {"t": utcnow().replace(year=2020)}
        )
        db.session.commit()
    late = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/undo-delete", {})
    assert late.status_code == 403 and "too late to undo" in late.text


def test_an_agent_removing_someone_elses_post_gets_no_undo_button_for_it(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart the print spooler.")])
    login(client, people.agent)
    removed = post_form(client, f"{PREFIX}/p/2/delete", f"{PREFIX}/p/2/delete", {}, follow_redirects=True)
    assert "undo-delete" not in removed.text and "The answer was removed." in removed.text
    assert thread_id


def test_inside_a_host_layout_the_forum_adds_no_second_main_or_banner(app, client, people):
    make_thread(app, people.asker)
    page = client.get(f"{PREFIX}/").text  # the test host's layout
    assert "<main" not in page and "<header" not in page
    assert 'id="forum-main"' in page and '<nav aria-label="Community">' in page


def test_the_standalone_layout_has_its_own_main_and_banner(people_factory):
    app, client, people = people_factory(FORUM_BASE_TEMPLATE="forum/layout.html")
    page = client.get(f"{PREFIX}/").text
    assert page.count("<main") == 1 and '<main id="forum-main"' in page
    assert page.count("<header") == 1 and '<header class="forum-bar">' in page


def _bar(page: str) -> str:
    """The forum bar's menu, as words."""
    menu = re.search(r'<nav aria-label="Community">(.*?)</nav>', page, re.S).group(1)
    return " | ".join(w.strip() for w in re.findall(r">([^<>]+)</a>", menu) if w.strip())


def test_the_menu_names_announcements_and_the_it_teams_pages_as_their_pages_do(people_factory):
    quiet_app, quiet_client, _ = people_factory(FORUM_BAR_LOGIN_LINK=False)
    assert "Log in" not in _bar(quiet_client.get(f"{PREFIX}/").text)  # the portal's own bar has one
    app, client, people = people_factory()  # the same database, emptied again
    guest_bar = _bar(client.get(f"{PREFIX}/").text)
    assert "Announcements" in guest_bar and guest_bar.count("Log in") == 1
    login(client, people.agent)
    agent_bar = _bar(client.get(f"{PREFIX}/").text)
    for name in ("What suggestions achieve", "Too technical", "Glossary", "IT team connection"):
        assert name in agent_bar
        heading = {
            "What suggestions achieve": "/admin/suggestions",
            "Too technical": "/admin/too-technical",
            "Glossary": "/admin/glossary",
            "IT team connection": "/admin/desk",
        }[name]
        assert client.get(f"{PREFIX}{heading}").status_code == 200
    for old in ("Desk numbers", "Service desk", "Help desk"):
        assert old not in agent_bar
    login(client, people.helper)
    assert "Glossary" not in _bar(client.get(f"{PREFIX}/").text)


def test_dark_mode_follows_the_system_unless_the_host_turns_it_off(people_factory):
    app, client, people = people_factory()
    assert 'class="forum" id="forum-root"' in client.get(f"{PREFIX}/").text
    css = client.get(f"{PREFIX}/static/forum/forum.css").text
    assert "@media (prefers-color-scheme: dark)" in css and ".forum:not(.forum-light)" in css
    assert "@media (prefers-reduced-motion: reduce)" in css
    light_app, light_client, _ = people_factory(FORUM_DARK_MODE=False)
    assert 'class="forum forum-light" id="forum-root"' in light_client.get(f"{PREFIX}/").text
