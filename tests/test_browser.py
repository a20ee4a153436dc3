"""The demo in a real Chromium: asking, answering without a reload, the same with JavaScript off, phone layout."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from browser import chromium, log_in, serve, shot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from examples.portal.app import create_app
    from examples.portal.seed import seed

    app = create_app(f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}")
    seed(app)
    with serve(app) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as b:
        yield b


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
        for _ in range(12):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.textContent.trim()") == "Ask a question":
                break
        else:
            pytest.fail("Tab never reached the Ask a question button")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline == "solid"
    finally:
        context.close()
