"""Points, badges, levels and leaderboards end to end, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import pytest
import sqlalchemy as sa
from helpers import PREFIX, csrf_token, follow_up, forum_user, login, make_thread, post_form
from hostapp import Member, db
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from forum import get_state
from forum.gamification import badges, leaderboard, ledger, levels
from forum.models import utcnow
from forum.threads import posting, reactions, sharing, solutions


@pytest.fixture(autouse=True)
def no_quick_answer_bonus(request, app):
    """Test threads are answered seconds after they are asked; keep that bonus out of the sums."""
    if "quick_answer" not in request.node.name:
        app.config["FORUM_POINTS"] = {"quick_first_answer": 0}


def test_the_first_answer_within_an_hour_earns_a_quick_answer_bonus(app, people):
    make_thread(app, people.asker, answers=[(people.helper, "Fast"), (people.agent, "Second")])
    assert points(app, people.helper) == 2
    assert points(app, people.agent) == 0


def points(app, member):
    with app.app_context():
        return ledger.total(get_state(app), member.key)


def waiting(app):
    """What waits for the worker, by kind ("liked", "settle")."""
    with app.app_context():
        Followup = get_state(app).models.Followup
        return dict(db.session.execute(sa.select(Followup.kind, sa.func.count()).group_by(Followup.kind)).all())


def post(app, post_id):
    return db.session.get(get_state(app).models.Post, post_id)


def thread(app, thread_id):
    return db.session.get(get_state(app).models.Thread, thread_id)


def test_like_gives_points_badge_level_and_notification(app, client, people):
    app.config["FORUM_LEVELS"] = {
        "criteria": (
            levels.level_rules(get_state(app)).criteria[0],
            type(levels.level_rules(get_state(app)).criteria[0])(points=10, days_visited=0),
            *levels.level_rules(get_state(app)).criteria[2:],
        )
    }
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Reboot the dock")])
    login(client, people.asker)
    post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/like", {})
    assert points(app, people.helper) == 10  # the points at once
    client.get("/logout")
    login(client, people.helper)
    assert "Helpful" not in client.get(f"{PREFIX}/notifications").text  # the badge waits for the worker
    # the like's one row (the notice, and both people's badges and level), and each person's first visit today
    assert waiting(app) == {"liked": 1, "settle": 2}
    assert follow_up(app) == 3
    inbox = client.get(f"{PREFIX}/notifications").text
    assert "Ana Asker liked your answer" in inbox
    assert "You earned the Helpful badge" in inbox and "You earned the First answer badge" in inbox
    assert "You are now a Member! Like and share as much as you like." in inbox
    profile = client.get(f"{PREFIX}/u/{people.helper.key}").text
    assert "<strong>10</strong> points" in profile and ">Helpful</a>" in profile and ">Member<" in profile


def test_the_days_first_page_counts_the_visit_at_once_and_the_level_it_earns_follows_from_the_worker(
    app, client, people
):
    """The first page of someone's day does a few writes, not a badge and level check: the worker does those."""
    criteria = levels.level_rules(get_state(app)).criteria
    member_needs = type(criteria[0])(points=0, days_visited=2)
    app.config["FORUM_LEVELS"] = {"criteria": (criteria[0], member_needs, *criteria[2:])}
    with app.app_context():
        row = ledger.member_row(get_state(app), people.helper.key)
        row.days_visited, row.last_visit = 1, utcnow().date() - dt.timedelta(days=1)
        db.session.commit()
    login(client, people.helper)
    assert client.get(f"{PREFIX}/").status_code == 200
    with app.app_context():
        row = ledger.member_row(get_state(app), people.helper.key)
        assert (row.days_visited, row.level) == (2, 0)  # the visit counts at once; the level waits
    assert waiting(app) == {"settle": 1}
    follow_up(app)
    inbox = client.get(f"{PREFIX}/notifications").text
    assert "You are now a Member! Like and share as much as you like." in inbox
    with app.app_context():
        assert ledger.member_row(get_state(app), people.helper.key).level == 1


def test_unlike_unaccept_and_delete_take_back_exactly_what_was_given(app, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "Use the VPN")])
    with app.app_context():
        state = get_state(app)
        asker, agent = forum_user(app, people.asker), forum_user(app, people.agent)
        reactions.like(state, asker, post(app, 2))
        reactions.like(state, agent, post(app, 2))
        solutions.accept(state, asker, thread(app, thread_id), 2)
    assert points(app, people.helper) == 10 + 10 + 15
    assert points(app, people.asker) == 2
    with app.app_context():
        state = get_state(app)
        reactions.unlike(state, forum_user(app, people.agent), post(app, 2))
        assert ledger.total(state, people.helper.key) == 25
        solutions.unaccept(state, forum_user(app, people.asker), thread(app, thread_id))
        assert ledger.total(state, people.helper.key) == 10
        assert ledger.total(state, people.asker.key) == 0
        posting.set_deleted(state, forum_user(app, people.helper), post(app, 2), True)
        assert ledger.total(state, people.helper.key) == 0
        posting.set_deleted(state, forum_user(app, people.agent), post(app, 2), False)
        assert ledger.total(state, people.helper.key) == 10  # the remaining like counts again
        Event = state.models.PointEvent
        amounts = db.session.scalars(sa.select(Event.amount).where(Event.user_id == people.helper.key)).all()
        assert sorted(amounts) == sorted([10, 10, 15, -10, -15, -10, 10])  # nothing edited, only appended
        assert ledger.verify(state) == []


def test_moving_the_accepted_mark_moves_the_points(app, people):
    thread_id = make_thread(app, people.asker, answers=[(people.helper, "One"), (people.agent, "Two")])
    with app.app_context():
        state = get_state(app)
        solutions.accept(state, forum_user(app, people.asker), thread(app, thread_id), 2)
        solutions.accept(state, forum_user(app, people.asker), thread(app, thread_id), 3)
        assert ledger.total(state, people.helper.key) == 0
        assert ledger.total(state, people.agent.key) == 15
        assert ledger.total(state, people.asker.key) == 2


def test_nothing_done_to_your_own_posts_earns_points(app, people):
    thread_id = make_thread(app, people.asker, answers=[(people.asker, "I fixed it myself")])
    with app.app_context():
        state = get_state(app)
        solutions.accept(state, forum_user(app, people.asker), thread(app, thread_id), 2)
        share = sharing.share(state, forum_user(app, people.asker), post(app, 2))
        sharing.record_visit(state, share.token, forum_user(app, people.helper))
        assert ledger.total(state, people.asker.key) == 0


def test_a_share_that_brings_a_colleague_gives_one_point_once(app, people):
    make_thread(app, people.asker, answers=[(people.agent, "Here is how")])
    with app.app_context():
        state = get_state(app)
        share = sharing.share(state, forum_user(app, people.helper), post(app, 2))
        for visitor in (people.admin, people.admin, people.asker):
            sharing.record_visit(state, share.token, forum_user(app, visitor))
        assert ledger.total(state, people.helper.key) == 2


def test_the_daily_cap_and_the_serial_liking_guard(app, people):
    app.config["FORUM_LEVELS"] = {"newcomer_daily_likes": 1000}
    with app.app_context():
        extra = [Member(full_name=f"Fan {i}") for i in range(25)]
        db.session.add_all(extra)
        db.session.commit()
        fans = [forum_user(app, m) for m in extra]
    answers = [(people.helper, f"Answer {i}") for i in range(25)]
    make_thread(app, people.asker, answers=answers)
    with app.app_context():
        state = get_state(app)
        asker = forum_user(app, people.asker)
        for post_id in range(2, 9):  # 7 likes from one person: only 5 count
            reactions.like(state, asker, post(app, post_id))
        assert ledger.total(state, people.helper.key) == 50
        for fan in fans:  # 25 more likes from different people: 250 points, capped at 200 a day
            reactions.like(state, fan, post(app, 10))
        assert ledger.total(state, people.helper.key) == 200
        solutions.accept(state, asker, db.session.get(state.models.Thread, 1), 3)
        assert ledger.total(state, people.helper.key) == 215  # accepted answers are exempt
        assert ledger.verify(state) == []


def test_new_members_have_a_daily_like_limit(app, client, people):
    app.config["FORUM_LEVELS"] = {"newcomer_daily_likes": 2}
    make_thread(app, people.asker, answers=[(people.helper, f"Answer {i}") for i in range(3)])
    login(client, people.asker)
    for post_id in (2, 3):
        assert post_form(client, f"{PREFIX}/t/1", f"{PREFIX}/p/{post_id}/like", {}).status_code == 302
    response = post_form(client, f"{PREFIX}/t/1", f"{PREFIX}/p/4/like", {})
    assert response.status_code == 403 and "New members can like 2 posts a day" in response.text
    token = csrf_token(client, f"{PREFIX}/t/1")  # the API counts the same likes, read with the post
    refused = client.put(f"{PREFIX}/api/v1/posts/4/like", headers={"X-CSRFToken": token})
    assert refused.status_code == 403 and "New members can like 2 posts a day" in refused.get_json()["detail"]
    # taking a like back is never refused, and frees one of the day's likes
    assert post_form(client, f"{PREFIX}/t/1", f"{PREFIX}/p/2/unlike", {}).status_code == 302
    assert post_form(client, f"{PREFIX}/t/1", f"{PREFIX}/p/4/like", {}).status_code == 302
    with app.app_context():  # a Member (level 1) has no daily limit
        db.session.execute(sa.text("UPDATE forum_member SET level = 1"))
        db.session.commit()
    assert post_form(client, f"{PREFIX}/t/1", f"{PREFIX}/p/2/like", {}).status_code == 302
    with app.app_context():
        liked = db.session.scalars(sa.text("SELECT post_id FROM forum_like ORDER BY post_id")).all()
    assert liked == [2, 3, 4]


def test_verify_finds_a_tampered_total_and_rebuild_fixes_it(app, people):
    make_thread(app, people.asker, answers=[(people.helper, "Tip")])
    with app.app_context():
        reactions.like(get_state(app), forum_user(app, people.asker), post(app, 2))
        Bucket = get_state(app).models.PointBucket
        db.session.execute(sa.update(Bucket).values(points=Bucket.points + 7))
        db.session.commit()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["forum", "points", "verify"])
    assert result.exit_code == 1 and "cached 17, ledger says 10" in result.output
    assert runner.invoke(args=["forum", "points", "rebuild"]).exit_code == 0
    result = runner.invoke(args=["forum", "points", "verify"])
    assert result.exit_code == 0 and "Every cached total matches the ledger." in result.output
    assert points(app, people.helper) == 10


@settings(
    max_examples=2,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_the_cache_equals_the_ledger_after_a_random_mix_of_1000_events(app, people, seed):
    rng = random.Random(seed)
    app.config["FORUM_LEVELS"] = {"newcomer_daily_likes": 10_000}
    with app.app_context():
        state = get_state(app)
        crowd = [forum_user(app, p) for p in (people.asker, people.helper, people.agent, people.admin)]
        for i in range(4):
            thread_obj = posting.create_thread(
                state, crowd[i], category_id=1, title=f"Random question {seed} {i}", body="?"
            )
            for j in range(3):
                posting.add_answer(state, crowd[(i + j + 1) % 4], thread_obj, f"answer {j}")
        Post, Thread = state.models.Post, state.models.Thread
        post_ids = list(db.session.scalars(sa.select(Post.id)))
        thread_ids = list(db.session.scalars(sa.select(Thread.id)))
        for _ in range(1000):
            who = rng.choice(crowd)
            kind = rng.random()
            target = db.session.get(Post, rng.choice(post_ids))
            try:
                if kind < 0.35:
                    reactions.like(state, who, target)
                elif kind < 0.55:
                    reactions.unlike(state, who, target)
                elif kind < 0.7:
                    parent = db.session.get(Thread, target.thread_id)
                    if not target.is_question:
                        solutions.accept(
                            state,
                            crowd[[c.id for c in crowd].index(parent.author_id)] if rng.random() < 0.8 else who,
                            parent,
                            target.id,
                        )
                elif kind < 0.78:
                    solutions.unaccept(state, who, db.session.get(Thread, rng.choice(thread_ids)))
                elif kind < 0.86:
                    share = sharing.share(state, who, target)
                    sharing.record_visit(state, share.token, rng.choice(crowd))
                else:
                    agent = crowd[2]
                    posting.set_deleted(state, agent, target, not target.is_deleted)
            except Exception as error:  # refusals (own post, removed post, not allowed) are part of the mix
                from forum import ForumError

                assert isinstance(error, ForumError), error
                db.session.rollback()
        assert ledger.verify(state) == []


def test_leaderboards_rank_by_points_then_who_got_there_first(app, client, people):
    with app.app_context():
        state = get_state(app)
        Category = state.models.Category
        vpn = Category(name="VPN", slug="vpn", position=1)
        db.session.add(vpn)
        db.session.commit()
        now = dt.datetime(2026, 11, 25, 10)
        for who, when, category in (
            (people.helper, now, 1),
            (people.agent, now + dt.timedelta(minutes=1), vpn.id),
            (people.admin, now - dt.timedelta(days=20), 1),
        ):
            ledger.award(
                state,
                ledger.Award(
                    user_id=who.key, reason="answer_accepted", amount=15, cause=f"test:{who.key}", category_id=category
                ),
                now=when,
            )
        db.session.commit()
        week = leaderboard.top(state, "week", starts=dt.date(2026, 11, 23))
        assert [r.user.name for r in week] == ["Hugo Helper", "Dana Desk"]  # a tie: Hugo got there first
        assert [r.rank for r in week] == [1, 2]
        everything = leaderboard.top(state, "all")
        assert [r.user.name for r in everything] == ["Ada Admin", "Hugo Helper", "Dana Desk"]  # Ada had 15 first
        in_vpn = leaderboard.top(state, "all", category_id=vpn.id)
        assert [r.user.name for r in in_vpn] == ["Dana Desk"]
    page = client.get(f"{PREFIX}/leaderboard?period=all").text
    board = page[page.index('<ol class="board">') :]
    assert board.index("Ada Admin") < board.index("Hugo Helper") < board.index("Dana Desk")
    assert "Ada Admin" not in client.get(f"{PREFIX}/leaderboard?period=all&category=vpn").text


def test_admins_export_a_leaderboard_as_csv(app, client, people):
    make_thread(app, people.asker, answers=[(people.helper, "Tip")])
    with app.app_context():
        reactions.like(get_state(app), forum_user(app, people.asker), post(app, 2))
    login(client, people.agent)
    assert client.get(f"{PREFIX}/leaderboard.csv").status_code == 403
    client.get("/logout")
    login(client, people.admin)
    response = client.get(f"{PREFIX}/leaderboard.csv?period=all")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    lines = response.text.strip().splitlines()
    assert lines[0] == "rank,name,email,points,period,starts,category_id"
    assert lines[1] == "1,Hugo Helper,hugo@example.com,10,all,2000-01-01,0"


def test_a_name_that_looks_like_a_formula_is_exported_as_text(app, client, people):
    with app.app_context():
        sly = Member(full_name='=HYPERLINK("https://evil.example","Click")', email="+1@example.com")
        db.session.add(sly)
        db.session.commit()
        sly_key = sly.key
        state = get_state(app)
        ledger.award(state, ledger.Award(user_id=sly_key, reason="answer_accepted", amount=15, cause="test:sly"))
        db.session.commit()
    login(client, people.admin)
    rows = list(csv.reader(io.StringIO(client.get(f"{PREFIX}/leaderboard.csv?period=all").text)))
    assert rows[1][1] == '\'=HYPERLINK("https://evil.example","Click")'
    assert rows[1][2] == "'+1@example.com"
    assert all(not cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_badge_pages_show_who_earned_them_and_profiles_show_progress(app, client, people):
    make_thread(app, people.asker, answers=[(people.helper, "Tip")])
    page = client.get(f"{PREFIX}/badges/first-answer").text
    assert "Hugo Helper" in page and "earned it" in page
    assert "1 person has it" in client.get(f"{PREFIX}/badges").text
    assert len(badges.DEFAULT_BADGES) >= 20
    profile = client.get(f"{PREFIX}/u/{people.helper.key}").text
    assert "Next badges" in profile and "<progress" in profile
    assert client.get(f"{PREFIX}/badges/no-such-badge").status_code == 404


def test_backfill_awards_what_existing_data_already_earns(app, people):
    make_thread(app, people.asker, answers=[(people.helper, "Tip")])
    with app.app_context():
        BadgeAward = get_state(app).models.BadgeAward
        db.session.execute(sa.delete(BadgeAward))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["forum", "badges", "backfill"])
    assert result.exit_code == 0 and "Awarded 2 badges" in result.output
    with app.app_context():
        assert set(badges.earned(get_state(app), people.helper.key)) == {"first-answer"}
        assert set(badges.earned(get_state(app), people.asker.key)) == {"first-question"}


def test_an_admin_makes_someone_a_superuser_and_can_lock_it(app, client, people):
    login(client, people.admin)
    token = csrf_token(client, f"{PREFIX}/u/{people.helper.key}")
    response = client.post(
        f"{PREFIX}/u/{people.helper.key}/level", data={"csrf_token": token, "level": "3", "lock": "1"}
    )
    assert response.status_code == 302
    assert ">Superuser<" in client.get(f"{PREFIX}/u/{people.helper.key}").text
    with app.app_context():
        assert levels.refresh(get_state(app), people.helper.key) == 3  # locked: no automatic change
    client.get("/logout")
    login(client, people.helper)
    assert "You are now a Superuser!" in client.get(f"{PREFIX}/notifications").text
    assert "Set level" not in client.get(f"{PREFIX}/u/{people.asker.key}").text
    token = csrf_token(client, f"{PREFIX}/ask")
    response = client.post(f"{PREFIX}/u/{people.asker.key}/level", data={"csrf_token": token, "level": "4"})
    assert response.status_code == 403


def test_champions_moderate(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.agent, "Off-topic")])
    with app.app_context():
        levels.grant(get_state(app), forum_user(app, people.admin), people.helper.key, 4, lock=True)
    login(client, people.helper)
    response = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/delete", {})
    assert response.status_code == 302
    assert "Off-topic" in client.get(f"{PREFIX}/t/{thread_id}").text  # champions still see it, to restore it
    client.get("/logout")
    assert "Off-topic" not in client.get(f"{PREFIX}/t/{thread_id}").text


def test_how_points_work_is_explained_in_plain_words(client):
    page = client.get(f"{PREFIX}/points").text
    assert "You get no points for anything done to your own posts." in page
    assert "at most 200 points a day from likes and shares" in page
    assert "at most 5 times a day" in page
    assert "Superuser" in page and "Champion" in page


@pytest.mark.parametrize("period", ["week", "month", "all"])
def test_the_home_page_shows_this_weeks_top_helpers(app, client, people, period):
    make_thread(app, people.asker, answers=[(people.helper, "Tip")])
    with app.app_context():
        reactions.like(get_state(app), forum_user(app, people.asker), post(app, 2))
    assert "Top helpers this week" in client.get(f"{PREFIX}/").text
    assert "Hugo Helper" in client.get(f"{PREFIX}/leaderboard?period={period}").text


def grant(app, admin, member, level):
    with app.app_context():
        levels.grant(get_state(app), forum_user(app, admin), member.key, level, lock=True)


def test_regulars_fix_keywords_and_mark_repeats(app, client, people):
    original = make_thread(app, people.agent, title="How do I reset my password?")
    repeat = make_thread(app, people.asker, title="Forgot password, what now?", tags="pw")
    login(client, people.helper)
    token = csrf_token(client, f"{PREFIX}/ask")
    response = client.post(f"{PREFIX}/t/{repeat}/tags", data={"csrf_token": token, "tags": "password"})
    assert response.status_code == 403 and "opens up at the Regular level" in response.text
    client.get("/logout")
    grant(app, people.admin, people.helper, 2)
    login(client, people.helper)
    page = f"{PREFIX}/t/{repeat}"
    assert "Tidy up this question" in client.get(page).text
    assert post_form(client, page, f"{PREFIX}/t/{repeat}/tags", {"tags": "password, account"}).status_code == 302
    assert "/tags/account" in client.get(page).text and "/tags/pw" not in client.get(page).text
    bad = post_form(client, page, f"{PREFIX}/t/{repeat}/duplicate", {"original": "the other one"})
    assert bad.status_code == 400 and "Paste the link of the original question" in bad.text
    itself = post_form(client, page, f"{PREFIX}/t/{repeat}/duplicate", {"original": str(repeat)})
    assert itself.status_code == 400 and "duplicate of itself" in itself.text
    done = post_form(
        client,
        page,
        f"{PREFIX}/t/{repeat}/duplicate",
        {"original": f"http://portal.example.com{PREFIX}/t/{original}/how-do-i-reset"},
    )
    assert done.status_code == 302
    shown = client.get(page).text
    assert "This question was asked before." in shown and "How do I reset my password?" in shown
    client.get("/logout")
    login(client, people.asker)
    assert "looks like one that was asked before" in client.get(f"{PREFIX}/notifications").text


def test_superusers_verify_workarounds(app, client, people):
    thread_id = make_thread(app, people.asker, answers=[(people.agent, "Use the web version for now")])
    grant(app, people.admin, people.helper, 2)
    login(client, people.helper)
    token = csrf_token(client, f"{PREFIX}/t/{thread_id}")
    response = client.post(f"{PREFIX}/p/2/verify", data={"csrf_token": token})
    assert response.status_code == 403 and "opens up at the Superuser level" in response.text
    client.get("/logout")
    grant(app, people.admin, people.helper, 3)
    login(client, people.helper)
    assert post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/2/verify", {}).status_code == 302
    assert "Verified workaround</p>" in client.get(f"{PREFIX}/t/{thread_id}").text
    bad = post_form(client, f"{PREFIX}/t/{thread_id}", f"{PREFIX}/p/1/verify", {})
    assert bad.status_code == 400 and "Only answers" in bad.text
