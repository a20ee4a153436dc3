"""axe-core in the browser tests: the checker from the npm registry, injected into each page, and the pages to check."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

AXE = Path(__file__).resolve().parent / "browser-deps" / "node_modules" / "axe-core" / "axe.min.js"
#: WCAG 2.2 A and AA, and axe's best practices: any violation fails.
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}


def axe_source() -> str:
    """axe-core's script, or a skip (a failure where CI asks for it) saying how to install it."""
    if not AXE.exists():
        reason = "axe-core is not installed: run `npm ci --prefix tests/browser-deps` (.ci/run does)"
        if os.environ.get("FORUM_TEST_REQUIRE_AXE"):
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def violations(page: Any, source: str) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now (axe is injected once per page)."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=source)
    found: list[dict[str, Any]] = page.evaluate(
        """async (options) => {
            const result = await window.axe.run(document, options);
            return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ") + " :: " + n.failureSummary)}));
        }""",
        AXE_OPTIONS,
    )
    return found


def site_pages(app: Any, prefix: str, role: str, user_id: Any) -> dict[str, str]:
    """Every kind of forum page this role can open, with real ids from the site's database."""
    from forum import get_state

    with app.app_context():
        state = get_state(app)
        m, session = state.models, state.db.session
        solved = session.scalar(
            sa.select(m.Thread).where(m.Thread.accepted_post_id.is_not(None), m.Thread.answer_count >= 2)
        )
        assert solved is not None, "the site needs a solved thread with two answers"
        helper = session.get(m.Post, solved.accepted_post_id).author_id
        category = session.scalar(sa.select(m.Category.slug).order_by(m.Category.id).limit(1))
        tag = session.scalar(sa.select(m.Tag.name).order_by(m.Tag.id).limit(1))
        article = session.scalar(sa.select(m.Article.id).order_by(m.Article.id).limit(1))
        announcement = session.scalar(sa.select(m.Announcement.id).order_by(m.Announcement.id).limit(1))
        idea = session.scalar(sa.select(m.Idea.id).order_by(m.Idea.id).limit(1))
        reward = session.scalar(sa.select(m.Reward.id).order_by(m.Reward.id).limit(1))
        own = session.scalar(
            sa.select(m.Post)
            .where(m.Post.author_id == user_id, ~m.Post.is_question, m.Post.deleted_at.is_(None))
            .order_by(m.Post.id)
            .limit(1)
        )
        own_thread = session.scalar(
            sa.select(m.Thread.id).where(m.Thread.author_id == user_id).order_by(m.Thread.id).limit(1)
        )
        others = session.scalar(
            sa.select(m.Post.id)
            .where(m.Post.author_id != user_id, m.Post.deleted_at.is_(None), m.Post.held.is_(None))
            .order_by(m.Post.id)
            .limit(1)
        )
    pages = {
        "home": "/",
        "unanswered": "/?tab=unanswered",
        "category": f"/c/{category}",
        "tag": f"/tags/{tag}",
        "thread": f"/t/{solved.id}",
        "profile": f"/u/{helper}",
        "history": f"/p/{solved.accepted_post_id}/history",
        "articles": "/articles",
        "article": f"/articles/{article}",
        "announcements": "/announcements",
        "announcement": f"/announcements/{announcement}",
        "leaderboard": "/leaderboard",
        "badges": "/badges",
        "badge": "/badges/first-answer",
        "happening": "/happening",
        "search": "/search?q=printer",
        "ideas": "/ideas",
        "idea": f"/ideas/{idea}",
        "not-found": "/t/999999",
        "offline": "/offline",
        "api-docs": "/api/v1/docs",
    }
    if role in ("member", "agent"):
        pages |= {
            "ask": "/ask",
            "favourites": "/favourites",
            "notifications": "/notifications",
            "notification-settings": "/notifications/settings",
            "points": "/points",
            "own-profile": f"/u/{user_id}",
            "flag": f"/p/{others}/flag",
            "idea-new": "/ideas/new",
            "rewards": "/rewards",
            "reward": f"/rewards/{reward}",
            "tokens": "/tokens",
        }
        if own is not None:
            pages |= {"edit": f"/p/{own.id}/edit", "delete": f"/p/{own.id}/delete"}
        if own_thread is not None:
            pages |= {"ask-it-team": f"/t/{own_thread}/ask-it-team"}
    if role == "agent":
        pages |= {
            "admin-categories": "/admin/categories",
            "admin-category": "/admin/categories/1",
            "admin-desk": "/admin/desk",
            "admin-glossary": "/admin/glossary",
            "admin-suggestions": "/admin/suggestions",
            "too-technical": "/admin/too-technical",
            "announcement-new": "/announcements/new",
            "article-new": "/articles/new",
            "article-edit": f"/articles/{article}/edit",
            "edit-any": f"/p/{solved.accepted_post_id}/edit",
            "delete-any": f"/p/{solved.accepted_post_id}/delete",
            "ask-it-team-any": f"/t/{solved.id}/ask-it-team",
            "review": "/review",
            "silence": f"/u/{helper}/silence",
            "audit": "/admin/audit",
            "admin-rewards": "/admin/rewards",
            "orders": "/admin/orders",
            "webhooks": "/admin/webhooks",
        }
    return {name: prefix + path for name, path in pages.items()}
