"""The OpenAPI 3.1 document, read off the registered operations and their schemas, and a page that shows it."""

from __future__ import annotations

from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.ext.marshmallow.common import resolve_schema_cls
from flask import current_app, jsonify, request, url_for
from markupsafe import Markup, escape
from werkzeug.exceptions import MethodNotAllowed, NotFound

from ..views.common import render, state
from . import schemas
from .operations import OPERATIONS, Operation, api, session_cookie_name

#: The error answers every operation may give, and when.
ERRORS = {
    "400": "The request could not be read (bad JSON, a bad cursor, or an invisible character).",
    "401": "No valid token or sign-in.",
    "403": "Not allowed: the token lacks the scope, or the person may not do this.",
    "404": "Not found, or not visible to you.",
    "422": "A field did not pass its checks; `errors` lists each.",
    "429": "Too many in too short a time; `Retry-After` says how many seconds to wait.",
}
ABOUT = """The community's questions, answers, points and notices, for apps, chat bots and scripts.

Sign in with a personal access token, made on your profile page, sent as `Authorization: Bearer <token>`.
A token acts as you, within its scopes: `read` for GET, `write` for changes, `admin` for the IT team's actions.
Calls from the portal's own pages may use the sign-in cookie instead, with the CSRF token in `X-CSRFToken`.
Errors are RFC 9457 problem details with a plain-English `detail`. Lists are paged with `next_cursor`."""


def build(server: str) -> dict[str, Any]:
    """The whole document for an API served at ``server``."""
    spec = APISpec(
        title=f"{current_app.config['FORUM_TITLE']} API",
        version="1",
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin(schema_name_resolver=schema_name)],
        info={"description": ABOUT},
        servers=[{"url": server}],
    )
    spec.components.security_scheme(
        "token", {"type": "http", "scheme": "bearer", "description": "A personal access token."}
    )
    spec.components.security_scheme(
        "session", {"type": "apiKey", "in": "cookie", "name": session_cookie_name(), "description": "The portal's."}
    )
    spec.components.schema("Problem", schema=schemas.ProblemOut)  # named here: the error answers refer to it
    for name, text in ERRORS.items():
        spec.components.response(
            name, {"description": text, "content": {"application/problem+json": {"schema": "Problem"}}}
        )
    paths: dict[str, dict[str, Any]] = {}
    for op in OPERATIONS:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    return spec.to_dict()


def schema_name(schema: Any) -> str:
    """``ThreadOut`` is documented as ``Thread`` and ``NewQuestionIn`` as ``NewQuestion``: the suffixes are ours."""
    found = resolve_schema_cls(schema)
    name = (found[0] if isinstance(found, list) else found).__name__
    return str(name).removesuffix("Out").removesuffix("In")


@api.app_template_filter("api_words")
def api_words(text: str) -> Markup:
    """The document's prose for the docs page: `names` in backticks become code."""
    parts = str(escape(text)).split("`")
    return Markup("".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts)))


def _operation(op: Operation) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {
            "in": "path",
            "name": name,
            "required": True,
            "schema": {"type": "integer", "minimum": 1} if name in op.path_ids else {"type": "string"},
        }
        for name in _path_names(op)
    ]
    if op.query is not None:
        parameters.append({"in": "query", "schema": op.query})
    success: dict[str, Any] = {"description": "Done."}
    if op.response is not None:
        success["content"] = {"application/json": {"schema": op.response}}
    described: dict[str, Any] = {
        "operationId": op.endpoint,
        "summary": op.summary,
        "tags": [op.tag],
        "parameters": parameters,
        "responses": {str(op.status): success, **{code: {"$ref": f"#/components/responses/{code}"} for code in ERRORS}},
        "security": _security(op),
    }
    if op.description:
        described["description"] = op.description
    if op.body is not None:
        described["requestBody"] = {"required": True, "content": {"application/json": {"schema": op.body}}}
    return described


def _path_names(op: Operation) -> list[str]:
    return [part[1:-1] for part in op.path.split("/") if part.startswith("{")]


def _security(op: Operation) -> list[dict[str, list[str]]]:
    """A token with the scope, or the session; for public reads, nothing too."""
    ways: list[dict[str, list[str]]] = [{"token": [op.scope]}, {"session": []}]
    return ways if op.signed_in else [*ways, {}]


def document() -> dict[str, Any]:
    """Built once per process and address (the document depends only on the code and where the API is mounted)."""
    server = request.host_url.rstrip("/") + url_for("forum.api.openapi").rsplit("/", 1)[0]
    return state().once(("openapi", server), lambda: build(server))  # type: ignore[no-any-return]


@api.get("/openapi.json")
def openapi() -> Any:
    """The OpenAPI document."""
    return jsonify(document())


@api.get("/docs")
def docs() -> Any:
    """The document as a page people can read."""
    spec = document()
    by_tag: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for path, methods in spec["paths"].items():
        for method, described in methods.items():
            by_tag.setdefault(described["tags"][0], []).append((method.upper(), path, described))
    return render(
        "forum/api_docs.html",
        spec=spec,
        by_tag=by_tag,
        schemas=spec["components"]["schemas"],
        server=spec["servers"][0],
    )


@api.route("/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def not_here(rest: str) -> Any:
    """Any other address under the API: a problem in JSON, not the host's HTML page."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        if method == request.method:
            continue
        try:
            endpoint, _ = adapter.match(method=method)
        except (NotFound, MethodNotAllowed):
            continue
        if endpoint != "forum.api.not_here":
            raise MethodNotAllowed()
    raise NotFound()
