"""Where people go and how they got here: safe "go back" addresses, real page opens, and signing in from htmx.

Three small rules each view would otherwise repeat: never redirect to another site, count nothing for an
image or a prefetch (only a person opening a page), and never swap a login page into a button.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit

import flask_login
from flask import Response, abort, current_app, request
from flask_login import current_user, login_url
from flask_login.config import EXEMPT_METHODS

from .common import htmx

F = TypeVar("F", bound=Callable[..., Any])


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site, else ``default``: never another site (an open redirect).

    Refuses full and scheme-relative addresses (``//evil.example``), backslashes (some browsers read ``/\\``
    as ``//``) and control characters (``/%09/evil.example`` becomes ``//evil.example`` once the tab is dropped).
    """
    if not target or not target.startswith("/") or "\\" in target:
        return default
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or target.startswith("//"):
        return default
    return target


def same_site_path(address: str | None) -> str | None:
    """The path and query of a full address on this site (a Referer, htmx's current URL), else None."""
    if not address:
        return None
    parts = urlsplit(address)
    if parts.netloc and parts.netloc != request.host:
        return None
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(path, "") or None


def back(default: str) -> str:
    """Where to go after a small change: the form's ``next``, else the page it was on, if either is ours."""
    return safe_next(request.form.get("next"), "") or same_site_path(request.referrer) or default


def is_page_open() -> bool:
    """True when a person opened this address as a page, not when an image, a frame or a prefetch asked for it.

    Browsers send Fetch Metadata (``Sec-Fetch-Dest: document``, ``Sec-Fetch-Mode: navigate``); for those that
    do not, a page load asks for HTML first, while an ``<img>`` never does.
    """
    if request.headers.get("Sec-Purpose") or request.headers.get("Purpose") == "prefetch":
        return False
    dest, mode = request.headers.get("Sec-Fetch-Dest"), request.headers.get("Sec-Fetch-Mode")
    if dest is not None or mode is not None:
        return dest == "document" and mode == "navigate"
    return "text/html" in request.headers.get("Accept", "")


def _signed_out_htmx() -> Response:
    """A button pressed after the session ended: send the whole page to the login page, then back here."""
    manager = getattr(current_app, "login_manager", None)
    view = getattr(manager, "login_view", None)
    if not view:
        abort(401)
    here = same_site_path(request.headers.get("HX-Current-URL")) or same_site_path(request.referrer)
    response = Response("", status=401)
    response.headers["HX-Redirect"] = login_url(view, next_url=here or request.script_root + "/")
    return response


def login_required(view: F) -> F:
    """Flask-Login's ``login_required``; an htmx request from someone signed out gets ``HX-Redirect`` instead.

    Without it, htmx would swap the host's whole login page into the button that was pressed.
    """
    guarded = flask_login.login_required(view)

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if (
            htmx
            and request.method not in EXEMPT_METHODS
            and not current_app.config.get("LOGIN_DISABLED")
            and not current_user.is_authenticated
        ):
            return _signed_out_htmx()
        return guarded(*args, **kwargs)

    return cast(F, wrapped)
