"""The forum inside portals that are not the demo: CSRFProtect with a token in the layout, CSRF switched off,
and a portal mounted under a path prefix (``SCRIPT_NAME=/portal``)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from helpers import PREFIX, csrf_token, index_search, login, make_thread, post_form
from hostapp import db

#: A host layout that shows a value of the session, as portals with CSRFProtect do in their own forms.
TOKEN_LAYOUT = """<!doctype html><html lang="en"><head><title>{% block title %}{% endblock %} | Acme portal</title>
{% block head %}{% endblock %}</head><body><form id="portal-search" method="post" action="/portal-search">
<input type="hidden" name="csrf_token" value="{{ csrf_token() }}"></form>
{% block content %}{% endblock %}{% block scripts %}{% endblock %}</body></html>"""
_HOST_TOKEN = re.compile(r'id="portal-search"[^>]*>\s*<input type="hidden" name="csrf_token" value="([^"]+)"')


@pytest.fixture
def token_host(people_factory):
    return people_factory(csrf_protect=True, templates={"host_layout.html": TOKEN_LAYOUT}, FORUM_GUEST_CACHE_SECONDS=60)


def test_a_host_token_in_the_layout_is_never_kept_and_shown_to_another_guest(token_host):
    app, _, people = token_host
    make_thread(app, people.asker, title="Printer offline on floor 3")
    first, second = app.test_client(), app.test_client()
    page_one = first.get(f"{PREFIX}/")
    page_two = second.get(f"{PREFIX}/")
    token_one = _HOST_TOKEN.search(page_one.text).group(1)
    token_two = _HOST_TOKEN.search(page_two.text).group(1)
    assert token_one != token_two
    assert "Set-Cookie" in page_two.headers  # each guest got their own session with their own token


def test_the_first_guests_token_cannot_be_replayed_once_they_sign_in(token_host):
    app, _, people = token_host
    thread_id = make_thread(app, people.asker, title="Printer offline on floor 3")
    victim, attacker = app.test_client(), app.test_client()
    victim.get(f"{PREFIX}/t/{thread_id}")
    seen_by_attacker = _HOST_TOKEN.search(attacker.get(f"{PREFIX}/t/{thread_id}").text).group(1)
    login(victim, people.helper)
    forged = victim.post(f"{PREFIX}/t/{thread_id}/answer", data={"csrf_token": seen_by_attacker, "body": "Forged."})
    assert forged.status_code == 400
    with app.app_context():
        assert db.session.scalar(db.text("SELECT count(*) FROM forum_post")) == 1


def test_forms_work_with_the_hosts_csrfprotect(token_host):
    app, client, people = token_host
    thread_id = make_thread(app, people.asker)
    login(client, people.helper)
    answered = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/answer", {"body": "Restart it."})
    assert answered.status_code == 302
    liked = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/1/like", {})
    assert liked.status_code in (302, 403)  # one's own question cannot be liked; the token was accepted
    assert "Restart it." in client.get(f"{PREFIX}/t/{thread_id}").text


def test_a_refused_guest_post_does_not_empty_the_guest_cache(people_factory):
    app, client, people = people_factory(FORUM_GUEST_CACHE_SECONDS=60)
    thread_id = make_thread(app, people.asker, title="Kept for guests")
    guest = app.test_client()
    guest.get(f"{PREFIX}/")
    assert app.extensions["forum"].guest_pages().get(f"en|{PREFIX}/?|") is not None
    refused = guest.post(f"{PREFIX}/t/{thread_id}/answer", data={"body": "No token, not signed in."})
    assert refused.status_code in (302, 400, 401)
    assert app.extensions["forum"].guest_pages().get(f"en|{PREFIX}/?|") is not None


def test_with_csrf_switched_off_every_page_and_button_works(people_factory):
    app, client, people = people_factory(WTF_CSRF_ENABLED=False)
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart it.")])
    login(client, people.asker)
    assert client.get(f"{PREFIX}/ask").status_code == 200
    page = client.get(f"{PREFIX}/t/{thread_id}")
    assert page.status_code == 200 and "Restart it." in page.text
    assert 'name="csrf_token"' not in page.text
    asked = client.post(
        f"{PREFIX}/ask",
        data={"category_id": "1", "title": "Second monitor stays black", "body": "It says no signal."},
    )
    assert asked.status_code == 302
    login(client, people.helper)
    liked = client.post(f"{PREFIX}/p/1/like")
    assert liked.status_code == 302
    assert client.get(f"{PREFIX}/t/{thread_id}").status_code == 200


def test_a_portal_under_a_path_prefix_links_and_posts_under_it(app, people):
    from werkzeug.exceptions import NotFound
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    app.wsgi_app = DispatcherMiddleware(NotFound(), {"/portal": app.wsgi_app})  # SCRIPT_NAME=/portal
    thread_id = make_thread(app, people.asker)
    client = app.test_client()
    client.post("/portal/login", data={"key": people.helper.key})
    page = client.get(f"/portal{PREFIX}/t/{thread_id}")
    assert page.status_code == 200
    assert f'action="/portal{PREFIX}/t/{thread_id}/answer"' in page.text
    assert f'src="/portal{PREFIX}/static/forum/forum.js' in page.text
    assert f'href="{PREFIX}/' not in page.text  # every forum link carries the prefix
    token = csrf_token(client, f"/portal{PREFIX}/t/{thread_id}")
    answered = client.post(f"/portal{PREFIX}/t/{thread_id}/answer", data={"csrf_token": token, "body": "Restart it."})
    assert answered.status_code == 302
    assert answered.headers["Location"] == f"/portal{PREFIX}/p/2"  # the new answer, under the prefix
    guest = app.test_client()
    sign_in = guest.get(f"/portal{PREFIX}/ask")
    assert sign_in.status_code == 302 and sign_in.headers["Location"].startswith("/portal/login")


NONCE_LAYOUT = """<!doctype html><html lang="en"><head><title>{% block title %}{% endblock %} | Acme portal</title>
{% block head %}{% endblock %}<script nonce="{{ csp_nonce() }}">window.portalMenu = true;</script></head><body>
{% block content %}{% endblock %}{% block scripts %}{% endblock %}</body></html>"""


def test_the_host_layouts_inline_script_gets_a_fresh_nonce_that_the_policy_allows(people_factory):
    app, client, people = people_factory(templates={"host_layout.html": NONCE_LAYOUT}, FORUM_GUEST_CACHE_SECONDS=60)
    make_thread(app, people.asker)
    seen = set()
    for _ in range(2):
        page = client.get(f"{PREFIX}/")
        nonce = re.search(r'<script nonce="([^"]+)">', page.text).group(1)
        policy = page.headers["Content-Security-Policy"]
        assert f"script-src 'self' 'nonce-{nonce}'" in policy
        assert "unsafe-inline" not in policy
        seen.add(nonce)
    assert len(seen) == 2  # never the same nonce twice, so such a page is never kept for other guests
    plain = people_factory()[1].get(f"{PREFIX}/")
    assert "nonce-" not in plain.headers["Content-Security-Policy"]


def test_forum_pages_send_a_referrer_policy(client):
    assert client.get(f"{PREFIX}/").headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_feeds_take_their_links_from_the_site_setting_never_from_the_host_header(people_factory):
    import feedparser

    app, client, people = people_factory(FORUM_SITE_URL="https://portal.example.com")
    make_thread(app, people.asker, title="Wifi drops in room 4")
    feed = client.get(f"{PREFIX}/feeds/happening.atom", headers={"Host": "evil.example"})
    assert b"evil.example" not in feed.data
    parsed = feedparser.parse(feed.data)
    assert parsed.bozo == 0
    assert parsed.feed.link.startswith(f"https://portal.example.com{PREFIX}/happening")
    assert all(e.link.startswith("https://portal.example.com/") for e in parsed.entries)


def test_the_new_forms_work_with_the_hosts_csrfprotect(token_host):
    """Flags, reviews, thread states, writing tips, ideas and rewards all carry the token CSRFProtect checks."""
    app, client, people = token_host
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Turn off the antivirus.")])
    login(client, people.asker)
    page = f"{PREFIX}/t/{thread_id}"
    assert post_form(client, page, f"{PREFIX}/p/2/flag", {"reason": "unsafe"}).status_code == 303
    assert post_form(client, page, f"{PREFIX}/p/2/clarity", {"verdict": "technical"}).status_code == 303
    tips = post_form(client, page, f"{PREFIX}/writing/tips", {"body": "Flush the DNS cache.", "kind": "answer"})
    assert tips.status_code == 200 and "DNS" in tips.text
    idea = post_form(
        client, f"{PREFIX}/ideas/new", f"{PREFIX}/ideas/new", {"title": "Dark mode for the portal", "body": "Please."}
    )
    assert idea.status_code == 303
    login(client, people.admin)
    assert post_form(client, page, f"{PREFIX}/review/2", {"decision": "keep"}).status_code == 303
    assert (
        post_form(client, page, f"{PREFIX}/t/{thread_id}/state", {"action": "lock", "reason": "Done."}).status_code
        == 303
    )
    added = post_form(
        client,
        f"{PREFIX}/admin/rewards",
        f"{PREFIX}/admin/rewards",
        {"name": "Mug", "cost": "1", "stock": "1", "active": "yes"},
    )
    assert added.status_code == 303
    refused = client.post(f"{PREFIX}/review/2", data={"decision": "keep"})  # no token: CSRFProtect says no
    assert refused.status_code == 400


def test_under_a_path_prefix_mentions_and_the_new_pages_link_under_it(app, people):
    from werkzeug.exceptions import NotFound
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    app.wsgi_app = DispatcherMiddleware(NotFound(), {"/portal": app.wsgi_app})  # SCRIPT_NAME=/portal
    thread_id = make_thread(app, people.asker)
    client = app.test_client()
    client.post("/portal/login", data={"key": people.helper.key})
    token = csrf_token(client, f"/portal{PREFIX}/t/{thread_id}")
    answered = client.post(
        f"/portal{PREFIX}/t/{thread_id}/answer", data={"csrf_token": token, "body": "Ask @AnaAsker about it."}
    )
    assert answered.status_code == 302
    page = client.get(f"/portal{PREFIX}/t/{thread_id}").text
    assert re.search(rf'<a class="mention" href="/portal{PREFIX}/u/[0-9a-f-]+">@AnaAsker</a>', page)
    assert f'href="/portal{PREFIX}/p/1/flag"' in page  # the question; nobody flags their own answer
    assert f'data-mentions="/portal{PREFIX}/writing/people"' in page
    preview = client.post(f"/portal{PREFIX}/writing/preview", data={"csrf_token": token, "body": "@AnaAsker"}).text
    assert f'href="/portal{PREFIX}/u/' in preview
    for path in ("/ideas", "/ideas/new", "/rewards", "/review"):
        shown = client.get(f"/portal{PREFIX}{path}")
        assert shown.status_code in (200, 403), path
        assert f'href="{PREFIX}/' not in shown.text, path


@pytest.mark.parametrize("host", ["csrfprotect", "csrf-off"])
def test_this_rounds_forms_work_with_csrfprotect_and_with_csrf_off(people_factory, host):
    """Webhooks, marking a repeat from Similar questions, and "This solved my problem" with its feedback."""
    config = (
        {"csrf_protect": True, "templates": {"host_layout.html": TOKEN_LAYOUT}}
        if host == "csrfprotect"
        else {"WTF_CSRF_ENABLED": False}
    )
    app, client, people = people_factory(**config)
    original = make_thread(
        app,
        people.asker,
        title="Wireless network not detected after update",
        answers=[(people.helper, "Update the driver.")],
    )
    repeat = make_thread(app, people.helper, title="Wireless network not detected again")
    with app.app_context():
        from helpers import forum_user

        from forum import get_state
        from forum.gamification import levels
        from forum.threads import solutions

        state = get_state(app)
        solutions.accept(state, forum_user(app, people.asker), db.session.get(state.models.Thread, original), 2)
        levels.grant(state, forum_user(app, people.admin), people.admin.key, 2, lock=True)
    index_search(app)

    def send(page: str, action: str, data: dict) -> object:
        return post_form(client, page, action, data) if host == "csrfprotect" else client.post(action, data=data)

    login(client, people.admin)
    hooks = f"{PREFIX}/admin/webhooks"
    added = send(hooks, hooks, {"url": "https://hooks.example.com/x", "events": ["thread.created"]})
    assert added.status_code == 303
    with app.app_context():
        endpoint = db.session.scalar(db.text("SELECT id FROM forum_webhook_endpoint"))
    assert send(hooks, f"{hooks}/{endpoint}/test", {}).status_code == 303
    similar = f"{PREFIX}/t/{repeat}/similar"
    assert "This question is a repeat of it" in client.get(similar).text
    assert send(similar, f"{PREFIX}/t/{repeat}/duplicate", {"original": str(original)}).status_code == 302
    solved = send(f"{PREFIX}/ask", f"{PREFIX}/suggest/solved", {"kind": "thread", "id": str(original), "attempt": "a1"})
    assert solved.status_code == 302
    with app.app_context():
        assert db.session.scalar(db.text("SELECT helped FROM forum_search_vector")) == 1
        assert db.session.scalar(db.text(f"SELECT duplicate_of_id FROM forum_thread WHERE id = {repeat}")) == original
    if host == "csrfprotect":  # no token: refused, and nothing changes
        assert client.post(hooks, data={"url": "https://evil.example", "events": ["thread.created"]}).status_code == 400
        with app.app_context():
            assert db.session.scalar(db.text("SELECT count(*) FROM forum_webhook_endpoint")) == 1


def test_under_a_path_prefix_this_rounds_addresses_carry_it(app, people):
    """The service worker and its scope, the manifest and its icons, live updates, similar questions, banners."""
    from werkzeug.exceptions import NotFound
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    app.wsgi_app = DispatcherMiddleware(NotFound(), {"/portal": app.wsgi_app})  # SCRIPT_NAME=/portal
    thread_id = make_thread(app, people.asker)
    client = app.test_client()
    client.post("/portal/login", data={"key": people.admin.key})
    page = client.get(f"/portal{PREFIX}/t/{thread_id}").text
    assert f'data-service-worker="/portal{PREFIX}/sw.js?' in page
    assert f'data-service-worker-scope="/portal{PREFIX}/"' in page
    assert f'data-live="/portal{PREFIX}/live"' in page
    assert f'hx-get="/portal{PREFIX}/t/{thread_id}/similar"' in page
    assert f'data-url="/portal{PREFIX}/announcements/banners"' in page
    assert f'rel="manifest" href="/portal{PREFIX}/manifest.webmanifest"' in page
    manifest = client.get(f"/portal{PREFIX}/manifest.webmanifest").json
    assert manifest["start_url"] == manifest["scope"] == f"/portal{PREFIX}/"
    assert all(icon["src"].startswith(f"/portal{PREFIX}/static/") for icon in manifest["icons"])
    assert client.get(f"/portal{PREFIX}/sw.js").status_code == 200
    for path in ("/admin/webhooks", "/offline", f"/t/{thread_id}/similar"):
        shown = client.get(f"/portal{PREFIX}{path}")
        assert shown.status_code == 200 and f'href="{PREFIX}/' not in shown.text, path


def _host_of_kind(people_factory: Any, host: str) -> tuple[Any, Any, Any, str, Any]:
    """A host with CSRFProtect (a token in its layout), one with CSRF off, or one under SCRIPT_NAME=/portal: the app,
    its client, its people, the prefix, and ``send(page, action, data)``, which posts a form as that host's page does."""
    from werkzeug.exceptions import NotFound
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    config = {
        "csrfprotect": {"csrf_protect": True, "templates": {"host_layout.html": TOKEN_LAYOUT}},
        "csrf-off": {"WTF_CSRF_ENABLED": False},
        "prefix": {},
    }[host]
    app, client, people = people_factory(**config)
    root = "/portal" if host == "prefix" else ""
    if host == "prefix":
        app.wsgi_app = DispatcherMiddleware(NotFound(), {"/portal": app.wsgi_app})  # SCRIPT_NAME=/portal

    def send(page: str, action: str, data: dict) -> Any:
        return client.post(action, data=data) if host == "csrf-off" else post_form(client, page, action, data)

    return app, client, people, root, send


@pytest.mark.parametrize("host", ["csrfprotect", "csrf-off", "prefix"])
def test_the_tokens_page_and_cookie_api_calls_work_in_each_kind_of_host(people_factory, host):
    """Make a token and revoke one with CSRFProtect (a token in the layout), with CSRF off, and under /portal."""
    app, client, people, root, send = _host_of_kind(people_factory, host)
    client.post(f"{root}/login", data={"key": people.asker.key})
    page = f"{root}{PREFIX}/tokens"
    made = send(page, page, {"name": "Phone", "scopes": ["read"], "days": "30"})
    assert made.status_code == 303 and made.headers["Location"].startswith(page)
    shown = client.get(page).text
    secret = re.search(r'id="new-token"[^>]*value="(fsd_[^"]+)"', shown).group(1)
    assert f'href="{root}{PREFIX}/api/v1/docs"' in shown
    me = client.get(f"{root}{PREFIX}/api/v1/me", headers={"Authorization": f"Bearer {secret}"})
    assert me.status_code == 200 and me.get_json()["person"]["url"].startswith(f"http://localhost{root}{PREFIX}/u/")
    token_id = re.search(r"/tokens/(\d+)/revoke", client.get(page).text).group(1)
    if host == "csrfprotect":  # without the page's token: refused, and the token still works
        assert client.post(f"{page}/{token_id}/revoke").status_code == 400
        assert client.get(f"{root}{PREFIX}/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert send(page, f"{page}/{token_id}/revoke", {}).status_code == 303
    assert client.get(f"{root}{PREFIX}/api/v1/me", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


@pytest.mark.parametrize("host", ["csrfprotect", "csrf-off", "prefix"])
def test_a_german_reader_answers_and_is_thanked_in_german_in_each_kind_of_host(people_factory, host):
    """The reader's language through a host with CSRFProtect (a token in the layout), with CSRF off, and under
    /portal: the page, the form, the thanks after posting, and the links, which keep the host's prefix."""
    app, client, people, root, send = _host_of_kind(people_factory, host)
    thread_id = make_thread(app, people.asker, title="Drucker im 3. Stock druckt nicht")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "de-DE,de;q=0.9"
    client.post(f"{root}/login", data={"key": people.helper.key})
    page = f"{root}{PREFIX}/t/{thread_id}"
    shown = client.get(page, follow_redirects=True).text
    assert "Kannst du helfen?" in shown and f'href="{root}{PREFIX}/ask"' in shown
    sent = send(page, f"{page}/answer", {"body": "Starte den Drucker neu."})
    assert sent.status_code in (302, 303) and sent.headers["Location"].startswith(f"{root}{PREFIX}/")
    after = client.get(sent.headers["Location"], follow_redirects=True).text
    assert "Danke! Deine Antwort ist gepostet." in after and "1 Antwort" in after


@pytest.mark.parametrize("host", ["csrfprotect", "csrf-off", "prefix"])
def test_a_like_and_its_unlike_work_in_each_kind_of_host(people_factory, host):
    """The like button through a host with CSRFProtect, with CSRF off, and under /portal: the like counts once,
    the button turns into "unlike" under the host's prefix, and the unlike takes it back."""
    app, client, people, root, send = _host_of_kind(people_factory, host)
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart the dock.")])
    client.post(f"{root}/login", data={"key": people.asker.key})
    page = f"{root}{PREFIX}/t/{thread_id}"
    if host == "csrfprotect":  # without the page's token: refused, and nothing counted
        assert client.post(f"{root}{PREFIX}/p/2/like").status_code == 400
        assert "1 like" not in client.get(page).text
    liked = send(page, f"{root}{PREFIX}/p/2/like", {})
    assert liked.status_code == 302 and liked.headers["Location"].startswith(f"{root}{PREFIX}/")
    shown = client.get(page).text
    assert "1 like" in shown and f'form="forum-post-actions" formaction="{root}{PREFIX}/p/2/unlike"' in shown
    assert '<form id="forum-post-actions" method="post" hidden>' in shown  # what the button sends, token and all
    assert send(page, f"{root}{PREFIX}/p/2/unlike", {}).status_code == 302
    shown = client.get(page).text
    assert "1 like" not in shown and f'form="forum-post-actions" formaction="{root}{PREFIX}/p/2/like"' in shown


@pytest.mark.parametrize("host", ["csrfprotect", "csrf-off", "prefix"])
def test_saving_a_favourite_and_the_signed_in_front_page_work_in_each_kind_of_host(people_factory, host):
    """The save button through a host with CSRFProtect, with CSRF off, and under /portal: without htmx the thread
    comes back under the host's prefix, with htmx the new button posts there; the front page, which reads the
    reader's own row in its list's statement, shows them signed in."""
    app, client, people, root, send = _host_of_kind(people_factory, host)
    thread_id = make_thread(app, people.asker, title="Dock shows no screen")
    client.post(f"{root}/login", data={"key": people.helper.key})
    page = f"{root}{PREFIX}/t/{thread_id}"
    if host == "csrfprotect":  # without the page's token: refused, and nothing saved
        assert client.post(f"{page}/favourite").status_code == 400
        assert f'action="{page}/unfavourite"' not in client.get(page).text
    saved = send(page, f"{page}/favourite", {})
    assert saved.status_code == 302 and saved.headers["Location"].startswith(page)
    assert f'action="{page}/unfavourite"' in client.get(page).text
    assert "Dock shows no screen" in client.get(f"{root}{PREFIX}/favourites").text
    hx = {"HX-Request": "true"}
    taken = (
        client.post(f"{page}/unfavourite", headers=hx)
        if host == "csrf-off"
        else post_form(client, page, f"{page}/unfavourite", {}, headers=hx)
    )
    assert taken.status_code == 200 and f'hx-post="{page}/favourite"' in taken.text
    home = client.get(f"{root}{PREFIX}/").text
    assert 'id="notifications-link"' in home and "Dock shows no screen" in home
