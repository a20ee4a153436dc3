"""Ideas: the list, proposing one, an idea's page with its votes and timeline, and the IT team's answers."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from ..errors import ForumError
from ..i18n import _
from ..ideas import proposals
from ..notifications import following
from .blueprint import blueprint
from .common import htmx, me, render, require_token, state, submit, viewer
from .forms import ActionForm, IdeaForm
from .navigation import login_required


@blueprint.get("/ideas")
def ideas_page() -> Any:
    """Ideas people proposed, most voted first (or newest, or by status)."""
    asked = request.args.get("sort", "")
    sort = asked if asked in proposals.SORTS else "votes"
    person = viewer()
    found = proposals.listing(state(), person, sort=sort)
    left = proposals.votes_left(state(), person) if person else None
    return render(
        "forum/ideas.html", ideas=found, sort=sort, statuses=proposals.STATUSES, left=left, action=ActionForm()
    )


@blueprint.route("/ideas/new", methods=["GET", "POST"])
@login_required
def new_idea() -> Any:
    """Propose an improvement."""
    form = IdeaForm()
    status = 200
    if request.method == "POST":
        idea, status = submit(
            form, lambda: proposals.propose(state(), me(), title=form.title.data, body=form.body.data)
        )
        if idea is not None:
            flash(_("Thanks! Your idea is up. Others can vote for it now."), "success")
            return redirect(url_for("forum.idea_page", idea_id=idea.id), 303)
    return render("forum/idea_new.html", status, form=form)


@blueprint.get("/ideas/similar")
def similar_ideas() -> Any:
    """Ideas like the one being typed, so people vote for an existing one instead of repeating it."""
    text = (request.args.get("title") or "").replace("\x00", "")[:200]
    return render(
        "forum/partials/_similar_ideas.html", ideas=proposals.similar(state(), text), statuses=proposals.STATUSES
    )


@blueprint.get("/ideas/<forum_id:idea_id>")
def idea_page(idea_id: int) -> Any:
    """One idea: what it would change, its votes, and everything the IT team said about it."""
    idea = proposals.get(state(), idea_id)
    person = viewer()
    voted = person is not None and person.id in proposals.voters(state(), idea.id)
    return render(
        "forum/idea.html",
        idea=idea,
        voted=voted,
        timeline=proposals.timeline(state(), idea),
        author=state().users.get_many([idea.author_id])[idea.author_id],
        merged_into=proposals.get(state(), idea.merged_into_id) if idea.merged_into_id else None,
        left=proposals.votes_left(state(), person) if person else None,
        follow_level=following.level(state(), person, "idea", idea.id),
        statuses=proposals.STATUSES,
        choosable=proposals.CHOOSABLE,
        action=ActionForm(),
    )


@blueprint.post("/ideas/<forum_id:idea_id>/vote", defaults={"wanted": True}, endpoint="idea_vote")
@blueprint.post("/ideas/<forum_id:idea_id>/unvote", defaults={"wanted": False}, endpoint="idea_unvote")
@login_required
def vote_or_not(idea_id: int, wanted: bool) -> Any:
    """Vote for an idea, or take the vote back."""
    idea = proposals.get(state(), idea_id)
    require_token()
    message, status = None, 200
    try:
        (proposals.vote if wanted else proposals.unvote)(state(), me(), idea)
    except ForumError as error:
        if not htmx:
            raise
        message, status = error.message, error.status
    state().db.session.refresh(idea)
    if htmx:
        voted = me().id in proposals.voters(state(), idea.id)
        return render(
            "forum/partials/_idea_vote.html",
            status,
            idea=idea,
            voted=voted,
            left=proposals.votes_left(state(), me()),
            message=message,
            action=ActionForm(),
        )
    flash(_("Your vote is in.") if wanted else _("Your vote is back with you."), "success")
    return redirect(url_for("forum.idea_page", idea_id=idea.id), 303)


@blueprint.post("/ideas/<forum_id:idea_id>/status")
@login_required
def idea_status(idea_id: int) -> Any:
    """The IT team's answer: a status and a note."""
    idea = proposals.get(state(), idea_id)
    require_token()
    proposals.set_status(
        state(),
        me(),
        idea,
        request.form.get("status"),
        note=request.form.get("note"),
        target_date=request.form.get("target_date"),
        link=request.form.get("link"),
    )
    flash(
        _("The idea is now “%(status)s”. Its voters have been told.", status=proposals.STATUSES[idea.status]), "success"
    )
    return redirect(url_for("forum.idea_page", idea_id=idea.id), 303)


@blueprint.post("/ideas/<forum_id:idea_id>/merge")
@login_required
def idea_merge(idea_id: int) -> Any:
    """Fold a duplicate into another idea."""
    idea = proposals.get(state(), idea_id)
    require_token()
    target = proposals.merge(state(), me(), idea, request.form.get("into"))
    flash(_("Merged into “%(title)s”. The votes moved and the voters have been told.", title=target.title), "success")
    return redirect(url_for("forum.idea_page", idea_id=target.id), 303)
