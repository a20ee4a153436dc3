"""The demo in a real Chromium: asking, answering without a reload, the same with JavaScript off, phone layout."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from browser import demo_app, log_in, serve, shot
from servers import wait_for

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = demo_app(tmp_path_factory, "demo")
    app.config["FORUM_DESK_POLL_SECONDS"] = 0  # each desk pass below reads every open ticket
    app.config["FORUM_BELL_SECONDS"] = 1  # the bell asks every second, so the test need not wait long
    with serve(app) as base:
        DEMO_APPS[base] = app
        yield base


DEMO_APPS: dict[str, Any] = {}


def desk_pass(base: str) -> dict[str, Any]:
    """One pass of the desk worker, as `flask forum desk run` would make beside the demo."""
    from examples.portal.app import db
    from forum import get_state
    from forum.worker import run_once

    app = DEMO_APPS[base]
    with app.app_context():
        result = run_once(get_state(app), "browser-test")
        db.session.remove()
        return result


def ask_question(page: Any, base: str, title: str) -> str:
    page.goto(f"{base}/community/ask")
    page.get_by_label("Title: what is the problem, in one sentence?").fill(title)
    page.get_by_label("Category").select_option(label="Printers & scanning")
    page.get_by_label("Details: what did you try, and what happened?").fill("It prints *blank* pages since Monday.")
    page.get_by_role("button", name="Post your question").click()
    page.wait_for_url(re.compile(r".*/community/t/\d+/.*"))
    return page.url


def test_a_second_person_answers_without_a_page_reload_and_both_see_it(demo, browser):
    asker = browser.new_context()
    helper = browser.new_context()
    try:
        page = asker.new_page()
        log_in(page, demo, "ana")
        url = ask_question(page, demo, "The printer by the kitchen prints blank pages")
        assert page.get_by_role("heading", level=1).inner_text() == "The printer by the kitchen prints blank pages"
        assert page.locator(".post.question em").inner_text() == "blank"

        other = helper.new_page()
        log_in(other, demo, "sam")
        other.goto(url)
        other.evaluate("window.__stillTheSamePage = true")
        other.get_by_role("textbox", name="Your answer").fill("Check the **toner** cartridge first.")
        other.get_by_role("button", name="Post your answer").click()
        answer = other.locator("#answers .post.answer", has_text="Check the toner cartridge first.")
        answer.wait_for()
        assert other.evaluate("window.__stillTheSamePage") is True
        assert other.locator("#answer-count").inner_text() == "1 answer"
        assert other.get_by_text("No answers yet").count() == 0
        assert other.get_by_role("textbox", name="Your answer").input_value() == ""
        assert answer.locator("strong").inner_text() == "toner"
        shot(other, "thread-after-htmx-answer-desktop")

        page.reload()
        assert page.locator("#answers .post.answer", has_text="Check the toner cartridge first.").count() == 1
        assert "Sam Lee" in page.locator("#answers").inner_text()
    finally:
        asker.close()
        helper.close()


def test_the_same_flow_works_with_javascript_off(demo, browser):
    asker = browser.new_context(java_script_enabled=False)
    helper = browser.new_context(java_script_enabled=False)
    try:
        page = asker.new_page()
        log_in(page, demo, "ben")
        url = ask_question(page, demo, "Scanner sends the PDF to the wrong address")
        other = helper.new_page()
        log_in(other, demo, "rita")
        other.goto(url)
        other.get_by_role("textbox", name="Your answer").fill("Tap your badge first so it knows who you are.")
        other.get_by_role("button", name="Post your answer").click()
        other.wait_for_url(re.compile(r".*#post-\d+$"))
        assert other.locator(".flash").inner_text() == "Thanks! Your answer is posted."
        assert other.locator("#answer-count").inner_text() == "1 answer"
        assert other.get_by_text("No answers yet").count() == 0
        page.reload()
        assert "Tap your badge first" in page.locator("#answers").inner_text()
    finally:
        asker.close()
        helper.close()


def test_an_empty_answer_shows_a_message_next_to_the_box(demo, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        log_in(page, demo, "dev")
        page.goto(f"{demo}/community/t/1")
        page.get_by_role("button", name="Post your answer").click()
        error = page.locator("#answer-form .field-error")
        error.wait_for()
        assert error.inner_text() == "Your answer is empty. Please write something first."
        assert page.get_by_role("textbox", name="Your answer").get_attribute("aria-invalid") == "true"
        assert page.locator("#answer-form").count() == 1  # the form with its message replaced the form
    finally:
        context.close()


PAGES = {
    "home": "/community/",
    "unanswered": "/community/?tab=unanswered",
    "category": "/community/c/vpn-remote-access",
    "thread": "/community/t/11",
    "ask": "/community/ask",
    "profile": "/community/u/6",
    "history": "/community/p/1/history",
    "not-found": "/community/t/99999",
    "admin-categories": "/community/admin/categories",
    "leaderboard": "/community/leaderboard?period=all",
    "badges": "/community/badges",
    "badge": "/community/badges/first-answer",
    "points": "/community/points",
    "favourites": "/community/favourites",
    "notifications": "/community/notifications",
    "superuser-profile": "/community/u/6",
}


@pytest.mark.parametrize("width, height, label", [(360, 740, "phone"), (1280, 900, "desktop")])
def test_every_page_fits_the_screen_and_has_its_landmarks(demo, browser, width, height, label):
    context = browser.new_context(viewport={"width": width, "height": height})
    try:
        page = context.new_page()
        log_in(page, demo, "dana")
        for name, path in PAGES.items():
            page.goto(f"{demo}{path}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{name} scrolls sideways by {overflow}px at {width}px"
            assert page.locator("main").count() == 1, name
            assert page.locator("h1").count() >= 1, name
            shot(page, f"{name}-{label}")
    finally:
        context.close()


def test_keyboard_users_can_reach_the_ask_button_and_see_where_they_are(demo, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{demo}/community/")
        for _ in range(25):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == "Ask a question":
                break
        else:
            pytest.fail("Tab never reached the Ask a question button")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"
    finally:
        context.close()


def _thread_with_answer(page: Any, browser: Any, demo: str, title: str, js: bool = True) -> tuple[str, Any]:
    """Ana asks, Sam answers; returns the thread URL and Sam's browser context."""
    log_in(page, demo, "ana")
    url = ask_question(page, demo, title)
    helper = browser.new_context(java_script_enabled=js)
    other = helper.new_page()
    log_in(other, demo, "sam")
    other.goto(url)
    other.get_by_role("textbox", name="Your answer").fill("Switch it off and on again, then wait a minute.")
    other.get_by_role("button", name="Post your answer").click()
    other.locator("#answers .post.answer").first.wait_for()
    helper.close()
    page.goto(url)
    return url, page


def test_like_favourite_share_and_accept_update_in_place(demo, browser):
    context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
    try:
        page = context.new_page()
        url, page = _thread_with_answer(page, browser, demo, "My second screen stays black after lunch")
        page.evaluate("window.__stillTheSamePage = true")
        answer = page.locator("#answers .post.answer").first

        like = answer.get_by_role("button", name=re.compile("^Like"))
        like.click()
        pressed = answer.get_by_role("button", name=re.compile("^Liked"))
        pressed.wait_for()
        assert pressed.get_attribute("aria-pressed") == "true"
        assert answer.locator("details.likers summary").inner_text() == "1 like"
        pressed.click()
        answer.get_by_role("button", name=re.compile("^Like ")).wait_for()
        assert answer.locator("details.likers").count() == 0

        page.get_by_role("button", name="Save to favourites").click()
        saved = page.get_by_role("button", name="Saved to favourites")
        saved.wait_for()
        assert saved.get_attribute("aria-pressed") == "true"

        answer.get_by_role("button", name="Share").click()
        copy = answer.get_by_role("button", name="Copy link")
        copy.wait_for()
        copy.click()
        status = answer.locator(".share-status")
        status.filter(has_text="Link copied").wait_for()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/community/p/\d+\?s=[\w-]+", copied), copied

        answer.get_by_role("button", name="This solved it").click()
        page.locator(".post.accepted .solved-mark").wait_for()
        assert page.locator("h1 .solved-chip").inner_text() == "Solved"
        assert page.evaluate("window.__stillTheSamePage") is True
        shot(page, "thread-solved-liked-shared-desktop")

        page.goto(f"{demo}/community/favourites")
        assert (
            page.locator(".thread-row", has_text="My second screen stays black after lunch")
            .locator(".solved-chip")
            .count()
            == 1
        )
    finally:
        context.close()


def test_a_like_after_signing_out_in_another_tab_goes_to_the_login_page_and_back(demo, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        url, page = _thread_with_answer(page, browser, demo, "Teams calls drop after exactly one minute")
        other_tab = context.new_page()
        other_tab.goto(f"{demo}/")
        other_tab.get_by_role("button", name="Log out").click()
        other_tab.wait_for_url(f"{demo}/")
        other_tab.close()

        page.locator("#answers .post.answer").first.get_by_role("button", name=re.compile("^Like")).click()
        page.wait_for_url(re.compile(r".*/login\?next=.*"))
        assert page.locator("#answers").count() == 0  # the whole page went to the login page, not the button
        assert page.get_by_role("button", name="Log in").is_visible()
        shot(page, "signed-out-like-goes-to-login")
        page.get_by_label("User name").fill("ana")
        page.get_by_label("Password").fill("demo")
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(url)
        assert page.get_by_role("heading", level=1).inner_text() == "Teams calls drop after exactly one minute"
    finally:
        context.close()


def focused(page: Any) -> str:
    """The text of the control that has keyboard focus ("" when focus fell back to the page itself)."""
    script = (
        "(e => e && e.matches('button, a[href], input, select, textarea') ? e.textContent : '')(document.activeElement)"
    )
    return str(page.evaluate(script))


def test_keyboard_focus_stays_on_the_pressed_control_and_the_change_is_announced(demo, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        url, page = _thread_with_answer(page, browser, demo, "Headset microphone is too quiet in calls")
        answer = page.locator("#answers .post.answer").first
        answer.get_by_role("button", name=re.compile("^Like")).focus()
        page.keyboard.press("Enter")
        answer.get_by_role("button", name=re.compile("^Liked")).wait_for()
        wait_for(lambda: "Liked" in focused(page))
        assert "Liked" in page.locator("#forum-live").inner_text()
        page.keyboard.press("Enter")  # the same key again works: focus never fell to the page
        answer.get_by_role("button", name=re.compile("^Like ")).wait_for()
        wait_for(lambda: re.search(r"\bLike\b", focused(page)) and "Liked" not in focused(page))
        page.get_by_role("button", name="Save to favourites").focus()
        page.keyboard.press("Space")
        page.get_by_role("button", name="Saved to favourites").wait_for()
        wait_for(lambda: "Saved" in focused(page))
        shot(page, "keyboard-focus-kept-phone")
    finally:
        context.close()


def test_like_favourite_share_and_accept_without_javascript(demo, browser):
    """The buttons under a post send the page's one form (the token is there once, not in a form per button) to
    their own address: the browser does that by itself, through each button's form and formaction."""
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        url, page = _thread_with_answer(page, browser, demo, "Keyboard types the wrong letters", js=False)
        answer = page.locator("#answers .post.answer").first
        answer.get_by_role("button", name=re.compile("^Like")).click()
        page.wait_for_load_state()
        answer = page.locator("#answers .post.answer").first
        assert answer.get_by_role("button", name=re.compile("^Liked")).get_attribute("aria-pressed") == "true"
        assert answer.locator("details.likers summary").inner_text() == "1 like"

        page.get_by_role("button", name="Save to favourites").click()
        assert page.locator(".flash").inner_text() == "Saved to your favourites."
        assert page.get_by_role("button", name="Saved to favourites").get_attribute("aria-pressed") == "true"

        answer = page.locator("#answers .post.answer").first
        answer.get_by_role("button", name="Easy to follow").click()
        assert page.locator(".flash").inner_text() == "Thanks for saying how easy it was to follow."
        answer = page.locator("#answers .post.answer").first
        assert answer.get_by_role("button", name="Easy to follow").get_attribute("aria-pressed") == "true"
        answer.get_by_role("button", name="Easy to follow").click()  # pressed again: taken back
        assert page.locator(".flash").inner_text() == "Your rating is taken back."
        answer = page.locator("#answers .post.answer").first
        assert answer.get_by_role("button", name="Easy to follow").get_attribute("aria-pressed") == "false"

        page.locator("#answers .post.answer").first.get_by_role("button", name="Share").click()
        assert page.get_by_role("heading", level=1).inner_text() == "Share “Keyboard types the wrong letters”"
        link = page.get_by_label("Link to share").input_value()
        assert "/community/p/" in link and "?s=" in link
        page.get_by_label("Send it to a colleague").fill("dana")
        page.get_by_role("button", name="Find").click()
        page.get_by_role("button", name="Send to Dana Kowalski").click()
        assert "Sent to Dana Kowalski" in page.locator(".share-status").inner_text()

        page.goto(url)
        page.locator("#answers .post.answer").first.get_by_role("button", name="This solved it").click()
        assert "Marked as the answer that solved it" in page.locator(".flash").inner_text()
        assert page.locator(".post.accepted .solved-mark").inner_text().strip().endswith("This answer solved it")
    finally:
        context.close()


def test_suggestions_appear_while_typing_and_solve_the_problem(demo, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        log_in(page, demo, "emma")
        page.goto(f"{demo}/community/ask")
        title = page.get_by_label("Title: what is the problem, in one sentence?")
        title.press_sequentially("My vpn keeps disconnecting", delay=60)
        page.locator("#suggestions .suggestion-list summary").first.wait_for()
        status = page.locator("#suggestions [role=status]")
        assert re.match(r"\d+ answers? that might solve it", status.inner_text())
        first = page.locator("#suggestions details").first
        assert "VPN" in first.locator("summary").inner_text()
        first.locator("summary").click()
        solved = first.get_by_role("button", name="This solved my problem")
        solved.wait_for()
        shot(page, "ask-with-suggestions-desktop")
        assert title.input_value() == "My vpn keeps disconnecting"  # the draft is still there
        solved.click()
        page.get_by_text("Glad that solved it!").wait_for()
        assert page.url.endswith("/community/ask")
    finally:
        context.close()


def test_search_page_on_a_phone(demo, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        page.goto(f"{demo}/community/")
        page.get_by_label("Search the community").fill("printing")
        page.get_by_label("Search the community").press("Enter")
        page.wait_for_url(re.compile(r".*/community/search\?q=printing"))
        assert page.locator(".search-results mark").count() >= 1
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        shot(page, "search-phone")
    finally:
        context.close()


def test_the_countdown_and_asking_the_it_team_then_the_agents_answer_comes_back(demo, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    agent_context = browser.new_context()
    try:
        page = context.new_page()
        log_in(page, demo, "chloe")
        thread_url = ask_question(page, demo, "Scanner saves every page as a blank PDF")
        countdown = page.locator(".countdown")
        assert countdown.inner_text() == "If nobody answers, the IT team picks this up in 8 hours."
        shot(page, "thread-countdown-phone")
        page.get_by_role("link", name="Ask the IT team").click()
        page.get_by_text("Here is what happens next").wait_for()
        shot(page, "ask-it-team-phone")
        page.get_by_role("button", name="Send it to the IT team").click()
        page.get_by_text("We are passing this to the IT team").wait_for()
        assert page.url.split("#")[0] == thread_url
        assert page.locator(".countdown").count() == 0

        desk_pass(demo)
        page.reload()
        page.get_by_text(re.compile(r"Ticket \d+ is waiting for someone in the IT team")).wait_for()

        agent = agent_context.new_page()
        log_in(agent, demo, "dana")
        agent.get_by_role("link", name="Help desk").click()
        agent.get_by_role("row", name=re.compile("Scanner saves every page")).get_by_role("link").click()
        assert "Scanner saves every page as a blank PDF" in agent.locator("h1").inner_text()
        agent.get_by_label("Your reply to the asker").fill("Turn off 'skip blank pages' in the scanner menu.")
        agent.get_by_label("Status").select_option("resolved")
        agent.get_by_role("button", name="Save").click()
        agent.get_by_text("Saved.").wait_for()
        agent.goto(f"{demo}/community/admin/desk")
        agent.get_by_text("The portal's own help desk").wait_for()
        shot(agent, "admin-desk-desktop")

        desk_pass(demo)
        page.reload()
        page.get_by_text("Turn off 'skip blank pages' in the scanner menu.").wait_for()
        page.get_by_text("Did the IT team's answer solve your problem?").wait_for()
        shot(page, "thread-ticket-resolved-phone")
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        page.get_by_role("button", name="Yes, it is solved").click()
        page.get_by_text("glad it is sorted").wait_for()
        assert page.locator("h1 .solved-chip").count() == 1
        assert "The IT team's answer" in page.locator(".post.accepted").inner_text()
    finally:
        context.close()
        agent_context.close()


def test_the_bell_counts_up_without_a_reload_and_an_outage_banner_can_be_hidden(demo, browser):
    asker_context, helper_context, agent_context = browser.new_context(), browser.new_context(), browser.new_context()
    try:
        asker = asker_context.new_page()
        log_in(asker, demo, "ben")
        thread_url = ask_question(asker, demo, "Projector in room 2 shows no picture")
        bell = asker.locator("#notifications-link")
        before = int(re.sub(r"\D", "", bell.inner_text()) or 0)
        asker.evaluate("window.stillTheSamePage = true")

        helper = helper_context.new_page()
        log_in(helper, demo, "rita")
        helper.goto(thread_url)
        helper.get_by_label("Your answer").fill("Press the Source button until it says HDMI 1.")
        helper.get_by_role("button", name="Post your answer").click()
        helper.get_by_text("Press the Source button").wait_for()

        counted = asker.locator("#forum-bell .count-badge").filter(has_text=re.compile(rf"^{before + 1}\s*new$"))
        counted.wait_for(timeout=15000)
        assert asker.evaluate("window.stillTheSamePage") is True  # no reload happened
        shot(asker, "bell-counted-up-desktop")

        agent = agent_context.new_page()
        log_in(agent, demo, "dana")
        agent.goto(f"{demo}/community/announcements/new")
        agent.get_by_label("Title, in one sentence").fill("Wifi is down on the second floor")
        agent.get_by_label("Which services does it affect?").fill("Wifi")
        agent.get_by_label("What people should know and do (Markdown)").fill("Use a network cable for now.")
        agent.get_by_role("button", name="Publish").click()
        agent.get_by_text("Published. Everyone it concerns has been told.").wait_for()
        shot(agent, "announcement-desktop")

        phone = browser.new_context(viewport={"width": 360, "height": 740})
        try:
            reader = phone.new_page()
            log_in(reader, demo, "ben")
            reader.goto(f"{demo}/community/")
            banner = reader.locator(".forum-banner", has_text="Wifi is down on the second floor")
            banner.wait_for()
            assert "Affects: Wifi." in banner.inner_text()
            shot(reader, "banner-phone")
            assert reader.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
            banner.get_by_role("button", name=re.compile("Hide this announcement")).click()
            banner.wait_for(state="detached")
            reader.reload()
            assert reader.locator(".forum-banner", has_text="Wifi is down on the second floor").count() == 0
        finally:
            phone.close()
    finally:
        asker_context.close()
        helper_context.close()
        agent_context.close()


def test_on_a_touch_screen_every_control_on_a_thread_is_at_least_44_px(demo, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, has_touch=True, is_mobile=True)
    try:
        page = context.new_page()
        url, page = _thread_with_answer(page, browser, demo, "Docking station does not charge the laptop")
        small = page.evaluate(
            """() => [...document.querySelectorAll('#forum-root button, #forum-root .button, #forum-root a, #forum-root summary')]
                .filter(e => e.offsetParent !== null)
                .filter(e => !e.closest('.post-text, .byline, p'))  // links in running text
                .map(e => [e.textContent.trim().slice(0, 30), e.getBoundingClientRect()])
                .filter(([, r]) => r.width < 44 || r.height < 44)
                .map(([t, r]) => `${t}: ${Math.round(r.width)}x${Math.round(r.height)}`)"""
        )
        assert small == [], small
        shot(page, "thread-touch-targets-phone")
    finally:
        context.close()


@pytest.mark.parametrize(
    "path", ["/desk", "/community/admin/suggestions", "/community/admin/desk", "/community/points"]
)
def test_agent_pages_do_not_scroll_sideways_on_a_phone(demo, browser, path):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        log_in(page, demo, "dana")
        page.goto(f"{demo}{path}")
        wide = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert wide <= 0, f"{path} scrolls sideways by {wide} px"
        shot(page, "phone" + path.replace("/", "-"))
    finally:
        context.close()


@pytest.mark.parametrize("js", [True, False], ids=["js", "no-js"])
def test_on_a_phone_the_menu_folds_away_and_the_question_is_in_the_first_screen(demo, browser, js):
    phone = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=js)
    wide = browser.new_context(viewport={"width": 1280, "height": 800}, java_script_enabled=js)
    try:
        page = phone.new_page()
        log_in(page, demo, "ana")
        page.goto(f"{demo}/community/")
        page.locator(".thread-row a").first.click()
        heading = page.get_by_role("heading", level=1)
        box = heading.bounding_box()
        assert box is not None and box["y"] + box["height"] <= 740, box
        latest = page.get_by_role("navigation", name="Community").get_by_role("link", name="Latest")
        assert not latest.is_visible()
        page.locator("#forum-menu > summary").click()
        assert latest.is_visible()
        shot(page, f"phone-thread-menu-open-{'js' if js else 'no-js'}")
        desk = wide.new_page()
        log_in(desk, demo, "ana")
        desk.goto(f"{demo}/community/")
        assert desk.get_by_role("navigation", name="Community").get_by_role("link", name="Latest").is_visible()
        assert not desk.locator("#forum-menu > summary").is_visible()
    finally:
        phone.close()
        wide.close()


def test_on_a_phone_a_question_in_other_words_gets_the_solved_thread_and_its_page_lists_similar_ones(demo, browser):
    desk_pass(demo)  # the worker measures the meaning of the demo's solved threads
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        log_in(page, demo, "ben")
        page.goto(f"{demo}/community/ask")
        title = page.get_by_label("Title: what is the problem, in one sentence?")
        title.press_sequentially("My notebook runs out of power so quickly", delay=40)  # no word of the thread's
        page.locator("#suggestions .suggestion-list summary").first.wait_for()
        assert "Laptop battery drains very fast" in page.locator("#suggestions .suggestion-list").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        shot(page, "ask-suggestion-by-meaning-phone")
        page.get_by_label("Category").select_option(label="Laptops & phones")
        page.get_by_label("Details: what did you try, and what happened?").fill("It is empty by lunch time.")
        page.get_by_role("button", name="Post your question").click()
        page.wait_for_url(re.compile(r".*/community/t/\d+/.*"))
        similar = page.locator(".similar-questions")
        similar.get_by_role("link", name="Laptop battery drains very fast").wait_for()
        assert similar.get_by_role("heading", name="Similar questions").count() == 1
        similar.scroll_into_view_if_needed()
        shot(page, "similar-questions-phone")
    finally:
        context.close()
