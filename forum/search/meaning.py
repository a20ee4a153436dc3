"""Suggestions by meaning, not only shared words: a small word-vector model that ships in its wheel.

The model (wordllama's ``l2_supercat``, 256 dimensions) loads from site-packages and runs on the CPU; nothing
is downloaded. Requests only ask for fresh vectors; one worker at a time writes them, numbered in order, and
every process keeps the vectors in memory and reads only the rows numbered after the last it saw. Where the
model cannot load, suggestions match words only, and the admins' suggestions page says why.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..i18n import lazy_gettext as _l
from ..models import wanted

if TYPE_CHECKING:
    from collections.abc import Iterable

    import numpy as np

    from ..state import ForumState

log = logging.getLogger("forum.search")

#: Words of a document the vector is made from: the title, the question and the accepted answer.
MAX_TEXT = 4000
#: Vectors written per transaction by the worker.
BATCH = 500
Key = tuple[str, int]


@dataclass
class Model:
    """The loaded model, or why there is none."""

    name: str
    inference: Any = None
    problem: str = ""

    @property
    def ready(self) -> bool:
        """True when suggestions can use meaning."""
        return self.inference is not None

    def embed(self, texts: list[str]) -> np.ndarray:
        """Unit-length vectors, one row per text."""
        import numpy as np

        vectors = self.inference.embed([t[:MAX_TEXT] for t in texts], norm=True)
        return np.asarray(vectors, dtype=np.float32)


def load_model(config: dict[str, Any]) -> Model:
    """Load the model named by ``FORUM_SEMANTIC_MODEL`` from its package; a failure is reported, not raised."""
    name = str(config.get("FORUM_SEMANTIC_MODEL") or "")
    if not config.get("FORUM_SEMANTIC", True) or not name:
        return Model(name, problem=_l("It is switched off (FORUM_SEMANTIC is False)."))
    try:
        import wordllama
        from wordllama import WordLlama

        # The weights and the tokenizer are inside the wheel; with downloads off nothing leaves the machine.
        inference = WordLlama.load(config=name, cache_dir=Path(wordllama.__file__).parent, disable_download=True)
    except Exception as error:  # a missing package or model must never take suggestions down
        log.warning("Suggestions match words only: the model %r could not load: %s", name, error)
        problem = f"The model {name!r} could not load ({type(error).__name__}: {error})."  # not translated: kept
        return Model(name, problem=problem)  # for the life of the process, with the error's own words
    return Model(name, inference=inference)


def encode(vector: np.ndarray) -> bytes:
    """A vector as stored: 16-bit floats, 512 bytes for 256 dimensions."""
    import numpy as np

    return np.asarray(vector, dtype=np.float16).tobytes()


def decode(blob: bytes) -> np.ndarray:
    """A stored vector, back to 32-bit floats for arithmetic."""
    import numpy as np

    return np.frombuffer(blob, dtype=np.float16).astype(np.float32)


#: The kinds of document that have vectors and can be suggested.
SUGGESTED_KINDS = ("thread", "article")


def among(table: sa.Table) -> sa.ColumnElement[bool]:
    """``(kind, ref_id) IN keys``, written so both databases use the index on (kind, ref_id), with each kind's
    ids as a parameter named for it (see :func:`by_kind`), so a statement using it can be built once."""
    return sa.or_(
        *(
            sa.and_(table.c.kind == kind, table.c.ref_id.in_(sa.bindparam(kind, expanding=True)))
            for kind in SUGGESTED_KINDS
        )
    )


def by_kind(keys: Iterable[Key]) -> dict[str, list[int]]:
    """The parameters of :func:`among`: each kind's ids among ``keys``."""
    refs: dict[str, list[int]] = {kind: [] for kind in SUGGESTED_KINDS}
    for kind, ref in keys:
        refs[kind].append(ref)
    return refs


# Asking for vectors (inside the request's transaction) ------------------------------------------


def want(state: ForumState, kind: str, ref_id: int) -> None:
    """Ask the worker for a fresh vector of one document; cheap, and safe to repeat."""
    wanted.want(state, state.models.SearchVector.__table__, kind, ref_id, model="", helped=0, skipped=0)


# Writing vectors (the worker) ------------------------------------------------------------------


def _texts(connection: sa.Connection, state: ForumState, keys: list[Key]) -> dict[Key, str]:
    """What each document says, for those that should have a vector: solved threads and published articles.

    A thread's search document starts with its question, then the accepted answer, so its first words are what
    the vector should mean.
    """
    doc = state.models.SearchDoc.__table__
    rows = connection.execute(
        sa.select(doc.c.kind, doc.c.ref_id, doc.c.title, sa.func.substr(doc.c.body, 1, MAX_TEXT)).where(
            among(doc), sa.or_(doc.c.solved, doc.c.kind == "article")
        ),
        by_kind(keys),
    )
    return {(kind, ref): f"{title}. {body}" for kind, ref, title, body in rows}


def embed_pending(state: ForumState, *, limit: int | None = None) -> int:
    """Write the vectors people's changes asked for, a batch per transaction; how many were written.

    Call it from one worker at a time (``worker.run_once`` holds a lease): the numbering of writes relies on it,
    and a unique index on ``seq`` refuses a second writer's clash rather than letting it slip through.
    """
    model = state.meaning()
    if not model.ready:
        return 0
    Vector = state.models.SearchVector.__table__
    session = state.db.session
    written = 0
    for batch in wanted.batches(state, Vector, size=BATCH, limit=limit):
        keys = [(kind, ref) for kind, ref, _ in batch]
        texts = _texts(session.connection(), state, keys)
        vectors = dict(zip(texts, model.embed(list(texts.values())), strict=True)) if texts else {}
        seq = session.scalar(sa.select(sa.func.coalesce(sa.func.max(Vector.c.seq), 0))) or 0
        for kind, ref, asked in batch:
            seq += 1
            vector = vectors.get((kind, ref))
            session.execute(
                sa.update(Vector)
                .where(Vector.c.kind == kind, Vector.c.ref_id == ref)
                .values(
                    done=asked,
                    seq=seq,
                    vector=encode(vector) if vector is not None else None,
                    model=model.name,
                )
            )
        written += len(batch)
    return written


def forget_all(state: ForumState) -> int:
    """Ask again for a vector of every solved thread and article (after changing the model)."""
    Vector = state.models.SearchVector.__table__
    doc = state.models.SearchDoc.__table__
    session = state.db.session
    session.execute(sa.update(Vector).values(wanted=Vector.c.wanted + 1))
    missing = (
        sa.select(doc.c.kind, doc.c.ref_id, sa.literal(1), sa.literal(0), sa.literal(""), sa.literal(0), sa.literal(0))
        .where(sa.or_(sa.and_(doc.c.solved, doc.c.kind == "thread"), doc.c.kind == "article"))
        .where(~sa.exists().where(Vector.c.kind == doc.c.kind, Vector.c.ref_id == doc.c.ref_id))
    )
    session.execute(
        sa.insert(Vector).from_select(["kind", "ref_id", "wanted", "done", "model", "helped", "skipped"], missing)
    )
    session.commit()
    return wanted.waiting(state, Vector)


@dataclass(frozen=True)
class Status:
    """For the admins: whether meaning is used, and how far the worker has got."""

    model: str
    ready: bool
    problem: str
    vectors: int
    waiting: int


def status(state: ForumState) -> Status:
    """The model and the vectors, counted."""
    model = state.meaning()
    Vector = state.models.SearchVector.__table__
    vectors, waiting = state.db.session.execute(
        sa.select(
            sa.func.count(Vector.c.vector),
            sa.func.coalesce(sa.func.sum(sa.case((Vector.c.wanted > Vector.c.done, 1), else_=0)), 0),
        )
    ).one()
    return Status(model.name, model.ready, model.problem, int(vectors), int(waiting))


# Reading vectors (every process) ----------------------------------------------------------------


@dataclass
class VectorIndex:
    """This process's copy of the stored vectors, brought up to date from the rows written since it last looked."""

    dimensions: int = 0
    seq: int = 0
    keys: list[Key] = field(default_factory=list)
    rows: dict[Key, int] = field(default_factory=dict)
    matrix: Any = None
    size: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def refresh(self, state: ForumState) -> None:
        """Read the rows written since the last look (one indexed query when there are none)."""
        Vector = state.models.SearchVector.__table__
        session = state.db.session
        newest = int(session.scalar(sa.select(sa.func.max(Vector.c.seq))) or 0)
        if newest <= self.seq:
            return
        cap = int(state.setting("FORUM_SEMANTIC_MAX_VECTORS"))
        with self.lock:
            if newest <= self.seq:
                return
            if self.seq == 0 or self.size > cap + cap // 4:
                self._load_newest(session, Vector, newest, cap)
                return
            changed = session.execute(
                sa.select(Vector.c.kind, Vector.c.ref_id, Vector.c.seq, Vector.c.vector)
                .where(Vector.c.seq > self.seq)
                .order_by(Vector.c.seq)
            ).all()
            for kind, ref, seq, blob in changed:
                self._put((kind, ref), decode(blob) if blob else None)
                self.seq = max(self.seq, int(seq))

    def _load_newest(self, session: Any, Vector: sa.Table, newest: int, cap: int) -> None:
        """Start again from the newest ``cap`` vectors, which bounds the memory one process uses."""
        self.matrix, self.keys, self.rows, self.size = None, [], {}, 0
        rows = session.execute(
            sa.select(Vector.c.kind, Vector.c.ref_id, Vector.c.vector)
            .where(Vector.c.seq <= newest, Vector.c.vector.is_not(None))
            .order_by(Vector.c.seq.desc())
            .limit(cap)
        ).all()
        for kind, ref, blob in reversed(rows):
            self._put((kind, ref), decode(blob))
        self.seq = newest

    def _put(self, key: Key, vector: np.ndarray | None) -> None:
        import numpy as np

        row = self.rows.get(key)
        if vector is None:
            if row is not None:
                self.matrix[row] = 0.0  # scores zero, below any threshold; the row is reused if it comes back
            return
        if self.matrix is None:
            self.dimensions = len(vector)
            self.matrix = np.zeros((1024, self.dimensions), dtype=np.float32)
        if len(vector) != self.dimensions:
            return  # written by another model; the next full pass replaces it
        if row is None:
            if self.size == len(self.matrix):
                self.matrix = np.concatenate([self.matrix, np.zeros_like(self.matrix)])
            row, self.size = self.size, self.size + 1
            self.rows[key] = row
            self.keys.append(key)
        self.matrix[row] = vector

    def nearest(
        self, query: np.ndarray, *, count: int, exclude: frozenset[Key] = frozenset()
    ) -> list[tuple[Key, float]]:
        """The stored vectors closest to ``query``, closest first, with their cosine similarity."""
        import numpy as np

        if self.matrix is None or not self.size or len(query) != self.dimensions:
            return []
        scores = self.matrix[: self.size] @ query
        wanted = min(self.size, count + len(exclude))
        top = np.argpartition(-scores, wanted - 1)[:wanted]
        ordered = sorted(((self.keys[i], float(scores[i])) for i in top), key=lambda pair: -pair[1])
        return [pair for pair in ordered if pair[0] not in exclude][:count]

    def similarity(self, key: Key, query: np.ndarray) -> float | None:
        """How close one stored document is to ``query``; ``None`` when it has no vector yet."""
        row = self.rows.get(key)
        if row is None or self.matrix is None or len(query) != self.dimensions:
            return None
        return float(self.matrix[row] @ query)

    def vector(self, key: Key) -> np.ndarray | None:
        """The stored vector of one document, if it has one."""
        row = self.rows.get(key)
        if row is None or not self.matrix[row].any():
            return None
        return self.matrix[row]  # type: ignore[no-any-return]
