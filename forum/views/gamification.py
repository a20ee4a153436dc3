"""Leaderboards, badges, and how points work."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, request, url_for

from ..errors import ForumError, NotAllowed, NotFound
from ..gamification import badges, leaderboard, ledger, levels
from ..gamification.rules import LEVEL_NAMES, privileges
from ..i18n import _
from ..members import people, typed_user_id
from ..threads import categories
from .blueprint import blueprint
from .common import me, render, require_token, state
from .navigation import login_required


def _board_options() -> tuple[str, Any]:
    period = request.args.get("period", "week")
    if period not in leaderboard.PERIODS:
        period = "week"
    category = categories.by_slug(state(), request.args.get("category", "")) if request.args.get("category") else None
    return period, category


@blueprint.get("/leaderboard")
def leaderboard_page() -> Any:
    """Top helpers this week, this month or of all time, overall or in one category."""
    period, category = _board_options()
    rows = leaderboard.top(state(), period, category_id=category.id if category else 0, limit=50)
    return render(
        "forum/leaderboard.html", rows=rows, period=period, category=category, categories=categories.ordered(state())
    )


@blueprint.get("/leaderboard.csv")
@login_required
def leaderboard_csv() -> Any:
    """The whole board for a period, for admins handing out goodies."""
    if not me().is_admin:
        raise NotAllowed(_("Only portal admins can download the leaderboard."))
    period, category = _board_options()
    body = leaderboard.csv_export(state(), period, category_id=category.id if category else 0)
    name = f"top-helpers-{period}-{leaderboard.period_start(period).isoformat()}.csv"
    return Response(body, mimetype="text/csv", headers={"Content-Disposition": f'attachment; filename="{name}"'})


@blueprint.get("/badges")
def badges_page() -> Any:
    """Every badge, and how many people have it."""
    return render("forum/badges.html", rules=badges.rules(state()), counts=badges.counts(state()))


@blueprint.get("/badges/<slug>")
def badge_page(slug: str) -> Any:
    """Who earned one badge, and when."""
    rule = badges.by_slug(state(), slug)
    if rule is None:
        raise NotFound(_("We could not find that badge."))
    holders = badges.holders(state(), slug)
    return render("forum/badge.html", rule=rule, holders=holders, users=people(state(), (u for u, _ in holders)))


@blueprint.get("/points")
def points_page() -> Any:
    """How points, badges and levels work, in plain words."""
    return render(
        "forum/points.html",
        rules=ledger.point_rules(state()),
        level_rules=levels.level_rules(state()),
        level_names=LEVEL_NAMES,
        privileges=privileges(levels.level_rules(state())),
    )


@blueprint.post("/u/<user_id>/level")
@login_required
def set_level(user_id: str) -> Any:
    """An admin sets someone's level by hand, and may lock it."""
    require_token()
    person = state().users.get(typed_user_id(state(), user_id))
    if person is None:
        raise NotFound(_("We could not find that person."))
    try:
        level = int(request.form.get("level", ""))
    except ValueError:
        raise ForumError(_("Please pick a level from the list.")) from None
    levels.grant(state(), me(), person.id, level, lock=bool(request.form.get("lock")))
    flash(f"{person.name} is now a {LEVEL_NAMES[level]}.", "success")
    return redirect(url_for("forum.profile", user_id=person.id))
