"""How a forum request's transaction ends: one that changed nothing commits instead of rolling back.

For the database the two are the same when nothing was written. For psycopg they are not: it forgets every
statement it has prepared at each ROLLBACK, and Flask-SQLAlchemy ends every request with one, so without this no
statement is ever prepared and PostgreSQL plans each query again on every page (a signed-in thread page's own query
spends twice as long being parsed and planned as being run). A change (a like, say) commits its own transaction;
what it reads after that (the names its button shows) ends the same way as a page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from flask import Response
from flask_sqlalchemy.session import Session as FlaskSession

from ..state import get_state

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable

#: ``session.info`` key: this transaction wrote, or may have (a statement that is not a SELECT).
WROTE = "forum_wrote"


def _before_flush(session: Any, *_: Any) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[WROTE] = True


def _orm_execute(orm_state: Any) -> None:
    """Any statement through the session that is not a SELECT (a bulk UPDATE, a DELETE, raw SQL) counts as a write."""
    if not orm_state.is_select:
        orm_state.session.info[WROTE] = True


def _ended(session: Any, *_: Any) -> None:
    session.info.pop(WROTE, None)


def on_every_session(listeners: Iterable[tuple[str, Callable[..., Any]]]) -> None:
    """Listen to these events of every Flask-SQLAlchemy session, once a process however many apps are set up."""
    for name, listener in listeners:
        if not sa.event.contains(FlaskSession, name, listener):
            sa.event.listen(FlaskSession, name, listener)


def watch() -> None:
    """Note which transactions write."""
    on_every_session(
        (
            ("before_flush", _before_flush),
            ("do_orm_execute", _orm_execute),
            ("after_commit", _ended),
            ("after_rollback", _ended),
        )
    )


def commit_if_read_only(response: Response) -> Response:
    """End a forum request's transaction with COMMIT when it wrote nothing, so psycopg keeps its prepared statements.

    A host's own change left uncommitted on the session (a flush, a pending object, any statement that is not a
    SELECT), or a forum change that failed before its commit, keeps the usual ending: it is rolled back, as
    Flask-SQLAlchemy always does.
    """
    session = get_state().db.session()  # this request's own session, from the scoped registry
    if not session.in_transaction() or session.info.get(WROTE) or session.new or session.dirty or session.deleted:
        return response
    try:
        session.commit()
    except sa.exc.SQLAlchemyError:  # a connection lost meanwhile: end it the usual way, the page is made already
        session.rollback()
    return response
