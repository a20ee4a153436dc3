"""The rules of points and levels, as plain data and pure functions (no database, no request)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from ..i18n import lazy_gettext as _l

R = TypeVar("R", "PointRules", "LevelRules")

#: Reasons that the daily cap applies to (accepted answers are exempt, as on Stack Exchange).
CAPPED_REASONS = frozenset({"answer_liked", "question_liked", "share_visit"})


@dataclass(frozen=True)
class PointRules:
    """How many points each event gives, and the limits against gaming. ``FORUM_POINTS`` overrides any field."""

    answer_liked: int = 10
    question_liked: int = 5
    answer_accepted: int = 15
    accepted_by_asker: int = 2
    quick_first_answer: int = 2
    quick_first_answer_within: dt.timedelta = dt.timedelta(hours=1)
    share_visit: int = 1
    knowledge_article: int = 25
    #: A flag the IT team agreed with (the post was hidden or removed).
    flag_agreed: int = 2
    #: An idea of yours that the IT team marks as done.
    idea_done: int = 20
    #: Most points a person can get in one day from likes and shares.
    daily_cap: int = 200
    #: Likes from one person to another that count towards points, per day.
    likes_per_giver_per_day: int = 5

    @classmethod
    def from_config(cls, value: Any) -> PointRules:
        """Build from ``FORUM_POINTS``: a ``PointRules``, a dict of field overrides, or ``None``."""
        return _from_config(cls, value, "FORUM_POINTS")


def _from_config(cls: type[R], value: Any, setting: str) -> R:
    """Defaults, the object itself, or the defaults with a dict's overrides; unknown keys are named."""
    if value is None:
        return cls()
    if isinstance(value, cls):
        return value
    unknown = set(value) - set(cls.__dataclass_fields__)
    if unknown:
        raise ValueError(
            f"{setting} has settings the forum does not know: {', '.join(sorted(unknown))}. "
            f"Known: {', '.join(cls.__dataclass_fields__)}."
        )
    return replace(cls(), **value)


def liked_points(rules: PointRules, *, is_question: bool) -> int:
    """What a like is worth to the post's author."""
    return rules.question_liked if is_question else rules.answer_liked


def is_quick_first_answer(
    rules: PointRules, *, asked_at: dt.datetime, answered_at: dt.datetime, earlier_answers: int
) -> bool:
    """The first answer, given within the window, earns a small bonus."""
    return earlier_answers == 0 and answered_at - asked_at <= rules.quick_first_answer_within


def capped_amount(
    rules: PointRules,
    amount: int,
    *,
    reason: str,
    earned_today_capped: int,
    likes_from_giver_today: int = 0,
) -> int:
    """How much of ``amount`` may be given now, after the daily cap and the serial-liking guard."""
    if reason not in CAPPED_REASONS or amount <= 0:
        return amount
    if reason in {"answer_liked", "question_liked"} and likes_from_giver_today >= rules.likes_per_giver_per_day:
        return 0
    room = rules.daily_cap - earned_today_capped
    return max(0, min(amount, room))


# Levels ------------------------------------------------------------------------------------------

NEWCOMER, MEMBER, REGULAR, SUPERUSER, CHAMPION = range(5)
LEVEL_NAMES = (_l("Newcomer"), _l("Member"), _l("Regular"), _l("Superuser"), _l("Champion"))


@dataclass(frozen=True)
class LevelCriteria:
    """What it takes to reach a level; every figure must be met."""

    points: int = 0
    accepted_answers: int = 0
    days_visited: int = 0
    distinct_likers: int = 0


@dataclass(frozen=True)
class LevelRules:
    """Thresholds per level (index = level) and the superuser activity rule. ``FORUM_LEVELS`` overrides."""

    criteria: tuple[LevelCriteria, ...] = field(
        default_factory=lambda: (
            LevelCriteria(),
            LevelCriteria(points=10, days_visited=2),
            LevelCriteria(points=100, accepted_answers=2, days_visited=10, distinct_likers=3),
            LevelCriteria(points=500, accepted_answers=10, days_visited=30, distinct_likers=10),
            LevelCriteria(points=2000, accepted_answers=50, days_visited=90, distinct_likers=30),
        )
    )
    #: A Superuser or Champion with no answers for this long drops back to Regular.
    lapse_after: dt.timedelta = dt.timedelta(days=90)
    #: Likes and shares a Newcomer may give per day.
    newcomer_daily_likes: int = 10

    @classmethod
    def from_config(cls, value: Any) -> LevelRules:
        """Build from ``FORUM_LEVELS``: a ``LevelRules``, a dict of overrides, or ``None``."""
        return _from_config(cls, value, "FORUM_LEVELS")


@dataclass(frozen=True)
class MemberStats:
    """The figures levels are decided on."""

    points: int
    accepted_answers: int
    days_visited: int
    distinct_likers: int
    last_answer_at: dt.datetime | None = None


def earned_level(rules: LevelRules, stats: MemberStats) -> int:
    """The highest level whose criteria the figures meet."""
    level = NEWCOMER
    for index, need in enumerate(rules.criteria):
        if (
            stats.points >= need.points
            and stats.accepted_answers >= need.accepted_answers
            and stats.days_visited >= need.days_visited
            and stats.distinct_likers >= need.distinct_likers
        ):
            level = index
        else:
            break
    return level


def next_level(rules: LevelRules, current: int, stats: MemberStats, *, locked: bool, now: dt.datetime) -> int:
    """The level a person should have now: promoted when earned, demoted from Superuser when inactive."""
    if locked:
        return current
    earned = earned_level(rules, stats)
    lapsed = stats.last_answer_at is None or now - stats.last_answer_at > rules.lapse_after
    if earned >= SUPERUSER and lapsed:
        earned = REGULAR
    if current >= SUPERUSER and earned < current:
        return earned if lapsed else current  # only inactivity takes superusers down
    return max(current, earned)


def privileges(rules: LevelRules) -> dict[int, Any]:
    """What each level may do, in plain words, for the "How points work" page; Newcomers' figure is the rule's."""
    return {
        NEWCOMER: _l(
            "Ask and answer questions. Like and share up to %(count)s posts a day.", count=rules.newcomer_daily_likes
        ),
        MEMBER: _l("Like and share as much as you like."),
        REGULAR: _l("Fix the keywords on any question, and mark a question as a duplicate of another."),
        SUPERUSER: _l(
            "Ask the IT team to take over a question for someone, and mark an answer as a verified workaround."
        ),
        CHAMPION: _l("Help keep the community tidy: edit, remove and restore posts, like the IT team does."),
    }


#: What each level may do with the default rules (see :func:`privileges`).
PRIVILEGES = privileges(LevelRules())


def may(level: int, privilege: str) -> bool:
    """Whether a level grants a privilege: "unlimited_likes", "edit_tags", "mark_duplicate", "escalate",
    "verify_workaround" or "moderate"."""
    needed = {
        "unlimited_likes": MEMBER,
        "edit_tags": REGULAR,
        "mark_duplicate": REGULAR,
        "escalate": SUPERUSER,
        "verify_workaround": SUPERUSER,
        "moderate": CHAMPION,
    }
    return level >= needed[privilege]


def week_start(day: dt.date) -> dt.date:
    """Weeks start on Monday."""
    return day - dt.timedelta(days=day.weekday())


def month_start(day: dt.date) -> dt.date:
    """Months start on the 1st."""
    return day.replace(day=1)


ALL_TIME = dt.date(2000, 1, 1)


def buckets_for(when: dt.datetime) -> list[tuple[str, dt.date]]:
    """The (period, start) buckets an event at ``when`` counts in."""
    day = when.date()
    return [("w", week_start(day)), ("m", month_start(day)), ("a", ALL_TIME)]
