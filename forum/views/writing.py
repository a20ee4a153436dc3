"""Writing help: tips while typing, a preview, finding people to @mention, readers' verdicts, and the glossary."""

from __future__ import annotations

from typing import Any

from flask import flash, jsonify, redirect, request, url_for

from ..errors import ForumError
from ..i18n import _
from ..threads import posting
from ..writing import advice, clarity, glossary
from .blueprint import blueprint
from .common import (
    htmx,
    links,
    me,
    only,
    render,
    require_token,
    state,
    submit,
    viewer,
)
from .forms import ActionForm, GlossaryForm
from .navigation import login_required

#: Only this much of a text is looked at for tips and previews (a post can be no longer anyway).
MAX_TEXT = 40_000


def _text(name: str) -> str:
    return (request.form.get(name) or "").replace("\x00", "")[:MAX_TEXT]


@blueprint.post("/writing/tips")
@login_required
def writing_tips() -> Any:
    """The side note beside a question or an answer being written: jargon, long sentences, reading ease."""
    kind = "question" if request.form.get("kind") == "question" else "answer"
    source = "\n\n".join(part for part in (_text("title"), _text("body")) if part.strip())
    words = glossary.load(state())
    found = advice.advise(source, words.terms, kind=kind, accepted=words.accepted)
    return render("forum/partials/_writing_tips.html", tips=found, kind=kind, empty=not source.strip())


@blueprint.post("/writing/preview")
@login_required
def writing_preview() -> Any:
    """The text as it will look once posted, made by the same sanitiser as the post itself."""
    return render("forum/partials/_preview.html", html=posting.body_html(state(), _text("body")))


@blueprint.get("/writing/people")
@login_required
def writing_people() -> Any:
    """People whose name starts with what follows the @, for the mention list (names and pictures only)."""
    query = (request.args.get("q") or "").replace("\x00", "").strip()[:60]
    people = state().users.search(query, limit=6) if len(query) >= 2 else []
    return jsonify(
        [
            {"handle": p.handle, "name": p.name, "avatar": p.avatar_url, "initials": p.initials, "colour": p.colour}
            for p in people
            if p.handle and p.id != me().id
        ]
    )


@blueprint.post("/p/<forum_id:post_id>/clarity")
@login_required
def rate_clarity(post_id: int) -> Any:
    """A reader says an answer was easy to follow, or too technical (or takes that back)."""
    post = posting.get_post(state(), post_id, viewer())
    require_token()
    wanted = request.form.get("verdict") or None
    status, message = 200, None
    try:
        clarity.vote(state(), me(), post, wanted)
    except ForumError as error:
        if not htmx:
            raise
        status, message = error.status, error.message
    if htmx:
        verdict = clarity.mine(state(), me(), [post.id]).get(post.id)
        return render("forum/partials/_clarity.html", status, post=post, verdict=verdict, message=message)
    flash(_("Thanks for saying how easy it was to follow.") if wanted else _("Your rating is taken back."), "success")
    return redirect(links().post(post.id), 303)


@blueprint.app_template_filter("forum_ease")
def ease_filter(ease: float) -> str:
    """Reading ease in words ("easy to read")."""
    return advice.ease_words(ease)


def _agents_only() -> None:
    only(lambda person: person.is_agent, _("Only the IT team can change the glossary."))


@blueprint.route("/admin/glossary", methods=["GET", "POST"])
@login_required
def admin_glossary() -> Any:
    """The words writing help flags, with the plain words it offers: add, reword and remove them."""
    _agents_only()
    form = GlossaryForm()
    status = 200
    if request.method == "POST":
        saved, status = submit(form, lambda: glossary.save(state(), me(), form.term.data, form.plain.data))
        if saved is not None:
            flash(
                _("Saved. Writers who use “%(term)s” will see: %(plain)s", term=saved.term, plain=saved.plain),
                "success",
            )
            return redirect(url_for("forum.admin_glossary"), 303)
    search = (request.args.get("q") or "").replace("\x00", "").strip()[:60]
    everything = sorted(glossary.terms(state()).values(), key=lambda t: t.key)
    shown = [t for t in everything if search.lower() in t.key or search.lower() in t.plain.lower()]
    return render(
        "forum/admin/glossary.html",
        status,
        form=form,
        terms=shown,
        total=len(everything),
        q=search,
        action=ActionForm(),
    )


@blueprint.post("/admin/glossary/remove")
@login_required
def admin_glossary_remove() -> Any:
    """Stop flagging one term."""
    _agents_only()
    require_token()
    removed = glossary.remove(state(), me(), request.form.get("term"))
    flash(_("“%(term)s” is no longer flagged. Add it again at any time.", term=removed.term), "success")
    return redirect(url_for("forum.admin_glossary"), 303)


@blueprint.get("/admin/too-technical")
@login_required
def too_technical() -> Any:
    """Answers readers found too technical, most votes first, for the IT team to reword or explain."""
    _agents_only()
    found = clarity.too_technical(state())
    authors = state().users.get_many({item.post.author_id for item in found})
    return render("forum/admin/too_technical.html", answers=found, authors=authors)
