"""The shapes of knowledge articles, the search documents and what suggestions achieved."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import REGCONFIG
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from .base import Shape, utcnow
from .wanted import Wanted, waiting_index


class Article(Shape):
    """A knowledge article written by the IT team, often grown from an answer that solved something."""

    __tablename__ = "forum_article"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        author_id: Mapped[Any]
        credited_id: Mapped[Any]

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    body_source: Mapped[str] = mapped_column(sa.Text, nullable=False)
    body_html: Mapped[str] = mapped_column(sa.Text, nullable=False)
    category_id: Mapped[int] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_category.id", name="fk_forum_article_category_id"), nullable=False
    )
    #: The answer it grew from, if any.
    source_post_id: Mapped[int | None] = mapped_column(
        sa.Integer, sa.ForeignKey("forum_post.id", name="fk_forum_article_source_post_id"), nullable=True
    )
    published_at: Mapped[dt.datetime | None] = mapped_column(sa.DateTime, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)

    @property
    def is_published(self) -> bool:
        """Drafts are only for the IT team's eyes."""
        return self.published_at is not None


class SearchDoc(Shape):
    """What search sees of a thread, one of its answers or an article: plain text, brought in step by the worker.

    Each answer is its own document, so a late answer in a long thread is found; results group them back into
    their threads.
    """

    __tablename__ = "forum_search_doc"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (
            sa.UniqueConstraint("kind", "ref_id", name="uq_forum_search_doc_kind_ref"),
            sa.Index("ix_forum_search_doc_thread_id", "thread_id"),
            # Which languages the documents are in, read at once (searches look only for those).
            sa.Index("ix_forum_search_doc_config", "config"),
        )

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    #: "thread" (its title, question and accepted answer), "post" (one answer) or "article".
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    ref_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: For an answer, the thread it belongs to (whose title, solved mark and category it shares).
    thread_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    title: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    #: Solved threads and articles rank above unsolved threads.
    solved: Mapped[bool] = mapped_column(sa.Boolean, nullable=False, default=False)
    category_id: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    #: The PostgreSQL text-search configuration of the document's language ("german"): its words are stemmed so.
    config: Mapped[str] = mapped_column(
        sa.String(40).with_variant(REGCONFIG(), "postgresql"), nullable=False, server_default="english"
    )
    #: On SQLite, Snowball stems of a document not in English, which the FTS5 index stems as English.
    stems: Mapped[str] = mapped_column(sa.Text, nullable=False, server_default="")


class SearchChange(Wanted):
    """A thread (``kind`` "thread"), an answer ("post") or an article whose search documents are out of date, for
    the worker to bring in step."""

    __tablename__ = "forum_search_change"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (waiting_index(cls.__tablename__),)


class SuggestionEvent(Shape):
    """What happened to suggestions: shown, opened, solved someone's problem, or a question posted anyway."""

    __tablename__ = "forum_suggestion_event"

    if TYPE_CHECKING:  # made by build_models with the host's user key type
        user_id: Mapped[Any]

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.Index("ix_forum_suggestion_event_created", "created_at"),)

    id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10), nullable=False)
    #: One visit to the ask page, so "posted after seeing suggestions" can be told apart.
    attempt: Mapped[str] = mapped_column(sa.String(32), nullable=False, default="")
    count: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=1)
    doc_kind: Mapped[str | None] = mapped_column(sa.String(10), nullable=True)
    doc_ref: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: For "shown": which suggestions ("thread:12 article:3"), so a question posted anyway counts them as skipped.
    refs: Mapped[str | None] = mapped_column(sa.String(200), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, nullable=False, default=utcnow)


class SearchVector(Wanted):
    """What a solved thread or an article means, as a vector, and how people rated it as a suggestion.

    Requests only ask for a fresh vector (``wanted``); one worker at a time writes vectors, numbering each
    write (``seq``) so every process can pick up just what changed since it last looked.
    """

    __tablename__ = "forum_search_vector"

    @declared_attr.directive
    def __table_args__(cls) -> tuple[Any, ...]:
        return (sa.Index("ix_forum_search_vector_seq", "seq", unique=True), waiting_index(cls.__tablename__))

    #: The order of the worker's writes; ``None`` until the first.
    seq: Mapped[int | None] = mapped_column(sa.BigInteger, nullable=True)
    #: 16-bit floats, unit length; ``None`` when the document is gone or not a solved thread any more.
    vector: Mapped[bytes | None] = mapped_column(sa.LargeBinary, nullable=True)
    model: Mapped[str] = mapped_column(sa.String(40), nullable=False, default="")
    #: People who marked it "This solved my problem" from the suggestions.
    helped: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
    #: Times it was shown and the person posted their question anyway.
    skipped: Mapped[int] = mapped_column(sa.Integer, nullable=False, default=0)
