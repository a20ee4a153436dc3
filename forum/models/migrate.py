"""The forum's own Alembic history, kept apart from the host's (its own version table)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from alembic import command, context
from alembic.config import Config

from ..state import ForumState, get_state
from . import is_forum_table

if TYPE_CHECKING:
    from flask import Flask

VERSION_TABLE = "forum_alembic_version"


def migrations_folder() -> Path:
    """Where the scripts are: ``forum/migrations`` when installed, ``migrations/`` in a checkout."""
    spec = importlib.util.find_spec("forum.migrations")
    if spec is not None and spec.submodule_search_locations:
        return Path(list(spec.submodule_search_locations)[0])
    return Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(app: Flask) -> Config:
    """An Alembic config that runs the forum's scripts against the host's database."""
    config = Config(stdout=sys.stdout)  # the stream of the moment, so `flask` output can be captured
    config.set_main_option("script_location", str(migrations_folder()))
    config.attributes["forum_state"] = get_state(app)
    return config


def forum_objects(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """The forum's history sees only the forum's tables, never the host's."""
    from ..search.index import is_index_object

    if is_index_object(name):
        return False
    table_name = name if type_ == "table" else getattr(getattr(obj, "table", None), "name", None)
    return is_forum_table(table_name) and table_name != VERSION_TABLE


def configure(**kwargs: Any) -> None:
    """The ``context.configure`` arguments every run of the forum's history shares."""
    state = migration_state()
    context.configure(
        target_metadata=state.db.metadata,
        include_object=forum_objects,
        version_table=VERSION_TABLE,
        render_as_batch=True,
        compare_type=True,
        **kwargs,
    )


def migration_state() -> ForumState:
    """The forum state handed to the scripts by :func:`alembic_config`."""
    return context.config.attributes["forum_state"]  # type: ignore[no-any-return]


def user_column(owner: str, name: str, *, nullable: bool = False) -> sa.Column[Any]:
    """A column pointing at the host's user table, whatever its name and key type."""
    key = migration_state().models.user_key
    return sa.Column(
        name,
        key.sql_type,
        sa.ForeignKey(f"{key.table}.{key.column}", name=f"fk_{owner}_{name}"),
        nullable=nullable,
    )


def upgrade(app: Flask, revision: str = "head") -> None:
    """Bring the forum's tables up to ``revision``."""
    command.upgrade(alembic_config(app), revision)


def downgrade(app: Flask, revision: str) -> None:
    """Take the forum's tables back to ``revision`` (``base`` removes them)."""
    command.downgrade(alembic_config(app), revision)
