"""Every API error is an RFC 9457 problem: JSON with a plain-English ``detail`` that says what to do next."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Response, jsonify
from flask_wtf.csrf import CSRFError
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from ..errors import ForumError
from ..i18n import _
from ..i18n import lazy_gettext as _l
from ..views.blueprint import InvisibleCharacter
from ..views.common import CSRF_MESSAGE, FRIENDLY, retry_headers
from .operations import api

FRIENDLY_API = {
    **FRIENDLY,
    401: _l("Please sign in, or send a personal access token in the header: Authorization: Bearer <token>."),
    404: _l("There is nothing at this address. The list of addresses is at openapi.json."),
    405: _l("This address does not take that method. The list of addresses and their methods is at openapi.json."),
    415: _l("Please send JSON, with the header Content-Type: application/json."),
    500: _l("Something went wrong on our side. Please try again in a minute."),
}


def problem(status: int, detail: str, errors: dict[str, list[str]] | None = None, headers: Any = None) -> Response:
    """A problem details answer."""
    body: dict[str, Any] = {"type": "about:blank", "title": _title(status), "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    response.headers["Cache-Control"] = "no-store"
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="forum"'  # not translated: an HTTP header
    response.headers.update(headers or {})
    return response


def _title(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


@api.errorhandler(ForumError)
def forum_error(error: ForumError) -> Response:
    """The services' own words; a field's message is also listed under that field."""
    errors = {error.field: [error.message]} if error.field else None
    return problem(error.status, error.message, errors, retry_headers(error))


@api.errorhandler(ValidationError)
def invalid(error: ValidationError) -> Response:
    """Fields that did not pass their schema, each with its reasons."""
    messages = error.messages if isinstance(error.messages, dict) else {"_schema": error.messages}
    errors = {str(k): _flat(v) for k, v in messages.items()}
    names = ", ".join(sorted(k for k in errors if not k.startswith("_")))
    detail = (
        _("Please check %(fields)s: the errors list says what is wrong.", fields=names)
        if names
        else _("Please check what you sent.")
    )
    return problem(422, detail, errors)


def _flat(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [f"{k}: {m}" for k, v in value.items() for m in _flat(v)]
    if isinstance(value, list):
        return [m for v in value for m in _flat(v)]
    return [str(value)]


@api.errorhandler(CSRFError)
def csrf_error(error: CSRFError) -> Response:
    return problem(400, CSRF_MESSAGE)


@api.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    detail = error.description if isinstance(error, InvisibleCharacter) else FRIENDLY_API.get(status)
    return problem(status, detail or FRIENDLY_API[500])
