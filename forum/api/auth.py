"""Who is calling the API: a personal access token in the Authorization header, else the host's sign-in cookie."""

from __future__ import annotations

from flask import g, request

from .. import members
from ..i18n import _
from ..views.common import state, viewer
from . import tokens
from .operations import api


@api.before_request
def identify() -> None:
    """A token, when sent, decides alone (a bad one is refused, never ignored); without one, the session."""
    header = request.headers.get("Authorization")
    if header is None:
        person = viewer()
        g.forum_api_by = "session" if person else None
        g.forum_api_scopes = frozenset(tokens.SCOPES) if person else frozenset()
        return
    scheme, _space, secret = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise tokens.NotSignedIn(_("Send your token in the header like this: Authorization: Bearer <token>."))
    token, owner = tokens.authenticate(state(), secret.strip())
    g.forum_viewer, g.forum_unread = members.signed_in(state(), owner)
    g.forum_api_by, g.forum_api_scopes = "token", token.scope_set
