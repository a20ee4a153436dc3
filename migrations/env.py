"""Runs the forum's migrations on the host's engine, with the forum's own version table."""

from __future__ import annotations

from alembic import context

from forum.models.migrate import configure, migration_state

state = migration_state()

if context.is_offline_mode():
    configure(url=state.db.engine.url, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    with state.db.engine.connect() as connection:
        configure(connection=connection)
        with context.begin_transaction():
            context.run_migrations()
