"""Odd input never breaks a page: NUL bytes, huge numbers and words where ids go get a 404 or a plain 400.

The sweep walks every GET route of the blueprint with hostile path parts and query arguments, as a guest and
signed in, on both databases. The app runs with ``TESTING`` on, so an exception fails the test with its
traceback instead of hiding behind a 500.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from helpers import PREFIX, csrf_token, login, make_thread, post_form
from hostapp import db

HOSTILE = [
    "abc",
    "0",
    "-1",
    "2147483648",
    "9223372036854775808",
    "1" + "0" * 30,
    "x\x00y",
    "\x00",
    "%",
    "..",
    "ü" * 300,
    "1e5",
    " 1",
]
QUERY_ARGS = ["page", "q", "category", "tag", "kind", "id", "period", "tab", "s", "title", "body", "attempt", "solved"]
_ARGUMENT = re.compile(r"<(?:[^:>]+:)?([^>]+)>")


def _get_routes(app: Flask) -> list[str]:
    rules = [
        r.rule
        for r in app.url_map.iter_rules()
        if r.endpoint.startswith("forum.") and r.endpoint != "forum.static" and "GET" in (r.methods or ())
    ]
    assert len(rules) > 25, rules
    return sorted(set(rules))


def _urls(rule: str, valid: str) -> list[str]:
    """The rule with every argument hostile, then valid arguments with every query argument hostile."""
    urls = []
    if _ARGUMENT.search(rule):
        urls += [_ARGUMENT.sub(quote(value, safe=""), rule) for value in HOSTILE]
    base = _ARGUMENT.sub(valid, rule)
    urls += [f"{base}?{urlencode(dict.fromkeys(QUERY_ARGS, value))}" for value in HOSTILE]
    return urls


def _seed(app: Flask, people) -> None:  # type: ignore[no-untyped-def]
    make_thread(app, people.asker, answers=[(people.helper, "Restart it.")], tags="outlook")


@pytest.mark.parametrize("signed_in", [False, True], ids=["guest", "signed-in"])
def test_every_get_route_survives_hostile_paths_and_queries(app, client, people, signed_in):
    _seed(app, people)
    if signed_in:
        login(client, people.admin)
    failures = []
    for rule in _get_routes(app):
        for url in _urls(rule, "1"):
            response = client.get(url)
            if response.status_code >= 500:
                failures.append((url, response.status_code))
    assert failures == []


def test_words_and_huge_numbers_where_ids_go_are_not_found(app, client, people):
    _seed(app, people)
    for url in ["/t/abc", "/t/2147483648", "/t/99999999999999999999", "/p/-1", "/u/abc", "/u/9223372036854775808"]:
        response = client.get(PREFIX + url)
        assert response.status_code == 404, url
        assert "We could not find" in response.text


def test_likes_of_words_huge_numbers_and_nul_bytes_where_ids_go_are_not_found_and_count_nothing(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart the dock.")])
    login(client, people.agent)
    page = f"{PREFIX}/t/{thread_id}"
    for odd in ["abc", "-1", "2147483648", "99999999999999999999", "%00", "2%00"]:
        for action in ("like", "unlike"):
            response = post_form(client, page, f"{PREFIX}/p/{odd}/{action}", {})
            if "%00" in odd:  # a NUL byte in the address: the plain message, before any view
                assert response.status_code == 400 and "invisible character" in response.text, (odd, action)
            else:
                assert response.status_code == 404 and "We could not find" in response.text, (odd, action)
    assert "1 like" not in client.get(page).text


def test_a_nul_byte_gets_a_plain_message_and_changes_nothing(app, client, people):
    thread_id = make_thread(app, people.asker)
    login(client, people.helper)
    response = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/answer", {"body": "Try\x00 this"})
    assert response.status_code == 400
    assert "invisible character" in response.text
    search = client.get(f"{PREFIX}/search?q=outlook%00")
    assert search.status_code == 400 and "Please retype it" in search.text
    with app.app_context():
        assert db.session.scalar(db.text("SELECT count(*) FROM forum_post")) == 1


def test_a_page_number_past_any_list_is_not_found_and_nonsense_is_the_first_page(app, client, people):
    _seed(app, people)
    assert client.get(f"{PREFIX}/?page=1000000000000000000").status_code == 404
    first = client.get(f"{PREFIX}/?page=abc")
    assert first.status_code == 200 and "Outlook will not open today" in first.text


def test_hostile_form_ids_are_refused_before_anything_changes(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart it.")])
    login(client, people.asker)
    page = f"{PREFIX}/t/{thread_id}"
    for value in ["abc", "99999999999999999999", "-3", "x\x00"]:
        accepted = post_form(client, page, f"{PREFIX}/t/{thread_id}/accept", {"post_id": value})
        assert accepted.status_code in (400, 404), value
        shared = post_form(client, page, f"{PREFIX}/p/1/share", {"recipient": value})
        assert shared.status_code < 500, value
    login(client, people.admin)
    token = csrf_token(client, page)
    for user in ["abc", "99999999999999999999"]:
        response = client.post(f"{PREFIX}/u/{user}/level", data={"csrf_token": token, "level": "2"})
        assert response.status_code == 404, user
    with app.app_context():
        assert db.session.scalar(db.text("SELECT accepted_post_id FROM forum_thread")) is None


def test_moderation_and_writing_forms_take_any_value_without_an_error(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart it.")])
    login(client, people.admin)
    page = f"{PREFIX}/t/{thread_id}"
    odd = ["", "abc", "99999999999999999999", "-3", "1e5", "<script>", "lock; DROP TABLE forum_thread"]
    for value in odd:
        for url, data in [
            (f"{PREFIX}/t/{thread_id}/state", {"action": value, "days": value, "closed_as": value, "reason": value}),
            (f"{PREFIX}/t/{thread_id}/state", {"action": "pin", "days": value}),
            (f"{PREFIX}/review/2", {"decision": value, "days": value}),
            (f"{PREFIX}/review/{value or 0}", {"decision": "keep"}),
            (f"{PREFIX}/p/2/flag", {"reason": value, "note": value}),
            (f"{PREFIX}/p/2/clarity", {"verdict": value}),
            (f"{PREFIX}/u/{value or 'x'}/silence", {"days": value, "reason": value}),
            (f"{PREFIX}/u/{value or 'x'}/unsilence", {}),
            (f"{PREFIX}/admin/glossary", {"term": value, "plain": value}),
            (f"{PREFIX}/admin/glossary/remove", {"term": value}),
            (f"{PREFIX}/writing/tips", {"body": value, "kind": value}),
            (f"{PREFIX}/writing/preview", {"body": value}),
            (f"{PREFIX}/ideas/new", {"title": value, "body": value}),
            (f"{PREFIX}/ideas/1/status", {"status": value, "target_date": value, "link": value, "note": value}),
            (f"{PREFIX}/ideas/1/merge", {"into": value}),
            (f"{PREFIX}/ideas/{value or 0}/vote", {}),
            (f"{PREFIX}/admin/rewards", {"name": value, "cost": value, "stock": value, "min_level": value}),
            (f"{PREFIX}/admin/rewards", {"reward_id": value, "name": "Mug", "cost": "5", "stock": "1"}),
            (f"{PREFIX}/rewards/{value or 0}", {}),
            (f"{PREFIX}/admin/orders/{value or 0}", {"state": value, "note": value}),
        ]:
            response = post_form(client, page, url, data)
            assert response.status_code < 500, (url, data, response.status_code)
    with app.app_context():
        row = db.session.execute(db.text("SELECT locked_at, closed_as, pinned_until FROM forum_thread")).first()
        assert tuple(row) == (None, None, None)


def test_a_page_with_text_in_every_script_arrives_as_exactly_that_text(app, client, people):
    """Pages are encoded in pieces (most pieces are plain ASCII and are copied as they are): every character of
    every script, however the pieces fall, still arrives as the UTF-8 of the page."""
    samples = ["Grüße aus Köln", "“curly” quotes’", "日本語のテキスト", "Привет", "emoji 😀 here", "שלום"]
    answers = [(people.helper, f"{sample} {'x' * (1500 * i)}") for i, sample in enumerate(samples)]
    thread_id = make_thread(app, people.asker, title="Text in every script: ünïcödé", answers=answers)
    login(client, people.helper)
    page = client.get(f"{PREFIX}/t/{thread_id}")
    text = page.get_data().decode("utf-8")  # strict: a broken sequence anywhere fails here
    assert "ünïcödé" in text and all(sample in text for sample in samples)


def test_pages_are_encoded_in_pieces_exactly_as_in_one_go():
    from forum.views.common import UTF8_CHUNK, utf8

    plain = "<p>" + "x" * (UTF8_CHUNK * 3) + "</p>"
    for odd in ("ç", "’", "日本", "😀"):
        for at in (0, UTF8_CHUNK - 1, UTF8_CHUNK, len(plain) - 1):  # at a piece's edge, inside, at the end
            text = plain[:at] + odd + plain[at:]
            assert utf8(text) == text.encode()
    dense = "日本語" * UTF8_CHUNK  # mostly outside ASCII: encoded whole after a few pieces
    assert utf8(dense) == dense.encode()
    assert utf8("") == b"" and utf8("plain") == b"plain"
