"""On a phone's home screen: the web app manifest, the service worker, and the page shown without a connection."""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path
from typing import Any

from flask import Response, current_app, jsonify, request, url_for

from ..i18n import _
from .blueprint import blueprint
from .common import fixed_url, links, render, state, viewer

SERVICE_WORKER = Path(__file__).resolve().parent.parent / "static" / "forum" / "sw.js"


def _worker_source() -> bytes:
    """The service worker's file, read once per app."""
    return bytes(state().once("sw-source", SERVICE_WORKER.read_bytes))


@blueprint.get("/manifest.webmanifest")
def manifest() -> Response:
    """What a phone needs to add the community to its home screen."""
    prefix = links().prefix
    icons = [
        {
            "src": url_for("forum.static", filename=f"forum/icon-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": "any maskable",
        }
        for size in (192, 512)
    ]
    title = str(state().setting("FORUM_TITLE"))
    response = jsonify(
        {
            "name": title,
            "short_name": title[:12],
            "description": _("Ask your colleagues and the IT team, and find what solved it for others."),
            "id": f"{prefix}/",
            "start_url": f"{prefix}/",
            "scope": f"{prefix}/",
            "display": "standalone",
            "background_color": "#ffffff",
            "theme_color": "#0b5cad",
            "icons": icons,
        }
    )
    response.mimetype = "application/manifest+json"
    return response


@blueprint.get("/sw.js")
def service_worker() -> Response:
    """The service worker, served under the forum's address so that its scope is the whole forum."""
    response = Response(_worker_source(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"  # a new version reaches phones on their next visit
    return response


@blueprint.app_template_global("forum_service_worker")
def service_worker_url() -> str:
    """The worker's address, naming its version (a changed file is a new version) and how many pages it keeps."""
    keep = int(state().setting("FORUM_OFFLINE_PAGES") or 0)
    if keep <= 0:
        return ""
    version = state().once("sw-version", lambda: hashlib.sha256(_worker_source()).hexdigest()[:10])
    return fixed_url("forum.service_worker", keep=keep, v=version)


@blueprint.get("/offline")
def offline() -> Any:
    """Shown by the service worker when there is no connection and no kept copy of the page asked for."""
    return render("forum/offline.html")


def viewer_tag() -> str:
    """Who a page was made for, as the service worker sees it: a keyed hash (never the id itself), or "guest"."""
    person = viewer()
    if person is None:
        return "guest"
    key = str(current_app.config.get("SECRET_KEY") or "").encode()
    return hmac.new(key, f"forum-viewer:{person.id}".encode(), hashlib.sha256).hexdigest()[:20]


@blueprint.after_request
def tell_the_service_worker_who(response: Response) -> Response:
    """Kept copies on a device belong to one person; a page for anyone else makes the worker forget them."""
    if response.mimetype == "text/html" and request.method == "GET":
        response.headers.setdefault("X-Forum-Viewer", viewer_tag())
    return response
