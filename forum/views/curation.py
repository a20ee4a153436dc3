"""Keyword fixes, duplicates and verified workarounds: privileges that levels unlock."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request

from ..i18n import _
from ..threads import curation, posting
from .blueprint import blueprint
from .common import links, me, require_token, state, thread_url, viewer
from .navigation import login_required


@blueprint.post("/t/<forum_id:thread_id>/tags")
@login_required
def retag(thread_id: int) -> Any:
    """Fix a question's keywords."""
    thread = posting.get_thread(state(), thread_id, viewer())
    require_token()
    curation.set_tags(state(), me(), thread, request.form.get("tags", ""))
    flash(_("Keywords updated. Thanks for tidying up!"), "success")
    return redirect(thread_url(thread))


@blueprint.post("/t/<forum_id:thread_id>/duplicate", defaults={"wanted": True}, endpoint="duplicate")
@blueprint.post("/t/<forum_id:thread_id>/not-duplicate", defaults={"wanted": False}, endpoint="not_duplicate")
@login_required
def duplicate(thread_id: int, wanted: bool) -> Any:
    """Mark a question as asked before, or undo it."""
    thread = posting.get_thread(state(), thread_id, viewer())
    require_token()
    if wanted:
        original = curation.mark_duplicate(state(), me(), thread, request.form.get("original", ""))
        flash(
            _('Marked as a repeat of "%(title)s". The asker has been told where to look.', title=original.title),
            "success",
        )
    else:
        curation.clear_duplicate(state(), me(), thread)
        flash(_("This question is no longer marked as a repeat."), "success")
    return redirect(thread_url(thread))


@blueprint.post("/p/<forum_id:post_id>/verify", defaults={"wanted": True}, endpoint="verify")
@blueprint.post("/p/<forum_id:post_id>/unverify", defaults={"wanted": False}, endpoint="unverify")
@login_required
def verify(post_id: int, wanted: bool) -> Any:
    """Mark an answer as a verified workaround, or take the mark off."""
    post = posting.get_post(state(), post_id, viewer())
    require_token()
    curation.set_verified(state(), me(), post, wanted)
    flash(_("Marked as a verified workaround.") if wanted else _("The verified mark is off."), "success")
    return redirect(links().post(post.id))
