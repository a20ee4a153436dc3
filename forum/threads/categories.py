"""Categories: desk admins create, rename and order them; a fresh install starts with one."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ..errors import ForumError, NotAllowed
from ..i18n import _

if TYPE_CHECKING:
    from ..models import Category
    from ..state import ForumState
    from ..users import ForumUser


def slugify(text: str, *, fallback: str = "item", max_length: int = 80) -> str:
    """A short readable piece of URL made from a name or title."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or fallback


def ordered(state: ForumState) -> list[Any]:
    """All categories in the order the admins chose."""
    Category = state.models.Category
    return list(state.db.session.scalars(sa.select(Category).order_by(Category.position, Category.id)))


def _require_admin(actor: ForumUser) -> None:
    if not actor.is_admin:
        raise NotAllowed(_("Only portal admins can change categories."))


def _check(name: str | None, description: str | None) -> tuple[str, str]:
    clean = " ".join((name or "").split())
    if not clean:
        raise ForumError(_("Please give the category a name."), field="name")
    if len(clean) > 80:
        raise ForumError(_("Please keep the name under 80 characters."), field="name")
    about = (description or "").strip()
    if len(about) > 500:
        raise ForumError(_("Please keep the description under 500 characters."), field="description")
    return clean, about


def create(state: ForumState, actor: ForumUser, *, name: str, description: str = "") -> Any:
    """Add a category at the end of the list."""
    _require_admin(actor)
    clean, about = _check(name, description)
    Category, session = state.models.Category, state.db.session
    slug = slugify(clean, fallback="category")
    if session.scalar(sa.select(sa.func.count()).where(Category.slug == slug)):
        raise ForumError(
            _('There is already a category called "%(name)s". Pick another name.', name=clean), field="name"
        )
    last = session.scalar(sa.select(sa.func.max(Category.position))) or 0
    category = Category(name=clean, slug=slug, description=about, position=last + 1)
    session.add(category)
    try:
        session.commit()
    except sa.exc.IntegrityError:
        session.rollback()
        raise ForumError(
            _('There is already a category called "%(name)s". Pick another name.', name=clean), field="name"
        ) from None
    return category


def update(state: ForumState, actor: ForumUser, category: Category, *, name: str, description: str) -> Any:
    """Rename a category or change its description; its address stays the same."""
    _require_admin(actor)
    category.name, category.description = _check(name, description)
    state.db.session.commit()
    return category


def move(state: ForumState, actor: ForumUser, category: Category, step: int) -> None:
    """Swap a category with its neighbour above (-1) or below (+1)."""
    _require_admin(actor)
    items = ordered(state)
    index = next(i for i, c in enumerate(items) if c.id == category.id)
    other = index + (1 if step > 0 else -1)
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items):
        item.position = position
    state.db.session.commit()


def by_slug(state: ForumState, slug: str) -> Any | None:
    """The category at this address, if there is one."""
    Category = state.models.Category
    return state.db.session.scalar(sa.select(Category).where(Category.slug == slug))
