"""The community's "What's happening" timeline, and Atom feeds of it (all, per category, tag, announcement)."""

from __future__ import annotations

from typing import Any

from flask import Response, request, url_for

from ..errors import ForumError
from ..i18n import _
from ..notifications import announcements
from ..threads import categories, feeds, timeline
from ..threads.timeline import Entry
from .blueprint import blueprint
from .common import render, state


def _kinds() -> tuple[str, ...]:
    """The kinds asked for with ?kind=…; unknown ones are ignored, none means the default mix."""
    wanted = tuple(k for k in request.args.getlist("kind") if k in timeline.HAPPENING_KINDS)
    return wanted or timeline.DEFAULT_KINDS


@blueprint.get("/happening")
def happening() -> Any:
    """Announcements, solved questions, new articles and new superusers, newest first."""
    kinds = _kinds()
    entries = timeline.happening(state(), kinds=kinds)
    return render("forum/happening.html", entries=entries, kinds=kinds, all_kinds=timeline.HAPPENING_KINDS)


def _absolute(path: str) -> str:
    """A full address from ``FORUM_SITE_URL``, never from the request's Host header (a proxy may cache feeds)."""
    inside = path.removeprefix(request.script_root).removeprefix(state().setting("FORUM_URL_PREFIX"))
    return state().public_url(inside)


def _feed(title: str, subtitle: str, page_url: str, entries: list[Entry]) -> Response:
    site = str(state().setting("FORUM_SITE_URL") or "").rstrip("/")
    self_url = _absolute(request.full_path.rstrip("?"))
    body = feeds.atom(
        title=str(title), subtitle=str(subtitle), site=site, self_url=self_url, page_url=page_url, entries=entries
    )
    return Response(body, mimetype="application/atom+xml")


@blueprint.get("/feeds/happening.atom")
def feed_happening() -> Response:
    """The community timeline as Atom."""
    title = state().setting("FORUM_TITLE")
    return _feed(
        _("%(site)s: what's happening", site=title),
        _("Announcements, solved questions, new articles and superusers."),
        _absolute(url_for("forum.happening")),
        timeline.happening(state(), kinds=_kinds()),
    )


@blueprint.get("/feeds/c/<slug>.atom")
def feed_category(slug: str) -> Response:
    """New and solved questions, articles and announcements in one category."""
    found = categories.by_slug(state(), slug)
    if found is None:
        raise ForumError(_("We could not find that category. It may have been renamed."), status=404)
    entries = timeline.happening(state(), kinds=("announcement", "question", "solved", "article"), category_id=found.id)
    return _feed(
        f"{found.name}: {state().setting('FORUM_TITLE')}",
        found.description or found.name,
        _absolute(url_for("forum.category", slug=slug)),
        entries,
    )


@blueprint.get("/feeds/tags/<name>.atom")
def feed_tag(name: str) -> Response:
    """New and solved questions with one keyword."""
    entries = timeline.happening(state(), kinds=("question", "solved"), tag=name.lower())
    return _feed(
        _("Questions about %(tag)s", tag=name.lower()),
        _("New and solved questions tagged %(tag)s.", tag=name.lower()),
        url_for("forum.tag", name=name.lower(), _external=True),
        entries,
    )


@blueprint.get("/feeds/announcements/<forum_id:announcement_id>.atom")
def feed_announcement(announcement_id: int) -> Response:
    """One announcement's timeline of updates."""
    found = announcements.get(state(), announcement_id)
    prefix = state().setting("FORUM_URL_PREFIX")
    entries = [timeline.announcement_entry(state(), found, summary_chars=1000)]
    entries += [
        Entry(
            u.created_at,
            "update",
            f"{u.status}: {found.title}",
            f"{prefix}/announcements/{found.id}#update-{u.id}",
            key=f"announcement-{found.id}-update-{u.id}",
            summary=u.body_source[:1000],
        )
        for u in announcements.updates(state(), found)
    ]
    entries.reverse()
    return _feed(
        found.title,
        str(announcements.KIND_WORDS.get(found.kind, _("Announcement"))),
        _absolute(url_for("forum.announcement", announcement_id=found.id)),
        entries,
    )
