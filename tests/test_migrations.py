"""The forum's own migration history builds exactly the declared schema, beside the host's own history."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import Migrate
from hostapp import Member, create_app, db

from forum import include_object
from forum.models.migrate import VERSION_TABLE, forum_objects

# Flask-Migrate's generated env.py still calls get_engine(); that is the host's file, not ours.
pytestmark = pytest.mark.filterwarnings("ignore:'get_engine' is deprecated:DeprecationWarning")

both = pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)


def _tables(app):
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


@both
def test_upgrade_from_empty_builds_exactly_the_models_schema(empty_database_url):
    app = create_app(empty_database_url)
    runner = app.test_cli_runner()
    with app.app_context():
        Member.__table__.create(db.engine)
    result = runner.invoke(args=["forum", "db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert "The forum's tables are up to date." in result.output
    with app.app_context(), db.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": forum_objects, "compare_type": True, "version_table": VERSION_TABLE}
        )
        assert compare_metadata(context, db.metadata) == []
        assert conn.execute(sa.text("select slug from forum_category")).scalars().all() == ["general"]
        assert context.get_current_revision() is not None
    from forum.search.index import is_index_object

    forum_tables = {t for t in _tables(app) if t.startswith("forum_") and not is_index_object(t)}
    assert forum_tables == {t.name for t in app.extensions["forum"].models.tables} | {VERSION_TABLE}


@both
def test_downgrade_to_base_removes_only_the_forums_tables(empty_database_url):
    app = create_app(empty_database_url)
    runner = app.test_cli_runner()
    with app.app_context():
        Member.__table__.create(db.engine)
    assert runner.invoke(args=["forum", "db", "upgrade"]).exit_code == 0
    result = runner.invoke(args=["forum", "db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    assert {t for t in _tables(app) if t != VERSION_TABLE} == {"portal_people"}
    assert runner.invoke(args=["forum", "db", "upgrade"]).exit_code == 0


@both
def test_the_hosts_own_autogenerate_finds_no_changes_after_the_forum_upgrade(empty_database_url, tmp_path):
    app = create_app(empty_database_url)
    Migrate(app, db, directory=str(tmp_path / "host_migrations"), include_object=include_object)
    runner = app.test_cli_runner()
    for args in (["db", "init"], ["db", "migrate", "-m", "people"], ["db", "upgrade"], ["forum", "db", "upgrade"]):
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output, result.exception)
    scripts = list((tmp_path / "host_migrations" / "versions").glob("*.py"))
    assert len(scripts) == 1 and "forum_" not in scripts[0].read_text()
    result = runner.invoke(args=["db", "migrate", "-m", "should find nothing"])
    assert result.exit_code == 0, result.output
    assert "No changes in schema detected." in result.output
    assert len(list((tmp_path / "host_migrations" / "versions").glob("*.py"))) == 1


@both
def test_stamp_after_create_all_lets_later_upgrades_run(empty_database_url):
    app = create_app(empty_database_url)
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["forum", "db", "stamp"]).exit_code == 0
    result = runner.invoke(args=["forum", "db", "current"])
    assert "(head)" in result.output
