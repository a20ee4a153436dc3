"""Profiles: what a person asked and answered."""

from __future__ import annotations

from typing import Any

from flask import request

from ..errors import NotFound
from ..gamification import badges, leaderboard, ledger
from ..gamification.rules import LEVEL_NAMES
from ..i18n import _
from ..members import people, typed_user_id
from ..moderation import silence
from ..threads import listing
from .blueprint import blueprint
from .common import page_arg, render, state, viewer
from .forms import ActionForm


@blueprint.get("/u/<user_id>")
def profile(user_id: str) -> Any:
    """A person's questions and answers."""
    person = state().users.get(typed_user_id(state(), user_id))
    if person is None:
        raise NotFound(_("We could not find that person."))
    person = people(state(), [person.id])[person.id]
    tab = "answers" if request.args.get("tab") == "answers" else "questions"
    context: dict[str, Any] = dict(
        person=person,
        tab=tab,
        points=ledger.total(state(), person.id),
        rank=leaderboard.rank_of(state(), person.id),
        earned=badges.earned(state(), person.id),
        rules={r.slug: r for r in badges.rules(state())},
        progress=badges.progress(state(), person.id),
        level_names=LEVEL_NAMES,
        locked=_locked(person.id),
        silenced=silence.silenced(state(), person.id),
        action=ActionForm() if viewer() else None,
    )
    if tab == "answers":
        answers = listing.posts_by(state(), person.id, page=page_arg())
        return render("forum/profile.html", answers=answers, threads=None, **context)
    threads = listing.threads(state(), page=page_arg(), author_id=person.id)
    return render("forum/profile.html", threads=threads, answers=None, **context)


def _locked(user_id: Any) -> bool:
    member = state().db.session.get(state().models.Member, user_id)
    return bool(member and member.level_locked)
