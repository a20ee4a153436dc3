"""The forum's words in the reader's language: its own translation domain, the locale and time zone it picks,
and times said the way people say them.

The forum's catalogues live in their own Flask-Babel domain (``forum``), so a host's catalogues and its locale
selector keep working and the two never collide.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from babel import Locale
from babel.dates import format_datetime, format_skeleton, format_time, format_timedelta
from babel.numbers import format_decimal
from flask import Flask, current_app, has_request_context, request
from flask_babel import Babel, Domain, get_babel, get_locale, get_timezone
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

if TYPE_CHECKING:
    from .users import UserAdapter

TRANSLATIONS = Path(__file__).parent / "translations"
domain = Domain(translation_directories=[str(TRANSLATIONS)], domain="forum")

gettext = domain.gettext
ngettext = domain.ngettext
lazy_gettext = domain.lazy_gettext
_ = gettext


def lazy_ngettext(singular: str, plural: str, num: int, **variables: Any) -> Any:
    """A plural that is worked out when shown, for words kept in module constants."""
    return domain.lazy_ngettext(singular, plural, num, **variables)


def shipped_locales() -> tuple[str, ...]:
    """English, and every locale the forum has a compiled catalogue for."""
    found = sorted(p.parent.parent.name for p in TRANSLATIONS.glob("*/LC_MESSAGES/forum.mo"))
    return ("en", *found)


SHIPPED = shipped_locales()


def best_locale(wanted: Any, offered: tuple[str, ...] = SHIPPED) -> str | None:
    """The offered locale that serves ``wanted`` ("de_AT" → "de"), or None when there is none."""
    if not wanted:
        return None
    try:
        locale = Locale.parse(str(wanted).replace("-", "_"))
    except (ValueError, TypeError, LookupError):
        return None
    full = str(locale)
    if full in offered:
        return full
    return locale.language if locale.language in offered else None


def _from_accept_language() -> str | None:
    """The best shipped locale among the browser's languages, in the order the browser prefers them."""
    for value, _quality in request.accept_languages:
        found = best_locale(value)
        if found:
            return found
    return None


def in_forum() -> bool:
    """True while serving one of the forum's own pages (including its API)."""
    return has_request_context() and (request.blueprint or "").startswith("forum")


def pick_locale(host_selector: Callable[[], Any] | None, users: UserAdapter) -> str:
    """The host's choice when it made one the forum can serve, then the person's own, then the browser's."""
    if host_selector is not None:
        found = best_locale(host_selector())
        if found:
            return found
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        found = best_locale(users.locale(current_user))
        if found:
            return found
    return _from_accept_language() or current_app.config["FORUM_DEFAULT_LOCALE"]


def pick_timezone(host_selector: Callable[[], Any] | None, users: UserAdapter) -> Any:
    """The host's choice, then the person's own, then ``FORUM_TIMEZONE``."""
    if host_selector is not None:
        chosen = host_selector()
        if chosen:
            return chosen
    from flask_login import current_user

    if getattr(current_user, "is_authenticated", False):
        chosen = users.timezone(current_user)
        if chosen:
            return chosen
    return current_app.config["FORUM_TIMEZONE"]


def install(app: Flask, users: UserAdapter) -> None:
    """Use the host's Flask-Babel, or set one up; forum pages then pick their locale through ``pick_locale``.

    The host's own selectors still decide for the host's pages, and are asked first on the forum's.
    """
    if "babel" not in app.extensions:
        Babel(app, default_locale=app.config["FORUM_DEFAULT_LOCALE"], default_timezone="UTC")
    babel = get_babel(app)
    host_locale, host_timezone = babel.locale_selector, babel.timezone_selector

    def locale_selector() -> Any:
        if in_forum():
            return pick_locale(host_locale, users)
        return host_locale() if host_locale is not None else None

    def timezone_selector() -> Any:
        if in_forum():
            return pick_timezone(host_timezone, users)
        return host_timezone() if host_timezone is not None else None

    babel.locale_selector, babel.timezone_selector = locale_selector, timezone_selector


def current_locale() -> str:
    """The locale of this page or e-mail, as a string ("de", "en")."""
    return str(get_locale() or "en")


def page_language() -> str:
    """The ``lang`` attribute for this page: "de", "fr-CA"."""
    return current_locale().replace("_", "-")


def page_direction() -> str:
    """ "rtl" for a right-to-left language a host added, so the layout (written with logical properties) flips."""
    return "rtl" if Locale.parse(current_locale()).character_order == "right-to-left" else "ltr"


def _host_gettext(message: str) -> str:
    """The host's translation, for words of the host's layout drawn inside a forum page."""
    from flask_babel import get_translations

    return str(get_translations().ugettext(message))


def _translate(message: str) -> str:
    found = str(domain.get_translations().ugettext(message))
    return found if found != message else _host_gettext(message)


@pass_context
def template_gettext(context: Context, message: str, **variables: Any) -> str:
    """``_()`` and ``{% trans %}`` in templates: the forum's words, then the host's, escaped like Jinja's own."""
    found: Any = _translate(message)
    if context.eval_ctx.autoescape:
        found = Markup(found)
    return found % variables if variables else found  # type: ignore[no-any-return]


@pass_context
def template_ngettext(context: Context, singular: str, plural: str, num: int, **variables: Any) -> str:
    """Plurals in templates, in the reader's language."""
    variables.setdefault("num", num)
    found: Any = str(domain.get_translations().ungettext(singular, plural, num))
    if context.eval_ctx.autoescape:
        found = Markup(found)
    return found % variables  # type: ignore[no-any-return]


def template_words() -> dict[str, Any]:
    """The names forum templates translate with."""
    return {"_": template_gettext, "gettext": template_gettext, "ngettext": template_ngettext}


def number(value: Any) -> str:
    """A count as the reader writes it: "1,234" in English, "1.234" in German."""
    return format_decimal(value, locale=get_locale() or "en")


def ago(when: dt.datetime | None, now: dt.datetime) -> str:
    """ "5 minutes ago": how people say time, in the reader's language; the whole units that have passed."""
    if when is None:
        return ""
    seconds = int((now - when).total_seconds())
    for size in (31536000, 2592000, 604800, 86400, 3600, 60):
        if seconds >= size:
            passed = dt.timedelta(seconds=(seconds // size) * size)
            return format_timedelta(-passed, threshold=1, add_direction=True, locale=get_locale() or "en")
    return gettext("just now")


#: How each kind of date is written, as Babel skeletons: the locale decides the order and the words.
DATE_SKELETONS = {"date": "yMMMMd", "short_date": "yMMMd", "weekday": "yMMMEd"}


def moment(value: dt.datetime | dt.date | None, kind: str = "datetime") -> str:
    """A stored UTC time in the reader's time zone and way of writing dates ("date", "short_date", "datetime",
    "weekday" or "time"); times name their zone."""
    if value is None:
        return ""
    locale = Locale.parse(current_locale())
    if not isinstance(value, dt.datetime):
        return format_skeleton(DATE_SKELETONS.get(kind, "yMMMMd"), value, locale=locale)
    zone = get_timezone()
    aware = value.replace(tzinfo=dt.timezone.utc) if value.tzinfo is None else value
    if kind in ("date", "short_date"):
        return format_skeleton(DATE_SKELETONS[kind], aware, tzinfo=zone, locale=locale)
    time = f"{format_time(aware, 'short', tzinfo=zone, locale=locale)} {format_datetime(aware, 'z', tzinfo=zone, locale=locale)}"
    if kind == "time":
        return time
    day = format_skeleton(DATE_SKELETONS["weekday" if kind == "weekday" else "short_date"], aware, tzinfo=zone, locale=locale)
    return str(locale.datetime_formats["medium"]).format(time, day)


def to_utc(value: dt.datetime) -> dt.datetime:
    """A time someone typed, read in their time zone (or the offset it carries), as stored: naive UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=get_timezone() or dt.timezone.utc)
    return value.astimezone(dt.timezone.utc).replace(tzinfo=None)


def timezone_name() -> str:
    """The reader's time zone, for saying which one a time is in."""
    return str(get_timezone())


def in_locale(locale: str | None) -> Any:
    """Words for someone else (an e-mail, a notice) in their locale, not the one of the request at hand."""
    from flask_babel import force_locale

    return force_locale(best_locale(locale) or current_app.config["FORUM_DEFAULT_LOCALE"])


def locale_of(users: UserAdapter, user: Any) -> str:
    """Which language to write to this person in when they are not the one asking: their own, else the default."""
    return best_locale(users.locale(user)) or current_app.config["FORUM_DEFAULT_LOCALE"]

