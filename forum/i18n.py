"""The forum's words in the reader's language: its own translation domain, the locale and time zone it picks,
and times said the way people say them.

The forum's catalogues live in their own Flask-Babel domain (``forum``), so a host's catalogues and its locale
selector keep working and the two never collide.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from babel import Locale, UnknownLocaleError
from babel.dates import format_datetime, format_skeleton, format_time, format_timedelta
from babel.numbers import format_decimal
from flask import Flask, current_app, g, has_app_context, has_request_context, request
from flask_babel import Babel, Domain, get_babel, get_locale, get_timezone
from jinja2 import pass_context
from jinja2.runtime import Context
from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from .users import UserAdapter

TRANSLATIONS = Path(__file__).parent / "translations"


def _directories() -> list[str]:
    """The forum's catalogues, then the host's own (``FORUM_TRANSLATION_DIRECTORIES``): Flask-Babel merges them in
    this order, so the host's words win where both have one."""
    extra = current_app.config.get("FORUM_TRANSLATION_DIRECTORIES") or () if has_app_context() else ()
    return [str(TRANSLATIONS), *(str(d) for d in extra)]


class ForumDomain(Domain):
    """The ``forum`` domain, reading the host's extra catalogue directories too, with one cache per app."""

    @property
    def translation_directories(self) -> list[str]:
        return _directories()

    def get_translations_cache(self, ctx: Any) -> dict[Any, Any]:
        if not has_app_context():
            return self.cache  # type: ignore[no-any-return]
        return current_app.extensions.setdefault("forum_translations", {})  # type: ignore[no-any-return]


domain = ForumDomain(domain="forum")

lazy_gettext = domain.lazy_gettext


def _catalogue(key: str = "forum_catalogue", find: Callable[[], Any] | None = None) -> Any:
    """This request's (or e-mail's) catalogue, the forum's (or, with ``find``, the host's): found once per locale
    and request, not once per word."""
    find = find or domain.get_translations
    try:
        store = g._get_current_object().__dict__
    except RuntimeError:  # no app at all: the words as written
        return find()
    # Flask-Babel keeps the locale in g for the request, and forces another while an e-mail is written.
    locale = _babel_kept("babel_locale") or get_locale()
    kept = store.get(key)
    if kept is None or kept[0] is not locale:
        kept = store[key] = (locale, find())
    return kept[1]


def gettext(message: str, **variables: Any) -> str:
    """The forum's words in the language of this page or e-mail."""
    found = str(_catalogue().ugettext(message))
    return found % variables if variables else found


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    """The plural the language needs for ``num``; ``%(num)s`` (or any variable given) is filled in."""
    variables.setdefault("num", num)
    return str(_catalogue().ungettext(singular, plural, num)) % variables


_ = gettext


def lazy_ngettext(singular: str, plural: str, num: int, **variables: Any) -> Any:
    """A plural that is worked out when shown, for words kept in module constants."""
    return domain.lazy_ngettext(singular, plural, num, **variables)


def plural_words(singular: str, plural: str) -> tuple[str, str]:
    """Marks a singular and plural pair for ``pybabel extract``, to be put into words later with ``ngettext``."""
    return singular, plural


def shipped_locales(directories: tuple[str, ...] = (str(TRANSLATIONS),)) -> tuple[str, ...]:
    """English, and every locale these directories hold a compiled ``forum`` catalogue for."""
    found = {p.parent.parent.name for d in directories for p in Path(d).glob("*/LC_MESSAGES/forum.mo")}
    return ("en", *sorted(found - {"en"}))


SHIPPED = shipped_locales()


def offered() -> tuple[str, ...]:
    """The locales this app can show: the forum's, and those the host added (found once per app)."""
    if not has_app_context() or not current_app.config.get("FORUM_TRANSLATION_DIRECTORIES"):
        return SHIPPED
    found = current_app.extensions.get("forum_locales")
    if found is None:
        found = current_app.extensions["forum_locales"] = shipped_locales(tuple(_directories()))
    return found


def best_locale(wanted: Any, offered_locales: tuple[str, ...] | None = None) -> str | None:
    """The offered locale that serves ``wanted`` ("de_AT" → "de"), or None when there is none."""
    if not wanted:
        return None
    offered_locales = offered() if offered_locales is None else offered_locales
    text = str(wanted)[:40].replace("-", "_")  # a header can say anything; a locale is short
    try:
        locale = Locale.parse(text)
    except (ValueError, TypeError, LookupError, UnknownLocaleError):
        return None
    full = str(locale)
    if full in offered_locales:
        return full
    return locale.language if locale.language in offered_locales else None


def _from_accept_language() -> str | None:
    """The best shipped locale among the browser's languages, in the order the browser prefers them."""
    for value, _quality in request.accept_languages:
        found = best_locale(value)
        if found:
            return found
    return None


def in_forum() -> bool:
    """True while serving one of the forum's own pages (including its API)."""
    return has_request_context() and (cast(Any, request)._get_current_object().blueprint or "").startswith("forum")


def _ask(selector: Callable[[], Any] | None) -> Any:
    """The host's selector's answer; None where it cannot answer (the worker has no request, and so no session)."""
    if selector is None:
        return None
    try:
        return selector()
    except RuntimeError:  # "working outside of request context": the forum's worker writing an e-mail
        return None


def _first_usable(
    host_selector: Callable[[], Any] | None,
    persons: Callable[[Any], Any],
    usable: Callable[[Any], Any],
    otherwise: Callable[[], Any],
) -> Any:
    """The host's answer if usable, then the signed-in person's own, then ``otherwise()``."""
    found = usable(_ask(host_selector))
    if found:
        return found
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        found = usable(persons(current_user))
        if found:
            return found
    return otherwise()


def pick_locale(host_selector: Callable[[], Any] | None, users: UserAdapter) -> str:
    """The host's choice when it made one the forum can serve, then the person's own, then the browser's."""
    return str(
        _first_usable(
            host_selector,
            users.locale,
            best_locale,
            lambda: _from_accept_language() or current_app.config["FORUM_DEFAULT_LOCALE"],
        )
    )


def _zone(name: Any) -> Any:
    """A time zone that exists, or None: a mistyped one in someone's profile must not break their pages."""
    if not name or not isinstance(name, str):
        return name or None
    import pytz

    try:
        return pytz.timezone(name)
    except pytz.UnknownTimeZoneError:
        return None


def pick_timezone(host_selector: Callable[[], Any] | None, users: UserAdapter) -> Any:
    """The host's choice, then the person's own, then ``FORUM_TIMEZONE`` (names that are no time zone are skipped)."""
    return _first_usable(
        host_selector, users.timezone, _zone, lambda: _zone(current_app.config["FORUM_TIMEZONE"]) or "UTC"
    )


def install(app: Flask, users: UserAdapter) -> None:
    """Use the host's Flask-Babel, or set one up; forum pages then pick their locale through ``pick_locale``.

    The host's own selectors still decide for the host's pages, and are asked first on the forum's.
    """
    app.extensions["forum_host_babel"] = "babel" in app.extensions  # the host has catalogues of its own
    if "babel" not in app.extensions:
        Babel(app, default_locale=app.config["FORUM_DEFAULT_LOCALE"], default_timezone="UTC")
    babel = get_babel(app)
    host_locale, host_timezone = babel.locale_selector, babel.timezone_selector

    def locale_selector() -> Any:
        if in_forum():
            return pick_locale(host_locale, users)
        return _ask(host_locale)

    def timezone_selector() -> Any:
        if in_forum():
            return pick_timezone(host_timezone, users)
        return _ask(host_timezone)

    babel.locale_selector, babel.timezone_selector = locale_selector, timezone_selector


def _babel_kept(name: str) -> Any:
    """What Flask-Babel keeps for this request (``babel_locale``, ``babel_tzinfo``), once it was asked: read here
    without its two trips through the ``g`` proxy, since a page asks for its language a dozen times."""
    try:
        kept = g._get_current_object().__dict__.get("_flask_babel")
    except RuntimeError:  # no app: Flask-Babel answers for itself
        return None
    return getattr(kept, name, None)


def current_locale() -> str:
    """The locale of this page or e-mail, as a string ("de", "en")."""
    return str(_babel_kept("babel_locale") or get_locale() or "en")


def page_language() -> str:
    """The ``lang`` attribute for this page: "de", "fr-CA"."""
    return current_locale().replace("_", "-")


def _locale() -> Locale:
    """The page's (or e-mail's) locale, English outside a request."""
    return get_locale() or Locale("en")


def page_direction() -> str:
    """ "rtl" for a right-to-left language a host added, so the layout (written with logical properties) flips."""
    return "rtl" if _locale().character_order == "right-to-left" else "ltr"


def _host_gettext(message: str) -> str:
    """The host's translation, for words of the host's layout drawn inside a forum page."""
    from flask_babel import get_translations

    return str(_catalogue("forum_host_catalogue", get_translations).ugettext(message))


def _translate(message: str) -> str:
    found = str(_catalogue().ugettext(message))
    if found != message or not current_app.extensions.get("forum_host_babel"):
        return found
    return _host_gettext(message)  # a word of the host's layout, in the host's own catalogue


def _filled(context: Context, words: str, variables: dict[str, Any] | None = None) -> str:
    """Words with their variables put in, escaped as Jinja escapes its own (the words are trusted, values not)."""
    found: Any = Markup(words) if context.eval_ctx.autoescape else words
    return found % variables if variables is not None else found  # type: ignore[no-any-return]


@pass_context
def template_gettext(context: Context, message: str, **variables: Any) -> str:
    """``_()`` and ``{% trans %}`` in templates: the forum's words, then the host's, escaped like Jinja's own."""
    return _filled(context, _translate(message), variables or None)


@pass_context
def template_ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
    """Plurals in templates, in the reader's language."""
    variables.setdefault("num", num)
    return _filled(context, str(_catalogue().ungettext(singular, plural, num)), variables)


def template_words() -> dict[str, Any]:
    """The names forum templates translate with."""
    return {"_": template_gettext, "gettext": template_gettext, "ngettext": template_ngettext}


def js_words_json() -> Markup:
    """The few words forum.js writes into pages, in the page's language (plurals as CLDR's "one" and "other"), as
    the JSON of the page's ``data-words`` attribute: made once a language, not serialised again on every page."""
    kept: dict[str, Markup] = current_app.extensions.setdefault("forum_js_words", {})
    language = current_locale()
    if language not in kept:
        kept[language] = Markup(htmlsafe_json_dumps(_js_words(), dumps=current_app.json.dumps))
    return kept[language]


def _js_words() -> dict[str, Any]:
    def plural(words: tuple[str, str]) -> dict[str, str]:
        return {"one": ngettext(*words, 1, count="%(count)s"), "other": ngettext(*words, 5, count="%(count)s")}

    return {
        "copied": gettext("Link copied. Paste it anywhere to share it."),
        "copy_failed": gettext("Select the link and copy it."),
        "new_answers": plural(plural_words("%(count)s new answer.", "%(count)s new answers.")),
        "show_it": gettext("Show it"),
        "show_them": gettext("Show them"),
        "bold_text": gettext("bold text"),
        "link_text": gettext("link text"),
        "code": gettext("code"),
        "draft_kept": gettext("We kept what you were writing here."),
        "start_again": gettext("Start again"),
        "cleared": gettext("Cleared. You can start again."),
        "people_found": plural(
            plural_words(
                "%(count)s person found. Up and down arrows to choose, Enter to pick.",
                "%(count)s people found. Up and down arrows to choose, Enter to pick.",
            )
        ),
    }


def number(value: Any) -> str:
    """A count as the reader writes it: "1,234" in English, "1.234" in German."""
    return format_decimal(value, locale=_locale())


#: Babel's units of time, largest first, in seconds (a month is 30 days, as Babel counts it).
UNIT_SECONDS = {
    "year": 31536000,
    "month": 2592000,
    "week": 604800,
    "day": 86400,
    "hour": 3600,
    "minute": 60,
    "second": 1,
}


def ago(when: dt.datetime | None, now: dt.datetime) -> str:
    """ "5 minutes ago": how people say time, in the reader's language; the whole units that have passed."""
    if when is None:
        return ""
    seconds = int((now - when).total_seconds())
    for unit, size in UNIT_SECONDS.items():
        if unit != "second" and seconds >= size:
            passed = dt.timedelta(seconds=(seconds // size) * size)
            return format_timedelta(-passed, threshold=1, add_direction=True, locale=_locale())
    return gettext("just now")


#: How each kind of date is written, as Babel skeletons: the locale decides the order and the words.
DATE_SKELETONS = {"date": "yMMMMd", "short_date": "yMMMd", "weekday": "yMMMEd"}


def from_now(count: int, unit: str) -> str:
    """ "in 5 minutes", "in 30 hours": a time still to come, in the reader's language and in the unit given."""
    # The threshold is the count itself, so Babel picks this unit and not a larger one ("in 1 day" for 30 hours).
    left = dt.timedelta(seconds=count * UNIT_SECONDS[unit])
    return format_timedelta(left, threshold=count, add_direction=True, locale=_locale())


def moment(value: dt.datetime | dt.date | None, kind: str = "datetime") -> str:
    """A stored UTC time in the reader's time zone and way of writing dates ("date", "short_date", "datetime",
    "weekday" or "time"); times name their zone."""
    if value is None:
        return ""
    locale = _locale()
    if not isinstance(value, dt.datetime):
        return format_skeleton(DATE_SKELETONS.get(kind, "yMMMMd"), value, locale=locale)
    zone = get_timezone()
    aware = value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value
    if kind in ("date", "short_date"):
        return format_skeleton(DATE_SKELETONS[kind], aware, tzinfo=zone, locale=locale)
    clock = format_time(aware, "short", tzinfo=zone, locale=locale)
    time = f"{clock} {format_datetime(aware, 'z', tzinfo=zone, locale=locale)}"
    if kind == "time":
        return time
    day = format_skeleton(
        DATE_SKELETONS["weekday" if kind == "weekday" else "short_date"], aware, tzinfo=zone, locale=locale
    )
    return str(locale.datetime_formats["medium"]).format(time, day)


def to_utc(value: dt.datetime) -> dt.datetime:
    """A time someone typed, read in their time zone (or the offset it carries), as stored: naive UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=get_timezone() or dt.UTC)
    return value.astimezone(dt.UTC).replace(tzinfo=None)


def timezone_name() -> str:
    """The reader's time zone, for saying which one a time is in."""
    return str(_babel_kept("babel_tzinfo") or get_timezone())


def in_locale(locale: str | None) -> Any:
    """Words for someone else (an e-mail, a notice) in their locale, not the one of the request at hand."""
    from flask_babel import force_locale

    return force_locale(best_locale(locale) or current_app.config["FORUM_DEFAULT_LOCALE"])


class Later:
    """Words to be put into a reader's language when they are read, not when they are written.

    A notice is stored as its English message and its parameters, and each reader sees it in their own language,
    whoever caused it. Parameters may be words of the forum themselves (a badge's name), kept the same way.
    """

    __slots__ = ("message", "plural", "count", "params")

    def __init__(self, message: str, params: dict[str, Any], plural: str | None = None, count: int | None = None):
        self.message, self.params, self.plural, self.count = message, params, plural, count

    def __str__(self) -> str:
        values = {key: _render(value) for key, value in self.params.items()}
        if self.plural is not None and self.count is not None:
            return ngettext(self.message, self.plural, self.count, **values)
        return gettext(self.message, **values)

    def __html__(self) -> str:
        return str(escape(str(self)))

    def to_data(self) -> dict[str, Any]:
        """A JSON-ready form, to store beside the notice."""
        data: dict[str, Any] = {"m": self.message, "p": {k: _store(v) for k, v in self.params.items()}}
        if self.plural is not None:
            data.update(pl=self.plural, n=self.count)
        return data

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Later:
        """The words back from their stored form."""
        params = {k: _load(v) for k, v in (data.get("p") or {}).items()}
        return cls(str(data["m"]), params, data.get("pl"), data.get("n"))


class Day:
    """A date inside stored words, written the reader's way when shown ("28 November 2026", "28. November 2026")."""

    __slots__ = ("day",)

    def __init__(self, day: dt.date) -> None:
        self.day = day

    def __str__(self) -> str:
        return moment(self.day, "date")


def later(message: str, **params: Any) -> Later:
    """Words for a notice or anything stored, put into the reader's language when shown."""
    return Later(message, params)


def joined(*parts: Any) -> Later:
    """Sentences kept apart, each put into the reader's language, and shown one after another."""
    names = [f"p{index}" for index in range(len(parts))]
    return Later(" ".join(f"%({name})s" for name in names), dict(zip(names, parts, strict=True)))


def later_plural(singular: str, plural: str, count: int, **params: Any) -> Later:
    """Like :func:`later`, with the plural form the count needs in the reader's language."""
    params.setdefault("count", count)
    return Later(singular, params, plural, count)


def _render(value: Any) -> Any:
    if isinstance(value, (Later, Day)):
        return str(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return number(value)
    return str(value) if _is_lazy(value) else value


def _is_lazy(value: Any) -> bool:
    return type(value).__name__ == "LazyString" and hasattr(value, "_args")


def _store(value: Any) -> Any:
    if isinstance(value, Day):
        return {"day": value.day.isoformat()}
    if isinstance(value, Later):
        return {"later": value.to_data()}
    if _is_lazy(value):  # a lazy_gettext string: keep its English words, to translate for each reader
        return {"later": {"m": str(value._args[0]), "p": {k: _store(v) for k, v in value._kwargs.items()}}}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    return str(value)


def _load(value: Any) -> Any:
    if isinstance(value, dict) and "later" in value:
        return Later.from_data(value["later"])
    if isinstance(value, dict) and "day" in value:
        return Day(dt.date.fromisoformat(value["day"]))
    return value


def stored(words: Any) -> tuple[str, str | None]:
    """The message to keep (as its writer reads it, for anything that reads the column) and its parameters."""
    if _is_lazy(words):
        words = _load(_store(words))
    if isinstance(words, Later):
        return str(words), json.dumps(words.to_data(), ensure_ascii=False)
    return str(words), None


def columns(words: Any, field: str = "text") -> dict[str, Any]:
    """A row's text column and its ``params`` column, from words that may be :class:`Later`."""
    text, params = stored(words)
    return {field: text, "params": params}


def shown(message: str, params: str | None) -> str:
    """A stored notice in the reader's language, or as it was written when it has no parameters."""
    if not params:
        return message
    try:
        return str(Later.from_data(json.loads(params)))
    except (ValueError, KeyError, TypeError):  # a catalogue that changed shape: the words as first written
        return message


def for_the_desk(message: Any, **params: Any) -> str:
    """Words the IT team's service desk receives: in the portal's default language, whoever wrote them.

    ``message`` is English words with their parameters, or words kept for later (``lazy_gettext``, :class:`Later`).
    """
    with in_locale(None):
        return gettext(message, **params) if isinstance(message, str) else str(message)
