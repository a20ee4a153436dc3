"""Search, suggestions while typing a question, knowledge articles, and the desk's numbers."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, request, url_for

from ..errors import ForumError, NotAllowed
from ..i18n import _
from ..models import as_id
from ..search import articles, external, meaning, ranking, suggestions
from ..search import engine as search
from ..threads import categories, curation, listing, posting
from .blueprint import blueprint
from .common import (
    CSRF_MESSAGE,
    csrf_failed,
    form_error,
    htmx,
    links,
    me,
    page_arg,
    render,
    require_token,
    state,
    viewer,
)
from .forms import ActionForm, ArticleForm
from .navigation import login_required


def hit_url(hit: Any) -> str:
    """Where a result leads: straight to the answer that matched, on whichever page of its thread it is."""
    if hit.kind == "article":
        return url_for("forum.article", article_id=hit.ref_id)
    if hit.post_id:
        return f"{links().prefix}/p/{hit.post_id}"
    return f"{links().prefix}/t/{hit.ref_id}"


@blueprint.get("/search")
def search_page() -> Any:
    """Search threads, answers and articles; the address can be bookmarked and shared."""
    text = request.args.get("q", "")[:500]
    solved_only = request.args.get("solved") == "1"
    category = categories.by_slug(state(), request.args.get("category", "")) if request.args.get("category") else None
    tag = (request.args.get("tag") or "").lower()[:40] or None
    results = search.search(
        state(), text, page=page_arg(), solved_only=solved_only, category_id=category.id if category else None, tag=tag
    )
    if results.terms and page_arg() == 1:
        results.external = external.lookup(state(), " ".join(results.terms))
    keep = {
        k: v
        for k, v in {
            "q": text,
            "solved": "1" if solved_only else None,
            "category": category.slug if category else None,
            "tag": tag,
        }.items()
        if v
    }
    return render(
        "forum/search.html",
        text=text,
        results=results,
        solved_only=solved_only,
        category=category,
        tag=tag,
        categories=listing.categories_by_id(state()),
        keep=keep,
        hit_url=hit_url,
    )


@blueprint.get("/suggest")
@login_required
def suggest() -> Any:
    """Up to five solved threads and articles for what is being typed (htmx, debounced)."""
    text = f"{request.args.get('title', '')} {request.args.get('body', '')[:300]}"
    attempt = suggestions.clean_attempt(request.args.get("attempt"))
    words = search.terms(text)
    found = ranking.rank(state(), text) if words else []
    found_outside = external.lookup(state(), " ".join(words), limit=3) if words else []
    if found:
        shown = [(s.hit.kind, s.hit.ref_id) for s in found]
        suggestions.record_shown(state(), attempt=attempt, user=viewer(), shown=shown)
    return render(
        "forum/partials/_suggestions.html",
        hits=[s.hit for s in found],
        why={(s.hit.kind, s.hit.ref_id): s.reasons() for s in found} if me().is_agent else {},
        outside=found_outside,
        attempt=attempt,
        hit_url=hit_url,
        typed=bool(words),
        action=ActionForm(),
    )


@blueprint.get("/t/<forum_id:thread_id>/similar")
def similar_questions(thread_id: int) -> Any:
    """Solved questions like this one (htmx, after the page), the same engine as suggestions while asking."""
    thread = posting.get_thread(state(), thread_id, viewer())
    question = posting.question_of(state(), thread)
    found = ranking.similar_threads(state(), thread.id, thread.title, question.body_html if question else "")
    person = viewer()
    can_mark = person is not None and not thread.duplicate_of_id and curation.can(person, "mark_duplicate")
    return render(
        "forum/partials/_similar_questions.html",
        similar=found,
        thread_id=thread.id,
        title=thread.title,
        can_mark=can_mark,
        why=person is not None and person.is_agent,
        hit_url=hit_url,
        action=ActionForm(),
    )


def _answer_of(kind: str, ref_id: int) -> tuple[str, Any, Any]:
    """Title, and the HTML that answers it, of a suggested thread or article."""
    if kind == "article":
        article = articles.get(state(), ref_id, viewer())
        return article.title, article.body_html, url_for("forum.article", article_id=article.id)
    thread = posting.get_thread(state(), ref_id, viewer())
    if thread.accepted_post_id is None:
        abort(404)
    post = posting.get_post(state(), thread.accepted_post_id, viewer())
    return thread.title, post.body_html, f"{links().prefix}/t/{thread.id}"


@blueprint.get("/suggest/open")
@login_required
def open_suggestion() -> Any:
    """The answer of one suggestion, shown in place so the draft question stays as it is."""
    kind = "article" if request.args.get("kind") == "article" else "thread"
    ref_id = as_id(request.args.get("id")) or 0
    title, answer_html, url = _answer_of(kind, ref_id)
    attempt = suggestions.clean_attempt(request.args.get("attempt"))
    suggestions.record(state(), "opened", attempt=attempt, user=viewer(), doc_kind=kind, doc_ref=ref_id)
    state().db.session.commit()
    return render(
        "forum/partials/_suggestion_answer.html",
        title=title,
        answer_html=answer_html,
        url=url,
        kind=kind,
        ref_id=ref_id,
        attempt=attempt,
        action=ActionForm(),
    )


@blueprint.post("/suggest/solved")
@login_required
def suggestion_solved() -> Any:
    """ "This solved my problem": the attempt ends without a new question, and the desk counts it."""
    require_token()
    kind = "article" if request.form.get("kind") == "article" else "thread"
    ref_id = as_id(request.form.get("id")) or 0
    title, _kind, url = _answer_of(kind, ref_id)
    suggestions.solved_by(state(), request.form.get("attempt", ""), viewer(), kind, ref_id)
    if htmx:
        return render("forum/partials/_suggestion_thanks.html", title=title, url=url)
    flash(_("Glad that solved it! Your question was not posted, so there is nothing else to do."), "success")
    return redirect(url)


@blueprint.get("/admin/suggestions")
@login_required
def suggestion_numbers() -> Any:
    """For the IT team: what suggestions achieve, week by week."""
    if not me().is_agent:
        raise NotAllowed(_("Only the IT team can see these numbers."))
    return render(
        "forum/admin/suggestions.html",
        weeks=suggestions.weekly(state()),
        meaning=meaning.status(state()),
        indexing=search.waiting(state()),
    )


@blueprint.get("/articles")
def articles_page() -> Any:
    """Knowledge articles, newest first."""
    return render(
        "forum/articles.html",
        articles=articles.published(state(), viewer=viewer()),
        categories=listing.categories_by_id(state()),
    )


@blueprint.get("/articles/<forum_id:article_id>")
def article(article_id: int) -> Any:
    """One knowledge article."""
    found = articles.get(state(), article_id, viewer())
    people = state().users.get_many([found.author_id, found.credited_id])
    return render(
        "forum/article.html",
        article=found,
        people=people,
        category=state().db.session.get(state().models.Category, found.category_id),
    )


def _article_form(found: Any = None) -> Any:
    if viewer() is None or not me().is_agent:
        raise NotAllowed(_("Only the IT team can write knowledge articles."))
    form = ArticleForm(obj=found) if request.method == "GET" and found is not None else ArticleForm()
    form.category_id.choices = [(str(c.id), c.name) for c in categories.ordered(state())]
    if request.method == "GET":
        if found is not None:
            form.category_id.data = str(found.category_id)
            form.body.data = found.body_source
        return render("forum/article_edit.html", form=form, article=found)
    if csrf_failed(form):
        form.form_errors.append(CSRF_MESSAGE)
        return render("forum/article_edit.html", 400, form=form, article=found)
    try:
        saved = articles.save(
            state(),
            me(),
            title=form.title.data,
            body=form.body.data,
            category_id=form.category_id.data,
            publish=bool(request.form.get("publish")),
            article=found,
        )
    except ForumError as error:
        form_error(form, error)
        return render("forum/article_edit.html", error.status, form=form, article=found)
    flash(
        _("Published. People will find it in search and suggestions.")
        if saved.is_published
        else _("Saved as a draft. Only the IT team can see it."),
        "success",
    )
    return redirect(url_for("forum.article", article_id=saved.id))


@blueprint.route("/articles/new", methods=["GET", "POST"])
@login_required
def new_article() -> Any:
    """Write a knowledge article."""
    return _article_form()


@blueprint.route("/articles/<forum_id:article_id>/edit", methods=["GET", "POST"])
@login_required
def edit_article(article_id: int) -> Any:
    """Change a knowledge article, or publish a draft."""
    return _article_form(articles.get(state(), article_id, viewer()))


@blueprint.post("/p/<forum_id:post_id>/promote")
@login_required
def promote(post_id: int) -> Any:
    """Start an article from an answer that solved its question."""
    post = posting.get_post(state(), post_id, viewer())
    require_token()
    draft = articles.promote(state(), me(), post)
    flash(_("A draft article is ready. Tidy it up and publish it."), "success")
    return redirect(url_for("forum.edit_article", article_id=draft.id))
