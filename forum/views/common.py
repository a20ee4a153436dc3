"""What every forum page shares: who is looking, error pages, security headers, template helpers."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from flask import Response, abort, current_app, g, render_template, request, url_for
from flask_htmx import HTMX
from flask_login import current_user, login_url
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from .. import i18n, members
from ..errors import ForumError, NotAllowed
from ..gamification.rules import LEVEL_NAMES
from ..i18n import lazy_gettext as _l
from ..models import Post, Thread, utcnow
from ..notifications.announcements import KIND_WORDS
from ..notifications.following import LEVEL_WORDS
from ..state import ForumState, get_state
from ..threads import posting, reactions
from ..threads.categories import slugify
from ..threads.reader_marks import post_and_reader
from .blueprint import InvisibleCharacter, blueprint

T = TypeVar("T")

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Callable

    from flask_wtf import FlaskForm

    from ..page_cache import TimedCache
    from ..users import ForumUser

#: Reads htmx's request headers; it holds no app, so one object serves every app.
htmx = HTMX()


def state() -> ForumState:
    """The forum state of the current app."""
    return get_state()


def request_globals() -> Any:
    """This request's ``g`` itself, for code that reads it often: reading an attribute through the ``g`` proxy
    first fails on the proxy (an ``AttributeError`` made and dropped, about a microsecond each time)."""
    return g._get_current_object()


def host_person() -> ForumUser | None:
    """The signed-in person as the host knows them, before the forum reads its own row (their level, their unread
    notices): for a page whose one query reads that row too and hands it to ``viewer``."""
    store = request_globals()
    if "forum_viewer" in store:
        return store.forum_viewer  # type: ignore[no-any-return]
    if "forum_host_person" not in store:  # a page asks before its query and again after it: detach the user once
        user = current_user._get_current_object() if current_user else None
        signed_in = user is not None and getattr(user, "is_authenticated", False)
        store.forum_host_person = state().users.to_forum_user(user) if signed_in else None
    return store.forum_host_person  # type: ignore[no-any-return]


def viewer(row: Any = None) -> ForumUser | None:
    """The signed-in person as the forum sees them, or ``None`` for a guest; ``row``, the first time in a request,
    is their own row (``members.reader_columns``) as a page's query read it."""
    store = request_globals()
    if "forum_viewer" not in store:
        person = host_person()
        found = members.signed_in(state(), person, row) if person is not None else (None, 0)
        store.forum_viewer, store.forum_unread = found
    return store.forum_viewer  # type: ignore[no-any-return]


def post_to_change(post_id: int) -> tuple[Any, int | None, list[Any] | None]:
    """The post a signed-in person likes or unlikes, with its thread, read with their own row in one query; the
    likes they gave today, when they are a newcomer with a daily allowance (``None``: not counted); and the post's
    first likers (``reactions.set_like``'s ``likers``)."""
    person = host_person()
    if person is None:
        return posting.get_post(state(), post_id, viewer()), None, None
    post, row = post_and_reader(state(), post_id, person.id)
    post = posting.visible_post(post, viewer(row))
    return post, row.likes_today, reactions.likers_from(state(), row.likers)


def only(allowed: Callable[[ForumUser], bool], message: str) -> ForumUser:
    """The signed-in person, if ``allowed`` lets them in; otherwise a plain "only …" refusal."""
    person = viewer()
    if person is None or not allowed(person):
        raise NotAllowed(message)
    return person


def is_admin(person: ForumUser) -> bool:
    return person.is_admin


def is_it_team(person: ForumUser) -> bool:
    """Desk agents and portal admins."""
    return person.is_agent or person.is_admin


def me() -> ForumUser:
    """The signed-in person, in views that ``login_required`` guards."""
    person = viewer()
    if person is None:  # login_required lets guests through when the host sets LOGIN_DISABLED
        abort(401)
    return person


#: No list has more pages than this; a larger page number is "not found", never an overflowing OFFSET.
MAX_PAGE = 100_000


def page_arg() -> int:
    """The ``page`` query argument; nonsense means the first page, and past the last possible one, not found."""
    raw = request.args.get("page", "").strip()
    if not (raw.isascii() and raw.isdigit()):
        return 1
    if len(raw) > len(str(MAX_PAGE)) or int(raw) > MAX_PAGE:
        abort(404)
    return int(raw) or 1


def render(template: str, status: int = 200, **context: Any) -> tuple[bytes, int]:
    """Render a forum template with a status code, as the UTF-8 the response sends."""
    return utf8(render_template(template, **context)), status


#: How much of a page is encoded at a time (see ``utf8``).
UTF8_CHUNK = 4096
#: After this many pieces that are not plain ASCII, the rest of a page is encoded in one go.
UTF8_MIXED_PIECES = 8


def utf8(text: str) -> bytes:
    """``text.encode()``, in pieces where only a few characters are not ASCII.

    One "ç" anywhere on a page (a portal's "Français") or one curly quote in a post makes Python encode every
    character of the page one by one (a tenth of a signed-in thread page's instructions); a piece without one is
    copied as it is. A page in a language written mostly outside ASCII is encoded whole after a few pieces.
    """
    if text.isascii():
        return text.encode()
    pieces, mixed = [], 0
    for start in range(0, len(text), UTF8_CHUNK):
        piece = text[start : start + UTF8_CHUNK]
        if not piece.isascii():
            mixed += 1
            if mixed > UTF8_MIXED_PIECES:
                pieces.append(text[start:].encode())
                break
        pieces.append(piece.encode())
    return b"".join(pieces)


def form_error(form: FlaskForm, error: ForumError) -> None:
    """Show a service's message beside the field it is about, or above the form."""
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def csrf_failed(form: FlaskForm) -> bool:
    """True when a posted form lacks a valid CSRF token (expired page, or forged)."""
    form.validate()
    return "csrf_token" in form.errors


def require_token() -> None:
    """Buttons that change something post only a CSRF token; refuse the post without a valid one (checked as
    Flask-WTF checks a form's, without building a form object on every like)."""
    if not csrf_enabled():
        return
    from flask_wtf.csrf import validate_csrf
    from wtforms import ValidationError

    try:
        validate_csrf(request.form.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")))
    except ValidationError:
        raise ForumError(CSRF_MESSAGE) from None


CSRF_MESSAGE = _l("This page was open too long, so we could not save that. Please reload the page and try again.")


def submit(form: FlaskForm, action: Callable[[], T]) -> tuple[T | None, int]:
    """Run a posted form's service call: its result and 200, or ``None`` and the status with the reason shown on the
    form (an expired page, or the service's own words beside the field they are about)."""
    if csrf_failed(form):
        form.form_errors.append(CSRF_MESSAGE)
        return None, 400
    try:
        return action(), 200
    except ForumError as error:
        form_error(form, error)
        return None, error.status


def error_page(message: str, status: int) -> tuple[bytes, int]:
    """The error in the forum's layout; for htmx, only the sentence, in place of the button that was pressed."""
    if htmx:
        return render("forum/partials/_inline_error.html", status, message=message)
    return render("forum/error.html", status, message=message, code=status)


@blueprint.errorhandler(ForumError)
def forum_error(error: ForumError) -> Any:
    """A person's request could not be done: say why, in their words (and, for a rate limit, when to go on)."""
    return (*error_page(error.message, error.status), retry_headers(error))


def retry_headers(error: ForumError) -> dict[str, str]:
    """``Retry-After`` for a rate limit, so browsers and scripts know when to try again."""
    retry_after = getattr(error, "retry_after", None)
    return {"Retry-After": str(retry_after)} if retry_after else {}


@blueprint.errorhandler(CSRFError)
def csrf_error(error: CSRFError) -> tuple[bytes, int]:
    """Raised when the host uses CSRFProtect app-wide."""
    return error_page(CSRF_MESSAGE, 400)


FRIENDLY = {
    400: _l("Something in that request did not make sense to us. Go back and try again."),
    401: _l("Please sign in first, then try again."),
    403: _l("You do not have permission to do that."),
    404: _l("We could not find that page. It may have been moved or removed."),
    405: _l("That page cannot be used that way. Go back and use the buttons on the page."),
    413: _l("That was too much to send at once. Please shorten your text and try again."),
}


@blueprint.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Any:
    """Plain words instead of a bare status page, inside the forum's layout."""
    status = error.code or 500
    if status not in FRIENDLY:
        return error
    message = error.description if isinstance(error, InvisibleCharacter) else FRIENDLY[status]
    return error_page(message, status)


@blueprint.after_request
def security_headers(response: Response) -> Response:
    """Forum pages forbid inline and injected script, whatever a post contains (the host layout's own inline
    scripts run when they carry ``nonce="{{ csp_nonce() }}"``), and tell other sites only where a visit came from."""
    policy = current_app.config.get("FORUM_CONTENT_SECURITY_POLICY")
    if policy and response.mimetype == "text/html":
        response.headers.setdefault("Content-Security-Policy", with_nonce(policy, g.get("forum_csp_nonce")))
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    response.vary.add("HX-Request")
    return response


def csp_nonce() -> str:
    """A fresh value per page for the host layout's inline scripts and styles: ``<script nonce="{{ csp_nonce() }}">``.

    A page that used one is never kept for other guests (a nonce must not be sent twice).
    """
    if "forum_csp_nonce" not in g:
        g.forum_csp_nonce = secrets.token_urlsafe(18)
    return str(g.forum_csp_nonce)


def with_nonce(policy: str, nonce: str | None) -> str:
    """The policy with ``'nonce-…'`` added to its script and style sources, when the page used a nonce."""
    if not nonce:
        return policy
    directives = [d.strip() for d in policy.split(";") if d.strip()]
    sources = ("script-src", "style-src")
    return "; ".join(f"{d} 'nonce-{nonce}'" if d.split(" ", 1)[0] in sources else d for d in directives)


def request_now() -> dt.datetime:
    """The time, read once per request."""
    if "forum_now" not in g:
        g.forum_now = utcnow()  # reading the clock is a system call
    return g.forum_now  # type: ignore[no-any-return]


def fixed_url(endpoint: str, **values: Any) -> str:
    """``url_for`` for addresses that never change while the app runs: the bar's links and the static files."""
    key = ("url", request.script_root, endpoint, tuple(sorted(values.items())))
    return str(state().once(key, lambda: url_for(endpoint, **values)))


@blueprint.app_template_global("forum_fixed_part")
def fixed_part(template: str, *depends: Any) -> Markup:
    """A part of every forum page that never changes while the app runs (its stylesheet, icons and scripts), rendered
    once for each address the forum is reached at (and each value of ``depends``) rather than on every page."""
    key = ("part", request.script_root, template, *depends)
    return state().once(key, lambda: Markup(render_template(template)))  # type: ignore[no-any-return]


@blueprint.app_template_global("forum_root_open")
def root_open() -> Markup:
    """The opening tag of the forum's part of the page, the same on every page in one language: rendered once per
    language and settings it shows (it names nine things, each a template call when written out on every page)."""
    config = state().config
    settings = ("FORUM_DARK_MODE", "FORUM_BELL_SECONDS", "FORUM_OFFLINE_PAGES")
    live = config.get("FORUM_LIVE_STREAMS") is not None
    return fixed_part("forum/partials/_root_open.html", i18n.current_locale(), live, *(config.get(s) for s in settings))


def forum_login_url() -> str:
    """The host's login page, coming back here afterwards."""
    manager = getattr(current_app, "login_manager", None)
    view = getattr(manager, "login_view", None)
    return login_url(view, next_url=request.url) if view else "#"


class Links:
    """Addresses repeated on every row of a list, built from the forum's prefix.

    ``url_for`` costs tens of microseconds and a thread page needs hundreds of links;
    tests check that these agree with ``url_for``.
    """

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix.rstrip("/")

    def post(self, post_id: Any) -> str:
        return f"{self.prefix}/p/{post_id}"

    def edit(self, post_id: Any) -> str:
        return f"{self.prefix}/p/{post_id}/edit"

    def history(self, post_id: Any) -> str:
        return f"{self.prefix}/p/{post_id}/history"

    def delete(self, post_id: Any) -> str:
        return f"{self.prefix}/p/{post_id}/delete"

    def restore(self, post_id: Any) -> str:
        return f"{self.prefix}/p/{post_id}/restore"

    def like(self, post_id: Any) -> str:
        return f"{self.prefix}/p/{post_id}/like"

    def unlike(self, post_id: Any) -> str:
        return f"{self.prefix}/p/{post_id}/unlike"

    def share(self, post_id: Any) -> str:
        return f"{self.prefix}/p/{post_id}/share"

    def accept(self, thread_id: Any) -> str:
        return f"{self.prefix}/t/{thread_id}/accept"

    def profile(self, user_id: Any) -> str:
        return f"{self.prefix}/u/{quote(str(user_id), safe='')}"

    def thread(self, thread: Thread) -> str:
        return f"{self.prefix}/t/{thread.id}/{slugify(thread.title, fallback='question')}"

    def category(self, slug: str) -> str:
        return f"{self.prefix}/c/{quote(slug, safe='')}"

    def tag(self, name: str) -> str:
        return f"{self.prefix}/tags/{quote(name, safe='')}"


def links() -> Links:
    """The link builder for this request."""
    if "forum_links" not in g:
        g.forum_links = Links(fixed_url("forum.home"))
    return g.forum_links  # type: ignore[no-any-return]


def thread_url(thread: Thread, **params: Any) -> str:
    """The address of a thread, with a readable slug."""
    return url_for("forum.thread", thread_id=thread.id, slug=slugify(thread.title, fallback="question"), **params)


def post_url(post: Post) -> str:
    """The permanent address of one post, for sharing."""
    return links().post(post.id)


@blueprint.app_template_filter("forum_ago")
def ago_filter(when: dt.datetime | None) -> str:
    """Relative time for templates."""
    return i18n.ago(when, request_now())


@blueprint.app_template_filter("forum_date")
def date_filter(value: dt.datetime | dt.date | None, kind: str = "date") -> str:
    """A date (or, with "datetime", "time" or "weekday", a time) as the reader writes it, in their time zone."""
    return i18n.moment(value, kind)


@blueprint.app_template_filter("forum_time")
def time_filter(value: dt.datetime | None) -> str:
    """A time of day in the reader's time zone, with the zone's name."""
    return i18n.moment(value, "time")


@blueprint.app_template_filter("forum_notice")
def notice_filter(row: Any) -> str:
    """A notice in the reader's language, whoever caused it."""
    return i18n.shown(row.message, row.params)


@blueprint.app_template_filter("forum_said")
def said_filter(row: Any) -> str:
    """A timeline event's words in the reader's language (the IT team's own replies as they wrote them)."""
    return i18n.shown(row.text, row.params)


@blueprint.app_template_filter("forum_points")
def points_filter(count: int) -> str:
    """ "1 point", "12 points", in the reader's language and way of writing numbers."""
    return i18n.ngettext("%(count)s point", "%(count)s points", count, count=i18n.number(count))


@blueprint.app_template_filter("forum_iso")
def iso_filter(when: dt.datetime | None) -> str:
    """Machine-readable time for ``<time datetime>``."""
    return "" if when is None else when.replace(microsecond=0).isoformat() + "Z"


def unread_count() -> int:
    """The number on the notifications link, read with the signed-in person at the start of the request."""
    viewer()
    return int(g.forum_unread)


@blueprint.app_template_global("forum_banners")
def forum_banners() -> list[Any]:
    """Active announcements this person has not hidden; host pages may show them too."""
    from ..notifications.announcements import banners_for

    if "forum" not in current_app.extensions:
        return []
    return banners_for(state(), viewer(), request.cookies.get("forum_dismissed", ""))


def page_token() -> str:
    """The CSRF token of this page's buttons, or "" when the host switched CSRF off (WTF_CSRF_ENABLED): Flask-WTF
    signs it once a request and keeps it in ``g``, so no form object is built on a busy page just to read it."""
    if not csrf_enabled():
        return ""
    from flask_wtf.csrf import generate_csrf

    return str(generate_csrf())


def csrf_enabled() -> bool:
    """False when the host switched Flask-WTF's CSRF check off (``WTF_CSRF_ENABLED = False``, common in tests)."""
    return bool(current_app.config.get("WTF_CSRF_ENABLED", True))


@blueprint.app_template_global("forum_csrf_field")
def forum_csrf_field(form: Any = None) -> Markup:
    """A form's hidden CSRF input (or a fresh one for buttons with no form object); nothing when CSRF is off."""
    if not csrf_enabled():
        return Markup("")
    field = getattr(form, "csrf_token", None)
    if field is not None:
        return Markup(field(id=False))
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(page_token())


def thread_rows(threads: Any) -> list[Markup]:
    """A thread list's rows, each rendered once per version of its thread and kept for every reader."""
    cache = get_state().thread_rows()
    template = current_app.jinja_env.get_template("forum/partials/_thread_row.html")
    rows, language, words, prefix = [], i18n.current_locale(), i18n.template_words(), request.script_root
    for thread in threads.page.items:
        key = (thread.id, thread.version, language, prefix)  # its links carry the prefix
        row = cache.get(key) if cache is not None else None
        if row is None:
            row = Markup(
                template.render(
                    thread=thread,
                    users=threads.users,
                    categories=threads.categories,
                    tags=threads.tags,
                    links=links(),
                    **words,
                )
            )
            if cache is not None:
                cache.put(key, row)
        rows.append(row)
    return rows


class KeptPart:
    """A part of a page that every reader of a language sees alike, rendered only when its key is new.

    The key holds everything the part shows that can change (for a list: each thread's id and version, the
    categories); a part is kept no longer than ``FORUM_THREAD_CACHE_SECONDS``, as list rows are.
    """

    def __init__(
        self,
        key: tuple[Any, ...],
        template: str,
        kept: Callable[[ForumState], TimedCache[Any] | None] = ForumState.list_parts,
        **context: Any,
    ) -> None:
        self.key, self.template, self.kept, self.context = key, template, kept, context

    def __html__(self) -> str:
        cache = self.kept(get_state())
        key = (self.template, request.script_root, i18n.current_locale(), *self.key)
        found = cache.get(key) if cache is not None else None
        if found is None:
            found = Markup(render_template(self.template, **self.context))
            if cache is not None:
                cache.put(key, found)
        return str(found)


def forum_bar() -> KeptPart:
    """The menu bar, kept for each person (or for guests) with everything it shows that can change in its key."""
    person = viewer()
    config = current_app.config
    searched = request.args.get("q", "") if request.endpoint == "forum.search_page" else ""
    if person is None:
        who: tuple[Any, ...] = (request.url if config["FORUM_BAR_LOGIN_LINK"] else None,)  # logging in comes back
    else:
        who = (person.id, person.is_agent, person.is_admin, person.level, unread_count())
    settings = (config["FORUM_TITLE"], config["FORUM_BASE_TEMPLATE"], config["FORUM_BELL_SECONDS"])
    return KeptPart((*who, searched, *settings), "forum/partials/_bar.html", kept=ForumState.bars)


def list_key(threads: Any) -> tuple[Any, ...]:
    """What a thread list shows that can change: its page, its threads' versions, whether more follow."""
    page = threads.page
    return page.page, page.has_next, tuple((t.id, t.version) for t in page.items)


@blueprint.app_context_processor
def forum_context() -> dict[str, Any]:
    """What every forum template can use."""
    if "forum" not in current_app.extensions or not (request.blueprint or "").startswith("forum"):
        return {}
    return {
        "forum_viewer": viewer(),
        "forum_title": current_app.config["FORUM_TITLE"],
        "forum_base_template": current_app.config["FORUM_BASE_TEMPLATE"],
        "forum_landmarks": current_app.config["FORUM_BASE_TEMPLATE"] == "forum/layout.html",
        "thread_url": thread_url,
        "post_url": post_url,
        "links": links(),
        "thread_rows": thread_rows,
        "forum_bar": forum_bar,
        "forum_unread": unread_count,
        "forum_login_url": forum_login_url,
        "forum_url": fixed_url,
        "forum_now": request_now,
        "htmx": htmx,
        "forum_announcement_kinds": KIND_WORDS,
        "follow_words": LEVEL_WORDS,
        "level_names": LEVEL_NAMES,
        "forum_lang": i18n.page_language,
        "forum_dir": i18n.page_direction,
        "forum_zone": i18n.timezone_name,
        "forum_js_words": i18n.js_words_json,
        "forum_shown": i18n.shown,
        **i18n.template_words(),
    }
