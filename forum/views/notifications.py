"""A person's notifications page."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, url_for
from flask_login import login_required

from .. import notifications
from ..forms import ActionForm
from . import blueprint
from .common import links, me, page_arg, render, require_token, state, viewer


@blueprint.get("/notifications")
@login_required
def notifications_page() -> Any:
    """Everything that happened that concerns this person, newest first."""
    rows, more = notifications.recent(state(), me(), page=page_arg())
    actors = state().users.get_many(r.actor_id for r in rows)
    return render("forum/notifications.html", rows=rows, more=more, page=page_arg(), actors=actors, action=ActionForm())


@blueprint.get("/notifications/<int:notification_id>")
@login_required
def open_notification(notification_id: int) -> Any:
    """Mark it read and go to what it is about."""
    row = notifications.open_one(state(), me(), notification_id)
    if row.post_id:
        return redirect(links().post(row.post_id))
    return redirect(url_for("forum.notifications_page"))


@blueprint.post("/notifications/read")
@login_required
def read_all() -> Any:
    """Mark every notification read."""
    require_token()
    count = notifications.mark_all_read(state(), viewer())
    flash("All caught up." if count else "There was nothing new.", "success")
    return redirect(url_for("forum.notifications_page"))
