"""The bell, a person's notifications page, following things, and how each person wants to hear about each kind."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from ..errors import ForumError
from ..i18n import _
from ..notifications import delivery as notifications
from ..notifications import following
from .blueprint import blueprint
from .common import links, me, page_arg, render, require_token, state, unread_count
from .forms import ActionForm
from .navigation import back, is_page_open, login_required


@blueprint.get("/notifications")
@login_required
def notifications_page() -> Any:
    """Everything that happened that concerns this person, newest first."""
    rows, more = notifications.recent(state(), me(), page=page_arg())
    actors = state().users.get_many(r.actor_id for r in rows)
    return render("forum/notifications.html", rows=rows, more=more, page=page_arg(), actors=actors, action=ActionForm())


@blueprint.get("/notifications/<forum_id:notification_id>")
@login_required
def open_notification(notification_id: int) -> Any:
    """Go to what it is about, marking it read when the person opened it (an image pointing here marks nothing)."""
    row = notifications.open_one(state(), me(), notification_id, mark_read=is_page_open())
    if row.post_id:
        return redirect(links().post(row.post_id))
    return redirect(url_for("forum.notifications_page"))


@blueprint.post("/notifications/read")
@login_required
def read_all() -> Any:
    """Mark every notification read."""
    require_token()
    count = notifications.mark_all_read(state(), me())
    flash(_("All caught up.") if count else _("There was nothing new."), "success")
    return redirect(url_for("forum.notifications_page"))


@blueprint.post("/follow/<target_type>/<forum_id:target_id>")
@login_required
def follow(target_type: str, target_id: int) -> Any:
    """Choose watching, normal or muted for a thread, a category or a keyword."""
    require_token()
    words = following.follow(state(), me(), target_type, target_id, request.form.get("level", ""))
    flash(words, "success")
    return redirect(back(url_for("forum.home")))


@blueprint.get("/notifications/bell")
def bell() -> Any:
    """The bell's count alone, for htmx to refresh it without reloading the page."""
    html, status = render("forum/partials/_bell.html", unread=unread_count())
    return html, status, {"Cache-Control": "no-store"}


@blueprint.route("/notifications/settings", methods=["GET", "POST"])
@login_required
def notification_settings() -> Any:
    """Per kind of notice: in the portal, by e-mail at once, in a daily digest, or off."""
    form = ActionForm()
    current = notifications.preferences(state(), me())
    status = 200
    if request.method == "POST":
        require_token()
        wanted = {kind: request.form.get(kind, current[kind]) for kind in notifications.KINDS}
        try:
            notifications.save_preferences(state(), me(), wanted)
        except ForumError as error:
            flash(error.message, "error")
            status = error.status
        else:
            flash(_("Saved. From now on you hear about things the way you chose."), "success")
            return redirect(url_for("forum.notification_settings"))
    return render(
        "forum/notification_settings.html",
        status,
        form=form,
        current=current,
        kinds=notifications.KINDS,
        channels=notifications.channels_offered(state(), me()),
        mail=notifications.mail_enabled(state()),
        email=me().email,
    )
