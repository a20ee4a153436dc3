"""Announcements: the list, one announcement with its timeline, publishing, updates, and the banner's buttons."""

from __future__ import annotations

from typing import Any

from flask import flash, make_response, redirect, request, url_for

from ..errors import ForumError, NotAllowed
from ..i18n import _
from ..notifications import announcements
from ..threads import categories
from .blueprint import blueprint
from .common import htmx, me, render, require_token, state, viewer
from .forms import ActionForm
from .navigation import login_required, same_site_path

DISMISSED_COOKIE = "forum_dismissed"


@blueprint.get("/announcements")
def announcements_page() -> Any:
    """Every announcement, the ones still going on first."""
    return render(
        "forum/announcements.html",
        items=announcements.listing(state()),
        kinds=announcements.KIND_WORDS,
        severities=announcements.SEVERITY_WORDS,
    )


@blueprint.get("/announcements/<forum_id:announcement_id>")
def announcement(announcement_id: int) -> Any:
    """One announcement and its timeline of updates."""
    found = announcements.get(state(), announcement_id)
    return render(
        "forum/announcement.html",
        item=found,
        updates=announcements.updates(state(), found),
        mine=announcements.person(state(), viewer(), found),
        action=ActionForm(),
        kinds=announcements.KIND_WORDS,
        severities=announcements.SEVERITY_WORDS,
        suggestions=announcements.STATUS_SUGGESTIONS,
    )


@blueprint.route("/announcements/new", methods=["GET", "POST"])
@login_required
def announcement_new() -> Any:
    """The IT team writes an announcement."""
    person = me()
    if not (person.is_agent or person.is_admin):
        raise NotAllowed(_("Only the IT team can publish announcements."))
    values = request.form.to_dict() if request.method == "POST" else {"kind": "outage", "severity": "major"}
    status, problem = 200, None
    if request.method == "POST":
        require_token()
        try:
            created = announcements.publish(
                state(),
                person,
                kind=values.get("kind", ""),
                title=values.get("title", ""),
                body=values.get("body", ""),
                services=values.get("services", ""),
                severity=values.get("severity", ""),
                starts_at=values.get("starts_at"),
                ends_at=values.get("ends_at"),
                category_id=values.get("category_id") or None,
            )
        except ForumError as error:
            status, problem = error.status, error
        else:
            flash(_("Published. Everyone it concerns has been told."), "success")
            return redirect(url_for("forum.announcement", announcement_id=created.id))
    return render(
        "forum/announcement_new.html",
        status,
        values=values,
        problem=problem,
        action=ActionForm(),
        kinds=announcements.KIND_WORDS,
        severities=announcements.SEVERITY_WORDS,
        categories=categories.ordered(state()),
    )


@blueprint.post("/announcements/<forum_id:announcement_id>/updates")
@login_required
def announcement_update(announcement_id: int) -> Any:
    """The IT team adds a step to the timeline: "Identified", "Fixed"."""
    found = announcements.get(state(), announcement_id)
    require_token()
    announcements.add_update(
        state(),
        me(),
        found,
        status=request.form.get("status", ""),
        body=request.form.get("body", ""),
        closes=request.form.get("closes") == "yes",
    )
    flash(_("Update posted. Everyone following it has been told."), "success")
    return redirect(url_for("forum.announcement", announcement_id=found.id))


@blueprint.post("/announcements/<forum_id:announcement_id>/me")
@login_required
def announcement_me(announcement_id: int) -> Any:
    """Subscribe or unsubscribe, or say "this affects me too"."""
    found = announcements.get(state(), announcement_id)
    require_token()
    choice = request.form.get("choice", "")
    options = {
        "subscribe": ({"subscribed": True}, _("You will hear about every update.")),
        "unsubscribe": ({"subscribed": False}, _("You will not hear about updates any more.")),
        "affected": ({"affected": True}, _("Thanks for telling us. The IT team can see how many people are affected.")),
        "not_affected": ({"affected": False}, _("Noted: it does not affect you.")),
    }
    if choice not in options:
        raise ForumError(_("Please use one of the buttons on the page."), status=400)
    changes, words = options[choice]
    announcements.set_person(state(), me(), found, **changes)
    flash(words, "success")
    return redirect(url_for("forum.announcement", announcement_id=found.id))


@blueprint.post("/announcements/<forum_id:announcement_id>/dismiss")
def announcement_dismiss(announcement_id: int) -> Any:
    """Hide the banner for this person (guests: in this browser)."""
    found = announcements.get(state(), announcement_id)
    person = viewer()
    if person is not None:  # a guest's choice only touches their own cookie, so it needs no token
        require_token()
        announcements.set_person(state(), person, found, dismissed=True)
    response = make_response("" if htmx else redirect(same_site_path(request.referrer) or url_for("forum.home")))
    if person is None:
        gone = [p for p in request.cookies.get(DISMISSED_COOKIE, "").split(".") if p.isdigit()]
        response.set_cookie(
            DISMISSED_COOKIE, ".".join([*gone[-20:], str(found.id)]), max_age=30 * 86400, httponly=True, samesite="Lax"
        )
    return response
