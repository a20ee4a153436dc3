"""The OpenAPI document: it validates, lists every route the API has, and every answer matches what it says."""

from __future__ import annotations

import re

import pytest
from helpers import PREFIX, csrf_token, index_search, login, make_thread
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from test_api import API, bearer, make_token

#: The API's own pages, which are not operations on the community.
NOT_OPERATIONS = {"forum.api.openapi", "forum.api.docs", "forum.api.not_here"}


def checker(document):
    """Validates a body against one of the document's schemas, resolving its references inside the document."""
    registry = Registry().with_resource("urn:openapi", Resource(contents=document, specification=DRAFT202012))

    def check(schema, body):
        reference = schema["$ref"] if "$ref" in schema else None
        target = {"$ref": f"urn:openapi{reference}"} if reference else schema
        Draft202012Validator(target, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER).validate(
            body
        )

    return check


def test_the_document_is_valid_openapi_31_and_lists_every_route(app, client):
    document = client.get(f"{API}/openapi.json").get_json()
    validate(document)
    assert document["openapi"] == "3.1.0"
    assert document["servers"] == [{"url": f"http://localhost{API}"}]
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("forum.api.") and rule.endpoint not in NOT_OPERATIONS:
            path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule.removeprefix(API))
            routes |= {(path, method.lower()) for method in rule.methods - {"HEAD", "OPTIONS"}}
    documented = {(path, method) for path, methods in document["paths"].items() for method in methods}
    assert routes == documented and len(routes) >= 20
    for methods in document["paths"].values():
        for described in methods.values():
            assert described["summary"].endswith(".") and described["security"]


def test_the_docs_page_lists_every_operation_in_plain_words(client):
    document = client.get(f"{API}/openapi.json").get_json()
    page = client.get(f"{API}/docs")
    assert page.status_code == 200 and "Authorization: Bearer" in page.text
    for methods in document["paths"].values():
        for described in methods.values():
            assert f'id="{described["operationId"]}"' in page.text


def seed(app, people):
    """A thread with answers, and tokens for an asker, a helper and an agent (with admin rights)."""
    thread_id = make_thread(
        app,
        people.asker,
        title="Printer jams on floor 3",
        body="Paper is stuck again.",
        answers=[(people.helper, "Open tray 2 and pull gently."), (people.agent, "We ordered a new roller.")],
    )
    index_search(app)
    return {
        "thread": thread_id,
        "asker": make_token(app, people.asker),
        "helper": make_token(app, people.helper),
        "agent": make_token(app, people.agent, scopes=["read", "write", "admin"]),
        "helper_key": people.helper.key,
    }


def session_clients(app, c, people):
    """For each token's owner, a browser-like client signed in as them, and the CSRF header its page gives."""
    owners = {c["asker"]: people.asker, c["helper"]: people.helper, c["agent"]: people.agent}
    clients = {}
    for secret, member in owners.items():
        signed_in = app.test_client()
        login(signed_in, member)
        clients[secret] = (signed_in, {"X-CSRFToken": csrf_token(signed_in, f"{PREFIX}/tokens")})
    return clients


def requests_for(c):
    """One real call for each operation, in an order where each finds what it needs."""
    t, asker, helper, agent = c["thread"], c["asker"], c["helper"], c["agent"]
    return {
        "list_threads": ("get", "/threads?limit=1", asker, None),
        "ask": (
            "post",
            "/threads",
            asker,
            {"title": "Laptop will not charge", "body": "The light stays off.", "category_id": 1},
        ),
        "read_thread": ("get", f"/threads/{t}?limit=1", None, None),
        "answer": ("post", f"/threads/{t}/answers", helper, {"body": "Try another socket first."}),
        "like": ("put", "/posts/2/like", asker, None),
        "unlike": ("delete", "/posts/2/like", asker, None),
        "save": ("put", f"/threads/{t}/favourite", helper, None),
        "favourites": ("get", "/favourites", helper, None),
        "unsave": ("delete", f"/threads/{t}/favourite", helper, None),
        "accept": ("put", f"/threads/{t}/accepted", asker, {"post_id": 2}),
        "unaccept": ("delete", f"/threads/{t}/accepted", asker, None),
        "follow": ("put", f"/threads/{t}/following", helper, {"level": "watching"}),
        "ticket": ("get", f"/threads/{t}/ticket", asker, None),
        "ask_it_team": ("post", f"/threads/{t}/ticket", asker, None),
        "search": ("get", "/search?q=printer", None, None),
        "suggest": ("get", "/suggestions?title=printer+jams", helper, None),
        "list_notifications": ("get", "/notifications?limit=1", asker, None),
        "read_all": ("post", "/notifications/read", asker, None),
        "publish": (
            "post",
            "/announcements",
            agent,
            {"kind": "maintenance", "title": "Printers are serviced on Friday", "body": "From 9 to 11."},
        ),
        "list_announcements": ("get", "/announcements", None, None),
        "board": ("get", "/leaderboard?period=all", None, None),
        "person": ("get", f"/people/{c['helper_key']}", None, None),
        "whoami": ("get", "/me", agent, None),
    }


@pytest.mark.parametrize("auth", ["token", "session"])
def test_every_documented_operation_answers_as_the_document_says(people_factory, auth):
    """Each operation once, as a bot with a token and as a signed-in page with its cookie and CSRF header."""
    from plugin_api.desk import MemoryDesk

    app, client, people = people_factory(FORUM_DESK_CONNECTOR=MemoryDesk({"queue": "Service Desk"}))
    c = seed(app, people)
    sessions = session_clients(app, c, people) if auth == "session" else {}
    document = client.get(f"{API}/openapi.json").get_json()
    check = checker(document)
    calls = requests_for(c)
    operations = {
        described["operationId"]: (path, method, described)
        for path, methods in document["paths"].items()
        for method, described in methods.items()
    }
    assert set(calls) == set(operations), "every documented operation is called once here"
    for name, (method, address, secret, body) in calls.items():
        path, documented_method, described = operations[name]
        assert method == documented_method, name
        caller, headers = client, bearer(secret) if secret else {}
        if auth == "session":
            caller, headers = sessions[secret] if secret else (app.test_client(), {})
        kwargs = {"headers": headers}
        if body is not None:
            kwargs["json"] = body
        response = getattr(caller, method)(f"{API}{address}", **kwargs)
        (status, answer), *_ = ((s, a) for s, a in described["responses"].items() if s.startswith("2"))
        assert response.status_code == int(status), (name, response.text)
        if "content" in answer:
            check(answer["content"]["application/json"]["schema"], response.get_json())
    refused = client.get(f"{API}/threads/not-a-number")
    check({"$ref": "#/components/schemas/Problem"}, refused.get_json())
    assert refused.status_code == 404


def test_the_api_sits_under_the_hosts_path_prefix(app, people):
    from werkzeug.exceptions import NotFound
    from werkzeug.middleware.dispatcher import DispatcherMiddleware

    app.wsgi_app = DispatcherMiddleware(NotFound(), {"/portal": app.wsgi_app})  # SCRIPT_NAME=/portal
    thread_id = make_thread(app, people.asker)
    client = app.test_client()
    document = client.get(f"/portal{API}/openapi.json").get_json()
    assert document["servers"] == [{"url": f"http://localhost/portal{API}"}]
    read = client.get(f"/portal{API}/threads/{thread_id}").get_json()
    assert read["url"] == f"http://localhost/portal{PREFIX}/t/{thread_id}/outlook-will-not-open-today"
    assert read["author"]["url"].startswith(f"http://localhost/portal{PREFIX}/u/")
    docs = client.get(f"/portal{API}/docs").text
    assert f"http://localhost/portal{API}/threads?solved=solved" in docs
