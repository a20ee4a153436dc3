"""Rate limits per action and level, through the ``limits`` library (in memory, or Redis shared by every process).

Plain functions: ``allow(state, person, "answer")`` raises :class:`RateLimited` with words people understand, or
counts the action. Silenced members are stopped here too, before any limit is counted.
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING

from limits import RateLimitItem, parse_many

from .. import i18n
from ..errors import ForumError, NotAllowed
from ..i18n import _, ngettext, plural_words
from ..i18n import lazy_gettext as _l
from . import silence

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser

log = logging.getLogger(__name__)

#: Per action, per level (0 Newcomer, 1 Member, 2 Regular, 3 Superuser, 4 Champion): "N per period", several
#: joined by ";". The IT team has no limits. See the README for how these compare with Discourse and Stack Exchange.
DEFAULT_LIMITS: dict[str, dict[int, str]] = {
    "question": {0: "3 per hour", 1: "10 per hour", 2: "20 per hour", 3: "30 per hour", 4: "30 per hour"},
    "answer": {
        0: "3 per 5 minutes; 20 per day",
        1: "10 per 5 minutes",
        2: "20 per 5 minutes",
        3: "40 per 5 minutes",
        4: "40 per 5 minutes",
    },
    "like": {0: "10 per minute", 1: "30 per minute", 2: "30 per minute", 3: "60 per minute", 4: "60 per minute"},
    "share": {0: "5 per minute", 1: "10 per minute", 2: "20 per minute", 3: "20 per minute", 4: "20 per minute"},
    "flag": {0: "10 per day", 1: "20 per day", 2: "30 per day", 3: "50 per day", 4: "100 per day"},
    "mention": {0: "10 per day", 1: "50 per day", 2: "100 per day", 3: "200 per day", 4: "200 per day"},
}
#: People one post may @mention, per level.
MENTIONS_PER_POST = {0: 2, 1: 5, 2: 10, 3: 20, 4: 20}
#: "You can … again in 2 minutes", per action.
AGAIN = {
    "question": _l("You can ask again %(when)s"),
    "answer": _l("You can post again %(when)s"),
    "like": _l("You can like posts again %(when)s"),
    "share": _l("You can send links to colleagues again %(when)s"),
    "flag": _l("You can flag posts again %(when)s"),
    "mention": _l("You can mention people again %(when)s"),
}
#: "new members can post 3 answers in 5 minutes", per action, with its plural.
RULE = {
    "question": plural_words(
        "%(who)s can ask %(count)s question %(span)s", "%(who)s can ask %(count)s questions %(span)s"
    ),
    "answer": plural_words("%(who)s can post %(count)s answer %(span)s", "%(who)s can post %(count)s answers %(span)s"),
    "like": plural_words("%(who)s can give %(count)s like %(span)s", "%(who)s can give %(count)s likes %(span)s"),
    "share": plural_words("%(who)s can send %(count)s link %(span)s", "%(who)s can send %(count)s links %(span)s"),
    "flag": plural_words("%(who)s can send %(count)s flag %(span)s", "%(who)s can send %(count)s flags %(span)s"),
    "mention": plural_words(
        "%(who)s can make %(count)s mention %(span)s", "%(who)s can make %(count)s mentions %(span)s"
    ),
}
#: Who a limit is for: at the start of a sentence, and inside one.
WHO = {0: _l("New members"), 1: _l("Members"), 2: _l("Regulars"), 3: _l("Superusers"), 4: _l("Champions")}
WHO_INSIDE = {0: _l("new members"), 1: _l("members"), 2: _l("regulars"), 3: _l("superusers"), 4: _l("champions")}
#: "a minute", "an hour": a limit's period when it is one of its unit.
ONE = {
    "second": _l("a second"),
    "minute": _l("a minute"),
    "hour": _l("an hour"),
    "day": _l("a day"),
    "month": _l("a month"),
    "year": _l("a year"),
}
#: "in 5 minutes": a limit's period of several units (not "5 minutes from now").
SPAN = {
    "second": plural_words("in %(count)s second", "in %(count)s seconds"),
    "minute": plural_words("in %(count)s minute", "in %(count)s minutes"),
    "hour": plural_words("in %(count)s hour", "in %(count)s hours"),
    "day": plural_words("in %(count)s day", "in %(count)s days"),
    "month": plural_words("in %(count)s month", "in %(count)s months"),
    "year": plural_words("in %(count)s year", "in %(count)s years"),
}


class RateLimited(ForumError):
    """Too much too fast: a 429 that says when the person can go on."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message, status=429)
        self.retry_after = retry_after


def limits_for(state: ForumState, action: str, level: int) -> str:
    """The limit text for one action and level: the defaults with ``FORUM_LIMITS`` laid over them."""
    override = (state.config.get("FORUM_LIMITS") or {}).get(action, {})
    return str(override.get(level, DEFAULT_LIMITS[action][min(level, 4)]))


def mentions_per_post(state: ForumState, level: int) -> int:
    """How many people one post may mention at this level."""
    override = (state.config.get("FORUM_LIMITS") or {}).get("mentions_per_post", {})
    return int(override.get(level, MENTIONS_PER_POST[min(level, 4)]))


def _period(item: RateLimitItem) -> str:
    unit = item.GRANULARITY.name
    if item.multiples == 1:
        return str(ONE[unit])
    return ngettext(*SPAN[unit], item.multiples, count=item.multiples)


def _wait(seconds: float) -> str:
    if seconds < 60:
        return i18n.from_now(max(1, math.ceil(seconds)), "second")
    if seconds < 3600:
        return i18n.from_now(math.ceil(seconds / 60), "minute")
    return i18n.from_now(math.ceil(seconds / 3600), "hour")


def limit_words(action: str, level: int, item: RateLimitItem, wait: float) -> str:
    """ "You can post again in 2 minutes: new members can post 3 answers in 5 minutes." """
    singular, plural = RULE[action]
    rule = ngettext(singular, plural, item.amount, who=WHO_INSIDE[min(level, 4)], count=item.amount, span=_period(item))
    return _("%(again)s: %(rule)s.", again=str(AGAIN[action]) % {"when": _wait(wait)}, rule=rule)


def allow(state: ForumState, person: ForumUser, action: str, *, cost: int = 1) -> None:
    """Count one action (``cost`` of them), or refuse it: silenced members always, others past their limit."""
    silence.check(state, person)
    if person.is_agent or cost <= 0 or not state.setting("FORUM_RATE_LIMITS"):
        return
    items = parse_many(limits_for(state, action, person.level))
    strategy = state.rate_limiter()
    keys = (f"{state.config.get('FORUM_REDIS_PREFIX', 'forum:')}limits", action, str(person.id))
    try:
        for item in items:
            if not strategy.hit(item, *keys, cost=cost):
                reset_at, _ = strategy.get_window_stats(item, *keys)
                wait = max(1.0, reset_at - time.time())
                raise RateLimited(limit_words(action, person.level, item, wait), math.ceil(wait))
    except RateLimited:
        raise
    except Exception:  # the shared store is down: people keep posting; the log says why the limits lapsed
        log.exception("Rate limits are not counted: the limit store did not answer")


def check_mentions(state: ForumState, person: ForumUser, count: int) -> None:
    """Refuse a post that mentions more people than the person's level allows, then count the mentions per day."""
    if person.is_agent or count == 0 or not state.setting("FORUM_RATE_LIMITS"):
        return
    most = mentions_per_post(state, person.level)
    if count > most:
        raise NotAllowed(
            ngettext(
                "Please mention at most %(count)s person in one post.",
                "Please mention at most %(count)s people in one post.",
                most,
                count=most,
            )
            + " "
            + _("%(who)s can mention %(count)s per post.", who=WHO[min(person.level, 4)], count=most)
        )
    allow(state, person, "mention", cost=count)
