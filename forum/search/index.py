"""The full-text index beside ``forum_search_doc``: FTS5 on SQLite, a generated tsvector with GIN on PostgreSQL.

Used both by the migration and by ``db.create_all()``, so the two build the same thing.
"""

from __future__ import annotations

import sqlalchemy as sa

FTS_TABLE = "forum_search_fts"
#: Titles alone, for suggestions while people type: a small index answers in a few milliseconds.
TITLE_FTS_TABLE = "forum_search_fts_title"
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_forum_search_doc_vector"
TITLE_VECTOR_COLUMN = "title_vector"
TITLE_VECTOR_INDEX = "ix_forum_search_doc_title_vector"
#: Threads' and articles' documents only: suggestions never look at single answers, which are nine in ten
#: documents, so their own indexes stay a tenth of the size and their reads never touch an answer's row.
THREAD_VECTOR_INDEX = "ix_forum_search_doc_thread_vector"
#: The newest solved threads and articles with their titles' words, read in order without the table.
SUGGEST_INDEX = "ix_forum_search_doc_suggest"
#: The conditions those two indexes hold for, written as the queries write them (literally, so the
#: planner can see that a query's conditions imply the index's).
NOT_ANSWER = "kind <> 'post'"
SOLVED_OR_ARTICLE = "(solved OR kind = 'article')"


def _sqlite_create(columns: tuple[str, ...]) -> list[str]:
    """The FTS5 index over these columns of the documents (``stems`` holds other languages' Snowball stems)."""
    names = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    return [
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5({names}, content='forum_search_doc', content_rowid='id', "
        "tokenize='porter unicode61 remove_diacritics 2')",
        f"CREATE TRIGGER forum_search_doc_ai AFTER INSERT ON forum_search_doc BEGIN "
        f"INSERT INTO {FTS_TABLE}(rowid, {names}) VALUES (new.id, {new}); END",
        f"CREATE TRIGGER forum_search_doc_ad AFTER DELETE ON forum_search_doc BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {names}) VALUES ('delete', old.id, {old}); END",
        f"CREATE TRIGGER forum_search_doc_au AFTER UPDATE ON forum_search_doc BEGIN "
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, {names}) VALUES ('delete', old.id, {old}); "
        f"INSERT INTO {FTS_TABLE}(rowid, {names}) VALUES (new.id, {new}); END",
        # Fill it from the documents already there (a no-op on an empty table).
        f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')",
    ]


_SQLITE_TITLE_CREATE = [
    f"CREATE VIRTUAL TABLE IF NOT EXISTS {TITLE_FTS_TABLE} USING fts5(title, content='forum_search_doc', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    f"CREATE TRIGGER IF NOT EXISTS forum_search_doc_title_ai AFTER INSERT ON forum_search_doc BEGIN "
    f"INSERT INTO {TITLE_FTS_TABLE}(rowid, title) VALUES (new.id, new.title); END",
    f"CREATE TRIGGER IF NOT EXISTS forum_search_doc_title_ad AFTER DELETE ON forum_search_doc BEGIN "
    f"INSERT INTO {TITLE_FTS_TABLE}({TITLE_FTS_TABLE}, rowid, title) VALUES ('delete', old.id, old.title); END",
    f"CREATE TRIGGER IF NOT EXISTS forum_search_doc_title_au AFTER UPDATE ON forum_search_doc BEGIN "
    f"INSERT INTO {TITLE_FTS_TABLE}({TITLE_FTS_TABLE}, rowid, title) VALUES ('delete', old.id, old.title); "
    f"INSERT INTO {TITLE_FTS_TABLE}(rowid, title) VALUES (new.id, new.title); END",
    # Fill it from the documents already there (a no-op on an empty table).
    f"INSERT INTO {TITLE_FTS_TABLE}({TITLE_FTS_TABLE}) VALUES ('rebuild')",
]
_SQLITE_TITLE_DROP = [
    "DROP TRIGGER IF EXISTS forum_search_doc_title_au",
    "DROP TRIGGER IF EXISTS forum_search_doc_title_ad",
    "DROP TRIGGER IF EXISTS forum_search_doc_title_ai",
    f"DROP TABLE IF EXISTS {TITLE_FTS_TABLE}",
]
_SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS forum_search_doc_au",
    "DROP TRIGGER IF EXISTS forum_search_doc_ad",
    "DROP TRIGGER IF EXISTS forum_search_doc_ai",
    f"DROP TABLE IF EXISTS {FTS_TABLE}",
]


def _postgres_create(config: str) -> list[str]:
    """The generated tsvectors, each document stemmed with its own text-search configuration (``config``)."""
    return [
        f"ALTER TABLE forum_search_doc ADD COLUMN {VECTOR_COLUMN} tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector({config}, coalesce(title, '')), 'A') || "
        f"setweight(to_tsvector({config}, coalesce(body, '')), 'B')) STORED",
        f"CREATE INDEX {VECTOR_INDEX} ON forum_search_doc USING gin ({VECTOR_COLUMN})",
        # Suggestions match titles only: a small index answers them fast however long the threads are.
        f"ALTER TABLE forum_search_doc ADD COLUMN {TITLE_VECTOR_COLUMN} tsvector GENERATED ALWAYS AS ("
        f"to_tsvector({config}, coalesce(title, ''))) STORED",
        f"CREATE INDEX {TITLE_VECTOR_INDEX} ON forum_search_doc USING gin ({TITLE_VECTOR_COLUMN})",
    ]


_POSTGRES_THREADS_CREATE = [
    f"CREATE INDEX IF NOT EXISTS {THREAD_VECTOR_INDEX} ON forum_search_doc USING gin ({VECTOR_COLUMN}) "
    f"WHERE {NOT_ANSWER}",
    f"CREATE INDEX IF NOT EXISTS {SUGGEST_INDEX} ON forum_search_doc (id) INCLUDE ({TITLE_VECTOR_COLUMN}) "
    f"WHERE {NOT_ANSWER} AND {SOLVED_OR_ARTICLE}",
]
_POSTGRES_THREADS_DROP = [f"DROP INDEX IF EXISTS {SUGGEST_INDEX}", f"DROP INDEX IF EXISTS {THREAD_VECTOR_INDEX}"]
_POSTGRES_DROP = [
    f"DROP INDEX IF EXISTS {TITLE_VECTOR_INDEX}",
    f"ALTER TABLE forum_search_doc DROP COLUMN IF EXISTS {TITLE_VECTOR_COLUMN}",
    f"DROP INDEX IF EXISTS {VECTOR_INDEX}",
    f"ALTER TABLE forum_search_doc DROP COLUMN IF EXISTS {VECTOR_COLUMN}",
]


def _run(connection: sa.Connection, statements: dict[str, list[str]]) -> None:
    """The statements written for this database's dialect, if any."""
    for statement in statements.get(connection.dialect.name, []):
        connection.execute(sa.text(statement))


def _has_language_columns(connection: sa.Connection) -> bool:
    """Whether the documents carry their language (migration 0022 on): earlier migrations build the index
    that was current then."""
    return "config" in {c["name"] for c in sa.inspect(connection).get_columns("forum_search_doc")}


def create_index(connection: sa.Connection) -> None:
    """Build the full-text index for this database."""
    by_language = _has_language_columns(connection)
    _run(
        connection,
        {
            "postgresql": _postgres_create("config" if by_language else "'english'"),
            "sqlite": _sqlite_create(("title", "body", "stems") if by_language else ("title", "body")),
        },
    )
    create_title_index(connection)
    create_thread_indexes(connection)


def drop_index(connection: sa.Connection) -> None:
    """Remove it again."""
    drop_thread_indexes(connection)
    drop_title_index(connection)
    _run(connection, {"postgresql": _POSTGRES_DROP, "sqlite": _SQLITE_DROP})


def create_title_index(connection: sa.Connection) -> None:
    """The titles-only index on SQLite (PostgreSQL's title vector comes with the main index). Safe to repeat."""
    _run(connection, {"sqlite": _SQLITE_TITLE_CREATE})


def drop_title_index(connection: sa.Connection) -> None:
    """Remove the titles-only index."""
    _run(connection, {"sqlite": _SQLITE_TITLE_DROP})


def create_thread_indexes(connection: sa.Connection) -> None:
    """PostgreSQL's indexes of threads' and articles' documents alone (SQLite's title index does that job)."""
    _run(connection, {"postgresql": _POSTGRES_THREADS_CREATE})


def drop_thread_indexes(connection: sa.Connection) -> None:
    """Remove them."""
    _run(connection, {"postgresql": _POSTGRES_THREADS_DROP})


def is_index_object(name: str | None) -> bool:
    """Parts of the index that the models do not declare, which schema comparisons must skip."""
    return bool(name) and (
        str(name).startswith(FTS_TABLE)
        or name
        in {VECTOR_COLUMN, VECTOR_INDEX, TITLE_VECTOR_COLUMN, TITLE_VECTOR_INDEX, THREAD_VECTOR_INDEX, SUGGEST_INDEX}
    )
