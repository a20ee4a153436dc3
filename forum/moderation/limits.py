"""Rate limits per action and level, through Flask-Limiter's storage (in memory, or Redis shared by every process).

Plain functions: ``allow(state, person, "answer")`` raises :class:`RateLimited` with words people understand, or
counts the action. Silenced members are stopped here too, before any limit is counted.
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING

from limits import RateLimitItem, parse_many

from ..errors import ForumError, NotAllowed
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
#: What each action is in words: for "You can … again", for "… can … 3", and the plural.
WORDS = {
    "question": ("ask", "ask", "questions"),
    "answer": ("post", "post", "answers"),
    "like": ("like posts", "give", "likes"),
    "share": ("send links to colleagues", "send", "links"),
    "flag": ("flag posts", "send", "flags"),
    "mention": ("mention people", "make", "mentions"),
}
WHO = {0: "New members", 1: "Members", 2: "Regulars", 3: "Superusers", 4: "Champions"}


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
    return (
        f"a {unit}"
        if item.multiples == 1 and unit != "hour"
        else ("an hour" if item.multiples == 1 else f"{item.multiples} {unit}s")
    )


def _wait(seconds: float) -> str:
    if seconds < 60:
        n = max(1, math.ceil(seconds))
        return f"{n} second{'s' if n != 1 else ''}"
    if seconds < 3600:
        n = math.ceil(seconds / 60)
        return f"{n} minute{'s' if n != 1 else ''}"
    n = math.ceil(seconds / 3600)
    return f"{n} hour{'s' if n != 1 else ''}"


def limit_words(action: str, level: int, item: RateLimitItem, wait: float) -> str:
    """ "You can post again in 2 minutes: new members can post 3 answers in 5 minutes." """
    again, verb, plural = WORDS[action]
    period = _period(item)
    span = f"in {period}" if item.multiples > 1 else period
    who = WHO[min(level, 4)].lower()
    return f"You can {again} again in {_wait(wait)}: {who} can {verb} {item.amount} {plural} {span}."


def allow(state: ForumState, person: ForumUser, action: str, *, cost: int = 1) -> None:
    """Count one action (``cost`` of them), or refuse it: silenced members always, others past their limit."""
    silence.check(state, person)
    if person.is_agent or cost <= 0 or not state.setting("FORUM_RATE_LIMITS"):
        return
    items = parse_many(limits_for(state, action, person.level))
    strategy = state.rate_limiter().limiter
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
            f"Please mention at most {most} {'person' if most == 1 else 'people'} in one post. "
            f"{WHO[min(person.level, 4)]} can mention {most} per post."
        )
    allow(state, person, "mention", cost=count)
