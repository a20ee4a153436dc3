"""A person's access tokens for apps, bots and scripts: make one (shown once), see when each was used, revoke."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, session, url_for

from ..api import tokens
from ..i18n import _
from ..i18n import lazy_gettext as _l
from .blueprint import blueprint
from .common import me, render, require_token, state, submit
from .forms import ActionForm, TokenForm
from .navigation import login_required

#: Where the new token waits, in the person's own session, for the one page that shows it.
NEW_TOKEN = "forum_new_token"
SCOPE_CHOICES = {
    "read": _l("Read: questions, answers, search, your notifications"),
    "write": _l("Write: ask, answer, like, save, accept, follow"),
    "admin": _l("Admin: the IT team's actions, such as announcements"),
}


def _token_form(*, fresh: bool) -> TokenForm:
    """The form, offering admin rights only to the IT team; ``fresh`` is empty but for the usual choices."""
    person = me()
    form = TokenForm(formdata=None) if fresh else TokenForm()
    form.scopes.choices = [
        (k, v) for k, v in SCOPE_CHOICES.items() if k != "admin" or person.is_agent or person.is_admin
    ]
    form.days.choices = [(str(days), words) for days, words in tokens.LIFETIMES.items()]
    if fresh:
        form.scopes.data, form.days.data = ["read"], str(tokens.DEFAULT_DAYS)
    return form


@blueprint.route("/tokens", methods=["GET", "POST"])
@login_required
def access_tokens() -> Any:
    """The tokens page. A new token's secret rides in the session to the page after the form, which shows it once
    and forgets it, so reloading that page neither shows it again nor makes another token."""
    form = _token_form(fresh=request.method == "GET")
    status = 200
    if request.method == "POST":
        scopes, days = form.scopes.data or [], form.days.data
        result, status = submit(
            form, lambda: tokens.create(state(), me(), name=form.name.data, scopes=scopes, days=days)
        )
        if result is not None:
            session[NEW_TOKEN] = [result[0].id, result[1]]
            return redirect(url_for("forum.access_tokens") + "#made-heading", 303)
    held = tokens.of(state(), me())
    token_id, secret = (session.pop(NEW_TOKEN, None) if request.method == "GET" else None) or (None, None)
    made = next((t for t in held if t.id == token_id), None)
    page = render(
        "forum/tokens.html",
        status,
        form=form,
        made=made,
        secret=secret if made is not None else None,
        held=held,
        action=ActionForm(),
    )
    return (*page, {"Cache-Control": "no-store"})


@blueprint.post("/tokens/<forum_id:token_id>/revoke")
@login_required
def revoke_token(token_id: int) -> Any:
    """Stop a token working, at once."""
    require_token()
    gone = tokens.revoke(state(), me(), token_id)
    flash(_("Revoked. “%(name)s” no longer works.", name=gone.name), "success")
    return redirect(url_for("forum.access_tokens"), 303)
