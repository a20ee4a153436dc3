"""Badges: declared as data, checked only when an event that could earn them happens."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from ..i18n import Later, later
from ..i18n import lazy_gettext as _l
from ..models import utcnow
from ..notifications import webhooks
from ..notifications.delivery import notify
from ..state import ForumState
from ..writing import clarity

BRONZE, SILVER, GOLD = "bronze", "silver", "gold"

Metric = Callable[[ForumState, Any], int]


@dataclass(frozen=True)
class BadgeRule:
    """A badge: earned once ``metric(state, user_id)`` reaches ``threshold``, checked on ``triggers``."""

    slug: str
    name: str
    tier: str
    description: str
    metric: Metric
    threshold: int
    triggers: frozenset[str]


# Metrics: one small query each -------------------------------------------------------------------


def answers(state: ForumState, user_id: Any) -> int:
    Post, Thread = state.models.Post, state.models.Thread
    return _count(
        state,
        sa.select(sa.func.count())
        .select_from(Post)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == user_id, ~Post.is_question, Post.deleted_at.is_(None), Thread.deleted_at.is_(None)),
    )


def questions(state: ForumState, user_id: Any) -> int:
    Thread = state.models.Thread
    return _count(state, sa.select(sa.func.count()).where(Thread.author_id == user_id, Thread.deleted_at.is_(None)))


def _accepted_query(state: ForumState, user_id: Any) -> Any:
    Post, Thread = state.models.Post, state.models.Thread
    return (
        sa.select(Thread)
        .join(Post, Post.id == Thread.accepted_post_id)
        .where(Post.author_id == user_id, Thread.author_id != user_id, Thread.deleted_at.is_(None))
    )


def accepted(state: ForumState, user_id: Any) -> int:
    """Answers of theirs that solved someone else's question."""
    return _count(state, sa.select(sa.func.count()).select_from(_accepted_query(state, user_id).subquery()))


def accepted_categories(state: ForumState, user_id: Any) -> int:
    Thread = state.models.Thread
    inner = _accepted_query(state, user_id).with_only_columns(Thread.category_id).distinct().subquery()
    return _count(state, sa.select(sa.func.count()).select_from(inner))


def best_answer_likes(state: ForumState, user_id: Any) -> int:
    Post = state.models.Post
    return _count(
        state,
        sa.select(sa.func.max(Post.like_count)).where(
            Post.author_id == user_id, ~Post.is_question, Post.deleted_at.is_(None)
        ),
    )


def best_question_likes(state: ForumState, user_id: Any) -> int:
    Post = state.models.Post
    return _count(
        state,
        sa.select(sa.func.max(Post.like_count)).where(
            Post.author_id == user_id, Post.is_question, Post.deleted_at.is_(None)
        ),
    )


def quick_answers(state: ForumState, user_id: Any) -> int:
    """Answers to someone else's question within 15 minutes of it being asked."""
    Post, Thread = state.models.Post, state.models.Thread
    rows = state.db.session.execute(
        sa.select(Post.created_at, Thread.created_at)
        .join(Thread, Thread.id == Post.thread_id)
        .where(Post.author_id == user_id, ~Post.is_question, Post.deleted_at.is_(None), Thread.author_id != user_id)
    )
    return sum(1 for answered, asked in rows if answered - asked <= dt.timedelta(minutes=15))


def share_visitors(state: ForumState, user_id: Any) -> int:
    Share, Visit = state.models.Share, state.models.ShareVisit
    return _count(
        state,
        sa.select(sa.func.count())
        .select_from(Visit)
        .join(Share, Share.id == Visit.share_id)
        .where(Share.sharer_id == user_id),
    )


def days_visited(state: ForumState, user_id: Any) -> int:
    Member = state.models.Member
    return _count(state, sa.select(Member.days_visited).where(Member.user_id == user_id))


def welcomed(state: ForumState, user_id: Any) -> int:
    """First answers they gave to people's very first question."""
    Post, Thread = state.models.Post, state.models.Thread
    first_thread = (
        sa.select(Thread.author_id, sa.func.min(Thread.id).label("first_id")).group_by(Thread.author_id).subquery()
    )
    first_answer = (
        sa.select(Post.thread_id, sa.func.min(Post.id).label("answer_id"))
        .where(~Post.is_question, Post.deleted_at.is_(None))
        .group_by(Post.thread_id)
        .subquery()
    )
    query = (
        sa.select(sa.func.count())
        .select_from(first_thread)
        .join(first_answer, first_answer.c.thread_id == first_thread.c.first_id)
        .join(Post, Post.id == first_answer.c.answer_id)
        .where(Post.author_id == user_id, first_thread.c.author_id != user_id)
    )
    return _count(state, query)


def likes_given(state: ForumState, user_id: Any) -> int:
    Like = state.models.Like
    return _count(state, sa.select(sa.func.count()).where(Like.user_id == user_id))


def own_questions_solved(state: ForumState, user_id: Any) -> int:
    Thread = state.models.Thread
    return _count(
        state,
        sa.select(sa.func.count()).where(
            Thread.author_id == user_id, Thread.accepted_post_id.is_not(None), Thread.deleted_at.is_(None)
        ),
    )


def edits(state: ForumState, user_id: Any) -> int:
    Rev = state.models.PostRevision
    return _count(state, sa.select(sa.func.count()).where(Rev.editor_id == user_id, Rev.number > 1))


def agreed_flags(state: ForumState, user_id: Any) -> int:
    """Flags of theirs that the IT team agreed with."""
    Flag = state.models.Flag
    return _count(state, sa.select(sa.func.count()).where(Flag.user_id == user_id, Flag.state == "agreed"))


def ideas_done(state: ForumState, user_id: Any) -> int:
    """Ideas of theirs that the IT team made happen."""
    Idea = state.models.Idea
    return _count(state, sa.select(sa.func.count()).where(Idea.author_id == user_id, Idea.status == "done"))


def _count(state: ForumState, query: Any) -> int:
    return int(state.db.session.scalar(query) or 0)


def _rule(
    slug: str, name: str, tier: str, description: str, metric: Metric, threshold: int, *triggers: str
) -> BadgeRule:
    return BadgeRule(slug, name, tier, description, metric, threshold, frozenset(triggers))


#: The badges every community starts with. Hosts and plugins may add more.
DEFAULT_BADGES: tuple[BadgeRule, ...] = (
    _rule("first-question", _l("First question"), BRONZE, _l("Asked a first question."), questions, 1, "question"),
    _rule(
        "first-answer",
        _l("First answer"),
        BRONZE,
        _l("Answered someone's question for the first time."),
        answers,
        1,
        "answer",
    ),
    _rule("solved-it", _l("Solved it"), BRONZE, _l("An answer solved someone's problem."), accepted, 1, "accept"),
    _rule(
        "problem-solver",
        _l("Problem solver"),
        SILVER,
        _l("10 answers solved someone's problem."),
        accepted,
        10,
        "accept",
    ),
    _rule("fixer", _l("Fixer"), GOLD, _l("50 answers solved someone's problem."), accepted, 50, "accept"),
    _rule("legend", _l("Legend"), GOLD, _l("150 answers solved someone's problem."), accepted, 150, "accept"),
    _rule("helpful", _l("Helpful"), BRONZE, _l("An answer got a like."), best_answer_likes, 1, "like"),
    _rule("very-helpful", _l("Very helpful"), SILVER, _l("An answer got 5 likes."), best_answer_likes, 5, "like"),
    _rule("hero", _l("Hero"), GOLD, _l("An answer got 20 likes."), best_answer_likes, 20, "like"),
    _rule(
        "quick-responder",
        _l("Quick responder"),
        SILVER,
        _l("Answered within 15 minutes of the question, 10 times."),
        quick_answers,
        10,
        "answer",
    ),
    _rule(
        "good-question", _l("Good question"), SILVER, _l("A question got 10 likes."), best_question_likes, 10, "like"
    ),
    _rule("sharer", _l("Sharer"), BRONZE, _l("Shared links brought 25 people."), share_visitors, 25, "share_visit"),
    _rule(
        "broadcaster",
        _l("Broadcaster"),
        SILVER,
        _l("Shared links brought 300 people."),
        share_visitors,
        300,
        "share_visit",
    ),
    _rule(
        "frequent-visitor",
        _l("Frequent visitor"),
        BRONZE,
        _l("Came by on 10 different days."),
        days_visited,
        10,
        "visit",
    ),
    _rule("dedicated", _l("Dedicated"), SILVER, _l("Came by on 100 different days."), days_visited, 100, "visit"),
    _rule(
        "fixture", _l("Part of the furniture"), GOLD, _l("Came by on 365 different days."), days_visited, 365, "visit"
    ),
    _rule(
        "teacher",
        _l("Teacher"),
        GOLD,
        _l("Answers solved problems in 5 different categories."),
        accepted_categories,
        5,
        "accept",
    ),
    _rule(
        "welcomer",
        _l("Welcomer"),
        SILVER,
        _l("Gave the first answer to 10 people's very first question."),
        welcomed,
        10,
        "answer",
    ),
    _rule("supporter", _l("Supporter"), BRONZE, _l("Liked 10 posts."), likes_given, 10, "like_given"),
    _rule(
        "thankful",
        _l("Thankful"),
        BRONZE,
        _l("Marked an answer that solved your question."),
        own_questions_solved,
        1,
        "accepted_own",
    ),
    _rule("editor", _l("Editor"), BRONZE, _l("Improved a post by editing it."), edits, 1, "edit"),
    _rule("idea-maker", _l("Idea maker"), SILVER, _l("An idea of yours was made real."), ideas_done, 1, "idea_done"),
    _rule("deputy", _l("Deputy"), BRONZE, _l("5 flags the IT team agreed with."), agreed_flags, 5, "flag_agreed"),
    _rule(
        "plain-speaker",
        _l("Plain speaker"),
        SILVER,
        _l("5 answers that readers found easy to follow."),
        clarity.easy_answers,
        5,
        "clarity",
    ),
)


def rules(state: ForumState) -> tuple[BadgeRule, ...]:
    """Default badges, the host's ``FORUM_BADGES`` extras, and every plugin's."""
    extra = tuple(state.config.get("FORUM_BADGES") or ())
    from_plugins = tuple(rule for found in state.plugins.hook.forum_badge_rules() for rule in found)
    return DEFAULT_BADGES + extra + from_plugins


def by_slug(state: ForumState, slug: str) -> BadgeRule | None:
    """One badge's rule."""
    return next((r for r in rules(state) if r.slug == slug), None)


def earned(state: ForumState, user_id: Any) -> dict[str, dt.datetime]:
    """Badges a person has, with when they got each."""
    Award = state.models.BadgeAward
    rows = state.db.session.execute(sa.select(Award.badge, Award.awarded_at).where(Award.user_id == user_id))
    return dict(rows.all())


def evaluate(
    state: ForumState, user_id: Any, triggers: Iterable[str], *, now: dt.datetime | None = None
) -> list[BadgeRule]:
    """Award the badges these events could have earned; returns the new ones (the caller commits)."""
    wanted = set(triggers)
    have = earned(state, user_id)
    new: list[BadgeRule] = []
    for rule in rules(state):
        if rule.slug in have or not (rule.triggers & wanted):
            continue
        if rule.metric(state, user_id) >= rule.threshold and _give(state, user_id, rule, now or utcnow()):
            new.append(rule)
    return new


def _give(state: ForumState, user_id: Any, rule: BadgeRule, when: dt.datetime) -> bool:
    session = state.db.session
    try:
        with session.begin_nested():
            session.add(state.models.BadgeAward(user_id=user_id, badge=rule.slug, awarded_at=when))
    except sa.exc.IntegrityError:
        return False
    notify(state, user_id, "badge", badge_words(rule))
    webhooks.queue(state, "badge.awarded", {"user_id": user_id, "badge": rule.slug, "name": str(rule.name)})
    return True


#: Triggers that mean someone else was helped: only badges earned through them say thank you.
HELPING = frozenset({"answer", "accept", "like", "share_visit", "edit", "clarity", "flag_agreed", "idea_done"})


def badge_words(rule: BadgeRule) -> Later:
    """The notice for a new badge: thanks for badges earned by helping, plain congratulations for the rest."""
    ending = _l("Thank you for helping!") if rule.triggers & HELPING else _l("Well done!")
    return later(
        "You earned the %(badge)s badge: %(description)s %(ending)s",
        badge=rule.name,
        description=rule.description,
        ending=ending,
    )


def backfill(state: ForumState, user_ids: Iterable[Any]) -> int:
    """Award what existing activity already earns (``flask forum badges backfill``); returns how many."""
    every = {t for rule in rules(state) for t in rule.triggers}
    count = 0
    for user_id in user_ids:
        count += len(evaluate(state, user_id, every))
        state.db.session.commit()
    return count


@dataclass(frozen=True)
class Progress:
    """How far someone is towards a badge they do not have yet."""

    rule: BadgeRule
    value: int

    @property
    def percent(self) -> int:
        return min(100, int(100 * self.value / self.rule.threshold)) if self.rule.threshold else 100


def progress(state: ForumState, user_id: Any, *, limit: int = 4) -> list[Progress]:
    """The unearned badges a person is closest to."""
    have = earned(state, user_id)
    found = [Progress(rule, rule.metric(state, user_id)) for rule in rules(state) if rule.slug not in have]
    found.sort(key=lambda p: (-p.percent, p.rule.threshold))
    return found[:limit]


def holders(state: ForumState, slug: str, *, limit: int = 100) -> list[tuple[Any, dt.datetime]]:
    """Who earned a badge and when, most recent first."""
    Award = state.models.BadgeAward
    rows = state.db.session.execute(
        sa.select(Award.user_id, Award.awarded_at)
        .where(Award.badge == slug)
        .order_by(Award.awarded_at.desc(), Award.id.desc())
        .limit(limit)
    )
    return [(u, a) for u, a in rows]


def counts(state: ForumState) -> dict[str, int]:
    """How many people hold each badge."""
    Award = state.models.BadgeAward
    rows = state.db.session.execute(sa.select(Award.badge, sa.func.count()).group_by(Award.badge))
    return {badge: int(n) for badge, n in rows}
