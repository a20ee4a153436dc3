"""How the forum sees the host's users: one small adapter the host can override."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from .i18n import _

if TYPE_CHECKING:
    from collections.abc import Iterable

    from flask_sqlalchemy import SQLAlchemy


@dataclass(frozen=True)
class ForumUser:
    """What pages need to know about a person, detached from the host's ORM object."""

    id: Any
    name: str
    email: str | None = None
    avatar_url: str | None = None
    is_agent: bool = False
    is_admin: bool = False
    #: The forum level (0 Newcomer … 4 Champion); filled in by the forum, not the host.
    level: int = 0
    #: What people type after @ to mention this person.
    handle: str = ""
    #: The language the person chose in the portal, if any: e-mails and notices to them are written in it.
    locale: str | None = None

    @property
    def is_moderator(self) -> bool:
        """Desk agents, admins and Champions may hide and restore anyone's posts."""
        return self.is_agent or self.is_admin or self.level >= 4

    @property
    def level_name(self) -> str:
        """The level in words."""
        from .gamification.rules import LEVEL_NAMES

        return str(LEVEL_NAMES[self.level])

    @property
    def initials(self) -> str:
        """Letters for the avatar circle when there is no picture."""
        parts = [p for p in self.name.replace(".", " ").split() if p]
        letters = "".join(p[0] for p in parts[:2]) or "?"
        return letters.upper()

    @property
    def colour(self) -> int:
        """One of 8 avatar colours, stable per person (a class, since the CSP forbids inline styles)."""
        digest = hashlib.blake2s(str(self.id).encode(), digest_size=2).digest()
        return int.from_bytes(digest, "big") % 8


def _first_attr(obj: Any, names: Iterable[str]) -> Any:
    for name in names:
        value = getattr(obj, name, None)
        if value not in (None, ""):
            return value
    return None


class UserAdapter:
    """Turns the host's user objects into :class:`ForumUser`.

    The defaults look for common attribute names (``display_name``, ``name``,
    ``username``, ``email``, ``avatar_url``, ``is_agent``, ``is_admin``) and
    work on a model that has none of them. Subclass it and pass an instance
    as ``Forum(user_adapter=...)`` to change any of it.
    """

    name_attributes: tuple[str, ...] = ("display_name", "full_name", "name", "username")
    email_attributes: tuple[str, ...] = ("email", "email_address", "mail")
    avatar_attributes: tuple[str, ...] = ("avatar_url", "picture_url")
    agent_attributes: tuple[str, ...] = ("is_agent", "is_staff", "is_desk_agent")
    admin_attributes: tuple[str, ...] = ("is_admin", "is_superuser")
    handle_attributes: tuple[str, ...] = ("username", "login", "handle")

    def __init__(self) -> None:
        self.db: SQLAlchemy | None = None
        self.user_model: type | None = None
        self._key_attribute = "id"

    def bind(self, db: SQLAlchemy, user_model: type) -> None:
        """Called by the extension so ``get_many`` can query the host's table."""
        self.db = db
        self.user_model = user_model
        self._key_attribute = (
            sa.inspect(user_model).mapper.get_property_by_column(sa.inspect(user_model).primary_key[0]).key
        )
        # Look only for the attributes the model has: on long pages a miss per name per person adds up.
        for group in ("name", "email", "avatar", "agent", "admin", "handle", "locale", "timezone"):
            names = getattr(self, f"{group}_attributes")
            setattr(self, f"{group}_attributes", tuple(n for n in names if hasattr(user_model, n)))

    def display_name(self, user: Any) -> str:
        """The name shown beside posts."""
        name = _first_attr(user, self.name_attributes)
        if name is None:
            return _("User %(id)s", id=self.user_id(user))
        return str(name)

    def email(self, user: Any) -> str | None:
        """Where e-mail about this person's activity goes, if anywhere."""
        value = _first_attr(user, self.email_attributes)
        return None if value is None else str(value)

    def avatar_url(self, user: Any) -> str | None:
        """A picture, or ``None`` to draw initials instead."""
        value = _first_attr(user, self.avatar_attributes)
        return None if value is None else str(value)

    def is_agent(self, user: Any) -> bool:
        """Desk agents moderate and speak for the IT team."""
        return bool(_first_attr(user, self.agent_attributes)) or self.is_admin(user)

    locale_attributes: tuple[str, ...] = ("locale", "language", "lang")
    timezone_attributes: tuple[str, ...] = ("timezone", "time_zone", "tz")

    def locale(self, user: Any) -> str | None:
        """The language this person chose in the portal ("de", "fr_CA"), or None to follow their browser."""
        value = _first_attr(user, self.locale_attributes)
        return str(value) if value else None

    def timezone(self, user: Any) -> str | None:
        """This person's time zone ("Europe/Berlin"), or None for ``FORUM_TIMEZONE``."""
        value = _first_attr(user, self.timezone_attributes)
        return str(value) if value else None

    def is_admin(self, user: Any) -> bool:
        """Admins manage categories and settings."""
        return bool(_first_attr(user, self.admin_attributes))

    def handle(self, user: Any) -> str:
        """What follows @ to mention this person: a user name if the model has one, else the name without spaces."""
        value = _first_attr(user, self.handle_attributes)
        if value:
            return str(value)
        return "".join(ch for ch in self.display_name(user) if ch.isalnum() or ch in "._-")

    def find_by_handles(self, handles: Iterable[str]) -> dict[str, ForumUser]:
        """People by lower-cased handle, in one query."""
        assert self.db is not None and self.user_model is not None
        wanted = {h.lower() for h in handles if h}
        if not wanted:
            return {}
        mapper: sa.orm.Mapper[Any] = sa.inspect(self.user_model)
        if self.handle_attributes and self.handle_attributes[0] in mapper.columns:
            column = sa.func.lower(mapper.columns[self.handle_attributes[0]])
        elif self.name_attributes and self.name_attributes[0] in mapper.columns:
            column = sa.func.lower(sa.func.replace(mapper.columns[self.name_attributes[0]], " ", ""))
        else:
            return {}
        found = (self.to_forum_user(u) for u in self._scalars(sa.select(self.user_model).where(column.in_(wanted))))
        return {person.handle.lower(): person for person in found}

    def _scalars(self, query: sa.Select[Any]) -> Iterable[Any]:
        """Host users from ``query`` (the host's model is not known to the type checker)."""
        assert self.db is not None
        return self.db.session.scalars(query)

    def user_id(self, user: Any) -> Any:
        """The primary key the forum stores; the host's ``get_id()`` is a string, so read the column."""
        return getattr(user, self._key_attribute)

    def to_forum_user(self, user: Any) -> ForumUser:
        """Detach one host user into the forum's view of it."""
        return ForumUser(
            id=self.user_id(user),
            name=self.display_name(user),
            email=self.email(user),
            avatar_url=self.avatar_url(user),
            is_agent=self.is_agent(user),
            is_admin=self.is_admin(user),
            handle=self.handle(user),
            locale=self.locale(user),
        )

    def get_many(self, ids: Iterable[Any]) -> dict[Any, ForumUser]:
        """Load many people in one query, so lists never query once per person."""
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        assert self.db is not None and self.user_model is not None
        pk: sa.Column[Any] = sa.inspect(self.user_model).primary_key[0]
        rows: Iterable[Any] = self.db.session.scalars(sa.select(self.user_model).where(pk.in_(wanted)))
        found = {self.user_id(u): self.to_forum_user(u) for u in rows}
        for missing in wanted - found.keys():
            found[missing] = ForumUser(id=missing, name=_("Former member"))
        return found

    def search(self, text: str, *, limit: int = 8) -> list[ForumUser]:
        """People whose name or e-mail contains ``text``, for "send to a colleague"."""
        assert self.db is not None and self.user_model is not None
        words = text.strip()
        if len(words) < 2:
            return []
        mapper: sa.orm.Mapper[Any] = sa.inspect(self.user_model)
        columns = [
            mapper.columns[name] for name in (*self.name_attributes, *self.email_attributes) if name in mapper.columns
        ]
        if not columns:
            return []
        pattern = "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        query: sa.Select[Any] = (
            sa.select(self.user_model)
            .where(sa.or_(*(sa.func.lower(c).like(pattern.lower(), escape="\\") for c in columns)))
            .order_by(columns[0])
            .limit(limit)
        )
        return [self.to_forum_user(u) for u in self._scalars(query)]

    def get(self, user_id: Any) -> ForumUser | None:
        """Load one person, or ``None`` if the host has no such user."""
        assert self.db is not None and self.user_model is not None
        if user_id is None:  # a key that could not be read from a URL or form
            return None
        user = self.db.session.get(self.user_model, user_id)
        return None if user is None else self.to_forum_user(user)
