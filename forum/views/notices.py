"""Following things, the bell, and how each person wants to hear about each kind of notice."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask_login import login_required

from .. import following, notifications
from ..errors import ForumError, NotFound
from ..forms import ActionForm
from . import blueprint
from .common import me, render, require_token, state, unread_count


def _back(default: str) -> str:
    """Where to go after a small change: the page the form was on, if it is ours."""
    target = request.form.get("next", "")
    return target if target.startswith("/") and not target.startswith("//") else default


@blueprint.post("/follow/<target_type>/<int:target_id>")
@login_required
def follow(target_type: str, target_id: int) -> Any:
    """Choose watching, normal or muted for a thread, a category or a keyword."""
    require_token()
    models = state().models
    model = {"thread": models.Thread, "category": models.Category, "tag": models.Tag}.get(target_type)
    if model is None or state().db.session.get(model, target_id) is None:
        raise NotFound("We could not find what you wanted to follow.")
    level = request.form.get("level", "")
    following.set_level(state(), me(), target_type, target_id, level)
    words = {
        "watching": "You will hear about everything new here.",
        "normal": "You will only hear about what concerns you.",
        "muted": "You will not hear about this any more.",
    }
    flash(words[level], "success")
    return redirect(_back(url_for("forum.home")))


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
            flash("Saved. From now on you hear about things the way you chose.", "success")
            return redirect(url_for("forum.notification_settings"))
    return render(
        "forum/notification_settings.html",
        status,
        form=form,
        current=current,
        kinds=notifications.KINDS,
        channels=notifications.CHANNELS,
        mail=notifications.mail_enabled(state()),
        email=me().email,
    )
