"""Writing in a real Chromium: tips while typing, the toolbar, the preview, @mentions by keyboard, drafts that survive
a reload or a lost connection, readers' verdicts, and the whole everyday flow on a phone with the keyboard alone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from browser import demo_app, log_in, serve, shot
from servers import wait_for

pytestmark = pytest.mark.browser

JARGON = "Flush DNS from the command prompt, then reconnect the VPN client."


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(demo_app(tmp_path_factory, "writing")) as base:
        yield base


def ask(page: Any, demo: str, title: str, body: str = "It prints blank pages since Monday.") -> str:
    page.goto(f"{demo}/community/ask")
    page.get_by_label("Title: what is the problem, in one sentence?").fill(title)
    page.get_by_label("Category").select_option(label="Printers & scanning")
    page.get_by_label("Details: what did you try, and what happened?").fill(body)
    page.get_by_role("button", name="Post your question").click()
    page.wait_for_url(re.compile(r".*/community/t/\d+/.*"))
    return str(page.url)


ACTIVE_NAME = """() => {
    const e = document.activeElement;
    if (!e || e === document.body) return "";
    const label = e.labels && e.labels.length ? e.labels[0].textContent : "";
    return (e.getAttribute("aria-label") || label || e.textContent || "").replace(/\\s+/g, " ").trim();
}"""


def active(page: Any) -> str:
    """The name of what has keyboard focus ("" when focus fell back to the page itself)."""
    return str(page.evaluate(ACTIVE_NAME))


def tab_to(page: Any, name: str | re.Pattern[str], *, limit: int = 400) -> None:
    """Press Tab, as a keyboard user does, until the control called ``name`` has focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = active(page)
        if (name.search(now) is not None) if isinstance(name, re.Pattern) else now == name:
            return
    pytest.fail(f"Tab never reached {name!r}")


def test_tips_toolbar_preview_and_mentions_by_keyboard(demo, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        log_in(page, demo, "ana")
        url = ask(page, demo, "Scanner saves files nowhere I can find")
        log_in(page, demo, "sam")
        page.goto(url)
        tab_to(page, "Your answer")
        page.keyboard.type(JARGON)
        tips = page.locator("#body-tips")
        tips.filter(has_text="command prompt").wait_for()
        assert "Try “the black window where you type commands”" in tips.inner_text()
        shot(page, "writing-tips-phone")

        page.keyboard.press("Control+A")
        page.keyboard.type("Restart the scanner")
        tips.filter(has_text="Clear and plain").wait_for()
        page.keyboard.press("Shift+Home")
        page.keyboard.press("Control+B")
        box = page.get_by_role("textbox", name="Your answer")
        assert box.input_value() == "**Restart the scanner**"
        page.keyboard.press("End")
        page.keyboard.press("Shift+Home")
        page.keyboard.press("Shift+Tab")  # back to the toolbar, by keyboard
        while active(page) != "Numbered steps":
            page.keyboard.press("Shift+Tab")
        page.keyboard.press("Enter")
        assert box.input_value() == "1. **Restart the scanner**"
        assert active(page) == "Your answer"  # the toolbar hands focus back to the text

        page.keyboard.press("End")
        page.keyboard.type("\n2. Ask @an")
        people = page.get_by_role("listbox", name="People to mention")
        option = people.get_by_role("option", name=re.compile("Ana Martins"))
        option.wait_for()
        assert option.get_attribute("aria-selected") == "true"
        assert box.get_attribute("aria-activedescendant") == option.get_attribute("id")
        wait_for(lambda: re.search(r"(people|person) found", page.locator("#forum-live").inner_text()))
        shot(page, "writing-mention-list-phone")
        page.keyboard.press("Enter")
        assert box.input_value().endswith("2. Ask @ana ")
        assert people.is_hidden()
        shot(page, "writing-mention-picked-phone")

        tab_to(page, "Preview")
        page.keyboard.press("Enter")
        preview = page.locator("#body-preview")
        preview.locator("strong", has_text="Restart the scanner").wait_for()
        assert preview.locator("ol li").count() == 2
        assert preview.locator("a.mention", has_text="@ana").count() == 1

        tab_to(page, "Post your answer")
        page.keyboard.press("Enter")
        posted = page.locator("#answers .post.answer", has_text="Restart the scanner")
        posted.wait_for()
        assert posted.locator("a.mention").get_attribute("href").startswith("/community/u/")
    finally:
        context.close()


def test_a_draft_survives_a_reload_and_a_lost_connection_and_goes_once_posted(demo, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        log_in(page, demo, "ben")
        page.goto(f"{demo}/community/ask")
        page.get_by_label("Title: what is the problem, in one sentence?").fill("Laptop fan is loud all day")
        page.get_by_label("Details: what did you try, and what happened?").fill("Even with nothing open.")
        page.wait_for_timeout(500)  # drafts are kept 0.3 s after the last key
        page.reload()
        note = page.locator(".draft-note")
        note.wait_for()
        assert "We kept what you were writing here." in note.inner_text()
        assert page.get_by_label("Title: what is the problem, in one sentence?").input_value() == (
            "Laptop fan is loud all day"
        )
        note.get_by_role("button", name="Start again").click()
        assert page.get_by_label("Title: what is the problem, in one sentence?").input_value() == ""
        page.reload()
        assert page.locator(".draft-note").count() == 0

        page.get_by_label("Title: what is the problem, in one sentence?").fill("Laptop fan is loud all day")
        page.get_by_label("Category").select_option(label="Laptops & phones")
        page.get_by_label("Details: what did you try, and what happened?").fill("Even with nothing open.")
        context.set_offline(True)
        page.get_by_role("button", name="Post your question").click()
        page.wait_for_load_state()
        context.set_offline(False)
        page.goto(f"{demo}/community/ask")
        assert page.get_by_label("Details: what did you try, and what happened?").input_value() == (
            "Even with nothing open."
        )
        page.get_by_label("Category").select_option(label="Laptops & phones")
        page.get_by_role("button", name="Post your question").click()
        page.wait_for_url(re.compile(r".*/community/t/\d+/.*"))
        thread = page.url

        page.goto(f"{demo}/community/ask")
        assert page.get_by_label("Title: what is the problem, in one sentence?").input_value() == ""
        assert page.locator(".draft-note").count() == 0

        page.goto(thread)
        page.get_by_role("textbox", name="Your answer").fill("It turned out to be the dusty vent.")
        page.wait_for_timeout(500)
        page.reload()
        assert page.get_by_role("textbox", name="Your answer").input_value() == "It turned out to be the dusty vent."
        page.get_by_role("button", name="Post your answer").click()
        page.locator("#answers .post.answer", has_text="dusty vent").wait_for()
        page.reload()
        assert page.get_by_role("textbox", name="Your answer").input_value() == ""
    finally:
        context.close()


def test_readers_say_an_answer_was_easy_to_follow_and_its_author_sees_it(demo, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        log_in(page, demo, "chloe")
        url = ask(page, demo, "Second monitor flickers when I move the mouse")
        log_in(page, demo, "rita")
        page.goto(url)
        page.get_by_role("textbox", name="Your answer").fill("Swap the cable for the one in the drawer.")
        page.get_by_role("button", name="Post your answer").click()
        page.locator("#answers .post.answer").first.wait_for()
        log_in(page, demo, "chloe")
        page.goto(url)
        answer = page.locator("#answers .post.answer").first
        answer.get_by_role("button", name="Easy to follow").click()
        pressed = answer.get_by_role("button", name="Easy to follow")
        wait_for(lambda: pressed.get_attribute("aria-pressed") == "true")
        assert answer.get_by_role("button", name="Too technical").get_attribute("aria-pressed") == "false"
        log_in(page, demo, "rita")
        page.goto(url)
        counts = page.locator("#answers .post.answer").first.locator(".clarity-counts")
        assert counts.inner_text() == "Readers: 1 found it easy to follow, 0 too technical"
    finally:
        context.close()


def test_the_everyday_flow_on_a_phone_with_the_keyboard_alone(demo, browser):
    """Ask, answer, like, accept, share, follow and mark notifications read with Tab, Enter and Space alone."""
    asker = browser.new_context(
        viewport={"width": 360, "height": 740}, permissions=["clipboard-read", "clipboard-write"]
    )
    helper = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = asker.new_page()
        log_in(page, demo, "dev")
        page.goto(f"{demo}/community/")
        tab_to(page, "Ask a question")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{demo}/community/ask")
        tab_to(page, "Title: what is the problem, in one sentence?")
        page.keyboard.type("Badge reader at the side door beeps red")
        tab_to(page, "Category")
        page.keyboard.type("Laptops")
        assert page.get_by_label("Category").evaluate("s => s.selectedOptions[0].textContent") == "Laptops & phones"
        tab_to(page, "Details: what did you try, and what happened?")
        page.keyboard.type("It worked yesterday. Today it beeps red three times.")
        tab_to(page, "Post your question")
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r".*/community/t/\d+/.*"))
        url = page.url

        other = helper.new_page()
        log_in(other, demo, "sam")
        other.goto(url)
        tab_to(other, "Your answer")
        other.keyboard.type("Your badge needs a new code after the holidays. Hold it on the reader for five seconds.")
        tab_to(other, "Post your answer")
        other.keyboard.press("Enter")
        other.locator("#answers .post.answer").first.wait_for()
        wait_for(lambda: active(other) != "")

        page.reload()
        tab_to(page, re.compile(r"\bLike this answer"))
        page.keyboard.press("Enter")
        page.locator("#answers .post.answer").first.get_by_role("button", name=re.compile("^Liked")).wait_for()
        wait_for(lambda: "Liked this answer" in active(page))

        tab_to(page, "Share")
        page.keyboard.press("Enter")
        page.get_by_role("button", name="Copy link").wait_for()
        assert active(page) == "Share"
        tab_to(page, "Copy link")
        page.keyboard.press("Space")
        page.locator(".share-status", has_text="Link copied").wait_for()
        assert active(page) == "Copy link"

        tab_to(page, "This solved it")
        page.keyboard.press("Enter")
        page.locator(".post.accepted .solved-mark").wait_for()
        wait_for(lambda: active(page) != "")

        tab_to(page, "Notifications for this question")
        page.keyboard.type("Normal")
        tab_to(page, "Save")
        page.keyboard.press("Enter")
        page.wait_for_load_state()
        follow = page.get_by_label("Notifications for this question")
        assert follow.evaluate("s => s.selectedOptions[0].textContent").startswith("Normal")
        shot(page, "keyboard-flow-thread-phone")

        other.goto(f"{demo}/community/notifications")
        assert other.locator(".notification-list li.unread").count() >= 1
        tab_to(other, "Mark all as read")
        other.keyboard.press("Space")
        other.wait_for_load_state()
        wait_for(lambda: other.locator(".notification-list li.unread").count() == 0)
        shot(other, "keyboard-flow-notifications-phone")
    finally:
        asker.close()
        helper.close()


@pytest.mark.parametrize("motion, animation", [("reduce", "none"), ("no-preference", "forum-flash")])
def test_a_new_answer_flashes_only_for_people_who_do_not_ask_for_less_motion(demo, browser, motion, animation):
    context = browser.new_context(reduced_motion=motion, color_scheme="dark")
    try:
        page = context.new_page()
        log_in(page, demo, "emma")
        url = ask(page, demo, f"Calendar shows meetings an hour late ({motion})")
        log_in(page, demo, "rita")
        page.goto(url)
        page.get_by_role("textbox", name="Your answer").fill("Check the time zone in Outlook's settings.")
        page.get_by_role("button", name="Post your answer").click()
        added = page.locator("#answers .post.answer.new-answer")
        added.wait_for()
        assert added.evaluate("e => getComputedStyle(e).animationName") == animation
        root = page.locator("#forum-root")
        assert root.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(13, 17, 23)"
    finally:
        context.close()
