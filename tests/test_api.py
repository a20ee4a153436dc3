"""The JSON API: tokens made on the tokens page, scopes, the same rules as the pages, problem details, cursors,
and an OpenAPI document that validates and describes every answer the API gives."""

from __future__ import annotations

import datetime as dt
import html
import logging
import re

import pytest
import sqlalchemy as sa
from helpers import PREFIX, csrf_token, forum_user, login, make_thread, post_form
from hostapp import db

from forum import get_state
from forum.api import tokens

API = f"{PREFIX}/api/v1"
SECRET_SHOWN = re.compile(r'id="new-token"[^>]*value="(fsd_[^"]+)"')


def make_token(app, member, scopes=("read", "write"), days=30, name="Chat bot"):
    """A token made through the service, as the tokens page does; returns the secret."""
    with app.app_context():
        _, secret = tokens.create(get_state(app), forum_user(app, member), name=name, scopes=list(scopes), days=days)
    return secret


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


def count(app, model_name):
    with app.app_context():
        model = getattr(get_state(app).models, model_name)
        return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def is_problem(response, status):
    """An RFC 9457 problem with a plain sentence in it."""
    assert response.status_code == status, response.text
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status and body["type"] == "about:blank" and body["title"]
    assert body["detail"].endswith(".") and len(body["detail"]) > 20
    return body


# Tokens ----------------------------------------------------------------------------------------------------------


def test_a_token_made_on_the_tokens_page_is_shown_once_works_and_stops_when_revoked(app, client, people):
    login(client, people.asker)
    made = post_form(
        client, f"{PREFIX}/tokens", f"{PREFIX}/tokens", {"name": "My phone", "scopes": ["read", "write"], "days": "30"}
    )
    assert made.status_code == 303  # so a reload cannot make a second token
    shown = client.get(f"{PREFIX}/tokens")
    assert "We will not show it again" in shown.text and shown.headers["Cache-Control"] == "no-store"
    secret = SECRET_SHOWN.search(shown.text).group(1)
    again = client.get(f"{PREFIX}/tokens")
    assert secret not in again.text and "My phone" in again.text and secret[:10] in again.text
    assert "Never" in again.text  # not used yet
    with app.app_context():
        row = db.session.scalar(sa.select(get_state(app).models.AccessToken))
        assert row.digest != secret and secret not in (row.digest, row.prefix, row.name)  # only a digest is kept

    api = app.test_client()  # a bot: no cookie, only the token
    me = api.get(f"{API}/me", headers=bearer(secret))
    assert me.status_code == 200
    assert me.get_json()["person"]["name"] == "Ana Asker" and me.get_json()["scopes"] == ["read", "write"]
    assert "Never" not in client.get(f"{PREFIX}/tokens").text  # last used: just now

    token_id = re.search(r"/tokens/(\d+)/revoke", again.text).group(1)
    revoked = post_form(client, f"{PREFIX}/tokens", f"{PREFIX}/tokens/{token_id}/revoke", {})
    assert revoked.status_code == 303
    refused = is_problem(api.get(f"{API}/me", headers=bearer(secret)), 401)
    assert refused["detail"] == "That token was revoked. Make a new one on your profile page."
    after = html.unescape(client.get(f"{PREFIX}/tokens").text)
    assert "Revoked. “My phone” no longer works." in after and "You have no tokens." in after


def test_expired_unknown_and_malformed_tokens_are_refused_in_plain_words(app, client, people):
    secret = make_token(app, people.helper, days=7)
    with app.app_context():
        Token = get_state(app).models.AccessToken
        db.session.execute(sa.update(Token).values(expires_at=dt.datetime(2026, 1, 5)))
        db.session.commit()
    expired = is_problem(client.get(f"{API}/me", headers=bearer(secret)), 401)
    assert expired["detail"] == "That token expired on January 5, 2026. Make a new one on your profile page."
    unknown = is_problem(client.get(f"{API}/me", headers=bearer("fsd_" + "x" * 43)), 401)
    assert "We do not know that token" in unknown["detail"]
    assert unknown and client.get(f"{API}/me", headers=bearer("fsd_" + "x" * 43)).headers["WWW-Authenticate"]
    basic = is_problem(client.get(f"{API}/me", headers={"Authorization": "Basic YWRtaW46YWRtaW4="}), 401)
    assert "Authorization: Bearer <token>" in basic["detail"]
    # a bad token is refused even on pages open to guests, so a script learns its token is wrong
    is_problem(client.get(f"{API}/threads", headers=bearer("nonsense\u2028")), 401)


def test_the_tokens_page_refuses_bad_choices_and_admin_rights_for_people_outside_the_it_team(app, client, people):
    login(client, people.helper)
    page = client.get(f"{PREFIX}/tokens")
    assert 'value="admin"' not in page.text  # not offered
    nameless = post_form(
        client, f"{PREFIX}/tokens", f"{PREFIX}/tokens", {"name": " ", "scopes": ["read"], "days": "30"}
    )
    assert nameless.status_code == 400 and "Please give the token a name" in html.unescape(nameless.text)
    forged = post_form(client, f"{PREFIX}/tokens", f"{PREFIX}/tokens", {"name": "x", "scopes": ["admin"], "days": "30"})
    assert forged.status_code == 403 and "Only the IT team can make a token with admin rights." in forged.text
    forever = post_form(
        client, f"{PREFIX}/tokens", f"{PREFIX}/tokens", {"name": "x", "scopes": ["read"], "days": "99999"}
    )
    assert forever.status_code == 400 and "how long the token lasts" in forever.text
    assert count(app, "AccessToken") == 0
    stale = client.post(f"{PREFIX}/tokens", data={"name": "x", "scopes": ["read"], "days": "30"})  # no CSRF token
    assert stale.status_code == 400 and count(app, "AccessToken") == 0
    someone_elses = make_token(app, people.asker)
    assert someone_elses
    with app.app_context():
        other_id = db.session.scalar(sa.select(get_state(app).models.AccessToken.id))
    wrong = post_form(client, f"{PREFIX}/tokens", f"{PREFIX}/tokens/{other_id}/revoke", {})
    assert wrong.status_code == 404
    assert client.get(f"{API}/me", headers=bearer(someone_elses)).status_code == 200  # still works


# Scopes and sessions ---------------------------------------------------------------------------------------------


def test_scopes_limit_what_a_token_does_and_never_add_rights(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart the router first.")])
    reader = make_token(app, people.asker, scopes=["read"])
    asked = {"title": "Printer on floor 3 is jammed", "body": "It shows error 13 since this morning.", "category_id": 1}
    refused = is_problem(client.post(f"{API}/threads", json=asked, headers=bearer(reader)), 403)
    assert refused["detail"] == (
        "This token may not ask, answer or change things. Make a token with the write scope on your profile page."
    )
    assert client.get(f"{API}/threads/{thread_id}", headers=bearer(reader)).status_code == 200
    writer = make_token(app, people.asker, scopes=["write"])
    assert is_problem(client.get(f"{API}/me", headers=bearer(writer)), 403)  # write alone does not read
    agent = make_token(app, people.agent, scopes=["read", "write"])
    news = {"kind": "maintenance", "title": "Email is down on Saturday", "body": "From 8 to 10."}
    assert is_problem(client.post(f"{API}/announcements", json=news, headers=bearer(agent)), 403)
    admin = make_token(app, people.agent, scopes=["admin"])
    published = client.post(f"{API}/announcements", json=news, headers=bearer(admin))
    assert published.status_code == 201 and published.get_json()["title"] == "Email is down on Saturday"
    # a member's write token cannot publish, whatever it asks for: the person's own rights still apply
    member = make_token(app, people.helper, scopes=["read", "write"])
    assert is_problem(client.post(f"{API}/announcements", json=news, headers=bearer(member)), 403)
    assert count(app, "Announcement") == 1 and count(app, "Thread") == 1


def test_cookie_calls_need_the_csrf_header_for_changes_but_not_for_reads(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart the router first.")])
    login(client, people.asker)
    assert client.get(f"{API}/me").get_json()["person"]["name"] == "Ana Asker"
    forged = is_problem(client.put(f"{API}/posts/2/like"), 403)
    assert "X-CSRFToken" in forged["detail"] and count(app, "Like") == 0
    token = csrf_token(client, f"{PREFIX}/t/{thread_id}")
    liked = client.put(f"{API}/posts/2/like", headers={"X-CSRFToken": token})
    assert liked.status_code == 200 and liked.get_json() == {"liked": True, "like_count": 1}
    guest = app.test_client()
    assert is_problem(guest.put(f"{API}/posts/2/like"), 401)["detail"].startswith("Please sign in")
    assert guest.get(f"{API}/threads/{thread_id}").get_json()["answers"][0]["liked"] is None


@pytest.mark.parametrize("host", ["csrfprotect", "csrf-off"])
def test_tokens_work_in_a_host_with_csrfprotect_and_in_one_with_csrf_switched_off(people_factory, host):
    config = {"csrf_protect": True} if host == "csrfprotect" else {"WTF_CSRF_ENABLED": False}
    app, client, people = people_factory(**config)
    thread_id = make_thread(app, people.asker)
    secret = make_token(app, people.helper)
    answered = client.post(
        f"{API}/threads/{thread_id}/answers", json={"body": "Hold the power button."}, headers=bearer(secret)
    )
    assert answered.status_code == 201, answered.text
    login(client, people.asker)
    cookie = client.put(f"{API}/threads/{thread_id}/favourite")  # no CSRF header
    if host == "csrfprotect":
        assert is_problem(cookie, 403) and count(app, "Favourite") == 0
    else:
        assert cookie.status_code == 200 and count(app, "Favourite") == 1


# The same rules as the pages -------------------------------------------------------------------------------------


def test_the_api_gives_the_pages_own_refusals(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart the router first.")])
    helper = make_token(app, people.helper)
    api_refusal = is_problem(
        client.put(f"{API}/threads/{thread_id}/accepted", json={"post_id": 2}, headers=bearer(helper)), 403
    )
    login(client, people.helper)
    page = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/accept", {"post_id": "2"})
    assert page.status_code == 403 and api_refusal["detail"] in html.unescape(page.text)

    short = is_problem(
        client.post(f"{API}/threads/{thread_id}/answers", json={"body": "   "}, headers=bearer(helper)), 400
    )
    page = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/answer", {"body": "   "})
    assert short["errors"] == {"body": [short["detail"]]} and short["detail"] in html.unescape(page.text)
    assert count(app, "Post") == 2

    asker = make_token(app, people.asker)
    accepted = client.put(f"{API}/threads/{thread_id}/accepted", json={"post_id": 2}, headers=bearer(asker))
    assert accepted.status_code == 200 and accepted.get_json()["solved"] is True
    assert accepted.get_json()["accepted_answer_id"] == 2
    assert (
        "Marked as solved" in client.get(f"{PREFIX}/t/{thread_id}").text
        or "solved" in client.get(f"{PREFIX}/t/{thread_id}").text
    )
    undone = client.delete(f"{API}/threads/{thread_id}/accepted", headers=bearer(asker))
    assert undone.get_json()["solved"] is False


def test_rate_limits_count_api_and_page_posts_together(people_factory):
    app, client, people = people_factory(FORUM_RATE_LIMITS=True)
    secret = make_token(app, people.helper)
    asked = {"body": "It shows error 13 since this morning, on every page.", "category_id": 1}
    login(client, people.helper)
    made = post_form(
        client, f"{PREFIX}/ask", f"{PREFIX}/ask", {"title": "Question number 1 here", "category_id": "1", **asked}
    )
    assert made.status_code == 302
    for n in (2, 3):
        response = app.test_client().post(
            f"{API}/threads", json={"title": f"Question number {n} here", **asked}, headers=bearer(secret)
        )
        assert response.status_code == 201, response.text
    fourth = app.test_client().post(
        f"{API}/threads", json={"title": "Question number 4 here", **asked}, headers=bearer(secret)
    )
    body = is_problem(fourth, 429)
    assert (
        body["detail"].startswith("You can ask again in")
        and "new members can ask 3 questions an hour" in body["detail"]
    )
    assert 0 < int(fourth.headers["Retry-After"]) <= 3600
    assert count(app, "Thread") == 3


def test_asking_answering_liking_saving_following_and_reading_back(app, client, people):
    asker, helper = make_token(app, people.asker), make_token(app, people.helper)
    asked = client.post(
        f"{API}/threads",
        json={
            "title": "VPN drops every ten minutes",
            "body": "Since Monday, at home.",
            "category_id": 1,
            "tags": ["VPN", "home"],
        },
        headers=bearer(asker),
    )
    assert asked.status_code == 201
    thread = asked.get_json()
    assert thread["tags"] == ["home", "vpn"] and thread["author"]["name"] == "Ana Asker" and not thread["solved"]
    assert thread["url"].startswith("http://localhost/help/community/t/")
    tid = thread["id"]
    answer = client.post(
        f"{API}/threads/{tid}/answers", json={"body": "Turn off Wi-Fi power saving."}, headers=bearer(helper)
    )
    assert answer.status_code == 201 and answer.get_json()["author"]["name"] == "Hugo Helper"
    answer_id = answer.get_json()["id"]
    assert client.put(f"{API}/posts/{answer_id}/like", headers=bearer(asker)).get_json() == {
        "liked": True,
        "like_count": 1,
    }
    assert (
        client.put(f"{API}/posts/{answer_id}/like", headers=bearer(asker)).get_json()["like_count"] == 1
    )  # twice: once
    assert client.put(f"{API}/threads/{tid}/favourite", headers=bearer(helper)).get_json() == {"favourite": True}
    followed = client.put(f"{API}/threads/{tid}/following", json={"level": "muted"}, headers=bearer(helper))
    assert followed.get_json() == {"level": "muted"}
    read = client.get(f"{API}/threads/{tid}", headers=bearer(helper)).get_json()
    assert read["favourite"] is True and read["following"] == "muted"
    assert read["question"]["body"] == "Since Monday, at home." and read["answers"][0]["like_count"] == 1
    assert read["answers"][0]["liked"] is False  # the helper did not like their own answer
    saved = client.get(f"{API}/favourites", headers=bearer(helper)).get_json()
    assert [t["id"] for t in saved["items"]] == [tid]
    # the pages show what the API did
    page = client.get(f"{PREFIX}/t/{tid}").text
    assert "Turn off Wi-Fi power saving." in page and "VPN drops every ten minutes" in page
    notices = client.get(f"{API}/notifications", headers=bearer(asker)).get_json()
    assert notices["unread"] >= 1 and any("Hugo Helper answered" in n["message"] for n in notices["items"])
    assert client.post(f"{API}/notifications/read", headers=bearer(asker)).get_json()["marked"] == notices["unread"]
    assert client.get(f"{API}/notifications", headers=bearer(asker)).get_json()["unread"] == 0
    assert client.delete(f"{API}/posts/{answer_id}/like", headers=bearer(asker)).get_json() == {
        "liked": False,
        "like_count": 0,
    }


def test_search_suggestions_leaderboard_and_people(app, client, people):
    thread_id = make_thread(
        app,
        people.asker,
        title="Printer jams on floor 3",
        body="Paper stuck.",
        answers=[(people.helper, "Open tray 2.")],
    )
    secret = make_token(app, people.asker)
    client.put(f"{API}/threads/{thread_id}/accepted", json={"post_id": 2}, headers=bearer(secret))
    from helpers import index_search

    index_search(app)
    found = client.get(f"{API}/search", query_string={"q": "tray"}).get_json()
    assert found["items"][0]["id"] == thread_id and found["items"][0]["answer_id"] == 2
    assert found["items"][0]["url"].endswith("/p/2") and "tray" in found["items"][0]["snippet"].lower()
    assert client.get(f"{API}/suggestions", query_string={"title": "printer jams"}).status_code == 401
    suggested = client.get(f"{API}/suggestions", query_string={"title": "my printer jams"}, headers=bearer(secret))
    assert [s["id"] for s in suggested.get_json()["items"]] == [thread_id]
    board = client.get(f"{API}/leaderboard", query_string={"period": "all"}).get_json()
    assert board["items"][0]["person"]["name"] == "Hugo Helper" and board["items"][0]["rank"] == 1
    profile = client.get(f"{API}/people/{people.helper.key}").get_json()
    assert profile["points"] == board["items"][0]["points"] and "first-answer" in {b["slug"] for b in profile["badges"]}
    assert is_problem(client.get(f"{API}/people/nobody-at-all"), 404)["detail"] == "We could not find that person."


def test_the_ticket_can_be_asked_for_and_followed(people_factory):
    from plugin_api.desk import MemoryDesk

    app, client, people = people_factory(FORUM_DESK_CONNECTOR=MemoryDesk({"queue": "Service Desk"}))
    thread_id = make_thread(app, people.asker)
    stranger = make_token(app, people.helper)
    assert is_problem(client.post(f"{API}/threads/{thread_id}/ticket", headers=bearer(stranger)), 403)
    asker = make_token(app, people.asker)
    before = client.get(f"{API}/threads/{thread_id}/ticket", headers=bearer(asker)).get_json()
    assert before["handed"] is False and before["can_ask"] is True
    handed = client.post(f"{API}/threads/{thread_id}/ticket", headers=bearer(asker))
    assert handed.status_code == 201 and handed.get_json()["handed"] is True
    again = is_problem(client.post(f"{API}/threads/{thread_id}/ticket", headers=bearer(asker)), 409)
    assert again["detail"] == "This question is already with the IT team."
    assert count(app, "Escalation") == 1


# Hostile input ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("post", "/threads", {"title": "A title long enough", "body": "Text\x00here", "category_id": 1}, 400),
        ("post", "/threads", {"title": "A title long enough", "body": "Some text here", "category_id": "abc"}, 422),
        ("post", "/threads", {"title": "A title long enough", "body": "Some text here", "category_id": 10**30}, 422),
        ("post", "/threads", {"title": "A title long enough", "body": "Some text here", "category_id": 999}, 400),
        (
            "post",
            "/threads",
            {"title": "A title long enough", "body": "Some text", "category_id": 1, "admin": True},
            422,
        ),
        ("post", "/threads", ["not", "an", "object"], 400),
        ("post", "/threads", None, 400),
        ("put", "/threads/1/accepted", {"post_id": -1}, 422),
        ("put", "/threads/1/accepted", {"post_id": True}, 422),
        ("put", "/threads/99999999999999999999/favourite", None, 404),
        ("put", "/threads/abc/favourite", None, 404),
        ("put", "/threads/1/following", {"level": "loud"}, 422),
        ("get", "/threads?cursor=bm9wZQ", None, 400),
        ("get", "/threads?cursor=WyIyMDI2LTAxLTAxIiwgLTFd", None, 400),
        ("get", "/threads?limit=100000000000000000000", None, 422),
        ("get", "/threads?limit=ten", None, 422),
        ("get", "/threads?category=no-such-place", None, 404),
        ("get", "/threads/1?cursor=WzEwMDAwMDAwMDAwMDAwMDAwXQ", None, 400),
        ("get", "/search", None, 422),
        ("get", "/search?q=%00", None, 400),
        ("get", "/leaderboard?period=forever", None, 422),
        ("delete", "/threads", None, 405),
        ("get", "/no/such/address", None, 404),
    ],
)
def test_odd_input_gets_a_problem_in_plain_words_and_changes_nothing(app, client, people, method, path, body, status):
    make_thread(app, people.asker)
    secret = make_token(app, people.asker)
    before = (count(app, "Thread"), count(app, "Post"), count(app, "Favourite"), count(app, "Follow"))
    kwargs = {"headers": bearer(secret)}
    if body is not None:
        kwargs["json"] = body
    elif method != "get":
        kwargs["data"] = "{not json"
        kwargs["content_type"] = "application/json"
    response = getattr(client, method)(f"{API}{path}", **kwargs)
    is_problem(response, status)
    assert (count(app, "Thread"), count(app, "Post"), count(app, "Favourite"), count(app, "Follow")) == before


def test_a_field_error_names_the_field(app, client, people):
    secret = make_token(app, people.asker)
    response = client.post(f"{API}/threads", json={"title": "Hello there friends"}, headers=bearer(secret))
    body = is_problem(response, 422)
    assert set(body["errors"]) == {"body", "category_id"} and "body, category_id" in body["detail"]


# Paging ----------------------------------------------------------------------------------------------------------


def test_cursors_walk_every_thread_once_even_while_new_ones_arrive(app, client, people):
    made = [make_thread(app, people.asker, title=f"Question about printer {n}") for n in range(7)]
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = client.get(f"{API}/threads", query_string=query).get_json()
        seen += [t["id"] for t in page["items"]]
        pages += 1
        if pages == 1:
            make_thread(app, people.helper, title="A brand new question arrives")  # would shift a page number
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == list(reversed(made)) and pages == 3


def test_a_long_threads_answers_come_in_pages_oldest_first(app, client, people):
    answers = [(people.helper, f"Answer number {n} with enough words.") for n in range(5)]
    thread_id = make_thread(app, people.asker, answers=answers)
    first = client.get(f"{API}/threads/{thread_id}", query_string={"limit": 2}).get_json()
    assert [a["body"] for a in first["answers"]] == [
        "Answer number 0 with enough words.",
        "Answer number 1 with enough words.",
    ]
    rest, cursor = [], first["next_cursor"]
    while cursor:
        page = client.get(f"{API}/threads/{thread_id}", query_string={"limit": 2, "cursor": cursor}).get_json()
        rest += [a["body"] for a in page["answers"]]
        cursor = page["next_cursor"]
    assert rest == [f"Answer number {n} with enough words." for n in (2, 3, 4)]


# Logs ------------------------------------------------------------------------------------------------------------


def test_a_token_never_reaches_the_logs(app, client, people, caplog):
    secret = make_token(app, people.asker)
    caplog.set_level(logging.DEBUG)
    client.get(f"{API}/me", headers=bearer(secret))
    client.get(f"{API}/me", headers=bearer(secret + "x"))
    client.post(f"{API}/threads", json={"title": secret}, headers=bearer(secret))
    assert secret not in caplog.text and secret[4:] not in caplog.text


# Real processes ---------------------------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_token_revoked_through_one_web_process_is_refused_at_once_by_the_other_and_never_logged(
    app, people, database_url, tmp_path
):
    """Two gunicorn processes of two workers each, logging every request; no process keeps a token it was shown."""
    import sys

    import httpx
    from servers import free_port
    from test_topology import _env, processes, sign_in, wait_until_up

    secret = make_token(app, people.asker, name="Chat bot")
    ports = [free_port(), free_port()]
    logs = [tmp_path / f"access-{n}.log" for n in (0, 1)]
    env = _env(FORUM_TEST_DATABASE=database_url, FORUM_TEST_CSRF="0")
    commands = [
        (
            [sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}", "--access-logfile", str(log)]
            + ["--log-level", "debug", "topology_app:app"],
            env,
        )
        for port, log in zip(ports, logs, strict=True)
    ]
    with processes(commands) as started:
        bot, page = (f"http://127.0.0.1:{port}" for port in ports)
        wait_until_up(bot)
        wait_until_up(page)
        headers = bearer(secret)
        for _ in range(4):  # every worker of the bot's process reads the token at least once, most likely
            assert httpx.get(f"{bot}{API}/me", headers=headers).status_code == 200
        asked = {"title": "Teams calls drop after an hour", "body": "Every afternoon.", "category_id": 1}
        assert httpx.post(f"{bot}{API}/threads", json=asked, headers=headers).status_code == 201
        owner = sign_in(page, people.asker.key)
        token_id = re.search(r"/tokens/(\d+)/revoke", owner.get(f"{PREFIX}/tokens").text).group(1)
        assert owner.post(f"{PREFIX}/tokens/{token_id}/revoke").status_code == 303
        for _ in range(4):
            refused = httpx.get(f"{bot}{API}/me", headers=headers)
            assert refused.status_code == 401 and "revoked" in refused.json()["detail"]
        assert httpx.post(f"{bot}{API}/threads", json=asked, headers=headers).status_code == 401
        for proc in started:
            proc.terminate()
        printed = b"".join(proc.communicate(timeout=15)[0] for proc in started).decode()
    access = "".join(log.read_text() for log in logs)
    assert f"GET {API}/me" in access and "POST /help/community/tokens" in access  # the logs saw these calls
    assert secret not in access + printed and secret[4:20] not in access + printed
    assert count(app, "Thread") == 1
