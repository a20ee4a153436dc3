"""Profiles: what a person asked and answered."""

from __future__ import annotations

from typing import Any

from flask import request

from .. import listing
from ..errors import NotFound
from . import blueprint
from .common import page_arg, render, state


@blueprint.get("/u/<user_id>")
def profile(user_id: str) -> Any:
    """A person's questions and answers."""
    key = state().models.user_key
    try:
        typed_id = key.type.python_type(user_id)
    except (TypeError, ValueError, NotImplementedError):
        typed_id = user_id
    person = state().users.get(typed_id)
    if person is None:
        raise NotFound("We could not find that person.")
    tab = "answers" if request.args.get("tab") == "answers" else "questions"
    if tab == "answers":
        answers = listing.posts_by(state(), person.id, page=page_arg())
        return render("forum/profile.html", person=person, tab=tab, answers=answers, threads=None)
    threads = listing.threads(state(), page=page_arg(), author_id=person.id)
    return render("forum/profile.html", person=person, tab=tab, threads=threads, answers=None)
