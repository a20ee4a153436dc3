"""The guest page cache: a page made for one guest is sent to the next for a few seconds.

A page is kept only when nothing of the visitor's went into it or out with it: the session was empty and
stayed untouched (a host layout calling ``csrf_token()`` writes one into it), no CSP nonce went into it, and
no one, the host's own ``after_request`` handlers included, set a cookie. That is decided when the response
is finished, after Flask has saved the session. It is served only to visitors with an empty session.

Kept pages retire when a transaction that changed what guests see commits (not when someone posts: a refused
or empty guest POST changes nothing, so it retires nothing). The commit bumps the change counter: this
process's own, so other processes' pages expire after ``FORUM_GUEST_CACHE_SECONDS``; or, with
``FORUM_REDIS_URL``, one in Redis that every process reads before it serves a kept page, so none is stale.
Kept pages go out with ``Cache-Control: public, max-age=0, s-maxage=N``, for a proxy or CDN to keep as long.
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, g, has_app_context, request, request_finished, session
from flask_login import current_user

from .. import i18n
from ..models.transactions import on_every_session
from ..page_cache import PERSONAL, CachedPage
from ..state import get_state
from .blueprint import blueprint
from .common import htmx, state

#: Tables whose rows no guest page shows: changing them leaves kept pages as they are.
PERSONAL_TABLES = frozenset(
    {
        "forum_notification",
        "forum_notification_pref",
        "forum_mail_digest",
        "forum_suggestion_event",
        "forum_webhook_receipt",
        "forum_desk_job",
        "forum_announcement_person",
        "forum_follow",
        "forum_task_lease",
    }
)
_CHANGED = "forum_guest_pages_changed"


def _key() -> str | None:
    """The cache key of this request if a kept guest page may answer it, else None."""
    if request.method != "GET" or request.endpoint in (None, "forum.static") or request.blueprint != "forum" or htmx:
        return None
    if not current_app.config.get("FORUM_GUEST_CACHE_SECONDS"):
        return None
    if getattr(current_user, "is_authenticated", False) or session:
        return None
    return f"{i18n.current_locale()}|{request.full_path}|{request.cookies.get('forum_dismissed', '')}"


@blueprint.before_request
def cached_guest_page() -> Response | None:
    """Serve a guest the page another guest just got, if it is fresh."""
    key = _key()
    if key is None:
        return None
    changes = state().changes().current()
    page = state().guest_pages().get(key)
    if page is None or changes is None or page.changes != changes:
        g.forum_cache_key, g.forum_cache_changes = key, changes
        return None
    response = Response(page.body, status=200, content_type=page.content_type)
    response.headers["Cache-Control"] = _shared_cache_control()
    response.vary.add("Accept-Language")  # a shared cache must keep each language's page apart
    return response


def _shared_cache_control() -> str:
    """A reverse proxy or CDN may keep a guest page as long as this process does; browsers ask again."""
    return f"public, max-age=0, s-maxage={int(float(current_app.config['FORUM_GUEST_CACHE_SECONDS']))}"


def keep_guest_page(sender: Flask, response: Response, **_: Any) -> None:
    """Keep the finished page, unless anything of the visitor's is in it or went out with it."""
    key, changes = g.pop("forum_cache_key", None), g.pop("forum_cache_changes", None)
    if (
        key is not None
        and changes is not None
        and response.status_code == 200
        and response.mimetype == "text/html"
        and not response.direct_passthrough
        and "Set-Cookie" not in response.headers
        and not session.modified
        and not session
        and "forum_csp_nonce" not in g
    ):
        get_state(sender).guest_pages().put(key, CachedPage(response.get_data(), response.content_type, changes))
        response.headers["Cache-Control"] = _shared_cache_control()


def _tables_changed(session_: Any) -> set[str]:
    objects = [*session_.new, *session_.dirty, *session_.deleted]
    return {getattr(getattr(obj, "__table__", None), "name", "") for obj in objects}


def _before_flush(session_: Any, *_: Any) -> None:
    if _tables_changed(session_) - PERSONAL_TABLES:
        session_.info[_CHANGED] = True


def _orm_execute(orm_state: Any) -> None:
    """Bulk UPDATE, DELETE and INSERT statements are not flushed: read their table here."""
    if not (orm_state.is_update or orm_state.is_delete or orm_state.is_insert):
        return
    if orm_state.execution_options.get(PERSONAL):
        return
    table = getattr(orm_state.statement, "table", None)
    if getattr(table, "name", "") not in PERSONAL_TABLES:
        orm_state.session.info[_CHANGED] = True


def _after_commit(session_: Any) -> None:
    if not session_.info.pop(_CHANGED, False) or not has_app_context():
        return
    forum = current_app.extensions.get("forum")
    if forum is not None:
        forum.changes().bump()


def _after_rollback(session_: Any, *_: Any) -> None:
    session_.info.pop(_CHANGED, None)


def watch(app: Flask) -> None:
    """Keep ``app``'s finished guest pages; forget them when what guests see changes (listeners: once a process)."""
    request_finished.connect(keep_guest_page, app, weak=False)
    on_every_session(
        (
            ("before_flush", _before_flush),
            ("do_orm_execute", _orm_execute),
            ("after_commit", _after_commit),
            ("after_soft_rollback", _after_rollback),
        )
    )
