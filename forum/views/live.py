"""Live updates: one server-sent event stream per open tab, or the same snapshot as JSON for pages that poll."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify, render_template, request, stream_with_context

from ..errors import NotFound
from ..models import as_id
from ..notifications import live
from .announcements import DISMISSED_COOKIE
from .blueprint import blueprint
from .common import state, viewer

#: Streams held by this process (every app in it shares the count, as they share its threads).
STREAMS = live.Streams()


@blueprint.get("/live")
def live_updates() -> Any:
    """The bell, the thread's answer count and the banners: as a stream, or once as JSON (``?once=1``)."""
    person = viewer()
    thread_id = as_id(request.args.get("thread")) if request.args.get("thread") else None
    if request.args.get("thread") and thread_id is None:
        raise NotFound("We could not find that question. It may have been removed.")
    dismissed = request.cookies.get(DISMISSED_COOKIE, "")

    def read() -> live.Snapshot:
        return live.snapshot(state(), person, thread_id, dismissed)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    cap = int(state().setting("FORUM_LIVE_STREAMS") or 0)
    if request.args.get("once") or not STREAMS.take(cap):
        if not request.args.get("once"):  # full: the page polls instead, and tries a stream again later
            headers["Retry-After"] = "60"
            return Response("Too many live pages are open right now.", 503, headers, mimetype="text/plain")
        response = jsonify(read().__dict__)
        response.headers.update(headers)
        return response
    events = live.stream(
        state(),
        read,
        seconds=float(state().setting("FORUM_LIVE_SECONDS")),
        poll=float(state().setting("FORUM_LIVE_POLL_SECONDS")),
        on_close=STREAMS.give_back,
    )
    return Response(stream_with_context(events), mimetype="text/event-stream", headers=headers)


@blueprint.get("/announcements/banners")
def banners_now() -> Any:
    """The banners as they are now, for a page to show a new announcement without a reload."""
    html = render_template("forum/partials/_announcements.html")
    return html, 200, {"Cache-Control": "no-store"}
