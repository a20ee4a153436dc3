"""Live updates: one server-sent event stream per open tab, or the same snapshot as JSON for pages that poll."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import Response, jsonify, render_template, request, stream_with_context

from ..errors import NotFound
from ..i18n import _
from ..models import as_id
from ..notifications import live
from .announcements import DISMISSED_COOKIE
from .blueprint import blueprint
from .common import state, viewer

#: Streams held by this process (every app in it shares the count, as they share its threads).
STREAMS = live.Streams()


@blueprint.get("/live")
def live_updates() -> Any:
    """The bell, the thread's answer count and the banners: a stream for ``Accept: text/event-stream`` (what
    ``EventSource`` sends), else the same snapshot once, as JSON."""
    person = viewer()
    thread_id = as_id(request.args.get("thread")) if request.args.get("thread") else None
    if request.args.get("thread") and thread_id is None:
        raise NotFound(_("We could not find that question. It may have been removed."))
    dismissed = request.cookies.get(DISMISSED_COOKIE, "")

    def read() -> live.Snapshot:
        return live.snapshot(state(), person, thread_id, dismissed)

    headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
    if "text/event-stream" not in request.headers.get("Accept", ""):  # a page that polls, or a script
        response = jsonify(asdict(read()))
        response.headers.update(headers)
        return response
    # A stream holds its thread for minutes: only a threaded server (gunicorn's gthread, say) can spare one. A sync
    # worker would be lost to one tab, so there, and when this process holds its most streams, the page polls.
    threaded = bool(request.environ.get("wsgi.multithread"))
    if not threaded or not STREAMS.take(int(state().setting("FORUM_LIVE_STREAMS") or 0)):
        headers["Retry-After"] = "60"
        return Response(_("Too many live pages are open right now."), 503, headers, mimetype="text/plain")
    events = live.stream(
        state(),
        read,
        seconds=float(state().setting("FORUM_LIVE_SECONDS")),
        poll=float(state().setting("FORUM_LIVE_POLL_SECONDS")),
    )
    response = Response(stream_with_context(events), mimetype="text/event-stream", headers=headers)
    response.call_on_close(STREAMS.give_back)  # the server closes every response, even one never read
    return response


@blueprint.get("/announcements/banners")
def banners_now() -> Any:
    """The banners as they are now, for a page to show a new announcement without a reload."""
    html = render_template("forum/partials/_announcements.html")
    return html, 200, {"Cache-Control": "no-store"}
