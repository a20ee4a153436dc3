"""Nothing changes on a GET that an image can make, no redirect leaves the portal, and htmx buttons pressed
after the session ended send the whole page to the login page."""

from __future__ import annotations

import pytest
from helpers import HX, IMAGE, PAGE_OPEN, PREFIX, csrf_token, login, make_thread, post_form
from hostapp import db

from forum.views.navigation import safe_next


def _read(app, notification_id) -> bool:  # type: ignore[no-untyped-def]
    with app.app_context():
        return (
            db.session.scalar(db.text("SELECT read_at FROM forum_notification WHERE id = :n"), {"n": notification_id})
            is not None
        )


def test_an_image_pointing_at_a_notification_does_not_mark_it_read(app, client, people):
    make_thread(app, people.asker, answers=[(people.helper, "Restart it.")])
    with app.app_context():
        notification_id = db.session.scalar(
            db.text("SELECT id FROM forum_notification WHERE user_id = :u AND kind = 'answer'"), {"u": people.asker.key}
        )
    login(client, people.asker)
    url = f"{PREFIX}/notifications/{notification_id}"
    assert client.get(url, headers=IMAGE).status_code == 302
    assert client.get(url, headers={"Accept": "image/png,*/*"}).status_code == 302  # no Fetch Metadata either
    assert not _read(app, notification_id)
    opened = client.get(url, headers=PAGE_OPEN)
    assert opened.status_code == 302 and opened.location.endswith("/p/2")
    assert _read(app, notification_id)


def test_images_in_posts_only_come_from_full_web_addresses(app, client, people):
    thread_id = make_thread(app, people.asker)
    login(client, people.agent)  # new members cannot post pictures yet (test_moderation.py)
    body = (
        f"![bell]({PREFIX}/notifications/1) ![share](//localhost{PREFIX}/p/1?s=abc) "
        "![screenshot](https://img.example.com/error.png)"
    )
    post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/t/{thread_id}/answer", {"body": body})
    page = client.get(f"{PREFIX}/t/{thread_id}").text
    assert '<img src="https://img.example.com/error.png" alt="screenshot">' in page
    assert f"{PREFIX}/notifications/1" not in page and "?s=abc" not in page
    assert '<img alt="bell">' in page


def test_a_like_pressed_after_the_session_ended_sends_the_page_to_the_login_page(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart it.")])
    page = f"http://localhost{PREFIX}/t/{thread_id}/outlook-will-not-open-today"
    response = client.post(f"{PREFIX}/p/2/like", headers={**HX, "HX-Current-URL": page})
    assert response.status_code == 401
    assert (
        response.headers["HX-Redirect"]
        == f"/login?next=%2Fhelp%2Fcommunity%2Ft%2F{thread_id}%2Foutlook-will-not-open-today"
    )
    assert response.text == ""
    elsewhere = client.post(f"{PREFIX}/p/2/like", headers={**HX, "HX-Current-URL": "https://evil.example/x"})
    assert "evil.example" not in elsewhere.headers["HX-Redirect"]
    plain = client.post(f"{PREFIX}/p/2/like")  # without htmx: the host's usual login redirect
    assert plain.status_code == 302 and plain.location.startswith("/login")


def test_a_refused_token_on_an_htmx_button_answers_with_one_sentence(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Restart it.")])
    login(client, people.asker)
    csrf_token(client, f"{PREFIX}/t/{thread_id}")
    response = client.post(f"{PREFIX}/p/2/like", data={"csrf_token": "stale"}, headers=HX)
    assert response.status_code == 400
    assert "<html" not in response.text and "<h1" not in response.text
    assert "Please reload the page and try again." in response.text


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\t/evil.example",
        "/%09/evil.example".replace("%09", "\t"),
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "evil.example",
        "/\n/evil.example",
        "",
        None,
    ],
)
def test_safe_next_refuses_every_way_out_of_the_site(target):
    assert safe_next(target, "/home") == "/home"


def test_safe_next_keeps_paths_on_this_site():
    assert safe_next("/community/t/5?page=2#post-9", "/") == "/community/t/5?page=2#post-9"


def test_the_demo_login_and_the_forums_own_redirects_stay_on_the_site(tmp_path, app, client, people):
    from examples.portal.app import create_app
    from examples.portal.app import db as demo_db

    demo = create_app(f"sqlite:///{tmp_path / 'demo.db'}", TESTING=True, WTF_CSRF_ENABLED=False)
    with demo.app_context():
        demo_db.create_all()
        from examples.portal.app import Account

        demo_db.session.add(Account(username="ana", display_name="Ana", job="", role="", email="ana@example.com"))
        demo_db.session.commit()
    signed_in = demo.test_client().post("/login?next=/%09/evil.example", data={"username": "ana", "password": "demo"})
    assert signed_in.status_code == 302 and signed_in.location == "/"

    thread_id = make_thread(app, people.asker)
    login(client, people.helper)
    token = csrf_token(client, f"{PREFIX}/t/{thread_id}")
    followed = client.post(
        f"{PREFIX}/follow/thread/{thread_id}",
        data={"csrf_token": token, "level": "watching", "next": "//evil.example"},
        headers={"Referer": "https://evil.example/"},
    )
    assert followed.status_code == 302 and "evil" not in followed.location
    from helpers import forum_user

    from forum import get_state
    from forum.notifications import announcements

    with app.app_context():
        found = announcements.publish(
            get_state(app), forum_user(app, people.agent), kind="outage", title="VPN is down", body="We are on it."
        )
        announcement_id = found.id
    dismissed = client.post(
        f"{PREFIX}/announcements/{announcement_id}/dismiss",
        data={"csrf_token": token},
        headers={"Referer": "https://evil.example/"},
    )
    assert dismissed.status_code == 302 and dismissed.location == f"{PREFIX}/"
    back_here = client.post(
        f"{PREFIX}/announcements/{announcement_id}/dismiss",
        data={"csrf_token": token},
        headers={"Referer": f"http://localhost{PREFIX}/t/{thread_id}"},
    )
    assert back_here.location == f"{PREFIX}/t/{thread_id}"
