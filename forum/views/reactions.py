"""Likes, favourites, shares and accepted answers: each answers htmx with a small partial, or redirects."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from ..errors import ForumError
from ..i18n import _
from ..threads import listing, posting, reactions, sharing, solutions
from .blueprint import blueprint
from .common import htmx, links, me, page_arg, post_to_change, render, require_token, state, thread_url, viewer
from .forms import ActionForm
from .navigation import login_required


def _like_partial(post: Any, status: int = 200, message: str | None = None, *, liked: bool | None = None) -> Any:
    """The like button again: after a like or an unlike (``liked``), from what the change read."""
    if liked is None:
        found = listing.post_reactions(state(), [post], viewer())
    else:
        found = listing.like_reactions(state(), post, liked=liked)
    return render("forum/partials/_like_button.html", status, post=post, reactions=found, message=message)


@blueprint.post("/p/<forum_id:post_id>/like", defaults={"wanted": True}, endpoint="like")
@blueprint.post("/p/<forum_id:post_id>/unlike", defaults={"wanted": False}, endpoint="unlike")
@login_required
def like_or_unlike(post_id: int, wanted: bool) -> Any:
    """Like a post, or take the like back."""
    post, likes_today, likers = post_to_change(post_id)
    require_token()
    try:
        done = reactions.set_like(state(), me(), post, wanted, likes_today, likers)
    except ForumError as error:
        if htmx:
            return _like_partial(post, error.status, error.message)
        raise
    if htmx:
        return _like_partial(done, liked=wanted)
    return redirect(links().post(done.id))


@blueprint.post("/t/<forum_id:thread_id>/favourite", defaults={"wanted": True}, endpoint="favourite")
@blueprint.post("/t/<forum_id:thread_id>/unfavourite", defaults={"wanted": False}, endpoint="unfavourite")
@login_required
def favourite_or_not(thread_id: int, wanted: bool) -> Any:
    """Save a thread to "My favourites", or take it off."""
    thread = posting.get_thread(state(), thread_id, viewer())
    require_token()
    address = thread_url(thread)  # read before the commit, which would make the thread be read again
    reactions.set_favourite(state(), me(), thread, wanted)
    if htmx:
        return render(
            "forum/partials/_favourite_button.html",
            thread_id=thread_id,
            favourite=wanted,
            action=None,
            changed=True,
        )
    flash(_("Saved to your favourites.") if wanted else _("Removed from your favourites."), "success")
    return redirect(address)


@blueprint.get("/favourites")
@login_required
def favourites() -> Any:
    """The threads this person saved."""
    result = listing.favourites(state(), me(), page=page_arg())
    return render("forum/favourites.html", threads=result)


@blueprint.post("/p/<forum_id:post_id>/share")
@login_required
def share(post_id: int) -> Any:
    """Get a link to share, search for a colleague, or send it to one."""
    post = posting.get_post(state(), post_id, viewer())
    require_token()
    thread = posting.get_thread(state(), post.thread_id, viewer())
    recipient = request.form.get("recipient") or None
    query = (request.form.get("q") or "").strip()
    sent_to, status, error = None, 200, None
    try:
        made = sharing.share(state(), me(), post, recipient_id=recipient)
    except ForumError as failure:
        made = sharing.share(state(), me(), post)
        status, error = failure.status, failure.message
    else:
        if recipient:
            sent_to = sharing.colleague(state(), me(), recipient)
    people = [p for p in state().users.search(query) if p.id != me().id] if query else []
    link = url_for("forum.post", post_id=post.id, s=made.token, _external=True)
    context = dict(
        post=post,
        thread=thread,
        link=link,
        people=people,
        query=query,
        sent_to=sent_to,
        error=error,
        action=ActionForm(),
    )
    if htmx:
        return render("forum/partials/_share_panel.html", status, **context)
    return render("forum/share.html", status, **context)


@blueprint.post("/t/<forum_id:thread_id>/accept", defaults={"wanted": True}, endpoint="accept")
@blueprint.post("/t/<forum_id:thread_id>/unaccept", defaults={"wanted": False}, endpoint="unaccept")
@login_required
def accept_or_not(thread_id: int, wanted: bool) -> Any:
    """Mark the answer that solved it (or take the mark off) and show the thread again."""
    thread = posting.get_thread(state(), thread_id, viewer())
    require_token()
    if wanted:
        post = solutions.accept(state(), me(), thread, request.form.get("post_id"))
        flash(_("Marked as the answer that solved it. Thanks, this helps the next person!"), "success")
        return redirect(thread_url(thread) + f"#post-{post.id}", 303)
    solutions.unaccept(state(), me(), thread)
    flash(_("The solved mark is off. The question shows as not solved again."), "success")
    return redirect(thread_url(thread), 303)
