"""Rewards: the catalogue, redeeming with one confirmation, your orders; the admins' catalogue and order queue."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from ..errors import ForumError
from ..gamification.ledger import balance
from ..i18n import _
from ..rewards import catalogue
from .blueprint import blueprint
from .common import is_admin, me, only, render, require_token, state
from .forms import ActionForm
from .navigation import login_required


@blueprint.get("/rewards")
@login_required
def rewards_page() -> Any:
    """What points can buy, what you can have now, and your orders."""
    person = me()
    rewards = {r.reward.id: r.reward for r in catalogue.offers(state(), None, include_inactive=True)}
    return render(
        "forum/rewards.html",
        offers=catalogue.offers(state(), person),
        points=balance(state(), person.id),
        orders=catalogue.orders(state(), user_id=person.id),
        rewards=rewards,
        states=catalogue.STATES,
    )


@blueprint.route("/rewards/<forum_id:reward_id>", methods=["GET", "POST"])
@login_required
def redeem_reward(reward_id: int) -> Any:
    """Redeem a reward, after one confirmation."""
    reward = catalogue.get(state(), reward_id)
    if request.method == "POST":
        require_token()
        catalogue.redeem(state(), me(), reward.id)
        flash(_("Ordered: %(name)s. The IT team will let you know when it is ready.", name=reward.name), "success")
        return redirect(url_for("forum.rewards_page"), 303)
    points = balance(state(), me().id)
    offer = next((o for o in catalogue.offers(state(), me()) if o.reward.id == reward.id), None)
    return render("forum/reward_confirm.html", reward=reward, points=points, offer=offer, action=ActionForm())


def _admins_only() -> None:
    only(is_admin, _("Only portal admins can manage rewards."))


@blueprint.route("/admin/rewards", methods=["GET", "POST"])
@login_required
def admin_rewards() -> Any:
    """The catalogue: add a reward, or change one."""
    _admins_only()
    status, message = 200, None
    if request.method == "POST":
        require_token()
        form = request.form
        existing = catalogue.get(state(), form.get("reward_id")) if form.get("reward_id") else None
        try:
            saved = catalogue.save(
                state(),
                me(),
                name=form.get("name"),
                description=form.get("description"),
                picture_url=form.get("picture_url"),
                cost=form.get("cost"),
                stock=form.get("stock"),
                min_level=form.get("min_level"),
                active=form.get("active") == "yes",
                starts_on=form.get("starts_on"),
                ends_on=form.get("ends_on"),
                reward=existing,
            )
        except ForumError as error:
            status, message = error.status, error.message
        else:
            flash(_("Saved: %(name)s.", name=saved.name), "success")
            return redirect(url_for("forum.admin_rewards"), 303)
    editing = catalogue.get(state(), request.args["edit"]) if request.args.get("edit") else None
    return render(
        "forum/admin/rewards.html",
        status,
        offers=catalogue.offers(state(), None, include_inactive=True),
        editing=editing,
        message=message,
        action=ActionForm(),
    )


@blueprint.get("/admin/orders")
@login_required
def admin_orders() -> Any:
    """Orders waiting for the IT team, then the rest."""
    _admins_only()
    rows = catalogue.orders(state())
    people = state().users.get_many({r.user_id for r in rows})
    rewards = {r.reward.id: r.reward for r in catalogue.offers(state(), None, include_inactive=True)}
    return render(
        "forum/admin/orders.html",
        rows=rows,
        people=people,
        rewards=rewards,
        states=catalogue.STATES,
        next_states=catalogue.NEXT,
        action=ActionForm(),
    )


@blueprint.post("/admin/orders/<forum_id:order_id>")
@login_required
def admin_order_decide(order_id: int) -> Any:
    """Approve, hand over, or decline an order."""
    _admins_only()
    require_token()
    order = catalogue.decide(state(), me(), order_id, request.form.get("state"), request.form.get("note"))
    flash(_("The order is now: %(state)s. The person has been told.", state=catalogue.STATES[order.state]), "success")
    return redirect(url_for("forum.admin_orders"), 303)


@blueprint.get("/admin/orders.csv")
@login_required
def admin_orders_csv() -> Any:
    """Every order as a spreadsheet."""
    _admins_only()
    rows = catalogue.orders(state(), limit=100_000)
    names = {k: v.name for k, v in state().users.get_many({r.user_id for r in rows}).items()}
    rewards = {r.reward.id: r.reward for r in catalogue.offers(state(), None, include_inactive=True)}
    body = catalogue.csv_export(state(), rows, names, rewards)
    headers = {"Content-Type": "text/csv; charset=utf-8", "Content-Disposition": "attachment; filename=orders.csv"}
    return body, 200, headers
