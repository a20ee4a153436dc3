"""The demo in Chromium in German and French: a phone asking a question in its own language, the portal's switch."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from accessibility import axe_source, violations
from browser import demo_app, log_in, no_sideways_scroll, serve, shot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = demo_app(tmp_path_factory, "demo-languages")
    app.config["FORUM_BELL_SECONDS"] = 1  # the bell asks every second, so the test need not wait long
    with serve(app) as base:
        DEMO_APPS[base] = app
        yield base


DEMO_APPS: dict[str, Any] = {}


def test_a_german_phone_asks_and_sees_suggestions_the_countdown_and_the_notice_in_german(demo, browser):
    # Chromium with a German locale sends Accept-Language: de-DE; bypass_csp lets the test inject axe.
    phone = browser.new_context(locale="de-DE", bypass_csp=True, viewport={"width": 360, "height": 740})
    helper = browser.new_context()  # an English-speaking colleague
    try:
        page = phone.new_page()
        log_in(page, demo, "emma")
        page.goto(f"{demo}/community/notifications")
        page.get_by_role("button", name="Alle als gelesen markieren").click()  # so the bell below counts from 0
        page.get_by_text("Alles gelesen.").wait_for()
        page.goto(f"{demo}/community/ask")
        assert page.locator("#forum-root").get_attribute("lang") == "de"
        page.get_by_role("heading", name="Eine Frage stellen").wait_for()
        title = page.get_by_label("Titel: Was ist das Problem, in einem Satz?")
        title.press_sequentially("Mein VPN trennt sich jede Stunde", delay=40)
        status = page.locator("#suggestions [role=status]")
        status.wait_for()
        assert re.fullmatch(r"\d+ Antworten?, die es lösen könnten?\.", status.inner_text()), status.inner_text()
        assert page.locator("#suggestions .solved-chip").first.inner_text() == "Gelöst"
        no_sideways_scroll(page)
        shot(page, "ask-suggestions-de-phone")
        assert violations(page, axe_source()) == []

        page.get_by_label("Kategorie").select_option(label="VPN & remote access")
        page.get_by_label("Einzelheiten: Was hast du versucht, und was ist passiert?").fill(
            "Es passiert seit dem Update am Montag, auch im Büro."
        )
        page.get_by_role("button", name="Frage posten").click()
        page.wait_for_url(re.compile(r".*/community/t/\d+/.*"))
        page.get_by_text("Deine Frage ist gepostet.").wait_for()
        assert page.locator(".countdown").inner_text() == (
            "Wenn niemand antwortet, übernimmt das IT-Team das in 8 Stunden."
        )
        assert page.locator("#answer-count").inner_text() == "0 Antworten"
        no_sideways_scroll(page)
        shot(page, "thread-countdown-de-phone")
        assert violations(page, axe_source()) == []
        thread_url = page.url

        other = helper.new_page()
        log_in(other, demo, "sam")
        other.goto(thread_url)
        other.get_by_role("heading", name="Can you help?").wait_for()  # the colleague reads English
        other.get_by_label("Your answer").fill("Install the new VPN app from the Software Center.")
        other.get_by_role("button", name="Post your answer").click()
        other.get_by_text("Install the new VPN app from the Software Center.").first.wait_for()

        badge = page.locator("#forum-bell .count-badge")  # in the closed menu on a phone: there, not shown
        badge.wait_for(state="attached")  # the bell counts up without a reload
        assert " ".join(badge.text_content().split()) == "1 neu"
        page.goto(f"{demo}/community/notifications")
        notice = page.locator(".notification-list li").first
        assert re.search(r"hat deine Frage „Mein VPN trennt sich jede Stunde“ beantwortet\.", notice.inner_text())
        no_sideways_scroll(page)
        shot(page, "notifications-de-phone")
        assert violations(page, axe_source()) == []
    finally:
        phone.close()
        helper.close()


def test_the_portals_language_switch_turns_the_community_french_and_back(demo, browser):
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})  # axe is injected
    try:
        page = context.new_page()
        page.goto(f"{demo}/community/")
        page.get_by_role("heading", name="Latest questions").wait_for()
        page.get_by_label("Language").select_option("fr")
        page.get_by_role("button", name="Change").click()
        page.get_by_role("heading", name="Dernières questions").wait_for()
        assert page.locator("html").get_attribute("lang") == "fr"
        assert "Je ne reçois pas le code de connexion par SMS" in page.content()  # a French colleague's question
        shot(page, "home-fr-phone")
        no_sideways_scroll(page)
        assert violations(page, axe_source()) == []
        page.get_by_label("Language").select_option("")
        page.get_by_role("button", name="Change").click()
        page.get_by_role("heading", name="Latest questions").wait_for()
    finally:
        context.close()


@pytest.mark.parametrize("role", ["member", "agent"])
def test_no_page_scrolls_sideways_on_a_phone_in_german_where_words_are_long(demo, browser, role):
    import sqlalchemy as sa
    from accessibility import site_pages

    from examples.portal.app import Account, db

    app = DEMO_APPS[demo]
    name = {"member": "ana", "agent": "dana"}[role]
    with app.app_context():
        user_id = db.session.scalar(sa.select(Account.account_id).where(Account.username == name))
    pages = site_pages(app, "/community", role, user_id)
    context = browser.new_context(locale="de-DE", viewport={"width": 360, "height": 740})
    wide = []
    try:
        page = context.new_page()
        log_in(page, demo, name)
        for label, path in pages.items():
            page.goto(f"{demo}{path}")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                wide.append(f"{label}: {overflow}px")
                shot(page, f"too-wide-de-{label}")
    finally:
        context.close()
    assert wide == []
