"""The rules of points and levels are plain functions: tested here without a request or a database."""

from __future__ import annotations

import datetime as dt

import pytest

from forum.gamification.rules import (
    CHAMPION,
    MEMBER,
    NEWCOMER,
    REGULAR,
    SUPERUSER,
    LevelRules,
    MemberStats,
    PointRules,
    buckets_for,
    capped_amount,
    earned_level,
    is_quick_first_answer,
    liked_points,
    may,
    next_level,
)

RULES = PointRules()
NOW = dt.datetime(2026, 11, 25, 12, 0)


def test_default_points_follow_stack_exchange_and_discourse():
    assert liked_points(RULES, is_question=False) == 10
    assert liked_points(RULES, is_question=True) == 5
    assert (RULES.answer_accepted, RULES.accepted_by_asker, RULES.share_visit, RULES.knowledge_article) == (
        15,
        2,
        1,
        25,
    )


def test_admins_override_points_and_typos_are_explained():
    assert PointRules.from_config({"answer_liked": 3}).answer_liked == 3
    with pytest.raises(ValueError, match="FORUM_POINTS has settings the forum does not know: answer_likd"):
        PointRules.from_config({"answer_likd": 3})


def test_the_daily_cap_limits_likes_and_shares_but_not_accepted_answers():
    assert capped_amount(RULES, 10, reason="answer_liked", earned_today_capped=185) == 10
    assert capped_amount(RULES, 10, reason="answer_liked", earned_today_capped=195) == 5
    assert capped_amount(RULES, 10, reason="answer_liked", earned_today_capped=200) == 0
    assert capped_amount(RULES, 1, reason="share_visit", earned_today_capped=200) == 0
    assert capped_amount(RULES, 15, reason="answer_accepted", earned_today_capped=500) == 15


def test_likes_from_one_person_count_five_times_a_day():
    assert capped_amount(RULES, 10, reason="answer_liked", earned_today_capped=0, likes_from_giver_today=4) == 10
    assert capped_amount(RULES, 10, reason="answer_liked", earned_today_capped=0, likes_from_giver_today=5) == 0


def test_a_quick_first_answer_is_the_first_within_the_hour():
    asked = NOW
    assert is_quick_first_answer(RULES, asked_at=asked, answered_at=asked + dt.timedelta(minutes=59), earlier_answers=0)
    assert not is_quick_first_answer(
        RULES, asked_at=asked, answered_at=asked + dt.timedelta(minutes=61), earlier_answers=0
    )
    assert not is_quick_first_answer(
        RULES, asked_at=asked, answered_at=asked + dt.timedelta(minutes=5), earlier_answers=1
    )


def stats(points=0, accepted=0, days=0, likers=0, last_answer=NOW):
    return MemberStats(
        points=points, accepted_answers=accepted, days_visited=days, distinct_likers=likers, last_answer_at=last_answer
    )


def test_levels_need_every_criterion():
    rules = LevelRules()
    assert earned_level(rules, stats()) == NEWCOMER
    assert earned_level(rules, stats(points=10, days=2)) == MEMBER
    assert earned_level(rules, stats(points=100, accepted=2, days=10, likers=3)) == REGULAR
    assert earned_level(rules, stats(points=5000, accepted=1, days=400, likers=100)) == MEMBER  # too few solved
    assert earned_level(rules, stats(points=2000, accepted=50, days=90, likers=30)) == CHAMPION


def test_superusers_drop_back_only_when_they_stop_answering():
    rules = LevelRules()
    busy = stats(points=500, accepted=10, days=30, likers=10, last_answer=NOW - dt.timedelta(days=5))
    assert next_level(rules, REGULAR, busy, locked=False, now=NOW) == SUPERUSER
    quiet = stats(points=500, accepted=10, days=30, likers=10, last_answer=NOW - dt.timedelta(days=91))
    assert next_level(rules, SUPERUSER, quiet, locked=False, now=NOW) == REGULAR
    fewer_points = stats(points=50, accepted=10, days=30, likers=10, last_answer=NOW - dt.timedelta(days=1))
    assert next_level(rules, SUPERUSER, fewer_points, locked=False, now=NOW) == SUPERUSER
    assert next_level(rules, SUPERUSER, quiet, locked=True, now=NOW) == SUPERUSER


def test_each_level_unlocks_real_actions():
    assert not may(NEWCOMER, "unlimited_likes") and may(MEMBER, "unlimited_likes")
    assert not may(MEMBER, "edit_tags") and may(REGULAR, "edit_tags")
    assert may(SUPERUSER, "escalate") and may(SUPERUSER, "verify_workaround") and not may(REGULAR, "escalate")
    assert may(CHAMPION, "moderate") and not may(SUPERUSER, "moderate")


def test_an_event_counts_in_its_week_month_and_all_time():
    assert buckets_for(dt.datetime(2026, 11, 25, 9)) == [
        ("w", dt.date(2026, 11, 23)),
        ("m", dt.date(2026, 11, 1)),
        ("a", dt.date(2000, 1, 1)),
    ]


def test_level_setting_typos_are_explained_too():
    assert LevelRules.from_config({"newcomer_daily_likes": 3}).newcomer_daily_likes == 3
    with pytest.raises(ValueError, match="FORUM_LEVELS has settings the forum does not know: newcomer_likes"):
        LevelRules.from_config({"newcomer_likes": 3})
