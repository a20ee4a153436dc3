"""Moderation in a real Chromium on a 360 px phone: flags that hide an answer, a Champion's decision, a locked
question, and a newcomer who posts too fast, with JavaScript and without."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from browser import demo_app, log_in, serve, shot

pytestmark = pytest.mark.browser

PHONE = {"width": 360, "height": 740}
UNSAFE = "Turn off the antivirus for a week, it makes the VPN faster."


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    import sqlalchemy as sa

    from examples.portal.app import Account, db
    from forum import get_state
    from forum.gamification import levels

    app = demo_app(tmp_path_factory, "moderation")
    with app.app_context():
        db.session.add_all(
            [
                Account(username="nora", display_name="Nora New", email="nora@example.com"),
                Account(username="nick", display_name="Nick Novice", email="nick@example.com"),
                Account(username="nell", display_name="Nell Newman", email="nell@example.com"),
            ]
        )
        db.session.commit()
        state = get_state(app)
        people = {a.username: state.users.to_forum_user(a) for a in db.session.scalars(sa.select(Account))}
        levels.grant(state, people["dana"], people["rita"].id, 4, lock=True)  # a Champion
        state.db.session.commit()
    with serve(app) as base:
        yield base


def _ask(page: Any, demo: str, title: str) -> str:
    page.goto(f"{demo}/community/ask")
    page.get_by_label("Title: what is the problem, in one sentence?").fill(title)
    page.get_by_label("Category").select_option(label="VPN & remote access")
    page.get_by_label("Details: what did you try, and what happened?").fill("It drops every few minutes.")
    page.get_by_role("button", name="Post your question").click()
    page.wait_for_url(re.compile(r".*/community/t/\d+/.*"))
    return str(page.url)


def _flag(page: Any, demo: str, url: str, user: str, reason: str) -> None:
    log_in(page, demo, user)
    page.goto(url)
    page.locator("#answers .post.answer", has_text=UNSAFE).get_by_role("link", name=re.compile("^Flag")).click()
    page.get_by_label(reason).check()
    page.get_by_role("button", name="Send flag").click()
    page.wait_for_url(re.compile(r".*/community/t/\d+.*"))


def test_flags_hide_an_answer_and_a_champion_removes_it_and_silences_its_author(demo, browser):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        log_in(page, demo, "ana")
        url = _ask(page, demo, "VPN is slow from the hotel")
        log_in(page, demo, "nora")
        page.goto(url)
        page.get_by_role("textbox", name="Your answer").fill(UNSAFE)
        page.get_by_role("button", name="Post your answer").click()
        page.locator("#answers .post.answer", has_text=UNSAFE).wait_for()

        _flag(page, demo, url, "ben", "Wrong or unsafe advice (for example, it turns off security)")
        assert "The IT team will look at it." in page.locator(".flash").inner_text()
        shot(page, "moderation-flag-sent-phone")
        _flag(page, demo, url, "chloe", "Wrong or unsafe advice (for example, it turns off security)")
        _flag(page, demo, url, "emma", "Spam or advertising")
        assert "The post is hidden while the IT team looks at it." in page.locator(".flash").inner_text()
        answer = page.locator("#answers .post.answer", has_text="Hidden while the IT team looks at it.")
        assert answer.count() == 1 and page.get_by_text(UNSAFE).count() == 0

        log_in(page, demo, "rita")
        page.goto(f"{demo}/community/")
        page.locator("#forum-menu > summary").click()  # folded on a phone
        page.get_by_role("link", name="Review queue").click()
        item = page.locator(".review-item", has_text="VPN is slow from the hotel")
        assert "Wrong or unsafe advice" in item.inner_text()
        shot(page, "moderation-review-queue-phone")
        item.get_by_label("Remove it and silence the author").check()
        item.get_by_label("Reason (the author sees it)").fill("Turning off the antivirus is never safe.")
        item.get_by_label("If silencing: for how many days").fill("3")
        item.get_by_role("button", name="Decide").click()
        assert "the post is removed and its author silenced" in page.locator(".flash").inner_text()

        log_in(page, demo, "nora")
        page.goto(f"{demo}/community/notifications")
        notices = page.locator(".notification-list").inner_text()
        assert "The IT team removed your answer" in notices and "Turning off the antivirus is never safe." in notices
        page.goto(url)
        assert page.locator("#answers .post.answer", has_text=UNSAFE).count() == 0
        page.get_by_role("textbox", name="Your answer").fill("Sorry, I meant restart the VPN client.")
        page.get_by_role("button", name="Post your answer").click()
        # the form says it (the page's live region may also read it out, a moment later)
        page.locator("#answer-form").get_by_text("You cannot post, like or flag until").wait_for()
        assert "Turning off the antivirus is never safe." in page.locator("#answer-form").inner_text()
        shot(page, "moderation-silenced-author-phone")
    finally:
        context.close()


def test_an_agent_locks_a_question_and_the_answer_box_is_gone(demo, browser):
    context = browser.new_context(viewport=PHONE)
    try:
        page = context.new_page()
        log_in(page, demo, "ben")
        url = _ask(page, demo, "VPN certificate expired message")
        log_in(page, demo, "dana")
        page.goto(url)
        page.get_by_text("Manage this question").click()
        page.get_by_label("Lock, because").fill("Fixed for everyone this morning.")
        page.get_by_role("button", name="Lock", exact=True).click()
        page.locator("#thread-state").get_by_text("Locked.").wait_for()
        log_in(page, demo, "chloe")
        page.goto(url)
        assert page.get_by_role("textbox", name="Your answer").count() == 0
        assert "Fixed for everyone this morning." in page.locator("#thread-state").inner_text()
        assert page.get_by_role("heading", name="New answers are closed").is_visible()
        shot(page, "moderation-locked-phone")
    finally:
        context.close()


@pytest.mark.parametrize("js", [True, False], ids=["htmx", "no-js"])
def test_a_newcomer_posting_too_fast_is_told_when_to_go_on(demo, browser, js):
    context = browser.new_context(viewport=PHONE, java_script_enabled=js)
    try:
        page = context.new_page()
        log_in(page, demo, "dev")
        url = _ask(page, demo, f"Docking station not charging ({'htmx' if js else 'no js'})")
        log_in(page, demo, "nick" if js else "nell")  # each starts with a clean count
        for n in range(4):
            page.goto(url) if not js or n == 0 else None
            page.get_by_role("textbox", name="Your answer").fill(f"Try the other USB-C port, number {n} ({js})")
            page.get_by_role("button", name="Post your answer").click()
            if n < 3:
                page.locator("#answers .post.answer", has_text=f"number {n} ({js})").wait_for()
        message = page.locator("#answer-form .form-errors, #answer-form .field-error").first
        message.wait_for()
        assert re.search(
            r"You can post again in \d+ (minutes?|seconds?): new members can post 3 answers in 5 minutes\.",
            message.inner_text(),
        ), message.inner_text()
        if js:
            assert page.locator("#answers .post.answer").count() == 3  # in place: the page did not reload
        shot(page, f"moderation-too-fast-{'htmx' if js else 'no-js'}-phone")
    finally:
        context.close()
