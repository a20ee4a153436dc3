"""Home, categories, tags, threads: reading, asking, answering, editing, deleting."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import flash, make_response, redirect, render_template, request, url_for
from markupsafe import Markup

from ..desk import escalation, panel
from ..errors import ForumError, NotAllowed
from ..gamification import leaderboard
from ..i18n import _
from ..notifications import following
from ..search import suggestions
from ..threads import cache as thread_cache
from ..threads import categories, listing, posting, sharing, timeline
from ..threads.reader_marks import ReaderMarks, thread_with_marks
from .blueprint import blueprint
from .common import (
    CSRF_MESSAGE,
    KeptPart,
    csrf_failed,
    form_error,
    host_person,
    htmx,
    list_key,
    me,
    page_arg,
    page_token,
    post_url,
    render,
    require_token,
    retry_headers,
    state,
    thread_url,
    viewer,
)
from .forms import ActionForm, AnswerForm, AskForm, EditForm
from .navigation import is_page_open, login_required

if TYPE_CHECKING:
    from ..models import Thread


def _category_choices(form: AskForm | EditForm) -> None:
    choices = [(str(c.id), c.name) for c in categories.ordered(state())]
    # A new question starts with no category chosen, so nobody's question lands in the first one by accident.
    form.category_id.choices = [("", _("Choose a category")), *choices] if isinstance(form, AskForm) else choices


def _choice(name: str, allowed: tuple[str, ...]) -> str:
    """A query argument from a fixed set; anything else means the first (the default)."""
    value = request.args.get(name, allowed[0])
    return value if value in allowed else allowed[0]


def _list_options() -> dict[str, Any]:
    """Tab, solved filter and sort order of a thread list, and the non-default ones to keep in links."""
    options = {
        "tab": _choice("tab", listing.TABS),
        "solved": _choice("solved", listing.SOLVED_FILTERS),
        "sort": _choice("sort", listing.SORTS),
    }
    defaults = {"tab": listing.TABS[0], "solved": listing.SOLVED_FILTERS[0], "sort": listing.SORTS[0]}
    keep = {k: v for k, v in options.items() if v != defaults[k]}
    return {**options, "keep": keep}


@blueprint.get("/")
def home() -> Any:
    """The community's front page: latest or unanswered threads, and the categories."""
    options = _list_options()
    every_category = listing.categories_by_id(state())
    person = host_person()
    result = listing.threads(
        state(),
        page=page_arg(),
        tab=options["tab"],
        solved=options["solved"],
        sort=options["sort"],
        categories=every_category,
        reader_id=person.id if person is not None else None,
    )
    viewer(result.reader)
    seconds = float(state().setting("FORUM_THREAD_CACHE_SECONDS"))
    helpers = state().fresh("home-helpers", lambda: leaderboard.top(state(), "week", limit=5), seconds)
    context = {"threads": result, "categories": list(result.categories.values()), "helpers": helpers, **options}
    key = (
        *(options[name] for name in ("tab", "solved", "sort")),
        *list_key(result),
        tuple(context["categories"]),
        tuple((row.user.id, row.user.name, row.points) for row in helpers),
    )
    return render("forum/home.html", lists=KeptPart(key, "forum/partials/_home_lists.html", **context), **context)


@blueprint.get("/c/<slug>")
def category(slug: str) -> Any:
    """One category's threads."""
    found = categories.by_slug(state(), slug)
    if found is None:
        raise ForumError(_("We could not find that category. It may have been renamed."), status=404)
    options = _list_options()
    result = listing.threads(
        state(), page=page_arg(), tab=options["tab"], solved=options["solved"], sort=options["sort"], category=found
    )
    level = following.level(state(), viewer(), "category", found.id)
    return render("forum/category.html", category=found, threads=result, follow_level=level, **options)


@blueprint.get("/tags/<name>")
def tag(name: str) -> Any:
    """Threads with one keyword."""
    options = _list_options()
    result = listing.threads(state(), page=page_arg(), solved=options["solved"], sort=options["sort"], tag=name.lower())
    Tag = state().models.Tag
    tag_id = state().db.session.scalar(sa.select(Tag.id).where(Tag.name == name.lower()))
    level = following.level(state(), viewer(), "tag", tag_id) if tag_id else "normal"
    return render("forum/tag.html", tag=name.lower(), tag_id=tag_id, threads=result, follow_level=level, **options)


@blueprint.get("/t/<forum_id:thread_id>", defaults={"slug": None})
@blueprint.get("/t/<forum_id:thread_id>/<slug>")
def thread(thread_id: int, slug: str | None) -> Any:
    """A question with its answers."""
    found, marks = thread_with_marks(state(), thread_id, host_person())
    viewer(marks.reader)
    return _thread_page(found, marks)


def _thread_page(found: Any, marks: ReaderMarks, form: AnswerForm | None = None, status: int = 200) -> Any:
    """The thread page: its kept parts, and around them what depends on who is looking; ``form``, an answer form
    sent back with its text and what to fix (without one, a signed-in reader gets the kept empty form)."""
    person = viewer()
    token = page_token() if person else ""
    parts, question, answers = _thread_parts(found, marks)
    desk = panel.desk_panel(state(), found, person, handed_yet=parts.handed)
    return render(
        "forum/thread.html",
        status,
        thread=found,
        parts=parts,
        question=question,
        answers=answers,
        answer_form=_kept_answer_form(parts, found, token) if form is None and person else None,
        favourite_button=_kept_favourite_button(parts, found, marks, token) if person else None,
        follow_form=_kept_follow_form(parts, found, marks, token) if person else None,
        desk=desk,
        desk_html=_kept_desk_panel(parts, found, desk),
        form=form,
        action=None,  # its buttons' token comes from page_token(), not from a form built for each view
    )


def _thread_parts(
    found: Any, marks: ReaderMarks
) -> tuple[thread_cache.ThreadParts, thread_cache.Filled, thread_cache.Filled]:
    """This page of the thread as kept for this kind of reader, rendering only what is not kept yet."""
    person, page, cache = viewer(), page_arg(), state().thread_parts()
    key = thread_cache.key(found, page, state().setting("FORUM_POSTS_PER_PAGE"), person)
    parts = cache.get(key) if cache is not None else None
    view = None
    if parts is None:
        view = listing.thread_page(state(), found, page=page, viewer=person)
        parts = _keep_parts(view, person)
        if cache is not None:
            cache.put(key, parts)
    kind = thread_cache.reader_kind(person, found, parts.authors, marks.liked, marks.rated)
    posts = parts.posts.get(kind)
    if posts is None:
        view = view or listing.thread_page(state(), found, page=page, viewer=person)
        context = {"thread": found, "reactions": view.reactions}
        posts = parts.keep_posts(
            kind,
            (
                render_template("forum/partials/_posts.html", posts=[view.question], **context),
                render_template("forum/partials/_posts.html", posts=view.answers.items, **context),
            ),
        )
    return parts, *posts


def _kept_desk_panel(parts: thread_cache.ThreadParts, found: Any, desk: panel.DeskPanel) -> thread_cache.Filled | None:
    """The IT team's part of the page before a hand-over (its countdown in words, and the button or not), kept with
    the thread's parts; ``None`` once handed over: the ticket's timeline is rendered on each view from what was read."""
    if desk.escalation is not None:
        return None
    html = lambda: render_template("forum/partials/_desk_panel.html", desk=desk, thread=found)  # noqa: E731
    return parts.keep_form(("desk", desk.enabled, desk.countdown, desk.can_escalate), html, "")


def _kept_answer_form(parts: thread_cache.ThreadParts, found: Any, token: str) -> thread_cache.Filled:
    """The empty answer form for a signed-in reader, kept with the thread's parts."""
    html = lambda: render_template("forum/partials/_answer_form.html", thread=found, form=AnswerForm())  # noqa: E731
    return parts.keep_form(("answer",), html, token)


def _kept_favourite_button(
    parts: thread_cache.ThreadParts, found: Any, marks: ReaderMarks, token: str
) -> thread_cache.Filled:
    """The reader's favourite button, saved or not, kept with the thread's parts."""
    html = lambda: render_template(  # noqa: E731
        "forum/partials/_favourite_button.html", thread_id=found.id, favourite=marks.favourite, action=None
    )
    return parts.keep_form(("favourite", marks.favourite), html, token)


def _kept_follow_form(
    parts: thread_cache.ThreadParts, found: Any, marks: ReaderMarks, token: str
) -> thread_cache.Filled:
    """How closely the reader follows this thread, kept with the thread's parts for each level and address (the form
    comes back to the address it was on)."""
    html = lambda: render_template(  # noqa: E731
        "forum/partials/_follow.html",
        target_type="thread",
        target_id=found.id,
        level=marks.follow_level,
        label=_("Notifications for this question"),
    )
    return parts.keep_form(("follow", marks.follow_level, request.full_path), html, token)


def _keep_parts(view: listing.ThreadPage, person: Any) -> thread_cache.ThreadParts:
    """What every reader of this page sees, with no database rows in it, to keep between requests."""
    found, answers = view.thread, view.answers
    shown = timeline.thread_timeline(
        state(), found, can_see_removed=bool(person and person.is_moderator), known=view.users
    )
    original = view.duplicate_of
    parts = thread_cache.ThreadParts(
        category=thread_cache.Named(view.category.id, view.category.name, view.category.slug),
        tags=view.tags,
        shares=view.shares,
        duplicate_of=thread_cache.Named(original.id, original.title) if original is not None else None,
        answers=listing.Page(
            [p.id for p in answers.items], answers.page, answers.per_page, answers.has_next, answers.total
        ),
        authors={p.id: p.author_id for p in [view.question, *answers.items]},
        timeline=Markup(render_template("forum/partials/_thread_timeline.html", timeline=shown)),
        handed=state().desk().enabled and escalation.for_thread(state(), found.id) is not None,
    )
    fixed = render_template(
        "forum/partials/_thread_fixed.html", thread=found, parts=parts, cut=Markup(thread_cache.FIXED_CUT)
    )
    parts.fixed = thread_cache.Fixed.cut(fixed)
    return parts


@blueprint.get("/p/<forum_id:post_id>")
def post(post_id: int) -> Any:
    """A post's permanent address: counts a visit through a shared link, then goes to the right page."""
    found = posting.get_post(state(), post_id, viewer())
    thread = posting.get_thread(state(), found.thread_id, viewer())
    if is_page_open():  # an image of a share link in a post must not earn its sharer points
        sharing.record_visit(state(), request.args.get("s"), viewer())
    page = listing.page_of_answer(state(), found, viewer())
    target = thread_url(thread, page=page) if page > 1 else thread_url(thread)
    return redirect(f"{target}#post-{found.id}")


@blueprint.route("/ask", methods=["GET", "POST"])
@login_required
def ask() -> Any:
    """The ask-a-question form."""
    form = AskForm()
    _category_choices(form)
    if request.method == "GET":
        wanted = categories.by_slug(state(), request.args.get("category", ""))
        if wanted is not None:
            form.category_id.data = str(wanted.id)
        form.attempt.data = suggestions.new_attempt()
        return render("forum/ask.html", form=form)
    if csrf_failed(form):
        form.form_errors.append(CSRF_MESSAGE)
        return render("forum/ask.html", 400, form=form)
    try:
        created = posting.create_thread(
            state(),
            me(),
            category_id=form.category_id.data,
            title=form.title.data,
            body=form.body.data,
            tags=form.tags.data,
        )
    except ForumError as error:
        form_error(form, error)
        return (*render("forum/ask.html", error.status, form=form), retry_headers(error))
    suggestions.posted_anyway(state(), form.attempt.data, viewer())
    flash(_("Your question is posted. We will let you know when someone answers."), "success")
    return redirect(thread_url(created))


@blueprint.post("/t/<forum_id:thread_id>/answer")
@login_required
def answer(thread_id: int) -> Any:
    """Post an answer; with htmx the answer is added to the page without a reload."""
    found = posting.get_thread(state(), thread_id, viewer())
    form = AnswerForm()
    if csrf_failed(form):
        form.form_errors.append(CSRF_MESSAGE)
        return _answer_form_response(found, form, 400)
    try:
        created = posting.add_answer(state(), me(), found, form.body.data)
    except ForumError as error:
        form_error(form, error)
        response = make_response(_answer_form_response(found, form, error.status))
        response.headers.update(retry_headers(error))
        return response
    if htmx:
        state().db.session.refresh(found)
        return render(
            "forum/partials/_answer_added.html",
            thread=found,
            post=created,
            reactions=listing.post_reactions(state(), [created], viewer()),
            form=AnswerForm(formdata=None),
            answer_count=found.answer_count,
        )
    flash(_("Thanks! Your answer is posted."), "success")
    return redirect(post_url(created))


def _answer_form_response(thread: Thread, form: AnswerForm, status: int) -> Any:
    if htmx:  # the form with its message replaces the form, instead of joining the answers
        body, code = render("forum/partials/_answer_form.html", status, thread=thread, form=form)
        return body, code, {"HX-Retarget": "#answer-form", "HX-Reswap": "outerHTML"}
    return _thread_page(*thread_with_marks(state(), thread.id, viewer()), form, status)


@blueprint.route("/p/<forum_id:post_id>/edit", methods=["GET", "POST"])
@login_required
def edit(post_id: int) -> Any:
    """Change a post; the old text is kept in its history."""
    found = posting.get_post(state(), post_id, viewer())
    if not posting.can_edit(viewer(), found):
        raise ForumError(_("You can only edit your own posts."), status=403)
    thread = posting.get_thread(state(), found.thread_id, viewer())
    form = EditForm()
    _category_choices(form)
    if request.method == "GET":
        form.body.data = found.body_source
        form.title.data = thread.title
        form.category_id.data = str(thread.category_id)
        form.tags.data = ", ".join(t.name for t in thread.tags)
        return render("forum/edit.html", form=form, post=found, thread=thread)
    if csrf_failed(form):
        form.form_errors.append(CSRF_MESSAGE)
        return render("forum/edit.html", 400, form=form, post=found, thread=thread)
    try:
        posting.edit_post(
            state(),
            me(),
            found,
            body=form.body.data,
            title=form.title.data if found.is_question else None,
            category_id=form.category_id.data if found.is_question else None,
            tags=form.tags.data if found.is_question else None,
        )
    except ForumError as error:
        form_error(form, error)
        return render("forum/edit.html", error.status, form=form, post=found, thread=thread)
    flash(_("Your changes are saved."), "success")
    return redirect(post_url(found))


@blueprint.get("/p/<forum_id:post_id>/history")
def history(post_id: int) -> Any:
    """Every version of a post, newest first."""
    found = posting.get_post(state(), post_id, viewer())
    thread = posting.get_thread(state(), found.thread_id, viewer())
    revisions = posting.revisions(state(), found)
    users = state().users.get_many(r.editor_id for r in revisions)
    return render("forum/history.html", post=found, thread=thread, revisions=revisions, users=users)


@blueprint.get("/p/<forum_id:post_id>/delete")
@login_required
def confirm_delete(post_id: int) -> Any:
    """Ask before deleting: a plain page, so it works without JavaScript and on a phone."""
    found = posting.get_post(state(), post_id, viewer())
    if not posting.can_delete(viewer(), found):
        raise NotAllowed(_("You can only delete your own posts."))
    thread = posting.get_thread(state(), found.thread_id, viewer())
    seconds = int(state().setting("FORUM_UNDO_SECONDS"))
    return render("forum/delete.html", post=found, thread=thread, action=ActionForm(), undo_minutes=seconds // 60)


@blueprint.post("/p/<forum_id:post_id>/undo-delete")
@login_required
def undo_delete(post_id: int) -> Any:
    """Take back deleting one's own post, for a few minutes after."""
    require_token()
    found = posting.undo_delete(state(), me(), post_id)
    flash(_("It is back."), "success")
    return redirect(post_url(found))


@blueprint.post("/p/<forum_id:post_id>/delete", defaults={"deleted": True}, endpoint="delete")
@blueprint.post("/p/<forum_id:post_id>/restore", defaults={"deleted": False}, endpoint="restore")
@login_required
def delete_or_restore(post_id: int, deleted: bool) -> Any:
    """Soft-delete a post, or bring it back (desk agents only)."""
    found = posting.get_post(state(), post_id, viewer())
    require_token()
    posting.set_deleted(state(), me(), found, deleted)
    if deleted and posting.can_undo_delete(state(), me(), found):
        flash(f"{found.id}", "undo")  # the flash area shows an Undo button for it
    if found.is_question:
        if deleted and not me().is_moderator:
            flash(_("Your question was deleted. A desk agent can bring it back if you need it."), "success")
            return redirect(url_for("forum.home"))
        flash(_("The question was removed.") if deleted else _("The question is back."), "success")
        return redirect(post_url(found))
    flash(_("The answer was removed.") if deleted else _("The answer is back."), "success")
    thread = posting.get_thread(state(), found.thread_id, viewer())
    return redirect(thread_url(thread) + ("" if deleted and not me().is_moderator else f"#post-{found.id}"))
