"""The mounting contract: a host portal adds the forum in a few lines, with its own users, layout and login."""

from __future__ import annotations

import html

import pytest
import sqlalchemy as sa
from flask import Flask
from flask_login import UserMixin
from flask_sqlalchemy import SQLAlchemy
from helpers import PREFIX, csrf_token, login
from hostapp import Member, create_app, db

from forum import Forum, UserAdapter


def test_forum_is_mounted_under_the_hosts_prefix_inside_the_hosts_layout(client, people):
    page = client.get(f"{PREFIX}/")
    assert page.status_code == 200
    assert '<div id="host-banner">Acme self-service portal</div>' in page.text
    assert "<title>Latest questions · Community help | Acme portal</title>" in html.unescape(page.text)
    assert f'href="{PREFIX}/static/forum/forum.css"' in page.text
    assert f'src="{PREFIX}/static/forum/htmx.min.js"' in page.text
    assert client.get("/community/").status_code == 404
    assert client.get(f"{PREFIX}/static/forum/forum.css").status_code == 200


def test_guests_read_but_posting_sends_them_to_the_hosts_login_and_back(client, people):
    assert client.get(f"{PREFIX}/").status_code == 200
    response = client.get(f"{PREFIX}/ask")
    assert response.status_code == 302
    assert response.location.startswith("/login?next=")
    assert "%2Fhelp%2Fcommunity%2Fask" in response.location
    back = client.post(response.location, data={"key": people.asker.key})
    assert back.status_code == 302 and back.location.endswith(f"{PREFIX}/ask")
    assert "Ask a question" in client.get(back.location).text


def test_posting_through_the_hosts_login_uses_the_hosts_string_user_key(app, client, people):
    login(client, people.asker)
    token = csrf_token(client, f"{PREFIX}/ask")
    response = client.post(
        f"{PREFIX}/ask",
        data={
            "csrf_token": token,
            "title": "Printer on floor 2 is offline",
            "category_id": "1",
            "body": "It says offline.",
        },
    )
    assert response.status_code == 302
    page = client.get(response.location)
    assert "Printer on floor 2 is offline" in page.text
    assert "Ana Asker" in page.text
    with app.app_context():
        Thread = app.extensions["forum"].models.Thread
        assert db.session.scalar(sa.select(Thread.author_id)) == people.asker.key


def test_a_template_the_host_puts_in_templates_forum_wins(database_url, people):
    override = {"forum/partials/_bar.html": '<nav id="host-made-bar">Our own forum bar</nav>'}
    app = create_app(database_url, templates=override)
    with app.app_context():
        db.create_all()
    page = app.test_client().get(f"{PREFIX}/")
    assert '<nav id="host-made-bar">Our own forum bar</nav>' in page.text
    assert "Ask a question" not in page.text


def test_a_layout_with_other_block_names_needs_one_small_override(database_url, people):
    layout = (
        "<html><head><title>{% block page_title %}{% endblock %}</title>{% block extra_head %}{% endblock %}</head>"
        "<body><main-area>{% block main %}{% endblock %}</main-area>{% block js %}{% endblock %}</body></html>"
    )
    bridge = (
        "{% extends forum_base_template %}"
        "{% block page_title %}{% block forum_page_title %}{% endblock %}{% endblock %}"
        '{% block extra_head %}{% include "forum/partials/_head.html" %}{% endblock %}'
        "{% block main %}{% block forum_content %}{% endblock %}{% endblock %}"
        '{% block js %}{% include "forum/partials/_scripts.html" %}{% endblock %}'
    )
    app = create_app(
        database_url,
        templates={"other_layout.html": layout, "forum/_base.html": bridge},
        FORUM_BASE_TEMPLATE="other_layout.html",
    )
    with app.app_context():
        db.create_all()
    page = app.test_client().get(f"{PREFIX}/")
    assert page.status_code == 200
    assert "<title>Latest questions</title>" in page.text
    assert "<main-area>" in page.text and "Latest questions</h1>" in page.text
    assert "htmx.min.js" in page.text and "forum.css" in page.text


def test_setting_up_twice_is_refused_with_the_fix_in_the_message(app):
    with pytest.raises(RuntimeError, match="only once per app"):
        Forum(app, db=db, user_model=Member)


def test_missing_database_or_model_is_explained():
    app = Flask("x")
    with pytest.raises(TypeError, match="Forum\\(db=db, user_model=User\\)"):
        Forum(app)
    with pytest.raises(RuntimeError, match="db.init_app\\(app\\) before forum.init_app"):
        Forum(app, db=db, user_model=Member)


def test_a_composite_user_key_is_refused_clearly():
    other = SQLAlchemy()

    class Pair(UserMixin, other.Model):  # type: ignore[name-defined,misc]
        __tablename__ = "pair_people"
        a = sa.Column(sa.Integer, primary_key=True)
        b = sa.Column(sa.Integer, primary_key=True)

    app = Flask("x")
    app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
    other.init_app(app)
    with pytest.raises(TypeError, match="single-column primary key"):
        Forum(app, db=other, user_model=Pair)


def test_two_apps_in_one_process_each_have_their_own_prefix_and_state(database_url, people):
    first = create_app(database_url, FORUM_URL_PREFIX="/one", FORUM_TITLE="First desk")
    second = create_app(database_url, FORUM_URL_PREFIX="/two", FORUM_TITLE="Second desk")
    with first.app_context():
        db.create_all()
    assert "First desk" in first.test_client().get("/one/").text
    assert "Second desk" in second.test_client().get("/two/").text
    assert first.test_client().get("/two/").status_code == 404
    assert first.extensions["forum"] is not second.extensions["forum"]


def test_the_user_adapter_defaults_work_on_a_model_with_no_presentation_attributes():
    bare_db = SQLAlchemy()

    class Bare(UserMixin, bare_db.Model):  # type: ignore[name-defined,misc]
        __tablename__ = "bare_people"
        id = sa.Column(sa.Integer, primary_key=True)

    adapter = UserAdapter()
    adapter.bind(bare_db, Bare)
    person = adapter.to_forum_user(Bare(id=7))
    assert (person.id, person.name, person.email, person.avatar_url) == (7, "User 7", None, None)
    assert not person.is_agent and not person.is_admin and person.initials == "U7"


def test_the_host_adapter_reads_names_and_roles_from_common_attributes(app, people):
    with app.app_context():
        users = app.extensions["forum"].users
        agent = users.to_forum_user(db.session.get(Member, people.agent.key))
        admin = users.to_forum_user(db.session.get(Member, people.admin.key))
        many = users.get_many([people.asker.key, people.helper.key, "nobody-with-this-key"])
    assert agent.name == "Dana Desk" and agent.is_agent and not agent.is_admin and agent.is_moderator
    assert admin.is_admin and admin.is_moderator
    assert many[people.asker.key].name == "Ana Asker" and many[people.helper.key].email == "hugo@example.com"
    assert many["nobody-with-this-key"].name == "Former member"


def test_forum_pages_forbid_inline_script(client):
    policy = client.get(f"{PREFIX}/").headers["Content-Security-Policy"]
    script_src = next(part for part in policy.split(";") if part.strip().startswith("script-src"))
    assert "'self'" in script_src
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "object-src 'none'" in policy


def test_htmx_is_configured_without_eval_or_script_tags(client):
    page = client.get(f"{PREFIX}/").text
    assert '"allowEval": false' in page and '"allowScriptTags": false' in page


def test_the_fast_link_builder_agrees_with_url_for(app):
    from types import SimpleNamespace

    from flask import url_for

    from forum.views.common import links

    thread = SimpleNamespace(id=7, title="Wi-Fi drops on floor 3!")
    with app.test_request_context("/"):
        built = links()
        assert built.post(5) == url_for("forum.post", post_id=5)
        assert built.edit(5) == url_for("forum.edit", post_id=5)
        assert built.history(5) == url_for("forum.history", post_id=5)
        assert built.delete(5) == url_for("forum.delete", post_id=5)
        assert built.restore(5) == url_for("forum.restore", post_id=5)
        assert built.profile("7f0c 42") == url_for("forum.profile", user_id="7f0c 42")
        assert built.thread(thread) == url_for("forum.thread", thread_id=7, slug="wi-fi-drops-on-floor-3")
        assert built.category("email-calendar") == url_for("forum.category", slug="email-calendar")
        assert built.tag("c#") == url_for("forum.tag", name="c#")


def test_the_demo_keeps_an_outdated_database_aside_and_starts_a_fresh_one(tmp_path):
    import sqlite3

    from examples.portal.__main__ import set_aside_if_outdated
    from examples.portal.app import create_app
    from examples.portal.app import db as portal_db

    path = tmp_path / "demo.db"
    app = create_app(f"sqlite:///{path}")
    with app.app_context():
        portal_db.create_all()
        portal_db.engine.dispose()
    set_aside_if_outdated(app)
    assert path.exists() and not list(tmp_path.glob("*.old"))  # up to date: left alone
    with sqlite3.connect(path) as old:
        old.execute("ALTER TABLE forum_thread DROP COLUMN version")  # as an older version made it
    set_aside_if_outdated(app)
    kept = list(tmp_path.glob("demo.db.*.old"))
    assert len(kept) == 1 and not path.exists()
    with sqlite3.connect(kept[0]) as old:
        assert old.execute("SELECT count(*) FROM forum_thread").fetchone() == (0,)  # nothing thrown away


def test_the_demo_keeps_guest_pages_for_the_next_guest_and_its_language_switch_still_works(tmp_path):
    from examples.portal.app import create_app
    from examples.portal.app import db as portal_db

    app = create_app(f"sqlite:///{tmp_path / 'demo.db'}")
    with app.app_context():
        portal_db.create_all()
    guest = app.test_client()
    for path in ("/community/", "/community/"):  # the second comes from the kept page
        page = guest.get(path)
        assert page.status_code == 200 and "Set-Cookie" not in page.headers  # no token, no session of its own
        assert page.headers["Cache-Control"] == "public, max-age=0, s-maxage=10"
    assert 'action="/language"' in page.text and "csrf_token" not in page.text
    switched = guest.get("/language?language=de&next=/community/")
    assert switched.status_code == 302 and switched.headers["Location"].endswith("/community/")
    german = guest.get("/community/")
    assert '<html lang="de"' in german.text and "public" not in german.headers.get("Cache-Control", "")
    with app.app_context():
        portal_db.engine.dispose()
