"""Desk admins create, rename and order categories; nobody else can."""

from __future__ import annotations

import html

from helpers import PREFIX, csrf_token, login, post_form


def names_in_order(client):
    page = client.get(f"{PREFIX}/").text
    panel = page.split('id="categories-heading"')[1]
    return [html.unescape(chunk.split("</a>")[0].split(">")[-1]) for chunk in panel.split("<li>")[1:]]


def test_a_fresh_install_has_one_general_category_to_post_in(client):
    assert names_in_order(client) == ["General"]


def test_an_admin_adds_renames_and_reorders_categories(client, people):
    login(client, people.admin)
    url = f"{PREFIX}/admin/categories"
    for name in ("Email & calendar", "VPN & remote access"):
        response = post_form(client, url, url, {"name": name, "description": f"All about {name}"})
        assert response.status_code == 302
    assert names_in_order(client) == ["General", "Email & calendar", "VPN & remote access"]
    assert "All about VPN" in client.get(f"{PREFIX}/c/vpn-remote-access").text

    post_form(client, url, f"{PREFIX}/admin/categories/3/move", {"direction": "up"})
    post_form(client, url, f"{PREFIX}/admin/categories/3/move", {"direction": "up"})
    assert names_in_order(client) == ["VPN & remote access", "General", "Email & calendar"]

    response = post_form(
        client,
        f"{PREFIX}/admin/categories/2",
        f"{PREFIX}/admin/categories/2",
        {"name": "Mail & calendar", "description": ""},
    )
    assert response.status_code == 302
    assert "Mail &amp; calendar" in client.get(f"{PREFIX}/c/email-calendar").text


def test_bad_category_names_are_explained(client, people):
    login(client, people.admin)
    url = f"{PREFIX}/admin/categories"
    assert "Please give the category a name" in post_form(client, url, url, {"name": "  "}).text
    post_form(client, url, url, {"name": "Printers"})
    response = post_form(client, url, url, {"name": "printers"})
    assert response.status_code == 400 and "already a category called" in response.text
    assert names_in_order(client) == ["General", "Printers"]


def test_people_who_are_not_admins_cannot_manage_categories(client, people):
    login(client, people.agent)
    response = client.get(f"{PREFIX}/admin/categories")
    assert response.status_code == 403 and "Only portal admins" in response.text
    token = csrf_token(client, f"{PREFIX}/ask")
    response = client.post(f"{PREFIX}/admin/categories", data={"csrf_token": token, "name": "Sneaky"})
    assert response.status_code == 403
    assert names_in_order(client) == ["General"]
