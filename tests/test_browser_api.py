"""The tokens page and the API's documentation in Chromium, on a phone: made with the keyboard, used, revoked."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from accessibility import axe_source, violations
from browser import demo_app, log_in, no_sideways_scroll, serve, shot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(demo_app(tmp_path_factory, "api")) as base:
        yield base


def test_a_person_makes_a_token_with_the_keyboard_uses_it_and_revokes_it_on_a_phone(demo, browser):
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})  # axe is injected
    try:
        page = context.new_page()
        log_in(page, demo, "ana")
        page.goto(f"{demo}/community/")
        page.locator("#forum-menu summary").click()
        page.get_by_role("link", name="My questions").click()
        page.get_by_role("link", name="Access tokens for apps and bots").click()
        page.get_by_role("heading", name="Access tokens", level=1).wait_for()
        page.get_by_label("What the token is for").focus()
        page.keyboard.type("Team chat bot")
        page.keyboard.press("Tab")  # to the first scope: read, already ticked
        page.keyboard.press("Tab")  # write
        page.keyboard.press("Space")
        page.get_by_role("button", name="Make the token").focus()
        page.keyboard.press("Enter")
        page.get_by_role("heading", name="Your new token “Team chat bot”").wait_for()
        secret = page.get_by_role("textbox", name="Token", exact=True).input_value()
        assert re.fullmatch(r"fsd_[\w-]{43}", secret)
        page.get_by_role("button", name="Copy the token").click()
        page.get_by_text("Copied. Paste it into your app or bot.").wait_for()
        assert violations(page, axe_source()) == []
        no_sideways_scroll(page)
        shot(page, "api-token-made-phone")

        me = page.request.get(f"{demo}/community/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert me.status == 200 and me.json()["scopes"] == ["read", "write"]
        page.reload()  # shown once: a reload shows it no more
        assert secret not in page.content() and "Team chat bot" in page.content()

        page.get_by_role("button", name="Revoke Team chat bot").click()
        page.get_by_text("Revoked. “Team chat bot” no longer works.").wait_for()
        gone = page.request.get(f"{demo}/community/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
        assert gone.status == 401 and gone.json()["detail"].startswith("That token was revoked")
    finally:
        context.close()


def test_the_api_documentation_reads_well_on_a_phone(demo, browser):
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})  # axe is injected
    try:
        page = context.new_page()
        page.goto(f"{demo}/community/api/v1/docs")
        page.get_by_role("heading", name="Threads", level=2).wait_for()
        page.get_by_role("heading", name="POST /threads/{thread_id}/answers").wait_for()
        assert violations(page, axe_source()) == []
        no_sideways_scroll(page)
        shot(page, "api-docs-phone")
    finally:
        context.close()
