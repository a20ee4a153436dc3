"""Admins' outbound webhooks: register an address, see what was sent and answered, send a test, retry."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from ..events import retry_outgoing
from ..i18n import _
from ..i18n import lazy_gettext as _l
from ..notifications import webhooks
from .blueprint import blueprint
from .common import is_admin, only, render, require_token, state, submit
from .forms import ActionForm, WebhookForm
from .navigation import login_required

ADMINS_ONLY = _l("Only portal admins can manage webhooks.")


@blueprint.route("/admin/webhooks", methods=["GET", "POST"])
@login_required
def admin_webhooks() -> Any:
    """Endpoints, the events each wants, their last deliveries and what is stuck."""
    only(is_admin, ADMINS_ONLY)
    form = WebhookForm()
    form.events.choices = list(webhooks.EVENTS.items())
    status = 200
    if request.method == "POST":
        added, status = submit(
            form,
            lambda: webhooks.add_endpoint(
                state(), url=form.url.data, events=form.events.data or [], description=form.description.data
            ),
        )
        if added is not None:
            flash(_("Added. Copy its signing secret below into the receiving system."), "success")
            return redirect(url_for("forum.admin_webhooks") + f"#webhook-{added.id}", 303)
    found = webhooks.endpoints(state())
    return render(
        "forum/admin/webhooks.html",
        status,
        form=form,
        endpoints=found,
        deliveries={e.id: webhooks.recent(state(), e.id) for e in found},
        names=webhooks.EVENTS,
        action=ActionForm(),
    )


@blueprint.post("/admin/webhooks/<forum_id:endpoint_id>/test")
@login_required
def admin_webhook_test(endpoint_id: int) -> Any:
    """Send one test event to an endpoint, through the outbox like any other."""
    only(is_admin, ADMINS_ONLY)
    require_token()
    webhooks.send_test(state(), endpoint_id)
    flash(_("A test event is on its way. Its result shows below within a few seconds."), "success")
    return redirect(url_for("forum.admin_webhooks") + f"#webhook-{endpoint_id}", 303)


@blueprint.post("/admin/webhooks/<forum_id:endpoint_id>/remove")
@login_required
def admin_webhook_remove(endpoint_id: int) -> Any:
    """Stop sending to an endpoint."""
    only(is_admin, ADMINS_ONLY)
    require_token()
    webhooks.remove_endpoint(state(), endpoint_id)
    flash(_("Removed. Nothing more will be sent there."), "success")
    return redirect(url_for("forum.admin_webhooks"), 303)


@blueprint.post("/admin/webhooks/deliveries/<forum_id:delivery_id>/retry")
@login_required
def admin_webhook_retry(delivery_id: int) -> Any:
    """Send a refused delivery again, after the receiving side was fixed."""
    only(is_admin, ADMINS_ONLY)
    require_token()
    retry_outgoing(state(), delivery_id)
    flash(_("It will be sent again in a moment."), "success")
    return redirect(url_for("forum.admin_webhooks"), 303)
