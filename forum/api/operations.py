"""One decorator registers an API operation: its route, who may call it, and the schemas that check its input
and describe its answer. The OpenAPI document is read off the same list, so it lists exactly what runs."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request
from flask_wtf.csrf import validate_csrf
from marshmallow import Schema
from wtforms import ValidationError

from ..errors import ForumError, NotAllowed
from ..i18n import _
from ..i18n import lazy_gettext as _l
from ..models.base import has_nul
from ..views.blueprint import InvisibleCharacter
from ..views.common import csrf_enabled, viewer
from .tokens import NotSignedIn

api = Blueprint("api", __name__, url_prefix="/api/v1")

#: What each scope lets a token do, for the refusal's words.
#: What a token without the scope may not do, as whole sentences.
SCOPE_REFUSALS = {
    "read": _l("This token may not read. Make a token with the read scope on your profile page."),
    "write": _l(
        "This token may not ask, answer or change things. Make a token with the write scope on your profile page."
    ),
    "admin": _l("This token may not do the IT team's work. Make a token with the admin scope on your profile page."),
}
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SIGN_IN = _l("Please sign in, or send a personal access token in the header: Authorization: Bearer <token>.")


@dataclass(frozen=True)
class Operation:
    """One method on one address, as the OpenAPI document describes it."""

    method: str
    rule: str
    endpoint: str
    summary: str
    description: str
    tag: str
    scope: str
    signed_in: bool
    query: type[Schema] | None
    body: type[Schema] | None
    response: type[Schema] | None
    status: int

    @property
    def path(self) -> str:
        """The rule in OpenAPI's words: ``/threads/<forum_id:thread_id>`` is ``/threads/{thread_id}``."""
        return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", self.rule)

    @property
    def path_ids(self) -> list[str]:
        """Path parameters that are ids (all others are text)."""
        return re.findall(r"<forum_id:([^<>]+)>", self.rule)


OPERATIONS: list[Operation] = []


def operation(
    method: str,
    rule: str,
    *,
    tag: str,
    response: type[Schema] | None,
    status: int = 200,
    query: type[Schema] | None = None,
    body: type[Schema] | None = None,
    scope: str | None = None,
    signed_in: bool | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register ``view`` at ``rule``; it gets the checked ``query`` and ``body`` and returns JSON values shaped as
    ``response`` describes (``forum.api.shapes`` makes them; the tests check each against the document).

    Reads need the ``read`` scope and writes ``write``; writes, and ``signed_in`` reads, refuse guests.
    """
    writes = method not in SAFE_METHODS
    needed = scope or ("write" if writes else "read")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        summary, _break, description = (view.__doc__ or "").strip().partition("\n")
        op = Operation(
            method=method,
            rule=rule,
            endpoint=view.__name__,
            summary=summary.strip(),
            description=description.strip(),
            tag=tag,
            scope=needed,
            signed_in=(writes or needed == "admin") if signed_in is None else signed_in,
            query=query,
            body=body,
            response=response,
            status=status,
        )

        @functools.wraps(view)
        def run(**path: Any) -> Any:
            allow(op)
            if query is not None:
                path["query"] = query().load(request.args.to_dict())
            if body is not None:
                path["body"] = body().load(json_body())
            result = view(**path)
            if response is None:
                return Response(status=status)
            return jsonify(result), status, {"Cache-Control": "no-store"}

        api.add_url_rule(rule, endpoint=view.__name__, view_func=run, methods=[method])
        OPERATIONS.append(op)
        return run

    return decorate


def allow(op: Operation) -> None:
    """Refuse a guest where a person is needed, a token without the scope, and a cookie call without its CSRF token."""
    person = viewer()
    if person is None:
        if op.signed_in:
            raise NotSignedIn(SIGN_IN)
        return
    if op.scope not in g.get("forum_api_scopes", frozenset()):
        raise NotAllowed(str(SCOPE_REFUSALS[op.scope]))
    if g.get("forum_api_by") == "session" and request.method not in SAFE_METHODS and csrf_enabled():
        try:
            validate_csrf(request.headers.get("X-CSRFToken") or request.headers.get("X-CSRF-Token"))
        except ValidationError:
            raise NotAllowed(
                _(
                    "Calls made with your sign-in cookie need the page's CSRF token in the X-CSRFToken header. "
                    "Scripts and apps should use a personal access token instead."
                )
            ) from None


def json_body() -> dict[str, Any]:
    """The request's JSON object; anything else is a plain 400 (and a NUL byte, which no column can hold, too)."""
    data = request.get_json(silent=True) if request.is_json else None
    if not isinstance(data, dict):
        raise ForumError(_("Please send a JSON object in the body, with the header Content-Type: application/json."))
    if has_nul(data):
        raise InvisibleCharacter()
    return data


def session_cookie_name() -> str:
    return str(current_app.config.get("SESSION_COOKIE_NAME", "session"))
