"""Search and suggestions over threads and knowledge articles, on real full-text indexes.

SQLite uses FTS5 with the Porter stemmer; PostgreSQL uses ``to_tsvector('english')`` with a GIN
index. Both match word forms by stemming the query and matching it as a prefix, so "printing"
finds "printer". Solved threads and articles rank above unsolved threads that match as well.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from markupsafe import Markup, escape

from . import meaning
from .index import FTS_TABLE, TITLE_FTS_TABLE, TITLE_VECTOR_COLUMN, VECTOR_COLUMN

if TYPE_CHECKING:
    from ..state import ForumState

#: Markers for highlighted words; taken out of indexed text so they can only come from the index.
OPEN, CLOSE = "\u27e6", "\u27e7"
#: How much more a solved thread or an article counts than an unsolved thread.
SOLVED_BOOST = 1.5
MAX_TERMS = 12
#: Matches considered for ranking, newest first. Ranking every match of a common word in a big forum
#: would cost hundreds of milliseconds; the newest few thousand keep answers fresh and pages fast.
CANDIDATES = 2000
#: Suggestions answer every pause in typing, so they rank fewer.
SUGGESTION_CANDIDATES = 100
MAX_BODY = 20_000
_WORD = re.compile(r"\w+", re.UNICODE)
_TAG = re.compile(r"<[^>]+>")
STOP_WORDS = frozenset(
    "a an and are as at be been but by can cannot could did do does doing for from had has have how i if in into is "
    "it its just me my no not of on or our so than that the their them then there these they this to too was we were "
    "what when where which while who why will with would you your please help hi hello thanks anyone".split()
)


def plain_text(fragment: str) -> str:
    """Text of rendered HTML, for indexing and snippets."""
    text = html.unescape(_TAG.sub(" ", fragment))
    return " ".join(text.replace(OPEN, " ").replace(CLOSE, " ").split())


def terms(text: str | None) -> list[str]:
    """The words worth searching for: no operators, no stop words, no repeats, at most a dozen."""
    found: list[str] = []
    for word in _WORD.findall((text or "")[:2000].lower()):
        word = word.strip("_")[:40]
        if len(word) < 2 or word in STOP_WORDS or word in found:
            continue
        found.append(word)
        if len(found) == MAX_TERMS:
            break
    return found


# Keeping the index in step ---------------------------------------------------------------------


def _upsert_doc(
    connection: sa.Connection, table: sa.Table, kind: str, ref_id: int, values: dict[str, Any] | None
) -> None:
    existing = connection.execute(sa.select(table.c.id).where(table.c.kind == kind, table.c.ref_id == ref_id)).scalar()
    if values is None:
        if existing is not None:
            connection.execute(sa.delete(table).where(table.c.id == existing))
        return
    if existing is None:
        connection.execute(sa.insert(table).values(kind=kind, ref_id=ref_id, **values))
    else:
        connection.execute(sa.update(table).where(table.c.id == existing).values(**values))


def thread_document(
    connection: sa.Connection, state: ForumState, thread_id: int, *, moderated: bool = True
) -> dict[str, Any] | None:
    """Title and text of a thread (question, then the accepted answer, then the rest), or None if removed or
    unlisted. Posts held for review are left out. ``moderated=False`` is for databases that predate moderation
    (an upgrade that rebuilds the index on the way)."""
    thread = state.models.Thread.__table__
    post = state.models.Post.__table__
    unlisted = thread.c.unlisted_at if moderated else sa.null()
    row = connection.execute(
        sa.select(
            thread.c.title, thread.c.category_id, thread.c.accepted_post_id, thread.c.deleted_at, unlisted.label("hid")
        ).where(thread.c.id == thread_id)
    ).first()
    if row is None or row.deleted_at is not None or row.hid is not None:
        return None
    shown = [post.c.thread_id == thread_id, post.c.deleted_at.is_(None)]
    if moderated:
        shown.append(post.c.held.is_(None))
    posts = connection.execute(
        sa.select(post.c.id, post.c.is_question, post.c.body_html)
        .where(*shown)
        .order_by(post.c.is_question.desc(), post.c.created_at, post.c.id)
    ).all()
    ordered = sorted(posts, key=lambda p: (not p.is_question, p.id != row.accepted_post_id))
    body = " ".join(plain_text(p.body_html) for p in ordered)[:MAX_BODY]
    return {
        "title": row.title,
        "body": body,
        "solved": row.accepted_post_id is not None,
        "category_id": row.category_id,
    }


def article_document(connection: sa.Connection, state: ForumState, article_id: int) -> dict[str, Any] | None:
    """Title and text of a published article, or None for drafts."""
    article = state.models.Article.__table__
    row = connection.execute(
        sa.select(article.c.title, article.c.body_html, article.c.category_id, article.c.published_at).where(
            article.c.id == article_id
        )
    ).first()
    if row is None or row.published_at is None:
        return None
    return {
        "title": row.title,
        "body": plain_text(row.body_html)[:MAX_BODY],
        "solved": True,
        "category_id": row.category_id,
    }


def _reindex(state: ForumState, kind: str, ref_id: int, values: dict[str, Any] | None) -> None:
    """Write one document, and ask the worker to bring its vector (its meaning) in step too."""
    _upsert_doc(state.db.session.connection(), state.models.SearchDoc.__table__, kind, ref_id, values)
    if values is not None and values["solved"]:
        meaning.want(state, kind, ref_id)
    else:  # gone or unsolved: a vector it had must go, one it never had need not be made
        Vector = state.models.SearchVector.__table__
        state.db.session.execute(
            sa.update(Vector).where(Vector.c.kind == kind, Vector.c.ref_id == ref_id).values(wanted=Vector.c.wanted + 1)
        )


def reindex_thread(state: ForumState, thread_id: int) -> None:
    """Bring one thread's search document up to date, inside the caller's transaction."""
    _reindex(state, "thread", thread_id, thread_document(state.db.session.connection(), state, thread_id))


def reindex_article(state: ForumState, article_id: int) -> None:
    """Bring one article's search document up to date, inside the caller's transaction."""
    _reindex(state, "article", article_id, article_document(state.db.session.connection(), state, article_id))


def reindex_all(state: ForumState, *, connection: sa.Connection) -> int:
    """Rebuild every document (after an upgrade, or with ``flask forum search reindex``)."""
    table = state.models.SearchDoc.__table__
    connection.execute(sa.delete(table))
    thread = state.models.Thread.__table__
    count = 0
    moderated = "unlisted_at" in {c["name"] for c in sa.inspect(connection).get_columns(thread.name)}
    for (thread_id,) in connection.execute(sa.select(thread.c.id).where(thread.c.deleted_at.is_(None))).all():
        values = thread_document(connection, state, thread_id, moderated=moderated)
        if values is not None:
            connection.execute(sa.insert(table).values(kind="thread", ref_id=thread_id, **values))
            count += 1
    article = state.models.Article.__table__
    if sa.inspect(connection).has_table(article.name):
        for (article_id,) in connection.execute(sa.select(article.c.id)).all():
            values = article_document(connection, state, article_id)
            if values is not None:
                connection.execute(sa.insert(table).values(kind="article", ref_id=article_id, **values))
                count += 1
    return count


# Asking the index ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One search result."""

    kind: str
    ref_id: int
    title: str
    snippet: Markup
    solved: bool
    category_id: int


@dataclass
class Results:
    """One page of results, and what was searched for."""

    hits: list[Hit]
    page: int
    has_next: bool
    terms: list[str]
    #: True when no document had every word, so documents with some of them are shown.
    widened: bool = False
    external: list[Any] = field(default_factory=list)


def _highlight(raw: str | None) -> Markup:
    text = escape(raw or "")
    return Markup(str(text).replace(OPEN, "<mark>").replace(CLOSE, "</mark>"))


@dataclass(frozen=True)
class Scope:
    """Which documents a search looks among: solved ones only, one category, one keyword, minus some."""

    solved_only: bool = False
    category_id: int | None = None
    tag: str | None = None
    exclude: frozenset[tuple[str, int]] = frozenset()


@dataclass(frozen=True)
class Match:
    """How the words must match: all of them or any, in titles alone or in the whole text."""

    words: tuple[str, ...]
    match_all: bool
    title_only: bool = False


def _filters(state: ForumState, doc: sa.Table, scope: Scope) -> list[sa.ColumnElement[bool]]:
    """The scope as conditions on ``forum_search_doc``, the same on both databases."""
    filters: list[sa.ColumnElement[bool]] = []
    if scope.solved_only:
        filters.append(sa.or_(doc.c.solved, doc.c.kind == "article"))
    if scope.category_id:
        filters.append(doc.c.category_id == scope.category_id)
    for kind, ref in scope.exclude:
        filters.append(sa.not_(sa.and_(doc.c.kind == kind, doc.c.ref_id == ref)))
    if scope.tag:
        Tag, link = state.models.Tag.__table__, state.models.thread_tag
        filters.append(doc.c.kind == "thread")
        filters.append(
            sa.exists(
                sa.select(1)
                .select_from(link.join(Tag, Tag.c.id == link.c.tag_id))
                .where(link.c.thread_id == doc.c.ref_id, Tag.c.name == scope.tag)
            )
        )
    return filters


def _boost(doc: sa.Table) -> sa.ColumnElement[float]:
    """Solved threads and articles rank above open questions with the same words."""
    return sa.case((sa.or_(doc.c.solved, doc.c.kind == "article"), SOLVED_BOOST), else_=1.0)


def _postgres_query(
    doc: sa.Table, match: Match, filters: list[sa.ColumnElement[bool]], *, limit: int, offset: int, candidates: int
) -> sa.Select[Any]:
    """tsvector and GIN: pick the newest matches by id first (no ranking yet), then rank only those."""
    expression = (" & " if match.match_all else " | ").join(f"{w}:*" for w in match.words)
    tsquery = sa.func.to_tsquery("english", expression)
    vector: sa.ColumnClause[Any] = sa.column(TITLE_VECTOR_COLUMN if match.title_only else VECTOR_COLUMN)
    newest = (
        sa.select(doc.c.id)
        .where(vector.op("@@")(tsquery), *filters)
        .order_by(doc.c.id.desc())
        .limit(candidates)
        .subquery()
    )
    score = sa.func.ts_rank_cd(vector, tsquery) * _boost(doc)
    return (
        sa.select(doc.c.kind, doc.c.ref_id, doc.c.title, doc.c.solved, doc.c.category_id, doc.c.body)
        .select_from(newest.join(doc, doc.c.id == newest.c.id))
        .order_by(score.desc(), doc.c.id)
        .limit(limit)
        .offset(offset)
    )


def _sqlite_query(
    doc: sa.Table, match: Match, filters: list[sa.ColumnElement[bool]], *, limit: int, offset: int, candidates: int
) -> sa.Select[Any]:
    """FTS5 and bm25 (lower is better): the newest matches first, then rank only those."""
    expression = (" " if match.match_all else " OR ").join(f'"{w}"*' for w in match.words)
    table = TITLE_FTS_TABLE if match.title_only else FTS_TABLE
    fts = sa.table(table, sa.column("rowid"))
    condition = sa.text(f"{table} MATCH :expression").bindparams(expression=expression)
    weights = () if match.title_only else (8.0, 1.0)
    score = (sa.func.bm25(sa.literal_column(table), *weights) * _boost(doc)).label("score")
    newest = (
        sa.select(doc.c.kind, doc.c.ref_id, doc.c.title, doc.c.solved, doc.c.category_id, doc.c.id, score)
        .select_from(fts.join(doc, doc.c.id == fts.c.rowid))
        .where(condition, *filters)
        .order_by(fts.c.rowid.desc())
        .limit(candidates)
        .subquery()
    )
    ranked = (
        sa.select(newest.c.id, newest.c.score)
        .order_by(newest.c.score, newest.c.id)
        .limit(limit)
        .offset(offset)
        .subquery()
    )
    return (
        sa.select(doc.c.kind, doc.c.ref_id, doc.c.title, doc.c.solved, doc.c.category_id, doc.c.body)
        .select_from(ranked.join(doc, doc.c.id == ranked.c.id))
        .order_by(ranked.c.score, ranked.c.id)
    )


def query(
    state: ForumState,
    match: Match,
    scope: Scope,
    *,
    limit: int,
    offset: int = 0,
    with_snippets: bool = True,
    candidates: int = CANDIDATES,
) -> list[Hit]:
    """One page of hits for ``match`` within ``scope``, on whichever full-text index this database has."""
    doc = state.models.SearchDoc.__table__
    connection = state.db.session.connection(bind_arguments=state.replica())
    build = _postgres_query if connection.dialect.name == "postgresql" else _sqlite_query
    statement = build(doc, match, _filters(state, doc, scope), limit=limit, offset=offset, candidates=candidates)
    return [
        Hit(
            kind=r[0],
            ref_id=r[1],
            title=r[2],
            solved=bool(r[3]),
            category_id=r[4],
            snippet=snippet(r[5], list(match.words)) if with_snippets else Markup(""),
        )
        for r in connection.execute(statement)
    ]


_SUFFIXES = ("ations", "ation", "ings", "ing", "ers", "er", "ies", "ed", "es", "s")


def _stem(word: str) -> str:
    """A rough stem for highlighting only (the indexes do the real stemming)."""
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def snippet(body: str, words: list[str], *, width: int = 220) -> Markup:
    """A piece of the text around the first matching word, with the matches marked; safe to show."""
    pattern = re.compile(r"\b(" + "|".join(re.escape(_stem(w)) for w in words) + r")\w*", re.IGNORECASE)
    found = pattern.search(body)
    start = max(0, (found.start() if found else 0) - width // 3)
    if start:
        start = body.find(" ", start) + 1 or start
    piece = body[start : start + width]
    marked = pattern.sub(lambda m: f"{OPEN}{m.group(0)}{CLOSE}", piece)
    text = ("… " if start else "") + marked + (" …" if start + width < len(body) else "")
    return _highlight(text)


def search(
    state: ForumState,
    text: str | None,
    *,
    page: int = 1,
    per_page: int = 20,
    solved_only: bool = False,
    category_id: int | None = None,
    tag: str | None = None,
) -> Results:
    """Documents with every word first; if none has them all, documents with some of them."""
    words = terms(text)
    if not words:
        return Results(hits=[], page=page, has_next=False, terms=[])
    scope = Scope(solved_only=solved_only, category_id=category_id, tag=tag)
    limit, offset = per_page + 1, (page - 1) * per_page
    hits = query(state, Match(tuple(words), match_all=True), scope, limit=limit, offset=offset)
    widened = False
    if not hits and page == 1 and len(words) > 1:
        hits, widened = query(state, Match(tuple(words), match_all=False), scope, limit=limit, offset=offset), True
    return Results(hits=hits[:per_page], page=page, has_next=len(hits) > per_page, terms=words, widened=widened)
