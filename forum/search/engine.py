"""Search and suggestions over threads and knowledge articles, on real full-text indexes.

SQLite uses FTS5 with the Porter stemmer; PostgreSQL uses ``to_tsvector('english')`` with a GIN
index. Both match word forms by stemming the query and matching it as a prefix, so "printing"
finds "printer". Solved threads and articles rank above unsolved threads that match as well.
"""

from __future__ import annotations

import html
import re
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from markupsafe import Markup, escape

from ..models import wanted
from . import languages, meaning
from .index import FTS_TABLE, TITLE_FTS_TABLE, TITLE_VECTOR_COLUMN, VECTOR_COLUMN

if TYPE_CHECKING:
    from ..state import ForumState

#: Markers for highlighted words; taken out of indexed text so they can only come from the index.
OPEN, CLOSE = "\u27e6", "\u27e7"
#: How much more a solved thread or an article counts than an unsolved thread.
SOLVED_BOOST = 1.5
MAX_TERMS = 12
#: Matches considered for ranking, newest first. Ranking every match of a common word in a big forum
#: would cost hundreds of milliseconds; the newest five hundred keep answers fresh and pages fast (at 1M
#: posts, ranking 2,000 took four times as long as 500).
CANDIDATES = 500
#: Suggestions answer every pause in typing, so they rank fewer.
SUGGESTION_CANDIDATES = 100
MAX_BODY = 20_000
_WORD = re.compile(r"\w+", re.UNICODE)
_TAG = re.compile(r"<[^>]+>")
STOP_WORDS = frozenset(
    # not translated: English words
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
#
# A request only marks what changed (``mark``); the worker's ``index_pending`` rewrites the documents.

#: Changes the worker brings in step per transaction.
BATCH = 200
Key = tuple[str, int]


def mark(state: ForumState, kind: str, ref_id: int) -> None:
    """Ask the worker to bring a thread's, an answer's (``"post"``) or an article's documents in step."""
    wanted.want(state, state.models.SearchChange.__table__, kind, ref_id)


def forget(state: ForumState, kind: str, ref_id: int) -> None:
    """Take a removed or hidden thread, answer or article out of search at once: removals never wait.

    The change is marked too, so the worker brings back whatever should still be found.
    """
    doc = state.models.SearchDoc.__table__
    gone = sa.and_(doc.c.kind == kind, doc.c.ref_id == ref_id)
    if kind == "thread":
        gone = sa.or_(gone, sa.and_(doc.c.kind == "post", doc.c.thread_id == ref_id))
    state.db.session.execute(sa.delete(doc).where(gone))
    mark(state, kind, ref_id)


def forget_post(state: ForumState, post: Any) -> None:
    """Take a removed or hidden post out of search at once: a question takes its whole thread with it."""
    if post.is_question:
        forget(state, "thread", post.thread_id)
    else:
        forget(state, "post", post.id)
        mark(state, "thread", post.thread_id)  # it may have been the accepted answer


def _write_docs(connection: sa.Connection, table: sa.Table, wanted: dict[Key, dict[str, Any] | None]) -> None:
    """Make the documents named in ``wanted`` say what it says (None: remove), writing only what differs."""
    if not wanted:
        return
    columns = ("title", "body", "solved", "category_id", "thread_id", "config", "stems")
    existing = {
        (row.kind, row.ref_id): row
        for row in connection.execute(
            sa.select(table.c.id, table.c.kind, table.c.ref_id, *(table.c[c] for c in columns)).where(
                sa.tuple_(table.c.kind, table.c.ref_id).in_(list(wanted))
            )
        )
    }
    for (kind, ref_id), values in wanted.items():
        row = existing.get((kind, ref_id))
        if values is None:
            if row is not None:
                connection.execute(sa.delete(table).where(table.c.id == row.id))
        elif row is None:
            connection.execute(sa.insert(table).values(kind=kind, ref_id=ref_id, **values))
        elif any(getattr(row, c) != values.get(c) for c in columns if c in values):
            connection.execute(sa.update(table).where(table.c.id == row.id).values(**values))


def _thread_row(connection: sa.Connection, state: ForumState, thread_id: int, *, moderated: bool = True) -> Any:
    """The thread's title, category and accepted answer, or None when search must not show it."""
    thread = state.models.Thread.__table__
    unlisted = thread.c.unlisted_at if moderated else sa.null()
    row = connection.execute(
        sa.select(
            thread.c.title, thread.c.category_id, thread.c.accepted_post_id, thread.c.deleted_at, unlisted.label("hid")
        ).where(thread.c.id == thread_id)
    ).first()
    return None if row is None or row.deleted_at is not None or row.hid is not None else row


def _shown_posts(
    connection: sa.Connection, state: ForumState, where: list[sa.ColumnElement[bool]], *, moderated: bool = True
) -> list[Any]:
    """Posts that search may show (not deleted, not held for review), in the order they were written."""
    post = state.models.Post.__table__
    shown = [*where, post.c.deleted_at.is_(None)]
    if moderated:
        shown.append(post.c.held.is_(None))
    return list(
        connection.execute(
            sa.select(post.c.id, post.c.is_question, post.c.body_html)
            .where(*shown)
            .order_by(post.c.created_at, post.c.id)
        )
    )


def thread_document(
    connection: sa.Connection, state: ForumState, thread_id: int, *, moderated: bool = True
) -> dict[str, Any] | None:
    """Title and text of a thread (its question, then the accepted answer), or None if removed or unlisted.

    Other answers are documents of their own. ``moderated=False`` is for databases that predate moderation
    (an upgrade that rebuilds the index on the way).
    """
    row = _thread_row(connection, state, thread_id, moderated=moderated)
    if row is None:
        return None
    post = state.models.Post.__table__
    wanted = sa.or_(post.c.is_question, post.c.id == row.accepted_post_id)
    posts = _shown_posts(connection, state, [post.c.thread_id == thread_id, wanted], moderated=moderated)
    ordered = sorted(posts, key=lambda p: not p.is_question)
    return _in_its_language(
        state,
        {
            "title": row.title,
            "body": " ".join(plain_text(p.body_html) for p in ordered)[:MAX_BODY],
            "solved": row.accepted_post_id is not None,
            "category_id": row.category_id,
        },
    )


def _in_its_language(state: ForumState, values: dict[str, Any]) -> dict[str, Any]:
    """A document with the language it is written in: its text-search configuration, and stems for SQLite."""
    text = f"{values['title']} {values['body']}"
    language = languages.detect(state, text)
    values["config"] = languages.configuration(state, language)
    values["stems"] = languages.stems(text, language)
    return values


def _answer_document(state: ForumState, row: Any, post: Any, thread_id: int) -> dict[str, Any]:
    """One answer as a document: no title of its own (results show the thread's), the thread's marks."""
    return _in_its_language(
        state,
        {
            "title": "",
            "body": plain_text(post.body_html)[:MAX_BODY],
            "solved": row.accepted_post_id is not None,
            "category_id": row.category_id,
            "thread_id": thread_id,
        },
    )


def _index_thread(connection: sa.Connection, state: ForumState, thread_id: int) -> None:
    """A thread's own document and every answer's, after a change that touches them all."""
    table = state.models.SearchDoc.__table__
    row = _thread_row(connection, state, thread_id)
    wanted: dict[Key, dict[str, Any] | None] = {
        ("post", ref): None
        for (ref,) in connection.execute(
            sa.select(table.c.ref_id).where(table.c.kind == "post", table.c.thread_id == thread_id)
        )
    }
    if row is not None:
        post = state.models.Post.__table__
        answers = _shown_posts(connection, state, [post.c.thread_id == thread_id, ~post.c.is_question])
        wanted.update({("post", p.id): _answer_document(state, row, p, thread_id) for p in answers})
    _write_docs(connection, table, wanted)
    _reindex(state, "thread", thread_id, thread_document(connection, state, thread_id))


def _index_post(connection: sa.Connection, state: ForumState, post_id: int) -> None:
    """One answer's document, and its thread's when it is the question or the accepted answer."""
    post = state.models.Post.__table__
    found = connection.execute(sa.select(post.c.thread_id, post.c.is_question).where(post.c.id == post_id)).first()
    if found is None:
        _write_docs(connection, state.models.SearchDoc.__table__, {("post", post_id): None})
        return
    if found.is_question:
        _index_thread(connection, state, found.thread_id)
        return
    row = _thread_row(connection, state, found.thread_id)
    shown = _shown_posts(connection, state, [post.c.id == post_id]) if row is not None else []
    values = _answer_document(state, row, shown[0], found.thread_id) if shown else None
    _write_docs(connection, state.models.SearchDoc.__table__, {("post", post_id): values})
    if row is not None and row.accepted_post_id == post_id:
        _reindex(state, "thread", found.thread_id, thread_document(connection, state, found.thread_id))


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
    return _in_its_language(
        state,
        {
            "title": row.title,
            "body": plain_text(row.body_html)[:MAX_BODY],
            "solved": True,
            "category_id": row.category_id,
        },
    )


def _reindex(state: ForumState, kind: str, ref_id: int, values: dict[str, Any] | None) -> None:
    """Write a thread's or an article's document, and ask for its vector (its meaning) to be brought in step."""
    _write_docs(state.db.session.connection(), state.models.SearchDoc.__table__, {(kind, ref_id): values})
    if values is not None and values["solved"]:
        meaning.want(state, kind, ref_id)
    else:  # gone or unsolved: a vector it had must go, one it never had need not be made
        Vector = state.models.SearchVector.__table__
        state.db.session.execute(
            sa.update(Vector).where(Vector.c.kind == kind, Vector.c.ref_id == ref_id).values(wanted=Vector.c.wanted + 1)
        )


def index_pending(state: ForumState, *, limit: int | None = None) -> int:
    """Bring the marked documents in step, a batch per transaction; how many changes were applied.

    Call it from one worker at a time (``worker.run_once`` holds a lease); a change marked again while it is
    being applied stays waiting for the next pass.
    """
    Change = state.models.SearchChange.__table__
    applied = 0
    for batch in wanted.batches(state, Change, size=BATCH, limit=limit):
        connection = state.db.session.connection()
        for kind, ref_id, asked in batch:
            if kind == "thread":
                _index_thread(connection, state, ref_id)
            elif kind == "post":
                _index_post(connection, state, ref_id)
            else:
                _reindex(state, kind, ref_id, article_document(connection, state, ref_id))
            state.db.session.execute(
                sa.update(Change).where(Change.c.kind == kind, Change.c.ref_id == ref_id).values(done=asked)
            )
        applied += len(batch)
    return applied


def waiting(state: ForumState) -> int:
    """Changes the worker has not brought into search yet."""
    return wanted.waiting(state, state.models.SearchChange.__table__)


def mark_all(state: ForumState) -> int:
    """Mark every thread and article, and whatever the index still holds of removed ones; how many to do."""
    Change, doc = state.models.SearchChange.__table__, state.models.SearchDoc.__table__
    thread, article = state.models.Thread.__table__, state.models.Article.__table__
    session = state.db.session
    session.execute(sa.update(Change).where(Change.c.kind != "post").values(wanted=Change.c.wanted + 1))
    owner_kind, owner_ref = _owner(doc)
    everything = sa.union(
        sa.select(sa.literal("thread").label("kind"), thread.c.id.label("ref_id")),
        sa.select(sa.literal("article"), article.c.id),
        sa.select(owner_kind, owner_ref),
    ).subquery()
    missing = sa.select(everything.c.kind, everything.c.ref_id, sa.literal(1), sa.literal(0)).where(
        ~sa.exists().where(Change.c.kind == everything.c.kind, Change.c.ref_id == everything.c.ref_id)
    )
    session.execute(sa.insert(Change).from_select(["kind", "ref_id", "wanted", "done"], missing))
    session.commit()
    return waiting(state)


def reindex_all(state: ForumState, *, connection: sa.Connection) -> int:
    """Write every thread's and article's own document at once (the upgrade that brought search in uses it).

    Answers' documents come from the worker, or ``flask forum search rebuild``.
    """
    table = state.models.SearchDoc.__table__
    connection.execute(sa.delete(table))
    thread = state.models.Thread.__table__
    count = 0
    moderated = "unlisted_at" in {c["name"] for c in sa.inspect(connection).get_columns(thread.name)}
    # An upgrade from before documents carried their language writes the columns the table has then.
    present = {c["name"] for c in sa.inspect(connection).get_columns(table.name)}

    def write(kind: str, ref_id: int, values: dict[str, Any]) -> None:
        kept = {k: v for k, v in values.items() if k in present}
        connection.execute(sa.insert(table).values(kind=kind, ref_id=ref_id, **kept))

    for (thread_id,) in connection.execute(sa.select(thread.c.id).where(thread.c.deleted_at.is_(None))).all():
        values = thread_document(connection, state, thread_id, moderated=moderated)
        if values is not None:
            write("thread", thread_id, values)
            count += 1
    article = state.models.Article.__table__
    if sa.inspect(connection).has_table(article.name):
        for (article_id,) in connection.execute(sa.select(article.c.id)).all():
            values = article_document(connection, state, article_id)
            if values is not None:
                write("article", article_id, values)
                count += 1
    return count


# Asking the index ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Hit:
    """One search result: a thread or an article, and the answer in it that matched, if it was an answer."""

    kind: str
    ref_id: int
    title: str
    snippet: Markup
    solved: bool
    category_id: int
    post_id: int | None = None


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
    """Which documents a search looks among: solved ones only, one category, one keyword, minus some.

    ``answers`` adds each answer's own document, grouped back into its thread.
    """

    solved_only: bool = False
    category_id: int | None = None
    tag: str | None = None
    exclude: frozenset[tuple[str, int]] = frozenset()
    answers: bool = False


@dataclass(frozen=True)
class Match:
    """How the words must match: all of them or any, in titles alone or in the whole text.

    Words match as prefixes of indexed words ("printing" finds "printer"), except those in ``exact``: a word
    found in a great many documents is matched as itself, which the index answers without reading every form.
    """

    words: tuple[str, ...]
    match_all: bool
    title_only: bool = False
    exact: frozenset[str] = frozenset()


def _owner(doc: sa.Table) -> tuple[sa.ColumnElement[str], sa.ColumnElement[int]]:
    """The thread or article a document belongs to: an answer's thread, else itself."""
    kind = sa.case((doc.c.kind == "post", sa.literal("thread")), else_=doc.c.kind)
    return kind, sa.func.coalesce(doc.c.thread_id, doc.c.ref_id)


def _filters(state: ForumState, doc: sa.Table, scope: Scope) -> list[sa.ColumnElement[bool]]:
    """The scope as conditions on ``forum_search_doc``, the same on both databases."""
    filters: list[sa.ColumnElement[bool]] = []
    # Literal kinds (not bound parameters), so that PostgreSQL sees these imply its threads-only indexes.
    if not scope.answers:
        filters.append(doc.c.kind != sa.literal_column("'post'"))
    if scope.solved_only:
        filters.append(sa.or_(doc.c.solved, doc.c.kind == sa.literal_column("'article'")))
    if scope.category_id:
        filters.append(doc.c.category_id == scope.category_id)
    owner_kind, owner_ref = _owner(doc)
    for kind, ref in scope.exclude:
        filters.append(sa.not_(sa.and_(owner_kind == kind, owner_ref == ref)))
    if scope.tag:
        Tag, link = state.models.Tag.__table__, state.models.thread_tag
        filters.append(doc.c.kind != "article")
        filters.append(
            sa.exists(
                sa.select(1)
                .select_from(link.join(Tag, Tag.c.id == link.c.tag_id))
                .where(link.c.thread_id == owner_ref, Tag.c.name == scope.tag)
            )
        )
    return filters


def _boost(doc: sa.Table) -> sa.ColumnElement[float]:
    """Solved threads and articles rank above open questions with the same words."""
    return sa.case((sa.or_(doc.c.solved, doc.c.kind == "article"), SOLVED_BOOST), else_=1.0)


def _postgres_candidates(
    state: ForumState, doc: sa.Table, match: Match, filters: list[sa.ColumnElement[bool]], *, candidates: int
) -> sa.Subquery:
    """tsvector and GIN: the newest matches by id (no ranking yet), then their scores, lower first.

    Each document is stemmed in its own language, so the words are looked for as each configured language stems
    them ("Druckers" is "druck" in German, and stays "druckers" in English).
    """
    expression = (" & " if match.match_all else " | ").join(w if w in match.exact else f"{w}:*" for w in match.words)
    configs = languages.configurations_in_use(state) or ["english"]
    tsquery: Any = sa.func.to_tsquery(configs[0], expression)
    for config in configs[1:]:
        tsquery = tsquery.op("||")(sa.func.to_tsquery(config, expression))
    vector: sa.ColumnClause[Any] = sa.column(TITLE_VECTOR_COLUMN if match.title_only else VECTOR_COLUMN)
    newest = (
        sa.select(doc.c.id)
        .where(vector.op("@@")(tsquery), *filters)
        .order_by(doc.c.id.desc())
        .limit(candidates)
        .subquery()
    )
    score = (-sa.func.ts_rank_cd(vector, tsquery) * _boost(doc)).label("score")
    return sa.select(*_scored(doc, score)).select_from(newest.join(doc, doc.c.id == newest.c.id)).subquery()


def _scored(doc: sa.Table, score: sa.ColumnElement[float]) -> list[sa.ColumnElement[Any]]:
    """A candidate's columns: its id, its score and its owner, read in the join that scores it (one join fewer
    to plan, which on PostgreSQL costs more than running the query)."""
    owner_kind, owner_ref = _owner(doc)
    return [doc.c.id, score, owner_kind.label("owner_kind"), owner_ref.label("owner_ref")]


def _sqlite_candidates(
    state: ForumState, doc: sa.Table, match: Match, filters: list[sa.ColumnElement[bool]], *, candidates: int
) -> sa.Subquery:
    """FTS5 and bm25 (lower is better): the newest matches and their scores.

    FTS5 stems as English; a word may also match the Snowball stems of documents in the other languages.
    """

    def term(word: str) -> str:
        own = f'"{word}"' if word in match.exact else f'"{word}"*'
        if match.title_only:
            return own
        return "(" + " OR ".join([own, *(f'stems : "{s}"' for s in languages.query_stems(state, word))]) + ")"

    expression = (" AND " if match.match_all else " OR ").join(term(w) for w in match.words)
    table = TITLE_FTS_TABLE if match.title_only else FTS_TABLE
    fts = sa.table(table, sa.column("rowid"))
    condition = sa.text(f"{table} MATCH :expression").bindparams(expression=expression)
    weights = () if match.title_only else (8.0, 1.0, 1.0)
    score = (sa.func.bm25(sa.literal_column(table), *weights) * _boost(doc)).label("score")
    return (
        sa.select(*_scored(doc, score))
        .select_from(fts.join(doc, doc.c.id == fts.c.rowid))
        .where(condition, *filters)
        .order_by(fts.c.rowid.desc())
        .limit(candidates)
        .subquery()
    )


def _page(doc: sa.Table, found: sa.Subquery, *, answers: bool, limit: int, offset: int) -> sa.Select[Any]:
    """One page of the best candidates, one per thread or article, with the document that matched and its owner."""
    columns = [found.c.id, found.c.score, found.c.owner_kind, found.c.owner_ref]
    if answers:  # the best-scoring document of each thread stands for it
        place = sa.func.row_number().over(
            partition_by=(found.c.owner_kind, found.c.owner_ref), order_by=(found.c.score, found.c.id)
        )
        numbered = sa.select(*columns, place.label("place")).subquery()
        best = sa.select(*(numbered.c[c.name] for c in columns)).where(numbered.c.place == 1).subquery()
    else:
        best = found
    page = sa.select(best).order_by(best.c.score, best.c.id).limit(limit).offset(offset).subquery()
    matched, owner = doc.alias("matched"), doc.alias("owner")
    return (
        sa.select(
            owner.c.kind,
            owner.c.ref_id,
            owner.c.title,
            owner.c.solved,
            owner.c.category_id,
            matched.c.body,
            matched.c.kind.label("matched_kind"),
            matched.c.ref_id.label("matched_ref"),
        )
        .select_from(
            page.join(matched, matched.c.id == page.c.id).join(
                owner, sa.and_(owner.c.kind == page.c.owner_kind, owner.c.ref_id == page.c.owner_ref)
            )
        )
        .order_by(page.c.score, page.c.id)
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
    build = _postgres_candidates if connection.dialect.name == "postgresql" else _sqlite_candidates
    found = build(state, doc, match, _filters(state, doc, scope), candidates=candidates)
    statement = _page(doc, found, answers=scope.answers, limit=limit, offset=offset)
    return [
        Hit(
            kind=r.kind,
            ref_id=r.ref_id,
            title=r.title,
            solved=bool(r.solved),
            category_id=r.category_id,
            snippet=snippet(r.body, list(match.words)) if with_snippets else Markup(""),
            post_id=r.matched_ref if r.matched_kind == "post" else None,
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


#: A word in more than this share of the documents (and in at least ``COMMON_MIN_DOCS``) is "common": it
#: narrows nothing down.
COMMON_SHARE = 0.02
COMMON_MIN_DOCS = 200
#: How long a process trusts what it found out about a word (words' frequencies change slowly).
COMMON_SECONDS = 600.0


def _probe(state: ForumState, word: str, enough: int) -> bool:
    """Whether ``word`` itself is in at least ``enough`` documents; reads at most that many index entries."""
    doc = state.models.SearchDoc.__table__
    connection = state.db.session.connection(bind_arguments=state.replica())
    if connection.dialect.name == "postgresql":
        vector: sa.ColumnClause[Any] = sa.column(VECTOR_COLUMN)
        found = sa.select(doc.c.id).where(vector.op("@@")(sa.func.to_tsquery("english", word))).limit(enough)
    else:
        fts = sa.table(FTS_TABLE, sa.column("rowid"))
        condition = sa.text(f"{FTS_TABLE} MATCH :expression").bindparams(expression=f'"{word}"')
        found = sa.select(fts.c.rowid).where(condition).limit(enough)
    return int(connection.scalar(sa.select(sa.func.count()).select_from(found.subquery())) or 0) >= enough


#: PostgreSQL's own statistics of the index's words (kept by ANALYZE, which autovacuum runs): for each word,
#: the share of documents holding it if it is among the most common, and the smallest share listed.
_LISTED_SHARES = f"""
WITH s AS (
    SELECT most_common_elems::text::text[] AS elems, most_common_elem_freqs AS freqs FROM pg_stats
    WHERE tablename = 'forum_search_doc' AND attname = '{VECTOR_COLUMN}' AND schemaname = ANY(current_schemas(false))
)
SELECT w.word, s.freqs[array_position(s.elems, (tsvector_to_array(to_tsvector('english', w.word)))[1])],
       s.freqs[cardinality(s.elems) + 1]
FROM s, unnest(CAST(:words AS text[])) AS w(word)
"""


def _listed(connection: sa.Connection, words: list[str], size: int) -> dict[str, bool]:
    """Which words PostgreSQL's statistics settle: listed at a high share, or less common than all it lists."""
    settled = {}
    for word, share, lowest in connection.execute(sa.text(_LISTED_SHARES), {"words": words}):
        if share is not None:
            settled[word] = share >= COMMON_SHARE and share * size >= COMMON_MIN_DOCS
        elif lowest is not None and lowest < COMMON_SHARE:
            settled[word] = False
    return settled


def common_words(state: ForumState, words: list[str]) -> frozenset[str]:
    """Which of these words are in more than ``COMMON_SHARE`` of the documents, remembered for a while."""
    known: dict[str, tuple[bool, float]] = state.once("search-common-words", dict)
    now = time.monotonic()
    unknown = [w for w in dict.fromkeys(words) if w not in known or known[w][1] < now]
    if unknown:
        doc = state.models.SearchDoc.__table__
        connection = state.db.session.connection(bind_arguments=state.replica())
        size = int(connection.scalar(sa.select(sa.func.max(doc.c.id))) or 0)
        enough = max(COMMON_MIN_DOCS, int(size * COMMON_SHARE))
        settled = _listed(connection, unknown, size) if connection.dialect.name == "postgresql" else {}
        if len(known) > 10_000:
            known.clear()
        for word in unknown:
            found = settled[word] if word in settled else _probe(state, word, enough)
            known[word] = (found, now + COMMON_SECONDS)
    return frozenset(w for w in words if known[w][0])


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
    scope = Scope(solved_only=solved_only, category_id=category_id, tag=tag, answers=True)
    limit, offset = per_page + 1, (page - 1) * per_page
    common = common_words(state, words)
    rare = tuple(w for w in words if w not in common)
    # Words in a great many documents narrow nothing down and cost the most to read: when the question has
    # rarer words, those decide what matches (as search engines' "common terms" queries do). When every word
    # is common, documents with any of them are ranked (by how many they have, and how often), among the
    # newest few thousand: finding the few with all of them would mean reading every document.
    # Whole words (in any form: "printing" finds "prints") first; when they fill no more than a page, words
    # that start with them too ("print" finds "printer"). A short word starts a great many others, so
    # matching its every continuation first would mean reading them all for nothing.
    if rare:
        hits = query(state, Match(rare, match_all=True, exact=frozenset(rare)), scope, limit=limit, offset=offset)
        if len(hits) <= (per_page if page == 1 else 0):
            hits = query(state, Match(rare, match_all=True), scope, limit=limit, offset=offset)
        widened = not hits and page == 1 and len(rare) > 1
        if widened:
            hits = query(state, Match(rare, match_all=False), scope, limit=limit, offset=offset)
    else:
        widened = False
        hits = query(state, Match(tuple(words), match_all=False, exact=common), scope, limit=limit, offset=offset)
    return Results(hits=hits[:per_page], page=page, has_next=len(hits) > per_page, terms=words, widened=widened)
