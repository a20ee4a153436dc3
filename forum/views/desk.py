"""The IT team's side: "Ask the IT team", the desk's inbound webhook, the asker's verdict, and the desk admin page."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from .. import events
from ..desk import escalation, outbox, policy
from ..desk import updates as ticket_updates
from ..errors import ForumError, NotAllowed
from ..i18n import _
from ..models import utcnow
from ..threads import posting
from .blueprint import blueprint
from .common import is_it_team, me, only, render, require_token, state, thread_url, viewer
from .forms import ActionForm
from .navigation import login_required


@blueprint.route("/t/<forum_id:thread_id>/ask-it-team", methods=["GET", "POST"])
@login_required
def escalate(thread_id: int) -> Any:
    """Explain what will happen, then hand the question to the IT team."""
    found = posting.get_thread(state(), thread_id, viewer())
    if not policy.can_escalate(viewer(), found):
        raise NotAllowed(_("Only the person who asked, a superuser or the IT team can pass this to the IT team."))
    if request.method == "POST":
        require_token()
        escalation.escalate(state(), found, by=me())
        flash(
            _("Done. The IT team has been asked to look at this. Their replies will show up on this page."), "success"
        )
        return redirect(thread_url(found))
    desk = state().desk()
    return render(
        "forum/escalate.html",
        thread=found,
        desk=desk,
        action=ActionForm(),
        already=escalation.for_thread(state(), found.id),
        asker=state().users.get(found.author_id),
    )


@blueprint.post("/t/<forum_id:thread_id>/ticket-outcome")
@login_required
def ticket_outcome(thread_id: int) -> Any:
    """The asker says whether the IT team's resolution solved the problem."""
    found = posting.get_thread(state(), thread_id, viewer())
    require_token()
    handed = escalation.for_thread(state(), found.id)
    if handed is None:
        raise ForumError(_("This question was never passed to the IT team."), status=404)
    solved = request.form.get("solved") == "yes"
    ticket_updates.record_outcome(state(), me(), handed, solved)
    flash(
        _("Great, glad it is sorted. Thanks for letting us know.")
        if solved
        else _("Thanks. We told the IT team it is not solved yet, so they can look again."),
        "success",
    )
    return redirect(thread_url(found))


@blueprint.post("/desk/webhook")
def desk_webhook() -> Any:
    """Signed messages from the desk about ticket changes (Standard Webhooks). Answers at once."""
    try:
        ticket_updates.webhook_connector(state())  # switched off: refuse before reading anything
        limit = int(state().setting("FORUM_DESK_WEBHOOK_MAX_BYTES"))
        if (request.content_length or 0) > limit:
            raise ForumError(_("The message is too large. Send one ticket change at a time."), status=413)
        body = request.stream.read(limit + 1)  # a body sent without a length still stops one byte past the limit
        count = ticket_updates.receive_webhook(state(), request.headers, body)
    except ForumError as error:
        return {"ok": False, "message": error.message}, error.status
    return {"ok": True, "tickets": count}, 202


def _agents_only() -> None:
    only(is_it_team, _("Only the IT team can see the service desk settings."))


@blueprint.get("/admin/desk")
@login_required
def admin_desk() -> Any:
    """The connector, its settings, and every delivery that is waiting or stuck, with the reason."""
    _agents_only()
    desk = state().desk()
    jobs = outbox.open_jobs(state())
    E = state().models.Escalation
    threads = {e.id: e for e in state().db.session.query(E).filter(E.id.in_({j.escalation_id for j in jobs}))}
    return render(
        "forum/admin/desk.html",
        desk=desk,
        jobs=jobs,
        escalations=threads,
        summary=outbox.queue_summary(state()),
        queues=state().setting("FORUM_DESK_QUEUES") or {},
        rules=policy.EscalationRules.from_config(state().config),
        action=ActionForm(),
        now=utcnow(),
        refused_posts=events.refused_posts(state()),
    )


@blueprint.post("/admin/desk/jobs/<forum_id:job_id>/retry")
@login_required
def admin_desk_retry(job_id: int) -> Any:
    """Try a stuck delivery again."""
    _agents_only()
    require_token()
    outbox.retry(state(), job_id)
    flash(_("It will be tried again in a moment."), "success")
    return redirect(url_for("forum.admin_desk"))


@blueprint.post("/admin/desk/posts/<forum_id:post_id>/retry")
@login_required
def admin_outgoing_retry(post_id: int) -> Any:
    """Send a refused plugin post again."""
    _agents_only()
    require_token()
    events.retry_outgoing(state(), post_id)
    flash(_("It will be sent again in a moment."), "success")
    return redirect(url_for("forum.admin_desk"))
