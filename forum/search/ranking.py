"""Which solved threads to suggest: shared words and meaning fused, what people taught it, and why each was chosen.

The word index gives its best matches; the vectors give the closest in meaning, wherever they are. The two
rankings are fused by reciprocal rank (each list adds 1 / (60 + rank)), and anything not close enough in
meaning is dropped, so a question with no good match gets no suggestion rather than an unrelated one.
Suggestions that people marked "This solved my problem" count for more; those passed over many times, less.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from markupsafe import Markup

from ..i18n import _, ngettext
from . import engine
from .engine import Hit, Match, Scope
from .meaning import among, by_kind

if TYPE_CHECKING:
    import numpy as np

    from ..state import ForumState
    from .meaning import Key

#: Reciprocal rank fusion's constant: ranks 1 and 2 differ little, so neither list alone decides.
FUSION_K = 60
#: Candidates taken from each list before fusing.
DEPTH = 20


@dataclass(frozen=True)
class Suggestion:
    """One suggested document and the evidence for it, in words an agent can check."""

    hit: Hit
    words_rank: int | None
    closeness: float | None
    meaning_rank: int | None
    helped: int
    skipped: int
    score: float

    def reasons(self) -> list[str]:
        """Why it was suggested, for the IT team."""
        found = []
        if self.words_rank is not None:
            found.append(_("Shares words with the question (number %(rank)s by words).", rank=self.words_rank))
        if self.closeness is not None:
            score = round(self.closeness * 100)
            found.append(
                _(
                    "Close in meaning: %(score)s out of 100, number %(rank)s by meaning.",
                    score=score,
                    rank=self.meaning_rank,
                )
                if self.meaning_rank
                else _("Close in meaning: %(score)s out of 100.", score=score)
            )
        if self.helped:
            found.append(
                ngettext(
                    "Solved the problem for %(count)s person before.",
                    "Solved the problem for %(count)s people before.",
                    self.helped,
                    count=self.helped,
                )
            )
        if self.skipped:
            found.append(
                ngettext(
                    "Passed over %(count)s time by people who asked anyway.",
                    "Passed over %(count)s times by people who asked anyway.",
                    self.skipped,
                    count=self.skipped,
                )
            )
        return found


def feedback_weight(helped: int, skipped: int) -> float:
    """How much people's past choices lift or lower a suggestion: up to ×3 for help, down to ×⅓ for skips."""
    return (1 + 0.25 * min(helped, 8)) / (1 + 0.1 * min(skipped, 20))


def _by_words(state: ForumState, text: str, exclude: frozenset[Key]) -> list[Hit]:
    """The word index's matches among solved threads and articles: titles with any word, then all words."""
    words = tuple(engine.terms(text))
    if not words:
        return []
    scope = Scope(solved_only=True, exclude=exclude)
    options: dict[str, Any] = {"with_snippets": False, "candidates": engine.SUGGESTION_CANDIDATES}
    hits = engine.query(state, Match(words, match_all=False, title_only=True), scope, limit=DEPTH, **options)
    if len(hits) < DEPTH:
        rest = Scope(solved_only=True, exclude=exclude | {(h.kind, h.ref_id) for h in hits})
        hits += engine.query(state, Match(words, match_all=True), rest, limit=DEPTH - len(hits), **options)
    return hits


def _documents(state: ForumState, keys: list[Key]) -> dict[Key, tuple[Hit, int, int]]:
    """The documents still solved and listed among ``keys``, with what people made of each as a suggestion."""
    if not keys:
        return {}

    def build() -> sa.Select[Any]:
        """Built once, with the threads' and the articles' ids as parameters (building it costs more than a run)."""
        doc, Vector = state.models.SearchDoc.__table__, state.models.SearchVector.__table__
        return (
            sa.select(
                doc.c.kind,
                doc.c.ref_id,
                doc.c.title,
                doc.c.solved,
                doc.c.category_id,
                sa.func.coalesce(Vector.c.helped, 0),
                sa.func.coalesce(Vector.c.skipped, 0),
            )
            .select_from(doc.outerjoin(Vector, sa.and_(Vector.c.kind == doc.c.kind, Vector.c.ref_id == doc.c.ref_id)))
            .where(among(doc), sa.or_(doc.c.solved, doc.c.kind == "article"))
        )

    rows = state.db.session.execute(
        state.once("suggested documents", build), by_kind(keys), bind_arguments=state.replica()
    )
    return {
        (kind, ref): (Hit(kind, ref, title, Markup(""), bool(solved), category), helped, skipped)
        for kind, ref, title, solved, category, helped, skipped in rows
    }


def rank(
    state: ForumState,
    text: str | None,
    *,
    limit: int = 5,
    exclude: frozenset[Key] = frozenset(),
    query: np.ndarray | None = None,
) -> list[Suggestion]:
    """The best solved threads and articles for ``text`` (or for a stored vector ``query``), best first."""
    text = (text or "")[:2000]
    by_words = _by_words(state, text, exclude)
    words_rank = {(h.kind, h.ref_id): i for i, h in enumerate(by_words, 1)}
    closeness: dict[Key, float | None] = {}
    meaning_rank: dict[Key, int] = {}
    model = state.meaning()
    if model.ready and (query is not None or text.strip()):
        if query is None:
            query = model.embed([text])[0]
        vectors = state.vectors()
        nearest = vectors.nearest(query, count=DEPTH, exclude=exclude)
        closeness.update(nearest)
        meaning_rank.update((key, i) for i, (key, _) in enumerate(nearest, 1))
        closeness.update((key, vectors.similarity(key, query)) for key in words_rank if key not in closeness)
        # Matches the worker has not measured yet are judged by their titles, so none is kept unjudged.
        unmeasured = [h for h in by_words if closeness.get((h.kind, h.ref_id)) is None]
        if unmeasured:
            for hit, vector in zip(unmeasured, model.embed([h.title for h in unmeasured]), strict=True):
                closeness[(hit.kind, hit.ref_id)] = float(vector @ query)
    else:  # words only: every match keeps its place by words
        closeness.update(dict.fromkeys(words_rank))
    floor = float(state.setting("FORUM_SUGGEST_MIN_SIMILARITY"))
    # Drop what is not close enough in meaning (in word-only mode nothing is measured, and all stay).
    kept = [key for key, close in closeness.items() if close is None or close >= floor]
    words_hits = {(h.kind, h.ref_id): h for h in by_words}
    found = []
    for key, (hit, helped, skipped) in _documents(state, kept).items():
        score = sum(1 / (FUSION_K + r[key]) for r in (words_rank, meaning_rank) if key in r)
        found.append(
            Suggestion(
                hit=words_hits.get(key, hit),
                words_rank=words_rank.get(key),
                closeness=closeness[key],
                meaning_rank=meaning_rank.get(key),
                helped=helped,
                skipped=skipped,
                score=score * feedback_weight(helped, skipped),
            )
        )
    found.sort(key=lambda s: (-s.score, s.hit.kind, s.hit.ref_id))
    return found[:limit]


def suggest(state: ForumState, text: str | None, *, limit: int = 5) -> list[Hit]:
    """What to show while someone types a question."""
    return [s.hit for s in rank(state, text, limit=limit)]


def similar_threads(
    state: ForumState, thread_id: int, title: str, question: str, *, limit: int = 5
) -> list[Suggestion]:
    """Solved questions like this one, for its page and for spotting a repeat."""
    exclude = frozenset({("thread", thread_id)})
    model = state.meaning()
    text = f"{title}. {engine.plain_text(question)}"
    query = state.vectors().vector(("thread", thread_id)) if model.ready else None
    return [s for s in rank(state, text, limit=limit, exclude=exclude, query=query) if s.hit.kind == "thread"]
