"""Moderation pages: flagging a post, the review queue, thread states, silencing a member, and the audit log."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from ..errors import ForumError, NotFound
from ..i18n import _
from ..i18n import lazy_gettext as _l
from ..members import typed_user_id
from ..moderation import audit, flags, review, silence, states
from ..threads import posting
from .blueprint import blueprint
from .common import csrf_failed, is_admin, is_it_team, links, me, only, render, require_token, state, thread_url, viewer
from .forms import ActionForm, FlagForm
from .navigation import login_required, safe_next


@blueprint.route("/p/<forum_id:post_id>/flag", methods=["GET", "POST"])
@login_required
def flag(post_id: int) -> Any:
    """Tell the IT team something is wrong with a post: choose a reason, add a note if you like."""
    post = posting.get_post(state(), post_id, viewer())
    thread = posting.get_thread(state(), post.thread_id, viewer())
    form = FlagForm()
    form.reason.choices = list(flags.REASONS.items())
    status = 200
    if request.method == "POST":
        if csrf_failed(form):
            form.form_errors.append(_("This page was open too long. Please choose again and send."))
            status = 400
        else:
            try:
                hidden = flags.flag(state(), me(), post, form.reason.data, form.note.data)
            except ForumError as error:
                (form.note if error.field == "note" else form.reason).errors = [error.message]
                status = error.status
            else:
                flash(
                    _("Thanks. The post is hidden while the IT team looks at it.")
                    if hidden
                    else _("Thanks for telling us. The IT team will look at it."),
                    "success",
                )
                return redirect(thread_url(thread) + f"#post-{post.id}", 303)
    return render("forum/flag.html", status, form=form, post=post, thread=thread)


def _reviewers_only() -> None:
    only(review.can_review, _("Only the IT team and Champions can see the review queue."))


@blueprint.get("/review")
@login_required
def review_queue() -> Any:
    """Posts waiting for a decision: flagged, held by the spam rules, or new members' first posts."""
    _reviewers_only()
    order = "most" if request.args.get("order") == "most" else "newest"
    found = review.items(state(), order=order)
    people = state().users.get_many({i.post.author_id for i in found} | {f.user_id for i in found for f in i.flags})
    return render(
        "forum/review.html",
        items=found,
        people=people,
        order=order,
        reasons=flags.REASONS,
        decisions=review.DECISIONS,
        action=ActionForm(),
    )


@blueprint.post("/review/<forum_id:post_id>")
@login_required
def review_decide(post_id: int) -> Any:
    """Keep, hide, remove, or remove and silence."""
    _reviewers_only()
    require_token()
    decision = review.decide(
        state(),
        me(),
        post_id,
        request.form.get("decision"),
        reason=request.form.get("reason"),
        silence_days=request.form.get("days") or 7,
    )
    flash(str(DONE.get(decision, DONE["keep"])), "success")
    return redirect(url_for("forum.review_queue"), 303)


@blueprint.post("/t/<forum_id:thread_id>/state")
@login_required
def thread_state(thread_id: int) -> Any:
    """Lock, close, pin or unlist a question, or undo it."""
    thread = posting.get_thread(state(), thread_id, viewer())
    require_token()
    words = states.change(
        state(),
        me(),
        thread,
        request.form.get("action"),
        reason=request.form.get("reason"),
        closed_as=request.form.get("closed_as"),
        days=request.form.get("days"),
        everywhere=request.form.get("everywhere") == "yes",
    )
    flash(_("%(change)s.", change=words), "success")
    return redirect(thread_url(thread), 303)


#: What the reviewer hears after each decision.
DONE = {
    "keep": _l("Done: the post stays. The author and the flaggers have been told."),
    "hide": _l("Done: the post is hidden. The author and the flaggers have been told."),
    "delete": _l("Done: the post is removed. The author and the flaggers have been told."),
    "delete_silence": _l(
        "Done: the post is removed and its author silenced. The author and the flaggers have been told."
    ),
}


def _agents_only() -> None:
    only(is_it_team, _("Only the IT team can silence members."))


@blueprint.route("/u/<user_id>/silence", methods=["GET", "POST"])
@login_required
def silence_member(user_id: str) -> Any:
    """Stop someone posting, liking and flagging for a while, with a reason they see."""
    _agents_only()
    person = state().users.get(typed_user_id(state(), user_id))
    if person is None:
        raise NotFound(_("We could not find that person."))
    status, message = 200, None
    if request.method == "POST":
        require_token()
        try:
            silence.silence(state(), me(), person.id, days=request.form.get("days"), reason=request.form.get("reason"))
        except ForumError as error:
            status, message = error.status, error.message
        else:
            flash(_("%(name)s is silenced in the community. They have been told why.", name=person.name), "success")
            return redirect(links().profile(person.id), 303)
    current = silence.silenced(state(), person.id)
    return render("forum/silence.html", status, person=person, current=current, message=message, action=ActionForm())


@blueprint.post("/u/<user_id>/unsilence")
@login_required
def unsilence_member(user_id: str) -> Any:
    """Lift a silence now."""
    _agents_only()
    require_token()
    person = state().users.get(typed_user_id(state(), user_id))
    if person is None:
        raise NotFound(_("We could not find that person."))
    silence.lift(state(), me(), person.id)
    flash(_("%(name)s can take part again. They have been told.", name=person.name), "success")
    return redirect(safe_next(request.form.get("next"), links().profile(person.id)), 303)


def _admins_only() -> None:
    only(is_admin, _("Only portal admins can read the audit log."))


@blueprint.get("/admin/audit")
@login_required
def audit_log() -> Any:
    """Every moderation action, newest first, filtered by action."""
    _admins_only()
    action = request.args.get("action", "")
    who = typed_user_id(state(), request.args.get("who")) if request.args.get("who") else None
    rows = audit.entries(state(), action=action, actor_id=who)
    actors = state().users.get_many(audit.actors(state()))
    return render("forum/admin/audit.html", rows=rows, names=actors, action=action, who=who, actions=audit.ACTIONS)


@blueprint.get("/admin/audit.csv")
@login_required
def audit_csv() -> Any:
    """The log as a spreadsheet (cells that would start a formula are neutralised)."""
    _admins_only()
    who = typed_user_id(state(), request.args.get("who")) if request.args.get("who") else None
    rows = audit.entries(state(), action=request.args.get("action", ""), actor_id=who, limit=10_000)
    names = {k: v.name for k, v in state().users.get_many({r.actor_id for r in rows}).items()}
    body = audit.csv_export(state(), rows, names)
    return (
        body,
        200,
        {"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": "attachment; filename=audit.csv"},
    )
