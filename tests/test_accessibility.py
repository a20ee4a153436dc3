"""axe-core on every page, for a guest, a member and an agent, at 360 and 1280 px, in light and dark mode: in the
demo portal and in a host portal whose layout has its own <header>, <nav>, <main> and <footer>, CSRFProtect and an
inline script. Any WCAG 2.2 A/AA violation, any of axe's best practices, or a page that scrolls sideways fails."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from accessibility import axe_source, site_pages, violations
from browser import demo_app, log_in, serve, shot

pytestmark = pytest.mark.browser

#: A portal's own layout, as most are: a banner with its own navigation, one <main>, a footer, an inline script.
LANDMARK_LAYOUT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %} | Acme portal</title>
<style nonce="{{ csp_nonce() }}">
body { margin: 0; font-family: sans-serif; background: #fff; color: #1b1f24; }
.host-header { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; background: #1f2937; color: #fff;
  padding: 0.5rem 0.75rem; }
.host-header a { color: #fff; }
.host-footer { padding: 1rem 0.75rem; border-top: 1px solid #d0d7de; }
@media (prefers-color-scheme: dark) { body { background: #0d1117; color: #e6edf3; } .host-footer a { color: #6cb6ff; } }
</style>
{% block head %}{% endblock %}</head>
<body>
<header class="host-header"><a href="/">Acme portal</a>
  <nav aria-label="Portal"><a href="/help/community/">Community</a> <a href="/logout">Log out</a></nav></header>
<main id="host-main">{% block content %}{% endblock %}</main>
<footer class="host-footer"><a href="/">Acme IT</a>, open Monday to Friday, 8:00 to 18:00.</footer>
<script nonce="{{ csp_nonce() }}">document.documentElement.setAttribute("data-host-script", "ran");</script>
{% block scripts %}{% endblock %}
</body></html>"""


#: The forum's background in each colour scheme (it follows the system's dark mode).
BACKGROUND = {"light": "rgb(255, 255, 255)", "dark": "rgb(13, 17, 23)"}


def _fill_host(app: Any) -> dict[str, Any]:
    """The host's people and a little of everything: threads, answers, a solved one, an announcement, an article."""
    from hostapp import Member, db

    from forum import get_state
    from forum.ideas import proposals
    from forum.moderation import flags
    from forum.notifications import announcements
    from forum.rewards import catalogue
    from forum.search import articles
    from forum.threads import posting, reactions, solutions
    from forum.writing import clarity

    with app.app_context():
        db.create_all()
        state = get_state(app)
        made = {
            "member": Member(full_name="Ana Asker", email="ana@example.com"),
            "helper": Member(full_name="Hugo Helper", email="hugo@example.com"),
            "agent": Member(full_name="Dana Desk", email="dana@example.com", is_staff=True, is_admin=True),
        }
        db.session.add_all(made.values())
        db.session.commit()
        keys = {role: person.key for role, person in made.items()}
        who = {role: state.users.to_forum_user(person) for role, person in made.items()}
        thread = posting.create_thread(
            state,
            who["member"],
            category_id=1,
            title="The printer on floor 2 prints blank pages",
            body="Since Monday every page comes out **blank**. I tried turning it off and on.",
            tags="printer, toner",
        )
        first = posting.add_answer(state, who["helper"], thread, "Check the toner:\n\n1. Open the front.\n2. Shake it.")
        posting.add_answer(state, who["agent"], thread, "We sent someone with a new cartridge, @AnaAsker.")
        posting.add_answer(state, who["member"], thread, "Thanks, it works again.")
        reactions.like(state, who["member"], first)
        clarity.vote(state, who["member"], first, "easy")
        solutions.accept(state, who["member"], thread, first.id)
        other = posting.create_thread(
            state, who["helper"], category_id=1, title="Teams will not share my screen", body="It stays grey."
        )
        rude = posting.add_answer(state, who["agent"], other, "Read the manual, it is obvious.")
        flags.flag(state, who["member"], rude, "rude", "Not kind to a colleague.")
        idea = proposals.propose(
            state, who["member"], title="Let us reset our own MFA", body="It would save a call to the desk."
        )
        proposals.vote(state, who["helper"], idea)
        proposals.set_status(state, who["agent"], idea, "planned", note="Next quarter.", target_date="2027-03-31")
        mug = catalogue.save(
            state,
            who["agent"],
            name="IT team mug",
            description="",
            picture_url="",
            cost=5,
            stock=3,
            min_level=0,
            active=True,
        )
        catalogue.redeem(state, who["helper"], mug.id)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        announcements.publish(
            state,
            who["agent"],
            kind="outage",
            title="The VPN is slow this morning",
            body="We are looking into it.",
            services="VPN",
            severity="major",
            starts_at=now - dt.timedelta(hours=1),
        )
        draft = articles.promote(state, who["agent"], state.db.session.get(state.models.Post, first.id))
        articles.save(
            state, who["agent"], title=draft.title, body=draft.body_source, category_id=1, publish=True, article=draft
        )
        from forum.notifications import webhooks

        bot = webhooks.add_endpoint(state, url="https://hooks.example.com/community", events=["thread.created"])
        webhooks.queue(state, "thread.created", {"title": "A question"}, only=bot)
        state.db.session.commit()
        return {"keys": keys, "ids": {role: person.id for role, person in who.items()}}


@pytest.fixture(scope="module")
def host_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from hostapp import create_app

    app = create_app(
        f"sqlite:///{tmp_path_factory.mktemp('host') / 'host.db'}",
        templates={"host_layout.html": LANDMARK_LAYOUT},
        csrf_protect=True,
        FORUM_DESK_CONNECTOR="memory",
    )
    filled = _fill_host(app)

    def sign_in(page: Any, base: str, role: str) -> None:
        page.goto(f"{base}/login")
        page.locator("input[name=key]").fill(filled["keys"][role])
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()

    with serve(app) as base:
        yield {"app": app, "base": base, "prefix": "/help/community", "sign_in": sign_in, "ids": filled["ids"]}


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    import sqlalchemy as sa

    from examples.portal.app import Account, db

    app = demo_app(tmp_path_factory, "demo-axe")
    names = {"member": "ana", "agent": "dana"}
    with app.app_context():
        ids = {
            role: db.session.scalar(sa.select(Account.account_id).where(Account.username == name))
            for role, name in names.items()
        }

    def sign_in(page: Any, base: str, role: str) -> None:
        log_in(page, base, names[role])

    with serve(app) as base:
        yield {"app": app, "base": base, "prefix": "/community", "sign_in": sign_in, "ids": ids}


@pytest.mark.parametrize("role", ["guest", "member", "agent"])
@pytest.mark.parametrize("site_name", ["demo", "host"])
def test_every_page_passes_axe_at_both_widths_in_light_and_dark(request, browser, site_name, role):
    source = axe_source()
    site = request.getfixturevalue(f"{site_name}_site")
    base, prefix = site["base"], site["prefix"]
    pages = site_pages(site["app"], prefix, role, site["ids"].get(role))
    context = browser.new_context(bypass_csp=True, viewport={"width": 360, "height": 740})
    problems: list[str] = []
    checked = 0
    try:
        page = context.new_page()
        if role != "guest":
            site["sign_in"](page, base, role)
        for name, path in pages.items():
            page.set_viewport_size({"width": 360, "height": 740})
            page.emulate_media(color_scheme="light", reduced_motion="reduce")
            page.goto(f"{base}{path}")
            if not page.url.startswith(f"{base}{prefix}"):  # a guest sent to the portal's login page
                assert role == "guest", f"{role} could not open {name}: {page.url}"
                continue
            if site_name == "host":
                assert page.evaluate("document.documentElement.dataset.hostScript") == "ran"
            if page.locator(".similar-questions").count():  # loaded after the page: check what people will see
                page.locator(".similar-questions .similar-list, .similar-questions p.muted").first.wait_for()
            for width, height in ((360, 740), (1280, 900)):
                page.set_viewport_size({"width": width, "height": height})
                sideways = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
                if sideways > 0:
                    problems.append(f"{name} {width}px: the page scrolls sideways by {sideways} px")
                for scheme in ("light", "dark"):
                    page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
                    background = page.evaluate(
                        "getComputedStyle(document.getElementById('forum-root')).backgroundColor"
                    )
                    assert background == BACKGROUND[scheme], (name, scheme, background)
                    checked += 1
                    for v in violations(page, source):
                        problems.append(f"{name} {width}px {scheme}: {v['id']} ({v['help']}) {v['nodes']}")
                    if role == "agent" and width == 360:
                        shot(page, f"axe-{site_name}-{name}-{scheme}")
    finally:
        context.close()
    assert checked >= 4 * 15, checked
    assert not problems, "\n".join(problems)
