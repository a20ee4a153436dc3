"""The glossary: the built-in words, with the desk's changes laid over them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa

from ..errors import ForumError, NotFound
from ..i18n import _
from ..models import utcnow
from .words import BUILT_IN

if TYPE_CHECKING:
    from ..state import ForumState
    from ..users import ForumUser

MAX_TERM = 60
MAX_PLAIN = 300


@dataclass(frozen=True)
class Term:
    """One glossary entry as writers see it."""

    term: str
    plain: str
    #: True when it came with the forum and the desk has not changed it.
    built_in: bool = True

    @property
    def key(self) -> str:
        return key_of(self.term)


def key_of(term: str) -> str:
    """How terms are compared: case and spacing do not matter."""
    return " ".join(term.split()).lower()


@dataclass(frozen=True)
class Glossary:
    """The terms in force, and the ones the desk took out (words everyone there knows, never flagged)."""

    terms: dict[str, Term]
    accepted: frozenset[str] = frozenset()


def load(state: ForumState) -> Glossary:
    """The built-in list with the desk's additions, rewordings and removals laid over it (one query)."""
    found = {key_of(term): Term(term, plain) for term, plain in BUILT_IN}
    accepted: set[str] = set()
    G = state.models.GlossaryTerm
    for row in state.db.session.scalars(sa.select(G)):
        if row.removed:
            found.pop(row.key, None)
            accepted.add(row.key)
        else:
            found[row.key] = Term(row.term, row.plain, built_in=False)
    return Glossary(found, frozenset(accepted))


def terms(state: ForumState) -> dict[str, Term]:
    """Every term in force, by key."""
    return load(state).terms


def _clean(term: str | None, plain: str | None) -> tuple[str, str]:
    term = " ".join((term or "").replace("\x00", "").split())
    plain = " ".join((plain or "").replace("\x00", "").split())
    if not term:
        raise ForumError(_("Please type the word or phrase to look out for."))
    if len(term) > MAX_TERM:
        raise ForumError(_("Please keep the word or phrase to %(most)s characters or fewer.", most=MAX_TERM))
    if not plain:
        raise ForumError(_("Please say what to write instead, or what the word means."))
    if len(plain) > MAX_PLAIN:
        raise ForumError(_("Please keep the plain words to %(most)s characters or fewer.", most=MAX_PLAIN))
    return term, plain


def save(state: ForumState, editor: ForumUser, term: str | None, plain: str | None) -> Term:
    """Add a term or reword one (built-in or not); the caller checks the editor may."""
    clean_term, clean_plain = _clean(term, plain)
    key = key_of(clean_term)
    current = terms(state).get(key)
    if current is not None and clean_term == key:  # typed in lower case: keep the spelling people know
        clean_term = current.term
    G = state.models.GlossaryTerm
    session = state.db.session
    row = session.scalar(sa.select(G).where(G.key == key))
    if row is None:
        row = G(key=key)
        session.add(row)
    row.term, row.plain, row.removed = clean_term, clean_plain, False
    row.updated_at, row.updated_by_id = utcnow(), editor.id
    try:
        session.commit()
    except sa.exc.IntegrityError:  # someone added the same term at the same moment: theirs stands
        session.rollback()
        raise ForumError(_("Someone added that term a moment ago. Look for it in the list."), status=409) from None
    return Term(clean_term, clean_plain, built_in=False)


def remove(state: ForumState, editor: ForumUser, term: str | None) -> Term:
    """Stop flagging a term; a built-in one stays out until the desk adds it again."""
    key = key_of(term or "")
    current = terms(state).get(key)
    if current is None:
        raise NotFound(_("That term is not in the glossary any more."))
    G = state.models.GlossaryTerm
    session = state.db.session
    row = session.scalar(sa.select(G).where(G.key == key))
    if row is None:
        row = G(key=key, term=current.term, plain="")
        session.add(row)
    row.removed, row.updated_at, row.updated_by_id = True, utcnow(), editor.id
    session.commit()
    return current
