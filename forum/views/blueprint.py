"""The forum's one blueprint, the URL converter for ids, and the check every request passes first.

In a module of its own so the view modules can import the blueprint without a circle.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from flask.blueprints import BlueprintSetupState
from werkzeug.exceptions import BadRequest
from werkzeug.routing import BaseConverter

from .. import i18n
from ..i18n import lazy_gettext as _l
from ..models import transactions
from ..models.base import as_id

blueprint = Blueprint(
    "forum",
    __name__,
    template_folder="../templates",
    static_folder="../static",
    static_url_path="/static",
)


class IdConverter(BaseConverter):
    """``<forum_id:thread_id>``: an id of the forum's tables.

    Anything else in that place (a word, a sign, a number past the columns' range) becomes 0, an id no row has,
    so the view says "we could not find that" in the forum's own words instead of the host's bare 404.
    """

    regex = r"[^/]+"
    weight = 50

    def to_python(self, value: str) -> int:
        return as_id(value) or 0

    def to_url(self, value: Any) -> str:
        return str(int(value))


def _add_converter(setup: BlueprintSetupState) -> None:
    setup.app.url_map.converters.setdefault("forum_id", IdConverter)


blueprint.record_once(_add_converter)  # first, so the routes below can use it
blueprint.after_request(transactions.commit_if_read_only)  # first, so that it runs after every other one


class InvisibleCharacter(BadRequest):
    """Text with a NUL byte: no database column can hold it, so nothing past this point should see it."""

    description = _l(
        "Something you sent contains an invisible character we cannot store. Please retype it and try again."
    )


def _has_nul(values: Any) -> bool:
    return any("\x00" in key or any("\x00" in v for v in values.getlist(key)) for key in values)


@blueprint.before_request
def refuse_invisible_characters() -> None:
    """One check for NUL bytes in the address, the query and the form, instead of one in every view."""
    if "\x00" in request.path or _has_nul(request.args):
        raise InvisibleCharacter()
    if request.method in ("POST", "PUT", "PATCH") and request.mimetype != "application/json" and _has_nul(request.form):
        raise InvisibleCharacter()


@blueprint.after_request
def say_language(response: Response) -> Response:
    """Pages differ by the browser's languages: shared caches must keep them apart, and readers learn which."""
    if request.endpoint == "forum.static":
        return response
    response.vary.add("Accept-Language")
    response.headers.setdefault("Content-Language", i18n.page_language())
    return response
