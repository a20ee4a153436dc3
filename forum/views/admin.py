"""Desk admins' pages: categories."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for

from ..errors import ForumError
from ..i18n import _
from ..threads import categories
from .blueprint import blueprint
from .common import is_admin, me, only, render, require_token, state, submit
from .forms import ActionForm, CategoryForm
from .navigation import login_required


def _admin_only() -> None:
    only(is_admin, _("Only portal admins can manage categories."))


def _find(category_id: int) -> Any:
    found = state().db.session.get(state().models.Category, category_id)
    if found is None:
        raise ForumError(_("That category no longer exists."), status=404)
    return found


@blueprint.route("/admin/categories", methods=["GET", "POST"])
@login_required
def admin_categories() -> Any:
    """List the categories in order, and add a new one."""
    _admin_only()
    form = CategoryForm()
    status = 200
    if request.method == "POST":
        created, status = submit(
            form, lambda: categories.create(state(), me(), name=form.name.data, description=form.description.data)
        )
        if created is not None:
            flash(_('The category "%(name)s" is ready.', name=created.name), "success")
            return redirect(url_for("forum.admin_categories"))
    return render(
        "forum/admin/categories.html", status, form=form, categories=categories.ordered(state()), action=ActionForm()
    )


@blueprint.route("/admin/categories/<forum_id:category_id>", methods=["GET", "POST"])
@login_required
def admin_category(category_id: int) -> Any:
    """Rename a category or change its description."""
    _admin_only()
    found = _find(category_id)
    form = CategoryForm(obj=found) if request.method == "GET" else CategoryForm()
    status = 200
    if request.method == "POST":
        saved, status = submit(
            form,
            lambda: categories.update(state(), me(), found, name=form.name.data, description=form.description.data),
        )
        if saved is not None:
            flash(_("Saved."), "success")
            return redirect(url_for("forum.admin_categories"))
    return render("forum/admin/category.html", status, form=form, category=found)


@blueprint.post("/admin/categories/<forum_id:category_id>/move")
@login_required
def admin_category_move(category_id: int) -> Any:
    """Move a category up or down the list."""
    _admin_only()
    require_token()
    categories.move(state(), me(), _find(category_id), -1 if request.form.get("direction") == "up" else 1)
    return redirect(url_for("forum.admin_categories"))
