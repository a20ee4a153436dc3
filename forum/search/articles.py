"""Knowledge articles: the IT team writes them, or grows them from an answer that solved something."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import ForumError, NotAllowed, NotFound
from ..i18n import _, later
from ..markup import render_markdown
from ..models import Article, Post, get_row, utcnow
from ..notifications.delivery import notify
from ..threads.posting import check_body, check_title, get_category
from . import engine as search

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser


def _agents_only(actor: ForumUser | None) -> None:
    if actor is None or not actor.is_agent:
        raise NotAllowed(_("Only the IT team can write knowledge articles."))


def get(state: ForumState, article_id: Any, viewer: ForumUser | None) -> Any:
    """An article the viewer may read: drafts only for the IT team."""
    article = state.db.session.get(state.models.Article, article_id)
    if article is None or (not article.is_published and not (viewer and viewer.is_agent)):
        raise NotFound(_("We could not find that article."))
    return article


def save(
    state: ForumState,
    actor: ForumUser,
    *,
    title: str,
    body: str,
    category_id: Any,
    publish: bool,
    article: Article | None = None,
) -> Any:
    """Create or change an article, and publish it or keep it as a draft."""
    _agents_only(actor)
    clean_title = check_title(state, title)
    clean_body = check_body(state, body, what="article")
    category = get_category(state, category_id)
    Article = state.models.Article
    now = utcnow()
    if article is None:
        article = Article(author_id=actor.id, created_at=now)
        state.db.session.add(article)
    first_publication = publish and article.published_at is None
    article.title, article.body_source, article.body_html = clean_title, clean_body, render_markdown(clean_body)
    article.category_id, article.updated_at = category.id, now
    article.published_at = (article.published_at or now) if publish else None
    state.db.session.flush()
    (search.mark if publish else search.forget)(state, "article", article.id)
    if first_publication and article.credited_id is not None and article.credited_id != actor.id:
        _reward(state, article)
    state.db.session.commit()
    return article


def promote(state: ForumState, actor: ForumUser, post: Post) -> Any:
    """Start an article draft from an accepted answer, crediting (and telling) its author."""
    _agents_only(actor)
    thread = get_row(state.db.session, state.models.Thread, post.thread_id)
    if post.is_question or thread.accepted_post_id != post.id:
        raise ForumError(_("Only an answer that solved its question can become an article."))
    Article = state.models.Article
    existing = state.db.session.scalar(sa.select(Article).where(Article.source_post_id == post.id))
    if existing is not None:
        return existing
    article = Article(
        title=thread.title,
        body_source=post.body_source,
        body_html=post.body_html,
        category_id=thread.category_id,
        source_post_id=post.id,
        author_id=actor.id,
        credited_id=post.author_id,
    )
    state.db.session.add(article)
    state.db.session.flush()
    if post.author_id != actor.id:
        notify(
            state,
            post.author_id,
            "article",
            later(
                'Your answer to "%(title)s" is becoming a knowledge article. Thank you, it helps everyone!',
                title=thread.title,
            ),
            actor=actor,
            thread_id=thread.id,
            post_id=post.id,
        )
    state.db.session.commit()
    return article


def _reward(state: ForumState, article: Article) -> None:
    from ..gamification import ledger

    ledger.award(
        state,
        ledger.Award(
            user_id=article.credited_id,
            reason="knowledge_article",
            amount=ledger.point_rules(state).knowledge_article,
            cause=f"knowledge_article:{article.id}",
            post_id=article.source_post_id,
            category_id=article.category_id,
        ),
    )


def published(state: ForumState, *, viewer: ForumUser | None, limit: int = 100) -> list[Any]:
    """Articles, newest first (drafts too, for the IT team)."""
    Article = state.models.Article
    query = sa.select(Article).order_by(Article.updated_at.desc()).limit(limit)
    if not (viewer and viewer.is_agent):
        query = query.where(Article.published_at.is_not(None))
    return list(state.db.session.scalars(query))
