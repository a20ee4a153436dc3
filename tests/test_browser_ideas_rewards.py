"""Ideas in a real Chromium on a 360 px phone: proposed, voted for without a reload, planned, then done."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from browser import demo_app, log_in, serve, shot

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with serve(demo_app(tmp_path_factory, "ideas")) as base:
        yield base


def test_an_idea_is_proposed_voted_for_planned_and_done_on_a_phone(demo, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        log_in(page, demo, "chloe")
        page.goto(f"{demo}/community/ideas")
        page.get_by_role("link", name="Suggest an idea").click()
        page.get_by_label("Your idea, in one sentence").fill("Book meeting rooms from the portal")
        page.get_by_label("What would it change for you?").fill("I could see which rooms are free and book one.")
        page.get_by_role("button", name="Post your idea").click()
        page.wait_for_url(re.compile(r".*/community/ideas/\d+$"))
        url = page.url
        assert "1 vote" in page.locator(".idea-vote").inner_text()

        for voter, total in (("ben", "2 votes"), ("emma", "3 votes")):
            log_in(page, demo, voter)
            page.goto(url)
            page.evaluate("window.__samePage = true")
            page.get_by_role("button", name=re.compile("^Vote")).click()
            page.locator(".idea-vote", has_text=total).wait_for()
            assert page.get_by_role("button", name=re.compile("^Voted")).get_attribute("aria-pressed") == "true"
            assert page.evaluate("window.__samePage") is True
        shot(page, "idea-voted-phone")

        log_in(page, demo, "dana")
        page.goto(url)
        page.get_by_label("Status").select_option(label="Planned")
        page.get_by_label("A note everyone reads (needed for “Not planned”)").fill(
            "We will add it with the new calendar."
        )
        page.get_by_label("Target date, if planned (year-month-day)").fill("2027-04-30")
        page.get_by_role("button", name="Save and tell the voters").click()
        assert "Planned" in page.locator(".idea-answer").inner_text()
        page.get_by_label("Status").select_option(label="Done")
        page.get_by_label("A note everyone reads (needed for “Not planned”)").fill("Rooms are in the portal now.")
        page.get_by_label("Link to the announcement or article, when done").fill("/community/announcements")
        page.get_by_role("button", name="Save and tell the voters").click()
        assert "Rooms are in the portal now." in page.locator(".idea-answer").inner_text()

        log_in(page, demo, "ben")
        page.goto(f"{demo}/community/notifications")
        assert "Your idea “Book meeting rooms from the portal”: Done: Rooms are in the portal now." in (
            page.locator(".notification-list").inner_text()
        )
        page.goto(url)
        steps = page.locator(".timeline-item p").all_inner_texts()
        assert steps[0] == "Proposed" and steps[-1] == "Done: Rooms are in the portal now."
        assert page.get_by_role("button", name=re.compile("^Vote")).count() == 0  # done: no more votes
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0
        shot(page, "idea-done-phone")
    finally:
        context.close()


def test_a_superuser_redeems_a_reward_and_sees_it_handed_over_on_a_phone(demo, browser):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    try:
        page = context.new_page()
        log_in(page, demo, "rita")  # a superuser with points from the seeded answers
        page.goto(f"{demo}/community/rewards")
        points_before = int(re.search(r"You have (\d+) points to spend", page.locator("main").inner_text()).group(1))
        page.get_by_role("link", name="Redeem Coffee voucher").click()
        assert "It costs 50 points." in page.locator("main").inner_text()
        page.get_by_role("button", name="Yes, redeem it").click()
        assert "Ordered: Coffee voucher." in page.locator(".flash").inner_text()
        assert f"You have {points_before - 50} points to spend" in page.locator("main").inner_text()
        shot(page, "reward-ordered-phone")

        log_in(page, demo, "dana")
        page.goto(f"{demo}/community/admin/orders")
        order = page.locator(".review-item", has_text="Coffee voucher for Rita Gomez")
        order.get_by_label("Next").select_option(label="Approved: on its way")
        order.get_by_role("button", name="Save").click()
        order = page.locator(".review-item", has_text="Coffee voucher for Rita Gomez")
        order.get_by_label("Next").select_option(label="Handed over")
        order.get_by_role("button", name="Save").click()

        log_in(page, demo, "rita")
        page.goto(f"{demo}/community/rewards")
        assert "Coffee voucher · 50 points · Handed over" in page.locator("main").inner_text()
        page.goto(f"{demo}/community/notifications")
        assert "has been handed over" in page.locator(".notification-list").inner_text()
        shot(page, "reward-handed-over-phone")
    finally:
        context.close()
