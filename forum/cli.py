"""``flask forum ...``: the forum's commands, beside the host's own."""

from __future__ import annotations

from typing import Any

import click
from alembic import command
from flask import current_app
from flask.cli import AppGroup

from .models.migrate import alembic_config

forum_cli = AppGroup("forum", help="Manage the community forum.")


@forum_cli.group("db")
def db_group() -> None:
    """The forum's tables (its own migration history, apart from yours)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Create or upgrade the forum's tables."""
    command.upgrade(alembic_config(current_app), revision)
    click.echo("The forum's tables are up to date.")


@db_group.command("downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Go back to an older revision ("base" removes the forum's tables)."""
    command.downgrade(alembic_config(current_app), revision)


@db_group.command("stamp")
@click.argument("revision", default="head")
def db_stamp(revision: str) -> None:
    """Record a revision without running it (after db.create_all(), say)."""
    command.stamp(alembic_config(current_app), revision)


@db_group.command("current")
def db_current() -> None:
    """Show the revision the database is at."""
    command.current(alembic_config(current_app), verbose=True)


@db_group.command("history")
def db_history() -> None:
    """List the forum's revisions."""
    command.history(alembic_config(current_app))


@db_group.command("check")
def db_check() -> None:
    """Fail if the models and the database differ (for the forum's maintainers)."""
    command.check(alembic_config(current_app))


@db_group.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate", is_flag=True)
def db_revision(message: str, autogenerate: bool) -> None:
    """Write a new migration script (for the forum's maintainers)."""
    command.revision(alembic_config(current_app), message=message, autogenerate=autogenerate)


@forum_cli.group("points")
def points_group() -> None:
    """The points ledger and its cached totals."""


@points_group.command("verify")
def points_verify() -> None:
    """Check that every cached total equals the ledger; exits 1 if any differs."""
    from .gamification import ledger
    from .state import get_state

    problems = ledger.verify(get_state())
    for line in problems[:50]:
        click.echo(line)
    if problems:
        click.echo(f"{len(problems)} totals differ from the ledger. Run `flask forum points rebuild` to fix them.")
        raise SystemExit(1)
    click.echo("Every cached total matches the ledger.")


@points_group.command("rebuild")
def points_rebuild() -> None:
    """Recompute every cached total from the ledger."""
    from .gamification import ledger
    from .state import get_state

    count = ledger.rebuild(get_state())
    click.echo(f"Rebuilt {count} totals from the ledger.")


@forum_cli.group("badges")
def badges_group() -> None:
    """Badges."""


@badges_group.command("backfill")
def badges_backfill() -> None:
    """Award the badges that existing activity already earns, and update levels."""
    import sqlalchemy as sa

    from .gamification import badges, levels
    from .state import get_state

    state = get_state()
    key: sa.Column[Any] = sa.inspect(state.models.user_model).primary_key[0]
    user_ids = list(state.db.session.scalars(sa.select(key)))
    count = badges.backfill(state, user_ids)
    for user_id in user_ids:
        levels.refresh(state, user_id)
    state.db.session.commit()
    click.echo(f"Awarded {count} badges to {len(user_ids)} people.")


@forum_cli.group("search")
def search_group() -> None:
    """The search index."""


@search_group.command("rebuild")
def search_rebuild() -> None:
    """Bring every search document in step now (what the worker does), with a progress bar.

    Search keeps working meanwhile: each thread's documents are replaced in their own transaction.
    """
    from .search.engine import BATCH, index_pending, mark_all
    from .search.meaning import status
    from .state import get_state

    state = get_state()
    total = mark_all(state)
    with click.progressbar(length=total, label="Indexing threads, answers and articles") as bar:
        while done := index_pending(state, limit=BATCH):
            bar.update(done)
    click.echo(f"Search is up to date: {total} threads and articles checked.")
    click.echo(f"{status(state).waiting} solved threads and articles wait for the worker to measure their meaning.")


@search_group.command("embed")
@click.option("--again", is_flag=True, help="Measure every solved thread and article again (after a model change).")
def search_embed(again: bool) -> None:
    """Measure the meaning of what changed (what the worker does), with a progress bar."""
    from .search.engine import index_pending
    from .search.meaning import BATCH, embed_pending, forget_all, status
    from .state import get_state

    state = get_state()
    if not state.meaning().ready:
        raise click.ClickException(state.meaning().problem)
    index_pending(state)  # what waits to be indexed is measured too
    waiting = forget_all(state) if again else status(state).waiting
    with click.progressbar(length=waiting, label="Measuring meaning") as bar:
        while written := embed_pending(state, limit=BATCH):
            bar.update(written)
    click.echo(f"{status(state).vectors} solved threads and articles are measured by meaning.")


@forum_cli.group("desk")
def desk_group() -> None:
    """Passing questions to the IT team's service desk."""


@desk_group.command("run")
@click.option("--once", is_flag=True, help="Do one pass and stop (for cron).")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
def desk_run(once: bool, interval: float) -> None:
    """Escalate questions that are due, deliver them to the desk, and bring ticket news back."""
    import logging

    from .state import get_state
    from .worker import run_forever, run_once

    state = get_state()
    desk = state.desk()
    if not desk.enabled:
        raise click.ClickException(desk.problem)
    if once:
        result = run_once(state, parts=("desk",))
        click.echo(", ".join(f"{name}: {count}" for name, count in result.items()))
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    click.echo(f"Working with {desk.connector.label if desk.connector else 'no desk'}; stop with Ctrl+C.")
    run_forever(state, interval=interval, parts=("desk",))


@forum_cli.command("worker")
@click.option("--once", is_flag=True, help="Do one pass and stop (for cron).")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between passes.")
def worker(once: bool, interval: float) -> None:
    """Everything in the background: the desk, e-mail and digests, search, badges and levels after likes."""
    import logging

    from .state import get_state
    from .worker import run_forever, run_once

    state = get_state()
    if once:
        result = run_once(state)
        click.echo(", ".join(f"{name}: {count}" for name, count in result.items()))
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    click.echo("The forum's worker is running; stop with Ctrl+C.")
    run_forever(state, interval=interval)
