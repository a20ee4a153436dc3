"""Installable on a phone: the manifest, and favourites and the last questions read readable without a connection."""

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
    with serve(demo_app(tmp_path_factory, "offline")) as base:
        yield base


def kept_pages(page: Any) -> list[str]:
    return list(page.evaluate("caches.open('forum-pages').then(c => c.keys()).then(k => k.map(r => r.url))"))


def test_the_manifest_and_icons_let_a_phone_add_the_community_to_its_home_screen(demo, browser):
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{demo}/community/")
        href = page.locator("link[rel=manifest]").get_attribute("href")
        manifest = page.request.get(f"{demo}{href}")
        assert manifest.headers["content-type"].startswith("application/manifest+json")
        data = manifest.json()
        assert data["name"] == "Acme IT community" and data["start_url"] == "/community/"
        assert data["scope"] == "/community/" and data["display"] == "standalone"
        sizes = {icon["sizes"] for icon in data["icons"]}
        assert sizes == {"192x192", "512x512"}
        for icon in data["icons"]:
            picture = page.request.get(f"{demo}{icon['src']}")
            assert picture.status == 200 and picture.body()[:8] == b"\x89PNG\r\n\x1a\n"
    finally:
        context.close()


def test_favourites_and_questions_read_stay_readable_offline_and_go_when_the_person_signs_out(demo, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        log_in(page, demo, "ana")
        page.goto(f"{demo}/community/")
        wait_for(lambda: page.evaluate("!!navigator.serviceWorker.controller"), timeout=15)
        # Ana saves a question to her favourites and reads it.
        first = page.locator(".thread-row h2 a").first
        title = first.inner_text()
        first.click()
        page.wait_for_url(re.compile(r".*/community/t/\d+.*"))
        thread_url = page.url
        page.get_by_role("button", name="Save to favourites").click()
        page.get_by_role("button", name="Saved to favourites").wait_for()
        page.goto(thread_url)
        page.goto(f"{demo}/community/favourites")
        assert title in page.locator("#forum-main").inner_text()
        wait_for(lambda: len(kept_pages(page)) >= 2, timeout=15)  # the question and favourites

        context.set_offline(True)
        page.goto(f"{demo}/community/favourites")
        assert title in page.locator("#forum-main").inner_text()
        page.goto(thread_url)
        assert page.get_by_role("heading", level=1).inner_text().endswith(title)  # "Solved" may lead it
        page.goto(f"{demo}/community/leaderboard")  # never kept: the forum's offline page instead
        page.get_by_role("heading", name="You are offline").wait_for()
        saved = page.locator("#offline-pages")
        saved.get_by_role("link", name=title).wait_for()
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        shot(page, "offline-phone")
        context.set_offline(False)

        # Signing out: the next forum page is a guest's, and every copy on the device goes.
        page.goto(f"{demo}/")
        page.get_by_role("button", name="Log out").click()
        page.goto(f"{demo}/community/")
        wait_for(lambda: kept_pages(page) == [f"{demo}/community/"], timeout=15)  # only the guest's front page
        context.set_offline(True)
        page.goto(f"{demo}/community/favourites")
        page.get_by_role("heading", name="You are offline").wait_for()
        assert title not in page.locator("#forum-main").inner_text()
    finally:
        context.close()
