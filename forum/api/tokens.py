"""Personal access tokens: made and revoked by their owner, checked on every API call, kept only as a digest.

Plain functions, so tests and the CLI can use them without a request. A token never adds rights: it acts as its
owner, limited to its scopes (read, write, admin), and stops working when revoked, expired, or its owner is gone.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .. import i18n
from ..errors import ForumError, NotAllowed, NotFound
from ..i18n import _
from ..models import utcnow

if TYPE_CHECKING:
    from ..models import AccessToken
    from ..state import ForumState
    from ..users import ForumUser

#: What a token may do: read (GET), write (ask, answer, like …), admin (the IT team's actions, for agents and admins).
SCOPES = ("read", "write", "admin")
#: How long a new token lasts, in days, and how the form says it.
LIFETIMES = {7: "7 days", 30: "30 days", 90: "90 days", 365: "a year"}
DEFAULT_DAYS = 90
#: Live tokens one person may hold at once.
MOST_TOKENS = 20
#: Every token starts with this, so leaked ones are easy to spot (secret scanners look for such prefixes).
TOKEN_START = "fsd_"
#: A token's last use is written at most this often, so a busy bot does not write on every call.
LAST_USED_EVERY = dt.timedelta(minutes=1)


class NotSignedIn(ForumError):
    """No valid way to tell who is calling: a 401 that says how to sign in."""

    status = 401


def digest(secret: str) -> str:
    """What is stored of a token: its SHA-256 (a token has 256 random bits, so no slow hash is needed)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def create(
    state: ForumState, owner: ForumUser, *, name: str | None, scopes: list[str], days: Any
) -> tuple[AccessToken, str]:
    """A new token for ``owner`` and its secret, which is shown once and never again."""
    name = " ".join((name or "").split())
    if not name:
        raise ForumError(
            _('Please give the token a name, such as "My phone", so you can tell it apart later.'), field="name"
        )
    if len(name) > 100:
        raise ForumError(_("Please keep the name under 100 characters."), field="name")
    wanted = [s for s in SCOPES if s in set(scopes)]
    if not wanted or len(wanted) != len(set(scopes)):
        raise ForumError(_("Please choose what the token may do: read, write or admin."), field="scopes")
    if "admin" in wanted and not (owner.is_agent or owner.is_admin):
        raise NotAllowed(_("Only the IT team can make a token with admin rights."))
    try:
        lifetime = int(days)
    except (TypeError, ValueError):
        lifetime = 0
    if lifetime not in LIFETIMES:
        raise ForumError(_("Please choose how long the token lasts from the list."), field="days")
    Token = state.models.AccessToken
    session = state.db.session
    now = utcnow()
    live = session.scalar(sa.select(sa.func.count()).select_from(Token).where(*_live(Token, owner.id, now)))
    if (live or 0) >= MOST_TOKENS:
        raise ForumError(
            _(
                "You have %(count)s tokens already. Revoke one you no longer use, then make a new one.",
                count=MOST_TOKENS,
            ),
            field="name",
        )
    secret = TOKEN_START + secrets.token_urlsafe(32)
    token = Token(
        user_id=owner.id,
        name=name,
        prefix=secret[: len(TOKEN_START) + 6],
        digest=digest(secret),
        scopes=" ".join(wanted),
        created_at=now,
        expires_at=now + dt.timedelta(days=lifetime),
    )
    session.add(token)
    session.commit()
    return token, secret


def _live(Token: Any, user_id: Any, now: dt.datetime) -> tuple[sa.ColumnElement[bool], ...]:
    return (
        Token.user_id == user_id,
        Token.revoked_at.is_(None),
        sa.or_(Token.expires_at.is_(None), Token.expires_at > now),
    )


def of(state: ForumState, owner: ForumUser) -> list[AccessToken]:
    """The owner's tokens that still work, newest first."""
    Token = state.models.AccessToken
    query = sa.select(Token).where(*_live(Token, owner.id, utcnow())).order_by(Token.created_at.desc(), Token.id.desc())
    return list(state.db.session.scalars(query))


def revoke(state: ForumState, owner: ForumUser, token_id: Any) -> AccessToken:
    """Stop one of the owner's tokens working, at once, in every process (each call reads the row)."""
    Token = state.models.AccessToken
    token = state.db.session.get(Token, token_id) if token_id else None
    if token is None or token.user_id != owner.id:
        raise NotFound(_("We could not find that token. It may have been revoked already."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        state.db.session.commit()
    return token


def authenticate(state: ForumState, secret: str) -> tuple[AccessToken, ForumUser]:
    """The token and its owner for a secret, or a 401 that says what to do."""
    Token = state.models.AccessToken
    token = None
    if secret.startswith(TOKEN_START) and len(secret) < 200:
        token = state.db.session.scalar(sa.select(Token).where(Token.digest == digest(secret)))
    if token is None:
        raise NotSignedIn(
            _("We do not know that token. Check that you copied all of it, or make a new one on your profile page.")
        )
    now = utcnow()
    if token.revoked_at is not None:
        raise NotSignedIn(_("That token was revoked. Make a new one on your profile page."))
    if token.expires_at is not None and token.expires_at <= now:
        raise NotSignedIn(
            _(
                "That token expired on %(date)s. Make a new one on your profile page.",
                date=i18n.moment(token.expires_at, "date"),
            )
        )
    owner = state.users.get(token.user_id)
    if owner is None:
        raise NotSignedIn(_("The account this token belongs to no longer exists."))
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_EVERY:
        state.db.session.execute(sa.update(Token).where(Token.id == token.id).values(last_used_at=now))
        state.db.session.commit()
    return token, owner
